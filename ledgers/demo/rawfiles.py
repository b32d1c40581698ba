"""Write the demo's raw inputs in the real layouts: bank statements (by the layout files the
importers read), treasury voucher XML (GBK), 一卡通 rosters and the registers.

Each writer records on the transactions it wrote the file and row (`source`, `row` metadata),
so the ledger can point at the line of the source each entry came from.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import tomllib
import zipfile
from collections import defaultdict
from decimal import Decimal
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl

from fundtrail import accounts as acc
from fundtrail.ledgers.demo.model import Balance, Txn
from fundtrail.ledgers.demo.scenario import BANKS, TREASURY, Scenario
from fundtrail.periods import quarter_of, quarter_span


FIXED_TIME = (2026, 1, 1, 0, 0, 0)



def _titled_sheet(name: str, title: str, header: list[str]):
    """(workbook, its one sheet) named `name`, a title row over the header row, as counties
    export their tables."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = name
    sheet.append([title])
    sheet.append(header)
    return book, sheet

def save_workbook(book, path: Path) -> None:
    """Save with fixed timestamps (zip entries and document properties), so the same demo gives
    byte-identical workbooks and the ledger's sha256 metadata does not change between builds."""
    book.properties.creator = "fundtrail demo"
    raw = io.BytesIO()
    book.save(raw)
    stamp = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)")
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = stamp.sub(rb"\g<1>2026-01-01T00:00:00Z\g<3>", payload)
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), payload, zipfile.ZIP_DEFLATED)
    path.write_bytes(out.getvalue())


def load_layout(name: str) -> dict:
    text = resources.files("fundtrail.importers").joinpath("layouts", f"{name}.toml").read_text("utf-8")
    return tomllib.loads(text)


def _money(value: Decimal | None, layout: dict) -> str:
    if value is None:
        return layout.get("empty", "")
    text = f"{value:,.2f}" if layout.get("thousands") else f"{value:.2f}"
    return layout.get("currency_symbol", "") + text


