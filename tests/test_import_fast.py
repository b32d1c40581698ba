"""An import that only appends is validated against the books as loaded once (importers/
additions.py), not by loading the would-be ledger again: every refusal of the full load is a
refusal on that path, with the same message."""

import datetime
from decimal import Decimal

import pytest
from beancount.core import data
from click.testing import CliRunner
from conftest import SAMPLES, snapshot

from fundtrail import loading
from fundtrail import workspace as ws
from fundtrail.cli import main
from fundtrail.importers import pipeline
from fundtrail.importers.errors import BadInput, Rejected
from fundtrail.importers.pipeline import run_import

ICBC = SAMPLES / "bank/icbc-corporate-2024Q3.csv"
COLUMNS = "日期,凭证号,对方户名,对方账号,摘要,借方发生额,贷方发生额,余额\n"


def statement(path, rows, start="2024-10-01", end="2024-10-31", number="1605 0012 0920 0012 345"):
    head = (f"中国工商银行对公账户明细\n户名:青禾区财政局衔接资金专户\n账号:{number}\n"
            f"起止日期:{start}至{end}\n")
    path.write_bytes((head + COLUMNS + "".join(r + "\n" for r in rows) + "合计,,,,,,,\n").encode("gbk"))
    return path


def refusal(monkeypatch, ledger, files, full: bool) -> list[str]:
    """The messages of the Rejected import (without their file and line), on the fast path or
    by loading the would-be ledger."""
    with monkeypatch.context() as patch:
        patch.setattr(pipeline, "SHOWN", 1000)
        if full:
            patch.setattr(pipeline._Plan, "appends_only", property(lambda self: False))
        else:
            patch.setattr(pipeline, "_validate", lambda *a: pytest.fail("loaded the would-be ledger"))
        with pytest.raises(Rejected) as caught:
            run_import(ledger, files)
    return sorted(detail.split(": ", 1)[1] for detail in caught.value.details)


def both_paths(monkeypatch, ledger, files) -> list[str]:
    before = snapshot(ledger.parent)
    fast = refusal(monkeypatch, ledger, files, full=False)
    assert fast == refusal(monkeypatch, ledger, files, full=True)
    assert snapshot(ledger.parent) == before
    return fast


@pytest.fixture
def books(tmp_path):
    ledger = ws.create(tmp_path / "ws")
    run_import(ledger, [ICBC])
    return ledger


def test_a_statement_import_loads_the_books_once(books, tmp_path, monkeypatch):
    loads = []
    real = loading.load
    monkeypatch.setattr(loading, "load", lambda *a, **k: loads.append(a) or real(*a, **k))
    monkeypatch.setattr(pipeline, "_validate", lambda *a: pytest.fail("loaded the would-be ledger"))
    october = statement(tmp_path / "icbc-10.csv", [
        '2024-10-08,08000025,青禾区财政局,4101 0104 0000 001,转账 下达2024年衔接资金,,"10,000.00","1,397,940.42"'])
    summary = run_import(books, [october])
    assert summary.transactions == 1 and len(loads) == 1
    entries, errors, _ = real(books)
    assert not [e for e in errors if type(e).__name__ != "Finding"]
    assert any(getattr(e, "account", "") == "Assets:Bank:ICBC-2345" and str(e.date) == "2024-11-01"
               and e.amount.number == Decimal("1397940.42") for e in entries if type(e).__name__ == "Balance")


def test_a_balance_that_does_not_hold(books, tmp_path, monkeypatch):
    october = statement(tmp_path / "icbc-10.csv", [  # 1,000.00 more than September closed at: a row missing
        '2024-10-08,08000025,青禾区财政局,4101 0104 0000 001,转账 下达2024年衔接资金,,"10,000.00","1,398,940.42"'])
    messages = both_paths(monkeypatch, books, [october])
    assert len(messages) == 1 and messages[0].startswith("余额断言不符：科目 Assets:Bank:ICBC-2345 ")


def test_an_assertion_of_the_books_that_no_longer_holds(books, tmp_path, monkeypatch):
    """A one-day statement of 09-29 with a row the books lack: its own closing assertion (09-30)
    holds, the books' assertion of 10-01 no longer does."""
    day = statement(tmp_path / "icbc-0929.csv", [
        '2024-09-29,29000001,青禾区财政局,4101 0104 0000 001,转账 下达2024年衔接资金,,"1.00","1,387,941.42"'],
        start="2024-09-29", end="2024-09-29")
    messages = both_paths(monkeypatch, books, [day])
    assert messages == ["余额断言不符：科目 Assets:Bank:ICBC-2345 在 2024-10-01（当日交易之前）应为 1387940.42 CNY，"
                        "账面累计为 1387941.42 CNY，账面多 1.00 CNY；请核对该日以前的分录与银行对账单或余额表"], messages


