"""Findings: what a check reports, shaped as a beancount error so bean-check and Fava show it.

A finding carries a stable id (a hash of its rule and the key the rule names it by, so the
same anomaly gets the same id on every load and across unrelated edits), a severity, a Chinese
message, the amount at stake and the links of the entries it concerns.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from typing import NamedTuple

from fundtrail.ledgertext import quote

SEVERITIES = ("low", "medium", "high", "critical")
SEVERITY_LABELS = {"low": "低", "medium": "中", "high": "高", "critical": "严重"}


def severity_rank(severity: str) -> int:
    if severity not in SEVERITIES:
        raise ValueError(f"未知的严重程度 unknown severity {severity!r}; one of {SEVERITIES}")
    return SEVERITIES.index(severity)


class Finding(NamedTuple):
    source: dict  # beancount error protocol: filename / lineno of the entry
    message: str
    entry: object
    rule: str
    severity: str
    id: str
    date: datetime.date | None
    amount: Decimal | None
    links: tuple[str, ...]
    facets: tuple[tuple[str, str], ...] = ()  # what the rule names it by: scope, band, stage...
    status: str = ""  # the auditor's disposition (custom "finding"), "" while open
    reason: str = ""

    def as_json(self) -> dict:
        return {
            "id": self.id, "rule": self.rule, "severity": self.severity,
            "message": self.message, "date": self.date.isoformat() if self.date else None,
            "amount": str(self.amount) if self.amount is not None else None,
            "links": list(self.links), "filename": self.source.get("filename"),
            "lineno": self.source.get("lineno"), "facets": dict(self.facets), "status": self.status, "reason": self.reason,
        }


def finding_id(rule: str, key: str) -> str:
    return "F-" + hashlib.sha1(f"{rule}\x1f{key}".encode()).hexdigest()[:10]


def make(rule: str, severity: str, key: str, message: str, entry, amount=None,
         links=(), **facets: str) -> Finding:
    """A finding of `rule`, id'd by `key` (which must not change when unrelated entries do).

    `facets` say which instance it is where one entry can carry several findings of a rule,
    e.g. scope="370405105" (a town) or scope="county", band="2y", stage="plan"."""
    meta = getattr(entry, "meta", None) or {}
    source = {"filename": meta.get("filename", "<fundtrail>"), "lineno": meta.get("lineno", 0)}
    links = tuple(sorted(set(links) | set(getattr(entry, "links", None) or ())))
    return Finding(source, f"[{rule}] {message}", entry, rule, severity, finding_id(rule, key),
                   getattr(entry, "date", None), amount, links,
                   tuple(sorted((k, str(v)) for k, v in facets.items())))


# -- dispositions: an auditor's decision on a finding, recorded in the ledger ----------------
# `custom "finding" "<id>" "<status>" "<reason>"`. The status is stored in its Chinese form.
STATUSES = {"核实中": "under-review", "误报": "false-positive", "已整改": "resolved"}  # form order
CLOSED = frozenset({"误报", "已整改"})  # these stop failing the check; 核实中 still fails
_STATUS_ALIASES = {**{s: s for s in STATUSES}, **{en: zh for zh, en in STATUSES.items()},
                   "false positive": "误报", "under review": "核实中"}


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


def _quote(text: str) -> str:
    return quote(str(text).replace("\n", " "))


def disposition_directive(id: str, status: str, reason: str,
                          date: datetime.date | None = None) -> str:
    """The ledger line recording an auditor's decision on finding `id`, ready to append to a file:

        2025-03-01 custom "finding" "F-1a2b3c4d5e" "误报" "同一合同两期进度款金额相同"
    """
    if not str(id).startswith("F-"):
        raise ValueError(f"不是疑点编号 not a finding id: {id!r}")
    if not str(reason).strip():
        raise ValueError("处置须注明理由 a disposition needs a reason")
    day = date or datetime.date.today()
    return (f"{day.isoformat()} custom \"finding\" {_quote(id)} {_quote(normalize_status(status))}"
            f" {_quote(reason.strip())}\n")
