"""beancount's own errors in Chinese (fundtrail.beanerrors) wherever a person reads them: a demo
county with a planted balance that does not hold, an account never opened, a transaction that
does not balance and a line beancount cannot read. Fava's errors page (clear and masked),
`fundtrail check`, `verify` and `seal` show each in Chinese with its account, amounts and date,
at its file and line; fundtrail's own errors are left as they are; a message the module does
not know keeps beancount's text after a Chinese lead-in."""

import pytest
from beancount.ops.balance import BalanceError
from chinese_only import english
from click.testing import CliRunner
from conftest import copy_workspace
from test_serve_guard import login, slug

from fundtrail import beanerrors, loading
from fundtrail.cli import main as cli
from fundtrail.findings import Finding
from fundtrail.web import users
from fundtrail.web.serve import create_app, secure

PLANTED = ('\n2025-03-01 balance Assets:Bank:ICBC-9876 100.00 CNY\n'
           '\n2025-03-03 * "某公司" "误记科目"\n  Assets:Bank:ICBC-9876  -10.00 CNY\n  Expenses:Nope:X  10.00 CNY\n'
           '\n2025-03-04 * "某公司" "金额不平"\n  Assets:Bank:ICBC-9876  -10.00 CNY\n  Assets:Bank:ICBC-9876  9.00 CNY\n'
           '\n2025-03-05 余额 Assets:Bank:ICBC-9876 1.00 CNY\n')
BALANCE = ("余额断言不符：科目 Assets:Bank:ICBC-9876 在 2025-03-01（当日交易之前）应为 100.00 CNY，"
           "账面累计为 286000.00 CNY，账面多 285900.00 CNY；请核对该日以前的分录与银行对账单或余额表")
LATER = ("余额断言不符：科目 Assets:Bank:ICBC-9876 在 2026-01-01（当日交易之前）应为 286000.00 CNY，"
         "账面累计为 285989.00 CNY，账面少 11.00 CNY；请核对该日以前的分录与银行对账单或余额表")
UNKNOWN = "引用了未开设的科目 Expenses:Nope:X：请先用 open 指令开设该科目，或检查科目名的拼写"
UNBALANCED = "交易借贷不平衡：各分录行合计差额为 -1.00 CNY，请核对各行金额"
UNREAD = ("无法识别的写法“余额”：请检查该行（科目名每段以大写字母开头，文字须加英文双引号，"
          "元数据须缩进写在指令之下）")


@pytest.fixture(scope="module")
def planted(demo, tmp_path_factory):
    """A copy of the demo with the planted mistakes: (main file, manual file, {wording: line})."""
    root = tmp_path_factory.mktemp("planted") / "ws"
    copy_workspace(demo[0], root)
    manual = root / "transactions" / "manual.beancount"
    start = len(manual.read_text("utf-8").splitlines())
    manual.write_text(manual.read_text("utf-8") + PLANTED, "utf-8")
    lines = manual.read_text("utf-8").splitlines()
    later = next(n for n, t in enumerate(lines, 1) if t.startswith("2026-01-01 balance Assets:Bank:ICBC-9876"))
    where = {BALANCE: start + 2, LATER: later, UNKNOWN: start + 4, UNBALANCED: start + 8, UNREAD: start + 12}
    return root / "main.beancount", manual, where


def expected(manual, where) -> list[tuple[str, int, str]]:
    return sorted((str(manual), line, message) for message, line in where.items())


def test_every_error_of_the_planted_books_is_worded_in_chinese_at_its_line(planted):
    main, manual, where = planted
    _entries, errors, _options = loading.load(str(main))
    theirs = [e for e in errors if not isinstance(e, Finding)]
    shown = beanerrors.all_in_chinese(theirs)
    assert [e.message for e in shown if english(e.message)] == []
    assert [(type(e), e.source, e.entry) for e in shown] == [(type(e), e.source, e.entry) for e in theirs]
    got = sorted((e.source["filename"], e.source["lineno"], e.message) for e in shown)
    # the unknown account is reported by the balance check and by validation: both worded alike
    assert sorted(set(got)) == expected(manual, where), got
    assert any(isinstance(e, BalanceError) for e in shown)  # the type kept: verify sorts by it
    assert [e.message for e in theirs if "Balance failed" in e.message]  # beancount's own untouched


