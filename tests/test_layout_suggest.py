"""`fundtrail layout suggest` on statements of banks and channels no packaged layout covers
(tests/statement_corpus.py writes them from known rows): each suggested layout is imported with
no hand edit and the books must hold exactly the generated rows. Also the layout options real
exports need, and the messages that give a next step."""

import re

import pytest
from beancount import loader
from beancount.core import data
from click.testing import CliRunner
from conftest import SAMPLES, snapshot
from statement_corpus import HOLDER, VARIANTS, truth, write_in_layout

from fundtrail import workspace as ws
from fundtrail.cli import main
from fundtrail.findings import Finding
from fundtrail.importers.errors import BadInput
from fundtrail.importers.layout import KEYS, LayoutError, load_all
from fundtrail.importers.pipeline import run_import

BANK_NAMES = {"boc": "中国银行", "ccb": "建设银行", "bocom": "交通银行", "rcb": "青禾农商银行",
              "cmb": "招商银行", "citic": "中信银行", "icbc": "工商银行", "abc": "农业银行",
              "psbc": "邮储银行", "rcc": "信用社", "vtb": "青禾村镇银行"}
CODES = {"boc": "BOC", "ccb": "CCB", "bocom": "BOCOM", "rcb": "RCB", "cmb": "CMB", "citic": "CITIC",
         "icbc": "ICBC", "abc": "ABC", "psbc": "PSBC", "rcc": "RCC", "vtb": "VTB"}


