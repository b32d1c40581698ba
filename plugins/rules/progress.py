"""Spending progress (支出进度): money spent slower than time passes, and projects left open.

slow-spending (medium)
    Judged at every quarter end in the first year after the money arrived, against the share
    of that first year gone by (到位后时间进度 = days since the money arrived / 365, capped at
    100%: `share_of_first_year`). This is not 序时进度 (`fundtrail.flows.time_progress`, the
    share of the calendar year): money arriving in November is not due 11/12 spent at once.
    For a fund from its first receipt, the share of its receipts spent (its spending,
    `Flow.fund`); for a project from its first allotment, the share of its allotments spent on
    `Expenses:Project:<code>`. A finding when the spent share trails by more than
    `progress_margin` (facets scope="fund"/"project" and quarter="2025Q3"). After the first
    year the unspent money is aged by idle-funds instead.
    Only funds of the fiscal levels in `progress_levels` are judged: donations and twinning
    money (社会捐赠, 帮扶单位) follow the donor's schedule, not the budget year.
overdue-project (medium)
    A project whose end date (`end:`) is more than `overdue_days` before the judging date with
    more than the quality retention (`retention_share` of the budget) not yet paid out: not
    finished when it has no `custom "acceptance"` (stage="acceptance"), not reimbursed when it
    has (stage="payment"). A project paid in full counts as finished (subsidy programmes
    have no 验收). The criterion is `fundtrail.projects` (a project's status, 逾期未完工 /
    已验收未结算), which the Fava project pages and the reports show with the same settings.

Settings: progress_margin (default 0.30 = 30 percentage points), progress_levels (default
中央/省级/市级/县级), overdue_days (default 30), retention_share (default 0.05); the judging date is the checks' `as_of`.
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from decimal import Decimal

from fundtrail import findings, projects
from fundtrail.flows import ZERO, date_of
from fundtrail.periods import quarter_ends, quarter_label
from fundtrail.plugins.settings import DAYS, LEVELS, SHARE, Setting

SETTINGS = (
    Setting("progress_margin", SHARE, 0.30, "支出进度可落后于序时进度的幅度", high=1),
    Setting("progress_levels", LEVELS, ("中央", "省级", "市级", "县级"), "考核支出进度的资金级次"),
    Setting("overdue_days", DAYS, projects.OVERDUE_DAYS, "项目期满后仍未完工即为逾期的天数"),
    Setting("retention_share", SHARE, projects.RETENTION_SHARE, "质保金占预算的比例", high=1),
)
YEAR = 365


_ONE, _YEAR = Decimal(1), Decimal(YEAR)


def share_of_first_year(start: datetime.date, day: datetime.date) -> Decimal:
    """到位后时间进度: the share of the first year since the money arrived on `start` gone by at
    `day`, days elapsed / 365, at most 1. What slow-spending judges the spent share against."""
    return min(_ONE, Decimal((day - start).days) / _YEAR)


def _judged(start: datetime.date, as_of: datetime.date) -> list[tuple[datetime.date, Decimal]]:
    """(quarter end, share due by then) of the first year after `start`, up to `as_of`."""
    days = quarter_ends(start, min(as_of, start + datetime.timedelta(days=YEAR)))
    return [(day, share_of_first_year(start, day)) for day in days]


def trailing(inflows, spent, sums, judged, margin):
    """[(day, due, got, used)] at each judged (day, due) where the money received by then (got)
    is positive and the share spent (used / got) trails `due` by more than `margin`. The flows
    are in date order: one walk through the inflows, and through the spending by each day (a
    project's few rows), or for a long list (a fund's spending runs to tens of thousands of
    rows) the spending by each day read off its running sums `sums` (a `FlowIndex.running`
    lookup's list; None for a short list) at the day's end, found by bisection."""
    rows, got, used, i, j = [], ZERO, ZERO, 0, 0
    received, paid = len(inflows), len(spent)
    for day, due in judged:
        while i < received and inflows[i].date <= day:
            got += inflows[i].amount
            i += 1
        if paid > _SHORT:
            used = sums[bisect_right(spent, day, key=date_of)]
        else:
            while j < paid and spent[j].date <= day:
                used += spent[j].amount
                j += 1
        if got > 0 and due - used / got > margin:
            rows.append((day, due, got, used))
    return rows


_SHORT = 16  # a list this long or shorter is walked, not bisected (no running sums made)


def slow_spending(ctx):
    index, funds, projects = ctx.flows, ctx.master.funds, ctx.master.projects
    levels = set(ctx.settings["progress_levels"])
    margin, judged = ctx.settings["progress_margin"], {}

    def behind(inflows, spending, sums, code):
        """The trailing rows of one fund's or project's money, judged at the quarter ends of the
        first year after it arrived."""
        start = inflows[0].date
        days = judged.get(start)
        if days is None:  # money of many projects arrives on the same days
            days = judged[start] = _judged(start, ctx.as_of)
        spent = spending.get(code, ())
        return trailing(inflows, spent, sums[code] if len(spent) > _SHORT else None, days, margin)

    def report(scope, code, inflows, rows, label):
        start = inflows[0].date
        for day, due, got, used in rows:
            quarter = quarter_label(day)
            yield findings.emit(
                "slow-spending", f"{scope}|{code}|{quarter}", inflows[0].entry,
                amount=got - used, links=(code,), date=day,
                facets={"scope": scope, "quarter": quarter}, what=label, as_of=day, used=used,
                share=used / got, due=due, margin=margin, start=start, got=got)

    spending, sums = index.spent_by_fund, index.running("spent_by_fund")
    for code in sorted(index.receipts):
        fund = funds.get(code)
        if fund and fund.level in levels:
            inflows = index.receipts[code]
            rows = behind(inflows, spending, sums, code)
            if rows:
                yield from report("fund", code, inflows, rows, f"资金{code}（{fund.doc_no}）")
    spending, sums = index.spent_on, index.running("spent_on")
    # the funds of a level not judged: a project's fund (its metadata, read per project) is
    # looked up only when there are such funds (a project without a known fund is judged)
    unjudged = {code for code, fund in funds.items() if fund.level not in levels}
    for code in sorted(index.allotted_to):
        project = projects.get(code)
        if project is not None and not (unjudged and project.meta.get("fund", "") in unjudged):
            inflows = index.allotted_to[code]
            rows = behind(inflows, spending, sums, code)
            if rows:
                yield from report("project", code, inflows, rows, f"项目{code}（{project.name}）")


def overdue_project(ctx):
    """The projects overdue at `as_of` by `fundtrail.projects.standing` (`overdue_at`): the
    one definition of a project's status, which Fava and the reports show too."""
    index, as_of, master = ctx.flows, ctx.as_of, ctx.master
    retention = ctx.settings["retention_share"]
    for code, judged in projects.overdue_at(index, master, as_of, ctx.settings):
        project = master.projects[code]
        due = projects.overdue_from(project, ctx.settings)
        flows = index.spent_on.get(code) or index.allotted_to.get(code)
        entry = flows[-1].entry if flows else master.accounts[project.account]
        accepted = judged.accepted
        yield findings.emit(
            "overdue-project", f"{code}|{judged.stage}", entry, amount=judged.unpaid, links=(code,),
            date=due, variant="payment" if accepted else "", facets={"stage": judged.stage},
            code=code, name=project.name, end=project.end, days=(as_of - project.end).days,
            accepted=accepted, spent=judged.paid, retention=retention)


RULES = {"slow-spending": slow_spending, "overdue-project": overdue_project}
