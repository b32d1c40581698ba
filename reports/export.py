"""Spreadsheet and open-data exports of what the reports disclose, through the same masking policy.

    xlsx_bytes(books, year=None) -> bytes      sheets 疑点 (findings: of the year as its audit report
                                               lists them), 项目 (projects), 支付 (payments)
    write_ofdp(books, directory, year=None)    Open Fiscal Data Package: payments.csv, funds.csv and
                                               datapackage.json (functional, economic,
                                               administrative, project and village dimensions)

Both are written by fundtrail.sheets (the formula guard, real dates, amounts as numbers).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from fundtrail import sheets
from fundtrail.findings import SEVERITY_LABELS
from fundtrail.masking import PUBLIC, masker_for
from fundtrail.reports.facts import Period, finding_set
from fundtrail.reports.village import project_rows

FUNC_NAMES = {"2130501": "行政运行", "2130502": "一般行政管理事务", "2130503": "机关服务",
              "2130504": "农村基础设施建设", "2130505": "生产发展", "2130506": "社会发展",
              "2130507": "贷款奖补和贴息", "2130508": "“三西”农业建设专项补助", "2130550": "事业运行",
              "2130599": "其他巩固脱贫攻坚成果衔接乡村振兴支出"}


def _in_year(date, year):
    return year is None or (date and date.year == year)


def payment_rows(books, year: int | None = None) -> list[dict]:
    """One row per payment: the books' spending (`FlowIndex.spending`: expense postings of a
    project or of a fund, the fund as `Flow.fund` has it), masked, in date order."""
    master, mask = books.master, masker_for(books, PUBLIC)
    rows = []
    between = (datetime.date(year, 1, 1), datetime.date(year, 12, 31)) if year else None
    for f in books.index.spending(between=between):
        project, fund = master.projects.get(f.project), master.funds.get(f.fund)
        func = str(f.meta.get("func_code") or (fund.func_code if fund else ""))
        village = master.villages.get(f.village)
        rows.append({
            "date": f.date.isoformat(), "amount": f.amount,
            "fund_code": f.fund, "doc_no": fund.doc_no if fund else "", "level": fund.level if fund else "",
            "func_code": func, "func_name": FUNC_NAMES.get(func, ""),
            "eco_code": str(f.meta.get("eco_code", "")),
            "admin_unit": project.unit if project else "",
            "project_code": f.project, "project_name": project.name if project else "",
            "village_code": f.village, "village_name": village.name if village else "",
            "town_name": master.place_name(village.town) if village else "",
            "payee": mask.name(f.entry.payee or ""), "narration": mask.text(f.entry.narration),
            "links": " ".join(mask.link(lk) for lk in sorted(f.entry.links)),
            "source": mask.text(f.entry.meta.get("source", "")),
            **place(f.entry.meta, mask),
        })
    return rows


CODE_COLUMNS = {"links", "village_code"}  # codes and evidence links, kept as they are


def masked(rows: list[dict], mask) -> list[dict]:
    """Every text cell through the masking policy, but for codes and evidence links."""
    return [{k: mask.text(v) if isinstance(v, str) and k not in CODE_COLUMNS else v
             for k, v in row.items()} for row in rows]


def place(meta, mask) -> dict:
    """Where in its source file an entry was read, each in its own column: the sheet (of a
    workbook read sheet by sheet; "" otherwise), the row as a number (None for a voucher) and
    the voucher number (kept only when it has a voucher number's shape)."""
    row = meta.get("row")
    voucher = str(meta.get("voucher", "")) if row is None else ""
    return {"sheet": mask.text(str(meta.get("sheet") or "")),
            "row": int(row) if row not in (None, "") else None,
            "voucher": mask.link(f"VOU-{voucher}").removeprefix("VOU-") if voucher else ""}


def listed_findings(books, year: int | None = None) -> list[tuple[str, object]]:
    """(本期 or 以前期间, finding) for the spreadsheet: for a year, its findings as the audit
    report and the desk list them (fundtrail.periods: the year's own, earlier ones still open,
    those closed in it; the books as at the year's end); without one, every finding of the books."""
    if year is None:
        from fundtrail.plugins.checks import all_findings

        return [("", f) for f in all_findings(books.entries, books.options)]
    found = finding_set(books, Period.parse(str(year)))
    return [("本期", f) for f in found.current] + [("以前期间", f) for f in found.earlier]


def finding_rows(books, year: int | None = None) -> list[dict]:
    mask = masker_for(books, PUBLIC)
    return [{"id": f.id, "period": when, "type": f.title, "severity": SEVERITY_LABELS[f.severity],
             "status": f.status_label, "reason": mask.text(f.reason), "count": f.count,
             "date": f.date, "amount": f.amount,
             "message": mask.text(f.message), "links": " ".join(mask.link(lk) for lk in f.links),
             "source": mask.text((getattr(f.entry, "meta", None) or {}).get("source", "")),
             **place(getattr(f.entry, "meta", None) or {}, mask),
             "ledger": f"{Path(f.source.get('filename') or '').name}:{f.source.get('lineno', '')}"}
            for when, f in listed_findings(books, year)]


def project_table(books, year: int | None = None) -> list[dict]:
    import datetime

    mask = masker_for(books, PUBLIC)
    codes = [c for c, p in sorted(books.master.projects.items()) if _in_year(p.approved, year)]
    end = datetime.date(year, 12, 31) if year else None
    rows = []
    for r in project_rows(books, codes, end or datetime.date.max):
        p = r["p"]
        rows.append({
            "code": p.code, "name": p.name, "category": p.category, "place": r["place"],
            "task": p.task, "standard": p.standard, "sources": r["funds"], "budget": p.budget,
            "start": str(p.start or ""), "end": str(p.end or ""), "unit": p.unit,
            "manager": mask.name(p.manager), "goal": p.goal, "linkage": p.linkage,
            "households": p.households, "poor_households": p.poor_households,
            "received": r["received"], "spent": r["spent"], "balance": r["balance"],
            "status": r["status"]})
    return rows


PAYMENT_HEADERS = {
    "date": "日期", "amount": "金额", "fund_code": "资金编码", "doc_no": "指标文号", "level": "资金级次",
    "func_code": "功能科目", "func_name": "功能科目名称", "eco_code": "经济科目", "admin_unit": "实施单位",
    "project_code": "项目编号", "project_name": "项目名称", "village_code": "村代码",
    "village_name": "村名", "town_name": "乡镇", "payee": "收款人", "narration": "摘要",
    "links": "关联号", "source": "来源文件", "sheet": "工作表", "row": "行号", "voucher": "凭证号"}
FINDING_HEADERS = {
    "id": "疑点编号", "period": "所属期间", "type": "疑点类型", "severity": "严重程度", "status": "处理情况",
    "reason": "处理说明", "count": "笔数", "date": "发生日期", "amount": "金额", "message": "疑点描述", "links": "关联号",
    "source": "来源文件", "sheet": "工作表", "row": "行号", "voucher": "凭证号", "ledger": "账簿位置"}
PROJECT_HEADERS = {
    "code": "项目编号", "name": "项目名称", "category": "项目类别", "place": "实施地点", "task": "建设任务",
    "standard": "补助标准", "sources": "资金来源", "budget": "总投资", "start": "开工日期",
    "end": "完工日期", "unit": "实施单位", "manager": "责任人", "goal": "绩效目标",
    "linkage": "联农带农机制", "households": "受益户数", "poor_households": "脱贫户和监测户数",
    "received": "到位资金", "spent": "已支出", "balance": "结余", "status": "状态"}
FUND_HEADERS = {
    "fund_code": "资金编码", "doc_no": "指标文号", "title": "资金名称", "level": "资金级次",
    "func_code": "功能科目", "func_name": "功能科目名称", "issued": "下达日期", "amount": "金额"}
KINDS = {  # columns that are not text (fundtrail.sheets)
    "amount": sheets.MONEY, "budget": sheets.MONEY, "received": sheets.MONEY,
    "spent": sheets.MONEY, "balance": sheets.MONEY, "count": sheets.COUNT,
    "households": sheets.COUNT, "poor_households": sheets.COUNT, "row": sheets.COUNT,
    "date": sheets.DATE,
    "start": sheets.DATE, "end": sheets.DATE, "issued": sheets.DATE}
SHEETS = {  # sheet name -> (rows of (books, year), column keys -> Chinese headers)
    "疑点": (finding_rows, FINDING_HEADERS),
    "项目": (project_table, PROJECT_HEADERS),
    "支付": (payment_rows, PAYMENT_HEADERS),
}


def xlsx_bytes(books, year: int | None = None) -> bytes:
    """Findings, projects and payments (of `year`, or all) as one workbook; amounts are numbers."""
    mask = masker_for(books, PUBLIC)
    return sheets.xlsx_bytes(sheets.Sheet(name, sheets.columns(headers, KINDS),
                                          masked(rows_of(books, year), mask))
                             for name, (rows_of, headers) in SHEETS.items())


def _fields(headers: dict[str, str], types: dict[str, str]) -> list[dict]:
    """The data package's fields: the CSV's column keys, their Chinese titles and types."""
    return [{"name": n, "title": title, "type": types.get(n, "string"),
             **({"decimalChar": "."} if types.get(n) == "number" else {})}
            for n, title in headers.items()]


def _dimension(kind, code, label=None, classification=None) -> dict:
    attributes = {"code": {"source": code}}
    if label:
        attributes["label"] = {"source": label, "labelfor": "code"}
    dim = {"dimensionType": kind, "attributes": attributes, "primaryKey": ["code"]}
    if classification:
        dim["classificationType"] = classification
    return dim


def write_ofdp(books, directory: Path, year: int | None = None) -> list[Path]:
    """Write the Open Fiscal Data Package into `directory`; returns the files written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    mask = masker_for(books, PUBLIC)
    payments = masked(payment_rows(books, year), mask)
    funds = [{"fund_code": f.code, "doc_no": f.doc_no, "title": f.title, "level": f.level,
              "func_code": f.func_code, "func_name": FUNC_NAMES.get(f.func_code, ""),
              "issued": str(f.issued or ""), "amount": f.amount}
             for f in books.master.funds.values() if _in_year(f.issued, year)]
    funds = masked(funds, mask)
    sheets.write_csv(directory / "payments.csv", sheets.columns(PAYMENT_HEADERS, KINDS), payments)
    sheets.write_csv(directory / "funds.csv", sheets.columns(FUND_HEADERS, KINDS), funds)
    county = books.master.county
    types = {"amount": "number", "date": "date", "issued": "date", "row": "integer"}
    package = {
        "name": f"fundtrail-{county.code if county else 'county'}-{year or 'all'}",
        "title": f"{county.name if county else ''}{year or ''}衔接推进乡村振兴补助资金支付明细",
        "profile": "fiscal-data-package", "fiscalSpecVersion": "0.3", "countryCode": "CN",
        "granularity": "transactional",
        **({"fiscalPeriod": {"start": f"{year}-01-01", "end": f"{year}-12-31"}} if year else {}),
        "resources": [
            {"name": "payments", "path": "payments.csv", "format": "csv", "mediatype": "text/csv",
             "encoding": "utf-8", "schema": {"fields": _fields(PAYMENT_HEADERS, types)}},
            {"name": "funds", "path": "funds.csv", "format": "csv", "mediatype": "text/csv",
             "encoding": "utf-8", "schema": {"fields": _fields(FUND_HEADERS, types)}},
        ],
        "model": {
            "measures": {"amount": {"source": "amount", "currency": "CNY", "direction": "expenditure",
                                    "phase": "executed"}},
            "dimensions": {
                "date": _dimension("datetime", "date"),
                "functional-classification": _dimension("classification", "func_code", "func_name",
                                                        "functional"),
                "economic-classification": _dimension("classification", "eco_code", None, "economic"),
                "administrative-classification": _dimension("classification", "admin_unit", None,
                                                            "administrative"),
                "project": _dimension("project", "project_code", "project_name"),
                "village": _dimension("location", "village_code", "village_name"),
                "fund": _dimension("fact", "fund_code", "doc_no"),
                "payee": _dimension("entity", "payee"),
            },
        },
    }
    (directory / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=1),
                                                "utf-8")
    return [directory / "datapackage.json", directory / "payments.csv", directory / "funds.csv"]
