"""The findings desk's workflow: each person's queue, what is overdue, who may record which step,
and the per-rule false-alarm share (fundtrail.workflow holds the model).

Who acts on a step: the accountant (会计) assigns a finding and records 溯源 and 整改, the auditor
(审计) records 复核; both may record a status (误报 / 已整改 / 核实中) as before. Without the login
layer there is no role and every action is offered.
"""

from __future__ import annotations

import collections
import datetime

from fundtrail import workflow
from fundtrail.findings import STATUSES, Finding, is_closed

ROLE_ACTIONS = {"accountant": (workflow.ASSIGN, "溯源", "整改"), "auditor": ("复核",)}
UNASSIGNED = "（未分派）"


def actions_for(role: str | None) -> tuple[str, ...]:
    """The workflow actions a role may record (every one without a role)."""
    if role is None:
        return (workflow.ASSIGN, *workflow.STEPS)
    return ROLE_ACTIONS.get(role, ())


def may_record(role: str | None, action: str) -> bool:
    return action in STATUSES or action in actions_for(role)


def open_in_workflow(f: Finding) -> bool:
    return f.trail is not None and f.trail.current is not None


def waits_for(f: Finding, user: str | None, role: str | None) -> bool:
    """The finding's current step is this user's (fundtrail.workflow.Trail.waits_for)."""
    return f.trail is not None and f.trail.waits_for(user, role)


def is_overdue(f: Finding) -> bool:
    return f.trail is not None and f.trail.overdue is not None


def assignee_of(f: Finding) -> str:
    return f.trail.assignee if f.trail is not None and f.trail.assignee else UNASSIGNED


def select(found: list[Finding], assignee: str = "", queue: str = "", user: str | None = None,
           role: str | None = None) -> list[Finding]:
    """The findings of one assignee (`assignee`), or of a queue: "mine" (waiting for this
    user), "overdue" (a step past due), "unassigned" (open and never assigned)."""
    rows = found
    if assignee:
        rows = [f for f in rows if assignee_of(f) == assignee and not is_closed(f)]
    if queue == "mine":
        rows = [f for f in rows if waits_for(f, user, role)]
    elif queue == "overdue":
        rows = [f for f in rows if is_overdue(f)]
    elif queue == "unassigned":
        rows = [f for f in rows if not is_closed(f) and (f.trail is None or not f.trail.assignee)]
    return rows


def counts(found: list[Finding], user: str | None, role: str | None) -> dict[str, int]:
    return {"mine": sum(waits_for(f, user, role) for f in found),
            "overdue": sum(is_overdue(f) for f in found),
            "unassigned": len(select(found, queue="unassigned"))}


def people(found: list[Finding]) -> list[tuple[str, int, int]]:
    """Each assignee with the findings still open in their name and how many are overdue."""
    load: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for f in found:
        if f.trail is not None and f.trail.assignee and not is_closed(f):
            load[f.trail.assignee][0] += 1
            load[f.trail.assignee][1] += is_overdue(f)
    return sorted(((name, n, late) for name, (n, late) in load.items()), key=lambda r: (-r[2], -r[1], r[0]))


def parse_due(text: str) -> datetime.date | None:
    """The optional due date of the form (YYYY-MM-DD); ValueError when it is not a date."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"期限应为日期（如 2025-03-31），收到的是 {text!r}") from None
