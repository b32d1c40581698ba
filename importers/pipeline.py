"""One import, start to finish: `run_import(ledger, paths)`.

identify each file -> read it (classify, link, keyed) -> drop what the books already hold ->
compose the new ledger files -> validate what the import adds against the books as loaded
(importers/additions.py; an import that rewrites master data or registers loads the would-be
ledger from a scratch copy instead; only errors that are not fundtrail Findings block) -> file the sources under documents/ and replace each ledger
file atomically (temporary file + os.replace) -> return the reconciliation.

On any bad input nothing is written. This is the single place an import happens: hooks that
must follow a successful import (e.g. a git commit of the workspace) belong at the end of
`run_import`.
"""

from __future__ import annotations

import collections
import contextlib
import csv
import hashlib
import io
import os
import shutil
import tempfile
import zlib
from pathlib import Path

from beancount.core import data

from fundtrail import beanerrors, gcpause, history, loading, lock, sheets
from fundtrail.findings import Finding
from fundtrail.importers import additions, controls, ledgerfiles, registry, sniff, statement
from fundtrail.importers.base import Extraction, filed_date, sourced
from fundtrail.importers.context import ImportContext, is_opening, sha256
from fundtrail.importers.errors import BadInput, Rejected
from fundtrail.importers.registers import held_master, master_key, same_open
from fundtrail.importers.report import FileReport, ImportSummary
from fundtrail.ledgertext import controls_in, entry_text
from fundtrail.masterdata import read_register

IMPORTED = "transactions/imported.beancount"
ACCOUNTS = "accounts.beancount"
SKIP_DIRS = {"documents", "inbox", "reports", ".git"}
SHOWN = 20  # errors named when an import is refused


def expand(paths) -> list[Path]:
    out = []
    for path in map(Path, paths):
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith((".", "~$")))
        elif path.is_file():
            out.append(path)
        else:
            raise BadInput(path, "文件不存在", "no such file or directory")
    for path in out:
        controls.check_name(path)
    return out


def run_import(ledger, paths, dry_run: bool = False, account: str = "",
               batch: str | None = None) -> ImportSummary:
    """Import `paths` (files or folders) into the workspace of `ledger`; see the module doc.
    A real import holds the workspace lock (fundtrail.lock) from reading the books to the commit."""
    with sniff.workbooks():  # a workbook opened once for every head and sheet the run reads
        if dry_run:
            return _run_import(ledger, paths, dry_run, account, batch)
        with lock.writing(Path(ledger).resolve().parent, "导入"):
            return _run_import(ledger, paths, dry_run, account, batch)


def _run_import(ledger, paths, dry_run: bool, account: str, batch: str | None) -> ImportSummary:
    ledger = Path(ledger).resolve()
    root = ledger.parent
    files = expand(paths)
    candidates = registry.importers(root)
    chosen = sorted(((registry.pick(p, candidates), p) for p in files),  # before the books load:
                    key=lambda ip: (registry.rank(ip[0]), str(ip[1])))  # a file no importer knows is refused at once
    entries, errors, options = loading.load(ledger)
    before = collections.Counter(e.message for e in errors if not isinstance(e, Finding))
    batch = batch or "IMP-" + hashlib.sha256(
        "".join(sorted(sha256(p) for p in files)).encode()).hexdigest()[:10]
    ctx = ImportContext(root, entries, batch)
    ctx.fallback_account = account
    plan = _Plan(root, additions.Additions(entries, options))
    for importer, path in chosen:  # cash accounts named inside files (the treasury's) come first
        plan.open_accounts(path, importer.accounts(path, ctx), ctx)
    reports = []
    for importer, path in chosen:
        with gcpause.paused(), statement.lazily():
            ex = importer.read(path, ctx)
            controls.check(ex, path, entries=False)  # the entries: one by one as they are taken
            reports.append(plan.take(ex, ctx))
        del ex  # a statement's rows and entries go as they are taken
        if reports[-1].read == 0:  # a header and nothing under it: most likely the wrong export
            raise BadInput(path, "文件中只有表头，没有数据行", "the file has a header but no data rows")
    written = []
    if plan.changes:
        if plan.appends_only:
            _validate_additions(root, plan, before)
        else:
            _validate(ledger, root, plan, before)
        if not dry_run:
            written = plan.write()
    summary = ImportSummary(batch, str(ledger), dry_run, reports, written)
    if not dry_run:  # the change history: one commit per import (a no-op outside a git workspace),
        # also when a re-run finds its books already written by a run that died before committing
        names = ", ".join(Path(f.path).name for f in reports)
        history.commit(root, f"导入 import {batch}: {names} (新增交易 {summary.transactions} 笔 "
                             "transactions added)" if written else
                       f"导入 import {batch}: {names} (补提交此前已写入的账簿 commit books written earlier)")
    return summary


