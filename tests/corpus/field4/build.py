"""Build the field4 corpus: input files as other banks, treasury systems and townships write them.

Run `python tests/corpus/field4/build.py` from the repository root (or anywhere): it rewrites every
file of this folder's corpus and manifest.json, byte for byte the same on every run.

Each file is made from its logical rows (dates, amounts, counterparties); manifest.json states what
a correct import of the file must give, worked out from those same rows: the entries with their
file row, date, amount (a Decimal string) and counterparty, the total, the rows to be skipped, the
statement's closing balance, or, for a file that must be refused, that it is refused and at which
row. See README.md for what each file imitates.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
FIXED = datetime(2024, 10, 8, 9, 0, 0)
D = Decimal


# --------------------------------------------------------------------------- helpers

def id_no(body17: str) -> str:
    """An 18-digit resident ID with its GB 11643 check digit."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body17, weights, strict=True))
    return body17 + "10X98765432"[total % 11]


def money(x: Decimal, thousands: bool = True) -> str:
    return f"{x:,.2f}" if thousands else f"{x:.2f}"


def write_csv(path: Path, lines: list[list[str]], delimiter: str, encoding: str, bom: bool = False,
              newline: str = "\r\n") -> None:
    text = newline.join(delimiter.join(cells) for cells in lines) + newline
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)


def save_xlsx(wb: openpyxl.Workbook, path: Path) -> None:
    """Save a workbook with fixed document times and zip entry times (deterministic bytes)."""
    wb.properties.creator = "field4"
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                import re
                data = re.sub(rb"<dcterms:modified([^>]*)>[^<]*</dcterms:modified>",
                              rb"<dcterms:modified\1>2024-10-08T09:00:00Z</dcterms:modified>", data)
                data = re.sub(rb"<dcterms:created([^>]*)>[^<]*</dcterms:created>",
                              rb"<dcterms:created\1>2024-10-08T09:00:00Z</dcterms:created>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=(2024, 10, 8, 9, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, data)
    path.write_bytes(out.getvalue())


@dataclass
class Txn:
    """One statement row: signed amount (+ money in for the holder), counterparty and text."""
    day: date
    time: str
    amount: Decimal
    party: str
    party_acct: str
    summary: str
    purpose: str
    serial: str = ""
    balance: Decimal = D(0)


def run_balances(opening: Decimal, txns: list[Txn]) -> Decimal:
    bal = opening
    for t in txns:
        bal += t.amount
        t.balance = bal
    return bal


MANIFEST: dict[str, dict] = {}


def stmt_manifest(name, kind, txns, rows, opening, last4, closing_date, skipped, note,
                  procedure="import", extra=None):
    entries = [{"row": r, "date": t.day.isoformat(), "amount": f"{t.amount:.2f}",
                "counterparty": t.party if t.party not in ("--", "") else ""}
               for t, r in zip(txns, rows, strict=True)]
    m = {
        "kind": kind,
        "expect": "import",
        "procedure": procedure,
        "entries": entries,
        "count": len(entries),
        "total": f"{sum((t.amount for t in txns), D(0)):.2f}",
        "opening_balance": f"{opening:.2f}",
        "closing_balance": f"{txns[-1].balance:.2f}",
        "closing_balance_date": closing_date.isoformat(),
        # a balance assertion on any day from the day after the last row to the day after the period
        # states the same fact (no row falls between): both ends are correct
        "closing_balance_earliest": (txns[-1].day + timedelta(days=1)).isoformat(),
        "account_last4": last4,
        "skipped_rows": skipped,
        "note": note,
    }
    if extra:
        m.update(extra)
    MANIFEST[name] = m


def refuse_manifest(name, kind, row, note, words=()):
    MANIFEST[name] = {"kind": kind, "expect": "refuse", "procedure": "import", "row": row,
                      "message_words": list(words), "note": note}


# --------------------------------------------------------------------------- parties

TREASURY_ACCT = "4101 0104 0000 001"
FIRMS = [
    ("鲁南路桥工程有限公司", "370114332920931579"),
    ("禾丰农业专业合作社", "370177773412373764"),
    ("青禾建工有限公司", "370110891102830829"),
    ("富康电子商务有限公司", "370147101509801072"),
    ("涧东南村股份经济合作社", "370191503922795702"),
    ("青禾水务工程有限公司", "370160020230918842"),
    ("沂蒙农牧发展有限公司", "370155500193008171"),
]


# --------------------------------------------------------------------------- S1 CCB xlsx

def ccb_xlsx():
    name = "ccb-netbank-2024Q3.xlsx"
    opening = D("1285530.40")
    t = [
        Txn(date(2024, 7, 2), "09:31:15", D("-356010.00"), *FIRMS[0], "转账支取", "涧东后村产业路工程款"),
        Txn(date(2024, 7, 5), "10:02:47", D("1200000.00"), "青禾区财政局", TREASURY_ACCT, "转账存入", "下达2024年衔接资金"),
        Txn(date(2024, 7, 9), "15:44:08", D("-5430.00"), "代发一卡通", "9999", "代发", "到户产业奖补"),
        Txn(date(2024, 7, 21), "11:20:00", D("-429114.50"), *FIRMS[1], "转账支取", "涧东北村温室大棚项目进度款"),
        Txn(date(2024, 8, 6), "16:05:31", D("-217699.00"), *FIRMS[2], "转账支取", "马兰北村道路硬化项目结算款"),
        Txn(date(2024, 9, 20), "23:41:09", D("2.87"), "--", "--", "结息", "利息"),
        Txn(date(2024, 9, 21), "08:15:42", D("-74610.00"), *FIRMS[3], "转账支取", "邳北新村电商服务站项目预付款"),
        Txn(date(2024, 9, 27), "14:18:26", D("-63800.00"), *FIRMS[4], "转账支取", "涧东南村光伏电站运维费"),
    ]
    run_balances(opening, t)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "交易明细"
    header = ["交易时间", "借方发生额（支取）", "贷方发生额（收入）", "余额", "币种", "对方户名", "对方账号",
              "对方开户机构", "记账日期", "摘要", "备注", "账户明细编号-交易流水号"]
    ws.append(["中国建设银行单位客户账户交易明细"])
    ws.merge_cells("A1:L1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(["账号：37050165880100001234", None, None, None, None, None,
               "账户名称：青禾区乡村振兴局衔接资金专户"])
    ws.merge_cells("A2:F2")
    ws.merge_cells("G2:L2")
    ws.append(["查询起止日期：2024-07-01 至 2024-09-30", None, None, None, None, None, "币种：人民币"])
    ws.merge_cells("A3:F3")
    ws.merge_cells("G3:L3")
    ws.append(header)
    rows = []
    for i, x in enumerate(t, 1):
        ws.append([
            x.day.strftime("%Y%m%d") + " " + x.time,
            float(-x.amount) if x.amount < 0 else None,
            float(x.amount) if x.amount > 0 else None,
            float(x.balance), "人民币", x.party, x.party_acct,
            "" if x.party == "--" else "青禾农村商业银行营业部",
            x.day.strftime("%Y%m%d"), x.summary, x.purpose, f"37050165880100001234-{i:04d}-{x.day:%m%d}",
        ])
        rows.append(ws.max_row)
    for c in "BCD":
        for r in rows:
            ws[f"{c}{r}"].number_format = "#,##0.00"
    save_xlsx(wb, FILES / name)
    stmt_manifest(name, "statement", t, rows, opening, "1234", date(2024, 10, 1), [],
                  "建设银行网银明细 xlsx: merged title and account cells above the header, 交易时间 as "
                  "'20240702 09:31:15' text, a second date column (记账日期), no totals row")