def suggest(path, root, bank=None):
    args = ["layout", "suggest", str(path), "--workspace", str(root)] + (["--bank", bank] if bank else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.output


def imported(ledger, account):
    entries, errors, _ = loader.load_file(str(ledger))
    assert [e for e in errors if not isinstance(e, Finding)] == []
    rows = [e for e in entries if isinstance(e, data.Transaction) and "source" in e.meta
            and any(p.account == account for p in e.postings) and not e.narration.startswith("期初")]
    balances = [e for e in entries if isinstance(e, data.Balance) and e.account == account]
    return sorted(rows, key=lambda e: (e.date, e.meta["lineno"])), balances  # the bank's order


def check_variant(name, variant, seed, tmp_path) -> str:
    """Suggest, import, compare with the generated rows; "" when all is equal, else what is not."""
    root = tmp_path / name
    ledger = ws.create(root)
    t = truth(seed)
    inbox = tmp_path / f"{name}-in"
    inbox.mkdir()
    path = variant.write(t, inbox)
    bank = name.split("-")[0]
    output = suggest(path, root, BANK_NAMES[bank])
    assert "running balance reconciles" in output, output
    account = f"Assets:Bank:{CODES[bank]}-{t.last4}"
    try:
        summary = run_import(ledger, [path], account="" if variant.account_in_file else account)
    except (BadInput, LayoutError) as error:
        return f"import refused: {error}"
    if not summary.files[0].importer.startswith("fundtrail.statement.") or \
            summary.files[0].importer.split(".")[-1] not in {p.stem for p in (root / "layouts").glob("*")}:
        return f"read by {summary.files[0].importer}, not the suggested layout"
    rows, balances = imported(ledger, account)
    got = [(e.date, next(p.units.number for p in e.postings if p.account == account), e.payee,
            any(link.endswith(f"-{x.serial}") for link in e.links) if variant.serial else True,
            e.meta.get("time", "")[:8 if variant.seconds else 5] if variant.has_time else "")
           for e, x in zip(rows, t.rows, strict=False)]
    want = [(x.when.date(), x.amount, x.counterparty, True,
             f"{x.when:%H:%M:%S}"[:8 if variant.seconds else 5] if variant.has_time else "")
            for x in t.rows]
    if got != want or len(rows) != len(t.rows):
        return f"rows differ: {[(g, w) for g, w in zip(got, want, strict=False) if g != w][:3]} ({len(rows)} rows)"
    if [b.amount.number for b in balances] != [t.rows[-1].balance]:
        return f"balance assertions {balances}"
    return ""


def test_suggested_layouts_import_unseen_statements_row_for_row(tmp_path, capsys):
    packaged = {lay.key for lay in load_all()}
    assert not packaged & set(VARIANTS)
    failures = {}
    for seed, (name, variant) in enumerate(VARIANTS.items(), 1):
        failures[name] = check_variant(name, variant, seed, tmp_path)
    passed = sum(1 for why in failures.values() if not why)
    with capsys.disabled():
        print(f"\n{passed} of {len(VARIANTS)} layouts imported with no hand edit")
        for name, why in failures.items():
            if why:
                print(f"  {name}: {why}")
    assert len(VARIANTS) >= 10
    assert passed >= 9, failures


def test_a_broken_running_balance_is_refused_naming_the_row(tmp_path):
    root = tmp_path / "ws"
    ledger = ws.create(root)
    t = truth(3)
    path = VARIANTS["psbc-semicolon"].write(t, tmp_path)
    suggest(path, root, "邮储银行")
    text = path.read_text("utf-8").splitlines(keepends=True)
    cells = text[9].split(";")  # the eighth row (the header is line 2)
    cells[3] = f"{t.rows[7].balance + 1:.2f}"
    text[9] = ";".join(cells)
    path.write_text("".join(text), "utf-8")
    before = snapshot(root)
    with pytest.raises(BadInput) as error:
        run_import(ledger, [path])
    assert error.value.row in (10, 11)  # the balance that breaks the chain
    assert "余额不连续" in str(error.value)
    assert snapshot(root) == before


def test_a_layout_with_an_unknown_key_is_refused_listing_the_known_keys(tmp_path):
    root = tmp_path / "ws"
    ledger = ws.create(root)
    (root / "layouts/mine.toml").write_text(
        'name = "x"\nbank = "X"\ndelimter = "tab"\n[columns]\ndate = "日期"\namount = "金额"\n', "utf-8")
    with pytest.raises(LayoutError) as error:
        run_import(ledger, [SAMPLES / "bank/psbc-2024Q3.csv"], account="Assets:Bank:PSBC-1188")
    message = str(error.value)
    assert "delimter" in message and all(key in message for key in KEYS)
    assert message.startswith("layouts/mine.toml: 未知的设置")  # named inside the workspace
    (root / "layouts/mine.toml").write_text(
        'name = "x"\nbank = "X"\ndelimiter = "\\t"\nformat = "tsv"\n[columns]\ndate = "日期"\n'
        'amount = "金额"\nwho = "对方"\n', "utf-8")
    with pytest.raises(LayoutError, match="who"):
        load_all(root)


def test_tab_separated_utf16_with_payer_and_payee_columns(tmp_path):
    """The 中国银行 case of the report: tabs, UTF-16 and bilingual labels, written by hand."""
    root = tmp_path / "ws"
    ledger = ws.create(root)
    (root / "layouts/boc.toml").write_text("""name = "中国银行网银"
bank = "BOC"
delimiter = "tab"
head = ["账号[ Account No. ]：{account_no}"]
[columns]
date = "交易日期[ Transaction Date ]"
time = "交易时间[ Transaction time ]"
payer = "付款人名称[ Payer's Name ]"
payer_account = "付款人账号[ Debit Account No. ]"
payee = "收款人名称[ Payee's Name ]"
payee_account = "收款人账号[ Payee's Account Number ]"
amount = "交易金额[ Trade Amount ]"
balance = "交易后余额[ After-transaction balance ]"
serial = "交易流水号[ Transaction reference number ]"
""", "utf-8")
    t = truth(5)
    path = VARIANTS["boc-netbank"].write(t, tmp_path)
    run_import(ledger, [path])
    rows, _ = imported(ledger, f"Assets:Bank:BOC-{t.last4}")
    assert [(e.payee, e.meta["time"]) for e in rows] == [(x.counterparty, f"{x.when:%H:%M:%S}")
                                                         for x in t.rows]
    assert HOLDER not in {e.payee for e in rows}  # money in names the payer, not the holder


def test_totals_row_is_optional_unless_the_layout_requires_it(tmp_path):
    root = tmp_path / "ws"
    ledger = ws.create(root)
    lines = (SAMPLES / "bank/icbc-corporate-2024Q3.csv").read_bytes().decode("gbk").splitlines(True)
    assert lines[-1].startswith("合计")
    path = tmp_path / "icbc-no-totals.csv"
    path.write_bytes("".join(lines[:-1]).encode("gbk"))
    summary = run_import(ledger, [path], dry_run=True)
    assert summary.files[0].new == len(lines) - 6
    layout = (SAMPLES.parent.parent / "importers/layouts/icbc-corporate.toml").read_text("utf-8")
    (root / "layouts/icbc-corporate.toml").write_text(layout + '\n', "utf-8")
    text = layout.replace('totals_label = "合计"', 'totals_label = "合计"\ntotals = "required"')
    (root / "layouts/icbc-corporate.toml").write_text(text, "utf-8")
    with pytest.raises(BadInput, match="缺少合计行"):
        run_import(ledger, [path], dry_run=True)


@pytest.mark.parametrize("line", ["账号,2004 1021 0000 5566", "账号：2004 1021 0000 5566",
                                  "账号:,2004-1021-0000-5566", "户名:青禾区财政局,账号: 2004102100005566"])
def test_head_patterns_match_whatever_the_separators(tmp_path, line):
    ledger, path = one_row_statement(tmp_path, '["账号：{account_no}"]', [line])
    summary = run_import(ledger, [path], dry_run=True)
    assert summary.files[0].accounts == ["Assets:Bank:QH-5566"]


def one_row_statement(tmp_path, head: str, lines: list[str]):
    """A workspace with a one-row layout whose `head` is `head`, and a file with `lines` above
    its header: (ledger, file)."""
    ledger = ws.create(tmp_path / "ws")
    (ledger.parent / "layouts/qh.toml").write_text(
        f'name = "x"\nbank = "QH"\nhead = {head}\n[columns]\ndate = "交易日期"\n'
        'amount = "交易金额"\nbalance = "余额"\n', "utf-8")
    path = tmp_path / "qh.csv"
    path.write_text("\n".join(lines) + "\n交易日期,交易金额,余额\n20240701,100.00,600.00\n", "utf-8")
    return ledger, path


def test_no_importer_names_the_closest_layout_and_the_next_step(tmp_path):
    root = tmp_path / "ws"
    ledger = ws.create(root)
    path = tmp_path / "odd.csv"
    path.write_text("日期,凭证号,对方户名,摘要,支出,收入,余额\n2024-07-01,1,x,y,1.00,,2.00\n", "utf-8")
    with pytest.raises(BadInput) as error:
        run_import(ledger, [path])
    message = str(error.value)
    assert "中国工商银行对公账户明细" in message and "借方发生额" in message  # closest, what it lacks
    assert re.search(r"不认识的表头: 支出、收入", message)
    assert f"fundtrail layout suggest {path.resolve()}" in message  # the file as typed, folder and all


def test_init_writes_a_commented_example_that_is_a_layout_once_uncommented(tmp_path):
    root = tmp_path / "ws"
    ws.create(root)
    example = (root / "layouts/example.toml").read_text("utf-8")
    assert load_all(root) == load_all()  # all comments: no layout yet
    body = "\n".join(re.sub(r"^# ?", "", line) for line in example.splitlines()
                     if re.match(r"# ([a-z_]+ =|\[)", line))
    (root / "layouts/example.toml").write_text(body, "utf-8")
    mine = next(lay for lay in load_all(root) if lay.key == "example")
    assert (mine.bank, mine.columns["payer"], mine.totals_required) == ("QHRCB", "付款人名称", False)


def test_suggest_reads_a_sample_and_says_what_it_cannot_decide(tmp_path):
    """Two serial-like columns: the one with distinct values is taken, and the note says why;
    the draft is printed when no workspace is found."""
    path = tmp_path / "two-serials.csv"
    rows = ["交易日期,凭证号,流水号,摘要,交易金额,余额"]
    rows += [f"2024-07-{d:02d},V1,S{d},x,{d}.00,{100 + d * (d + 1) // 2}.00" for d in range(1, 11)]
    path.write_text("\n".join(rows) + "\n", "utf-8")
    result = CliRunner().invoke(main, ["layout", "suggest", str(path)])
    assert result.exit_code == 0, result.output
    assert "未找到工作区" in result.output and 'serial = "流水号"' in result.output
    assert "两列都像「serial」: 流水号、凭证号" in result.output and "各不相同" in result.output


@pytest.mark.parametrize("key", sorted(lay.key for lay in load_all()))
def test_packaged_layouts_read_a_file_written_in_them(tmp_path, key):
    layout = next(lay for lay in load_all() if lay.key == key)
    ledger = ws.create(tmp_path / "ws")
    t = truth(sum(map(ord, key)))
    path = write_in_layout(layout, t, tmp_path)
    named = "{account_no}" in " ".join(layout.head)
    account = f"Assets:Bank:{layout.bank}-{t.last4}"
    summary = run_import(ledger, [path], account="" if named else account)
    assert summary.files[0].importer == f"fundtrail.statement.{key}"
    rows, balances = imported(ledger, account)
    has_time = bool({"time", "datetime"} & layout.columns.keys())
    assert [(e.date, next(p.units.number for p in e.postings if p.account == account), e.payee,
             e.meta.get("time", "")) for e in rows] == [
        (x.when.date(), x.amount, x.counterparty, f"{x.when:%H:%M:%S}" if has_time else "") for x in t.rows]
    if "serial" in layout.columns:
        assert all(f"{acc_leaf(account)}-{x.serial}" in e.links for e, x in zip(rows, t.rows, strict=True))
    assert [b.amount.number for b in balances] == [t.rows[-1].balance]


def acc_leaf(account: str) -> str:
    return account.rsplit(":", 1)[1]


@pytest.mark.parametrize("text, words", [
    ('header_rows = "two"\n', ["header_rows", "1 or 2"]),
    ('head = ["账号{1}"]\n', ["head", "placeholders"]),
    ('thousands = "yes"\n', ["thousands", "true or false"]),
    ('delimiter = "space"\n', ["delimiter", "'tab'", "'pipe'"]),
    ('totals = "maybe"\n', ["totals", "'required'"])])
def test_a_layout_with_a_wrong_value_is_refused_naming_the_key(tmp_path, text, words):
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts/x.toml").write_text(
        f'bank = "X"\n{text}[columns]\ndate = "日期"\namount = "金额"\n', "utf-8")
    with pytest.raises(LayoutError) as error:
        load_all(tmp_path)
    assert all(word in str(error.value) for word in words), str(error.value)


