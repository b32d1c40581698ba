"""A user's mistakes on the command line: each gets a Chinese + English message and exit 1 or 2,
never a traceback, and nothing half-written."""

import re
import socket

import pytest
from click.testing import CliRunner

from fundtrail.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def refused(result, *words):
    """Exit 1 with a click message (not an exception), naming every word."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, result.output


LEDGER_COMMANDS = [("check", "{}"), ("serve", "{}"), ("import", "{}", "inbox"),
                   ("report", "county", "{}", "--year", "2024"), ("export", "xlsx", "{}"),
                   ("seal", "{}", "--through", "2024-01-01"), ("verify", "{}"), ("history", "{}")]


@pytest.mark.parametrize("command", LEDGER_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_every_command_refuses_a_directory_or_a_missing_ledger(demo, command):
    root = demo[0]
    result = run(*[a.format(root) for a in command])
    refused(result, "不是账簿文件", "is a directory", str(root / "main.beancount"))
    result = run(*[a.format(root / "nope.beancount") for a in command])
    refused(result, "找不到账簿文件", "ledger file not found")


def test_serve_loads_a_ledger_given_by_a_relative_path(demo, monkeypatch):
    from fundtrail.web.serve import create_app

    monkeypatch.chdir(demo[0])
    response = create_app("main.beancount").test_client().get("/")
    assert response.status_code == 302  # to the ledger's income statement: it loaded


def test_serve_says_when_the_port_is_taken(demo):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", demo[0] / "main.beancount", "--port", port)
    refused(result, "端口被占用", f"cannot listen on 127.0.0.1:{port}")


@pytest.mark.parametrize("args, words", [
    (("report", "county", "{}", "--year", "1999"), ("账簿中没有 1999 的交易", "books cover 2023-01-01")),
    (("report", "audit", "{}", "--period", "1999"), ("账簿中没有 1999", "no transactions in 1999")),
    (("report", "village", "{}", "--quarter", "2030Q1", "--all"), ("账簿中没有 2030Q1", "no transactions")),
    (("export", "ofdp", "{}", "--year", "2019"), ("账簿中没有 2019", "no transactions in 2019")),
    (("report", "county", "{}", "--year", "abc"), ("年度应为四位数字", "year must look like 2024")),
    (("report", "county", "{}", "--year", "0000"), ("年度应为四位数字", "year must look like 2024")),
    (("report", "audit", "{}", "--period", "1999q1"), ("账簿中没有 1999Q1", "no transactions in 1999Q1")),
    (("seal", "{}", "--through", "2024-13-01"), ("日期应为 YYYY-MM-DD", "date must look like")),
], ids=lambda a: " ".join(a[:4]) if isinstance(a[0], str) else "")
def test_a_period_the_books_do_not_hold_is_refused(demo, tmp_path, args, words):
    ledger = demo[0] / "main.beancount"
    refused(run(*[a.format(ledger) for a in args], "--out", tmp_path / "out")
            if args[0] in ("report", "export") else run(*[a.format(ledger) for a in args]), *words)
    assert not (tmp_path / "out").exists()


def test_a_bad_quarter_names_the_quarter_format(demo, tmp_path):
    result = run("report", "village", demo[0] / "main.beancount", "--quarter", "2024Q5", "--all",
                 "--out", tmp_path)
    assert result.exit_code == 2 and "季度格式应为 2024Q3" in result.output
    assert "2024 或" not in result.output  # a bare year is not a quarter


def test_out_below_a_file_or_a_directory_for_a_file(demo, tmp_path):
    ledger = demo[0] / "main.beancount"
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    refused(run("report", "county", ledger, "--year", "2024", "--out", blocker / "sub"),
            "无法写入", "是文件不是目录", "is a file, not a directory")
    refused(run("export", "xlsx", ledger, "--out", blocker / "f.xlsx"), "是文件不是目录")
    refused(run("export", "ofdp", ledger, "--out", blocker / "ofdp"), "是文件不是目录")
    refused(run("report", "county", ledger, "--year", "2024", "--out", blocker), "输出目录是一个文件")
    refused(run("export", "xlsx", ledger, "--out", tmp_path), "应为文件而不是目录", "is a directory")
    refused(run("users", "add", blocker / "users.json", "李审计", "--password", "mima-2024"), "是文件不是目录")
    assert blocker.read_text() == "x" and sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]


def test_notices_for_every_village_of_a_workspace_without_villages(workspace, tmp_path):
    result = run("report", "village", workspace, "--quarter", "2024Q3", "--all", "--out", tmp_path)
    refused(result, "账簿中没有行政村", "no villages")


def test_reports_stay_out_of_the_change_history(tmp_path):
    from fundtrail import history

    if not history.available():
        pytest.skip("git is not installed")
    assert run("init", tmp_path / "ws", "--demo").exit_code == 0
    (tmp_path / "ws" / "reports" / "2024-county-disclosure.pdf").write_bytes(b"%PDF")
    assert history.commit(tmp_path / "ws", "封账 seal") is None  # nothing of the books changed


def test_an_import_after_a_seal_is_validated_with_the_seal_sidecars(workspace):
    from conftest import SAMPLES

    registers = SAMPLES / "registers"
    first = run("import", workspace, registers / "fund-allocations.csv", registers / "projects.xlsx",
                SAMPLES / "treasury")
    assert first.exit_code == 0, first.output
    assert run("seal", workspace, "--through", "2024-06-30").exit_code == 0
    result = run("import", workspace, registers / "households.csv")  # validated on a scratch copy
    assert result.exit_code == 0, result.output
    assert "新增 new 40" in result.output
    result = run("verify", workspace, "--documents")
    assert result.exit_code == 0 and "完好 INTACT" in result.output, result.output


def test_init_and_demo_below_a_file(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    refused(run("init", blocker, "--demo"), "输出目录是一个文件", "is a file, not a directory")
    refused(run("init", blocker / "ws", "--demo"), "无法写入", "是文件不是目录")
    refused(run("demo", "--dir", blocker / "demo"), "无法写入", "是文件不是目录")
    assert blocker.read_text() == "x"


def test_users_add_refuses_an_empty_password(tmp_path):
    refused(run("users", "add", tmp_path / "users.json", "李审计", "--password", ""), "密码不能为空")
    assert not (tmp_path / "users.json").exists()


def test_import_names_the_whole_path_of_a_missing_file(workspace, tmp_path):
    before = workspace.read_bytes()
    refused(run("import", workspace, tmp_path / "inbox" / "icbc.csv"),
            "找不到要导入的文件", str(tmp_path / "inbox" / "icbc.csv"))
    assert workspace.read_bytes() == before


def test_sealing_a_day_before_any_entry_is_refused(workspace):
    refused(run("seal", workspace, "--through", "2010-01-01"), "没有分录", "nothing to seal")
    assert not (workspace.parent / "seals").exists() or not list((workspace.parent / "seals").iterdir())


def test_a_new_bank_account_after_a_seal_opens_after_it(workspace):
    """The importer opens a new account with the books, except inside a sealed period: there the
    back-dated `open` would be an insertion into the seal."""
    from beancount import loader
    from conftest import SAMPLES

    registers = SAMPLES / "registers"
    assert run("import", workspace, registers / "fund-allocations.csv", SAMPLES / "treasury").exit_code == 0
    assert run("seal", workspace, "--through", "2024-06-30").exit_code == 0
    result = run("import", workspace, SAMPLES / "bank" / "icbc-corporate-2024Q3.csv")
    assert result.exit_code == 0, result.output
    entries, errors, _ = loader.load_file(str(workspace))
    assert [e for e in errors if type(e).__name__ == "SealError"] == []
    opened = next(e for e in entries if type(e).__name__ == "Open" and e.account == "Assets:Bank:ICBC-2345")
    assert opened.date == __import__("datetime").date(2024, 7, 1)
    assert "完好 INTACT" in run("verify", workspace).output


def test_check_names_the_books_files_inside_the_workspace(demo, tmp_path):
    """Ledger errors and findings name their file as the workspace holds it
    (transactions/imported.beancount:38), never the machine's path to it."""
    from conftest import copy_workspace

    root = tmp_path / "县账簿"
    copy_workspace(demo[0], root)
    with (root / "main.beancount").open("a", encoding="utf-8") as handle:
        handle.write('\ninclude "nothere.beancount"\n')
    result = run("check", root / "main.beancount")
    assert result.exit_code == 1 and str(tmp_path) not in result.output, result.output
    lines = result.output.splitlines()
    assert any(re.fullmatch(r'main\.beancount:\d+: 包含的文件不存在："nothere\.beancount"', x) for x in lines)
    findings = [x for x in lines if x.startswith("  F-")]
    assert findings and all(re.match(r"  F-\w+ \S+ (transactions|masterdata|accounts)[\w/.-]*\.beancount:\d+  ", x)
                            for x in findings), findings[:3]


@pytest.mark.parametrize("account", ["bogus", "Expenses:X", "Assets:bank:x"])
def test_an_account_that_is_no_asset_account_is_refused_before_anything_is_read(demo, tmp_path, account):
    """It reached the ledger text and came back as a parse error of the import, once per row."""
    from conftest import copy_workspace, snapshot

    root = tmp_path / "ws"
    copy_workspace(demo[0], root)
    statement = tmp_path / "statement.csv"
    statement.write_text("交易日期,摘要,支出金额,收入金额,余额\n20250101,转账,,10.00,10.00\n", "utf-8")
    before = snapshot(root)
    result = run("import", root / "main.beancount", statement, "--account", account)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"错误 Error: 参数值无效 --account：应为资产账户名，如 Assets:Bank:PSBC-1188，收到的是 {account!r}" \
        in result.output, result.output
    assert "Invalid token" not in result.output and snapshot(root) == before