def test_an_account_not_open(tmp_path, monkeypatch):
    """The workspace starts in August: July's rows post to accounts not open yet."""
    ledger = ws.create(tmp_path / "ws", ws.County(start=datetime.date(2024, 8, 1)))
    messages = both_paths(monkeypatch, ledger, [ICBC])
    assert messages and all("此时未处于开设期" in m or "引用了未开设的科目" in m for m in messages), messages


def test_a_sealed_period_touched(books, tmp_path, monkeypatch):
    assert CliRunner().invoke(main, ["seal", str(books), "--through", "2024-09-30"]).exit_code == 0
    other = statement(tmp_path / "icbc-7777.csv", [
        '2024-09-10,10000001,青禾区财政局,4101 0104 0000 001,转账 下达2024年衔接资金,,"100.00","100.00"',
        '2024-09-11,11000002,青禾区财政局,4101 0104 0000 001,转账 下达2024年衔接资金,,"50.00","150.00"'],
        start="2024-09-01", end="2024-09-30", number="1605 0012 0920 0077 777")
    messages = both_paths(monkeypatch, books, [other])
    assert len(messages) == 3 and all("已封账期间新增分录" in m for m in messages), messages


@pytest.mark.parametrize("rows, expected", [
    (['2024-10-08,08000025,青禾区财政局,4101,转账 下达,,"10.00","1,397,950.42"',
      '2024-10-09,08000025,青禾区财政局,4101,转账 下达,,"10.00","1,397,960.42"'], "重复"),  # a duplicate serial
    (['2024-10-08,08000025,青禾区财政局,4101,转账 下达,,"1O.00","1,397,950.42"'], "第6行"),  # a bad row
])
def test_bad_rows_are_refused_before_validation(books, tmp_path, monkeypatch, rows, expected):
    monkeypatch.setattr(pipeline, "_validate", lambda *a: pytest.fail("loaded the would-be ledger"))
    before = snapshot(books.parent)
    with pytest.raises(BadInput, match=expected):
        run_import(books, [statement(tmp_path / "icbc-10.csv", rows)])
    assert snapshot(books.parent) == before


def test_a_closing_balance_unlike_the_books_assertion_is_refused(books, tmp_path, monkeypatch):
    """The books assert 10-01; a second September statement closing elsewhere is refused."""
    monkeypatch.setattr(pipeline, "_validate", lambda *a: pytest.fail("loaded the would-be ledger"))
    with pytest.raises(BadInput, match="期末余额"):
        run_import(books, [statement(tmp_path / "icbc-09b.csv", [
            '2024-09-29,29000001,青禾区财政局,4101,转账 下达,,"1.00","1.00"'],
            start="2024-09-01", end="2024-09-30")])


def test_a_large_file_that_only_looks_like_xml_is_refused_from_its_head(workspace, tmp_path, monkeypatch):
    from fundtrail.importers import sniff

    path = tmp_path / "凭证.xml"
    with open(path, "wb") as out:
        out.write(b'<?xml version="1.0"?>\n<root>\n')
        while out.tell() < 3 * 2**20:
            out.write(b"<row>" + b"x" * 1000 + b"</row>\n")
    read = []
    real = sniff.decode
    monkeypatch.setattr(sniff, "decode", lambda p, raw, hint=None: read.append(len(raw)) or real(p, raw, hint))
    monkeypatch.setattr(loading, "load", lambda *a, **k: pytest.fail("loaded the books for a bad file"))
    with pytest.raises(BadInput, match="<Voucher>"):
        run_import(workspace, [path])
    assert max(read, default=0) <= sniff.SNIFF_BYTES


def test_a_large_voucher_file_on_one_line_is_read(workspace, tmp_path):
    """Vouchers past the sniffed head, written without a line break, still import."""
    text = SAMPLES.joinpath("treasury/vouchers-2024Q3.xml").read_bytes()
    body = text.replace(b"\r\n", b"").replace(b"\n", b"")
    padded = body.replace(b"<Remark>", b"<Remark>" + b" " * 40000, 8)
    path = tmp_path / "vouchers.xml"
    path.write_bytes(padded)
    from fundtrail.importers import sniff

    assert path.stat().st_size > sniff.SNIFF_BYTES and b"\n" not in padded
    assert run_import(workspace, [path]).transactions > 0