# --------------------------------------------------------------------------- S2 BOC csv (GBK, signed)

def boc_csv():
    name = "boc-statement-2024Q3.csv"
    holder = "青禾区涧东镇人民政府"
    acct = "245612345678"
    opening = D("380250.00")
    t = [
        Txn(date(2024, 7, 1), "10:15:22", D("500000.00"), "青禾区财政局", TREASURY_ACCT, "转账", "下达衔接资金"),
        Txn(date(2024, 7, 4), "14:03:10", D("-188173.00"), *FIRMS[4], "转账", "涧东南村产业项目工程款"),
        Txn(date(2024, 7, 4), "14:09:55", D("-59926.00"), *FIRMS[5], "转账", "涧东东村饮水安全项目进度款"),
        Txn(date(2024, 8, 12), "09:47:31", D("-1880.00"), "代发一卡通", "9999", "代发", "到户产业奖补"),
        Txn(date(2024, 9, 21), "00:30:02", D("1.05"), "中国银行股份有限公司青禾支行", "", "结息", "活期利息"),
        Txn(date(2024, 9, 26), "16:55:40", D("-120000.00"), *FIRMS[6], "转账", "涧东新村肉牛养殖项目预付款"),
    ]
    run_balances(opening, t)
    header = ["交易类型", "业务类型", "付款人开户行号", "付款人开户行名", "付款人账号", "付款人名称",
              "收款人开户行行号", "收款人开户行名", "收款人账号", "收款人名称", "交易日期", "交易时间",
              "交易货币", "交易金额", "交易后余额", "起息日期", "交易流水号", "用途", "摘要", "备注"]
    lines = [["查询账号:" + acct], ["账户名称:" + holder], ["起始日期:20240701", "截止日期:20240930"], header]
    rows = []
    for i, x in enumerate(t, 1):
        own = ["104456001234", "中国银行青禾支行", acct, holder]
        other = ["314456000017" if x.party_acct else "", "青禾农村商业银行" if x.party_acct else "",
                 x.party_acct, x.party]
        payer, payee = (other, own) if x.amount > 0 else (own, other)
        lines.append(["来账" if x.amount > 0 else "往账", "转账" if x.summary != "结息" else "结息",
                      *payer, *payee, x.day.strftime("%Y%m%d"), x.time.replace(":", ""), "人民币",
                      f"{x.amount:+.2f}" if x.amount < 0 else f"{x.amount:.2f}", f"{x.balance:.2f}",
                      x.day.strftime("%Y%m%d"), f"TX{x.day:%Y%m%d}{i:06d}", x.purpose, x.summary, ""])
        rows.append(len(lines))
    write_csv(FILES / name, lines, ",", "gbk")
    stmt_manifest(name, "statement", t, rows, opening, "5678", date(2024, 10, 1), [],
                  "中国银行 对公交易明细 CSV in GBK: one signed 交易金额 column, payer and payee columns "
                  "(付款人名称 / 收款人名称; the holder's own name on one side), 交易日期 20240701 and "
                  "交易时间 101522, 起息日期, 交易后余额, no totals row")


# --------------------------------------------------------------------------- S3 农商银行 (GBK, ;)