@pytest.mark.parametrize("lines", [["账户名称：青禾区财政局", "账户：2004 1021 0000 5566"],
                                   ["账户：2004 1021 0000 5566", "账户名称：青禾区财政局"]])
def test_a_more_specific_head_pattern_keeps_its_line(tmp_path, lines):
    """`账户：{account_no}` must not read the line 账户名称：... as an account number."""
    ledger, path = one_row_statement(tmp_path, '["账户：{account_no}", "账户名称：{holder}"]', lines)
    run_import(ledger, [path])
    entries, _, _ = loader.load_file(str(ledger))
    opened = next(e for e in entries if isinstance(e, data.Open) and e.account.startswith("Assets:Bank:QH"))
    assert (opened.account, opened.meta["name"]) == ("Assets:Bank:QH-5566", "青禾区财政局")


# -- headers of two rows with merged cells -------------------------------------------------------
MERGED_ROWS = [  # date, summary, debit, credit, payee, payee account; opening balance 50,000.00
    ("2024-07-01", "衔接资金拨入", None, "120000.00", "青禾区财政局", "370405000001"),
    ("2024-07-03", "支付工程进度款", "86400.50", None, "青禾建工有限公司", "6222020200112233"),
    ("2024-07-08", "支付材料款", "12250.00", None, "禾丰农资经营部", "6228480012345678"),
    ("2024-07-15", "利息", None, "31.26", "青禾农商银行", ""),
    ("2024-07-22", "支付监理费", "3800.00", None, "青禾工程监理有限公司", "6217000099887766"),
]


