"""Two writers at once never lose each other's work: two imports into one workspace, started
together twenty times, always leave both statements' rows in the books and in git; a seal waits
for an import and says so."""

import contextlib
import datetime
import multiprocessing
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from chinese_only import english
from click.testing import CliRunner

from fundtrail import history, lock
from fundtrail import workspace as ws
from fundtrail.cli import main
from fundtrail.importers.pipeline import run_import

HEAD = "中国工商银行对公账户明细\n户名:测试专户\n账号:1605 0012 0920 0077 {account}\n起止日期:{start}至{end}\n"
COLUMNS = "日期,凭证号,对方户名,对方账号,摘要,借方发生额,贷方发生额,余额\n"
ROWS = 12


def statement(path, account: str, start: datetime.date) -> None:
    lines, balance = [HEAD.format(account=account, start=start, end=start), COLUMNS], 0
    for row in range(ROWS):
        balance += 100 + row
        lines.append(f"{start},{account}{row:05d},甲公司,--,转账 款项,,{100 + row}.00,{balance}.00\n")
    path.write_bytes("".join(lines + ["合计,,,,,,,\n"]).encode("gbk"))


def _import(ledger, path) -> None:
    run_import(ledger, [path])


def rows_by_account(ledger) -> dict[str, int]:
    entries, _, _ = loader.load_file(str(ledger))
    counts: dict[str, int] = {}
    for entry in entries:
        if isinstance(entry, data.Transaction) and entry.meta.get("row"):
            account = entry.postings[0].account
            counts[account] = counts.get(account, 0) + 1
    return counts


def test_two_imports_at_once_keep_both_statements(tmp_path):
    fork = multiprocessing.get_context("fork")  # the children start with fundtrail loaded
    for trial in range(20):
        root = tmp_path / f"ws{trial}"
        ledger = ws.create(root)
        history.init(root, "新建 init")
        first, second = tmp_path / f"a{trial}.csv", tmp_path / f"b{trial}.csv"
        statement(first, "777", datetime.date(2024, 3, 1))
        statement(second, "888", datetime.date(2024, 3, 1))
        workers = [fork.Process(target=_import, args=(ledger, p)) for p in (first, second)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(120)
        assert [w.exitcode for w in workers] == [0, 0], trial
        assert rows_by_account(ledger) == {"Assets:Bank:ICBC-7777": ROWS, "Assets:Bank:ICBC-7888": ROWS}, trial
        git = subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True, text=True)
        assert git.stdout == "", (trial, git.stdout)  # both imports committed, nothing left over
        shown = subprocess.run(["git", "-C", str(root), "show", "HEAD:transactions/imported.beancount"],
                               capture_output=True, text=True).stdout
        assert "ICBC-7777" in shown and "ICBC-7888" in shown, trial