@pytest.mark.parametrize(("message", "worded"), [
    ("Invalid reference to inactive account 'Assets:Temp:X'",
     "引用的科目 Assets:Temp:X 此时未处于开设期（尚未开设或已关闭）：请检查分录日期与该科目的 open/close 日期"),
    ("Duplicate open directive for Assets:Bank:ICBC-9876",
     "科目 Assets:Bank:ICBC-9876 重复开设：已有一条 open 指令，请删去多余的一条"),
    ("syntax error, unexpected CURRENCY, expecting end of file or EOL or ATAT or AT",
     "语法错误：此处不应出现币种，应为文件结尾、行尾、“@@”、“@”；请检查该行（或上一行）的写法"),
    ("ValueError: month must be in 1..12", "日期无效：月份应为 1 至 12；请检查该行的日期（应为 YYYY-MM-DD）"),
    ("You may not have more than one auto-posting per currency",
     "同一币种只能有一行不写金额（由系统补足）的分录行，本交易有多行"),
    ("No position matches \"Posting(account='Assets:Bank:ICBC-9876', units=-10.00 CNY, cost=CostSpec("
     "number_per=Decimal('1'), number_total=None, currency='CNY', date=None, label=None, merge=False), "
     "price=None, flag=None, meta={'filename': '/srv/x/manual.beancount', 'lineno': 3})\" against balance "
     "(285989.00 CNY)",
     "冲减持仓时找不到相符的持仓：科目 Assets:Bank:ICBC-9876 的 -10.00 CNY，该科目当前余额为 285989.00 CNY"),
    ("Tags or links not allowed after first Posting: TagsLinks(tags={'late'}, links=set())",
     "标签或链接（#late）须写在交易的首行，不能写在分录行之后"),
    ("Unused Pad entry", "补差指令（pad）未被使用：其后没有需要补差的余额断言，请删去或检查该科目的余额断言"),
    ("Could not resolve units currency", "无法确定金额的币种：请在金额后写明币种（如 CNY）"),
    ("Error applying plugin \"some.plugin\": Traceback (most recent call last):\n  File \"/x.py\", line 1\n"
     "KeyError: 'x'\n", "插件 some.plugin 运行出错，其检查未完成（原文：KeyError: 'x'）"),
])
def test_a_message_beancount_writes_is_worded_in_chinese(message, worded):
    assert beanerrors.chinese(message) == worded


def test_a_file_a_message_names_is_named_inside_the_workspace(planted):
    main, _manual, _where = planted
    missing = main.parent / "documents" / "2025-01-01.回单.pdf"
    assert beanerrors.chinese(f'File does not exist: "{missing}"') == "凭证文件不存在：documents/2025-01-01.回单.pdf"


def test_fundtraills_own_errors_stay_and_an_unknown_one_keeps_beancounts_text():
    own = "检查设置 split_limit（须招标或审批的金额限额（元））的值 'abc' 无效"
    assert beanerrors.chinese(own) == own
    assert beanerrors.chinese("Something beancount says one day") == \
        "账簿错误（beancount 原文）：Something beancount says one day"
    quoted = "Non-leaf account 'Expenses:项目' has postings on it"  # Chinese only in what it quotes
    assert beanerrors.chinese(quoted) == "账簿错误（beancount 原文）：" + quoted
    finding = Finding({"filename": "x", "lineno": 1}, "Assets:Bank:X has no English here", None, "rule",
                      "high", "F-0000000001", None, None, ())  # a finding is never reworded
    assert beanerrors.in_chinese(finding) is finding


def test_favas_errors_page_and_its_masked_view_show_them_in_chinese(planted, tmp_path, monkeypatch):
    main, manual, where = planted
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    client = create_app(str(main)).test_client()
    bfile = client.get("/").headers["Location"].strip("/").split("/")[0]
    shown = client.get(f"/{bfile}/api/errors").get_json()["data"]
    theirs = [e for e in shown if e["type"] != "Finding"]
    assert [e["message"] for e in shown if english(e["message"])] == []
    assert sorted({(e["source"]["filename"], e["source"]["lineno"], e["message"]) for e in theirs}) == \
        expected(manual, where)
    count = client.get(f"/{bfile}/api/ledger_data").get_json()["data"]["errors"]
    assert len(count) == len(shown)  # the sidebar's count is of the same list

    users_path = tmp_path / "users.json"
    users.add(users_path, "张会计", "accountant", "kuaiji-123")
    site = secure(create_app(str(main)), main, users_path)
    c, _ = login(site, "张会计", "kuaiji-123")
    masked = c.get(f"/{slug(c)}/api/errors?public=1").get_json()["data"]
    assert sorted(e["message"] for e in masked) == sorted(e["message"] for e in shown)


def test_check_verify_and_seal_print_them_in_chinese(planted):
    main, manual, where = planted
    manual = manual.relative_to(main.parent).as_posix()  # named inside the workspace
    checked = CliRunner().invoke(cli, ["check", str(main)])
    assert checked.exit_code == 1
    for message, line in where.items():
        assert f"\n{manual}:{line}: {message}" in "\n" + checked.stderr, checked.stderr
    assert "Balance failed" not in checked.stderr and "Invalid reference" not in checked.stderr

    verified = CliRunner().invoke(cli, ["verify", str(main)])
    assert verified.exit_code == 1
    assert f"  ✗ {manual}:{where[BALANCE]} {BALANCE}" in verified.output
    assert f"  ✗ {manual}:{where[UNKNOWN]} 账簿错误：{UNKNOWN}" in verified.output
    assert [line for line in verified.output.splitlines() if english(line)] == []

    sealed = CliRunner().invoke(cli, ["seal", str(main), "--through", "2024-12-31"])
    assert sealed.exit_code == 1 and "不能封账" in sealed.output
    first = sealed.output.split("第一个：", 1)[1].split("（全部错误见 fundtrail check）")[0]
    assert first.startswith(f"{manual}:"), first
    assert "Balance failed" not in first and "Invalid" not in first and first.split(" ", 1)[1].strip() in where, first
    assert str(main.parent) not in sealed.output + verified.output + checked.output



def test_a_county_not_exported_for_its_errors_is_told_them_in_chinese(planted):
    from fundtrail.books import Books
    from fundtrail.province.export import ledger_errors

    main, _manual, where = planted
    lines = ledger_errors(Books.load(str(main)))
    assert f"transactions/manual.beancount:{where[BALANCE]} {BALANCE}" in lines, lines
    assert [line for line in lines if english(line)] == []
