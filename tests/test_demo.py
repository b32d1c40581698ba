import csv
import datetime
import json
from collections import Counter
from decimal import Decimal

import openpyxl
from beancount.core import data

from fundtrail.ledgers.demo.build import build

LEDGER_FILES = ["main.beancount", "accounts.beancount", "masterdata/funds.beancount",
                "masterdata/projects.beancount", "transactions/imported.beancount",
                "transactions/allotments.beancount", "expected-findings.json",
                "registers/households.csv"]


def test_demo_is_deterministic(demo, tmp_path):
    root, _ = demo
    build(tmp_path / "again")
    for name in LEDGER_FILES:
        assert (root / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name


def test_demo_county_shape(demo_books):
    master = demo_books.master
    assert len(master.towns) == 6
    assert len(master.villages) == 46
    for year in (2024, 2025):
        funds = [f for f in master.funds.values() if f.issued.year == year]
        total = sum(f.amount for f in funds)
        assert Decimal(24_000_000) <= total <= Decimal(26_000_000)
        assert {f.level for f in funds} == {"中央", "省级", "市级", "县级", "社会捐赠", "帮扶单位"}
    kinds = " ".join(p.name for p in master.projects.values())
    for kind in ("扶贫车间", "温室大棚", "乡村旅游", "电商", "道路", "饮水", "产业发展奖补", "贴息"):
        assert kind in kinds


def test_every_project_has_its_disclosure_fields(demo_books):
    for project in demo_books.master.projects.values():
        for field in ("name", "category", "task", "standard", "sources", "unit", "manager",
                      "goal", "phone"):
            assert getattr(project, field), (project.code, field)
        assert project.budget > 0 and project.start and project.end and project.approved


def test_expected_findings_point_at_real_transactions(demo, demo_books):
    root, _ = demo
    expected = json.loads((root / "expected-findings.json").read_text("utf-8"))
    links = {link for e in demo_books.entries if isinstance(e, data.Transaction) for link in e.links}
    rules = Counter(e["rule"] for e in expected)
    assert len(rules) >= 25
    for item in expected:
        if "link" not in item:  # a register's case (a screening clue): told by its facets
            assert set(item) - {"rule"}, item
            continue
        assert item["link"].startswith("^")
        assert item["link"][1:] in links, item


def test_imported_entries_name_their_source_row(demo, demo_books):
    root, _ = demo
    for entry in demo_books.entries:
        if isinstance(entry, data.Transaction) and entry.meta["filename"].endswith("imported.beancount"):
            source = entry.meta.get("source")
            assert source and (root / source).is_file(), entry
            assert "row" in entry.meta or "voucher" in entry.meta


def test_statement_rows_match_their_entries(demo, demo_books):
    """The row an entry names in a raw statement holds that entry's amount."""
    root, _ = demo
    checked = 0
    for entry in demo_books.entries:
        if not isinstance(entry, data.Transaction) or "row" not in entry.meta:
            continue
        source = root / entry.meta["source"]
        if source.suffix != ".csv" or "Assets/Bank" not in entry.meta["source"]:
            continue
        encoding = "gbk" if "icbc" in source.name else "utf-8-sig"
        rows = list(csv.reader(source.read_text(encoding).splitlines()))
        row = rows[int(entry.meta["row"]) - 1]
        bank = next(p for p in entry.postings if p.account.startswith("Assets:Bank"))
        amounts = {c.replace("¥", "").replace(",", "") for c in row}
        assert f"{abs(bank.units.number):.2f}" in amounts, (entry.meta, row)
        checked += 1
    assert checked > 250


def test_roster_has_failed_payments_that_are_not_spent(demo, demo_books):
    root, _ = demo
    failed = 0
    for path in (root / "documents/Assets/Clearing/YKT").glob("*.xlsx"):
        for row in openpyxl.load_workbook(path).active.iter_rows(min_row=3, values_only=True):
            if row[11] and str(row[11]).startswith("失败"):
                failed += 1
                paid = [e for e in demo_books.entries if isinstance(e, data.Transaction)
                        and e.meta.get("source", "").endswith(path.name)
                        and e.meta.get("row") == row[0] + 2]
                assert paid == []
    assert failed == 4


def test_voucher_numbers_run_in_date_order(demo_books):
    vouchers = [(e.date, e.meta["voucher"]) for e in demo_books.entries
                if isinstance(e, data.Transaction) and "voucher" in e.meta]
    by_type = {}
    for date, number in vouchers:
        by_type.setdefault(number[:8], []).append((date, number))
    for items in by_type.values():
        assert [n for _, n in items] == sorted(n for _, n in items)
    assert datetime.date(2025, 1, 1) > min(d for d, _ in vouchers)
