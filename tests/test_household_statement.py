"""The household statement (明白卡) on the demo: for three households every line is a posting
beanquery finds in the ledger (paid in a member's ID number, or interest on a member's loan),
the totals are the sums of the lines, each card is one page with ID and card numbers masked;
the command writes one card per household of a village; the 农户 page shows the same figures,
masked for the public, and one household's lines and card to internal roles only."""

import collections
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
import test_fava_ext
from click.testing import CliRunner
from fava_pages import tables, yuan

from fundtrail.cli import main
from fundtrail.reports import household as cards

fava, bql = test_fava_ext.fava, test_fava_ext.bql  # the Fava client and beanquery on the demo

# two members (one with the other's card), subsidies and dividends; all four categories; a
# borrower whose only help in 2025 is the interest subsidy of the loan
HOUSEHOLDS = ("HH00049", "HH00178", "HH00188")
YEARS = (2024, 2025)


def expected(bql, family, year) -> collections.Counter:
    """(date, amount, category, links) of every posting the ledger has for the household in
    the year, by beanquery: an expense posting with a member's `id_no:` that did not bounce,
    or one with `loan:` naming a loan of a member."""
    ids = set(family.ids)
    rows = bql("SELECT date, number, account, links, str(meta('id_no')), str(meta('loan')), "
               f"str(meta('status')), str(meta('kind')), str(meta('item')) WHERE year = {year} "
               "AND account ~ '^Expenses:'")
    found = collections.Counter()
    for date, number, account, links, *texts in rows:
        person, loan, status, kind, item = (text or "" for text in texts)
        if person in ids and "失败" not in status:
            wage = "公益岗位" in kind or "公益岗位" in item
            category = (cards.WAGE if wage else cards.DIVIDEND
                        if account.startswith("Expenses:Distribution:") else cards.SUBSIDY)
        elif loan in LOANS[family.number]:
            category = cards.INTEREST
        else:
            continue
        found[(date, number, category, frozenset(links))] += 1
    return found


LOANS: dict[str, set] = {}


@pytest.fixture(scope="module")
def loans_of(demo_books):
    """Each household's loans, read from the `custom "loan"` directives of the entries."""
    ids = {}
    for entry in demo_books.entries:
        if getattr(entry, "type", None) == "loan":
            ids.setdefault(str(entry.meta["borrower_id"]), set()).add(entry.values[0].value)
    for number in HOUSEHOLDS:
        family = cards.find(demo_books, number)
        LOANS[number] = set().union(*(ids.get(i, set()) for i in family.ids))
    return LOANS


@pytest.mark.parametrize("number", HOUSEHOLDS)
def test_every_line_is_a_posting_of_the_ledger_and_totals_add_up(demo_books, bql, loans_of, number):
    family = cards.find(demo_books, number)
    assert family is not None and family.number == number
    categories = set()
    for year in YEARS:
        sheet = cards.statement(demo_books, family, year)
        got = collections.Counter((line.date, line.amount, line.category,
                                   frozenset(line.entry.links)) for line in sheet.lines)
        assert got == expected(bql, family, year), (number, year)
        for line in sheet.lines:
            assert line.reference and set(line.reference.split()) <= set(line.entry.links)
            assert not set(line.reference.split()) & (set(demo_books.master.projects)
                                                      | set(demo_books.master.loans))
        assert sheet.total == sum((line.amount for line in sheet.lines), Decimal(0))
        assert sheet.by_category == {c: sum((line.amount for line in sheet.lines
                                             if line.category == c), Decimal(0))
                                     for c in cards.CATEGORIES}
        assert sum(sheet.by_category.values()) == sheet.total
        categories |= {line.category for line in sheet.lines}
    if number == "HH00178":
        assert categories == set(cards.CATEGORIES)
    if number == "HH00049":  # a member's own row in the register: both members' payments
        assert len(family.members) == 2
        members = {line.member.id_no for line in cards.statement(demo_books, family, 2025).lines}
        assert members == set(family.ids)


