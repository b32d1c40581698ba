"""A payment batch as the pre-payment gate reads it: treasury payment vouchers (XML), a 一卡通
roster or a payment request list (fundtrail.importers.requests), each read by its importer
into the entries it would book, without filing or writing anything.

    batch = read_batch(["batch.xml"], root, books.entries, day=date(2025, 12, 16))
    batch.lines    # one Line per voucher or row: file, row, date, payee, amount, entry, sheet
    batch.opens    # cash accounts the file pays from that the books do not open yet

A roster row still to be paid (发放状态 待发放 / 待支付 / 未发放) is read as a payment, like
one paid (成功); a failed row is skipped with its reason, as on import. `day` books every line
on that day (the day the batch is to be paid) instead of the file's dates. Bad input raises
BadInput naming the file and the row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from beancount.core import data

from fundtrail import accounts as acc
from fundtrail.importers import sniff
from fundtrail.importers.context import ImportContext
from fundtrail.importers.errors import BadInput
from fundtrail.importers.registry import best_scoring
from fundtrail.importers.requests import PaymentRequestImporter
from fundtrail.importers.rosters import RosterImporter
from fundtrail.importers.vouchers import VoucherImporter

TO_PAY = ("待发放", "待支付", "未发放", "待支")


@dataclass
class Line:
    file: str  # the file's name as given
    row: int  # the physical row (a voucher: the line of its <VoucherNo>)
    date: datetime.date
    payee: str
    amount: Decimal
    entry: data.Transaction
    kind: str = ""
    sheet: str = ""  # the sheet of a workbook read sheet by sheet (a roster per town), else ""


@dataclass
class Batch:
    lines: list[Line] = field(default_factory=list)
    opens: list = field(default_factory=list)
    skipped: list[tuple[str, int, str]] = field(default_factory=list)  # (file, row, reason)
    kinds: dict[str, str] = field(default_factory=dict)  # file -> what it was read as


def importers(root: Path):
    roster = RosterImporter(root)
    roster.to_pay = TO_PAY
    return [VoucherImporter(root), roster, PaymentRequestImporter(root)]


def pick(path: Path, candidates):
    """The batch importer for `path` (a file too large, or whose head none recognises, is
    refused before it is read whole: fundtrail.importers.sniff)."""
    sniff.require_known_head(path, candidates)
    best = best_scoring(path, candidates)
    if best is None:
        raise BadInput(path, "无法识别的付款批次文件: 应为国库支付凭证 XML、一卡通发放名单，或付款申请清单"
                       "(表头含 日期、收款人、收款账号、项目、金额、用途)",
                       "not a payment batch: expected treasury voucher XML, a 一卡通 roster or a "
                       "payment request list (date, payee, account, project, amount, purpose)")
    return best


def read_batch(paths, root, entries, day: datetime.date | None = None) -> Batch:
    """The lines of the batch files `paths`, as the books at `root` (their `entries`) would
    book them; see the module doc."""
    root = Path(root)
    # what the importers ask of the books for a voucher, roster or request: the accounts, the
    # master data and the classification rules (the directives), not what they already hold
    ctx = ImportContext(root, [e for e in entries if type(e) in (data.Open, data.Custom)], batch="GATE")
    candidates = importers(root)
    batch = Batch()
    for path in map(Path, paths):
        if not path.is_file():
            raise BadInput(path, "文件不存在", "no such file")
        importer = pick(path, candidates)
        for opened in importer.accounts(path, ctx):
            if not ctx.is_open(opened.account):
                batch.opens.append(opened)
                ctx.add([opened])
                ctx.refresh()
        ex = importer.read(path, ctx)
        batch.kinds[path.name] = ex.kind.split(" ")[0]
        new = [o for o in ex.opens if not ctx.is_open(o.account)]
        if new:
            batch.opens += new
            ctx.add(new)
            ctx.refresh()
        batch.skipped += [(path.name, int(row), reason) for row, reason in ex.skipped]
        raw = path.read_bytes() if isinstance(importer, VoucherImporter) else b""
        for entry in ex.entries:
            if not isinstance(entry, data.Transaction):
                continue
            row = int(entry.meta.get("row") or 0) or _voucher_line(raw, entry.meta.get("voucher"))
            entry = entry._replace(date=day or entry.date, meta={**entry.meta, "lineno": row})
            batch.lines.append(Line(path.name, row, entry.date, _payee(entry), _amount(entry),
                                    entry, batch.kinds[path.name], str(entry.meta.get("sheet") or "")))
    return batch


def _voucher_line(raw: bytes, number) -> int:
    at = raw.find(f"<VoucherNo>{number}</VoucherNo>".encode()) if number else -1
    return raw[:at].count(b"\n") + 1 if at >= 0 else 0


def _payee(entry) -> str:
    for posting in entry.postings:
        if posting.meta and posting.meta.get("beneficiary"):
            return str(posting.meta["beneficiary"])
    return entry.payee or ""


def _amount(entry) -> Decimal:
    return sum((-p.units.number for p in entry.postings if acc.is_cash(p.account)), Decimal(0))
