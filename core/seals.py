"""Sealed periods: a hash chain over the books, one link per closed period (封账).

`fundtrail seal LEDGER --through 2024-09-30` appends to `seals.beancount`

    2024-10-15 custom "seal" 2024-09-30 "<hash>" "<previous hash>"
      by: "张会计"
      entries: 812

and writes the sidecar `seals/2024-09-30.tsv`: a header with the count and a hash of the
period's entry digests, one line per entry of the period (dated after the previous seal's day,
up to this one) with its digest, date and key (fundtrail.canonical), and for every register
declared by then (`custom "register"`) the file's hash and one line per row with the row's
digest and first cell. The hash is sha256 over the day, the previous hash and the whole sidecar,
so the sidecar is covered by it, and every seal covers all entries up to its day through the
chain.

`verify` (run on every load by the plugin fundtrail.plugins.seal) recomputes each period's lines
from the ledger and reports, naming the seal: an entry changed, deleted or inserted; a register
row changed or deleted (rows appended later are allowed); a broken chain; a seal record that no
longer matches its hash; a sidecar without its seal. Dispositions of findings
(`custom "finding"`) are audit workflow, not books, and are not sealed; neither are entries that
plugins generate (filename `<...>`).
"""

from __future__ import annotations

import bisect
import collections
import datetime
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from beancount.core import data

from fundtrail import canonical, gcpause, sealcache
from fundtrail.atomicwrite import atomic
from fundtrail.sealcache import VerifiedPeriods

SEAL = "seal"
UNSEALED_CUSTOM = frozenset({SEAL, "finding"})
SEALS_FILE = "seals.beancount"
SIDECAR_DIR = "seals"
VERSION = "fundtrail-seal-v1"
REPORT_AT_MOST = 50  # differing entries named per seal; the rest are counted


@dataclass(frozen=True)
class Seal:
    through: datetime.date
    hash: str
    previous: str
    entry: data.Custom

    @property
    def label(self) -> str:
        return f"封账 {self.through}（哈希 {self.hash[:12]}）"


class SealError(NamedTuple):
    source: dict
    message: str
    entry: object
    seal: str  # the seal's day, ISO
    change: str  # changed | deleted | inserted | register | chain | record | missing
    key: str


def root_of(options_map) -> Path:
    return Path(options_map["filename"]).parent


def sidecar_path(root: Path, through: datetime.date) -> Path:
    return root / SIDECAR_DIR / f"{through.isoformat()}.tsv"


def _well_formed(entry: data.Custom) -> bool:
    values = [v.value for v in entry.values]
    return (len(values) == 3 and isinstance(values[0], datetime.date)
            and all(isinstance(v, str) for v in values[1:]))


def read_seals(entries) -> list[Seal]:
    """The well-formed seal directives, by day (verify reports the others)."""
    seals = [Seal(e.values[0].value, e.values[1].value, e.values[2].value, e)
             for e in entries if type(e) is data.Custom and e.type == SEAL and _well_formed(e)]
    return sorted(seals, key=lambda s: s.through)


def sealable(entry) -> bool:
    """Written in the ledger files (not made by a plugin), and books rather than workflow."""
    if type(entry) is data.Custom and entry.type in UNSEALED_CUSTOM:
        return False
    return not str((entry.meta or {}).get("filename", "<")).startswith("<")


def periods(entries, days: list[datetime.date]) -> list[list]:
    """The sealable entries of each period (previous day, day], for date-sorted entries."""
    buckets: list[list] = []
    start = 0
    dates = [entry.date for entry in entries]
    for day in days:
        end = bisect.bisect_right(dates, day, lo=start)
        buckets.append([e for e in entries[start:end] if sealable(e)])
        start = end
    return buckets


def entry_line(entry, digest: str | None = None) -> str:
    key = canonical.key(entry).replace("\t", " ").replace("\n", " ")
    return f"E\t{digest or canonical.digest(entry)}\t{entry.date}\t{key}"


def register_files(entries, root: Path, through: datetime.date) -> list[str]:
    """Workspace-relative paths of the registers declared up to `through`."""
    paths = set()
    for entry in entries:
        if entry.date > through:
            break
        if isinstance(entry, data.Custom) and entry.type == "register" and len(entry.values) > 1:
            base = os.path.dirname(entry.meta.get("filename") or str(root / "x"))
            full = os.path.normpath(os.path.join(base, str(entry.values[1].value)))
            paths.add(os.path.relpath(full, root))
    return sorted(paths)


