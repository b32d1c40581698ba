"""What every fundtrail importer shares: the protocol the import pipeline relies on, the beangulp
`Importer` protocol built on it, and the metadata every imported entry carries.

The fundtrail protocol (all of it declared on `FundtrailImporter`):
- `score(path)`: how surely the file is this importer's;
- `accounts(path, ctx)`: cash accounts the file names, opened before any file of the batch is
  read (the treasury's, so the fund list can book receipts); none by default;
- `read(path, ctx) -> Extraction`: what the file holds; the importer's result is not changed by
  its caller;
- `rows_are_entries`: whether each row read is one entry (the caller then counts the rows already
  present by the entries the books hold) or the importer compares rows itself (registers).

`fundtrail import` calls these with an ImportContext over the workspace's books; beangulp's own
CLI calls `identify`/`account`/`date`/`extract`/`deduplicate`, which build that ImportContext
from the `existing` entries it is given. The `source` of an entry (where its document is filed) is added
by the caller: the pipeline knows where it files the document, beangulp's `extract` names the
file where it lies.
"""

from __future__ import annotations

import abc
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import beangulp
from beancount.core import data

from fundtrail import accounts as acc
from fundtrail import gcpause
from fundtrail.importers.context import IDENTITY, ImportContext
from fundtrail.ledgertext import money

FILED_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.")


@dataclass
class Extraction:
    """What an importer read from one file. Entries carry no `source` (see the module doc)."""

    path: Path
    importer: FundtrailImporter
    kind: str  # 银行对账单, 国库支付凭证, ...
    account: str = ""  # where the file is filed (documents/<account path>/)
    entries: list = field(default_factory=list)  # transactions and balances -> imported.beancount
    opens: list = field(default_factory=list)  # new cash accounts -> accounts.beancount
    masterdata: dict = field(default_factory=dict)  # ledger file -> [Open] (upsert by account)
    registers: dict = field(default_factory=dict)  # register kind -> (target, key columns, rows)
    remove: list = field(default_factory=list)  # importer-made entries this import supersedes
    read: int = 0
    skipped: list = field(default_factory=list)  # (row, reason)
    present: int = 0  # rows the importer found unchanged in the books (registers only)
    updated: int = 0  # rows the importer found changed in the books (registers only)
    warnings: list = field(default_factory=list)
    date: datetime.date | None = None  # the document's date (a statement's period end), for filing
    columns: object = None  # the header's columns, mapped and ignored (importers.columns.Columns)
    ledger_file: str = ""  # where the entries go; "" = transactions/imported.beancount


def filed_date(path) -> datetime.date | None:
    """The date a filed document's name starts with (2024-09-30.icbc.csv); None when it has none
    or it is no real day (2024-09-31.csv is just a name)."""
    found = FILED_DATE.match(Path(path).name)
    try:
        return datetime.date.fromisoformat(found.group(1)) if found else None
    except ValueError:
        return None


class FundtrailImporter(beangulp.Importer):
    """Base: subclasses implement `score(path)` and `read(path, ctx)` (see the module doc)."""

    kind = ""
    rows_are_entries = True  # False: `read` counts present/updated rows itself (registers)

    def __init__(self, workspace: Path | str | None = None):
        self.workspace = Path(workspace) if workspace else None

    # -- fundtrail protocol --------------------------------------------------------------------
    @abc.abstractmethod
    def score(self, path: Path) -> int:
        """100: this importer reads the file; 1-99: it looks like ours but something is missing
        (read() then says what); 0: not ours."""

    def accounts(self, path: Path, ctx: ImportContext) -> list[data.Open]:
        """Cash accounts the file pays from that the books do not open yet, opened before any
        file of the batch is read."""
        return []

    @abc.abstractmethod
    def read(self, path: Path, ctx: ImportContext) -> Extraction:
        """The file's entries, accounts, master data and counts; BadInput on a bad file."""

    def meta(self, path: Path, ctx: ImportContext, identity=None, **where) -> dict:
        """Import metadata: row|voucher, sha256, batch (+ the hidden identity, when given)."""
        if "row" in where:  # numbers in metadata are Decimal, as beancount's parser makes them
            where["row"] = Decimal(where["row"])
        meta = {"filename": str(path), "lineno": int(where.get("row") or 0), **where,
                "sha256": ctx.digest(path), "batch": ctx.batch}
        if identity is not None:
            meta[IDENTITY] = identity
        return meta

    # -- beangulp protocol ---------------------------------------------------------------------
    @property
    def name(self) -> str:
        return f"fundtrail.{type(self).__name__}"

    def identify(self, filepath: str) -> bool:
        try:
            return self.score(Path(filepath)) > 0
        except Exception:  # beangulp asks every importer about every file
            return False

    def _context(self, existing) -> ImportContext:
        root = self.workspace or Path.cwd()
        return ImportContext(root, existing or [], batch="beangulp")

    def account(self, filepath: str) -> str:
        return self.read(Path(filepath), self._context([])).account

    def date(self, filepath: str) -> datetime.date | None:
        ex = self.read(Path(filepath), self._context([]))
        days = [e.date for e in ex.entries if isinstance(e, data.Transaction)]
        return ex.date or (max(days) if days else None)

    def extract(self, filepath: str, existing) -> list:
        ctx = self._context(existing)
        ex = self.read(Path(filepath), ctx)
        opens = [o for entries in ex.masterdata.values() for o in entries]
        return ex.opens + opens + with_source(ex.entries, workspace_path(filepath, ctx.root))

    def deduplicate(self, entries, existing) -> None:
        ctx = self._context(existing)
        for entry in entries:
            if ctx.holds(entry):
                entry.meta["__duplicate__"] = True


def workspace_path(path, root: Path) -> str:
    """`path` relative to the workspace `root`, or its bare name when it lies outside."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).name


def with_source(entries, source: str) -> list:
    """Copies of `entries` whose metadata name the document they came from."""
    with gcpause.paused():  # all kept: the cyclic GC would rescan them all (see statement.py)
        return [sourced(e, source) for e in entries]


def sourced(entry, source: str):
    """A copy of `entry` whose metadata name the document it came from."""
    return type(entry)({"source": source, **entry.meta}, *entry[1:])


def posting(account: str, number, meta: dict | None = None) -> data.Posting:
    if meta:
        meta = {k: v for k, v in meta.items() if v is not None and v != ""} or None
    return data.Posting(account, money(number), None, None, None, meta)


def txn(meta, date, payee, narration, links, postings) -> data.Transaction:
    return data.Transaction(meta, date, "*", payee or "", narration, frozenset(),
                            frozenset(links), postings)


def cash_open(account: str, date: datetime.date, **meta) -> data.Open:
    return data.Open(data.new_metadata("<import>", 0, {k: v for k, v in meta.items() if v}),
                     date, account, [acc.CURRENCY], None)
