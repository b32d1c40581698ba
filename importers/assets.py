"""The asset register a county keeps (扶贫项目资产台账, Excel or CSV) becomes master data in
masterdata/assets.beancount: one `custom "asset"` per row, an `open Income:Asset:<id>` for each
operating asset, the village collective's accounts, and a `custom "asset-disposal"` where the
row records a disposal (处置方式). Rows are keyed by 资产编号, so re-importing a changed
register replaces its directives in place.

Columns (any order; a title row above the header is fine): 资产编号, 资产名称, 资产类别
(经营性/公益性/到户类, "经营性资产" too), 项目编号, 行政村 (name or code), 所有权人, 资产价值
(元 or 万元; 资产原值 / 账面价值), 管护主体, 预期年收益, 登记日期 (确权/移交日期); optional
处置方式, 处置日期, 处置批准文号, 处置收入.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from beancount.core import data

from fundtrail import accounts as acc
from fundtrail.assets import CLASSES, DISPOSAL_KINDS, OPERATING
from fundtrail.importers import cells
from fundtrail.importers.base import Extraction
from fundtrail.importers.context import ImportContext
from fundtrail.importers.errors import BadInput
from fundtrail.importers.headers import ASSET_REGISTER
from fundtrail.importers.registers import TabularImporter, master_custom, master_open
from fundtrail.ledgertext import money

ASSETS_FILE = "masterdata/assets.beancount"
PAYMENTS = (("半年", "半年付"), ("季", "季付"), ("月", "月付"), ("年", "年付"))


def payment_of(text: str) -> str:
    """季付, 按季支付, 每季度 -> 季付; 年付 / 按年 -> 年付; 半年付; 月付; "" when unknown."""
    folded = cells.fold(text)
    return next((payment for word, payment in PAYMENTS if word in folded), "")


def _scaled(scale: Decimal):
    """A value cell read in yuan from a column in `scale` (元 or 万元; fundtrail.importers.cells)."""
    return lambda cell: cells.amount(cell, scale=scale)


class AssetRegisterImporter(TabularImporter):
    kind = "项目资产台账 asset register"
    spec = ASSET_REGISTER
    section = "assets"

    @property
    def name(self) -> str:
        return "fundtrail.register.assets"

    def read(self, path: Path, ctx: ImportContext) -> Extraction:
        ex = Extraction(path, self, self.kind, "registers")
        labels = self.header(path)[3]
        scale = cells.unit(labels["value"])
        villages = {p.name: code for code, p in ctx.master.villages.items()}
        out, collectives = [], {}  # village code -> (its name, first registration)

        def asset_id(_number, row):
            code = cells.text(row["id"])
            return code, code

        for number, row, _ in self.records(path, ex, asset_id, ("资产编号 ", "asset number ")):
            code = cells.text(row["id"])
            if not code or not code.isascii() or not code[0].isalnum() or " " in code:
                raise BadInput(path, f"资产编号 {code!r} 不能用作账户名(需以字母或数字开头的ASCII)",
                               f"asset number {code!r} cannot name an account (ASCII, letter/digit first)",
                               number)
            cls = cells.text(row["cls"]).removesuffix("资产")
            if cls not in CLASSES:
                raise BadInput(path, f"资产类别 {cells.text(row['cls'])!r} 应为 {'/'.join(CLASSES)}",
                               f"asset class must be one of {CLASSES}", number)
            value = self._cell(path, number, _scaled(scale), row["value"], "资产价值 value")
            if value is None:
                raise BadInput(path, "资产价值为空", "empty asset value", number)
            registered = self._date(path, number, row["registered"], "登记日期 registration date")
            if registered is None:
                raise BadInput(path, "登记日期为空", "empty registration date", number)
            place = cells.text(row.get("village"))
            village = villages.get(place, place)
            income = self._cell(path, number,
                                _scaled(cells.unit(labels.get("income", ""))),
                                row.get("income"), "预期年收益 income")
            project = cells.text(row.get("project"))
            if project and project not in ctx.master.projects:
                ex.warnings.append(f"第{number}行 {code}: 项目编号 {project} 不在项目库中 / project not in the library")
            if place and place not in villages and place not in ctx.master.villages:
                ex.warnings.append(f"第{number}行 {code}: 行政村 {place} 不在 county.beancount 中 / unknown village")
            asset = master_custom("asset", [code], registered, {
                "name": cells.text(row["name"]), "class": cls, "project": project, "village": village,
                "owner": cells.text(row.get("owner")), "value": money(value),
                "custodian": cells.text(row.get("custodian")),
                "income": money(income) if income else None,
                "payment": payment_of(cells.text(row.get("payment"))) if income else None})
            known = ctx.master.assets.get(code)
            self._count(ex, known.entry if known else None, asset)
            out.append(asset)
            if cls == OPERATING:
                earned = f"{acc.ASSET_INCOME}:{code}"  # kept open from an earlier date when income
                held = ctx.master.accounts.get(earned)  # recorded before registration moved it back
                out.append(master_open(earned, min(registered, held.date) if held else registered,
                                 {"name": f"{cells.text(row['name'])}收益", "village": village}))
                if village.isascii() and village:  # a village code names the accounts
                    first = collectives.get(village, (place, registered))[1]
                    collectives[village] = (place, min(first, registered))
            disposal = self._disposal(path, number, row, code)
            if disposal:
                out.append(disposal)
        for village, (place, first) in sorted(collectives.items()):
            for account, what in ((acc.COLLECTIVE, "村集体资产收益"), (acc.DISTRIBUTION, "资产收益分配")):
                if not ctx.is_open(f"{account}:{village}"):
                    out.append(master_open(f"{account}:{village}", first, {"name": f"{place}{what}"}))
        ex.masterdata[ASSETS_FILE] = out
        return ex

    def _disposal(self, path, number, row, code) -> data.Custom | None:
        kind = cells.text(row.get("disposal"))
        if not kind:
            return None
        if kind not in DISPOSAL_KINDS:
            raise BadInput(path, f"处置方式 {kind!r} 应为 {'/'.join(DISPOSAL_KINDS)}",
                           f"disposal must be one of {DISPOSAL_KINDS}", number)
        day = self._date(path, number, row.get("disposed"), "处置日期 disposal date")
        if day is None:
            raise BadInput(path, "有处置方式但处置日期为空", "disposal without a date", number)
        proceeds = self._cell(path, number, cells.amount, row.get("proceeds"), "处置收入 proceeds")
        return master_custom("asset-disposal", [code, kind], day, {
            "approval": cells.text(row.get("approval")),
            "proceeds": money(proceeds) if proceeds else None})
