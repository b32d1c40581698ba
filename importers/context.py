"""What an import knows about the books it imports into: the entries already there (and those
extracted earlier in the same batch), the master data, the accounts by bank account number,
the classification rules, an index of what the books already hold, and the digests of the
files the batch reads."""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from beancount.core import data

from fundtrail import accounts as acc
from fundtrail.importers.classify import Classifier
from fundtrail.importers.errors import BadInput
from fundtrail.masterdata import MasterData
from fundtrail.seals import read_seals

IDENTITY = "__identity__"  # (link, cash account): what makes an imported entry the same entry


@lru_cache(maxsize=256)
def _sha256(path: str, size: int, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def sha256(path) -> str:
    p = Path(path)
    stat = p.stat()
    return _sha256(str(p.resolve()), stat.st_size, stat.st_mtime)


def digits(number: str) -> str:
    return re.sub(r"\D", "", str(number))


def identities(entry) -> set[tuple[str, str]]:
    if isinstance(entry, data.Balance):
        return {(f"balance:{entry.date}", entry.account)}
    if not isinstance(entry, data.Transaction):
        return set()
    cash = {p.account for p in entry.postings  # a collective's account holds its layer's money
            if acc.is_cash(p.account) or p.account.startswith(acc.COLLECTIVE + ":")}
    return {(link, account) for link in entry.links or () for account in cash}


class ImportContext:
    """What one import knows about the books it imports into (see the module doc)."""

    def __init__(self, root: Path, entries: list, batch: str = ""):
        self.root = Path(root)
        self.entries = list(entries)
        self.batch = batch
        self.fallback_account = ""  # for statements that name no account (`--account`)
        self.seen: set[tuple[str, str]] = set()
        self.balances: dict[tuple[datetime.date, str], data.Balance] = {}
        self.first_posting: dict[str, datetime.date] = {}
        self.digests: dict[str, str] = {}  # file as given -> sha256, each file hashed once
        for entry in self.entries:
            self._index(entry)
        self.refresh()

    def _index(self, entry) -> None:
        self.seen |= identities(entry)
        if isinstance(entry, data.Balance):
            self.balances[(entry.date, entry.account)] = entry
        elif isinstance(entry, data.Transaction) and not is_opening(entry):
            for posting in entry.postings:
                first = self.first_posting.get(posting.account)
                if first is None or entry.date < first:
                    self.first_posting[posting.account] = entry.date

    def refresh(self) -> None:
        """Re-read master data and rules (after a register of this batch added funds/projects)."""
        self.master = MasterData.from_entries(self.entries)
        self.by_number: dict[str, list[str]] = {}
        for account, entry in self.master.accounts.items():
            number = digits(entry.meta.get("account_no", ""))
            if number:
                self.by_number.setdefault(number, []).append(account)
        self.classifier = Classifier.load(self.root, self.master, self.treasury())

    def add(self, entries, keep: bool = True) -> None:
        """Index `entries` as held; `keep=False`: only index them (an import's ordinary
        transactions: nothing looks them up again, and a large statement is not held whole)."""
        for entry in entries:
            if keep:
                self.entries.append(entry)
            self._index(entry)

    def drop(self, entries) -> None:
        gone = {id(e) for e in entries}
        self.entries = [e for e in self.entries if id(e) not in gone]
        for entry in entries:
            self.seen -= identities(entry)

    def digest(self, path) -> str:
        """The sha256 of a file this import reads (asked once per entry: kept per file)."""
        key = str(path)
        if key not in self.digests:
            self.digests[key] = sha256(path)
        return self.digests[key]

    def holds(self, entry) -> bool:
        return bool(entry.meta.get(IDENTITY) and entry.meta[IDENTITY] in self.seen)

    # -- accounts ---------------------------------------------------------------------------
    def is_open(self, account: str) -> bool:
        return account in self.master.accounts

    def of_kind(self, prefix: str) -> list[str]:
        return sorted(a for a in self.master.accounts if a.startswith(prefix))

    def treasury(self) -> str:
        found = self.of_kind(acc.TREASURY + ":")
        return found[0] if len(found) == 1 else ""

    def open_date(self, first: datetime.date) -> datetime.date:
        """When a new cash account opens: with the books (their earliest `open`), so statements
        of earlier periods imported later still fit; the first row's year if that is earlier.
        Never inside a sealed period unless the file's own rows are (an `open` back-dated into
        it would break the seal): then the day after the last seal, or the first row's day."""
        dates = [e.date for e in self.master.accounts.values()]
        day = min(dates + [datetime.date(first.year, 1, 1)])
        sealed = read_seals(self.entries)
        if sealed and day <= sealed[-1].through:
            day = min(sealed[-1].through + datetime.timedelta(days=1), first)
        return day

    def account_by_number(self, number: str, path) -> str:
        """The account whose `account_no` is `number` ("" when none): of several, the one not
        closed; BadInput naming `path` when more than one is open (which of them the file
        belongs to is for the accountant to say, not for the import to guess)."""
        found = self.by_number.get(digits(number), [])
        if len(found) > 1:
            closed = {e.account for e in self.entries if isinstance(e, data.Close)}
            found = [a for a in found if a not in closed] or found
        if len(found) > 1:
            raise BadInput(path, f"账号 {number} 属于账簿中的{len(found)}个账户（{'、'.join(found)}），"
                           "无法确定本文件记入哪个账户；请在 accounts.beancount 中只保留一个该账号",
                           f"account number {number} belongs to {len(found)} accounts of the books "
                           f"({', '.join(found)}): keep the number on one of them")
        return found[0] if found else ""


def is_opening(entry) -> bool:
    return any(link.endswith("-OPEN") for link in entry.links or ())


def opening_entries(entries) -> dict[str, list]:
    out = defaultdict(list)
    for entry in entries:
        if isinstance(entry, data.Transaction) and is_opening(entry) and "source" in entry.meta:
            for posting in entry.postings:
                if acc.is_cash(posting.account):
                    out[posting.account].append(entry)
    return out
