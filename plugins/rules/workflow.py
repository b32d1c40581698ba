"""Dispositions as a workflow: a step of a finding's disposition still open after its due date
is a finding of its own.

    disposition-overdue  (medium; high when the finding is high or critical)
        a finding assigned for disposition (`custom "finding" "<id>" "分派" "<assignee>"`) whose
        current step (复核, 溯源 or 整改, fundtrail.workflow) is past its due date at the judging
        date. The due date is a number of calendar days after the step's clock started (the
        assignment for 复核, the previous step's completion for the others), by the finding's
        severity, or the `due:` date a directive set. The finding sits on the directive that
        started the clock, links the finding's entries, and is dated the day after the due date.
        It goes away when the step is recorded or the finding is closed (误报 / 已整改); a
        disposition of it stays valid after that. Findings of this rule have no due dates of
        their own.

The judging date is the `as_of` setting, else the later of the date the books are complete to
(`ctx.as_of`) and the latest `custom "finding"` directive: a step recorded on a day shows the
workflow was kept up to that day.

Settings:
    disposition_due_days  calendar days for 复核, 溯源, 整改 by severity (fundtrail.workflow.DUE_DAYS):
                          {'critical': (3, 10, 30), 'high': (5, 15, 45), 'medium': (10, 30, 60),
                           'low': (15, 30, 90)}; a county gives the severities it changes,
                          e.g. {'disposition_due_days': {'critical': [2, 7, 20]}}

This rule is judged on the other rules' findings with their dispositions, so the checks plugin
calls `disposed` where it applies the dispositions; as a rule of the catalogue (`RULES`) it
yields nothing by itself.
"""

from __future__ import annotations

import datetime

from fundtrail import findings, workflow
from fundtrail.findings import Finding
from fundtrail.plugins.rules.context import Context
from fundtrail.plugins.settings import Kind, Setting, Unfit

RULE = "disposition-overdue"


def _due_days(value) -> dict[str, tuple[int, ...]]:
    if not isinstance(value, dict):
        raise TypeError(type(value).__name__)
    try:
        return workflow.due_table(value)
    except ValueError as why:
        raise Unfit(str(why)) from None


DUE_DAYS = Kind("dict of severity: (days, days, days)",
                "严重程度到复核、溯源、整改天数的字典（如 {'critical': (2, 7, 20)}，未列的严重程度用默认值）",
                _due_days)
SETTINGS = (
    Setting("disposition_due_days", DUE_DAYS, workflow.DUE_DAYS,
            "疑点处置各环节期限：严重程度对应复核、溯源、整改的自然日数"),
)


def disposition_overdue(ctx) -> list[Finding]:
    """Judged after the other rules (see the module doc and `disposed`)."""
    return []


RULES = {RULE: disposition_overdue}


def judging_date(ctx: Context, directives) -> datetime.date:
    if ctx.settings.get("as_of"):
        return ctx.as_of
    return max([ctx.as_of, *(d.date for d in directives)])


def overdue_id(finding_id: str, step: str) -> str:
    return findings.finding_id(RULE, f"{finding_id}|{step}")


def overdue(finding: Finding, trail: workflow.Trail) -> Finding | None:
    """The finding about `finding`'s overdue step, None when no step is overdue."""
    step = trail.overdue
    if step is None:
        return None
    index = workflow.STEPS.index(step.name)
    starter = workflow.STEPS[index - 1] if index else workflow.ASSIGN
    clock = next((e for e in trail.events if e.action == starter), trail.events[0]).entry
    serious = findings.severity_rank(finding.severity) >= findings.severity_rank("high")
    late = findings.emit(
        RULE, f"{finding.id}|{step.name}", clock, amount=finding.amount, links=finding.links,
        date=step.due + datetime.timedelta(days=1), variant="serious" if serious else "",
        finding=finding.id, title=finding.title, step=step.name, role=step.role_label,
        assignee=trail.assignee or "未分派", start=step.start, due=step.due, days=step.late,
        as_of=trail.judged, severity=findings.SEVERITY_LABELS[finding.severity])
    return late


def disposed(found: list[Finding], entries, settings: dict, complete: bool = True
             ) -> tuple[list[Finding], list[tuple[object, str]]]:
    """The findings with their status, reason and trail from the `custom "finding"`
    directives, the overdue steps as findings of their own, and (directive, message) for each
    directive that is malformed or names no finding (with `complete` false, an id no finding
    has is not an error: the rule that found it may have failed)."""
    ctx = Context(entries, settings)
    directives = ctx.flows.customs.get("finding", ())
    events, problems = workflow.read(directives)
    days = settings.get("disposition_due_days") or workflow.DUE_DAYS  # typed by the settings
    judged = judging_date(ctx, directives)

    def with_trails(items, due_days):
        out = []
        for f in items:
            if f.id not in events:
                out.append(f)
                continue
            trail, wrong = workflow.trail(f.id, f.severity, events[f.id], due_days, judged)
            problems.extend(wrong)
            out.append(f._replace(status=trail.status, reason=trail.reason, trail=trail))
        return out

    found = with_trails(found, days)
    late = [f for f in (overdue(f, f.trail) for f in found if f.trail is not None) if f]
    late = findings.with_county_severity(late, settings.get("severity") or {})
    late = with_trails(late, None)
    known = {f.id for f in found} | {f.id for f in late} | {
        overdue_id(f.id, step) for f in found if f.trail is not None for step in workflow.STEPS}
    for finding_id, items in events.items():
        if finding_id not in known and complete:
            problems.extend((e.entry, f"处置指向不存在的疑点 {finding_id}：本次检查没有这个编号的"
                                      "疑点，请核对编号")
                            for e in items)
    order = {id(d): n for n, d in enumerate(directives)}
    problems.sort(key=lambda p: order.get(id(p[0]), -1))
    every = found + late
    return sorted(every, key=lambda f: (f.date or datetime.date.min, f.rule, f.id)), problems