def rcb_semicolon():
    name = "rcb-jiandong-2024-07.csv"
    holder = "青禾区涧东镇财政所"
    acct = "81020000012345678"
    opening = D("96420.35")
    t = [
        Txn(date(2024, 7, 1), "", D("300000.00"), "青禾区财政局", TREASURY_ACCT, "转账", "拨付衔接资金"),
        Txn(date(2024, 7, 3), "", D("-2210.00"), "代发一卡通", "9999", "代发", "到户产业奖补"),
        Txn(date(2024, 7, 10), "", D("-48236.00"), *FIRMS[1], "转账", "马兰北村产业项目工程款"),
        Txn(date(2024, 7, 16), "", D("-108093.00"), "邳北新村股份经济合作社", "370151669511516760", "转账",
            "邳北新村产业项目工程款"),
        Txn(date(2024, 7, 21), "", D("0.66"), "--", "--", "结息", "利息"),
        Txn(date(2024, 7, 30), "", D("-185129.00"), *FIRMS[3], "转账", "张山中村产业项目工程款"),
    ]
    run_balances(opening, t)
    lines = [["青禾农村商业银行股份有限公司账户明细对账单"], [f"户名：{holder}", f"账号：{acct}"],
             ["对账期间：2024年07月01日至2024年07月31日"],
             ["记账日期", "交易流水号", "借贷标志", "发生额", "余额", "对方账号", "对方户名", "摘要", "柜员号"]]
    rows = []
    for i, x in enumerate(t, 1):
        lines.append([f"{x.day.year}年{x.day.month:02d}月{x.day.day:02d}日", f"0720{x.day:%m%d}{i:05d}",
                      "贷" if x.amount > 0 else "借", money(abs(x.amount)), money(x.balance), x.party_acct,
                      x.party, x.summary + " " + x.purpose, f"G0{10 + i:02d}"])
        rows.append(len(lines))
    debit = sum((-x.amount for x in t if x.amount < 0), D(0))
    credit = sum((x.amount for x in t if x.amount > 0), D(0))
    lines.append(["本月合计", "", "借", money(debit), "", "", "", "", ""])
    lines.append(["本月合计", "", "贷", money(credit), "", "", "", "", ""])
    write_csv(FILES / name, lines, ";", "gbk")
    stmt_manifest(name, "statement", t, rows, opening, "5678", date(2024, 8, 1),
                  [len(lines) - 1, len(lines)],
                  "农村商业银行 对账单 CSV in GBK with semicolons: 借贷标志 借/贷 + 发生额, thousands "
                  "separators, dates 2024年07月01日, holder and account in one line, two 本月合计 rows "
                  "(debit and credit) below")


# --------------------------------------------------------------------------- S4 农信社 (GBK, tab, parentheses)

def rcc_tab():
    name = "rcc-malan-2024Q3.txt"
    holder = "青禾区马兰镇人民政府"
    acct = "9140 2001 0012 3456 789"
    opening = D("215000.00")
    t = [
        Txn(date(2024, 7, 1), "", D("-36000.00"), *FIRMS[2], "转账", "马兰东村道路硬化项目预付款"),
        Txn(date(2024, 7, 9), "", D("600000.00"), "青禾区财政局", TREASURY_ACCT, "转账", "下达衔接资金"),
        Txn(date(2024, 8, 2), "", D("-4140.00"), "代发一卡通", "9999", "代发", "到户产业奖补"),
        Txn(date(2024, 8, 19), "", D("-316930.00"), *FIRMS[6], "转账", "马兰新村肉牛养殖项目进度款"),
        Txn(date(2024, 9, 3), "", D("-162093.00"), *FIRMS[0], "转账", "马兰前村产业路工程款"),
        Txn(date(2024, 9, 21), "", D("1.12"), "--", "--", "结息", "利息"),
        Txn(date(2024, 9, 30), "", D("-250000.00"), *FIRMS[1], "转账", "马兰中村温室大棚项目结算款"),
    ]
    run_balances(opening, t)

    def paren(x: Decimal) -> str:
        return f"({money(-x)})" if x < 0 else money(x)

    lines = [["青禾县农村信用合作联社客户账户明细"], ["账号：" + acct, ""], ["户名：" + holder, ""],
             ["起止日期：2024/7/1-2024/9/30", ""],
             ["交易日期", "摘要", "交易金额（元）", "余额（元）", "对方户名", "对方账号", "凭证号", ""]]
    rows = []
    for i, x in enumerate(t, 1):
        lines.append([f"{x.day.year}/{x.day.month}/{x.day.day}", x.summary + " " + x.purpose, paren(x.amount),
                      money(x.balance), x.party, x.party_acct, f"{i:08d}", ""])
        rows.append(len(lines))
    lines.append(["合  计", "", paren(sum((x.amount for x in t), D(0))), money(t[-1].balance), "", "", "", ""])
    write_csv(FILES / name, lines, "\t", "gbk")
    stmt_manifest(name, "statement", t, rows, opening, "6789", date(2024, 10, 1), [len(lines)],
                  "农村信用社 账户明细 .txt, GBK, tab separated, every line ending in an empty field "
                  "(trailing blank column); one signed 交易金额（元） column with debits in parentheses "
                  "'(36,000.00)'; dates 2024/7/1; period as 2024/7/1-2024/9/30; totals row '合  计'")


# --------------------------------------------------------------------------- S5 村镇银行 (UTF-8, 元), via layout suggest

def village_bank():
    name = "qhvb-cunzhen-2024Q3.csv"
    holder = "青禾区张山镇人民政府"
    acct = "6005 1020 3000 4567"
    opening = D("50000.00")
    t = [
        Txn(date(2024, 7, 3), "09:12:33", D("400000.00"), "青禾区财政局", TREASURY_ACCT, "转账收入", "下达衔接资金"),
        Txn(date(2024, 7, 8), "10:40:01", D("-3000.00"), "代发一卡通", "9999", "代发", "到户产业奖补"),
        Txn(date(2024, 7, 25), "15:02:47", D("-306770.00"), *FIRMS[3], "转账支出", "张山前村产业项目工程款"),
        Txn(date(2024, 8, 30), "11:11:11", D("-12345.60"), *FIRMS[5], "转账支出", "张山西村饮水管网维修"),
        Txn(date(2024, 9, 20), "18:00:00", D("0.45"), "--", "--", "结息", "利息"),
    ]
    run_balances(opening, t)
    lines = [["青禾沂蒙村镇银行账户交易明细"], ["账号：" + acct], ["户名：" + holder],
             ["序号", "记账日期", "交易时间", "收入金额", "支出金额", "余额", "对方名称", "对方账号", "摘要",
              "流水号"]]
    rows = []
    for i, x in enumerate(t, 1):
        lines.append([str(i), x.day.isoformat(), x.time,
                      f'"{money(x.amount)}元"' if x.amount > 0 else "",
                      f'"{money(-x.amount)}元"' if x.amount < 0 else "",
                      f'"{money(x.balance)}元"', x.party, x.party_acct, x.summary + "/" + x.purpose,
                      f"CZ{x.day:%Y%m%d}{i:04d}"])
        rows.append(len(lines))
    write_csv(FILES / name, lines, ",", "utf-8")
    stmt_manifest(name, "statement", t, rows, opening, "4567", date(2024, 9, 21), [],
                  "村镇银行 export no packaged layout knows: UTF-8 without BOM, 收入金额/支出金额 with "
                  "thousands separators and a '元' suffix ('306,770.00元'), 余额 likewise, 序号 column, no "
                  "period line, no totals row. Procedure: `fundtrail layout suggest FILE --bank QHVB` into "
                  "the workspace, then `fundtrail import` (docs/importers.md).",
                  procedure="suggest+import", extra={"suggest_bank": "QHVB"})


