"""Every importer a workspace has: one per bank layout (packaged and the workspace's own), the
treasury vouchers, the 一卡通 rosters and the four registers. `config.py`-style use with
beangulp's CLI:

    import beangulp
    from fundtrail.importers.registry import importers
    beangulp.Ingest(importers("path/to/workspace")).main()
"""

from __future__ import annotations

from pathlib import Path

from fundtrail.importers import layout
from fundtrail.importers.assets import AssetRegisterImporter
from fundtrail.importers.base import FundtrailImporter
from fundtrail.importers.errors import BadInput
from fundtrail.importers.registers import (
    FundListImporter,
    PersonRegisterImporter,
    ProjectLibraryImporter,
)
from fundtrail.importers.rosters import RosterImporter
from fundtrail.importers.statement import StatementImporter
from fundtrail.importers.vouchers import VoucherImporter

# Registers first (their funds and projects classify what follows), then the money.
ORDER = (FundListImporter, ProjectLibraryImporter, AssetRegisterImporter, PersonRegisterImporter,
         VoucherImporter, RosterImporter, StatementImporter)


def importers(workspace: Path | str | None = None) -> list[FundtrailImporter]:
    root = Path(workspace) if workspace else None
    return ([FundListImporter(root), ProjectLibraryImporter(root), AssetRegisterImporter(root),
             PersonRegisterImporter("households", root), PersonRegisterImporter("officials", root),
             VoucherImporter(root), RosterImporter(root)]
            + [StatementImporter(lay, root) for lay in layout.load_all(root)])


def pick(path: Path, candidates: list[FundtrailImporter]) -> FundtrailImporter:
    """The importer that scores highest on `path`; BadInput when none recognises it."""
    best, score = None, 0
    for importer in candidates:
        value = importer.score(path)
        if value > score:
            best, score = importer, value
    if best is None:
        raise BadInput(path, "无法识别的文件: 找不到已知的表头(银行对账单版式、一卡通发放明细、登记册)，"
                       "也不是国库支付凭证XML",
                       "no importer recognises this file: no known header row (bank layouts, "
                       "subsidy roster, registers) and not a treasury voucher XML")
    return best


def rank(importer: FundtrailImporter) -> int:
    return next(i for i, cls in enumerate(ORDER) if isinstance(importer, cls))
