"""Change history: `fundtrail init` makes a git repository; commits carry the user's name;
`fundtrail history --entry LINK` lists the commits that touched that entry."""

import shutil
import subprocess

import pytest
import small_ledger
from click.testing import CliRunner

from fundtrail import history
from fundtrail.cli import main

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture(autouse=True)
def no_git_identity(monkeypatch, tmp_path_factory):
    """No configured git name, so the name comes from FUNDTRAIL_USER."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path_factory.mktemp("home") / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("FUNDTRAIL_USER", "张会计")


def git(root, *args):
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          check=True).stdout


def test_init_makes_a_repository_with_a_first_commit(tmp_path):
    result = CliRunner().invoke(main, ["init", str(tmp_path / "ws"), "--demo"])
    assert result.exit_code == 0, result.output
    log = git(tmp_path / "ws", "log", "--format=%an|%s")
    assert log.splitlines() == ["张会计|新建工作区 青禾区 workspace created (张会计)"]
    assert git(tmp_path / "ws", "status", "--porcelain") == ""


def test_commit_records_changes_by_the_user_and_is_a_no_op_outside_a_repo(tmp_path):
    ledger = small_ledger.make(tmp_path)
    assert history.commit(tmp_path, "outside") is None
    first = history.init(tmp_path, "初始 first")
    assert first and len(first) == 40
    assert history.commit(tmp_path, "nothing changed") is None
    (tmp_path / "transactions/manual.beancount").write_text("; 更正分录\n", "utf-8")
    second = history.commit(tmp_path, "更正 correction")
    assert second != first
    assert git(tmp_path, "log", "-1", "--format=%H|%an|%s").strip() == f"{second}|张会计|更正 correction"
    assert ledger.exists()


def test_seal_commits_and_history_follows_one_entry(tmp_path):
    ledger = small_ledger.make(tmp_path)
    history.init(tmp_path, "导入 import")
    path = tmp_path / "transactions/imported.beancount"
    path.write_text(path.read_text("utf-8").replace('"禾丰合作社"', '"禾丰农业合作社"'), "utf-8")
    history.commit(tmp_path, "改收款人 payee fixed")
    (tmp_path / "transactions/manual.beancount").write_text("; 无关 unrelated\n", "utf-8")
    history.commit(tmp_path, "无关修改 unrelated")
    assert CliRunner().invoke(main, ["seal", str(ledger), "--through", "2024-06-30"]).exit_code == 0
    assert git(tmp_path, "log", "-1", "--format=%an|%s").startswith("张会计|封账 seal through 2024-06-30")

    result = CliRunner().invoke(main, ["history", str(ledger), "--entry", "^ICBC-2345-0001"])
    assert result.exit_code == 0, result.output
    subjects = [line.strip() for line in result.output.splitlines() if line.startswith("    ")]
    assert [s.split(":")[0] for s in subjects] == [  # the seal's sidecar names the entry too
        "封账 seal through 2024-06-30", "改收款人 payee fixed", "导入 import"]
    books = CliRunner().invoke(main, ["history", str(ledger)]).output
    assert "无关修改 unrelated" in books and "封账 seal through" in books


def test_history_outside_a_repository_is_a_message(tmp_path):
    ledger = small_ledger.make(tmp_path)
    result = CliRunner().invoke(main, ["history", str(ledger)])
    assert result.exit_code != 0 and f"工作区“{tmp_path.name}”不是 git 仓库" in result.output
    assert str(tmp_path.parent) not in result.output  # the workspace by its folder's name


def test_an_import_is_one_commit_by_the_user(tmp_path):
    from conftest import SAMPLES

    from fundtrail import workspace
    from fundtrail.importers.pipeline import run_import

    ledger = workspace.create(tmp_path / "ws")
    history.init(ledger.parent, "新建 init")
    summary = run_import(ledger, [SAMPLES / "bank" / "icbc-corporate-2024Q3.csv"])
    author, subject = git(ledger.parent, "log", "-1", "--format=%an|%s").strip().split("|")
    assert author == "张会计"
    assert subject.startswith(f"导入 import {summary.batch}: icbc-corporate-2024Q3.csv")
    assert f"新增交易 {summary.transactions} 笔" in subject and summary.transactions > 0
    changed = git(ledger.parent, "show", "--name-only", "--format=", "HEAD").split()
    assert "transactions/imported.beancount" in changed
    assert any(name.startswith("documents/") for name in changed)  # the filed source too
    assert run_import(ledger, [SAMPLES / "bank" / "icbc-corporate-2024Q3.csv"]).written == []
    assert git(ledger.parent, "log", "-1", "--format=%s").startswith("导入 import")
    assert len(git(ledger.parent, "log", "--format=%h").split()) == 2  # nothing new, no commit


def test_a_disposition_from_fava_is_committed_under_the_logged_in_user(tmp_path):
    from beancount import loader
    from fava_pages import FavaClient

    from fundtrail.plugins.checks import all_findings

    ledger = small_ledger.make(tmp_path)
    with (tmp_path / "transactions/manual.beancount").open("a", encoding="utf-8") as handle:
        handle.write('\n2024-06-01 * "某公司" "往来款"\n  Expenses:Suspense  500.00 CNY\n'
                     '  Assets:Bank:ICBC-2345\n')
    history.init(tmp_path, "新建 init")
    entries, _, options = loader.load_file(str(ledger))
    finding = next(f for f in all_findings(entries, options) if f.rule == "unclassified")
    fava = FavaClient(ledger)
    response = fava.client.post(fava.url("Fundtrail/disposition"),
                                data={"id": finding.id, "status": "核实中", "reason": "待银行回单"},
                                environ_base={"fundtrail.user": "李审计"})
    assert response.status_code == 303, response.data
    author, subject = git(tmp_path, "log", "-1", "--format=%an|%s").strip().split("|")
    assert author == "李审计"
    assert subject == f"处置疑点 disposition {finding.id}: 核实中 待银行回单"
    assert "custom \"finding\"" in git(tmp_path, "show", "HEAD")


def test_a_write_killed_midway_leaves_no_temporary_file_in_the_history(tmp_path):
    """A write killed (kill -9, the OOM killer) while it streams its parts leaves the old file
    whole and its temporary file (`.<name>.<random>.tmp`) beside it: the next commit (an import,
    a disposition) must not put that half-written copy of the books into the history."""
    import signal
    import sys

    small_ledger.make(tmp_path)
    history.init(tmp_path, "初始 first")
    books = tmp_path / "transactions/manual.beancount"
    old = books.read_bytes()
    script = ("import os, signal, sys\nfrom pathlib import Path\nfrom fundtrail.atomicwrite import atomic\n"
              "def parts():\n    yield b'; half of the new books' * 1000\n"
              "    os.kill(os.getpid(), signal.SIGKILL)\n"
              "for target in sys.argv[1:]:\n    atomic(Path(target), parts())\n")
    for target in (books, tmp_path / ".fundtrail-books.cache"):
        died = subprocess.run([sys.executable, "-c", script, str(target)], capture_output=True)
        assert died.returncode == -signal.SIGKILL
    assert books.read_bytes() == old
    left = sorted(p.name for p in tmp_path.rglob("*.tmp"))
    assert len(left) == 2 and left[0].startswith("..fundtrail-books.cache.")  # what a kill leaves
    (tmp_path / "transactions/manual.beancount").write_text("; 更正分录\n", "utf-8")
    assert history.commit(tmp_path, "更正 correction")
    committed = git(tmp_path, "show", "--name-only", "--format=", "HEAD").split()
    assert committed == ["transactions/manual.beancount"]
    assert not [n for n in git(tmp_path, "ls-files").split() if n.endswith(".tmp")]
