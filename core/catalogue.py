"""The rule catalogue: how each rule's findings are named, weighed, judged and worded.

`core/rules.toml` holds one table per rule id (the ids the checks plugin's rules emit):

    [holiday-payment]
    title = "节假日支付"                      # what people see instead of the id
    severity = "low"                          # default; a county overrides it (checks settings)
    message_en = "Payment on a rest day."     # for tooling only (check --json)
    condition = "{day}（{why}）向{payee}支付{amount}（{narration}）。"
    grouped = "..."                           # condition of a grouped finding (rows, count, total)
    cause = "..."   effect = "..."   recommendation = "..."
    [[holiday-payment.criteria]]
    document = "《...》（文号）"   article = "第X条"   text = "..."   local = false
    [holiday-payment.variants.weekend]       # optional: other wording / severity for one case
    condition = "..."

Templates are `str.format` strings over the finding's facts (what the rule passed to
`fundtrail.findings.emit`, plus amount, count, total, first, last for a group): a Decimal reads
as yuan (`1,234.00元`), a date as ISO, a list or tuple as an enumeration (`listing`: at most
six items, then how many in all, e.g. `QH2023-0001、…、QH2023-0006等1,061个`; the finding's links
keep every one); `{share:.1%}` formats as usual. A fact a template names
but the finding lacks renders as "—" (tests assert the demo's findings lack none).
`local = true` marks a criterion a county must confirm against its own documents
(docs/checks.md lists them); a county replaces a rule's criteria with the checks setting
`{'criteria': {'rule-id': '本县《…》第X条：…'}}`.
"""

from __future__ import annotations

import datetime
import functools
import string
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

PARTS = ("condition", "cause", "effect", "recommendation")


@dataclass(frozen=True)
class Criterion:
    document: str  # 《名称》（文号）
    article: str  # 第X条 (or "" for an analytic method)
    text: str  # what it requires
    local: bool = False  # a county must confirm (or replace) it

    def cite(self) -> str:
        return f"{self.document}{self.article}：{self.text}" if self.article else \
            f"{self.document}：{self.text}"


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: str
    message_en: str
    condition: str
    cause: str
    effect: str
    recommendation: str
    grouped: str = ""
    criteria: tuple[Criterion, ...] = ()
    variants: dict = field(default_factory=dict)

    def variant(self, name: str) -> Rule:
        """This rule with the fields its variant `name` overrides (itself for "" or unknown)."""
        changes = self.variants.get(name) if name else None
        if not changes:
            return self
        return Rule(**{**self.__dict__, **changes, "variants": {}})


_MISSING = "—"
LISTED = 6  # items a message enumerates before it says how many there are in all


def listing(items, limit: int = LISTED) -> str:
    """Items as a Chinese enumeration: all of them up to `limit`, else the first `limit` and
    the count (`A、B、…等1,061个`), so that no message grows with the books."""
    items = [str(item) for item in items]
    if len(items) <= limit:
        return "、".join(items) or _MISSING
    return f"{'、'.join(items[:limit])}等{len(items):,}个"


class _Facts(string.Formatter):
    def get_value(self, key, args, kwargs):
        return kwargs.get(key, _MISSING) if isinstance(key, str) else super().get_value(key, args, kwargs)

    def format_field(self, value, format_spec):
        if value is None or value is _MISSING:
            return _MISSING
        if not format_spec:
            if isinstance(value, Decimal):
                return f"{value:,.2f}元"
            if isinstance(value, datetime.date):
                return value.isoformat()
            if isinstance(value, (list, tuple)):
                return listing(value)
        return super().format_field(value, format_spec)


_FORMATTER = _Facts()


def fill(template: str, facts: dict) -> str:
    """`template` with the finding's facts (see the module docstring)."""
    return _FORMATTER.format(template, **facts)


def missing(template: str, facts: dict) -> list[str]:
    """The fact names `template` uses that `facts` lacks (for tests and the catalogue check)."""
    names = [name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template)
             if name]
    return [name for name in names if name not in facts]


def _criteria(items) -> tuple[Criterion, ...]:
    return tuple(Criterion(**item) for item in items or ())


@functools.cache
def rules() -> dict[str, Rule]:
    """Every rule of the catalogue by id (the `default` entry serves a rule not listed)."""
    raw = tomllib.loads((Path(__file__).parent / "rules.toml").read_text("utf-8"))
    out = {}
    for rule_id, text in raw.items():
        variants = {name: {k: (_criteria(v) if k == "criteria" else v) for k, v in fields.items()}
                    for name, fields in text.get("variants", {}).items()}
        out[rule_id] = Rule(id=rule_id, **{**{k: v for k, v in text.items()
                                               if k not in ("criteria", "variants")},
                                            "criteria": _criteria(text.get("criteria")),
                                            "variants": variants})
    return out


def rule(rule_id: str, variant: str = "") -> Rule:
    """The catalogue entry of `rule_id` (its `variant`), or the default entry for an unknown id."""
    known = rules()
    entry = known.get(rule_id, known["default"])
    if variant and variant not in entry.variants and variant in known["default"].variants:
        changes = known["default"].variants[variant]  # a variant every rule shares
        return Rule(**{**entry.__dict__, **changes, "variants": {}})
    return entry.variant(variant)


def title(rule_id: str) -> str:
    return rule(rule_id).title