def register_lines(root: Path, relpath: str) -> list[str]:
    """The file's hash (checked first: an untouched register needs no row check), then a line
    per row."""
    return [f"F\t{relpath}\t{_file_hash(root / relpath)}"] + [
        f"R\t{relpath}\t{digest}\t{key.replace(chr(9), ' ')}"
        for digest, key in canonical.register_rows(str(root / relpath))]


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def digests_hash(digests: list[str]) -> str:
    """One hash over a period's entry digests (order-independent: they are sorted)."""
    return hashlib.sha256("\n".join(sorted(digests)).encode("ascii")).hexdigest()


def sidecar_text(through: datetime.date, lines: list[str]) -> str:
    digests = [line.split("\t", 2)[1] for line in lines if line.startswith("E\t")]
    header = (f"# {VERSION} through {through}: entries {len(digests)} {digests_hash(digests)}; "
              "do not edit, the seal's hash covers this file\n")
    return header + "".join(line + "\n" for line in sorted(lines))


def seal_hash(through: datetime.date, previous: str, sidecar: str) -> str:
    text = f"{VERSION}\n{through.isoformat()}\n{previous}\n{sidecar}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def paper_form(through: datetime.date, hash_: str) -> str:
    """The hash as it is copied onto paper or read out: the day, then groups of four."""
    return f"封账 {through}  " + " ".join(hash_[i:i + 4] for i in range(0, len(hash_), 4))


# the day `paper_form` puts before the hash, and any label before it (`封账`, `当前封账链头`)
_WRITTEN_DAY = re.compile(r"^(?:.*?\s)?(\d{4}-\d{2}-\d{2})(?=\s)")


def written_hash(text: str) -> str:
    """A hash as copied back from paper: spaces, dashes and case do not matter, and the whole
    line `seal` prints (`封账 2024-09-30  3f1c 9a0b …`) is read as its hash."""
    return re.sub(r"[\s\-:]", "", _WRITTEN_DAY.sub("", text.strip(), count=1)).lower()


def written_day(text: str) -> str | None:
    """The day of a hash copied with the line `seal` prints, else None."""
    found = _WRITTEN_DAY.match(text.strip())
    return found.group(1) if found else None


_ENTRY_DIGEST = re.compile(r"^E\t([0-9a-f]+)\t", re.M)
_HEADER = re.compile(r"^# \S+ through \S+: entries (\d+) ([0-9a-f]{64});")


def entry_digests(sidecar: str) -> list[str]:
    """The entry digests of a sidecar, in its (sorted) order."""
    return _ENTRY_DIGEST.findall(sidecar)


_REGISTER_FILE = re.compile(r"^F\t([^\t\n]*)\t([0-9a-f]{64})$", re.M)
_REGISTER_ROW = re.compile(r"^R\t([^\t\n]*)\t([0-9a-f]+)\t([^\n]*)$", re.M)


# -- verification --------------------------------------------------------------------------