def _new_errors(ledger: Path, before: collections.Counter) -> list:
    """Errors of the would-be ledger that are not fundtrail Findings and were not there before
    (an import may fix old errors, e.g. a balance assertion waiting for its statement). The
    ledger is loaded the way the books always are (fundtrail.loading.load)."""
    _, errors, _ = loading.load(ledger)
    return _unseen(errors, before)


def _unseen(errors, before: collections.Counter) -> list:
    """`errors` that are not Findings, less as many of each message as `before` counts."""
    left, out = collections.Counter(before), []
    for error in errors:
        if isinstance(error, Finding):
            continue
        if left[error.message]:
            left[error.message] -= 1
        else:
            out.append(error)
    return out


def _describe(error, root: Path) -> str:
    source = getattr(error, "source", None) or {}
    name = str(source.get("filename", ""))
    with contextlib.suppress(ValueError):
        name = Path(name).resolve().relative_to(root.resolve()).as_posix()
    line = source.get("lineno") or ""  # 0: made by the import (a closing balance), no line of its own
    message = beanerrors.chinese(error.message, getattr(error, "entry", None))
    return f"{name}:{line}: {message}" if line else f"{name}: {message}"


class _Body:
    """The text of entries appended to one ledger file, in order: UTF-8, compressed a chunk at a
    time (a 300,000-row statement's text is held in tens of MB, not hundreds). An opening entry
    is kept with its text apart: a later file of the batch may supersede it (`drop`)."""

    CHUNK = 1 << 20

    def __init__(self):
        self.items: list = []  # (entry, text) for an opening entry, (None, compressed bytes) else
        self.open: list[bytes] = []  # text not compressed yet
        self.size = self.count = 0

    def __len__(self) -> int:
        return self.count

    def add(self, entry, keep: bool = False, text: str | None = None) -> None:
        """Append `entry`; `text`, when rendered already, is a line break, then its entry_text."""
        text = (text if text is not None else "\n" + entry_text(entry)).encode()
        self.count += 1
        if keep:
            self._close()
            self.items.append((entry, text))
            return
        self.open.append(text)
        self.size += len(text)
        if self.size >= self.CHUNK:
            self._close()

    def _close(self) -> None:
        if self.open:
            self.items.append((None, zlib.compress(b"".join(self.open), 1)))
            self.open, self.size = [], 0

    def extend(self, other: _Body) -> None:
        other._close()
        self._close()
        self.items += other.items
        self.count += other.count

    def holds(self, entry) -> bool:
        return any(e is entry for e, _ in self.items)

    def drop(self, entries) -> None:
        gone = [e for e, _ in self.items if e is not None and any(e is r for r in entries)]
        self.items = [(e, t) for e, t in self.items if e is None or all(e is not g for g in gone)]
        self.count -= len(gone)

    def chunks(self):
        self._close()
        for entry, text in self.items:
            yield text if entry is not None else zlib.decompress(text)


class _Appended:
    """A ledger file with entries appended: `head` (the file as it is, read a piece at a time
    as the parts are written, or its new text) without its trailing newlines, a blank line,
    `headers`, then `body`. Iterating gives the parts (bytes-like), each written as it comes: a
    county's imported.beancount, tens of MB, is neither held whole nor joined into a copy."""

    PIECE = 1 << 20

    def __init__(self, head: Path | memoryview, headers: list[str], body: _Body):
        self.head, self.body = head, body
        self.headers = ("\n\n" + "\n".join(headers) + "\n").encode()

    def __iter__(self):
        if isinstance(self.head, Path):
            yield from self._pieces(self.head)
        else:
            yield self.head[:_unpadded(self.head)]
        yield self.headers
        yield from self.body.chunks()

    def _pieces(self, path: Path):
        """The file's bytes without its trailing newlines, a piece at a time (none if it is
        missing)."""
        if not path.exists():
            return
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            end = size
            while end:  # the trailing newlines, read back from the end
                start = max(0, end - self.PIECE)
                handle.seek(start)
                tail = memoryview(handle.read(end - start))
                kept = _unpadded(tail)
                end = start + kept
                if kept:
                    break
            handle.seek(0)
            while end:
                piece = handle.read(min(self.PIECE, end))
                if not piece:
                    raise OSError(f"{path} changed while it was written")
                end -= len(piece)
                yield piece


