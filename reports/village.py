"""The quarterly village notice (村级公告公示): funds received and spent this quarter and to date by
source, every project in the village with its disclosure fields and progress, the household
subsidies paid (names per village practice, ID and card numbers masked, no phones or addresses),
the village's project assets with their income and its distribution (收益分配公示), the balance, the posting period (at least 10 days), the supervision phone and 12317.

    notice_pdf(books, "2024Q3", "370405102201")            -> A4 PDF bytes
    notice_pdf(books, "2024Q3", "370405102201", poster=True)  -> A3 poster for the noticeboard
"""

from __future__ import annotations

import collections
import datetime

from fundtrail import assets
from fundtrail.flows import SUBSIDY
from fundtrail.reports import facts, render
from fundtrail.reports.facts import ZERO, Period
from fundtrail.workdays import first_workday_after

POSTING_DAYS = 14  # calendar days on the board; the rule asks for at least 10


def quarter(text: str) -> Period:
    if "Q" not in str(text).upper():
        raise ValueError(f"季度格式应为 2024Q3 quarter must look like 2024Q3: {text!r}")
    return Period.parse(text)


def project_rows(books, codes, end: datetime.date) -> list[dict]:
    """Disclosure fields and progress to `end` of each project, for notices and disclosures."""
    master, index = books.master, facts.by_project(books)
    rows = []
    for code in codes:
        p = master.projects[code]
        mine = index.get(code, [])
        received = facts.total(mine, facts.is_allotment, end=end)
        spent = facts.total(mine, facts.is_spending, end=end)
        accepted = master.accepted.get(code)
        status = ("已验收" if accepted and accepted <= end else
                  "实施中" if p.start and p.start <= end else "未开工")
        rows.append({"p": p, "place": " ".join(filter(None, (master.place_name(p.town),
                                                              master.place_name(p.village)))) or "全区",
                     "funds": _fund_names(master, p), "received": received, "spent": spent,
                     "balance": received - spent, "accepted": accepted if status == "已验收" else None,
                     "progress": spent / p.budget if p.budget else None, "status": status})
    return rows


def _fund_names(master, project) -> str:
    fund = master.funds.get(str(project.meta.get("fund", "")))
    return f"{fund.level}资金：{project.sources or fund.doc_no}" if fund else project.sources


def projects_in_notice(books, village: str, period: Period) -> list[str]:
    """The village's projects approved by the end of the quarter and not closed before its year."""
    index = facts.by_project(books)
    year_start = datetime.date(period.year, 1, 1)
    codes = []
    for code, p in sorted(books.master.projects.items()):
        if p.village != village or not p.approved or p.approved > period.end:
            continue
        mine = [f for f in index.get(code, []) if f.date <= period.end]
        open_balance = facts.total(mine, facts.is_allotment) != facts.total(mine, facts.is_spending)
        if (p.end and p.end >= year_start) or open_balance:
            codes.append(code)
    return codes


def _to_household(flow) -> bool:
    """A subsidy paid to a household (一卡通 row: it names the person by ID number)."""
    return flow.kind == SUBSIDY


def notice_context(books, period: Period, village: str, posted: datetime.date | None = None) -> dict:
    master = books.master
    if village not in master.villages:
        raise KeyError(f"账簿中没有该行政村 no such village in the ledger: {village}")
    place = master.villages[village]
    here = [f for f in facts.by_village(books).get(village, ()) if f.date <= period.end]
    households = [f for f in here if _to_household(f)]
    projects = [f for f in here if not _to_household(f)]
    keys = ("received_q", "received_cum", "spent_q", "spent_cum")
    sources = collections.defaultdict(lambda: dict.fromkeys(keys, ZERO))
    for flow in projects:
        key = "received" if facts.is_allotment(flow) else "spent"
        sources[flow.fund][key + "_cum"] += flow.amount
        if flow.date >= period.start:
            sources[flow.fund][key + "_q"] += flow.amount
    source_rows = [{"fund": master.funds.get(code), "code": code, **figures}
                   for code, figures in sorted(sources.items())]
    totals = {k: sum((r[k] for r in source_rows), ZERO) for k in keys}
    paid = [f for f in households if f.date >= period.start]
    totals.update(households_q=sum((f.amount for f in paid), ZERO),
                  households_cum=sum((f.amount for f in households), ZERO),
                  balance=totals["received_cum"] - totals["spent_cum"])
    posted = posted or first_workday_after(period.end)
    return {
        "village": place, "town": master.place_name(place.town), "period": period,
        "sources": source_rows, "totals": totals,
        "projects": project_rows(books, projects_in_notice(books, village, period), period.end),
        "households": [{"date": f.date, "name": str(f.meta.get("beneficiary", "")),
                        "id_no": str(f.meta.get("id_no", "")), "card": str(f.meta.get("card", "")),
                        "item": str(f.meta.get("item", "")), "amount": f.amount,
                        "project": master.projects[f.project].name if f.project in master.projects else ""}
                       for f in paid],
        "posted": posted, "until": posted + datetime.timedelta(days=POSTING_DAYS),
        "issued": posted,
        "assets": assets.summary(master, books.index.asset_book, village, period.start, period.end),
    }


def notice_pdf(books, quarter_label: str, village: str, poster: bool = False,
               posted: datetime.date | None = None) -> bytes:
    """The village's notice for the quarter ("2024Q3"), A4, or A3 when `poster`."""
    return render.pdf_of(notice_html(books, quarter_label, village, poster, posted))


def notice_html(books, quarter_label: str, village: str, poster: bool = False,
                posted: datetime.date | None = None) -> str:
    """The HTML `notice_pdf` renders."""
    period = quarter(quarter_label)
    context = notice_context(books, period, village, posted)
    title = f"{context['village'].name}{period.label}衔接资金和项目公告公示"
    return render.html("village.html", books, title=title, header=title,
                       issuer=f"{context['village'].name}村民委员会",
                       page_size="A3" if poster else "A4", **context)


def village_codes(books) -> list[str]:
    return sorted(books.master.villages)

