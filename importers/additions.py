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

The errors of the checks that read the additions alone (parsing back, transactions balancing,
inactive or unknown accounts, currencies) and those of the import's own balance assertions are
the import's own (`Own`): all of them are new.
From the others, which read the books too, the caller drops the errors the books had before the
import (as for a full load). Imports that
rewrite files (master data, registers, a superseded opening entry) are validated by loading the
would-be ledger instead (importers/pipeline.py).
"""

from __future__ import annotations

import collections
import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from beancount.core import data, getters
from beancount.ops import balance, validation
from beancount.parser import parser

from fundtrail import seals
from fundtrail.ledgertext import entry_text

CHUNK = 1000
NAMED = 20  # rows kept per day and account for the errors that name them (the refusal shows 20)
# (only where an error may be: a statement's valid rows keep one each, not twenty; see `_suspect`)


class Own(NamedTuple):
    """An error of the additions alone (beancount's message): not one the books had already,
    even when the books hold an error with the same message."""

    source: dict
    message: str
    entry: object


class ParseProblem(Own):
    """A parse error of the rendered additions, in the shape of a beancount error."""

    def __new__(cls, message: str, entry):
        return super().__new__(cls, dict(getattr(entry, "meta", None) or {}), message, entry)


class Additions:
    """What an import adds, taken one entry at a time and kept in summary (no entry is held but
    balance assertions, `open`s and the few in a sealed period): sums by day, account and
    currency, the days each account is used on, the currencies posted to each account. The
    text written is parsed back and every transaction's balance checked chunk by chunk.
    `problems()` gives the errors (see the module doc)."""

    def __init__(self, books: list, options: dict):
        self.books, self.options = books, options
        sealed = seals.read_seals(books) if options.get("filename") else []
        self.through = sealed[-1].through if sealed else None
        self.opens, self.balances, self.in_seal, self.complex, self.chunk, self.found = [], [], [], [], [], []
        self.texts: list = []  # the text written for each entry of `chunk` (None: rendered at flush)
        self.sums: dict[tuple, Decimal] = collections.defaultdict(Decimal)  # (day, account, currency)
        self.uses: dict[tuple, list] = {}  # (day, account, allowed after its close) -> [entries, metas]
        self.currencies: dict[tuple, list] = {}  # (account, currency) -> [postings, metas] (`_count`)
        self.earliest: datetime.date | None = None
        self.count = 0
        self.opened: dict[str, datetime.date] = {}  # account -> its first open, books and additions
        self.closed: dict[str, datetime.date] = {}  # account -> its first close
        self.accounts_of = _opens_closes(books)  # the books' `open`s and `close`s
        for entry in self.accounts_of:
            self._frame(entry)

    def _frame(self, entry) -> None:
        days = self.opened if isinstance(entry, data.Open) else self.closed
        if entry.account not in days or entry.date < days[entry.account]:
            days[entry.account] = entry.date

    def _suspect(self, day: datetime.date, account: str, after_close: bool) -> bool:
        """Whether a use of `account` on `day` is an error of `_inactive` as the accounts stand
        (before its open, after its close, or never opened). The additions only add `open`s, which
        take errors away: a use not suspect when taken is no error at the end, its rows need not
        be named (an addition's `close` would make earlier uses errors: named by their first row)."""
        opened = self.opened.get(account)
        if opened is None or day < opened:
            return True
        closed = self.closed.get(account)
        return closed is not None and day > closed and not after_close

    def add(self, entry, text: str | None = None) -> None:
        """Take one addition; `text`, when the caller has rendered it already, is the text
        written for it (a line break, then its entry_text)."""
        self.count += 1
        if self.through and entry.date <= self.through:
            self.in_seal.append(entry)
        if isinstance(entry, (data.Open, data.Close)):
            self.opens.append(entry)
            self._frame(entry)
        else:
            if self.earliest is None or entry.date < self.earliest:
                self.earliest = entry.date
            after_close = isinstance(entry, validation.ALLOW_AFTER_CLOSE)
            for account in getters.get_entry_accounts(entry):  # the metas of valid uses are not kept
                _count(self.uses, (entry.date, account, after_close), entry.meta,
                       NAMED if self._suspect(entry.date, account, after_close) else 1)
            if isinstance(entry, data.Balance):
                self.balances.append(entry)
            elif isinstance(entry, data.Transaction):
                for p in entry.postings:
                    if p.units is not None:
                        _count(self.currencies, (p.account, p.units.currency), entry.meta)
                if all(p.cost is None and p.units is not None for p in entry.postings):
                    for p in entry.postings:
                        self.sums[(entry.date, p.account, p.units.currency)] += p.units.number
                else:
                    self.complex.append(entry)
        self.chunk.append(entry)
        self.texts.append(text)
        if len(self.chunk) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        self.found += _parse_back(self.chunk, [t if t is not None else "\n" + entry_text(e)
                                               for e, t in zip(self.chunk, self.texts, strict=True)])
        self.found += [Own(e.source, e.message, e.entry) for e in
                       validation.validate_check_transaction_balances(self.chunk, self.options)]
        self.chunk, self.texts = [], []

    def problems(self) -> list:
        self._flush()
        out, books, options = list(self.found), self.books, self.options
        if not self.count:
            return out
        accounts_of = self.accounts_of
        frame = sorted(accounts_of + self.opens, key=data.entry_sortkey)
        out += validation.validate_open_close(frame, options)
        out += self._inactive(frame) + self._currency(frame)
        touched = _touched(account for _, account, _ in self.uses)
        asserted = [e for e in books if isinstance(e, data.Balance) and e.account in touched]
        out += validation.validate_duplicate_balances(
            sorted(asserted + self.balances, key=data.entry_sortkey), options)
        if self.earliest is not None:
            mine = {id(e.meta) for e in self.balances}  # the import's own assertions' errors are its own
            out += [Own(e.source, e.message, e.entry) if id(getattr(e.entry, "meta", None)) in mine else e
                    for e in _balances(books, options, self._daily() + self.balances + self.complex,
                                       accounts_of + self.opens, touched, self.earliest)]
        out += _seals(books, options, self.in_seal, self.through)
        return out

    def _daily(self) -> list:
        """One transaction a day holding the day's sums by account (what balances count)."""
        days = collections.defaultdict(list)
        for (day, account, currency), number in sorted(self.sums.items()):
            days[day].append(data.Posting(account, data.Amount(number, currency), None, None, None, None))
        return [data.Transaction({"filename": "<fundtrail.importers.additions>", "lineno": 0}, day, "*",
                                 None, "additions", frozenset(), frozenset(), postings)
                for day, postings in days.items()]

    def _inactive(self, frame: list) -> list:
        """beancount's validate_active_accounts on the additions: a reference to an account on a
        day before its `open` or after its `close` (a balance assertion, document or note may
        follow the close), or to an account never opened."""
        opened, closed = {}, {}
        for entry in frame:
            (opened if isinstance(entry, data.Open) else closed).setdefault(entry.account, entry.date)
        out = []
        for (day, account, after_close), slot in self.uses.items():
            if account not in opened:
                message = f"Invalid reference to unknown account '{account}'"
            elif day < opened[account] or (account in closed and day > closed[account] and not after_close):
                message = f"Invalid reference to inactive account '{account}'"
            else:
                continue
            out += _errors(slot, message)
        return out

    def _currency(self, frame: list) -> list:
        """beancount's validate_currency_constraints on the additions."""
        allowed = {e.account: e.currencies for e in frame if isinstance(e, data.Open) and e.currencies}
        out = []
        for (account, currency), slot in self.currencies.items():
            if account in allowed and currency not in allowed[account]:
                out += _errors(slot, f"Invalid currency {currency} for account '{account}'")
        return out


def _count(table: dict, key: tuple, meta, named: int = NAMED) -> None:
    """One more entry of `key`; the metadata of the first `named` are kept (an error names each
    of those rows, as a load of the ledger would; the rest repeat the last one kept)."""
    slot = table.get(key)
    if slot is None:
        table[key] = [1, [meta]]
    else:
        slot[0] += 1
        if len(slot[1]) < named:
            slot[1].append(meta)


def _errors(slot: list, message: str) -> list:
    """The errors of one summary slot (`_count`): one per entry, each at its own row while kept."""
    count, metas = slot
    return [Own(meta, message, None) for meta in metas] + [Own(metas[-1], message, None)] * (count - len(metas))


def _parse_back(chunk: list, texts: list[str]) -> list:
    """Problems of the text written for `chunk` (`texts`, one for each entry), parsed back."""
    if not chunk:
        return []
    text = "".join(texts)
    parsed, errors, _ = parser.parse_string(text)
    out = [ParseProblem(f"写入的分录无法解析 the text written does not parse: {error.message}",
                        _at_line(chunk, texts, error.source.get("lineno", 0) if error.source else 0))
           for error in errors]
    if not errors and len(parsed) != len(chunk):
        out.append(ParseProblem("写入的分录数与导入的不符 the text written holds "
                                f"{len(parsed)} entries, not {len(chunk)}", chunk[0]))
    return out


def _at_line(chunk: list, texts: list[str], line: int):
    """The entry whose text holds line `line` of the chunk's text."""
    at = 1
    for entry, text in zip(chunk, texts, strict=True):
        at += text.count("\n")
        if at >= line:
            return entry
    return chunk[-1]


def _opens_closes(books: list) -> list:
    return [e for e in books if isinstance(e, (data.Open, data.Close))]


def _touched(accounts: Iterable[str]) -> set[str]:
    """Every account of `accounts`, and each of its parents."""
    out = set()
    for account in accounts:
        parts = account.split(":")
        out.update(":".join(parts[:n]) for n in range(1, len(parts) + 1))
    return out


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


def _seals(books, options, additions, through: datetime.date | None) -> list:
    """The seal check of the books with the additions, when one falls in a sealed period (on or
    before `through`, the last seal's day, None when the books have no seal or no main file).
    An addition is checked as the entry the ledger file will hold (made by an importer, it may
    carry no file name yet, or "<import>")."""
    if through is None:
        return []
    written = [e if not str((e.meta or {}).get("filename", "<")).startswith("<") else
               e._replace(meta={**(e.meta or {}), "filename": options["filename"], "lineno": 0})
               for e in additions if e.date <= through]
    if not any(seals.sealable(e) for e in written):
        return []
    merged = sorted(list(books) + written, key=data.entry_sortkey)
    errors, _ = seals.verify(merged, options, cached=False)
    return errors
