"""Spending progress (支出进度): money spent slower than time passes, and projects left open.

slow-spending (medium)
    序时进度 = months elapsed / 12 (counted in days, capped at 100%), judged at every quarter end
    in the first year after the money arrived: for a fund from its first receipt, the share of
    its receipts spent (postings whose `fund:` it is); for a project from its first allotment,
    the share of its allotments spent on `Expenses:Project:<code>`. A finding when the spent
    share trails 序时进度 by more than `progress_margin` (facets scope="fund"/"project" and
    quarter="2025Q3"). After the first year the unspent money is aged by idle-funds instead.
    Only funds of the fiscal levels in `progress_levels` are judged: donations and twinning
    money (社会捐赠, 帮扶单位) follow the donor's schedule, not the budget year.
overdue-project (medium)
    A project whose end date (`end:`) is more than `overdue_days` before the judging date with
    more than the quality retention (`retention_share` of the budget) not yet paid out: not
    finished when it has no `custom "acceptance"` (stage="acceptance"), not reimbursed when it
    has (stage="payment"). A project paid in full counts as finished (subsidy programmes
    have no 验收).

Settings: progress_margin (default 0.30 = 30 percentage points), progress_levels (default
中央/省级/市级/县级), overdue_days (default 30), retention_share (default 0.05); as_of (idle.py).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from fundtrail import findings
from fundtrail.plugins.rules._ledger import ZERO, ledger

SETTINGS = {"progress_margin": 0.30, "progress_levels": ("中央", "省级", "市级", "县级"),
            "overdue_days": 30, "retention_share": 0.05}
YEAR = 365


def quarter_ends(start: datetime.date, stop: datetime.date):
    """The quarter ends after `start` up to `stop`."""
    year, month = start.year, (start.month - 1) // 3 * 3 + 3
    while True:
        end = (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1))
        if end > stop:
            return
        if end > start:
            yield end
        year, month = (year + 1, 3) if month == 12 else (year, month + 3)


def totals_at(flows, dates):
    """The sum of the flows' amounts up to and including each date (flows in date order)."""
    out, total, i = [], ZERO, 0
    for day in dates:
        while i < len(flows) and flows[i].date <= day:
            total += flows[i].amount
            i += 1
        out.append(total)
    return out


def _behind(ctx, scope, code, inflows, spent, label):
    index = ledger(ctx)
    margin = Decimal(str(ctx.settings["progress_margin"]))
    start = inflows[0].date
    days = list(quarter_ends(start, min(index.as_of, start + datetime.timedelta(days=YEAR))))
    for day, got, used in zip(days, totals_at(inflows, days), totals_at(spent, days), strict=True):
        if got <= 0:
            continue
        due = min(Decimal(1), Decimal((day - start).days) / YEAR)
        share = used / got
        if due - share > margin:
            quarter = f"{day.year}Q{(day.month - 1) // 3 + 1}"
            yield findings.emit(
                "slow-spending", f"{scope}|{code}|{quarter}", inflows[0].entry,
                amount=got - used, links=(code,), date=day,
                facets={"scope": scope, "quarter": quarter}, what=label, as_of=day, used=used,
                share=share, due=due, margin=margin, start=start, got=got)


def slow_spending(ctx):
    index = ledger(ctx)
    levels = set(ctx.settings["progress_levels"])
    for code in sorted(index.received):
        fund = ctx.master.funds.get(code)
        if fund and fund.level in levels:
            yield from _behind(ctx, "fund", code, index.received[code],
                               index.fund_spent.get(code, []), f"资金{code}（{fund.doc_no}）")
    for code in sorted(index.project_in):
        project = ctx.master.projects.get(code)
        fund = ctx.master.funds.get(project.meta.get("fund", "")) if project else None
        if project and (fund is None or fund.level in levels):
            yield from _behind(ctx, "project", code, index.project_in[code],
                               index.project_spent.get(code, []), f"项目{code}（{project.name}）")


def overdue_project(ctx):
    index = ledger(ctx)
    grace = datetime.timedelta(days=ctx.settings["overdue_days"])
    retention = Decimal(str(ctx.settings["retention_share"]))
    for code, project in sorted(ctx.master.projects.items()):
        end = project.end
        if not end or end + grace >= index.as_of:
            continue
        spent = sum((f.amount for f in index.project_spent.get(code, [])), index.project_held[code])
        budget = project.budget or sum((f.amount for f in index.project_in.get(code, [])), ZERO)
        unpaid = budget - spent
        if unpaid <= budget * retention:
            continue
        accepted = ctx.master.accepted.get(code)
        flows = index.project_spent.get(code) or index.project_in.get(code)
        entry = flows[-1].entry if flows else ctx.master.accounts[project.account]
        stage = "payment" if accepted else "acceptance"
        yield findings.emit(
            "overdue-project", f"{code}|{stage}", entry, amount=unpaid, links=(code,),
            date=end + grace + datetime.timedelta(days=1),
            variant="payment" if accepted else "", facets={"stage": stage}, code=code,
            name=project.name, end=end, days=(index.as_of - end).days, accepted=accepted,
            spent=spent, retention=retention)


RULES = {"slow-spending": slow_spending, "overdue-project": overdue_project}
