"""An include pattern never walks out of the workspace: `include "/**/*.beancount"` had glob
walk the whole machine (over a minute, on every command and every Fava reload) before the
matches were refused, and a `**` pattern followed a folder link (to /, or two links to `.`
branching without end). Such a pattern is refused before anything is walked."""

import glob
import os
import time

import pytest
import small_ledger

from fundtrail import loading


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def walked(monkeypatch):
    """The patterns glob was asked to walk."""
    searches = []
    real = glob.glob

    def recording(pattern, *args, **kwargs):
        searches.append(pattern)
        if "nothing-" in pattern:
            return []  # the walk itself is what must not happen (it would take minutes)
        return real(pattern, *args, **kwargs)

    monkeypatch.setattr(loading.glob, "glob", recording)
    return searches


def with_include(tmp_path, pattern):
    ledger = small_ledger.make(tmp_path / "ws")
    line = f'include "{pattern}"'
    with ledger.open("a", encoding="utf-8") as handle:
        handle.write("\n" + line + "\n")
    return ledger, ledger.read_text("utf-8").splitlines().index(line) + 1


@pytest.mark.parametrize("pattern", ["/**/nothing-*.beancount", "../**/nothing-*.beancount",
                                     "transactions/../../*/nothing-*.beancount"])
def test_a_pattern_from_outside_the_workspace_is_refused_before_any_walk(tmp_path, walked, pattern):
    ledger, line = with_include(tmp_path, pattern)
    started = time.monotonic()
    _entries, errors, _options = loading.load(ledger)
    assert time.monotonic() - started < 10
    refused = [e for e in errors if isinstance(e, loading.LoadRefused)]
    assert [(e.source["filename"], e.source["lineno"]) for e in refused] == [(str(ledger), line)]
    assert "拒绝包含工作区以外的文件" in refused[0].message
    assert not [s for s in walked if "nothing-" in s]


@pytest.mark.parametrize("links", [{"sub/root": "/"}, {"a": ".", "b": "."}])
def test_a_double_star_pattern_over_a_linked_folder_is_refused(tmp_path, walked, links):
    ledger, line = with_include(tmp_path, "**/nothing-*.beancount")
    for name, target in links.items():
        (ledger.parent / name).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, ledger.parent / name)
    _entries, errors, _options = loading.load(ledger)
    refused = [e for e in errors if isinstance(e, loading.LoadRefused)]
    assert [(e.source["filename"], e.source["lineno"]) for e in refused] == [(str(ledger), line)]
    assert "符号链接" in refused[0].message
    assert not [s for s in walked if "nothing-" in s]


def test_a_pattern_inside_the_workspace_still_includes_its_files(tmp_path):
    ledger, _line = with_include(tmp_path, "extra/**/*.beancount")
    extra = ledger.parent / "extra" / "deep"
    extra.mkdir(parents=True)
    (extra / "more.beancount").write_text('2024-01-02 open Assets:Extra CNY\n', "utf-8")
    entries, errors, options = loading.load(ledger)
    assert str(extra / "more.beancount") in options["include"]
    assert any(getattr(e, "account", None) == "Assets:Extra" for e in entries)
    assert not [e for e in errors if isinstance(e, loading.LoadRefused)]
