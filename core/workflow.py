"""The disposition workflow: a finding assigned to a role or a person, taken through the steps
复核 (review) → 溯源 (trace) → 整改 (rectify), each with who, when and a due date.

Everything is a `custom "finding"` directive in the ledger, one per decision or step:

    2025-03-01 custom "finding" "F-1a2b3c4d5e" "分派" "王会计"        ; assigned to a person or a role
      by: "张会计"                                                   ; who recorded it (optional)
      due: 2025-03-03                                                ; optional: the next step's due date
    2025-03-03 custom "finding" "F-1a2b3c4d5e" "复核" "属实，已调取国库支付记录"
      by: "李审计"
    2025-03-10 custom "finding" "F-1a2b3c4d5e" "溯源" "经办人重复提交支付申请"
    2025-04-02 custom "finding" "F-1a2b3c4d5e" "整改" "已追回重复支付款"
    2025-03-01 custom "finding" "F-7a4b8e74c9" "误报" "经审批的应急抢修付款"   ; the three statuses
                                                                          ; read as they always did

The second value is a step (复核 / 溯源 / 整改), 分派 (its text names the assignee), or one of the
statuses 误报 / 已整改 / 核实中 (fundtrail.findings). The latest directive of a finding sets its
status: 误报 and 已整改 close it; 分派, 复核, 溯源 and 核实中 leave it open (核实中); 整改 closes
it as 已整改. A ledger with only the three statuses reads as before.

Due dates: each step is due a number of calendar days after its clock starts: the first
分派 for 复核 (a finding is known only once the books hold it, often long after the event it
concerns, so the clock starts when it is assigned, not at the event), the previous step's
completion for 溯源 and 整改. The days depend on the finding's severity (`DUE_DAYS`, the county's
checks setting `disposition_due_days`); a `due:` on a directive sets the due date of the step
that is next after it. A step still open after its due date is overdue: the checks plugin
reports it as a finding of its own (`disposition-overdue`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from fundtrail import catalogue
from fundtrail.findings import CLOSED, GONE, STATUSES, normalize_status

ASSIGN = "分派"
STEPS = ("复核", "溯源", "整改")
ACTIONS = {ASSIGN: "assign", "复核": "review", "溯源": "trace", "整改": "rectify"}
_ACTION_ALIASES = {**{a: a for a in ACTIONS}, **{en: zh for zh, en in ACTIONS.items()}}
STEP_ROLE = {"复核": "auditor", "溯源": "accountant", "整改": "accountant"}  # who does each step
ROLE_LABELS = {"accountant": "会计", "auditor": "审计"}
# calendar days per step (复核, 溯源, 整改) by severity; a county's `disposition_due_days` overrides
DUE_DAYS = {"critical": (3, 10, 30), "high": (5, 15, 45), "medium": (10, 30, 60),
            "low": (15, 30, 90)}


def normalize(word: str) -> str:
    """The Chinese word of a step, 分派 or a status, from Chinese or English; ValueError else."""
    key = str(word).strip().lower().replace("_", "-")
    if key in _ACTION_ALIASES:
        return _ACTION_ALIASES[key]
    try:
        return normalize_status(word)
    except ValueError:
        choices = "、".join([*ACTIONS, *STATUSES])
        raise ValueError(f"未知的处置 {word!r}，应为{choices}之一") from None


def role_of(assignee: str) -> str | None:
    """The role an assignee names (会计 / accountant, 审计 / auditor), None for a person."""
    text = str(assignee).strip()
    for role, label in ROLE_LABELS.items():
        if text in (role, label):
            return role
    return None


@dataclass(frozen=True, slots=True)
class Event:
    """One `custom "finding"` directive: its date, word (step, 分派 or status), text and who."""

    date: datetime.date
    action: str
    text: str
    by: str
    due: datetime.date | None
    entry: object = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Step:
    name: str  # 复核 / 溯源 / 整改
    start: datetime.date | None  # when its clock started (None: not started)
    due: datetime.date | None
    done: datetime.date | None = None
    by: str = ""
    note: str = ""
    late: int = 0  # days past due: at completion, or at the judging date while open

    @property
    def role(self) -> str:
        return STEP_ROLE[self.name]

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    def as_json(self) -> dict:
        return {"step": self.name, "start": _iso(self.start), "due": _iso(self.due),
                "done": _iso(self.done), "by": self.by, "note": self.note, "late_days": self.late}


@dataclass(frozen=True, slots=True)
class Trail:
    """A finding's way through the workflow, judged at `judged`."""

    finding: str
    severity: str
    events: tuple[Event, ...]
    steps: tuple[Step, ...]
    status: str  # "" open, or a status of fundtrail.findings
    reason: str
    assignee: str = ""
    assigned: datetime.date | None = None
    assigned_by: str = ""
    judged: datetime.date | None = None

    @property
    def closed(self) -> bool:
        return self.status in CLOSED

    @property
    def current(self) -> Step | None:
        """The next step to do; None when the finding is closed or every step is done."""
        if self.closed:
            return None
        return next((s for s in self.steps if s.done is None), None)

    @property
    def overdue(self) -> Step | None:
        """The current step when it is past its due date at the judging date."""
        step = self.current
        return step if step and step.late > 0 else None

    def waits_for(self, user: str | None, role: str | None) -> bool:
        """Whether the current step is this user's to do: a 复核 waits for every auditor; 溯源
        and 整改 wait for the assignee (by name, or any user of the role it names)."""
        step = self.current
        if step is None or (role and step.role != role):
            return False
        if step.name == "复核":
            return True
        return bool(self.assignee) and (self.assignee == user or role_of(self.assignee) == role)

    def as_json(self) -> dict:
        return {"assignee": self.assignee, "assigned": _iso(self.assigned),
                "assigned_by": self.assigned_by, "current": self.current.name if self.current else None,
                "overdue": bool(self.overdue), "steps": [s.as_json() for s in self.steps],
                "events": [{"date": e.date.isoformat(), "action": e.action, "text": e.text,
                            "by": e.by} for e in self.events]}