def _unpadded(text: memoryview) -> int:
    """The length of `text` without its trailing newlines."""
    end = len(text)
    while end and text[end - 1] == 0x0A:
        end -= 1
    return end


class _Plan:
    """The new text of each ledger file, the registers and the documents to file."""

    def __init__(self, root: Path, check: additions.Additions):
        self.root = root
        self.check = check  # every entry and account added, in summary (importers/additions.py)
        self.imported = _Body()
        self.other: dict[str, tuple[list, _Body]] = {}  # another ledger file -> (headers, entries)
        self.opens: list = []
        self.masterdata: dict[str, dict[str, data.Open]] = {}
        self.registers: dict[Path, tuple] = {}
        self.remove: list = []
        self.documents: dict[Path, Path] = {}  # target -> source file
        self.headers: list[str] = []
        self.prescanned: dict[str, list] = {}

    @property
    def appends_only(self) -> bool:
        """Whether the import only appends entries and accounts (no file rewritten)."""
        return not (self.masterdata or self.registers or self.remove)

    @property
    def changes(self) -> bool:
        return bool(self.imported or self.other or self.opens or self.masterdata or self.registers
                    or self.documents)

    def open_accounts(self, path, opens, ctx: ImportContext) -> None:
        opens = [o for o in opens if not ctx.is_open(o.account)]
        self.prescanned[str(path)] = opens
        if opens:
            self.opens += opens
            ctx.add(opens)
            ctx.refresh()
            for entry in opens:
                self.check.add(entry)

    def take(self, ex: Extraction, ctx: ImportContext) -> FileReport:
        """Plan what one file adds: its entries (with the filed `source`) that the books do not
        hold yet, its new accounts and master data; the file's reconciliation."""
        target, source = self._filing(ex)
        new_opens = [o for o in ex.opens if not ctx.is_open(o.account)]
        prescanned = self.prescanned.pop(str(ex.path), [])
        ctx.add(new_opens)
        self.opens += new_opens
        for entry in new_opens:
            self.check.add(entry)
        if ex.remove:  # superseded importer-made entries (an opening entry moved earlier)
            ctx.drop(ex.remove)
            self.remove += [e for e in ex.remove if not self.imported.holds(e)]
            self.imported.drop(ex.remove)
        body = _Body()
        held = txns = openings = balances = 0
        for entry in controls.checked(ex.entries, ex.path):
            entry = sourced(entry, source)
            if ctx.holds(entry):
                held += isinstance(entry, data.Transaction) and not is_opening(entry)
                continue
            opening = isinstance(entry, data.Transaction) and is_opening(entry)
            text = "\n" + entry_text(entry)  # rendered once: written, and parsed back by the check
            body.add(entry, opening, text)
            self.check.add(entry, text)
            ctx.add([entry], keep=opening or not isinstance(entry, data.Transaction))
            txns += isinstance(entry, data.Transaction)
            openings += opening
            balances += isinstance(entry, data.Balance)
        kept = len(body)
        rows_are_entries = ex.importer.rows_are_entries
        present = held if rows_are_entries else ex.present
        new = ex.read - present - len(ex.skipped) - ex.updated
        changed_master = False
        for name, opens in ex.masterdata.items():
            held = held_master(ctx, opens)
            opens = [o for o in opens if not same_open(held.get(master_key(o)), o)]
            if opens:
                changed_master = True
                slot = self.masterdata.setdefault(name, {})
                for entry in opens:
                    slot[master_key(entry)] = entry
                ctx.drop([held[master_key(o)] for o in opens if master_key(o) in held])
                ctx.add(opens)
        for _kind, (register, key, rows) in ex.registers.items():
            if new or ex.updated:  # several files of one import may feed one register
                earlier = self.registers.get(register, (key, []))[1]
                self.registers[register] = (key, earlier + rows)
        if changed_master or new_opens:
            ctx.refresh()
        if ex.ledger_file and ex.ledger_file != IMPORTED:  # the collective layer's own file
            if kept:
                heads, other = self.other.setdefault(ex.ledger_file, ([], _Body()))
                heads.append(f"; {source}  sha256:{sha256(ex.path)[:16]}")
                other.extend(body)
        else:
            if kept:
                self.headers.append(f"; {source}  sha256:{sha256(ex.path)[:16]}")
            self.imported.extend(body)
        if not (kept or new_opens or changed_master or new or ex.updated):
            self.documents.pop(target, None)
        return FileReport(
            str(ex.path), source, ex.kind, ex.importer.name, ex.read, new, present, ex.updated,
            ex.skipped, ex.warnings, rows_are_entries=rows_are_entries, transactions=txns,
            openings=openings, balances=balances, receipts=0 if rows_are_entries else txns,
            accounts=[o.account for o in prescanned + new_opens],
            mapped=list(ex.columns.mapped) if ex.columns else [],
            ignored=list(ex.columns.ignored) if ex.columns else [])

    # -- documents ------------------------------------------------------------------------------
    def _filing(self, ex: Extraction) -> tuple[Path, str]:
        """Where the source is filed, as a path and workspace-relative:
        documents/<account path>/<date>.<name>; a file already under documents/ stays as is."""
        path = ex.path.resolve()
        documents = (self.root / "documents").resolve()
        if documents in path.parents:
            return path, _named(ex.path, path.relative_to(self.root.resolve()).as_posix())
        folder = documents / ("registers" if ex.account == "registers" else ex.account.replace(":", "/"))
        name = path.name
        days = [e.date for e in ex.entries if isinstance(e, data.Transaction)]
        day = ex.date or (max(days) if days else None)
        if ex.account != "registers" and not filed_date(name) and day:
            name = f"{day}.{name}"
        target = folder / name
        if target.exists() and sha256(target) != sha256(path):
            target = folder / f"{Path(name).stem}.{sha256(path)[:8]}{Path(name).suffix}"
        if not target.exists():
            self.documents[target] = path
        return target, _named(ex.path, target.relative_to(self.root.resolve()).as_posix())

    # -- composing ------------------------------------------------------------------------------
    def texts(self) -> dict[str, bytes | _Appended]:
        """The new content of each ledger file this import changes (UTF-8): bytes, or for a
        file the import appends to, its parts (`_Appended`: the file's bytes are read as they
        are written, not held)."""
        out = {}
        if self.imported or self.remove:
            if self.remove:
                head = memoryview(ledgerfiles.strip(self._read(IMPORTED), self.remove).encode())
            else:  # the file's bytes as they are (a large ledger file is not decoded and copied)
                head = self.root / IMPORTED
            out[IMPORTED] = (_Appended(head, self.headers, self.imported) if self.imported
                             else bytes(head))
        for name, (heads, body) in self.other.items():
            out[name] = _Appended(self.root / name, heads, body)
        if self.opens:
            out[ACCOUNTS] = (self._read(ACCOUNTS).rstrip("\n") + "\n" + "".join(
                "\n" + entry_text(o) for o in self.opens)).encode()
        for name, opens in self.masterdata.items():
            out[name] = self._upsert(name, opens).encode()
        return out

    def _read(self, name: str) -> str:
        path = self.root / name
        return path.read_text("utf-8") if path.exists() else ""

    def _upsert(self, name: str, opens: dict[str, data.Open | data.Custom]) -> str:
        """The master-data file re-rendered: existing directives in place, changed ones replaced,
        new ones appended (keyed by `master_key`). The file belongs to the register importers."""
        path = self.root / name
        text = self._read(name)
        head = "".join(line for line in text.splitlines(keepends=True) if line.startswith(";"))
        existing = []
        if text.strip():
            parsed, _, _ = ledgerfiles.parse(path)
            existing = [e for e in parsed if isinstance(e, (data.Open, data.Custom))]
            if len(existing) < len(parsed):  # hand-written entries too: replace by text surgery
                stale = [e for e in existing if master_key(e) in opens]
                return ledgerfiles.strip(text, stale).rstrip("\n") + "\n" + "".join(
                    "\n" + entry_text(e) for e in opens.values())
        merged = {master_key(e): e for e in existing}
        merged.update(opens)
        order = list(dict.fromkeys([*map(master_key, existing), *opens]))
        return head + "".join("\n" + entry_text(merged[a]) for a in order)

    def register_texts(self) -> dict[Path, str]:
        out = {}
        for target, (key, rows) in self.registers.items():
            current = read_register(target) if target.is_file() else []
            header = [h for h in (current[0] if current else rows[0] if rows else {}) if h is not None]
            header += [h for h in (rows[0] if rows else {}) if h not in header]  # columns added since
            index = {tuple(r.get(c) or "" for c in key): n for n, r in enumerate(current)}
            for row in rows:
                k = tuple(row[c] for c in key)
                if k in index:
                    current[index[k]] = {**current[index[k]], **row}
                else:
                    index[k] = len(current)
                    current.append(row)
            buffer = io.StringIO()  # cells guarded against spreadsheet formulas (fundtrail.sheets)
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow([_guard(h) for h in header])
            writer.writerows([_guard(r.get(h, "")) for h in header] for r in current)
            out[target] = buffer.getvalue()
        return out

    # -- writing --------------------------------------------------------------------------------
    def write(self) -> list[str]:
        """Sources first, then accounts, master data, registers, transactions: each file is
        replaced atomically, in an order where every intermediate state loads."""
        written = []
        for target, source in self.documents.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            ledgerfiles.atomic(target, source.read_bytes())
            written.append(target.relative_to(self.root.resolve()).as_posix())
        texts = self.texts()
        for name in sorted(texts, key=lambda n: (n.startswith("transactions/"), n == IMPORTED, n)):
            ledgerfiles.atomic(self.root / name, texts[name])
            written.append(name)
        for target, text in self.register_texts().items():
            ledgerfiles.atomic(target, text.encode("utf-8"))
            written.append(ledgerfiles.rel(target, self.root))
        return written


