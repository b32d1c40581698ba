"""Validating what an import adds, against the books as loaded once (no second load).

An import that only appends (new transactions, opening entries, balance assertions, new cash
accounts) cannot change anything of the books but through what it appends. So `problems`
checks the additions against the books the pipeline already holds, with beancount's own checks
run on the part of the books the additions concern, so every message is the one a full load of
the would-be ledger gives:

- the text written parses back (rendered and parsed in chunks of `CHUNK` entries);
- `open`/`close`: a duplicate `open`, a posting to an account not open on its day or closed
  (beancount's `validate_open_close`, `validate_active_accounts`, `validate_currency_constraints`
  on every `open`/`close` of the books and the additions);
- every transaction balances (`validate_check_transaction_balances`), no two balance
  assertions of one account and day differ (`validate_duplicate_balances`);
- balance assertions: beancount's balance check over the accounts the additions touch, their
  parent accounts and subaccounts: the books' transactions and assertions on them with the new
  ones (an assertion before the earliest new day cannot change and is left out);
- sealed periods: when an addition falls on or before the last seal's day, the seal check
  (fundtrail.seals.verify) of the books with the additions.

The caller drops the errors the books had before the import (as for a full load). Imports that
rewrite files (master data, registers, a superseded opening entry) are validated by loading the
would-be ledger instead (importers/pipeline.py).
"""

from __future__ import annotations

import collections
import datetime
from collections.abc import Iterable
from decimal import Decimal

from beancount.core import data
from beancount.ops import balance, validation
from beancount.parser import parser

from fundtrail import seals
from fundtrail.ledgertext import entry_text

CHUNK = 5000


class ParseProblem:
    """A parse error of the rendered additions, in the shape of a beancount error."""

    def __init__(self, message: str, entry):
        self.message, self.entry = message, entry
        self.source = dict(getattr(entry, "meta", None) or {})


def problems(books: list, options: dict, additions: list) -> list:
    """The errors a load of `books` + `additions` would give, among the checks above (the caller
    filters the ones the books had already)."""
    additions = sorted(additions, key=data.entry_sortkey)
    out = list(_parse_back(additions))
    if not additions:
        return out
    accounts_of = _opens_closes(books)
    frame = sorted(accounts_of + additions, key=data.entry_sortkey)
    for check in (validation.validate_open_close, validation.validate_active_accounts,
                  validation.validate_currency_constraints):
        out += check(frame, options)
    out += validation.validate_check_transaction_balances(additions, options)
    touched = _touched(additions)
    earliest = min((e.date for e in additions if not isinstance(e, (data.Open, data.Close))),
                   default=additions[-1].date)
    asserted = [e for e in books if isinstance(e, data.Balance) and _under(e.account, touched)]
    out += validation.validate_duplicate_balances(
        sorted(asserted + [e for e in additions if isinstance(e, data.Balance)], key=data.entry_sortkey),
        options)
    out += _balances(books, options, additions, accounts_of, touched, earliest)
    out += _seals(books, options, additions)
    return out


def _parse_back(additions: list) -> Iterable:
    for start in range(0, len(additions), CHUNK):
        chunk = additions[start:start + CHUNK]
        text = "".join("\n" + entry_text(e) for e in chunk)
        parsed, errors, _ = parser.parse_string(text)
        for error in errors:
            line = error.source.get("lineno", 0) if error.source else 0
            yield ParseProblem(f"写入的分录无法解析 the text written does not parse: {error.message}",
                               _at_line(chunk, text, line))
        if not errors and len(parsed) != len(chunk):
            yield ParseProblem("写入的分录数与导入的不符 the text written holds "
                               f"{len(parsed)} entries, not {len(chunk)}", chunk[0])


def _at_line(chunk: list, text: str, line: int):
    """The entry whose text holds line `line` of the chunk's text."""
    at = 1
    for entry in chunk:
        at += ("\n" + entry_text(entry)).count("\n")
        if at >= line:
            return entry
    return chunk[-1]


def _opens_closes(books: list) -> list:
    return [e for e in books if isinstance(e, (data.Open, data.Close))]


def _accounts(entry) -> list[str]:
    if isinstance(entry, data.Transaction):
        return [p.account for p in entry.postings]
    account = getattr(entry, "account", None)
    return [account] if account else []


def _touched(additions: list) -> set[str]:
    """Every account the additions post to or assert, and each of its parents."""
    out = set()
    for entry in additions:
        for account in _accounts(entry):
            parts = account.split(":")
            out.update(":".join(parts[:n]) for n in range(1, len(parts) + 1))
    return out


def _under(account: str, touched: set[str]) -> bool:
    """`account` is one of `touched` (which holds every parent of a touched account)."""
    return account in touched


def _balances(books, options, additions, accounts_of, touched, earliest: datetime.date) -> list:
    """beancount's balance check over the assertions that an addition can change: those on a
    touched account (or a parent of one) dated after the earliest addition, with every
    transaction posting to the accounts they sum (those before the earliest addition summed
    into one opening transaction: an assertion sums every earlier posting alike)."""
    asserted = {e.account for e in books
                if isinstance(e, data.Balance) and e.account in touched and e.date > earliest}
    asserted |= {e.account for e in additions if isinstance(e, data.Balance)}
    if not asserted:
        return []
    prefixes = tuple(a + ":" for a in asserted)

    def summed(account: str) -> bool:
        return account in asserted or account.startswith(prefixes)

    subset, carried = [], collections.defaultdict(Decimal)
    for entry in books:
        if isinstance(entry, data.Transaction):
            postings = [p for p in entry.postings if summed(p.account)]
            if not postings:
                continue
            if entry.date < earliest and all(p.cost is None and p.units is not None for p in postings):
                for p in postings:
                    carried[(p.account, p.units.currency)] += p.units.number
            else:
                subset.append(entry)
        elif isinstance(entry, data.Balance) and entry.account in asserted and entry.date > earliest:
            subset.append(entry)
    if carried:
        subset.append(data.Transaction(
            {"filename": "<fundtrail.importers.additions>", "lineno": 0},
            earliest - datetime.timedelta(days=1), "*", None,
            "carried", frozenset(), frozenset(),
            [data.Posting(account, data.Amount(number, currency), None, None, None, None)
             for (account, currency), number in sorted(carried.items())]))
    subset = sorted(subset + accounts_of + additions, key=data.entry_sortkey)
    _, errors = balance.check(subset, options)
    return errors


def _seals(books, options, additions) -> list:
    """The seal check of the books with the additions, when one falls in a sealed period. An
    addition is checked as the entry the ledger file will hold (made by an importer, it may
    carry no file name yet, or "<import>")."""
    sealed = seals.read_seals(books)
    if not sealed or not options.get("filename"):
        return []
    through = sealed[-1].through
    written = [e if not str((e.meta or {}).get("filename", "<")).startswith("<") else
               e._replace(meta={**(e.meta or {}), "filename": options["filename"], "lineno": 0})
               for e in additions if e.date <= through]
    if not any(seals.sealable(e) for e in written):
        return []
    merged = sorted(list(books) + written, key=data.entry_sortkey)
    errors, _ = seals.verify(merged, options, cached=False)
    return errors
