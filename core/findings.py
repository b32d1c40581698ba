"""Findings: what a check reports, and how people and machines read it.

A finding carries a stable id (a hash of its rule and the key the rule names it by, so the
same anomaly gets the same id on every load and across unrelated edits), a severity, the
facts the rule saw, its Chinese condition text, the amount at stake and the links of the
entries it concerns. Its title, default severity, criteria and five-element wording come from
the rule catalogue (`fundtrail.catalogue`, core/rules.toml); a rule only states facts:

    from fundtrail import findings

    def holiday_payment(ctx):
        for entry in ...:
            yield findings.emit(
                "holiday-payment", entry_key(entry), entry,   # rule id, stable key, evidence
                amount=paid,                                  # money at stake (Decimal) or None
                variant="weekend",                            # optional: a catalogue variant
                group=entry.payee,                            # optional: one finding per group
                day=entry.date, why="周末", payee=entry.payee, narration=entry.narration)

    # core/rules.toml
    [holiday-payment]
    title = "节假日支付"
    severity = "low"
    message_en = "Payment on a rest day."
    condition = "{day}（{why}）向{payee}支付{amount}（{narration}）。"
    grouped = "{first}至{last}的休息日向{payee}支付{count}笔，合计{total}。"
    cause = "..."
    ...

Findings are not ledger errors: `fundtrail check`, the findings desk and the reports list
them; the checks setting `ledger_errors_from` raises a chosen severity as a ledger error too
(`is_ledger_error` is the one test of a load's errors).
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from fundtrail import catalogue
from fundtrail.ledgertext import quote

SEVERITIES = ("low", "medium", "high", "critical")
SEVERITY_LABELS = {"low": "低", "medium": "中", "high": "高", "critical": "严重"}


def severity_rank(severity: str) -> int:
    if severity not in SEVERITIES:
        raise ValueError(f"未知的严重程度 unknown severity {severity!r}; one of {SEVERITIES}")
    return SEVERITIES.index(severity)


class Finding(NamedTuple):
    source: dict  # filename / lineno of the entry (beancount's error protocol)
    message: str  # the condition, in Chinese, built from the facts by the catalogue
    entry: object
    rule: str
    severity: str
    id: str
    date: datetime.date | None  # when the event happened (what a period selects on)
    amount: Decimal | None
    links: tuple[str, ...]
    facets: tuple[tuple[str, str], ...] = ()  # what the rule names it by: scope, band, stage...
    status: str = ""  # the auditor's disposition (custom "finding"), "" while open
    reason: str = ""
    facts: tuple[tuple[str, object], ...] = ()  # what the rule saw, for the templates
    variant: str = ""
    group: str = ""  # findings of a rule with the same group are one finding
    rows: tuple[dict, ...] = ()  # a grouped finding's evidence, one row per instance
    trail: object = None  # its disposition workflow (fundtrail.workflow.Trail), None without one

    @property
    def title(self) -> str:
        """The rule's title, or its variant's where the variant has its own (项目已验收未结算)."""
        return catalogue.rule(self.rule, self.variant).title

    @property
    def count(self) -> int:
        return len(self.rows) or 1

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    def five(self, criteria: dict | None = None) -> dict:
        """The five elements: criteria (cited), condition, cause, effect, recommendation.
        `criteria` is the county's override by rule id (checks setting `criteria`)."""
        rule = catalogue.rule(self.rule, self.variant)
        facts = dict(self.facts)
        own = (criteria or {}).get(self.rule)
        cited = [own] if isinstance(own, str) else list(own) if own else \
            [c.cite() for c in rule.criteria]
        return {"title": rule.title, "criteria": cited, "condition": self.message,
                **{part: catalogue.fill(getattr(rule, part), facts)
                   for part in ("cause", "effect", "recommendation")}}

    def as_json(self) -> dict:
        return {
            "id": self.id, "rule": self.rule, "title": self.title, "severity": self.severity,
            "message": self.message,
            "message_en": catalogue.rule(self.rule, self.variant).message_en,
            "date": self.date.isoformat() if self.date else None,
            "amount": str(self.amount) if self.amount is not None else None,
            "count": self.count, "links": list(self.links),
            "filename": self.source.get("filename"), "lineno": self.source.get("lineno"),
            "facets": dict(self.facets), "status": self.status or "open",
            "status_label": self.status_label, "reason": self.reason,
            "facts": {k: _plain(v) for k, v in self.facts},
            "rows": [{k: _plain(v) for k, v in row.items()} for row in self.rows],
            "workflow": self.trail.as_json() if self.trail is not None else None,
        }


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value if isinstance(value, (int, float, str, type(None))) else str(value)