def _merged_rows(opening="50000.00"):
    from decimal import Decimal

    balance, out = Decimal(opening), []
    for date, summary, debit, credit, payee, account in MERGED_ROWS:
        balance += Decimal(credit or 0) - Decimal(debit or 0)
        out.append((date, summary, debit, credit, balance, payee, account))
    return out


def write_merged_workbook(path, title="中国农业银行 单位账户交易明细", parent_over_payee=False):
    """A statement as banks' counter systems export it: a title merged across the sheet, the account
    and holder, then a header of two rows: 交易日期, 摘要 and 余额 each merged across both rows,
    发生额 merged over 借方/贷方 (and, when asked, 对方信息 merged over 户名/账号)."""
    import datetime
    from decimal import Decimal

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.merge_cells("A1:H1")
    sheet.append(["账号：", "6228 4800 1122 3344 556", None, None, "户名：", "青禾区乡村振兴局"])
    if parent_over_payee:
        sheet.append(["交易日期", "摘要", "发生额", None, "余额", "对方信息", None, "备注"])
        sheet.append([None, None, "借方", "贷方", None, "户名", "账号", None])
        merges = ["A3:A4", "B3:B4", "C3:D3", "E3:E4", "F3:G3", "H3:H4"]
    else:
        sheet.append(["交易日期", "摘要", "发生额", None, "余额", "对方户名", "对方账号", "备注"])
        sheet.append([None, None, "借", "贷", None, None, None, None])
        merges = ["A3:A4", "B3:B4", "C3:D3", "E3:E4", "F3:F4", "G3:G4", "H3:H4"]
    for cells in merges:
        sheet.merge_cells(cells)
    for date, summary, debit, credit, balance, payee, account in _merged_rows():
        sheet.append([datetime.date.fromisoformat(date), summary, float(Decimal(debit)) if debit else None,
                      float(Decimal(credit)) if credit else None, float(balance), payee, account or None, ""])
    sheet.append(["合计", None, 102450.50, 120031.26, None, None, None, None])
    book.save(path)
    return path


