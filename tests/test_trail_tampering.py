"""Tampering that used to pass: an edit that keeps a file's size and mtime (beancount's pickle
cache would not see it; fundtrail never uses that cache), a forged seal memory, a workspace
copied with a cache; and a full consistent rewrite, which only a hash kept outside the workspace
(`verify --expect`) shows."""

import marshal
import os
import shutil

import pytest
import small_ledger
from beancount import loader
from click.testing import CliRunner

from fundtrail import seals
from fundtrail.books import Books
from fundtrail.cli import main
from fundtrail.sealcache import CACHE_FILE, VerifiedPeriods

SEALED = "2024-06-30"
IMPORTED = "transactions/imported.beancount"


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # the seal memory's key


def sealed(tmp_path):
    ledger = small_ledger.make(tmp_path / "ws")
    result = CliRunner().invoke(main, ["seal", str(ledger), "--through", SEALED])
    assert result.exit_code == 0, result.output
    return ledger


def same_size_same_mtime_edit(path, old: str, new: str) -> None:
    assert len(old.encode()) == len(new.encode())
    stat = path.stat()
    path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns


def verify(ledger, *args):
    return CliRunner().invoke(main, ["verify", str(ledger), *args])


def test_every_load_sees_an_edit_that_keeps_size_and_mtime(tmp_path, eager_pickle_cache):
    ledger = sealed(tmp_path)
    Books.load(str(ledger))  # beancount would write its pickle cache here; fundtrail does not
    assert not (ledger.parent / ".main.beancount.picklecache").exists()
    same_size_same_mtime_edit(ledger.parent / IMPORTED, "30000.00 CNY", "39000.00 CNY")
    errors = Books.load(str(ledger)).errors
    assert any(isinstance(e, seals.SealError) and e.change == "changed" for e in errors)
    result = verify(ledger)
    assert result.exit_code == 1, result.output
    assert "已封账分录被修改：" in result.output and "BROKEN" in result.output
    refused = CliRunner().invoke(main, ["seal", str(ledger), "--through", "2024-09-30"])
    assert refused.exit_code != 0 and "不能封账" in refused.output


def test_a_forged_seal_memory_hides_nothing(tmp_path):
    ledger = sealed(tmp_path)
    path = ledger.parent / IMPORTED
    path.write_text(path.read_text("utf-8").replace("30000.00 CNY", "39000.00 CNY"), "utf-8")
    books = Books.load(str(ledger))
    seal = seals.read_seals(books.entries)[0]
    # the forger computes the memory for the edited text, as the plugin would after verifying it
    memo = VerifiedPeriods(ledger.parent, ledger)
    state = memo.check(seal.hash, seals.periods(books.entries, [seal.through])[0])[1]
    forged = marshal.dumps((memo.context, {seal.hash: state}))
    for content in (forged, os.urandom(32) + forged):  # without a MAC, and with a wrong one
        (ledger.parent / CACHE_FILE).write_bytes(content)
        errors = Books.load(str(ledger)).errors
        assert any(isinstance(e, seals.SealError) and e.change == "changed" for e in errors)


def test_a_copied_workspace_does_not_load_the_originals_cache(tmp_path, eager_pickle_cache):
    ledger = sealed(tmp_path)
    loader.load_file(str(ledger))  # bean-check or another beancount tool writes the cache
    assert (ledger.parent / ".main.beancount.picklecache").is_file()
    copy = tmp_path / "copy"
    shutil.copytree(ledger.parent, copy)  # like cp -a: mtimes and the cache come along
    path = copy / IMPORTED
    path.write_text(path.read_text("utf-8").replace("30000.00 CNY", "39000.00 CNY"), "utf-8")
    errors = Books.load(str(copy / "main.beancount")).errors
    assert any(isinstance(e, seals.SealError) and e.change == "changed" for e in errors)
    check = CliRunner().invoke(main, ["check", str(copy / "main.beancount")])
    assert check.exit_code != 0 and "已封账分录被修改：" in check.output


def test_verify_expect_catches_a_full_consistent_rewrite(tmp_path):
    ledger = small_ledger.make(tmp_path / "ws")
    output = CliRunner().invoke(main, ["seal", str(ledger), "--through", SEALED]).output
    seal = seals.read_seals(Books.load(str(ledger)).entries)[0]
    hash_, on_paper = seal.hash, seals.paper_form(seal.through, seal.hash)
    assert on_paper.startswith("封账 2024-06-30") and hash_[:4] + " " + hash_[4:8] in on_paper
    assert on_paper in output  # the seal prints it for the paper record
    kept = verify(ledger, "--expect", on_paper.split("  ", 1)[1])  # copied back with its spaces
    assert kept.exit_code == 0 and "INTACT" in kept.output, kept.output
    assert f"当前封账链头 {on_paper}" in kept.output
    # the rewrite: a payee changed, seal and sidecar recomputed from scratch, all consistent
    path = ledger.parent / IMPORTED
    path.write_text(path.read_text("utf-8").replace('"禾丰合作社"', '"禾丰农业社"'), "utf-8")
    (ledger.parent / "seals.beancount").write_text("", "utf-8")
    shutil.rmtree(ledger.parent / "seals")
    assert CliRunner().invoke(main, ["seal", str(ledger), "--through", SEALED]).exit_code == 0
    assert verify(ledger).exit_code == 0  # on its own, a consistent rewrite is intact
    caught = verify(ledger, "--expect", hash_)
    assert caught.exit_code == 1, caught.output
    assert "封账链中没有留存的哈希" in caught.output and "BROKEN" in caught.output


def test_verify_expect_takes_the_line_seal_prints(tmp_path):
    """`seal` asks to copy `封账 2024-06-30  3f1c 9a0b …` and check it with verify --expect:
    that exact line was refused as a wrong hash."""
    ledger = small_ledger.make(tmp_path / "ws")
    output = CliRunner().invoke(main, ["seal", str(ledger), "--through", SEALED]).output
    line = next(text.strip() for text in output.splitlines() if text.strip().startswith("封账 2024"))
    kept = verify(ledger, "--expect", line)
    assert kept.exit_code == 0 and "INTACT" in kept.output, kept.output
    head = next(text for text in kept.output.splitlines() if "当前封账链头" in text)
    assert verify(ledger, "--expect", head).exit_code == 0  # verify's own line too
    wrong_day = verify(ledger, "--expect", line.replace("2024-06-30", "2024-03-31"))
    assert wrong_day.exit_code == 1 and "2024-03-31" in wrong_day.output