def _guard(cell):
    """A register cell as written: a text a spreadsheet would take for a formula after an
    apostrophe (`'=HYPERLINK(...)`); the registers' readers give back the text
    (fundtrail.registers.read_table)."""
    return sheets.csv_text(cell) if cell and cell[0] in sheets.CSV_GUARD_STARTS else cell


def _named(path: Path, source: str) -> str:
    """`source`, the filed document's name the ledger writes (in a comment and in each entry's
    `source:`), or BadInput when it holds a line break or another control character: a line
    break would end the comment and the rest of the name would be read as ledger text."""
    codes = controls_in(source)
    if codes:
        shown = " ".join(codes[:5])
        raise BadInput(path, f"文件名含有控制字符 {shown}，已拒绝导入，请重命名后重试",
                       f"control characters in the file name ({shown}): refused")
    return source


def _validate_additions(root: Path, plan: _Plan, before: collections.Counter) -> None:
    """Check what the import appends against the books as loaded (importers/additions.py)."""
    found = plan.check.problems()
    problems = [e for e in found if isinstance(e, additions.Own)] + \
        _unseen([e for e in found if not isinstance(e, additions.Own)], before)
    problems.sort(key=lambda e: (str((e.source or {}).get("filename", "")), (e.source or {}).get("lineno") or 0))
    if problems:
        _reject(_shown(problems, root))


