"""`fundtrail verify`: is the record still what it was? Three checks, each a list of breaks.

- seals: the seal chain and every sealed period (fundtrail.seals.verify, run here even when the
  ledger no longer lists the plugin);
- documents: every entry's `source` under documents/ still exists and, where the entry records
  its `sha256`, still has that hash; an entry without sha256 is unverifiable (listed, not a break);
- balances: the statements' `balance` assertions still hold (and the ledger has no other error).
"""

from __future__ import annotations

import collections
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from beancount.core import data
from beancount.ops.balance import BalanceError

from fundtrail import beanerrors, seals
from fundtrail.findings import Finding
from fundtrail.workspace import shown_at

DOCUMENTS = "documents/"


@dataclass
class Check:
    name: str
    checked: int = 0  # seals, files or assertions looked at
    breaks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # not breaks (unverifiable documents)


def _where(error) -> str:
    return shown_at(getattr(error, "source", None) or {})


def check_seals(entries, options_map) -> Check:
    errors, _watched = seals.verify(entries, options_map)
    return Check("封账链", len(seals.read_seals(entries)),
                 [f"{_where(e)} {e.message}" for e in errors])


def check_expected(entries, expected) -> Check:
    """Each hash kept outside the workspace (`verify --expect`) is a seal of the chain. A full,
    consistent rewrite of the books recomputes the whole chain; only such a copy shows it."""
    chain = seals.read_seals(entries)
    check = Check("留存哈希", len(expected))
    for written in expected:
        wanted = seals.written_hash(written)
        found = [s for s in chain if len(wanted) >= 16 and s.hash.startswith(wanted)]
        if not found:
            check.breaks.append(f"封账链中没有留存的哈希 {wanted[:16]}…：账簿被整体改写，或哈希抄错")
        elif seals.written_day(written) not in (None, str(found[-1].through)):
            check.breaks.append(f"留存哈希的日期 {seals.written_day(written)} 与其封账日 {found[-1].through} 不符："
                                f"该哈希是封账至 {found[-1].through} 的封账")
        elif found[-1] is not chain[-1]:
            check.notes.append(f"留存哈希为封账至 {found[-1].through} 的封账，之后还有 "
                               f"{len(chain) - 1 - chain.index(found[-1])} 次封账")
    return check


def check_balances(entries, errors) -> Check:
    others = [e for e in errors if not isinstance(e, (Finding, seals.SealError))]
    assertions = sum(1 for e in entries if isinstance(e, data.Balance))
    return Check("余额断言", assertions, [f"{_where(e)} {_chinese(e)}" for e in others
                                                  if isinstance(e, BalanceError)]
                 + [f"{_where(e)} {_chinese(e, '账簿错误：')}" for e in others
                    if not isinstance(e, BalanceError)])


def _chinese(error, lead: str = "") -> str:
    """beancount's message in Chinese (fundtrail.beanerrors), after `lead` unless the wording
    has its own (a message it does not know)."""
    text = beanerrors.chinese(error.message, getattr(error, "entry", None)).strip()
    return text if text.startswith(beanerrors.UNKNOWN) else lead + text


def check_documents(entries, root: Path) -> Check:
    root = Path(root).resolve()
    by_file = collections.defaultdict(list)
    for entry in entries:
        source = (getattr(entry, "meta", None) or {}).get("source")
        if isinstance(source, str) and source.startswith(DOCUMENTS):
            by_file[source].append(entry)
    check = Check("原始凭证", len(by_file))
    for source, items in sorted(by_file.items()):
        first = shown_at(items[0].meta)
        path = (root / source).resolve()
        if not path.is_relative_to(root / DOCUMENTS):
            check.breaks.append(f"{first} 来源路径越出 documents/ 目录：{source}")
            continue
        if not path.is_file():
            check.breaks.append(f"{first} 原始凭证缺失：{source}（涉及 {len(items)} 笔分录）")
            continue
        recorded = {str(e.meta["sha256"]).lower() for e in items if e.meta.get("sha256")}
        unrecorded = sum(1 for e in items if not e.meta.get("sha256"))
        if recorded:
            actual = hashlib.sha256(path.read_bytes()).hexdigest()
            if recorded != {actual}:
                check.breaks.append(f"{first} 原始凭证被改动：{source}（现 sha256 为 {actual[:12]}，"
                                    f"账簿记录为 {sorted(recorded)[0][:12]}）")
        if unrecorded:
            check.notes.append(f"未记录 sha256，无法核验：{source}（涉及 {unrecorded} 笔分录）")
    return check