# --------------------------------------------------------------------------- S6 second PSBC export (xlsx)

def psbc_xlsx():
    name = "psbc-corporate-2024-09.xlsx"
    opening = D("731402.18")
    t = [
        Txn(date(2024, 9, 2), "08:30:12", D("-84500.00"), *FIRMS[6], "转账", "泥河后村肉牛养殖项目进度款"),
        Txn(date(2024, 9, 5), "14:22:05", D("-1500.00"), "代发一卡通", "9999", "代发", "到户产业奖补"),
        Txn(date(2024, 9, 5), "14:22:05", D("-2000.00"), "代发一卡通", "9999", "代发", "到户产业奖补"),
        Txn(date(2024, 9, 13), "09:03:44", D("900000.00"), "青禾区财政局", TREASURY_ACCT, "转账", "下达衔接资金"),
        Txn(date(2024, 9, 21), "02:10:00", D("3.21"), "--", "--", "结息", "利息"),
        Txn(date(2024, 9, 29), "17:45:59", D("-450684.00"), *FIRMS[3], "转账", "泥河后村产业项目工程款"),
    ]
    run_balances(opening, t)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["中国邮政储蓄银行单位活期账户交易明细"])
    ws.merge_cells("A1:K1")
    ws.append(["账号：9400 3100 0123 4567 88"])
    ws.merge_cells("A2:K2")
    ws.append(["户名：青禾区泥河镇人民政府"])
    ws.merge_cells("A3:K3")
    ws.append(["起止日期：2024-09-01 至 2024-09-30"])
    ws.merge_cells("A4:K4")
    ws.append(["交易日期", "交易时间", "交易类型", "借方金额", "贷方金额", "账户余额", "对方户名", "对方账号",
               "摘要", "附言", "交易流水号"])
    rows = []
    for i, x in enumerate(t, 1):
        ws.append([datetime(x.day.year, x.day.month, x.day.day), x.time, "转账" if x.summary != "结息" else "结息",
                   float(-x.amount) if x.amount < 0 else None, float(x.amount) if x.amount > 0 else None,
                   float(x.balance), x.party, x.party_acct, x.summary, x.purpose,
                   f"9400{x.day:%Y%m%d}{i:06d}"])
        ws.cell(ws.max_row, 1).number_format = "yyyy-mm-dd"
        rows.append(ws.max_row)
    debit = sum((-x.amount for x in t if x.amount < 0), D(0))
    credit = sum((x.amount for x in t if x.amount > 0), D(0))
    ws.append(["合计", None, None, float(debit), float(credit), None])
    skipped = [ws.max_row]
    save_xlsx(wb, FILES / name)
    stmt_manifest(name, "statement", t, rows, opening, "6788", date(2024, 10, 1), skipped,
                  "a second 邮储 export (corporate online banking xlsx, unlike the CSV sample): merged title "
                  "and metadata rows, 交易日期 as date cells, 交易时间 as text, 借方金额/贷方金额/账户余额, "
                  "two same-second 代发 rows, a 合计 row; the account number is given")


# --------------------------------------------------------------------------- S7 ICBC layout, balance off

def icbc_mismatch():
    name = "icbc-balance-off-2024-10.csv"
    opening = D("2237448.42")
    t = [
        Txn(date(2024, 10, 8), "", D("-163465.00"), "泥河前村股份经济合作社", "370119574095246742", "转账支取",
            "泥河前村产业项目工程款"),
        Txn(date(2024, 10, 9), "", D("-434403.00"), *FIRMS[4], "转账支取", "涧东南村产业项目工程款"),
        Txn(date(2024, 10, 11), "", D("860000.00"), "青禾区财政局", TREASURY_ACCT, "转账", "下达2024年衔接资金"),
        Txn(date(2024, 10, 15), "", D("-251640.00"), *FIRMS[2], "转账支取", "泥河前村产业项目工程款"),
        Txn(date(2024, 10, 18), "", D("-2800.00"), "代发一卡通", "9999", "代发", "到户产业奖补"),
    ]
    run_balances(opening, t)
    lines = [["中国工商银行对公账户明细"], ["户名:青禾区财政局衔接资金专户"], ["账号:1605 0012 0920 0012 345"],
             ["起止日期:2024-10-01至2024-10-31"],
             ["日期", "凭证号", "对方户名", "对方账号", "摘要", "借方发生额", "贷方发生额", "余额"]]
    bad_row = None
    for i, x in enumerate(t, 1):
        bal = x.balance
        if i == 3:
            bal = x.balance + D("90.00")  # the bank's printout has 2,499,670.42; the rows give 2,499,580.42
        out = f'"{money(-x.amount)}"' if x.amount < 0 else ""
        inn = f'"{money(x.amount)}"' if x.amount > 0 else ""
        lines.append([x.day.isoformat(), f"{x.day:%d}1000{i:02d}", x.party, x.party_acct,
                      x.summary + " " + x.purpose, out, inn, f'"{money(bal)}"'])
        if i == 3:
            bad_row = len(lines)
    debit = sum((-x.amount for x in t if x.amount < 0), D(0))
    credit = sum((x.amount for x in t if x.amount > 0), D(0))
    lines.append(["合计", "", "", "", "", f'"{money(debit)}"', f'"{money(credit)}"', ""])
    write_csv(FILES / name, lines, ",", "gbk")
    refuse_manifest(name, "statement", bad_row,
                    "the ICBC sample's own layout (GBK) with one running balance that does not add up "
                    f"(row {bad_row}: 90.00 more than the rows give, the next row follows the printed figure "
                    f"no longer): must be refused naming the file and row {bad_row}, nothing written",
                    words=["余额"])


