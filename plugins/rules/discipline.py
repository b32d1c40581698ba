"""Project discipline (项目管理): payments that break the project's approval, period, budget,
payment terms or classification. A project's payments are its `Expenses:Project:<code>`
postings plus the money moved for it into a unit's own account (`Assets:Held`, `project:`).

paid-before-approval (high)
    Paid before the project's approval date (`approved:`, 批复日期). One finding per project, on
    its first such payment, with the total paid before approval.
paid-after-end (medium)
    Paid more than `paid_after_end_days` after the project's end date (`end:`); the quality
    retention (stage or narration 质保金/质量保证金) is paid late by design and is exempt.
over-budget (high)
    The project's payments exceed its budget (`budget:`) by more than `over_budget_tolerance`
    (a share); reported on the payment that took it over.
excess-advance (medium)
    Advances (stage 预付款, or 预付 in the narration) paid before acceptance (`custom
    "acceptance"`) exceed `advance_share` of the budget (the limit rounded up to the yuan).
func-code-mismatch (medium)
    A payment's function code (`func_code:`, from the treasury voucher) differs from its
    fund's (`func_code:` on the fund's `open`).

Settings: paid_after_end_days (default 90), over_budget_tolerance (default 0), advance_share
(default 0.30, local 县级报账制 rules).
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from collections import defaultdict
from decimal import ROUND_CEILING, Decimal

from fundtrail import findings
from fundtrail.flows import ZERO, amount_of, date_of
from fundtrail.plugins.rules._naming import entry_key
from fundtrail.plugins.rules.negative_list import ADVANCE, works_read
from fundtrail.plugins.settings import DAYS, SHARE, Setting

SETTINGS = (
    Setting("paid_after_end_days", DAYS, 90, "项目期满后仍可付款的天数"),
    Setting("over_budget_tolerance", SHARE, 0, "允许超出预算的比例"),
    Setting("advance_share", SHARE, 0.30, "验收前预付款占预算的最高比例", high=1),
)
RETENTION = ("质保金", "质量保证金")


def payments(ctx) -> dict[str, list]:
    """Project code -> its payment Flows in ledger order (spending and money held for it)."""

    def build():
        index = ctx.flows
        out = dict(index.spent_on)  # each in ledger order: shared until money held joins it
        held = set()
        for flow in index.passed_down:
            if flow.amount > 0 and flow.project:
                code = flow.project
                if code not in held:
                    held.add(code)
                    out[code] = list(out.get(code, ()))
                out[code].append(flow)
        for code in held:
            out[code].sort(key=date_of)
        return out

    return ctx.flows.memo("rules.project_payments", build)


def paid_projects(ctx, budgeted: bool = False) -> list[tuple]:
    """[(code, project, its payments)] for every library project that has payments (and a
    budget, when `budgeted`), by code."""
    def build():
        if budgeted:  # the same rows, those with a budget
            return [row for row in paid_projects(ctx) if row[1].budget]
        projects = ctx.master.projects
        paid = payments(ctx)
        return [(code, project, paid[code]) for code in sorted(paid)  # no pair kept to sort
                if (project := projects.get(code)) is not None]

    return ctx.memo(f"rules.paid_projects.{budgeted}", build)


def paid_total(ctx, code: str, flows) -> Decimal:
    """The sum of a project's payments: its spending's running total (shared with the rules that
    age and time spending) unless money held for it joined the list."""
    if flows is ctx.flows.spent_on.get(code):
        return ctx.flows.total("spent_on", code)
    return sum(map(amount_of, flows), ZERO)


def _is_stage(flow, stage_words, narration_words) -> bool:
    stage = flow.meta.get("stage")
    if stage:
        stage = str(stage)
        for word in stage_words:
            if word in stage:
                return True
    narration = flow.entry.narration
    if narration:
        for word in narration_words:
            if word in narration:
                return True
    return False


def paid_before_approval(ctx):
    for code, project, flows in paid_projects(ctx):
        approved = project.approved
        if not approved or flows[0].date >= approved:  # payments in date order
            continue
        early = [f for f in flows if f.date < approved and f.amount > 0]
        if early:
            amount = sum((f.amount for f in early), ZERO)
            yield findings.emit(
                "paid-before-approval", code, early[0].entry, amount=amount, links=(code,),
                code=code, name=project.name, approved=approved, count=len(early),
                first=early[0].date, days=(approved - early[0].date).days)


def paid_after_end(ctx):
    late_by = datetime.timedelta(days=ctx.settings["paid_after_end_days"])
    for code, project, flows in paid_projects(ctx):
        end = project.end
        if not end or flows[-1].date <= end + late_by:  # payments in date order
            continue
        for flow in flows[bisect_right(flows, end + late_by, key=date_of):]:
            if flow.amount > 0 and not _is_stage(flow, RETENTION, RETENTION):
                yield findings.emit(
                    "paid-after-end", entry_key(flow.entry), flow.entry, amount=flow.amount,
                    links=(code,), code=code, name=project.name, end=end, day=flow.date,
                    grace=late_by.days, days=(flow.date - end).days,
                    payee=flow.entry.payee or "收款人")


def over_budget(ctx):
    tolerance = ctx.settings["over_budget_tolerance"]
    for code, project, flows in paid_projects(ctx, budgeted=True):
        limit = project.budget * (1 + tolerance)
        if paid_total(ctx, code, flows) <= limit:
            continue
        total, crossing = ZERO, None
        for flow in flows:
            before, total = total, total + flow.amount
            if before <= limit < total:
                crossing = flow
        if total > limit and crossing:
            yield findings.emit(
                "over-budget", code, crossing.entry, amount=total - project.budget,
                links=(code,), code=code, name=project.name, budget=project.budget,
                paid=total, day=crossing.date)


def excess_advance(ctx):
    """A project whose payments are all household subsidies (no works flow, no money held for
    it) has no advance: its rows go unread. A project paid from its spending alone reads the
    advances the works' one walk noted (`works_read`); one with money held for it reads its
    payments."""
    share = ctx.settings["advance_share"]
    works_on, spent_on = ctx.flows.works_on, ctx.flows.spent_on
    advances = works_read(ctx)[1]
    for code, project, flows in paid_projects(ctx, budgeted=True):
        spent_only = flows is spent_on.get(code)
        if spent_only and code not in works_on:
            continue
        accepted = ctx.master.accepted.get(code)
        limit = None  # worked out at the project's first advance
        advanced = ZERO
        # the advances before acceptance, in date order
        for flow in (advances.get(code, ()) if spent_only else _advances(flows)):
            if accepted and flow.date >= accepted:
                break
            if limit is None:
                limit = (project.budget * share).quantize(Decimal(1), ROUND_CEILING)
            before, advanced = advanced, advanced + flow.amount
            if before <= limit < advanced:
                yield findings.emit(
                    "excess-advance", code, flow.entry, amount=advanced - limit, links=(code,),
                    code=code, name=project.name, advanced=advanced,
                    share=advanced / project.budget, limit_share=share, limit=limit)


def _advances(flows):
    """The advances among a project's payments: none of a household, each an advance by its
    stage, else its narration (`_is_stage`, its words written out; as `works_read` notes them)."""
    for flow in flows:
        if flow.person:
            continue
        stage = flow.meta.get("stage")
        if not (stage and ADVANCE in str(stage)):
            narration = flow.entry.narration
            if not (narration and ADVANCE in narration):
                continue
        yield flow


def func_code_mismatch(ctx):
    """The flows the works' one walk found with a code other than their fund's
    (`works_read`), one finding per entry and fund."""
    funds, seen = ctx.master.funds, defaultdict(set)
    for flow, code, fund, expected in works_read(ctx)[2]:
        if fund in seen[id(flow.entry)]:
            continue
        seen[id(flow.entry)].add(fund)
        yield findings.emit(
            "func-code-mismatch", f"{entry_key(flow.entry)}|{fund}", flow.entry,
            amount=flow.amount, links=(fund,), code=code, fund=fund,
            doc_no=funds[fund].doc_no, expected=expected, day=flow.date)


RULES = {"paid-before-approval": paid_before_approval, "paid-after-end": paid_after_end,
         "over-budget": over_budget, "excess-advance": excess_advance,
         "func-code-mismatch": func_code_mismatch}
