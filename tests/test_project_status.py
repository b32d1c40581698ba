"""One status of a project (fundtrail.projects) for the overdue-project rule, the Fava project
pages, the village notice, the county disclosure and the spreadsheet: a project whose end date
is within the grace (`overdue_days`) is overdue nowhere, one past it everywhere, and the grace
is the county's setting wherever it is read."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from rulebook import ACCOUNTS, fund, pay, project

from fundtrail import projects
from fundtrail.books import Books
from fundtrail.fava_ext import views
from fundtrail.fava_ext.dashboard import Dashboard
from fundtrail.flows import FlowIndex
from fundtrail.masking import PUBLIC, masker_for
from fundtrail.plugins.checks import all_findings
from fundtrail.reports import county, village
from fundtrail.reports.export import project_table
from fundtrail.reports.facts import project_standing

AS_OF = datetime.date(2025, 12, 31)
LEDGER = (
    fund("C2025-011", "2025-02-16", 3_000_000)
    # QH2025-001: ended 20 days before the judging day, only the advance paid: in the grace
    + project("QH2025-001", "C2025-011", 1_000_000, "2025-03-10", "2025-03-20", "2025-12-11",
              allotted="2025-03-12")
    + pay("2025-03-25", "VOU-1", "QH2025-001", "C2025-011", 300_000)
    # QH2025-002: ended 45 days before, only the advance paid: overdue with a 30-day grace
    + project("QH2025-002", "C2025-011", 1_000_000, "2025-03-10", "2025-03-20", "2025-11-16",
              allotted="2025-03-12")
    + pay("2025-03-26", "VOU-2", "QH2025-002", "C2025-011", 300_000)
    # QH2025-003: accepted, a fifth never paid, ended 45 days before: 已验收未结算
    + project("QH2025-003", "C2025-011", 500_000, "2025-03-10", "2025-03-20", "2025-11-16",
              allotted="2025-03-12")
    + pay("2025-04-15", "VOU-3", "QH2025-003", "C2025-011", 400_000)
    + '2025-11-16 custom "acceptance" "QH2025-003"\n'
    # QH2025-004: ended 45 days before, paid but for the 5% retention: finished
    + project("QH2025-004", "C2025-011", 200_000, "2025-03-10", "2025-03-20", "2025-11-16",
              allotted="2025-03-12")
    + pay("2025-06-15", "VOU-4", "QH2025-004", "C2025-011", 190_000)
    # QH2025-005: allotted, nothing paid, still running its term; QH2025-006: not allotted
    + project("QH2025-005", "C2025-011", 100_000, "2025-09-01", "2025-09-10", "2026-06-30",
              allotted="2025-09-02")
    + project("QH2025-006", "C2025-011", 100_000, "2025-09-01", "2025-09-10", "2026-06-30")
    + '2025-12-31 * "银行" "结息" ^C2025-011\n  Assets:Treasury:PBC-0001  1.00 CNY\n  Income:Other\n'
)
EXPECTED = {"QH2025-001": "running", "QH2025-002": "overdue", "QH2025-003": "unsettled",
            "QH2025-004": "running", "QH2025-005": "unpaid", "QH2025-006": "unallotted"}

READERS = ("fava", "fava village", "notice", "disclosure", "sheet")


def load(tmp_path, days: int | None) -> Books:
    config = f"{{'as_of': '{AS_OF}'" + (f", 'overdue_days': {days}" if days is not None else "") + "}"
    path = tmp_path / f"main-{days}.beancount"
    path.write_text(f'option "operating_currency" "CNY"\nplugin "fundtrail.plugins.checks" "{config}"\n'
                    + ACCOUNTS + LEDGER, "utf-8")
    FlowIndex.forget()
    books = Books.load(str(path))
    assert not [e for e in books.errors if "overdue" in e.message], books.errors
    return books


def everywhere(books: Books) -> dict[str, dict[str, str]]:
    """Each project's status label as the checks, Fava's project page, Fava's village page, the
    village notice, the county disclosure and the project spreadsheet give it at AS_OF."""
    found = all_findings(books.index.entries, books.options)
    flagged = {link for f in found if f.rule == "overdue-project" for link in f.links}
    dash = Dashboard.build(books, found, today=AS_OF)
    view = dash.year(2025)
    assert view.as_of == AS_OF
    fava = {r.project.code: projects.STATUS_LABELS[r.status] for r in views.project_rows(dash, view)}
    detail = views.village_detail(dash, view, "V1", masker_for(books, PUBLIC))
    village_page = {r.project.code: detail["status_labels"][r.status] for r in detail["projects"]}
    notice = {r["p"].code: r["status"] for r in village.project_rows(books, sorted(EXPECTED), AS_OF)}
    disclosure = {r["p"].code: r["status"] for r in county.disclosure_context(books, 2025)["projects"]}
    sheet = {r["code"]: r["status"] for r in project_table(books, 2025)}
    checks = {code: ("逾期" if code in flagged else "") for code in EXPECTED}
    return {"fava": fava, "fava village": village_page, "notice": notice, "disclosure": disclosure, "sheet": sheet,
            "checks": checks}


def overdue_in(seen: dict[str, dict[str, str]]) -> dict[str, frozenset[str]]:
    """Per reader, the projects it calls overdue (逾期未完工 / 已验收未结算, or a finding)."""
    words = {"逾期", *(projects.STATUS_LABELS[s] for s in projects.OVERDUE)}
    return {reader: frozenset(code for code, label in rows.items() if label in words)
            for reader, rows in seen.items()}


@pytest.mark.parametrize("days", [None, 30])
def test_inside_the_grace_no_reader_calls_a_project_overdue(tmp_path, days):
    books = load(tmp_path, days)
    seen = everywhere(books)
    expected = {code: projects.STATUS_LABELS[s] for code, s in EXPECTED.items()}
    for reader in READERS:
        assert seen[reader] == expected, reader
    assert set(overdue_in(seen).values()) == {frozenset({"QH2025-002", "QH2025-003"})}
    judged = project_standing(books, "QH2025-002", AS_OF)
    assert (judged.stage, judged.unpaid, judged.paid) == ("acceptance", Decimal(700_000), Decimal(300_000))
    assert project_standing(books, "QH2025-003", AS_OF).stage == "payment"


def test_the_grace_is_the_countys_setting_for_every_reader(tmp_path):
    # a 60-day grace: QH2025-002 and QH2025-003 (45 days past their end) are within it
    seen = everywhere(load(tmp_path, 60))
    assert set(overdue_in(seen).values()) == {frozenset()}
    assert {seen[r]["QH2025-002"] for r in READERS} == {"实施中"}
    assert {seen[r]["QH2025-003"] for r in READERS} == {"已验收"}
    # a 10-day grace: QH2025-001 (20 days past) is overdue too, for the checks and the pages
    seen = everywhere(load(tmp_path, 10))
    assert set(overdue_in(seen).values()) == {
        frozenset({"QH2025-001", "QH2025-002", "QH2025-003"})}


def test_a_project_is_overdue_from_the_day_after_its_grace(tmp_path):
    books = load(tmp_path, None)
    end = books.master.projects["QH2025-001"].end
    last_grace_day = end + datetime.timedelta(days=30)
    assert project_standing(books, "QH2025-001", last_grace_day).status == "running"
    assert project_standing(books, "QH2025-001", last_grace_day + datetime.timedelta(days=1)).status \
        == "overdue"
    assert projects.overdue_from(books.master.projects["QH2025-001"], {"overdue_days": 30}) == \
        last_grace_day + datetime.timedelta(days=1)
    # judged on the money to the day: before the advance was paid QH2025-001 had paid nothing
    assert project_standing(books, "QH2025-001", datetime.date(2025, 3, 20)).status == "unpaid"
    assert project_standing(books, "QH2025-006", AS_OF).status == "unallotted"


@pytest.mark.parametrize("days", [10, 30, 60])
def test_the_rules_quick_test_agrees_with_the_standing_on_every_day(tmp_path, days):
    """`projects.overdue_at` (what the overdue-project rule asks, every project judged from its
    money before any standing is made) gives the standing of exactly the projects the standing
    calls overdue, on every day from before the first payment to past every grace."""
    books = load(tmp_path, days)
    index, master, settings = books.index, books.master, {"overdue_days": days}
    seen = set()
    day = datetime.date(2025, 3, 1)
    while day <= datetime.date(2026, 9, 30):
        judged = {code: projects.standing(index, master, code, day, settings) for code in EXPECTED}
        expected = [(code, s) for code, s in sorted(judged.items()) if s.overdue]
        assert projects.overdue_at(index, master, day, settings) == expected, day
        seen |= {s.status for _, s in expected}
        day += datetime.timedelta(days=5)
    assert seen == {"overdue", "unsettled"}
