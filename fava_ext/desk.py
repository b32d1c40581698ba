"""The findings desk: filtering the findings, and turning a disposition form into a directive.

A disposition is `custom "finding" "<id>" "<status or step>" "<reason>"`, with `by:` (who) and an
optional `due:` (docs/ledger-model.md, fundtrail.workflow). The checks plugin reads these back
and sets each finding's status, reason and workflow trail on the next load.
"""

from __future__ import annotations

import collections
import datetime
import re

from beancount.core import data
from beancount.parser.grammar import ValueType

from fundtrail import catalogue, workflow
from fundtrail.fava_ext.listing import matches
from fundtrail.findings import SEVERITIES, STATUS_LABELS, STATUSES, Finding, is_closed
from fundtrail.ledgertext import refuse_controls

OPEN = "open"  # the filter value for findings without a disposition
FILTER_LABELS = {(status or OPEN): label for status, label in STATUS_LABELS.items()}
MAX_REASON = 500


class DispositionError(ValueError):
    """A disposition form that cannot be recorded; the message is Chinese only."""


def is_open(finding: Finding) -> bool:
    """Not settled: no disposition yet, or still under review (as the checks plugin counts it)."""
    return not is_closed(finding)


def status_key(finding: Finding) -> str:
    return finding.status or OPEN


def in_window(findings: list[Finding], start: datetime.date | None,
              end: datetime.date | None) -> list[Finding]:
    """Fava's time filter [start, end): the findings whose event falls in it, and earlier ones
    still open (as the audit report for a period lists them); later ones are left out."""
    return [f for f in findings
            if not f.date or ((end is None or f.date < end)
                              and (start is None or f.date >= start or not is_closed(f)))]


def period_findings(books, live: list[Finding], start: datetime.date,
                    end: datetime.date) -> list[Finding]:
    """The findings of the period [start, end) as its audit report and spreadsheet list them
    (fundtrail.periods: its own, earlier ones still open, those closed in it), each with its
    disposition as recorded now where the checks still find it (so a disposition recorded on
    the desk shows at once); one the checks no longer find is 已消除."""
    from fundtrail.findings import GONE
    from fundtrail.reports.facts import Period, finding_set

    last = end - datetime.timedelta(days=1)
    found = finding_set(books, Period(f"{start.isoformat()}至{last.isoformat()}", start, last))
    now = {f.id: f for f in live}

    def today(f: Finding) -> Finding:
        if f.id in now:
            return f._replace(status=now[f.id].status, reason=now[f.id].reason, trail=now[f.id].trail)
        if is_closed(f):
            return f
        return f._replace(status=GONE, reason=f"{last.isoformat()}以后检查已不再发现")
    return [today(f) for f in found.all]


def select(findings: list[Finding], severity="", status="", rule="", text="") -> list[Finding]:
    """The findings that pass every filter given, most severe and latest first."""
    rows = [f for f in findings
            if (not severity or f.severity == severity) and (not status or status_key(f) == status)
            and (not rule or f.rule == rule)
            and (not text or matches(text, f.id, f.message, f.title, " ".join(f.links)))]
    return sorted(rows, key=lambda f: (-SEVERITIES.index(f.severity),
                                       -(f.date or datetime.date.min).toordinal(), f.id))


def facets(findings: list[Finding]) -> dict[str, collections.Counter]:
    """How many findings have each severity, status and rule (for the filter links)."""
    return {"severity": collections.Counter(f.severity for f in findings),
            "status": collections.Counter(status_key(f) for f in findings),
            "rule": collections.Counter(f.rule for f in findings)}


def rule_titles(findings: list[Finding]) -> dict[str, str]:
    """The Chinese title of each rule among `findings`, by id, in title order."""
    titles = collections.defaultdict(set)  # a rule's variant may have its own title
    for f in findings:
        titles[f.rule].add(catalogue.rule(f.rule, f.variant).title)
    return dict(sorted({rule: "／".join(sorted(t)) for rule, t in titles.items()}.items(),
                       key=lambda kv: kv[1]))


# Characters that could carry markup or break the directive, as their full-width look-alikes:
# the text is then inert wherever it is shown, even where Fava renders it unescaped
INERT = str.maketrans({'"': "”", "\\": "＼", "<": "＜", ">": "＞", "&": "＆", "'": "’", "`": "｀"})


def inert(text: str, what: str = "文本") -> str:
    """Text a user writes into the books through the web, on one line and stored so it cannot
    carry markup; a text holding control or format characters (NUL, terminal escapes, bidi
    overrides) is refused (ledgertext.ControlCharacters, naming `what`), not cleaned."""
    text = re.sub(r"[\t\n\r ]+", " ", text or "")
    refuse_controls(text, what)
    return text.strip().translate(INERT)


def clean_reason(reason: str) -> str:
    """One line of inert text (no markup, no quote or backslash to break the directive)."""
    text = inert(reason, "处置理由")
    if not text:
        raise DispositionError("请填写处置理由")
    if len(text) > MAX_REASON:
        raise DispositionError(f"处置理由过长：最多 {MAX_REASON} 字，现为 {len(text)} 字")
    return text


def disposition_entry(finding_id: str, status: str, reason: str, date: datetime.date,
                      by: str = "", due: datetime.date | None = None) -> data.Custom:
    """The `custom "finding"` directive recording a disposition or a workflow step, checked;
    for 分派 the reason is the assignee."""
    if status not in STATUSES and status not in workflow.ACTIONS:
        raise DispositionError(f"无效的处置状态 {status!r}，应为"
                               f"{'、'.join([*STATUSES, *workflow.ACTIONS])}之一")
    if status == workflow.ASSIGN and not inert(reason, "责任人"):
        raise DispositionError("请填写责任人（角色或姓名）")
    meta = {key: value for key, value in (("by", inert(by, "用户名")[:100]), ("due", due)) if value}
    values = [ValueType(finding_id, str), ValueType(status, str),
              ValueType(clean_reason(reason), str)]
    return data.Custom(data.new_metadata("<fundtrail.fava_ext>", 0, meta), date, "finding", values)
