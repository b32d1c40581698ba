"""The province report (全省衔接资金汇总): every county's figures side by side, the province
totals (the sum of the counties), spending progress against 序时进度, idle money by age, each
county's own findings and the cross-county findings, from the counties' Parquet.

    facts = province_facts(Province("out"), 2024)       # dict of tables, Decimal money
    pdf_bytes(facts) / xlsx_bytes(facts)
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from fundtrail import sheets
from fundtrail.books import Books
from fundtrail.findings import SEVERITY_LABELS
from fundtrail.masterdata import County
from fundtrail.province.queries import MONEY, Province
from fundtrail.province.rollup import read_state
from fundtrail.province.rules import criteria, cross_county
from fundtrail.reports import render

ZERO = Decimal(0)


def _issuer(name: str, bureau: str) -> Books:
    """Empty books naming the province as the issuer: what the report renderer reads."""
    books = Books([])
    books.master.county = County("", name, bureau)
    return books


def _total(rows: list[dict], label_key: str, label: str) -> dict:
    total = {label_key: label}
    for key in (*MONEY, "opening"):
        total[key] = sum((r[key] for r in rows), ZERO)
    return total


def _first_line(text: str) -> str:
    """The first line of a county's error ("" when the worker gave no message)."""
    return next(iter(text.strip().splitlines()), "")


def province_facts(province: Province, year: int, as_of: datetime.date | None = None,
                   name: str = "全省", bureau: str = "省财政厅", settings: dict | None = None) -> dict:
    counties = province.by_county(year)
    found = cross_county(province, settings)
    failed = [{"name": r.get("name") or Path(r["ledger"]).parent.name,
               "error": _first_line(r.get("error", "").split(":", 1)[-1].split(" the ledger")[0])}
              for r in read_state(province.out).values() if r.get("status") == "failed"]
    return {
        "year": year, "as_of": as_of or datetime.date(year, 12, 31), "scope": name, "bureau": bureau,
        "counties": counties, "total": _total(counties, "name", "合计"),
        "levels": province.by_level(year), "documents": province.by_document(year),
        "progress": province.progress(year, as_of), "idle": province.idle(year),
        "county_findings": province.county_findings(as_of or datetime.date(year, 12, 31)),
        "cross": [{"finding": f, "title": f.title,
                   "severity": SEVERITY_LABELS[f.severity], "criteria": criteria(f.rule),
                   "counties": dict(f.facets).get("counties", "")}
                  for f in found if f.date and f.date.year == year],
        "failed": failed,
    }


def pdf_bytes(facts: dict) -> bytes:
    title = f"{facts['scope']}{facts['year']}年度衔接资金分县汇总"
    context = {k: v for k, v in facts.items() if k != "bureau"}  # the issuer's, from _issuer
    return render.pdf("province.html", _issuer(facts["scope"], facts["bureau"]), title=title,
                      header=title, **context)


SHEETS = {  # sheet: (facts key, {column: header})
    "分县": ("counties", {"county": "区划代码", "name": "县区", "received": "到位", "passed_down": "下达",
                        "spent": "支出", "balance": "结余"}),
    "分级次": ("levels", {"level": "资金级次", "received": "到位", "passed_down": "下达", "spent": "支出",
                       "balance": "结余"}),
    "分指标文件": ("documents", {"doc_no": "指标文号", "counties": "县区数", "received": "到位",
                            "passed_down": "下达", "spent": "支出", "balance": "结余"}),
    "支出进度": ("progress", {"county": "区划代码", "name": "县区", "available": "可用资金", "spent": "支出",
                          "share": "支出进度", "timeline": "序时进度"}),
    "沉淀资金": ("idle", {"county": "区划代码", "name": "县区", "under_1y": "一年以内", "y1_2": "一至二年",
                       "over_2y": "二年以上"}),
    "县级疑点": ("county_findings", {"county": "区划代码", "name": "县区", "total": "疑点数",
                                 "open": "未处置", "open_high": "未处置高风险"}),
}
CROSS_HEADERS = {"id": "疑点编号", "rule": "规则", "title": "名称", "severity": "严重程度",
                 "counties": "涉及县区", "date": "日期", "amount": "金额", "message": "情况",
                 "links": "证据", "criteria": "依据"}
KINDS = {  # columns that are not text (fundtrail.sheets)
    **dict.fromkeys(("received", "passed_down", "spent", "balance", "available", "under_1y",
                     "y1_2", "over_2y", "amount"), sheets.MONEY),
    **dict.fromkeys(("counties", "total", "open", "open_high"), sheets.COUNT),
    "share": sheets.PERCENT, "timeline": sheets.PERCENT, "date": sheets.DATE}


def xlsx_bytes(facts: dict) -> bytes:
    """The province workbook through fundtrail.sheets (formula guard, numbers, real dates)."""
    tables = [sheets.Sheet(sheet, sheets.columns(headers, KINDS),
                           facts[key] + ([facts["total"]] if key == "counties" else []))
              for sheet, (key, headers) in SHEETS.items()]
    cross = [{"id": c["finding"].id, "rule": c["finding"].rule, "title": c["title"],
              "severity": c["severity"], "counties": c["counties"], "date": c["finding"].date,
              "amount": c["finding"].amount, "message": c["finding"].message,
              "links": " ".join(c["finding"].links), "criteria": c["criteria"]}
             for c in facts["cross"]]
    kinds = {**KINDS, "counties": sheets.TEXT}  # here the counties' names, not their number
    tables.append(sheets.Sheet("跨县疑点", sheets.columns(CROSS_HEADERS, kinds), cross))
    return sheets.xlsx_bytes(tables)