# --------------------------------------------------------------------------- S8 CCB csv, footers in other words

def ccb_csv():
    name = "ccb-netbank-2024-10.csv"
    opening = D("88617.07")
    t = [
        Txn(date(2024, 10, 9), "10:21:33", D("-30000.00"), *FIRMS[5], "转账支取", "运河西村饮水安全项目预付款"),
        Txn(date(2024, 10, 12), "09:00:04", D("250000.00"), "青禾区财政局", TREASURY_ACCT, "转账存入", "下达衔接资金"),
        Txn(date(2024, 10, 15), "13:37:20", D("-1020.00"), "代发一卡通", "9999", "代发", "到户产业奖补"),
        Txn(date(2024, 10, 22), "16:48:51", D("-99000.00"), *FIRMS[0], "转账支取", "运河南村产业路工程款"),
        Txn(date(2024, 10, 30), "10:10:10", D("-7680.25"), *FIRMS[1], "转账支取", "运河前村育苗棚维修"),
    ]
    run_balances(opening, t)
    header = ["交易时间", "借方发生额（支取）", "贷方发生额（收入）", "余额", "币种", "对方户名", "对方账号",
              "对方开户机构", "记账日期", "摘要", "备注", "账户明细编号-交易流水号"]
    lines = [["中国建设银行单位客户账户交易明细", *[""] * 12],
             ["账号：37050165880100009876", *[""] * 5, "账户名称：青禾区运河街道办事处", *[""] * 6],
             ["查询起止日期：2024-10-01 至 2024-10-31", *[""] * 12],
             [*header, ""]]
    rows = []
    for i, x in enumerate(t, 1):
        lines.append([f"{x.day.isoformat()} {x.time}", f'"{money(-x.amount)}"' if x.amount < 0 else "",
                      f'"{money(x.amount)}"' if x.amount > 0 else "", f'"{money(x.balance)}"', "人民币",
                      x.party, x.party_acct, "青禾农村商业银行营业部", x.day.strftime("%Y%m%d"), x.summary,
                      x.purpose, f"37050165880100009876-{i:04d}-{x.day:%m%d}", ""])
        rows.append(len(lines))
    debit = sum((-x.amount for x in t if x.amount < 0), D(0))
    credit = sum((x.amount for x in t if x.amount > 0), D(0))
    nd = sum(1 for x in t if x.amount < 0)
    lines.append([f"借方合计笔数：{nd}", f'"借方合计金额：{money(debit)}"', f"贷方合计笔数：{len(t) - nd}",
                  f'"贷方合计金额：{money(credit)}"', *[""] * 9])
    foot1 = len(lines)
    lines.append(["打印时间：2024-11-01 16:20:11", *[""] * 12])
    write_csv(FILES / name, lines, ",", "gbk")
    stmt_manifest(name, "statement", t, rows, opening, "9876", date(2024, 11, 1), [],
                  "建设银行网银明细 as CSV (GBK), every line with a trailing empty column, 交易时间 "
                  "'2024-10-09 10:21:33', amounts with thousands separators; below the rows a totals line "
                  "in other words ('借方合计笔数：4', '借方合计金额：...') and a '打印时间：...' footer: "
                  "neither is a transaction (skipped, listed or not)",
                  extra={"footer_rows": [foot1, foot1 + 1]})


# --------------------------------------------------------------------------- treasury

VOUCHERS_T1 = [
    # no, date, vt, payee, payee acct, summary, remark, details [(func, eco, amt)]
    ("20245201000101", "20240805", "5201", "青禾水务工程有限公司", "370160020230918842", "张山西村饮水安全巩固提升项目",
     "衔接资金 青财农指〔2024〕25号", [("2130504", "50399", D("88000.00"))]),
    ("20245201000102", "20240812", "5201", "沂蒙农牧发展有限公司", "370155500193008171", "泥河后村肉牛养殖项目",
     "衔接资金 青财农指〔2024〕31号", [("2130505", "50399", D("120000.00")), ("2130506", "50399", D("35500.50"))]),
    ("20248202000103", "20240920", "8202", "禾丰农业专业合作社", "370177773412373764", "马兰中村温室大棚项目",
     "衔接资金 青财农指〔2024〕27号", [("2130505", "50399", D("64321.00"))]),
]


