"""The county's annual project and fund disclosure (县级衔接资金项目计划及完成情况公告): the year's
allocations by source and indicator document, every project approved that year with its
disclosure fields, how far each got (completion) and its status (`fundtrail.projects`, the
overdue-project rule's criterion, so the disclosure, Fava and the audit report agree), and the project
assets in service at its end by class and village (sold and scrapped ones listed apart, outside
the totals). Fund levels in the order of `accounts.level_rank`.

    disclosure_pdf(books, 2024) -> A4 PDF bytes
"""

from __future__ import annotations

import datetime

from fundtrail import assets
from fundtrail.accounts import level_rank
from fundtrail.reports import render
from fundtrail.reports.facts import ZERO, Period
from fundtrail.reports.village import fund_order, project_rows
from fundtrail.workdays import first_workday_after


def fund_rows(books, period: Period) -> list[dict]:
    """The indicator documents issued in the period's year, with their figures to its end."""
    master = books.master
    figures = books.figures("fund", start=period.start, end=period.end)
    to_date = books.figures("fund", end=period.end)
    rows = []
    for code, fund in sorted(master.funds.items(), key=lambda kv: fund_order(master, kv[0])):
        if not fund.issued or fund.issued.year != period.year:
            continue
        fig, cum = figures.get(code), to_date.get(code)
        rows.append({"fund": fund, "received": cum.received if cum else ZERO,
                     "passed_down": cum.passed_down if cum else ZERO,
                     "spent": cum.spent if cum else ZERO, "balance": cum.balance if cum else ZERO,
                     "spent_in_year": fig.spent if fig else ZERO})
    return rows


def level_totals(rows) -> list[dict]:
    levels: dict[str, dict] = {}
    for row in rows:
        total = levels.setdefault(row["fund"].level, {"level": row["fund"].level, "count": 0,
                                                      "amount": ZERO, "received": ZERO,
                                                      "passed_down": ZERO, "spent": ZERO})
        total["count"] += 1
        total["amount"] += row["fund"].amount
        for key in ("received", "passed_down", "spent"):
            total[key] += row[key]
    return sorted(levels.values(), key=lambda total: level_rank(total["level"]))


def disclosure_context(books, year: int) -> dict:
    period = Period.parse(str(year))
    codes = [code for code, p in sorted(books.master.projects.items())
             if p.approved and p.approved.year == year]
    projects = project_rows(books, codes, period.end)
    funds = fund_rows(books, period)
    issued = first_workday_after(period.end)
    return {
        "year": year, "period": period, "funds": funds, "levels": level_totals(funds),
        "projects": projects, "issued": issued,
        "asset_classes": assets.by_class_and_village(books.master, period.end),
        "disposed": [{"asset": books.master.assets[code], "disposal": d}
                     for code, d in sorted(books.master.disposals.items())
                     if d.date <= period.end and code in books.master.assets
                     and books.master.assets[code].registered <= period.end],
        "totals": {
            "amount": sum((r["fund"].amount for r in funds), ZERO),
            "received": sum((r["received"] for r in funds), ZERO),
            "budget": sum((r["p"].budget for r in projects), ZERO),
            "spent": sum((r["spent"] for r in projects), ZERO),
            "accepted": sum(1 for r in projects if r["standing"].accepted),
            "ongoing": sum(1 for r in projects if r["standing"].status == "running"),
            "overdue": sum(1 for r in projects if r["standing"].status == "overdue"),
            "unpaid": sum(1 for r in projects if r["standing"].status == "unpaid"),
            "unallotted": sum(1 for r in projects if r["standing"].status == "unallotted"),
        },
    }


def disclosure_pdf(books, year: int, issued: datetime.date | None = None) -> bytes:
    return render.pdf_of(disclosure_html(books, year, issued))


def disclosure_html(books, year: int, issued: datetime.date | None = None) -> str:
    """The HTML `disclosure_pdf` renders."""
    context = disclosure_context(books, int(year))
    if issued:
        context["issued"] = issued
    county = books.master.county.name if books.master.county else ""
    title = f"{county}{year}年度衔接推进乡村振兴补助资金项目计划及完成情况公告"
    return render.html("county.html", books, title=title, header=title, **context)