def _shown(problems: list, root: Path) -> list[str]:
    """The first `SHOWN` problems, each at its file and line, and how many more there are."""
    lines = [_describe(e, root) for e in problems[:SHOWN]]
    if len(problems) > SHOWN:
        lines.append(f"……另有 {len(problems) - SHOWN} 处 and {len(problems) - SHOWN} more")
    return lines


def _reject(lines: list[str]):
    raise Rejected("导入后账簿无法通过校验，未写入任何内容",
                   "the ledger would not load cleanly after this import: nothing was written", lines)


def _validate(ledger: Path, root: Path, plan: _Plan, before: collections.Counter) -> None:
    """Load the would-be ledger from a scratch copy of the workspace's ledger files."""
    with tempfile.TemporaryDirectory(prefix="fundtrail-import-") as scratch:
        scratch = Path(scratch)
        for path in root.rglob("*"):
            rel = path.relative_to(root)
            if path.is_file() and rel.parts[0] not in SKIP_DIRS and path.suffix in (".beancount", ".csv", ".tsv"):
                (scratch / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, scratch / rel)
        for name, text in plan.texts().items():
            (scratch / name).parent.mkdir(parents=True, exist_ok=True)
            with open(scratch / name, "wb") as out:
                out.writelines([text] if isinstance(text, bytes) else text)
        for target, text in plan.register_texts().items():
            rel = Path(ledgerfiles.rel(target, root))
            if not rel.is_absolute():
                (scratch / rel).parent.mkdir(parents=True, exist_ok=True)
                (scratch / rel).write_text(text, "utf-8")
        problems = _new_errors(scratch / ledger.relative_to(root), before)
        if problems:
            _reject(_shown(problems, scratch))
