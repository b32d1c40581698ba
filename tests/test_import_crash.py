"""A kill during an import leaves every file as it was before or as it is after, and the books
load at every point: each file is replaced atomically, in an order that keeps them loadable."""

import shutil

import pytest
from beancount import loader
from conftest import SAMPLES, snapshot

from fundtrail.findings import Finding
from fundtrail.importers import ledgerfiles, pipeline

PSBC = "Assets:Bank:PSBC-1188"


class Killed(BaseException):
    pass


@pytest.mark.parametrize("survive", [0, 3, 9, 10, 11, 12, 13])
def test_killed_after_n_file_replacements(workspace, tmp_path, monkeypatch, survive):
    before = snapshot(workspace.parent)
    done = tmp_path / "done"
    shutil.copytree(workspace.parent, done)
    pipeline.run_import(done / "main.beancount", [SAMPLES], account=PSBC)
    after = snapshot(done)

    real, count = ledgerfiles.atomic, []

    def dying(target, payload):
        if len(count) == survive:
            raise Killed
        count.append(target)
        real(target, payload)

    monkeypatch.setattr(ledgerfiles, "atomic", dying)
    with pytest.raises(Killed):
        pipeline.run_import(workspace, [SAMPLES], account=PSBC)
    now = snapshot(workspace.parent)
    for name, payload in now.items():
        assert payload in (before.get(name), after.get(name)), name
    assert not [n for n in now if n.endswith(".tmp")]
    _, errors, _ = loader.load_file(str(workspace))
    assert [e for e in errors if not isinstance(e, Finding)] == []
    monkeypatch.setattr(ledgerfiles, "atomic", real)
    pipeline.run_import(workspace, [SAMPLES], account=PSBC)  # finishing the job later
    assert snapshot(workspace.parent) == after