def finding_id(rule: str, key: str) -> str:
    return "F-" + hashlib.sha1(f"{rule}\x1f{key}".encode()).hexdigest()[:10]


def emit(rule: str, key: str, entry, *, amount: Decimal | None = None, links=(),
         date: datetime.date | None = None, variant: str = "", group: str = "",
         facets: dict | None = None, **facts) -> Finding:
    """A finding of `rule` about `entry`, id'd by `key` (which must not change when unrelated
    entries do); its message is the catalogue's condition filled with `facts` and `amount`.

    `date` is when the event happened (default the entry's date). `variant` picks a catalogue
    variant (its wording and severity). Findings of a rule with the same non-empty `group` become
    one finding (`group_findings`), id'd by the group. `facets` say which instance it is where
    one entry can carry several findings of a rule, e.g. {"scope": "county", "band": "2y"}."""
    text = catalogue.rule(rule, variant)
    meta = getattr(entry, "meta", None) or {}
    source = {"filename": meta.get("filename", "<fundtrail>"), "lineno": meta.get("lineno", 0)}
    links = tuple(sorted(set(links) | set(getattr(entry, "links", None) or ())))
    facts = {"amount": amount, **facts}
    return Finding(source, catalogue.fill(text.condition, facts), entry, rule, text.severity,
                   finding_id(rule, f"group|{group}" if group else key),
                   date or getattr(entry, "date", None), amount, links,
                   tuple(sorted((k, str(v)) for k, v in (facets or {}).items())),
                   facts=tuple(facts.items()), variant=variant, group=group)


def evidence_row(finding: Finding) -> dict:
    """One line of evidence: when, how much, which entries, which source file, sheet (of a
    workbook read sheet by sheet) and row."""
    meta = getattr(finding.entry, "meta", None) or {}
    return {"date": finding.date, "amount": finding.amount, "links": " ".join(finding.links),
            "source": Path(str(meta["source"])).name if meta.get("source") else "",
            "sheet": str(meta.get("sheet", "")), "row": str(meta.get("row", "")),
            "text": finding.message}


def with_county_severity(found: list[Finding], weights: dict) -> list[Finding]:
    """The findings with the county's severity per rule id or "rule-id:variant" (the checks'
    `severity` setting) over the catalogue's."""
    if not weights:
        return list(found)
    return [f._replace(severity=weights.get(f"{f.rule}:{f.variant}", weights.get(f.rule, f.severity)))
            for f in found]