def verify(entries, options_map, cached: bool = False) -> tuple[list[SealError], list[Path]]:
    """Errors for every change to a sealed period, and the files the seals read (sidecars,
    registers) so a loader cache can watch them. `cached`: skip the digests of a period whose
    entries' text is as when it was last verified (fundtrail.sealcache; the plugin does,
    `fundtrail verify` does not)."""
    root = root_of(options_map)
    seals = read_seals(entries)
    memo = (VerifiedPeriods(root, Path(options_map["filename"]), entries, options_map.get("include"))
            if cached and seals and sealcache.enabled() else None)
    folder = root / SIDECAR_DIR
    sidecars = sorted(folder.glob("*.tsv")) if folder.is_dir() else []
    errors = _strays(entries, seals, sidecars)
    registers: dict[str, collections.Counter | None] = {}  # rows of the registers read
    watched = set(sidecars)
    previous = ""
    for seal, bucket in zip(seals, periods(entries, [s.through for s in seals]), strict=True):
        if seal.previous != previous:
            errors.append(_error(seal, "chain", "", "封账链断裂：记录的上一次封账哈希为 "
                                 f"{seal.previous[:12] or '（空）'}，应为 {previous[:12] or '（空，首次封账）'}"))
        previous = seal.hash
        path = sidecar_path(root, seal.through)
        if not path.is_file():
            errors.append(_error(seal, "missing", "", f"封账明细文件 {SIDECAR_DIR}/{path.name} 缺失"))
            continue
        stored = path.read_text("utf-8")
        if seal_hash(seal.through, seal.previous, stored) != seal.hash:
            errors.append(_error(seal, "record", "", "封账记录与哈希不符：封账指令或其明细文件 "
                                 f"{SIDECAR_DIR}/{path.name} 被改动"))
        errors += _verify_registers(seal, root, stored, registers)
        watched |= {root / relpath for relpath, _sha in _REGISTER_FILE.findall(stored)}
        holds, state = memo.check(seal.hash, bucket) if memo else (False, None)
        if holds:
            memo.remember(seal.hash, state)  # the same text, maybe in files changed elsewhere
            continue
        changes = _verify_period(seal, bucket, stored)
        if memo and not changes:
            memo.remember(seal.hash, state)
        errors += changes
    if memo:
        memo.save({s.hash for s in seals})
    return errors, sorted(watched)


def _strays(entries, seals: list[Seal], sidecars: list[Path]) -> list[SealError]:
    """Malformed seal directives, and sidecars whose directive is gone."""
    sealed_days = {s.through.isoformat() for s in seals}
    errors = [_error(None, "record", "", '封账记录格式错误：应写为 custom "seal" <封账日> "<哈希>" '
                     '"<上一次封账哈希>"', entry=e, day=str(e.date))
              for e in entries if type(e) is data.Custom and e.type == SEAL and not _well_formed(e)]
    return errors + [_error(None, "missing", "", f"封账 {path.stem}：封账记录被删除（其明细文件 "
                            f"{SIDECAR_DIR}/{path.name} 仍在）", day=path.stem)
                     for path in sidecars if path.stem not in sealed_days]


def _error(seal: Seal | None, change: str, key: str, message: str, entry=None,
           day: str = "") -> SealError:
    """An error on the entry concerned if it still exists, else on the seal directive."""
    where = entry or (seal.entry if seal else None)
    meta = getattr(where, "meta", None) or {}
    source = {"filename": meta.get("filename", "<fundtrail.seals>"), "lineno": meta.get("lineno", 0)}
    if seal:
        day, message = seal.through.isoformat(), f"{seal.label}：{message}"
    return SealError(source, message, where, day, change, key)


def _verify_period(seal: Seal, bucket: list, stored: str) -> list[SealError]:
    with gcpause.paused():  # digests allocate only short-lived acyclic objects
        digests = [canonical.digest(e) for e in bucket]
    header = _HEADER.match(stored)
    if header and header.groups() == (str(len(digests)), digests_hash(digests)):
        return []  # the header is covered by the seal's hash, checked before
    lines = [entry_line(e, d) for e, d in zip(bucket, digests, strict=True)]
    current = dict(zip(lines, bucket, strict=True))
    stored_lines = [line for line in stored.splitlines() if line.startswith("E\t")]
    added = collections.Counter(lines) - collections.Counter(stored_lines)
    removed = collections.Counter(stored_lines) - collections.Counter(lines)
    return _name_changes(seal, current, list(added.elements()), list(removed.elements()))


def _name_changes(seal: Seal, current: dict, added: list[str], removed: list[str]) -> list[SealError]:
    """Pair what was sealed with what is there now by key: changed, inserted or deleted."""
    def split(line):
        _, _digest, day, key = line.split("\t", 3)
        return day, key

    was = collections.defaultdict(list)
    for line in removed:
        day, key = split(line)
        was[key].append(day)
    errors = []
    for line in sorted(added):
        day, key = split(line)
        if was.get(key):
            old_day = was[key].pop()
            dates = f"（日期由 {old_day} 改为 {day}）" if old_day != day else ""
            errors.append(_error(seal, "changed", key, "已封账分录被修改："
                                 f"{day} {key}{dates}", current[line]))
        else:
            errors.append(_error(seal, "inserted", key, f"已封账期间新增分录：{day} {key}",
                                 current[line]))
    for key, days in sorted(was.items()):
        errors += [_error(seal, "deleted", key, f"已封账分录被删除：{day} {key}")
                   for day in days]
    if len(errors) > REPORT_AT_MOST:
        rest = len(errors) - REPORT_AT_MOST
        errors = errors[:REPORT_AT_MOST] + [_error(seal, "changed", "", f"另有 {rest} 项改动未逐项列出")]
    return errors


