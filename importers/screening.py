"""The departments' screening lists (部门筛查预警) -> registers/screening.csv: the 医保局's medical
self-pay push list (医疗费用个人自付), the 教育局's education expense list (教育费用个人负担, by
parent's name and village, often without an ID number) and the 应急管理局's list of households
hit by a disaster (受灾户). Each is a CSV (any encoding and separator) or an Excel sheet whose
columns `importers.headers` names (MEDICAL_SCREENING, EDUCATION_SCREENING, DISASTER_SCREENING);
title lines, metadata lines above the header and a 合计 row are skipped.

Every row becomes a row of the workspace's screening register (its columns REGISTER_HEADERS
["screening"]: 类别, 身份证号, 姓名, 乡镇, 行政村, 日期, 金额, 情况, 来源), keyed by all of them but
来源, so re-importing a list changes nothing and the same event in two lists is kept once. The
ledger names the register (`custom "register" "screening" "../registers/screening.csv"`); an
import adds that line to masterdata/registers.beancount when the ledger has none. The rules of
`fundtrail.plugins.rules.screening` judge the clues against the household register.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from beancount.core import data
from beancount.parser.grammar import ValueType

from fundtrail.idno import id_no
from fundtrail.importers import cells
from fundtrail.importers.base import Extraction
from fundtrail.importers.context import ImportContext
from fundtrail.importers.errors import BadInput
from fundtrail.importers.headers import DISASTER_SCREENING, EDUCATION_SCREENING, MEDICAL_SCREENING
from fundtrail.importers.registers import TabularImporter
from fundtrail.masterdata import read_register
from fundtrail.workspace import REGISTER_HEADERS

REGISTER = "screening"
REGISTERS_FILE = "masterdata/registers.beancount"
HEADER = REGISTER_HEADERS[REGISTER]
KEY = ("类别", "身份证号", "姓名", "行政村", "日期", "金额", "情况")
LISTS = {"医疗": (MEDICAL_SCREENING, "医疗费用个人自付推送表 medical self-pay list"),
         "教育": (EDUCATION_SCREENING, "教育费用个人负担名单 education expense list"),
         "灾害": (DISASTER_SCREENING, "受灾户统计表 disaster households list")}

_SLUGS = {"医疗": "medical", "教育": "education", "灾害": "disaster"}


class ScreeningImporter(TabularImporter):
    """One department's list -> the screening register, rows upserted by KEY."""

    section = REGISTER

    def __init__(self, kind: str, workspace=None):
        super().__init__(workspace)
        self.list_kind = kind
        self.spec, self.kind = LISTS[kind]

    @property
    def name(self) -> str:
        return f"fundtrail.screening.{_SLUGS[self.list_kind]}"

    def read(self, path: Path, ctx: ImportContext) -> Extraction:
        ex = Extraction(path, self, self.kind, "registers")
        named = ctx.master.registers.get(REGISTER)
        target = Path(named or ctx.root / "registers" / f"{REGISTER}.csv")
        existing = ({tuple(r.get(k) or "" for k in KEY) for r in read_register(target)}
                    if target.is_file() else set())
        rows = []
        scale = cells.unit(self.header(path)[3].get("amount", ""))  # a loss given in 万元

        def event(number, row):
            record = self._record(path, number, row, scale)
            key = tuple(record[k] for k in KEY)
            return key, f"{record['姓名']} {record['日期']} {record['金额']}"

        for number, row, _ in self.records(path, ex, event, ("记录 ", "record ")):
            record = self._record(path, number, row, scale)
            if tuple(record[k] for k in KEY) in existing:
                ex.present += 1
            rows.append(record)
        ex.registers[REGISTER] = (target, KEY, rows)
        if not named and rows:
            first = min(r["日期"] for r in rows)
            ex.masterdata[REGISTERS_FILE] = [data.Custom(
                data.new_metadata("<import>", 0), datetime.date.fromisoformat(first),
                "register", [ValueType(REGISTER, str), ValueType(f"../registers/{REGISTER}.csv", str)])]
        return ex

    def _record(self, path, number, row, scale=cells.ONE) -> dict[str, str]:
        name, given = cells.text(row.get("name")), cells.text(row.get("id_no"))
        if not (name or given):
            raise BadInput(path, "缺少姓名和身份证号", "missing name and ID number", number)
        if self.list_kind == "教育" and not given and not cells.text(row.get("village")):
            raise BadInput(path, "无身份证号时须有行政村（按家长姓名和行政村对应户）",
                           "without an ID number the village is needed (matched by name and village)",
                           number)
        day = self._date(path, number, row.get("date"), self.spec["date"].label)
        if day is None:
            raise BadInput(path, f"{self.spec['date'].label}为空", "empty date", number)
        amount = self._cell(path, number, lambda c: cells.amount(c, scale=scale), row.get("amount"),
                            self.spec["amount"].label)
        detail = cells.text(row.get("detail"))
        hazard = cells.text(row.get("hazard"))
        return {"类别": self.list_kind, "身份证号": id_no(given),
                "姓名": name, "乡镇": cells.text(row.get("town")), "行政村": cells.text(row.get("village")),
                "日期": day.isoformat(), "金额": f"{amount:.2f}" if amount is not None else "0.00",
                "情况": f"{hazard} {detail}".strip() if hazard and hazard not in detail else detail,
                "来源": Path(path).name}