def test_an_xml_file_over_its_limit_is_not_read(workspace, tmp_path, monkeypatch):
    from fundtrail.importers import sniff

    monkeypatch.setattr(sniff, "MAX_XML_BYTES", 300 * 1024)
    path = tmp_path / "vouchers.xml"
    path.write_bytes(b'<?xml version="1.0"?><Vouchers><Voucher><VoucherNo>1</VoucherNo></Voucher>'
                     + b" " * 400 * 1024 + b"</Vouchers>")
    with pytest.raises(BadInput, match="XML文件过大"):
        run_import(workspace, [path])


def _rows(count: int, start: Decimal = Decimal("0.00")) -> list[str]:
    balance, out = start, []
    for n in range(1, count + 1):
        balance += Decimal("1.00")
        out.append(f'2024-10-{1 + n * 30 // (count + 1):02d},{n:08d},甲公司{n % 7},--,转账 款项{n % 13},,"1.00","{balance:,.2f}"')
    return out


def test_a_large_statement_is_read_as_a_stream(workspace, tmp_path, monkeypatch):
    """No copy of the file's text or cells: the head is decoded for the header, the rest is read
    row by row (the whole-file table reader is never asked for it)."""
    from fundtrail.importers import sniff, tables

    path = statement(tmp_path / "icbc-10.csv", _rows(5000))
    assert path.stat().st_size > sniff.SNIFF_BYTES
    decoded, real = [], sniff.decode
    monkeypatch.setattr(sniff, "decode", lambda p, raw, hint=None: decoded.append(len(raw)) or real(p, raw, hint))
    monkeypatch.setattr(tables, "read_table", lambda *a, **k: pytest.fail("read the statement whole"))
    summary = run_import(workspace, [path], dry_run=True)
    assert summary.transactions == 5000 and max(decoded) <= sniff.SNIFF_BYTES


def _rows_over_days(count: int, per_day: int = 10) -> list[str]:
    """`count` rows, `per_day` a day from 2024-01-01 (a real statement's years of days: what is
    kept per day and account grows with the rows, as `_rows`' one month of days hides)."""
    day, out = datetime.date(2024, 1, 1), []
    for n in range(1, count + 1):
        if n % per_day == 0:
            day += datetime.timedelta(days=1)
        out.append(f'{day},{n:08d},甲公司{n % 7},--,转账 款项{n % 13},,"1.00","{n:,.2f}"')
    return out


def test_memory_of_an_import_grows_by_little_a_row(workspace, tmp_path):
    """A dry run of 6,000 rows over 600 days peaks less than 1.25 KB a row above one of 2,000
    (some 1 KB: the compressed text, the links seen). It held some 10 KB a row when the file, its
    cells and every entry were all kept; 2 KB when a roll importer's score read the statement
    whole (kept in read_table's cache) and the fast check kept 20 rows' metadata per day and
    account of valid rows (1.7 and 1.4 KB with one of them; `_rows`' 200 rows a day hid the
    second, and 2 KB a row let both pass)."""
    import gc
    import tracemalloc

    def peak(rows: int) -> int:
        path = statement(tmp_path / f"icbc-{rows}.csv", _rows_over_days(rows), start="2024-01-01",
                         end="2025-12-31")
        gc.collect()
        tracemalloc.start()
        try:
            run_import(workspace, [path], dry_run=True)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    peak(50)  # modules and caches loaded once
    small, large = peak(2000), peak(6000)
    assert (large - small) / 4000 < 1280, (small, large)