def _verify_registers(seal: Seal, root: Path, stored: str,
                      cache: dict[str, collections.Counter | None]) -> list[SealError]:
    """Every register row sealed is still there unchanged (rows added since are allowed)."""
    section = stored.find("\nF\t")
    if section < 0:
        return []
    untouched = {relpath for relpath, sha in _REGISTER_FILE.findall(stored, section)
                 if (root / relpath).is_file() and _file_hash(root / relpath) == sha}
    sealed = collections.defaultdict(list)
    for relpath, digest, key in _REGISTER_ROW.findall(stored, section):
        sealed[relpath].append((digest, key))
    errors = []
    for relpath, rows in sorted(sealed.items()):
        if relpath in untouched:
            continue
        if relpath not in cache:
            path = root / relpath
            cache[relpath] = (collections.Counter(canonical.register_rows(str(path)))
                              if path.is_file() else None)
        now = cache[relpath]
        if now is None:
            errors.append(_error(seal, "register", relpath, f"已封账的登记册文件 {relpath} 缺失"))
            continue
        keys_now = {key for _digest, key in now}
        for digest, key in sorted(collections.Counter(rows) - now, key=lambda row: row[1]):
            what = "被修改" if key in keys_now else "被删除"
            errors.append(_error(seal, "register", f"{relpath}:{key}", f"登记册已封账行{what}："
                                 f"{relpath} 中 {key} 一行（封账时摘要 {digest[:8]}）"))
    return errors


# -- sealing -------------------------------------------------------------------------------

class SealRefused(Exception):
    """Why a period cannot be sealed (Chinese + English)."""


def plan(entries, options_map, through: datetime.date) -> tuple[str, str, str]:
    """(hash, previous hash, sidecar text) of a new seal through `through`."""
    root = root_of(options_map)
    seals = read_seals(entries)
    if seals and through <= seals[-1].through:
        raise SealRefused(f"已封账至 {seals[-1].through}，新封账日期须晚于此 already sealed through "
                          f"{seals[-1].through}; seal a later day")
    days = [seals[-1].through, through] if seals else [through]
    lines = [entry_line(e) for e in periods(entries, days)[-1]]
    for relpath in register_files(entries, root, through):
        if not (root / relpath).is_file():
            raise SealRefused(f"登记册文件缺失 register file missing: {relpath}")
        lines += register_lines(root, relpath)
    previous = seals[-1].hash if seals else ""
    text = sidecar_text(through, lines)
    return seal_hash(through, previous, text), previous, text


def remember(entries, options_map, through: datetime.date, hash_: str) -> None:
    """Let the plugin's memory (fundtrail.sealcache) know the period just sealed is verified:
    its digests were just computed from these very entries."""
    if not sealcache.key():
        return
    seals = read_seals(entries)
    days = [seals[-1].through, through] if seals else [through]
    memo = VerifiedPeriods(root_of(options_map), Path(options_map["filename"]), entries,
                           options_map.get("include"))
    memo.remember(hash_, memo.check(hash_, periods(entries, days)[-1])[1])
    memo.save({s.hash for s in seals} | {hash_})


def write(root: Path, through: datetime.date, hash_: str, previous: str, sidecar: str,
          user: str, today: datetime.date) -> Path:
    """Write the sidecar, then append the seal directive to seals.beancount (each atomically)."""
    atomic(sidecar_path(root, through), sidecar.encode("utf-8"))
    entries = len(entry_digests(sidecar))
    seals_file = root / SEALS_FILE
    text = seals_file.read_text("utf-8") if seals_file.exists() else ""
    text += (f'\n{today} custom "seal" {through} "{hash_}" "{previous}"\n'
             f'  by: "{user.replace(chr(34), "")}"\n  entries: {entries}\n')
    atomic(seals_file, text.encode("utf-8"))
    return seals_file
