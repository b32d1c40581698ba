"""The field4 corpus (tests/corpus/field4): statements, vouchers and rosters as other banks,
treasury systems and townships write them, imported through the CLI into a fresh workspace and
compared with what manifest.json says a correct import gives (rows, dates, amounts,
counterparties, totals, skipped rows, balances; or a clear refusal naming the file and row, exit
code non-zero, no traceback, nothing written). One test per file, its id the file's name.

A bank statement no packaged layout reads is judged by the documented route: the import refuses
it pointing at `fundtrail layout suggest`, the user runs it and imports again
(check.documented_route); its outcome says "via layout suggest".

Several of these fail on purpose: they show what the importers do not read yet (see the corpus
README for what each file imitates)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "corpus" / "field4"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))

_spec = importlib.util.spec_from_file_location("field4_check", CORPUS / "check.py")
check = importlib.util.module_from_spec(_spec)
sys.modules["field4_check"] = check
_spec.loader.exec_module(check)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return check.make_template(tmp_path_factory.mktemp("field4"))


def test_manifest_covers_every_file():
    on_disk = {p.name for p in (CORPUS / "files").iterdir()}
    assert on_disk == set(MANIFEST["files"])
    assert len(on_disk) >= 14
    for name, spec in MANIFEST["files"].items():
        assert spec["expect"] in ("import", "refuse"), name
        if spec["expect"] == "import":
            assert spec["count"] == len(spec["entries"]) > 0, name


@pytest.mark.parametrize("name", sorted(MANIFEST["files"]))
def test_corpus_file(name, template, tmp_path):
    r = check.documented_route(name, template, tmp_path)
    assert r.ok, (f"{name}: expected {r.expect}, outcome {r.outcome}:\n  - " + "\n  - ".join(r.problems)
                  + "\n" + r.output)
