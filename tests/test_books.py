"""The ledger model answers balance per project and village; beanquery and the Python API
agree, and the money they attribute adds up to the banks' own closing balances."""

import csv
import datetime
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
from beanquery import connect

from fundtrail import accounts as acc

DOCS = Path(__file__).resolve().parent.parent / "docs" / "ledger-model.md"
END = datetime.date(2025, 12, 31)


def doc_query(name: str) -> str:
    """The query under the heading `name` in docs/ledger-model.md, so the doc stays true."""
    text = DOCS.read_text("utf-8")
    block = text.split(f"<!-- query: {name} -->", 1)[1]
    return re.search(r"```sql\n(.*?)```", block, re.S).group(1)


def run_query(ledger: Path, query: str):
    conn = connect("beancount:" + str(ledger))
    cursor = conn.execute(query)
    return cursor.fetchall()


def test_balance_per_project_and_village_bql_equals_api(demo, demo_books):
    root, _ = demo
    rows = run_query(root / "main.beancount", doc_query("project-village-balance"))
    api = demo_books.figures("project", end=END)
    assert len(rows) == len(demo_books.master.projects)
    for village, project, balance in rows:
        assert demo_books.master.projects[project].village == (village or "")
        assert balance == api[project].balance, project
    per_village = demo_books.figures("village", end=END)
    for code, fig in per_village.items():
        assert fig.balance == sum(b for v, _, b in rows if (v or "") == code)


def test_received_spent_per_fund_bql_equals_api(demo, demo_books):
    root, _ = demo
    api = demo_books.figures("fund", start=datetime.date(2025, 1, 1), end=END)
    received = run_query(root / "main.beancount", doc_query("fund-received"))
    spent = run_query(root / "main.beancount", doc_query("fund-spent"))
    assert len(received) == 7 and len(spent) >= 7
    for fund, amount in received:
        assert amount == api[fund].received, fund
    for fund, amount in spent:
        assert amount == api[fund].spent, fund


def _closing_balance(path: Path) -> Decimal:
    """Read the last running balance straight from a raw statement file."""
    if path.suffix == ".xlsx":
        rows = [r for r in openpyxl.load_workbook(path).active.iter_rows(values_only=True)]
        return Decimal(str(rows[-1][-1])).quantize(Decimal("0.01"))
    encoding = "gbk" if "icbc" in path.name else "utf-8-sig"
    rows = [r for r in csv.reader(path.read_text(encoding).splitlines()) if r and r[0] != "合计"]
    return Decimal(rows[-1][-1].replace(",", "").replace("¥", ""))


def test_attributed_money_adds_up_to_the_bank_statements(demo, demo_books):
    root, _ = demo
    cash = demo_books.cash_balances(END)
    banks = [a for a in cash if a.startswith(acc.BANK + ":")]
    checked = 0
    for account in banks:
        folder = root / "documents" / account.replace(":", "/")
        statements = sorted(folder.glob("*.*"))
        if not statements:
            continue  # the dormant account has a confirmation letter, not statements
        assert cash[account] == _closing_balance(statements[-1]), account
        checked += 1
    assert checked == 3
    parts = demo_books.reconcile(END)
    assert parts["unallotted"] + parts["projects"] + parts["other"] == parts["cash"]
    assert parts["cash"] == sum(cash.values())
    assert parts["projects"] == sum(f.balance for f in demo_books.figures("project", end=END).values())


def test_since_is_the_oldest_unspent_receipt(demo_books):
    funds = demo_books.figures("fund", end=END)
    old = next(code for code in funds if code.startswith("C2023"))
    assert funds[old].balance == Decimal(620_000)
    assert funds[old].since == datetime.date(2023, 3, 15)
    spent_out = [f for f in funds.values() if f.balance == 0]
    assert spent_out and all(f.since is None for f in spent_out)


def test_date_range_figures(demo_books):
    year = demo_books.figures("level", start=datetime.date(2025, 1, 1), end=END)
    assert year["中央"].received == Decimal(16_800_000)
    whole = demo_books.figures("level", end=END)
    assert whole["中央"].received == Decimal(16_800_000 * 2 + 3_000_000)