@contextlib.contextmanager
def held_elsewhere(root, seconds: float):
    """The workspace lock held by another process for `seconds`."""
    holder = subprocess.Popen([sys.executable, "-c", (
        "import time; from fundtrail import lock\n"
        f"with lock.writing({str(root)!r}, 'seal'):\n"
        f"    print('held', flush=True); time.sleep({seconds})")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        holder.wait(10)


def test_an_import_waits_for_another_writer_and_says_so(tmp_path):
    ledger = ws.create(tmp_path / "ws")
    history.init(ledger.parent, "新建 init")
    statement(tmp_path / "a.csv", "777", datetime.date(2024, 3, 1))
    with held_elsewhere(ledger.parent, 1.5):
        started = time.monotonic()
        result = CliRunner().invoke(main, ["import", str(ledger), str(tmp_path / "a.csv")])
        assert result.exit_code == 0, result.output
        assert "工作区“ws”的账簿正由进程 " in result.output and "写入。导入等待该操作结束……" in result.output
        assert time.monotonic() - started > 0.5  # it waited for the holder, not interleaved
    assert rows_by_account(ledger) == {"Assets:Bank:ICBC-7777": ROWS}


def test_a_writer_that_waits_too_long_is_refused_in_chinese(tmp_path):
    root = tmp_path / "县账簿"
    root.mkdir()
    with held_elsewhere(root, 3) as holder, pytest.raises(lock.LockBusy) as busy, \
            lock.writing(root, "导入", wait=0.3):
        raise AssertionError("the lock was held by another process")
    assert str(busy.value) == (
        f"工作区“县账簿”的账簿正由进程 {holder.pid}（{Path(sys.executable).name[:15]}）写入，已等待 0.3 秒仍未结束。"
        f"导入未执行，账簿未作改动。请待该操作结束后重试。如确认该进程已无响应，请先结束进程 {holder.pid} 再重试。")
    assert str(busy.value).count("（") == 1  # one level of brackets
    assert english(str(busy.value)) == [] and str(tmp_path) not in str(busy.value)


def test_a_thread_refused_names_what_this_process_is_writing(tmp_path):
    root = tmp_path / "ws"
    root.mkdir()
    held, release = threading.Event(), threading.Event()

    def seal():
        with lock.writing(root, "封账"):
            held.set()
            release.wait(10)

    writer = threading.Thread(target=seal)
    writer.start()
    told = []
    try:
        assert held.wait(10)
        with pytest.raises(lock.LockBusy) as busy, lock.writing(root, "处置疑点 F-0000000001", wait=0.2,
                                                                say=told.append):
            raise AssertionError("the lock was held by another thread")
    finally:
        release.set()
        writer.join(10)
    assert told == ["工作区“ws”的账簿正由本程序的另一操作（封账）写入。处置疑点 F-0000000001 等待该操作结束……"]
    assert str(busy.value) == ("工作区“ws”的账簿正由本程序的另一操作（封账）写入，已等待 0.2 秒仍未结束。"
                               "处置疑点 F-0000000001 未执行，账簿未作改动。请待该操作结束后重试。")
    with lock.writing(root, "导入", wait=0.2):  # released: the next writer goes ahead
        pass


def test_a_fundtrail_command_holding_the_lock_is_named_by_its_command(tmp_path):
    root = tmp_path / "ws"
    root.mkdir()
    script = tmp_path / "bin" / "fundtrail"  # what /proc/PID/cmdline shows of `fundtrail seal …`
    script.parent.mkdir()
    script.write_text(f"#!{sys.executable}\nimport sys, time\nfrom fundtrail import lock\n"
                      "with lock.writing(sys.argv[2], 'seal'):\n"
                      "    print('held', flush=True); time.sleep(3)\n", "utf-8")
    script.chmod(0o755)
    holder = subprocess.Popen([str(script), "seal", str(root)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert lock.holder(root) == f"进程 {holder.pid}（fundtrail 封账）"
    finally:
        holder.wait(10)
    assert lock.holder(root) == ""  # released


def test_an_import_killed_before_its_commit_is_committed_by_the_rerun(tmp_path):
    ledger = ws.create(tmp_path / "ws")
    root = ledger.parent
    history.init(root, "新建 init")
    statement(tmp_path / "a.csv", "777", datetime.date(2024, 3, 1))
    killed = subprocess.run([sys.executable, "-c", (
        "import os, sys; from fundtrail import history\n"
        "history.commit = lambda *a, **k: os._exit(9)  # the power cut, after the books are written\n"
        "from fundtrail.cli import main\n"
        f"main(['import', {str(ledger)!r}, {str(tmp_path / 'a.csv')!r}])")], capture_output=True)
    assert killed.returncode == 9
    assert "ICBC-7777" in (root / "transactions/imported.beancount").read_text("utf-8")
    status = ["git", "-C", str(root), "status", "--porcelain"]
    assert subprocess.run(status, capture_output=True, text=True).stdout  # written, not committed
    rerun = CliRunner().invoke(main, ["import", str(ledger), str(tmp_path / "a.csv")])
    assert rerun.exit_code == 0, rerun.output
    assert subprocess.run(status, capture_output=True, text=True).stdout == ""
    last = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%s", "--stat"],
                          capture_output=True, text=True).stdout
    assert "补提交" in last and "imported.beancount" in last