def _relpath(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def write_statements(root: Path, txns: list[Txn]) -> list[Balance]:
    """One statement file per bank account and quarter; returns the closing balances."""
    lines = defaultdict(list)
    for txn in txns:
        if txn.bank:
            lines[txn.bank.account].append(txn)
    balances = []
    for account, items in lines.items():
        items.sort(key=lambda t: t.bank.when)
        _bank, number, holder, layout_name = BANKS[account]
        layout = load_layout(layout_name)
        running = Decimal(0)
        by_quarter = defaultdict(list)
        for txn in items:
            by_quarter[quarter_of(txn.date)].append(txn)
        for (year, q), quarter_txns in sorted(by_quarter.items()):
            start, end = quarter_span(year, q)
            folder = root / "documents" / account.replace(":", "/")
            folder.mkdir(parents=True, exist_ok=True)
            stem = f"{end.isoformat()}.{acc.leaf(account).lower()}-{year}Q{q}"
            head = [h.format(holder=holder, account_no=number, start=start, end=end)
                    for h in layout["head"]]
            rows = []
            for txn in quarter_txns:
                running += txn.bank.amount
                rows.append((txn, running))
            if layout["format"] == "csv":
                path = folder / f"{stem}.csv"
                _write_csv(path, layout, head, rows)
            else:
                path = folder / f"{stem}.xlsx"
                _write_xlsx(path, layout, head, rows)
            for n, (txn, _) in enumerate(rows):
                txn.meta.update(source=_relpath(path, root), row=len(head) + 2 + n)
                if _has_time(layout, txn.bank.when):  # the importer keeps the time as metadata
                    txn.meta["time"] = f"{txn.bank.when:%H:%M:%S}"
            balances.append(Balance(end + datetime.timedelta(days=1), account, running,
                                    {"source": _relpath(path, root)}))
    return balances


def _has_time(layout, when: datetime.datetime) -> bool:
    columns = layout["columns"]
    return "time" in columns or ("datetime" in columns and when.time() != datetime.time())


def _row_values(layout, txn, balance) -> dict[str, object]:
    line = txn.bank
    debit = -line.amount if line.amount < 0 else None
    credit = line.amount if line.amount > 0 else None
    summary = (f"{line.summary} {line.purpose}" if layout.get("summary_joins_purpose")
               else line.summary)
    return {"date": line.when.strftime(layout.get("date_format", "%Y-%m-%d")),
            "time": line.when.strftime(layout.get("time_format", "%H%M%S")),
            "datetime": line.when.strftime(layout.get("datetime_format", "%Y-%m-%d %H:%M:%S")),
            "serial": line.serial, "payee": line.payee or layout["empty"],
            "payee_account": line.payee_account or layout["empty"], "summary": summary,
            "purpose": line.purpose, "memo": layout["empty"], "debit": debit, "credit": credit,
            "balance": balance}


def _write_csv(path, layout, head, rows):
    columns = layout["columns"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for line in head:
        out.write(line + "\n")
    writer.writerow(columns.values())
    total_debit = total_credit = Decimal(0)
    for txn, balance in rows:
        values = _row_values(layout, txn, balance)
        total_debit += values["debit"] or 0
        total_credit += values["credit"] or 0
        writer.writerow([_money(values[k], layout) if k in ("debit", "credit", "balance")
                         else values[k] for k in columns])
    if layout.get("totals_label"):
        totals = {"debit": _money(total_debit, layout), "credit": _money(total_credit, layout)}
        writer.writerow([layout["totals_label"] if i == 0 else totals.get(k, "")
                         for i, k in enumerate(columns)])
    path.write_bytes(out.getvalue().encode(layout["encoding"]))


def _write_xlsx(path, layout, head, rows):
    columns = layout["columns"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = layout.get("sheet", "Sheet1")
    for line in head:
        sheet.append([line])
    sheet.append(list(columns.values()))
    for txn, balance in rows:
        values = _row_values(layout, txn, balance)
        # Excel numbers are doubles, as in a real bank export: the importers read them back
        # through str() into Decimal, which is what this exercises.
        sheet.append([float(values[k]) if k in ("debit", "credit", "balance") and values[k]
                      is not None else values[k] for k in columns])
    save_workbook(book, path)


def write_vouchers(root: Path, txns: list[Txn]) -> None:
    """Treasury payment vouchers (国库集中支付电子凭证) as GBK XML, one batch file per quarter."""
    by_quarter = defaultdict(list)
    for txn in txns:
        if txn.voucher:
            by_quarter[quarter_of(txn.date)].append(txn)
    folder = root / "documents" / TREASURY.replace(":", "/")
    folder.mkdir(parents=True, exist_ok=True)
    for (year, q), items in sorted(by_quarter.items()):
        path = folder / f"{quarter_span(year, q)[1]}.vouchers-{year}Q{q}.xml"
        parts = ['<?xml version="1.0" encoding="GBK"?>', "<MOF>",
                 f"  <VoucherCount>{len(items)}</VoucherCount>"]
        for txn in items:
            v = txn.voucher
            txn.meta.update(source=_relpath(path, root), voucher=v.number)
            fields = [("Id", v.number), ("AdmDivCode", "370405"), ("StYear", v.date.year),
                      ("VtCode", v.vt_code), ("VouDate", f"{v.date:%Y%m%d}"), ("VoucherNo", v.number),
                      ("FundTypeCode", "1"), ("FundTypeName", "一般公共预算资金"),
                      ("PayTypeCode", "11" if v.vt_code == "5201" else "12"),
                      ("PayTypeName", "财政直接支付" if v.vt_code == "5201" else "财政授权支付"),
                      ("AgencyCode", "405012"), ("AgencyName", "青禾区乡村振兴局"),
                      ("PayAcctNo", "370405000000001"), ("PayAcctName", "青禾区财政局国库存款"),
                      ("PayAcctBankName", "中国人民银行青禾支库"), ("PayeeAcctNo", v.payee_account),
                      ("PayeeAcctName", v.payee), ("PayeeAcctBankName", v.payee_bank),
                      ("CurrencyCode", "CNY"), ("CurrencyName", "人民币"),
                      ("PaySummaryName", v.summary), ("Remark", v.remark), ("PayAmt", f"{v.amount:.2f}")]
            parts.append("  <Voucher>")
            parts += [f"    <{k}>{escape(str(val))}</{k}>" for k, val in fields]
            parts.append("    <DetailList>")
            for n, line in enumerate(v.lines, 1):
                parts += ["      <Detail>", f"        <Id>{v.number}-{n}</Id>",
                          f"        <VoucherBillId>{v.number}</VoucherBillId>",
                          "        <BgtTypeCode>2</BgtTypeCode>", "        <BgtTypeName>项目支出</BgtTypeName>",
                          f"        <ExpFuncCode>{line.func_code}</ExpFuncCode>",
                          f"        <ExpFuncName>{escape(line.func_name)}</ExpFuncName>",
                          f"        <ExpEcoCode>{line.eco_code}</ExpEcoCode>",
                          f"        <ExpEcoName>{escape(line.eco_name)}</ExpEcoName>",
                          f"        <Amt>{line.amount:.2f}</Amt>", "      </Detail>"]
            parts += ["    </DetailList>", "  </Voucher>"]
        parts.append("</MOF>")
        path.write_bytes(("\n".join(parts) + "\n").encode("gbk"))


ROSTER_HEADER = ["序号", "姓名", "身份证号", "一卡通账号", "乡镇", "行政村", "补贴项目", "补贴标准",
                 "发放金额(元)", "发放日期", "批次号", "发放状态"]


def write_rosters(root: Path, scenario: Scenario) -> None:
    """一卡通 发放明细, one workbook per batch, failed rows included (they are not spent)."""
    batches = defaultdict(list)
    for txn in scenario.txns:
        if txn.roster:
            batches[txn.roster.batch].append((txn.roster, txn))
    for row in scenario.roster_failed:
        batches[row.batch].append((row, None))
    folder = root / "documents" / "Assets" / "Clearing" / "YKT"
    folder.mkdir(parents=True, exist_ok=True)
    for batch, rows in sorted(batches.items()):
        rows.sort(key=lambda item: item[0].seq)
        path = folder / f"{rows[0][0].date}.yikatong-{batch}.xlsx"
        book, sheet = _titled_sheet("发放明细", f"青禾区{batch[2:6]}年到户产业奖补资金发放明细表 批次{batch}",
                                    ROSTER_HEADER)
        for row, txn in rows:
            sheet.append([row.seq, row.name, row.id_no, row.card, row.town, row.village, row.item,
                          row.standard, float(row.amount), row.date.isoformat(), row.batch, row.status])
            if txn:
                txn.meta.update(source=_relpath(path, root), row=row.seq + 2)
        sheet.append(["合计", None, None, None, None, None, None, None,
                      float(sum(r.amount for r, t in rows if t)), None, None, None])
        save_workbook(book, path)


def write_registers(root: Path, scenario: Scenario) -> None:
    """The registers as the county keeps them, under documents/registers/: households, officials,
    the fund indicator list and the project library (the importers make them master data)."""
    folder = root / "documents" / "registers"
    folder.mkdir(parents=True, exist_ok=True)
    for kind, rows in (("households", scenario.households), ("officials", scenario.officials)):
        path = folder / f"{kind}.csv"
        header = [k for k in rows[0] if not k.startswith("_")]
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows([row[k] for k in header] for row in rows)
    write_screening(folder, getattr(scenario, "screening", {}))
    with (folder / "fund-allocations.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["指标文号", "资金名称", "资金级次", "功能科目编码", "功能科目名称", "金额(元)",
                         "下达日期", "到账日期", "到账账户", "备注"])
        for f in scenario.funds.values():
            into = "国库" if f.into == TREASURY else BANKS[f.into][1]
            writer.writerow([f.doc_no, f.title, f.level, f.func_code, f.func_name, f"{f.amount:.2f}",
                             f.issued, f.received, into, "直达资金" if f.direct else ""])
    book, sheet = _titled_sheet("项目库", "青禾区巩固拓展脱贫攻坚成果和乡村振兴项目库", [
        "项目编号", "项目名称", "项目类别", "建设性质", "乡镇", "行政村", "建设任务", "补助标准",
        "资金规模(元)", "资金来源文号", "实施期限起", "实施期限止", "实施单位", "责任人", "绩效目标",
        "联农带农机制", "受益户数", "其中脱贫户/监测户", "批复日期", "监督电话"])
    for p in scenario.projects.values():
        sheet.append([p.code, p.name, p.category, p.nature, scenario_place(scenario, p.town),
                      scenario_place(scenario, p.village), p.task, p.standard, float(p.budget),
                      scenario.funds[p.fund].doc_no, p.start.isoformat(), p.end.isoformat(), p.unit,
                      p.manager, p.goal, p.linkage, p.households, p.poor_households,
                      p.approved.isoformat(), "0632-12317"])
    save_workbook(book, folder / "projects.xlsx")


def scenario_place(scenario: Scenario, code: str) -> str:
    for vcode, vname, tcode, tname in scenario.villages:
        if code == vcode:
            return vname
        if code == tcode:
            return tname
    return ""


INCOME_HEADER = ["序号", "收益编号", "资产编号", "资产名称", "行政村", "收益类型", "收益金额(元)", "到账日期",
                 "付款单位", "摘要", "备注"]
DISTRIBUTION_HEADER = ["序号", "批次号", "资产编号", "乡镇", "行政村", "分配类型", "姓名", "身份证号",
                       "一卡通账号", "分配金额(元)", "发放日期", "发放状态", "摘要", "备注"]


def write_collective(root: Path, scenario: Scenario) -> None:
    """The collective layer as the villages keep it, under documents/Assets/Collective/: the
    asset income records, one workbook per year (资产收益明细), and the distribution rosters,
    one CSV per distribution day (收益分配明细)."""
    folder = root / "documents" / acc.COLLECTIVE.replace(":", "/")
    folder.mkdir(parents=True, exist_ok=True)
    names = {code: (name, town) for code, name, _tcode, town in scenario.villages}
    income, paid = defaultdict(list), defaultdict(list)
    for txn in scenario.txns:
        if txn.file != "collective":
            continue
        if txn.postings[1].account.startswith(acc.ASSET_INCOME + ":"):
            income[txn.date.year].append(txn)
        else:
            paid[txn.date].append(txn)
    for year, txns in sorted(income.items()):
        path = folder / f"{year}-12-31.asset-income-{year}.xlsx"
        book, sheet = _titled_sheet("资产收益明细", f"青禾区扶贫项目资产收益明细表 {year}年", INCOME_HEADER)
        txns.sort(key=lambda t: (t.date, sorted(t.links)))
        for n, txn in enumerate(txns, 1):
            code = acc.leaf(txn.postings[1].account)
            ref = next(link for link in txn.links if link != code)
            asset = scenario.assets[code]
            what = txn.narration.rsplit("季度", 1)[-1]
            sheet.append([n, ref, code, asset["name"], names[asset["village"]][0], what,
                          float(txn.postings[0].amount), txn.date.isoformat(), txn.payee,
                          txn.narration, None])
            txn.meta.update(source=_relpath(path, root), row=n + 2)
        save_workbook(book, path)
    for day, txns in sorted(paid.items()):
        path = folder / f"{day}.distribution-{day:%Y%m}.csv"
        rows = []
        for txn in sorted(txns, key=lambda t: max(t.links, key=len)):
            row_link = max((link for link in txn.links if link.startswith("YKT-")), key=len)
            batch, seq = row_link.removeprefix("YKT-").rsplit("-", 1)
            meta, village = txn.postings[0].meta, acc.leaf(txn.postings[0].account)
            vname, tname = names[village]
            rows.append((txn, [seq.lstrip("0") or "0", batch, meta["asset"], tname, vname, meta["kind"],
                               txn.payee, meta.get("id_no", ""), meta.get("card", ""),
                               f"{txn.postings[0].amount:.2f}", day.isoformat(), "成功", txn.narration, ""]))
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(DISTRIBUTION_HEADER)
            for n, (txn, row) in enumerate(rows, 2):
                writer.writerow(row)
                txn.meta.update(source=_relpath(path, root), row=n)


def write_screening(folder: Path, lists: dict[str, list[list]]) -> None:
    """The departments' screening lists as they send them: the 医保局's push list (xlsx, a title
    row, Excel dates), the 教育局's by parent name (GBK CSV, dates 2025/9/3) and the
    应急管理局's 受灾户 list (UTF-8 CSV, dates 20250711, a 合计 row)."""
    if not lists:
        return
    book, sheet = _titled_sheet("推送表", "青禾区医疗保障局 脱贫人口及农村低收入人口医疗费用个人自付情况推送表", [
        "序号", "参保人姓名", "公民身份号码", "参保地", "定点医药机构名称", "结算时间", "医疗费总额",
        "基本医疗保险统筹基金支出", "大病保险支出", "医疗救助基金支出", "个人负担总金额"])
    for n, row in enumerate(lists["医疗"], 1):
        sheet.append([n, *row[:4], row[4], *(float(x) for x in row[5:])])
    save_workbook(book, folder / "screening-medical.xlsx")
    lines = ["青禾区教育和体育局 学生教育费用个人负担情况推送名单",
             "序号,学生姓名,就读学校,学段,家长姓名,乡镇,行政村,缴费日期,应缴费用(元),已享受资助(元),个人负担金额(元)"]
    for n, row in enumerate(lists["教育"], 1):
        when = row[6]
        lines.append(",".join([str(n), *row[:6], f"{when.year}/{when.month}/{when.day}",
                               *(f"{x:.2f}" for x in row[7:])]))
    (folder / "screening-education.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    lines = ["青禾区应急管理局 受灾户统计表",
             "序号,户主姓名,身份证号,乡镇,行政村,灾种,受灾日期,受灾情况,直接经济损失(元)"]
    for n, row in enumerate(lists["灾害"], 1):
        lines.append(",".join([str(n), *row[:5], row[5].strftime("%Y%m%d"), row[6], f"{row[7]:.2f}"]))
    lines.append(",".join(["合计", "", "", "", "", "", "", "", f"{sum(r[7] for r in lists['灾害']):.2f}"]))
    (folder / "screening-disaster.csv").write_text("\n".join(lines) + "\n", "utf-8")
