"""The village notice (村级公告公示), quarterly, or monthly for a village whose finances are
disclosed every month (村民委员会组织法 art. 30: 涉及财务的事项至少每月公布一次): funds received
and spent in the period and to date by source, every project in the village with its disclosure
fields and progress, the household subsidies paid (names per village practice, ID and card
numbers masked, no phones or addresses; households counted once however many payments), the
village's project assets with their income and its distribution (收益分配公示), the balance, the
posting period (at least 10 days), the supervision phone and 12317.

Every yuan of the funds table is a project row's: the table sums the flows of the projects the
notice lists, and a project with money moving in the period is listed whatever its year. A
negative balance (a project paid before its money was allotted: paid-unallotted) is printed
with a footnote saying so. Recipients who are cadres or their registered relatives (the
officials register, matched by ID number or card) are marked 干部本人 / 干部亲属.

    notice_pdf(books, "2024Q3", "370405102201")            -> A4 PDF bytes
    notice_pdf(books, "2024-07", "370405102201")           -> the July notice
    notice_pdf(books, "2024Q3", "370405102201", poster=True)  -> A3 poster for the noticeboard
"""

from __future__ import annotations

import collections
import datetime

from fundtrail import assets
from fundtrail.accounts import level_rank
from fundtrail.flows import SUBSIDY
from fundtrail.idno import id_no
from fundtrail.registers import Officials
from fundtrail.reports import facts, render
from fundtrail.reports.facts import ZERO, Period
from fundtrail.workdays import first_workday_after

POSTING_DAYS = 14  # calendar days on the board; the rule asks for at least 10


def quarter(text: str) -> Period:
    """A quarter ("2024Q3") as the notice's period."""
    return Period.parse(text, "quarter")


def month(text: str) -> Period:
    """A month ("2024-07") as a period of the notice."""
    return Period.parse(text, "month")


def notice_period(text: str) -> Period:
    """A quarter ("2024Q3") or a month ("2024-07")."""
    return Period.parse(text, "quarter", "month")


def shortfall(flows, end: datetime.date) -> dict | None:
    """Why a project's balance at `end` is negative: the payments of the stretch in deficit
    (from the first payment made before enough money was allotted, the day's allotments
    counted first, as paid-unallotted counts them): {since, paid, count, short}; None when
    the balance is not negative."""
    events = sorted((f for f in flows if f.date <= end and (facts.is_allotment(f) or facts.is_spending(f))),
                    key=lambda f: (f.date, not facts.is_allotment(f)))
    balance, first, paid, count = ZERO, None, ZERO, 0
    for flow in events:
        balance += flow.amount if facts.is_allotment(flow) else -flow.amount
        if balance >= 0:
            first, paid, count = None, ZERO, 0
        elif not facts.is_allotment(flow):
            first = first or flow
            paid += flow.amount
            count += 1
    if balance >= 0 or first is None:
        return None
    return {"since": first.date, "paid": paid, "count": count, "short": -balance}


def project_rows(books, codes, end: datetime.date) -> list[dict]:
    """Disclosure fields and progress to `end` of each project, for notices and disclosures."""
    master, index = books.master, facts.by_project(books)
    rows = []
    for code in codes:
        p = master.projects[code]
        mine = index.get(code, [])
        received = facts.total(mine, facts.is_allotment, end=end)
        spent = facts.total(mine, facts.is_spending, end=end)
        judged = facts.project_standing(books, code, end)
        rows.append({"p": p, "place": " ".join(filter(None, (master.place_name(p.town),
                                                              master.place_name(p.village)))) or "全区",
                     "funds": _fund_names(master, p), "received": received, "spent": spent,
                     "balance": received - spent,
                     "accepted": judged.accepted,
                     "short": shortfall(mine, end) if received < spent else None,
                     "progress": spent / p.budget if p.budget else None, "status": judged.label,
                     "standing": judged})
    return rows


def _fund_names(master, project) -> str:
    fund = master.funds.get(str(project.meta.get("fund", "")))
    return f"{fund.level}资金：{project.sources or fund.doc_no}" if fund else project.sources


