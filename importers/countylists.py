"""Lists a county already keeps, as master data in masterdata/county.beancount:

- the division list (行政区划代码: towns and villages with their statistical codes) ->
  `custom "town" "<9-digit code>"` and `custom "village" "<12-digit code>"` (name, town). The
  code says the level: 12 digits ending 000 (or 9 digits) a town, other 12-digit codes a village
  of the town its first 9 digits name. A list with one row per village may name the town in a
  乡镇 column instead. The county's own row (6 digits, or 12 ending 000000) sets the county's
  identity (`custom "county"`: its name and code, the bureau named after it) when the workspace
  has none yet (`fundtrail init DIR --division-list FILE --phone ...`, which leaves the code
  000000 for the list to fill); the supervision phone is kept. A workspace that has its county
  keeps it, and a list naming another county is warned about; otherwise the row is skipped.
- the subsidy items (补贴项目) with their standard (补贴标准, per payment) and period (发放周期:
  一次性, 每年, 每半年, 每季度, 每月) -> `custom "subsidy-item" "<name>"` (standard, period), which
  duplicate-subsidy and subsidy-above-standard read.

Both are upserted by key, like the other registers: re-importing a changed list updates in place.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from beancount.core import data

from fundtrail.importers import cells
from fundtrail.importers.base import Extraction
from fundtrail.importers.context import ImportContext
from fundtrail.importers.errors import BadInput
from fundtrail.importers.headers import DIVISION_LIST, PEOPLE, SUBSIDY_ITEMS
from fundtrail.importers.registers import TabularImporter, count_held, master_custom
from fundtrail.importers.tables import header_score, sniffed_head
from fundtrail.ledgertext import money
from fundtrail.workspace import UNSET_ADMDIV

COUNTY_FILE = "masterdata/county.beancount"
PERIOD_WORDS = (("半年", "half"), ("季", "quarter"), ("月", "month"), ("年", "year"), ("一次", "once"))


class _CountyList(TabularImporter):
    def upsert(self, ex: Extraction, ctx: ImportContext, entries: list) -> None:
        count_held(ex, ctx, entries)
        ex.masterdata[COUNTY_FILE] = entries


class DivisionListImporter(_CountyList):
    kind = "行政区划代码表 division list"
    spec = DIVISION_LIST
    section = "divisions"

    def score(self, path: Path) -> int:
        """A list of people with their village codes (a roster) is not a division list."""
        score = super().score(path)
        return score and (0 if header_score(sniffed_head(path), PEOPLE) else score)

    def read(self, path: Path, ctx: ImportContext) -> Extraction:
        ex = Extraction(path, self, self.kind, "registers")
        day = ctx.open_date(datetime.date.today())
        towns, villages, county = {}, {}, None

        def code_of(number, row):
            code = re.sub(r"\s", "", cells.text(row["code"]))
            if not code.isdigit() or len(code) not in (6, 9, 12):
                raise BadInput(path, f"区划代码应为6、9或12位数字: {code!r}",
                               f"a division code has 6, 9 or 12 digits: {code!r}", number)
            return code, code

        for number, row, _ in self.records(path, ex, code_of, ("区划代码 ", "division code ")):
            code, name = code_of(number, row)[0], cells.text(row["name"])
            if not name:
                raise BadInput(path, "名称为空", "empty name", number)
            if len(code) == 6 or code.endswith("000000"):
                county = (number, code[:6], name)
            elif len(code) == 9 or code.endswith("000"):
                towns[code[:9]] = name
            else:
                villages[code] = (name, code[:9])
                town = cells.text(row.get("town"))
                if town and code[:9] not in towns:
                    towns[code[:9]] = town
        unknown = sorted({t for _, t in villages.values() if t not in towns and t not in ctx.master.towns})
        if unknown:
            ex.warnings.append(f"村代码所属乡镇不在表中(未建乡镇): {'、'.join(unknown)} / villages "
                               "of towns the list does not name")
        entries = self._county(ex, ctx, county)
        entries += [master_custom("town", code, day, {"name": name}) for code, name in towns.items()]
        entries += [master_custom("village", code, day, {"name": name, "town": town})
                    for code, (name, town) in villages.items()]
        self.upsert(ex, ctx, entries)
        return ex


    @staticmethod
    def _county(ex: Extraction, ctx: ImportContext, row) -> list:
        """The county's own directive when the list sets the identity of a workspace that has
        none yet (see the module doc); [] otherwise."""
        held = ctx.master.county
        unset = held is None or held.code == UNSET_ADMDIV
        if row is None:
            if unset:
                ex.warnings.append("表中没有区县本级的行(6位代码)，区县名称和代码仍未设定 / the list has no "
                                   "row for the county itself (a six-digit code): the county is still unset")
            return []
        number, code, name = row
        if not unset:
            ex.skipped.append((number, "区县本级 the county itself"))
            if code != held.code:
                ex.warnings.append(f"表中区县 {name}({code}) 不是本工作区的 {held.name}({held.code})，未采用 / "
                                   f"the list's county {code} is not this workspace's {held.code}: not used")
            return []
        old = next((e for e in ctx.entries if isinstance(e, data.Custom) and e.type == "county"), None)
        meta = {"name": name, "bureau": f"{name}财政局", "phone": held.phone if held else ""}
        return [master_custom("county", code, old.date if old else ctx.open_date(datetime.date.today()), meta)]


def period_of(text: str) -> str:
    """一次性 -> once, 每年/年度 -> year, 每半年 -> half, 季度 -> quarter, 每月 -> month."""
    folded = cells.fold(text)
    if folded in ("once", "year", "half", "quarter", "month"):
        return folded
    return next((period for word, period in PERIOD_WORDS if word in folded), "")


class SubsidyItemImporter(_CountyList):
    kind = "补贴项目及标准 subsidy items"
    spec = SUBSIDY_ITEMS
    section = "subsidies"

    def read(self, path: Path, ctx: ImportContext) -> Extraction:
        ex = Extraction(path, self, self.kind, "registers")
        day = ctx.open_date(datetime.date.today())
        entries = []

        def item(_number, row):
            name = cells.text(row["item"])
            return name, name

        for number, row, _ in self.records(path, ex, item, ("补贴项目 ", "subsidy item ")):
            name = cells.text(row["item"])
            standard = self._cell(path, number, cells.amount, row["standard"], "补贴标准 standard")
            period = period_of(cells.text(row["period"]))
            if not period:
                raise BadInput(path, f"发放周期无法识别: {cells.text(row['period'])!r} (一次性、每年、每半年、"
                               "每季度、每月)", f"unknown period {cells.text(row['period'])!r} (once, "
                               "year, half, quarter, month)", number)
            entries.append(master_custom("subsidy-item", name, day, {
                "standard": money(standard) if standard is not None else None, "period": period}))
        self.upsert(ex, ctx, entries)
        return ex