def test_the_fast_check_keeps_no_row_of_a_valid_use(books):
    """The fast check names up to `NAMED` rows of a day and account only where a use may be an
    error (before the account's open, after its close, an unknown account): a valid statement's
    rows keep one metadata a day and account, not twenty (a 300,000-row import peaked 100 MB
    higher)."""
    from fundtrail.importers import additions

    entries, errors, options = loading.load(books)
    check = additions.Additions(entries, options)
    account = "Assets:Bank:ICBC-2345"
    for n in range(200):  # 20 a day over 10 days, after the account's open
        check.add(data.Balance({"filename": "s.csv", "lineno": n}, datetime.date(2024, 11, 1 + n // 20),
                               account, data.Amount(Decimal(0), "CNY"), None, None))
    for n in range(30):  # 30 before its open: named
        check.add(data.Note({"filename": "s.csv", "lineno": 1000 + n}, datetime.date(2000, 1, 1), account, "x",
                            None, None))
    kept = {key[:2]: len(slot[1]) for key, slot in check.uses.items()}
    assert kept == {**{(datetime.date(2024, 11, 1 + d), account): 1 for d in range(10)},
                    (datetime.date(2000, 1, 1), account): additions.NAMED}


def test_an_import_that_rewrites_master_data_loads_the_would_be_ledger(workspace, monkeypatch):
    """The fund list upserts masterdata/funds.beancount: not an append, validated the old way."""
    calls = []
    real = pipeline._validate
    monkeypatch.setattr(pipeline, "_validate", lambda *a: calls.append(a) or real(*a))
    summary = run_import(workspace, [SAMPLES / "registers" / "fund-allocations.csv"])
    assert calls and summary.written


def test_the_last_statement_of_an_account_closed_at_its_end(books, tmp_path, monkeypatch):
    """An account closed on the statement's last day: its rows are on or before the close, the
    closing balance assertion the day after (beancount allows an assertion after the close)."""
    monkeypatch.setattr(pipeline, "_validate", lambda *a: pytest.fail("loaded the would-be ledger"))
    accounts = books.parent / "accounts.beancount"
    accounts.write_text(accounts.read_text("utf-8") + "\n2024-10-31 close Assets:Bank:ICBC-2345\n", "utf-8")
    october = statement(tmp_path / "icbc-10.csv", [
        '2024-10-08,08000025,青禾区财政局,4101 0104 0000 001,转账 下达2024年衔接资金,,"10,000.00","1,397,940.42"'])
    assert run_import(books, [october]).transactions == 1
    _, errors, _ = loading.load(books)
    assert not [e for e in errors if type(e).__name__ != "Finding"]


def test_a_row_after_the_close_is_refused_on_both_paths(books, tmp_path, monkeypatch):
    accounts = books.parent / "accounts.beancount"
    accounts.write_text(accounts.read_text("utf-8") + "\n2024-10-05 close Assets:Bank:ICBC-2345\n", "utf-8")
    october = statement(tmp_path / "icbc-10.csv", [
        '2024-10-08,08000025,青禾区财政局,4101 0104 0000 001,转账 下达2024年衔接资金,,"10,000.00","1,397,940.42"'])
    assert both_paths(monkeypatch, books, [october]) == [
        "引用的科目 Assets:Bank:ICBC-2345 此时未处于开设期（尚未开设或已关闭）：请检查分录日期与该科目的 open/close 日期"]


@pytest.mark.parametrize("name", ["icbc\n2024-01-01 open Assets:Forged\n.csv", "icbc-\u202e10.csv"])
def test_a_file_name_with_a_line_break_is_refused(books, tmp_path, monkeypatch, name):
    """The filed name is written in a comment above the file's entries: a line break in it
    would end the comment and the rest would be read as ledger text (the books no longer load,
    or hold a directive nobody imported)."""
    before = snapshot(books.parent)
    october = statement(tmp_path / name, [
        '2024-10-08,08000025,青禾区财政局,4101 0104 0000 001,转账 下达2024年衔接资金,,"10,000.00","1,397,940.42"'])
    with pytest.raises(BadInput, match="文件名含有控制字符"):
        run_import(books, [october])
    assert snapshot(books.parent) == before


def test_an_account_number_under_two_open_accounts_is_refused(books, tmp_path):
    """The statement's number names two open accounts: refused, naming both (it was booked to
    the second, with an opening entry of its own, and the first account's October went missing)."""
    accounts = books.parent / "accounts.beancount"
    accounts.write_text(accounts.read_text("utf-8") + '\n2023-01-01 open Assets:Bank:ICBC-Other CNY\n'
                        '  name: "衔接资金专户(重名)"\n  account_no: "1605001209200012345"\n', "utf-8")
    before = snapshot(books.parent)
    october = statement(tmp_path / "icbc-10.csv", [
        '2024-10-08,08000025,青禾区财政局,4101 0104 0000 001,转账 下达2024年衔接资金,,"10,000.00","1,397,940.42"'])
    with pytest.raises(BadInput, match="Assets:Bank:ICBC-2345、Assets:Bank:ICBC-Other"):
        run_import(books, [october])
    assert snapshot(books.parent) == before
    # the same number on an account closed since: the open one takes the statement
    accounts.write_text(accounts.read_text("utf-8") + "\n2024-06-30 close Assets:Bank:ICBC-Other\n", "utf-8")
    summary = run_import(books, [october])
    assert summary.transactions == 1 and summary.files[0].source.startswith("documents/Assets/Bank/ICBC-2345/")


def test_a_refusal_names_each_row_and_says_how_many_more(tmp_path, monkeypatch):
    """Thirty rows of one day, before the books' accounts open: the refusal names twenty
    different rows (not the day's first row twenty times) and how many errors it left out."""
    monkeypatch.setattr(pipeline, "_validate", lambda *a: pytest.fail("loaded the would-be ledger"))
    ledger = ws.create(tmp_path / "ws", ws.County(start=datetime.date(2024, 11, 1)))
    rows = [f'2024-10-08,{n:08d},青禾区财政局,4101 0104 0000 001,转账 下达2024年衔接资金,,"1.00","{100 + n}.00"'
            for n in range(1, 31)]
    with pytest.raises(Rejected) as caught:
        run_import(ledger, [statement(tmp_path / "icbc-10.csv", rows, start="2024-10-08", end="2024-10-08")])
    named, last = caught.value.details[:-1], caught.value.details[-1]
    assert len(named) == pipeline.SHOWN and all("此时未处于开设期" in line for line in named)
    assert len({line.split(": ", 1)[0] for line in named}) >= pipeline.SHOWN // 2  # at least ten rows
    assert last.startswith("……另有 ") and "more" in last


def test_an_error_the_books_had_does_not_excuse_the_same_error_of_the_import(books, tmp_path, monkeypatch):
    """The books already post once to the account after its close (a hand-written entry); the
    import's row after the close is one more such error, refused on both paths."""
    accounts = books.parent / "accounts.beancount"
    accounts.write_text(accounts.read_text("utf-8") + "\n2024-10-05 close Assets:Bank:ICBC-2345\n", "utf-8")
    manual = books.parent / "transactions" / "manual.beancount"
    manual.write_text(manual.read_text("utf-8") + '\n2024-10-20 * "手工分录"\n  Assets:Bank:ICBC-2345  0.00 CNY\n'
                      "  Income:Other  0.00 CNY\n", "utf-8")
    october = statement(tmp_path / "icbc-10.csv", [
        '2024-10-08,08000025,青禾区财政局,4101 0104 0000 001,转账 下达2024年衔接资金,,"10,000.00","1,397,940.42"'])
    assert both_paths(monkeypatch, books, [october]) == [
        "引用的科目 Assets:Bank:ICBC-2345 此时未处于开设期（尚未开设或已关闭）：请检查分录日期与该科目的 open/close 日期"]


def test_a_currency_the_account_does_not_allow(books, tmp_path, monkeypatch):
    """The bank account is opened for USD only: the books already err on September's rows and
    closing balance; October's row and closing balance are two errors more, on both paths."""
    accounts = books.parent / "accounts.beancount"
    accounts.write_text(accounts.read_text("utf-8").replace("open Assets:Bank:ICBC-2345 CNY",
                                                            "open Assets:Bank:ICBC-2345 USD"), "utf-8")
    october = statement(tmp_path / "icbc-10.csv", [
        '2024-10-08,08000025,青禾区财政局,4101 0104 0000 001,转账 下达2024年衔接资金,,"10,000.00","1,397,940.42"'])
    assert both_paths(monkeypatch, books, [october]) == sorted([
        "余额断言的币种 CNY 不是该科目开设时允许的币种", "科目 Assets:Bank:ICBC-2345 不允许币种 CNY（该科目开设时限定了币种）"])


@pytest.mark.parametrize("text", [b"", b"2024-01-01 open Assets:A", b"line one\nline two\n\n\n",
                                  b"x" + b"\n" * 30, b"\n" * 20, "中文一行\n".encode() * 5])
def test_a_file_appended_to_is_written_piece_by_piece_as_it_would_be_whole(tmp_path, monkeypatch, text):
    monkeypatch.setattr(pipeline._Appended, "PIECE", 7)  # the file read back in many pieces
    body = pipeline._Body()
    entry = data.Transaction({"filename": "<import>", "lineno": 0}, datetime.date(2024, 10, 8), "*", "青禾",
                             "付款", frozenset(), frozenset(), [
                                 data.Posting("Assets:A", data.Amount(Decimal("1.00"), "CNY"), None, None, None, None),
                                 data.Posting("Assets:B", data.Amount(Decimal("-1.00"), "CNY"), None, None, None, None)])
    body.add(entry)
    body.add(entry)
    path = tmp_path / "imported.beancount"
    path.write_bytes(text)
    expected = text.rstrip(b"\n") + b"\n\n; batch\n" + b"".join(body.chunks())
    assert b"".join(pipeline._Appended(path, ["; batch"], body)) == expected
    assert b"".join(pipeline._Appended(memoryview(text), ["; batch"], body)) == expected
    assert b"".join(pipeline._Appended(tmp_path / "missing.beancount", ["; batch"], body)) == \
        b"\n\n; batch\n" + b"".join(body.chunks())