def projects_in_notice(books, village: str, period: Period) -> list[str]:
    """The village's projects approved by the end of the period and not closed before its
    year, and every project of the village with money moving in the period, whatever its year
    (so that every yuan of the funds table is a project row's)."""
    index = facts.by_project(books)
    year_start = datetime.date(period.year, 1, 1)
    codes = []
    for code, p in sorted(books.master.projects.items()):
        if p.village != village:
            continue
        mine = [f for f in index.get(code, []) if f.date <= period.end]
        moving = any(f.date >= period.start for f in mine)
        if not moving and (not p.approved or p.approved > period.end):
            continue
        open_balance = facts.total(mine, facts.is_allotment) != facts.total(mine, facts.is_spending)
        if moving or (p.end and p.end >= year_start) or open_balance:
            codes.append(code)
    return codes


ROLES = {"cadre": "干部本人", "relative": "干部亲属"}


def _mark(known: Officials, meta) -> str:
    """干部本人 / 干部亲属 for a recipient in the officials register, else ""."""
    return ROLES.get(known.role(meta), "")


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
    codes = projects_in_notice(books, village, period)
    by_project = facts.by_project(books)
    projects = [f for code in codes for f in by_project.get(code, ()) if f.date <= period.end]
    keys = ("received_q", "received_cum", "spent_q", "spent_cum")
    sources = collections.defaultdict(lambda: dict.fromkeys(keys, ZERO))
    for flow in projects:
        key = "received" if facts.is_allotment(flow) else "spent"
        sources[flow.fund][key + "_cum"] += flow.amount
        if flow.date >= period.start:
            sources[flow.fund][key + "_q"] += flow.amount
    source_rows = [{"fund": master.funds.get(code), "code": code, **figures}
                   for code, figures in sorted(sources.items(), key=lambda kv: fund_order(master, kv[0]))]
    totals = {k: sum((r[k] for r in source_rows), ZERO) for k in keys}
    paid = [f for f in households if f.date >= period.start]
    known = books.index.officials  # as the related-party rule reads it
    rows = [{"date": f.date, "name": str(f.meta.get("beneficiary", "")),
             "id_no": str(f.meta.get("id_no", "")), "card": str(f.meta.get("card", "")),
             "item": str(f.meta.get("item", "")), "amount": f.amount, "mark": _mark(known, f.meta),
             "project": master.projects[f.project].name if f.project in master.projects else ""}
            for f in paid]
    totals.update(households_q=sum((f.amount for f in paid), ZERO),
                  households_cum=sum((f.amount for f in households), ZERO),
                  balance=totals["received_cum"] - totals["spent_cum"],
                  households=len({id_no(r["id_no"]) or r["name"] for r in rows}), payments=len(rows))
    posted = posted or first_workday_after(period.end)
    project_list = project_rows(books, codes, period.end)
    summary = assets.summary(master, books.index.asset_book, village, period.start, period.end)
    return {
        "village": place, "town": master.place_name(place.town), "period": period,
        "unit": "月" if period.start.month == period.end.month else "季度",
        "sources": source_rows, "totals": totals,
        "projects": project_list, "short": [r for r in project_list if r["short"]],
        "households": rows, "marked": any(r["mark"] for r in rows),
        "distribution_marks": [_mark(known, m.meta) for m in summary["distributions"]],
        "posted": posted, "until": posted + datetime.timedelta(days=POSTING_DAYS),
        "issued": posted,
        "assets": summary,
    }


def fund_order(master, code: str) -> tuple:
    """A fund's place in a table of funds: by its level (`accounts.level_rank`), then code."""
    fund = master.funds.get(code)
    return (level_rank(fund.level if fund else ""), code)


def notice_pdf(books, quarter_label: str, village: str, poster: bool = False,
               posted: datetime.date | None = None) -> bytes:
    """The village's notice for the quarter ("2024Q3") or month ("2024-07"), A4, or A3 when
    `poster`."""
    return render.pdf_of(notice_html(books, quarter_label, village, poster, posted))


def notice_html(books, quarter_label: str, village: str, poster: bool = False,
                posted: datetime.date | None = None) -> str:
    """The HTML `notice_pdf` renders."""
    period = notice_period(quarter_label)
    context = notice_context(books, period, village, posted)
    title = f"{context['village'].name}{period.label}衔接资金和项目公告公示"
    return render.html("village.html", books, title=title, header=title,
                       issuer=f"{context['village'].name}村民委员会",
                       page_size="A3" if poster else "A4", **context)


def village_codes(books) -> list[str]:
    return sorted(books.master.villages)

