"""Every importer a workspace has: one per bank layout (packaged and the workspace's own), the
treasury vouchers, the 一卡通 rosters, the registers and the collective layer's asset income
records and distribution rosters. `config.py`-style use with
beangulp's CLI:

    import beangulp
    from fundtrail.importers.registry import importers
    beangulp.Ingest(importers("path/to/workspace"))()
"""

from __future__ import annotations

import shlex
from pathlib import Path

from fundtrail.importers import cells, layout, sniff
from fundtrail.importers.assets import AssetRegisterImporter
from fundtrail.importers.base import FundtrailImporter
from fundtrail.importers.benefit import (
    LeaseImporter,
    LeaseReceiptImporter,
    PurchaseListImporter,
    RentRollImporter,
    WageRollImporter,
)
from fundtrail.importers.collective import DistributionImporter, IncomeRecordImporter
from fundtrail.importers.countylists import DivisionListImporter, SubsidyItemImporter
from fundtrail.importers.errors import BadInput
from fundtrail.importers.headers import STATEMENT, label_key
from fundtrail.importers.loans import LoanRegisterImporter
from fundtrail.importers.registers import (
    FundListImporter,
    PersonRegisterImporter,
    ProjectLibraryImporter,
)
from fundtrail.importers.rosters import RosterImporter
from fundtrail.importers.screening import ScreeningImporter
from fundtrail.importers.statement import StatementImporter
from fundtrail.importers.tables import sniffed_head
from fundtrail.importers.vouchers import VoucherImporter

# Registers first (places, items, funds, projects and assets classify what follows), then the money.
ORDER = (DivisionListImporter, SubsidyItemImporter, FundListImporter, ProjectLibraryImporter,
         AssetRegisterImporter, PersonRegisterImporter, LoanRegisterImporter, ScreeningImporter,
         VoucherImporter, IncomeRecordImporter, DistributionImporter, RosterImporter, StatementImporter,
         # benefit links: the rolls and leases after the registers, the rent receipts after the leases
         WageRollImporter, PurchaseListImporter, RentRollImporter, LeaseImporter, LeaseReceiptImporter)


def importers(workspace: Path | str | None = None) -> list[FundtrailImporter]:
    root = Path(workspace) if workspace else None
    return ([DivisionListImporter(root), SubsidyItemImporter(root), FundListImporter(root),
             ProjectLibraryImporter(root), AssetRegisterImporter(root),
             PersonRegisterImporter("households", root), PersonRegisterImporter("officials", root),
             LoanRegisterImporter(root),
             ScreeningImporter("医疗", root), ScreeningImporter("教育", root), ScreeningImporter("灾害", root),
             VoucherImporter(root), IncomeRecordImporter(root), DistributionImporter(root),
             RosterImporter(root)]
            + [StatementImporter(lay, root) for lay in layout.load_all(root)]
            + [WageRollImporter(root), PurchaseListImporter(root), RentRollImporter(root),
               LeaseImporter(root), LeaseReceiptImporter(root)])


def best_scoring(path: Path, candidates) -> FundtrailImporter | None:
    """The candidate that scores highest on `path` (the first of equals), None when none scores."""
    best, score = None, 0
    for importer in candidates:
        value = importer.score(path)
        if value > score:
            best, score = importer, value
    return best


def pick(path: Path, candidates: list[FundtrailImporter]) -> FundtrailImporter:
    """The importer that scores highest on `path`; BadInput when none recognises it (a large file
    as soon as its head shows it: fundtrail.importers.sniff)."""
    if path.stat().st_size == 0:
        raise BadInput(path, "文件为空", "the file is empty")
    sniff.require_known_head(path, candidates)
    best = best_scoring(path, candidates)
    if best is None:
        if sniff.looks_like_xml(sniff.first_bytes(path)):
            raise BadInput(path, "无法识别的文件: 文件是XML，但找不到国库支付凭证元素(<Voucher>，凭证号 VoucherNo、"
                           "支付金额 PayAmt 等标准元素名)，未导入；其他系统自定的凭证XML请按国库集中支付凭证标准导出",
                           "no importer recognises this file: it is XML but holds no treasury voucher element "
                           "(<Voucher> with the standard element names)")
        zh, en = _nearest_layout(path, candidates)
        known = ("无法识别的文件: 找不到已知的表头(银行对账单版式、一卡通发放明细、登记册、资产收益明细、收益分配明细、"
                 "务工花名册、订单收购台账、土地流转租金发放表、租赁合同台账)，也不是国库支付凭证XML。")
        known_en = ("no importer recognises this file: no known header row (bank layouts, subsidy roster, "
                    "registers, asset income, distributions, benefit rolls, leases) and not a treasury voucher "
                    "XML. ")
        if not _looks_like_statement(path):  # no bank statement: the bank tool would not help
            raise BadInput(path, known + "文件中也找不到银行对账单的日期、金额和余额(或对方户名、摘要)列",
                           known_en + "Nor does it hold a bank statement's date, amount and balance (or "
                           "counterparty, summary) columns")
        typed = as_typed(path)
        raise BadInput(path, known + f"{zh}如是银行对账单，可运行 fundtrail layout suggest {typed} 生成版式",
                       known_en + f"{en}For a bank statement, run `fundtrail layout suggest {typed}` to draft "
                       "a layout")
    return best


def _looks_like_statement(path: Path) -> bool:
    """Whether a row near the top of a table names a statement's date, amount (debit, credit or
    one amount) and its running balance, counterparty or summary (headers.STATEMENT): what
    `layout suggest` can draft a layout for."""
    try:
        head = sniffed_head(path)
    except (BadInput, OSError, UnicodeError):
        return False
    groups = (("date", "datetime", "time"), ("debit", "credit", "amount"),
              ("balance", "payee", "payee_account", "payer", "summary"))
    for _, row in head.rows[:30]:
        labels = {label_key(cells.text(c)) for c in row if cells.text(c)}
        if all(any(label_key(n) in labels for f in group if f in STATEMENT for n in STATEMENT[f].names)
               for group in groups):
            return True
    return False


def as_typed(path: Path) -> str:
    """`path` as a user types it in a shell where the command ran: relative to the working
    directory when it lies below it, else absolute; quoted when it holds a space."""
    full = Path(path).resolve()
    try:
        text = str(full.relative_to(Path.cwd().resolve()))
    except ValueError:
        text = str(full)
    return shlex.quote(text)


def _nearest_layout(path: Path, candidates) -> tuple[str, str]:
    """The bank layout sharing most header labels with the file, what it lacks and which of
    the file's header cells it does not know, as (Chinese, English) sentences."""
    best = None
    for importer in candidates:
        if isinstance(importer, StatementImporter):
            try:
                found = importer.nearest(path)
            except BadInput:
                return "", ""  # not a table at all
            if found[0] and (best is None or found[0] > best[1][0]):
                best = (importer.layout, found)
    if best is None:
        return "", ""
    layout, (_, missing, extra) = best
    cells = "、".join(extra[:12]) or "-"
    return (f"最接近的版式「{layout.name}」({layout.key})缺少列: {'、'.join(missing)}；"
            f"文件中该版式不认识的表头: {cells}。",
            f"The closest layout, {layout.key}, lacks {', '.join(missing)}; header cells it does "
            f"not know: {', '.join(extra[:12]) or '-'}. ")


def rank(importer: FundtrailImporter) -> int:
    return next(i for i, cls in enumerate(ORDER) if isinstance(importer, cls))