def voucher_xml_nested():
    name = "treasury-batch-nested-2024Q3.xml"
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<Root>", "  <Head>", "    <AdmDivCode>370405</AdmDivCode>",
           "    <StYear>2024</StYear>", f"    <VoucherCount>{len(VOUCHERS_T1)}</VoucherCount>", "  </Head>",
           "  <Body>"]
    entries = []
    for no, vdate, vt, payee, pacct, summ, remark, details in VOUCHERS_T1:
        pay = sum((d[2] for d in details), D(0))
        out += ["    <Voucher>", f"      <Id>{no}</Id>", "      <AdmDivCode>370405</AdmDivCode>",
                "      <StYear>2024</StYear>", f"      <VtCode>{vt}</VtCode>", f"      <VouDate>{vdate}</VouDate>",
                f"      <VoucherNo>{no}</VoucherNo>", "      <FundTypeCode>1</FundTypeCode>",
                "      <FundTypeName>一般公共预算资金</FundTypeName>",
                f"      <PayTypeCode>{'11' if vt == '5201' else '12'}</PayTypeCode>",
                f"      <PayTypeName>{'财政直接支付' if vt == '5201' else '财政授权支付'}</PayTypeName>",
                "      <AgencyCode>405012</AgencyCode>", "      <AgencyName>青禾区乡村振兴局</AgencyName>",
                "      <PayAcctNo>370405000000001</PayAcctNo>",
                "      <PayAcctName>青禾区财政局国库存款</PayAcctName>",
                "      <PayAcctBankName>中国人民银行青禾支库</PayAcctBankName>",
                f"      <PayeeAcctNo>{pacct}</PayeeAcctNo>", f"      <PayeeAcctName>{payee}</PayeeAcctName>",
                "      <PayeeAcctBankName>青禾农村商业银行</PayeeAcctBankName>",
                "      <CurrencyCode>CNY</CurrencyCode>", "      <CurrencyName>人民币</CurrencyName>",
                f"      <PaySummaryName>{summ}</PaySummaryName>", f"      <Remark>{remark}</Remark>",
                f"      <PayAmt>{pay:.2f}</PayAmt>", "      <Details>"]
        for k, (func, eco, amt) in enumerate(details, 1):
            out += ["        <Detail>", f"          <Id>{no}-{k}</Id>",
                    f"          <VoucherBillId>{no}</VoucherBillId>",
                    f"          <ExpFuncCode>{func}</ExpFuncCode>", f"          <ExpEcoCode>{eco}</ExpEcoCode>",
                    f"          <Amt>{amt:.2f}</Amt>", "        </Detail>"]
        out += ["      </Details>", "    </Voucher>"]
        entries.append({"voucher": no, "date": f"{vdate[:4]}-{vdate[4:6]}-{vdate[6:]}", "amount": f"{pay:.2f}",
                        "counterparty": payee, "details": [f"{d[2]:.2f}" for d in details]})
    out += ["  </Body>", "</Root>", ""]
    (FILES / name).write_bytes("\n".join(out).encode("utf-8"))
    MANIFEST[name] = {
        "kind": "voucher", "expect": "import", "procedure": "import", "entries": entries,
        "count": len(entries), "total": f"{sum(D(e['amount']) for e in entries):.2f}",
        "note": "国库集中支付凭证 from another system: the standard element names, but UTF-8, a <Root> with "
                "<Head> (VoucherCount there) and <Body>, detail lines under <Details> instead of "
                "<DetailList>, no ExpFuncName/ExpEcoName/BgtType elements; one voucher has two details",
    }


def voucher_xml_pinyin():
    name = "treasury-zfpz-2024Q4.xml"
    vs = [("ZF2024100001", "20241015", "青禾建工有限公司", "370110891102830829", "涧东中村道路硬化项目",
           "青财农指〔2024〕41号", D("156000.00")),
          ("ZF2024100002", "20241018", "鲁南路桥工程有限公司", "370114332920931579", "泥河西村产业路项目",
           "青财农指〔2024〕41号", D("98000.00"))]
    out = ['<?xml version="1.0" encoding="GBK"?>', "<zfpzpl>", f"  <pzsl>{len(vs)}</pzsl>"]
    for no, d, payee, pacct, summ, remark, amt in vs:
        out += ["  <zfpz>", f"    <pzh>{no}</pzh>", f"    <pzrq>{d}</pzrq>", "    <zffs>直接支付</zffs>",
                "    <ysdw>青禾区乡村振兴局</ysdw>", "    <fkrzh>370405000000001</fkrzh>",
                "    <fkrmc>青禾区财政局国库存款</fkrmc>", f"    <skrzh>{pacct}</skrzh>", f"    <skrmc>{payee}</skrmc>",
                f"    <yt>{summ}</yt>", f"    <zbwh>{remark}</zbwh>", f"    <zfje>{amt:.2f}</zfje>",
                "    <mxlb>", "      <mx>", "        <gnkm>2130504</gnkm>", "        <jjkm>50399</jjkm>",
                f"        <je>{amt:.2f}</je>", "      </mx>", "    </mxlb>", "  </zfpz>"]
    out += ["</zfpzpl>", ""]
    (FILES / name).write_bytes("\n".join(out).encode("gbk"))
    MANIFEST[name] = {
        "kind": "voucher", "expect": "refuse", "procedure": "import", "row": None, "message_words": [],
        "note": "a county system's own payment-voucher XML (GBK) with pinyin-abbreviation elements "
                "(zfpz, pzh, pzrq, skrmc, zfje, mxlb/mx). docs/importers.md: a voucher's elements are fixed "
                "and an XML file without <Voucher> is refused from its head, so the correct outcome is a "
                "clear Chinese refusal naming the file, exit non-zero, nothing written (a capability gap "
                "to report, not a crash)",
    }


def voucher_xlsx():
    name = "treasury-pay-list-2024-11.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "支付凭证"
    ws.append(["青禾区国库集中支付凭证清单（2024年11月）"])
    ws.merge_cells("A1:M1")
    ws.append(["凭证号", "凭证日期", "支付方式", "预算单位", "功能分类科目", "经济分类科目", "收款人全称",
               "收款人账号", "收款人开户银行", "用途", "指标文号", "支付金额(元)", "付款人账号"])
    vs = [("20245201000201", date(2024, 11, 4), "青禾水务工程有限公司", "370160020230918842", "运河东村饮水安全项目",
           D("45800.00")),
          ("20245201000202", date(2024, 11, 12), "沂蒙农牧发展有限公司", "370155500193008171", "张山南村肉牛养殖项目",
           D("130000.00"))]
    for no, d, payee, pacct, summ, amt in vs:
        ws.append([no, d.isoformat(), "财政直接支付", "青禾区乡村振兴局", "2130505 生产发展", "50399 其他资本性支出",
                   payee, pacct, "青禾农村商业银行", summ, "青财农指〔2024〕41号", float(amt), "370405000000001"])
    ws.append(["合计", None, None, None, None, None, None, None, None, None, None,
               float(sum((v[5] for v in vs), D(0))), None])
    save_xlsx(wb, FILES / name)
    MANIFEST[name] = {
        "kind": "voucher", "expect": "refuse", "procedure": "import", "row": None, "message_words": [],
        "note": "the treasury payment system's xlsx export of vouchers (凭证号, 凭证日期, 收款人全称, 收款人账号, "
                "支付金额(元), 付款人账号, 指标文号), title row and 合计 row. docs/importers.md knows vouchers "
                "only as XML; no importer documents this sheet, so a correct run refuses it clearly naming "
                "the file (and must not read it as a bank statement or a roster)",
    }