def test_a_household_is_found_by_a_members_id_number(demo_books):
    family = cards.find(demo_books, "HH00049")
    assert cards.find(demo_books, family.members[1].id_no) is family
    assert cards.find(demo_books, "HH99999") is None and cards.find(demo_books, "") is None


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils (pdftoppm) not installed")
@pytest.mark.parametrize("number", HOUSEHOLDS)
def test_the_card_is_one_page_masked_with_every_line(demo_books, tmp_path, number):
    family = cards.find(demo_books, number)
    sheet = cards.statement(demo_books, family, 2025)
    path = tmp_path / f"{number}.pdf"
    path.write_bytes(cards.card_pdf(demo_books, family, 2025))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(path), str(tmp_path / number)], check=True)
    assert (tmp_path / f"{number}-1.png").stat().st_size > 10_000
    text = _pdf_text(path)
    flat = re.sub(r"\s+", "", text)
    assert "2025年度到户帮扶资金明白卡" in flat and family.number in flat
    for member in family.members:  # the household's own names; no full ID or card number
        assert member.name in flat
        assert member.id_no not in flat and member.id_no[6:14] not in flat
        assert not member.card or member.card not in flat and member.card[-4:] in flat
    for line in sheet.lines:
        assert yuan(line.amount) in flat and line.reference.split()[0] in flat
    assert f"合计{yuan(sheet.total)}" in flat


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_the_command_writes_a_card_per_household_of_a_village(demo, demo_books, tmp_path):
    ledger = demo[0] / "main.beancount"
    village = cards.find(demo_books, "HH00049").village_code
    result = run("report", "household", ledger, "--village", village, "--all", "--year", 2025,
                 "--out", tmp_path)
    assert result.exit_code == 0, result.output
    register = demo_books.index.household_register.households.values()
    numbers = {h.number for h in register if h.village == demo_books.master.villages[village].name}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"2025-明白卡-{n}.pdf" for n in numbers)
    one = tmp_path / "one"
    result = run("report", "household", ledger, "--household", "HH00178", "--year", 2025,
                 "--out", one)
    assert result.exit_code == 0 and [p.name for p in one.iterdir()] == ["2025-明白卡-HH00178.pdf"]


@pytest.mark.parametrize("args, message", [
    (("--household", "HH99999", "--year", "2025"), "户籍登记册中没有该户"),
    (("--village", "370405999999", "--all", "--year", "2025"), "账簿中没有该行政村"),
    (("--village", "370405001203", "--year", "2025"), "请指定"),
    (("--year", "2025"), "请指定"),
    (("--household", "HH00049", "--year", "2031"), "账簿中没有 2031 的交易"),
    (("--household", "HH00049", "--year", "20x5"), "年度应为四位数字"),
])
def test_bad_arguments_get_a_message_and_no_file(demo, tmp_path, args, message):
    result = run("report", "household", demo[0] / "main.beancount", *args, "--out", tmp_path)
    assert result.exit_code != 0 and message in result.output, result.output
    assert "Traceback" not in result.output and not list(tmp_path.iterdir())


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def test_the_households_page_shows_the_cards_figures(fava, demo_books):
    family = cards.find(demo_books, "HH00049")
    village = family.village_code
    html = fava.page(f"FundtrailHouseholds/?time=2025&village={village}")
    listing = tables(html)[0]
    assert listing[0] == ["户编号", "户主", "身份证号", "行政村", "人数", *cards.CATEGORIES, "合计", "笔数"]
    rows = {r[0]: r for r in listing[1:-1]}
    assert set(rows) == {f.number for f in cards.of_village(demo_books, village)}
    for number, row in rows.items():
        sheet = cards.statement(demo_books, cards.find(demo_books, number), 2025)
        assert [_amount(v) for v in row[5:10]] == [*sheet.by_category.values(), sheet.total]
        assert int(row[10]) == len(sheet.lines)
    assert _amount(listing[-1][-2]) == sum(_amount(r[9]) for r in rows.values())
    assert rows["HH00049"][2] == family.head.id_no  # internal (loopback): the full number

    detail = fava.page("FundtrailHouseholds/?time=2025&household=HH00049")
    members, lines = tables(detail)[:2]
    assert {r[1] for r in members[1:]} == set(family.ids)
    sheet = cards.statement(demo_books, family, 2025)
    assert [(r[0], _amount(r[5]), r[6]) for r in lines[1:-1]] == \
        [(str(line.date), line.amount, line.reference) for line in sheet.lines]
    assert "household_card?household=HH00049" in detail


