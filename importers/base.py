"""What every fundtrail importer shares: the beangulp `Importer` protocol on top of one method,
`read(path, ctx) -> Extraction`, and the metadata every imported entry carries.

`fundtrail import` calls `read` with a Context over the workspace's books; beangulp's own CLI
calls `identify`/`account`/`date`/`extract`/`deduplicate`, which build that Context from the
`existing` entries it is given.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import beangulp
from beancount.core import data

from fundtrail import accounts as acc
from fundtrail.importers.context import IDENTITY, Context
from fundtrail.ledgertext import money

FILED_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.")


@dataclass
class Extraction:
    path: Path
    importer: FundtrailImporter
    kind: str  # 银行对账单, 国库支付凭证, ...
    account: str = ""  # where the file is filed (documents/<account path>/)
    entries: list = field(default_factory=list)  # transactions and balances -> imported.beancount
    opens: list = field(default_factory=list)  # new cash accounts -> accounts.beancount
    masterdata: dict = field(default_factory=dict)  # ledger file -> [Open] (upsert by account)
    registers: dict = field(default_factory=dict)  # register kind -> (key columns, rows)
    remove: list = field(default_factory=list)  # importer-made entries this import supersedes
    read: int = 0
    skipped: list = field(default_factory=list)  # (row, reason)
    present: int = 0
    updated: int = 0
    warnings: list = field(default_factory=list)
    rows_entries: int = 0  # entries that stand for a row (not openings or balances)
    date: datetime.date | None = None  # the document's date (a statement's period end), for filing

    @property
    def new(self) -> int:
        return self.read - self.present - len(self.skipped) - self.updated


@lru_cache(maxsize=256)
def _sha256(path: str, size: int, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def sha256(path) -> str:
    p = Path(path)
    stat = p.stat()
    return _sha256(str(p.resolve()), stat.st_size, stat.st_mtime)


def filed_date(path) -> datetime.date | None:
    """The date a filed document's name starts with (2024-09-30.icbc.csv); None when it has none
    or it is no real day (2024-09-31.csv is just a name)."""
    found = FILED_DATE.match(Path(path).name)
    try:
        return datetime.date.fromisoformat(found.group(1)) if found else None
    except ValueError:
        return None


class FundtrailImporter(beangulp.Importer):
    """Base: subclasses implement `score(path)` and `read(path, ctx)`."""

    kind = ""

    def __init__(self, workspace: Path | str | None = None):
        self.workspace = Path(workspace) if workspace else None
        self.source_name: dict[str, str] = {}  # resolved path -> documents/... (set by the pipeline)

    # -- fundtrail protocol --------------------------------------------------------------------
    def score(self, path: Path) -> int:
        """100: this importer reads the file; 1-99: it looks like ours but something is missing
        (read() then says what); 0: not ours."""
        raise NotImplementedError

    def read(self, path: Path, ctx: Context) -> Extraction:
        raise NotImplementedError

    def meta(self, path: Path, ctx: Context, identity, **where) -> dict:
        """Import metadata: source, row|voucher, sha256, batch (+ the hidden identity)."""
        key = (str(path), id(ctx), ctx.batch)
        if getattr(self, "_stamp", (None,))[0] != key:
            self._stamp = (key, self.source_of(path, ctx), sha256(path))
        _, source, digest = self._stamp
        if "row" in where:  # numbers in metadata are Decimal, as beancount's parser makes them
            where["row"] = Decimal(where["row"])
        return {"filename": key[0], "lineno": int(where.get("row") or 0), "source": source, **where,
                "sha256": digest, "batch": ctx.batch, IDENTITY: identity}

    def source_of(self, path: Path, ctx: Context) -> str:
        resolved = str(Path(path).resolve())
        if resolved in self.source_name:
            return self.source_name[resolved]
        try:
            return Path(resolved).relative_to(ctx.root.resolve()).as_posix()
        except ValueError:
            return Path(path).name

    # -- beangulp protocol ---------------------------------------------------------------------
    @property
    def name(self) -> str:
        return f"fundtrail.{type(self).__name__}"

    def identify(self, filepath: str) -> bool:
        try:
            return self.score(Path(filepath)) > 0
        except Exception:  # beangulp asks every importer about every file
            return False

    def _context(self, existing) -> Context:
        root = self.workspace or Path.cwd()
        return Context(root, existing or [], batch="beangulp")

    def account(self, filepath: str) -> str:
        return self.read(Path(filepath), self._context([])).account

    def date(self, filepath: str) -> datetime.date | None:
        ex = self.read(Path(filepath), self._context([]))
        days = [e.date for e in ex.entries if isinstance(e, data.Transaction)]
        return ex.date or (max(days) if days else None)

    def extract(self, filepath: str, existing) -> list:
        ex = self.read(Path(filepath), self._context(existing))
        opens = [o for entries in ex.masterdata.values() for o in entries]
        return ex.opens + opens + ex.entries

    def deduplicate(self, entries, existing) -> None:
        ctx = self._context(existing)
        for entry in entries:
            if ctx.holds(entry):
                entry.meta["__duplicate__"] = True


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
