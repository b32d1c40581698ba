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
    result = CliRunner().invoke(main, ["init", str(tmp_path / "ws")])
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
    assert result.exit_code != 0 and "不是 git 仓库" in result.output