# --------------------------------------------------------------------------- rosters

P = [  # name, id body17, card, town, village
    ("韩秀英", "37040519650312452", "6231561888016470011", "涧东镇", "涧东新村"),
    ("韩立军", "37040519880527451", "6231561888016470029", "涧东镇", "涧东新村"),
    ("孟凡东", "37040519710903455", "6231561888016470037", "涧东镇", "涧东新村"),
    ("刘桂兰", "37040519580120462", "6231561888016470045", "涧东镇", "涧东北村"),
    ("刘庆余", "37040519790611453", "6231561888016470052", "涧东镇", "涧东北村"),
    ("褚红梅", "37040519830214466", "6231561888016470060", "涧东镇", "涧东北村"),
    ("胡玉山", "37040519620808457", "6231561888016470078", "张山镇", "张山南村"),
    ("胡春燕", "37040519920101464", "6231561888016470086", "张山镇", "张山南村"),
    ("潘德福", "37040519540716451", "6231561888016470094", "张山镇", "张山中村"),
    ("吕小红", "37040519861130464", "6231561888016470102", "张山镇", "张山中村"),
    ("庞守义", "37040519500305457", "6231561888016470110", "张山镇", "张山中村"),
    ("葛玉珍", "37040519690922460", "6231561888016470128", "泥河镇", "泥河东村"),
]
PEOPLE = [(n, id_no(b), c, t, v) for n, b, c, t, v in P]


def roster_entry(row, day, amount, person, with_id=True):
    return {"row": row, "date": day.isoformat(), "amount": f"{amount:.2f}", "counterparty": person[0],
            "id_no": person[1] if with_id else None}


def roster_manifest(name, entries, skipped, note, extra=None):
    m = {"kind": "roster", "expect": "import", "procedure": "import", "entries": entries,
         "count": len(entries), "total": f"{sum(D(e['amount']) for e in entries):.2f}",
         "skipped_rows": skipped, "note": note}
    if extra:
        m.update(extra)
    MANIFEST[name] = m


def roster_township_xlsx():
    name = "ykt-huimin-jiandong-2024-08.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "发放清册"
    ws.append(["涧东镇2024年8月惠民惠农财政补贴资金“一卡通”发放清册"])
    ws.merge_cells("A1:J1")
    ws.append(["户主姓名", "公民身份号码", "社保卡号", "所在乡镇", "所在村", "补贴名称", "补贴金额（元）",
               "发放时间", "发放批次", "发放结果"])
    day = date(2024, 8, 20)
    plan = [  # person index, amount, result
        (0, D("1500.00"), "发放成功"), (1, D("2000.00"), "发放成功"), (2, D("1500.00"), "发放失败（卡号有误）"),
        None,
        (3, D("3000.00"), "发放成功"), (4, D("2500.00"), "发放成功"), (5, D("1800.00"), "发放成功"),
        None,
    ]
    entries, skipped, village_sum, village = [], [], D(0), None
    for p in plan:
        if p is None:
            ws.append([f"{village}小计", None, None, None, None, None, float(village_sum)])
            skipped.append(ws.max_row)
            village_sum = D(0)
            continue
        idx, amt, res = p
        person = PEOPLE[idx]
        village = person[4]
        ws.append([person[0], person[1], person[2], person[3], person[4], "到户产业奖补", float(amt),
                   f"{day.year}年{day.month}月{day.day}日", "JD2024-08-01", res])
        village_sum += amt
        if res == "发放成功":
            entries.append(roster_entry(ws.max_row, day, amt, person))
        else:
            skipped.append(ws.max_row)
    ws.append(["合计", None, None, None, None, None, float(sum(D(e["amount"]) for e in entries) + D("1500.00"))])
    skipped.append(ws.max_row)
    save_xlsx(wb, FILES / name)
    roster_manifest(name, entries, skipped,
                    "another township system's 一卡通 发放清册 (xlsx): merged title, no 序号, headers 户主姓名 / "
                    "公民身份号码 / 社保卡号 / 所在村 / 补贴名称 / 补贴金额（元） / 发放时间 (2024年8月20日) / "
                    "发放结果 with a 发放失败（卡号有误） row, a per-village subtotal row '涧东新村小计' "
                    "(amount in the amount column) and a 合计 row")


def roster_names_only_csv():
    name = "ykt-names-only-zhangshan-2024-09.csv"
    day = date(2024, 9, 20)
    lines = [["姓名", "银行卡号", "村组", "补贴项目", "金额", "发放日期"]]
    entries = []
    plan = [(6, D("600.00")), (7, D("600.00")), (8, D("1200.00")), (9, D("600.00")), (10, D("1200.00"))]
    for idx, amt in plan:
        person = PEOPLE[idx]
        lines.append([person[0], person[2], person[4] + ("一组" if idx % 2 else "二组"), "公益性岗位补贴",
                      f"{amt:.2f}", day.strftime("%Y%m%d")])
        entries.append(roster_entry(len(lines), day, amt, person, with_id=False))
    write_csv(FILES / name, lines, ",", "gbk")
    # The judgment, settled: the 一卡通 checks key on the ID number, so a roster without one is
    # refused with a message naming the missing 身份证号 column (not taken in by name and card).
    refuse_manifest(name, "roster", 1,
                    "a village-level 一卡通 payment list (CSV, GBK): names and bank cards only, no ID numbers, "
                    "no 序号, no batch, no status column (all paid), 村组 '张山南村一组', dates 20240920. "
                    "Expected: refused, naming the missing 身份证号 column (the beneficiary checks key on it; "
                    "a judgment, see README)", words=("身份证号",))
    MANIFEST[name].update({"judgment": True, "entries_if_taken": entries})


