"""One county's books as Parquet tables (fundtrail.province.schema), personal numbers hashed.

    export_county("county/main.beancount", "out/counties", key) -> summary dict

Loads the ledger with `Books`, runs the checks (`all_findings`), and writes every table into
`OUT/<county code>/` at once: into a fresh folder that replaces the previous export only when
all tables are written, so a reader never sees a half-written county. A ledger that does not
load cleanly (any error bean-check fails on: syntax, balances, includes, a malformed disposition,
a bad checks setting, a broken seal, a finding raised by `ledger_errors_from`) is refused with
the first errors named by file and line, and nothing is written.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from fundtrail import beanerrors
from fundtrail.atomicwrite import umask
from fundtrail.books import DIMENSIONS, Books
from fundtrail.findings import is_ledger_error
from fundtrail.flows import ALLOTMENT, PASS_DOWN, RECEIPT, is_spending
from fundtrail.masking import PUBLIC, masker_for
from fundtrail.plugins.checks import all_findings
from fundtrail.province.pseudonym import Pseudonymizer
from fundtrail.province.schema import SCHEMA_VERSION, TABLES

CENT = Decimal("0.01")
_FIGURED = (RECEIPT, ALLOTMENT, PASS_DOWN)  # the flows every figure counts, besides spending


class LedgerNotClean(ValueError):
    """The ledger has errors (`is_ledger_error`); the county is not exported."""


def _money(value, where: str) -> Decimal | None:
    if value is None:
        return None
    cents = Decimal(value).quantize(CENT)
    if cents != value:
        raise LedgerNotClean(f"{where}: 金额超出分位 amount {value} has more than two decimals")
    return cents


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except (ValueError, OSError):
        return Path(path).name


class CountyExport:
    """The rows of every table for one loaded county."""

    def __init__(self, books: Books, pseudonym: Pseudonymizer, content_hash: str = ""):
        self.books, self.pseudo, self.hash = books, pseudonym, content_hash
        self.root = Path(books.filename or ".").resolve().parent
        county = books.master.county
        self.code = county.code if county else self.root.name
        self.name = county.name if county else self.root.name
        self.bureau = county.bureau if county else ""
        self.mask = masker_for(books, PUBLIC)

    def _text(self, value) -> str | None:
        """Free text with every personal number masked by the county's own policy."""
        return None if value is None else self.mask.text(str(value))

    def _where(self, meta) -> tuple[str, str]:
        """(source file, row) of an entry: the imported file and row, else the ledger line."""
        if meta.get("source"):
            return str(meta["source"]), str(meta.get("row") or meta.get("voucher") or "")
        return _relative(meta.get("filename", ""), self.root), str(meta.get("lineno", ""))

    def tables(self) -> dict[str, list[dict]]:
        rows = {name: [] for name in TABLES}
        rows["postings"], rows["beneficiaries"] = self._postings()
        rows["flows"] = self._flows()
        rows["funds"] = self._funds()
        rows["projects"] = self._projects()
        rows["places"] = [{"county": self.code, "code": p.code, "name": p.name, "town": p.town}
                          for p in (*self.books.master.towns.values(),
                                    *self.books.master.villages.values())]
        rows["figures"] = self._figures()
        rows["findings"] = self._findings()
        rows["officials"] = self._officials()
        dates = [r["date"] for r in rows["postings"]]
        rows["county"] = [{
            "county": self.code, "name": self.name, "bureau": self.bureau,
            "schema_version": SCHEMA_VERSION,
            "exported": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "key_fingerprint": self.pseudo.fingerprint, "content_hash": self.hash,
            "transactions": len({r["txn"] for r in rows["postings"]}),
            "first": min(dates, default=None), "last": max(dates, default=None)}]
        return rows

    def _postings(self):
        postings, beneficiaries = [], []
        projects = self.books.master.projects
        for number, txn in enumerate(self.books.transactions):
            source, row = self._where(txn.meta)
            key = f"{self.code}-{number}"
            links = sorted(txn.links or ())
            for posting in txn.postings:
                meta = posting.meta or {}
                project = meta.get("project") or (posting.account.rsplit(":", 1)[-1]
                                                  if posting.account.startswith("Expenses:Project:")
                                                  else None)
                place = projects.get(str(project)) if project else None
                amount = _money(posting.units.number, f"{source}:{row}")
                account_no = meta.get("payee_account") or txn.meta.get("payee_account")
                name = meta.get("beneficiary")
                common = {"county": self.code, "date": txn.date, "txn": key,
                          "project": str(project) if project else None,
                          "fund": str(meta["fund"]) if meta.get("fund") else None,
                          "item": str(meta["item"]) if meta.get("item") else None,
                          "links": links, "source": source, "row": row}
                postings.append({
                    **common, "account": posting.account, "amount": amount,
                    "village": str(meta.get("village") or (place.village if place else "") or ""),
                    "town": place.town if place else "", "payee": self._text(name or txn.payee),
                    "narration": self._text(txn.narration),
                    "payee_account_hash": self.pseudo.account(account_no or meta.get("card"))})
                if meta.get("id_no") or name:
                    beneficiaries.append({
                        **common, "village": str(meta.get("village") or ""), "name": self._text(name),
                        "id_hash": self.pseudo.id_no(meta.get("id_no")),
                        "card_hash": self.pseudo.account(meta.get("card")), "amount": amount})
        return postings, beneficiaries

    def _flows(self):
        """The flows the figures count, classified once by the books' flow index: receipts,
        allotments (a fund's leg without a project, a project's leg with its fund), pass-downs
        and spending (`is_spending`: its fund as `Flow.fund`, bounced rows left out); amounts
        signed as the index signs them. `txn` is the transaction's key in `postings`."""
        number = {id(txn): n for n, txn in enumerate(self.books.transactions)}
        return [{"county": self.code, "date": f.date, "txn": f"{self.code}-{number[id(f.entry)]}",
                 "kind": f.kind, "fund": f.fund or None, "project": f.project or None,
                 "village": f.village or None, "amount": _money(f.amount, f"{f.kind} {f.date}")}
                for f in self.books.index.flows
                if f.kind in _FIGURED or is_spending(f)]

    def _funds(self):
        return [{"county": self.code, "code": f.code, "doc_no": f.doc_no, "title": f.title,
                 "level": f.level, "func_code": f.func_code,
                 "amount": _money(f.amount, f.account), "issued": f.issued,
                 "earmarked": f.earmarked, "direct": f.direct}
                for f in self.books.master.funds.values()]

    def _projects(self):
        return [{"county": self.code, "code": p.code, "name": self._text(p.name),
                 "category": p.category, "town": p.town, "village": p.village,
                 "budget": _money(p.budget, p.account), "fund": str(p.meta.get("fund") or ""),
                 "start": p.start, "end": p.end, "unit": self._text(p.unit), "approved": p.approved}
                for p in self.books.master.projects.values()]

    def _figures(self):
        years = sorted({t.date.year for t in self.books.transactions})
        rows = []
        for year in years:
            figures = self.books.all_figures(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
            for dimension in DIMENSIONS[:2]:  # fund, project: the rest follow from master data
                for key, fig in figures[dimension].items():
                    rows.append({"county": self.code, "year": year, "dimension": dimension,
                                 "key": key, "received": fig.received,
                                 "passed_down": fig.passed_down, "spent": fig.spent,
                                 "balance": fig.balance, "since": fig.since})
        return rows

    def _findings(self):
        found = all_findings(self.books.entries, self.books.options)
        return [{"county": self.code, "id": f.id, "rule": f.rule, "severity": f.severity,
                 "status": f.status, "date": f.date,
                 "amount": _money(f.amount, f.id) if f.amount is not None else None,
                 "message": self._text(f.message), "links": [self.mask.link(x) for x in f.links]}
                for f in found]

    def _officials(self):
        rows = []
        for row in self.books.index.officials.rows:  # [] without a usable register
            cadre, post = row.get("姓名", "").strip(), f"{row.get('单位/村', '')}{row.get('职务', '')}"
            rows.append({"county": self.code, "role": "cadre", "name": cadre,
                         "id_hash": self.pseudo.id_no(row.get("身份证号")), "cadre": cadre,
                         "post": post, "relation": ""})
            if row.get("关系人身份证号", "").strip():
                rows.append({"county": self.code, "role": "relative",
                             "name": row.get("关系人姓名", "").strip(),
                             "id_hash": self.pseudo.id_no(row.get("关系人身份证号")), "cadre": cadre,
                             "post": post, "relation": row.get("关系", "亲属").strip()})
        return rows


def ledger_errors(books: Books) -> list[str]:
    """The load's ledger errors, the ones bean-check fails on (`is_ledger_error`), as
    'file:line message' (five at most)."""
    errors = [e for e in books.errors if is_ledger_error(e)]
    return [f"{_relative((e.source or {}).get('filename', ''), Path(books.filename).resolve().parent)}"
            f":{(e.source or {}).get('lineno', '')} "
            f"{beanerrors.chinese(str(e.message), getattr(e, 'entry', None)).splitlines()[0]}"
            for e in errors[:5]] + ([f"... 共 {len(errors)} 个错误 {len(errors)} errors"]
                                    if len(errors) > 5 else [])


def write_tables(rows: dict[str, list[dict]], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, schema in TABLES.items():
        table = pa.Table.from_pylist(rows[name], schema=schema)
        pq.write_table(table, folder / f"{name}.parquet", compression="zstd")


def export_county(ledger: str, out: str | os.PathLike, key: bytes, content_hash: str = "") -> dict:
    """Load, check and export one county into OUT/<county code>/; a summary of what was done."""
    books = Books.load(str(ledger))
    problems = ledger_errors(books)
    if problems:
        raise LedgerNotClean("账簿有错误, 未导出 the ledger has errors, not exported:\n  "
                             + "\n  ".join(problems))
    export = CountyExport(books, Pseudonymizer(key), content_hash)
    if not re.fullmatch(r"[0-9A-Za-z_-]{1,32}", export.code):
        raise LedgerNotClean(f"区划代码无效 the county code {export.code!r} (custom \"county\") must be "
                             f"letters and digits")
    rows = export.tables()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    target = out / export.code
    staging = Path(tempfile.mkdtemp(prefix=f".{export.code}-", dir=out))
    try:
        staging.chmod(0o777 & ~umask())  # a folder like any other, not mkdtemp's owner-only
        write_tables(rows, staging)
        retired = out / f".{export.code}-old-{os.getpid()}"
        if target.exists():
            target.rename(retired)
        staging.rename(target)
        shutil.rmtree(retired, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {"county": export.code, "name": export.name, "folder": str(target),
            "transactions": rows["county"][0]["transactions"],
            "findings": len(rows["findings"]), "beneficiaries": len(rows["beneficiaries"])}