def test_the_public_view_is_masked_and_has_no_household_detail(fava, demo_books):
    family = cards.find(demo_books, "HH00049")
    html = fava.page("FundtrailHouseholds/?time=2025&household=HH00049&public=1")
    assert len(tables(html)) == 1 and "household_card" not in html
    for person in demo_books.index.household_register.households.values():
        assert person.id_no not in html
    row = next(r for r in tables(html)[0] if r[0] == "HH00049")
    assert row[2] == "370405" + "*" * 12 and row[1] == family.head.name
    card = fava.get("Fundtrail/household_card?household=HH00049&year=2025&public=1", status=403)
    assert "仅限内部角色" in card.get_data(as_text=True)
    pdf = fava.get("Fundtrail/household_card?household=HH00049&year=2025")
    assert pdf.data[:4] == b"%PDF" and pdf.mimetype == "application/pdf"
    fava.get("Fundtrail/household_card?household=HH99999&year=2025", status=400)


def test_without_a_usable_register_the_command_says_why(demo, tmp_path):
    from conftest import copy_workspace

    root = tmp_path / "ws"
    copy_workspace(demo[0], root)
    (root / "registers" / "households.csv").unlink()
    result = run("report", "household", root / "main.beancount", "--household", "HH00049",
                 "--year", 2025, "--out", tmp_path / "out")
    assert result.exit_code == 1 and "登记册文件“registers/households.csv”不存在" in result.output, result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def test_the_reference_names_the_payment_not_its_project_batch_or_loan(demo_books):
    master = demo_books.master
    entries = [e for e in demo_books.index.transactions if e.links]
    subsidy = next(e for e in entries if any(link.startswith("YKT-QH") for link in e.links))
    interest = next(e for e in entries if any(link in master.loans for link in e.links))
    assert re.fullmatch(r"YKT-QH\d{4}Q\d-\d\d-\d{3}", cards.reference(subsidy, master))
    assert re.fullmatch(r"PSBC-1188-\d{14}", cards.reference(interest, master))


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed")
def test_a_large_household_with_forty_lines_fits_the_page_width_and_paginates(demo_books, tmp_path, monkeypatch):
    """Seven members and forty lines: the members' table stays inside the page, every name on
    one line; the lines run onto a second page with their header, the total and the signature
    after the last line."""
    from fundtrail.registers import Household

    family = cards.find(demo_books, "HH00049")
    head = family.head
    extra = [Household(family.number, f"成员{n}", f"37040520000101{n:03d}X", head.village, head.category,
                       head.risk, "", None, None) for n in range(5)]
    big = cards.Family(family.number, [*family.members, *extra], family.village_code)
    line = next(line for f in cards.families(demo_books).values()
                for line in cards.statement(demo_books, f, 2025).lines)
    sheet = cards.Statement(big, 2025, [line] * 40)
    monkeypatch.setattr(cards, "statement", lambda books, fam, year: sheet)
    path = tmp_path / "big.pdf"
    path.write_bytes(cards.card_pdf(demo_books, big, 2025))
    boxes = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout
    pages = re.findall(r'<page width="([\d.]+)"(.*?)</page>', boxes, re.S)
    assert len(pages) == 2
    for width, words in pages:
        right = [float(x) for x in re.findall(r'xMax="([\d.]+)"', words)]
        assert right and max(right) <= float(width) - 20, (max(right), width)  # inside the margin
    first, last = (re.findall(r">([^<]+)</word>", words) for _, words in pages)
    for member in big.members:
        assert member.name in first  # a word of its own, not broken over lines
    assert first.count("370405************") >= len(big.members)
    assert "流水号" in last and "合计" in last and "户主签字：＿＿＿＿＿＿" in "".join(last)
