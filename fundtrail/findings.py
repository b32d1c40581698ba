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