def roster_two_sheets():
    name = "ykt-two-towns-2024Q3.xlsx"
    wb = openpyxl.Workbook()
    header = ["序号", "姓名", "身份证号", "一卡通账号", "行政村", "补贴项目", "发放金额(元)", "发放日期", "批次号",
              "发放状态"]
    entries, skipped = [], []
    sheets = [("涧东镇", [(0, D("1000.00")), (3, D("1000.00")), (5, D("500.00"))], "JD2024Q3-02", date(2024, 9, 10)),
              ("张山镇", [(6, D("1000.00")), (9, D("1500.00")), (10, D("1000.00")), (11, D("500.00"))],
               "ZS2024Q3-02", date(2024, 9, 12))]
    for k, (town, plan, batch, day) in enumerate(sheets):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = town
        ws.append([f"{town}2024年第三季度到户产业奖补发放明细"])
        ws.merge_cells("A1:J1")
        ws.append(header)
        for seq, (idx, amt) in enumerate(plan, 1):
            person = PEOPLE[idx]
            ws.append([seq, person[0], person[1], person[2], person[4], "到户产业奖补", float(amt), day.isoformat(),
                       batch, "成功"])
            e = roster_entry(ws.max_row, day, amt, person)
            e["sheet"] = town
            entries.append(e)
        ws.append(["合计", None, None, None, None, None, float(sum((a for _, a in plan), D(0)))])
        skipped.append({"sheet": town, "row": ws.max_row})
    save_xlsx(wb, FILES / name)
    roster_manifest(name, entries, [],
                    "one workbook, one sheet per town (涧东镇, 张山镇), each its own batch and 序号 from 1, "
                    "each with a title row and a 合计 row: every row of both sheets is a payment. "
                    "(Skipped rows are per sheet and not checked by row number.)",
                    extra={"skipped_by_sheet": skipped})


def roster_yingfa_csv():
    name = "ykt-yingfa-shifa-2024-07.csv"
    lines = [["序号", "姓名", "身份证号码", "银行账号", "开户行", "所属村组", "补贴项目名称", "应发金额", "实发金额",
              "发放日期", "状态"]]
    entries, skipped = [], []
    day = date(2024, 7, 18)
    plan = [(0, D("800.00"), D("800.00"), "已发放"), (4, D("800.00"), D("800.00"), "已发放"),
            (7, D("800.00"), D("0.00"), "退回"), (11, D("800.00"), D("800.00"), "已发放"),
            (2, D("800.00"), D("800.00"), "已发放")]
    for seq, (idx, due, paid, status) in enumerate(plan, 1):
        person = PEOPLE[idx]
        pid = person[1]
        if seq == 4:
            pid = pid[:-1] + pid[-1].lower()
        lines.append([str(seq), person[0], pid, person[2], "青禾农商银行", person[4] + "二组", "耕地地力保护补贴",
                      f"{due:.2f}", f"{paid:.2f}", f"{day.year}/{day.month}/{day.day}", status])
        if status == "已发放":
            entries.append(roster_entry(len(lines), day, paid, person))
        else:
            skipped.append(len(lines))
    write_csv(FILES / name, lines, ",", "utf-8", bom=True)
    roster_manifest(name, entries, skipped,
                    "惠民惠农 system export (CSV, UTF-8 with BOM): 应发金额 and 实发金额 side by side (the "
                    "payment is 实发金额), 状态 已发放/退回 (a returned payment is skipped), 所属村组, "
                    "dates 2024/7/18, 银行账号 for the card; no batch column")


def roster_typo():
    name = "ykt-roster-typo-2024-10.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "发放明细"
    ws.append(["青禾区2024年10月到户产业奖补资金发放明细表"])
    ws.append(["序号", "姓名", "身份证号", "一卡通账号", "乡镇", "行政村", "补贴项目", "补贴标准", "发放金额(元)",
               "发放日期", "批次号", "发放状态"])
    bad = None
    for seq, idx in enumerate([0, 3, 6, 8, 11], 1):
        person = PEOPLE[idx]
        amt = 1500 if seq != 4 else "1,5OO.00"
        ws.append([seq, person[0], person[1], person[2], person[3], person[4], "到户产业奖补", "按实际养殖规模",
                   amt, "2024-10-15", "QH2024Q4-01", "成功"])
        if seq == 4:
            bad = ws.max_row
    ws.append(["合计"])
    save_xlsx(wb, FILES / name)
    refuse_manifest(name, "roster", bad,
                    "the sample roster's own layout with one 发放金额 typed as text '1,5OO.00' (letter O for "
                    f"zero) on row {bad}: must be refused naming the file and row {bad}, nothing written",
                    words=["金额"])


# --------------------------------------------------------------------------- main

def main() -> None:
    FILES.mkdir(exist_ok=True)
    for f in FILES.iterdir():
        f.unlink()
    MANIFEST.clear()
    for build in (ccb_xlsx, boc_csv, rcb_semicolon, rcc_tab, village_bank, psbc_xlsx, icbc_mismatch, ccb_csv,
                  voucher_xml_nested, voucher_xml_pinyin, voucher_xlsx,
                  roster_township_xlsx, roster_names_only_csv, roster_two_sheets, roster_yingfa_csv, roster_typo):
        build()
    doc = {"workspace": {"init": ["--county", "青禾区", "--admdiv", "370405", "--phone", "0632-12317", "--demo"]},
           "files": MANIFEST}
    (HERE / "manifest.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
