"""Indexes the payment rules share, built once per load through `ctx.memo`.

A *payment* is money spent on a project: a posting into `Expenses:Project:<code>`, or a transfer
into an implementing unit's own account (`Assets:Held`, with `project:` metadata). The index keeps
a `Payment` for each payment to a contractor or of loan interest (`loan:`). Household subsidy
rows (一卡通, `id_no:` metadata), most of a county's entries, only count in the per-project
totals: the rules here judge them through the totals, and the beneficiary rules of families 6–7
read them on their own.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import NamedTuple

from beancount.core import data

from fundtrail import accounts as acc


class Payment(NamedTuple):
    entry: data.Transaction
    project: str
    amount: Decimal
    payee: str  # normalised (see payee_key)
    loan: str  # the loan id on interest subsidies, else ""


class Index(NamedTuple):
    payments: list[Payment]  # in date order, household rows left out
    totals: dict[str, list]  # project code -> [its first payment entry, all it paid]


# Legal-form words a payee's name may carry or drop from one source to the next.
_LEGAL_FORMS = re.compile(r"(股份有限公司|有限责任公司|有限公司|股份公司|集团|公司|分公司|专业合作社|合作社)$")
_NOISE = re.compile(r"[\s()（）\[\]【】·.,，、\-]")


def payee_key(name: str) -> str:
    """A payee's name reduced for matching: full-width folded, punctuation and legal form dropped.

    青禾建工有限公司, 青禾建工有限责任公司 and 青禾建工（有限公司） all become 青禾建工."""
    name = _NOISE.sub("", unicodedata.normalize("NFKC", name or ""))
    stripped = _LEGAL_FORMS.sub("", name)
    while stripped != name and stripped:
        name, stripped = stripped, _LEGAL_FORMS.sub("", stripped)
    return name


_UNSEEN = object()


def _project_of(account: str) -> str | None:
    """The project code of a project account, "" for a unit's own account (named by metadata),
    None for any other account."""
    if account.startswith(acc.PROJECT + ":"):
        return acc.leaf(account)
    return "" if account.startswith(acc.HELD + ":") else None


def _scan(transactions) -> Index:
    found, totals, append = [], {}, list.append
    kinds: dict[str, str | None] = {}  # account -> _project_of(account), worked out once each
    payees: dict[str, str] = {}  # raw payee -> payee_key
    for entry in transactions:
        for posting in entry.postings:
            account = posting.account
            project = kinds.get(account, _UNSEEN)
            if project is _UNSEEN:
                project = kinds[account] = _project_of(account)
            if project is None:
                continue
            number = posting.units.number
            if number is None or number <= 0:
                continue
            meta = posting.meta or {}
            if not project:  # money parked in a unit's account, named by its metadata
                project = str(meta.get("project") or "")
                if not project:
                    continue
            total = totals.get(project)
            if total is None:
                totals[project] = [entry, number]
            else:
                total[1] += number
            if "id_no" in meta:
                continue
            raw = entry.payee or ""
            payee = payees.get(raw)
            if payee is None:
                payee = payees[raw] = payee_key(raw)
            append(found, Payment(entry, project, number, payee, str(meta.get("loan") or "")))
    return Index(found, totals)


def _index(ctx) -> Index:
    return ctx.memo(f"{__name__}.index", lambda: _scan(ctx.transactions))


def payments(ctx) -> list[Payment]:
    """Every project payment but household subsidy rows, in date order."""
    return _index(ctx).payments


def contractor_payments(ctx) -> list[Payment]:
    """The payments to contractors: no household subsidy rows, no loan interest."""
    return ctx.memo(f"{__name__}.contractors", lambda: [p for p in payments(ctx) if not p.loan])


def project_totals(ctx) -> dict[str, list]:
    """Per project code, [its first payment entry, the total it paid], household rows included."""
    return _index(ctx).totals


def customs(ctx, kind: str) -> list[data.Custom]:
    """The `custom "<kind>"` directives, from one pass over the entries shared by all kinds."""
    def build():
        by_kind: dict[str, list] = {}
        for entry in [e for e in ctx.entries if type(e) is data.Custom]:
            by_kind.setdefault(entry.type, []).append(entry)
        return by_kind
    return ctx.memo(f"{__name__}.customs", build).get(kind, [])