def group_findings(found: list[Finding]) -> list[Finding]:
    """Findings that share a root cause (same rule and `group`) as one finding: the first
    instance's facts plus count, total, first and last date; every instance as a row."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    out: list[Finding] = []
    for f in found:
        if f.group:
            members = groups.setdefault((f.rule, f.group), [])
            if not members:
                out.append(f)  # the group's place in the order
            members.append(f)
        else:
            out.append(f)
    return [_merge(groups[(f.rule, f.group)]) if f.group else f for f in out]


def _merge(members: list[Finding]) -> Finding:
    first = members[0]
    if len(members) == 1:
        return first
    total = sum((m.amount or Decimal(0) for m in members), Decimal(0))
    days = [m.date for m in members if m.date]
    facts = {**dict(first.facts), "count": len(members), "total": total, "amount": total,
             "first": min(days) if days else None, "last": max(days) if days else None}
    text = catalogue.rule(first.rule, first.variant)
    template = text.grouped or text.condition
    return first._replace(
        message=catalogue.fill(template, facts), date=min(days) if days else first.date,
        amount=total if any(m.amount is not None for m in members) else None,
        links=tuple(sorted({link for m in members for link in m.links})),
        severity=max((m.severity for m in members), key=SEVERITIES.index),
        facts=tuple(facts.items()), rows=tuple(evidence_row(m) for m in members))


# -- statuses: open, or an auditor's decision recorded in the ledger --------------------------
# `custom "finding" "<id>" "<status>" "<reason>"`. The status is stored in its Chinese form.
STATUSES = {"核实中": "under-review", "误报": "false-positive", "已整改": "resolved"}  # form order
OPEN_LABEL = "未处置"  # a finding without a disposition ("" in Finding.status, "open" for machines)
GONE = "已消除"  # a period's report: an earlier finding the checks no longer find (core/periods.py)
CLOSED = frozenset({"误报", "已整改", GONE})  # these are settled; 核实中 is still open
STATUS_LABELS = {"": OPEN_LABEL, **{s: s for s in STATUSES}, GONE: GONE}
_STATUS_ALIASES = {**{s: s for s in STATUSES}, **{en: zh for zh, en in STATUSES.items()},
                   "false positive": "误报", "under review": "核实中"}


def status_label(status: str) -> str:
    """What people read for a status: 未处置 for an open finding, else the status itself."""
    return STATUS_LABELS.get(status or "", status)


def normalize_status(status: str) -> str:
    """误报 / 已整改 / 核实中 from the Chinese or English word; ValueError for anything else."""
    key = str(status).strip().lower().replace("_", "-")
    if key not in _STATUS_ALIASES:
        choices = ", ".join(f"{zh} ({en})" for zh, en in STATUSES.items())
        raise ValueError(f"未知的处置状态 unknown disposition status {status!r}; one of {choices}")
    return _STATUS_ALIASES[key]


def is_closed(finding: Finding) -> bool:
    """Disposed as false positive or resolved: still listed, no longer failing."""
    return finding.status in CLOSED


def is_ledger_error(error) -> bool:
    """Whether one of a load's errors means the books fail, as bean-check (exit 1) and Fava's
    error badge count them: every error beancount and the plugins report (a failed balance, a
    bad checks setting, a rule that failed, a malformed disposition, master data that could
    not be read, a broken seal), and a finding the checks raised because the county set
    `ledger_errors_from`. The checks raise open findings only: a finding closed as 误报 or 已整改
    never fails the books. Every command and export that asks "are the books in error" asks this."""
    return not (isinstance(error, Finding) and is_closed(error))


def _quote(text: str) -> str:
    return quote(str(text).replace("\n", " "))


def disposition_directive(id: str, status: str, reason: str,
                          date: datetime.date | None = None, by: str = "",
                          due: datetime.date | None = None) -> str:
    """The ledger line recording a decision on finding `id`, ready to append to a file:

        2025-03-01 custom "finding" "F-1a2b3c4d5e" "误报" "同一合同两期进度款金额相同"

    `status` is a status (误报 / 已整改 / 核实中), a workflow step (复核 / 溯源 / 整改) or 分派,
    whose text names the assignee (fundtrail.workflow); `by` who recorded it, `due` the due date
    of the step that follows (both optional, as metadata lines).
    """
    from fundtrail import workflow

    if not str(id).startswith("F-"):
        raise ValueError(f"不是疑点编号 not a finding id: {id!r}")
    if not str(reason).strip():
        raise ValueError("处置须注明理由 a disposition needs a reason")
    day = date or datetime.date.today()
    meta = ([f"  by: {_quote(by.strip())}\n"] if str(by).strip() else []) + \
        ([f"  due: {due.isoformat()}\n"] if due else [])
    return (f"{day.isoformat()} custom \"finding\" {_quote(id)} {_quote(workflow.normalize(status))}"
            f" {_quote(reason.strip())}\n" + "".join(meta))