def _iso(day):
    return day.isoformat() if day else None


def read(directives) -> tuple[dict[str, list[Event]], list[tuple[object, str]]]:
    """The events of each finding id from `custom "finding"` directives (in ledger order), and
    (directive, message) for each one that is malformed."""
    events: dict[str, list[Event]] = {}
    problems = []
    for entry in directives:
        values = [str(v.value) for v in entry.values or ()]
        try:
            if len(values) < 3 or not values[2].strip():
                raise ValueError('处置应写为 custom "finding" "<疑点编号>" "<状态或步骤>" "<理由>"，'
                                 + ("理由不能为空" if len(values) >= 3 else
                                    f"实际只写了 {len(values)} 个值（缺少" + "、".join(
                                        ("疑点编号", "状态或步骤", "理由")[len(values):]) + "）"))
            action = normalize(values[1])
            meta = entry.meta or {}
            due = meta.get("due")
            if due is not None and not isinstance(due, datetime.date):
                raise ValueError(f"处置的期限 due 应为日期（如 2025-03-31，不加引号），实际为 {due!r}")
        except ValueError as error:
            problems.append((entry, str(error)))
            continue
        events.setdefault(values[0], []).append(
            Event(entry.date, action, values[2].strip(), str(meta.get("by") or "").strip(), due, entry))
    return events, problems


def due_table(setting) -> dict[str, tuple[int, ...]]:
    """The days per step and severity: the defaults with the county's setting over them
    ({'critical': [2, 7, 20], ...}); ValueError naming what does not fit."""
    table = dict(DUE_DAYS)
    for severity, days in dict(setting or {}).items():
        if severity not in DUE_DAYS:
            raise ValueError(f"未知的严重程度 {severity!r}，应为 {'、'.join(DUE_DAYS)} 之一")
        if not isinstance(days, (list, tuple)) or len(days) != len(STEPS) or \
                not all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in days):
            raise ValueError(f"严重程度 {severity!r} 的期限应为{len(STEPS)}个正整数天数"
                             f"（{'、'.join(STEPS)}），实际为 {days!r}")
        table[severity] = tuple(days)
    return table