@pytest.mark.parametrize("parent_over_payee", [False, True])
def test_suggest_reads_a_merged_two_row_header_and_the_draft_imports_with_its_balance(tmp_path,
                                                                                       parent_over_payee):
    root = tmp_path / "ws"
    ledger = ws.create(root)
    path = write_merged_workbook(tmp_path / "农行流水.xlsx", parent_over_payee=parent_over_payee)
    output = suggest(path, root)
    assert "表头 header: 第3行 row 3(两行 two rows)  银行 bank: ABC" in output, output
    assert "running balance reconciles" in output and "没有余额列" not in output
    draft = (root / "layouts" / "abc-农行流水.toml").read_text("utf-8")
    assert 'balance = "余额"' in draft and 'date = "交易日期"' in draft and "header_rows = 2" in draft
    assert ('debit = "发生额/借"' in draft and 'credit = "发生额/贷"' in draft) if not parent_over_payee \
        else ('payee = "对方信息/户名"' in draft and 'payee_account = "对方信息/账号"' in draft)
    result = CliRunner().invoke(main, ["import", str(ledger), str(path)])
    assert result.exit_code == 0, result.output
    rows, balances = imported(ledger, "Assets:Bank:ABC-4556")  # the account number's last digits
    want = _merged_rows()
    assert [(str(e.date), e.payee) for e in rows] == [(w[0], w[5]) for w in want]
    assert [b.amount.number for b in balances] == [want[-1][4]]  # and beancount found it true


def test_suggest_reads_a_csv_with_a_two_row_header(tmp_path):
    """A CSV export of the same statement: the merged cells come out as empty fields."""
    root = tmp_path / "ws"
    ledger = ws.create(root)
    lines = ["青禾农商银行 账户明细", "账号：6230 5100 0000 1234 567,,户名：青禾区乡村振兴局",
             "交易信息,,发生额,,余额,对方户名", "交易日期,流水号,借方金额,贷方金额,,"]
    for n, (date, _, debit, credit, balance, payee, _) in enumerate(_merged_rows(), 1):
        lines.append(f"{date},QH{n:06d},{debit or ''},{credit or ''},{balance},{payee}")
    path = tmp_path / "statement.csv"
    path.write_text("\n".join(lines) + "\n", "gb18030")
    output = suggest(path, root)
    assert "(两行 two rows)  银行 bank: RCB" in output and "running balance reconciles" in output, output
    draft = (root / "layouts" / "rcb-statement.toml").read_text("utf-8")
    for column in ('date = "交易信息/交易日期"', 'serial = "交易信息/流水号"', 'balance = "余额"',
                   'debit = "发生额/借方金额"', 'credit = "发生额/贷方金额"'):
        assert column in draft, draft
    result = CliRunner().invoke(main, ["import", str(ledger), str(path)])
    assert result.exit_code == 0, result.output
    rows, balances = imported(ledger, "Assets:Bank:RCB-4567")
    assert [(str(e.date), e.payee) for e in rows] == [(w[0], w[5]) for w in _merged_rows()]
    assert [b.amount.number for b in balances] == [_merged_rows()[-1][4]]