def status_of(events: list[Event]) -> tuple[str, str]:
    """(status, reason) after the latest event: a status as written; 整改 is 已整改; 分派, 复核
    and 溯源 leave the finding under review (核实中)."""
    last = events[-1]
    if last.action in STATUSES:
        return last.action, last.text
    if last.action == "整改":
        return "已整改", last.text
    if last.action == ASSIGN:
        return "核实中", f"已分派给{last.text}"
    return "核实中", f"{last.action}：{last.text}"


def trail(finding_id: str, severity: str, events: list[Event], days: dict | None,
          judged: datetime.date) -> tuple[Trail, list[tuple[object, str]]]:
    """The trail of one finding from its events; (directive, message) for a step recorded
    before the step it follows. `days` None: no due dates (a finding about an overdue step)."""
    problems = []
    status, reason = status_of(events)
    assignee, assigned, assigned_by = "", None, ""
    done: dict[str, Event] = {}
    set_due: dict[str, datetime.date] = {}
    for event in events:
        if event.action == ASSIGN:
            assignee = event.text
            if assigned is None:
                assigned, assigned_by = event.date, event.by
        elif event.action in STEPS:
            index = STEPS.index(event.action)
            if index and STEPS[index - 1] not in done:
                problems.append((event.entry, f"疑点{finding_id}的{event.action}须在"
                                 f"{STEPS[index - 1]}完成之后记录，此前没有{STEPS[index - 1]}的记录"))
                continue
            done.setdefault(event.action, event)
        if event.due:
            following = next((s for s in STEPS if s not in done), None)
            if following:
                set_due[following] = event.due
    steps, start = [], assigned
    for index, name in enumerate(STEPS):
        due = set_due.get(name) or (start + datetime.timedelta(days=days[severity][index])
                                    if start and days else None)
        finished = done.get(name)
        end = finished.date if finished else judged
        late = max(0, (end - due).days) if due else 0
        if finished:
            steps.append(Step(name, start, due, finished.date, finished.by, finished.text, late))
        else:
            steps.append(Step(name, start, due, late=0 if status in CLOSED else late))
        start = finished.date if finished else None
    return Trail(finding_id, severity, tuple(events), tuple(steps), status, reason, assignee,
                 assigned, assigned_by, judged), problems


# -- what the findings' dispositions say about the rules: the false-alarm share -----------------
@dataclass(frozen=True)
class RuleShare:
    rule: str
    title: str  # the variant's title where the variant has its own (项目已验收未结算)
    found: int
    false_alarms: int  # closed as 误报
    resolved: int  # closed as 已整改
    open: int  # no disposition, or 核实中
    gone: int = 0  # 已消除: an earlier finding the checks no longer find (core/periods.py)
    variant: str = ""

    @property
    def share(self) -> Decimal | None:
        """误报 / found, as a Decimal fraction (None without findings)."""
        return (Decimal(self.false_alarms) / Decimal(self.found)) if self.found else None

    @property
    def share_text(self) -> str:
        share = self.share
        return "—" if share is None else f"{(share * 100).quantize(Decimal('0.1'))}%"


def false_alarms(found) -> list[RuleShare]:
    """Per rule and variant (a variant with its own title is a row of its own): findings, closed
    as 误报, closed as 已整改, no longer found (已消除), still open; highest share first."""
    counts: dict[tuple[str, str], list[int]] = {}
    titles: dict[tuple[str, str], str] = {}
    for f in found:
        title = f.title
        key = (f.rule, f.variant if title != catalogue.title(f.rule) else "")
        titles.setdefault(key, title)
        row = counts.setdefault(key, [0, 0, 0, 0, 0])
        row[0] += 1
        row[{"误报": 1, "已整改": 2, GONE: 4}.get(f.status, 3)] += 1
    rows = [RuleShare(rule, titles[rule, variant], *row, variant=variant)
            for (rule, variant), row in counts.items()]
    return sorted(rows, key=lambda r: (-(r.share or 0), -r.found, r.title))