def test_an_unknown_bank_is_said_and_not_guessed(tmp_path):
    """Rows naming 建设局 or 交通运输局 name no bank: the draft says 未知银行, asks for --bank,
    and the import refuses it until the bank is written in; --bank then names it."""
    root = tmp_path / "ws"
    ledger = ws.create(root)
    path = tmp_path / "流水.csv"
    path.write_text("账号：6217000099887766\n交易日期,摘要,借方,贷方,余额,对方户名\n"
                    "2024-07-01,拨款,,500.00,1500.00,青禾区住房和城乡建设局\n"
                    "2024-07-02,运费,20.00,,1480.00,青禾区交通运输局\n", "utf-8")
    output = suggest(path, root)
    assert "银行 bank: 未知银行" in output and f"Next: fundtrail layout suggest {path} --bank" in output, output
    draft = root / "layouts" / "unknown-流水.toml"
    assert 'bank = "UNKNOWN"' in draft.read_text("utf-8") and "# 未知银行" in draft.read_text("utf-8")
    result = CliRunner().invoke(main, ["import", str(ledger), str(path)])
    assert result.exit_code != 0 and "银行未知" in result.output and "Traceback" not in result.output
    assert "Assets:Bank:UNKNOWN" not in (root / "transactions/imported.beancount").read_text("utf-8")
    draft.unlink()
    assert "银行 bank: CCB" in suggest(path, root, "建设银行")
    result = CliRunner().invoke(main, ["import", str(ledger), str(path)])
    assert result.exit_code == 0, result.output


def test_the_draft_and_the_next_step_name_the_workspace_as_the_user_would_type_it(tmp_path, monkeypatch):
    """The workspace found from the current folder or the file's path: the messages name the
    draft and the ledger relative to where the user is, not by the machine's full path."""
    root = tmp_path / "ws"
    ws.create(root)
    path = root / "inbox" / "sample.csv"
    path.parent.mkdir(exist_ok=True)
    rows = ["交易日期,流水号,摘要,交易金额,余额"]
    rows += [f"2024-07-{d:02d},S{d},x,{d}.00,{100 + d * (d + 1) // 2}.00" for d in range(1, 11)]
    path.write_text("\n".join(rows) + "\n", "utf-8")
    monkeypatch.chdir(root)
    inside = CliRunner().invoke(main, ["layout", "suggest", "inbox/sample.csv", "--bank", "中国银行"])
    assert inside.exit_code == 0, inside.output
    assert "已写入版式草稿 draft layout written: layouts/boc-sample.toml\n" in inside.output
    assert "下一步 Next: fundtrail import main.beancount inbox/sample.csv --dry-run" in inside.output
    monkeypatch.chdir(tmp_path)
    above = CliRunner().invoke(main, ["layout", "suggest", "ws/inbox/sample.csv"])
    assert above.exit_code == 0, above.output
    assert "已写入版式草稿 draft layout written: ws/layouts/unknown-sample.toml\n" in above.output
    assert str(tmp_path) not in inside.output + above.output


def test_a_file_that_is_no_statement_is_named_once(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("a,b,c\n1,2,3\n", "utf-8")
    result = CliRunner().invoke(main, ["layout", "suggest", str(path)])
    assert result.exit_code == 1
    assert result.output == ("错误 Error: notes.csv: 前40行中找不到对账单表头(日期、金额、余额等列名) / no statement "
                             "header (date, amount, balance ... labels) in the first 40 rows\n")


def test_a_layout_that_is_no_toml_names_its_line(tmp_path):
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts/x.toml").write_text('bank = "X"\n[columns\ndate = "日期"\n', "utf-8")
    with pytest.raises(LayoutError) as error:
        load_all(tmp_path)
    assert str(error.value).startswith("x.toml 第2行: 版式文件不是有效的 TOML，请检查该行的写法 / bad TOML: ")
