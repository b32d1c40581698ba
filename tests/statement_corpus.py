"""Statements of banks and channels the packaged layouts do not cover, written from known rows.

Each writer renders the same `Truth` (rows with date, time, signed amount, counterparty, serial)
the way one bank's corporate export looks, from what is publicly known of those exports: 中国银行
网银 (tab-separated UTF-16, bilingual headers, 付款人/收款人 columns, one signed 交易金额), 建设银行
(Excel, 交易时间 with date and time, 借方发生额（支取）/贷方发生额（收入）, 记账日期 as well),
交通银行 (GBK, 借贷标志 + 交易金额, a totals row), a 农商行 two-row Excel header (发生额 over
借方/贷方), 招商银行 (交易日 + 交易时间, 收/付方名称), 中信银行 (no metadata lines, newest row
first), 工商银行网银 (借/贷 and split amounts), 农业银行柜面 (pipe-separated, full-width digits,
no serial), 邮储对账单 (semicolons, +/- signs, HHMMSS times), a 信用社 whose 发生额 is positive
for money out, 建行柜面 with its own 收支标志 words, and a 村镇银行 (年月日 dates, ¥ amounts).

A test reads a file back with the layout `fundtrail layout suggest` wrote and compares it with
`Truth.rows`, so nothing here is shaped by the suggester's vocabulary.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl

HOLDER = "青禾区乡村振兴局衔接资金专户"
COUNTERPARTIES = [("青禾建工有限公司", "370100100200345"), ("禾丰农业专业合作社", "62284800112233"),
                  ("青禾区财政局", "405012000000001"), ("鲁南路桥工程有限公司", "3701000011110022"),
                  ("东岭村股份经济合作社", "62170011002233445"), ("青禾区农业农村局", "405012000000077")]
SUMMARIES_IN = ["转账存入", "上级拨款", "往来款"]
SUMMARIES_OUT = ["转账支取", "网银转账", "代发工资"]


@dataclass
class Line:
    when: datetime.datetime
    amount: Decimal  # + money in for the holder
    balance: Decimal
    counterparty: str
    counter_account: str
    summary: str
    serial: str


@dataclass
class Truth:
    account_no: str
    start: datetime.date
    end: datetime.date
    opening: Decimal
    rows: list[Line] = field(default_factory=list)

    @property
    def last4(self) -> str:
        return self.account_no.replace(" ", "")[-4:]


def truth(seed: int, count: int = 24) -> Truth:
    rng = random.Random(seed)
    number = "".join(str(rng.randint(0, 9)) for _ in range(19))
    start = datetime.date(2024, 7, 1)
    t = Truth(number, start, datetime.date(2024, 7, 31), Decimal(rng.randint(50_000, 900_000)))
    balance, moment = t.opening, datetime.datetime(2024, 7, 1, 8, 30)
    for n in range(count):
        moment += datetime.timedelta(hours=rng.randint(2, 28), minutes=rng.randint(0, 59),
                                     seconds=rng.randint(0, 59))
        cents = Decimal(rng.randint(1_000, 9_000_000)) / 100
        out = rng.random() < 0.55 and balance > cents
        amount = -cents if out else cents
        balance += amount
        name, account = rng.choice(COUNTERPARTIES)
        summary = rng.choice(SUMMARIES_OUT if out else SUMMARIES_IN)
        serial = f"{seed % 97:02d}{n + 1:04d}{rng.randint(100, 999)}"
        t.rows.append(Line(moment, amount, balance, name, account, summary, serial))
    t.end = max(t.end, t.rows[-1].when.date())
    return t


def _csv(rows, delimiter=",") -> str:
    def cell(value):
        text = "" if value is None else str(value)
        return f'"{text}"' if delimiter in text or '"' in text else text
    return "".join(delimiter.join(cell(v) for v in row) + "\r\n" for row in rows)


def _xlsx(path: Path, rows, merges=()) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    for ref in merges:
        sheet.merge_cells(ref)
    book.save(path)


def _split(line: Line) -> tuple[Decimal | None, Decimal | None]:
    return (-line.amount if line.amount < 0 else None), (line.amount if line.amount > 0 else None)


def _grouped(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def boc_netbank(t: Truth, folder: Path) -> Path:
    """中国银行网银: UTF-16 with BOM, tab separated, bilingual headers, payer and payee columns."""
    rows = [["交易明细查询结果[ Transaction Details ]"],
            ["账号[ Account No. ]", t.account_no],
            ["账户名称[ Account Name ]", HOLDER], [],
            ["交易日期[ Transaction Date ]", "交易时间[ Transaction time ]",
             "交易类型[ Transaction Type ]", "付款人账号[ Debit Account No. ]",
             "付款人名称[ Payer's Name ]", "收款人账号[ Payee's Account Number ]",
             "收款人名称[ Payee's Name ]", "交易金额[ Trade Amount ]",
             "交易后余额[ After-transaction balance ]", "摘要[ Reference ]",
             "交易流水号[ Transaction reference number ]"]]
    for x in t.rows:
        ours, theirs = (t.account_no, HOLDER), (x.counter_account, x.counterparty)
        payer, payee = (theirs, ours) if x.amount > 0 else (ours, theirs)
        rows.append([f"{x.when:%Y%m%d}", f"{x.when:%H:%M:%S}", "转账", payer[0], payer[1], payee[0],
                     payee[1], f"{x.amount:.2f}", f"{x.balance:.2f}", x.summary, x.serial])
    path = folder / "boc-netbank.txt"
    path.write_bytes(_csv(rows, "\t").encode("utf-16"))
    return path


def ccb_excel(t: Truth, folder: Path) -> Path:
    """建设银行: Excel, labels and values in two cells, 交易时间 holds date and time."""
    rows = [["中国建设银行单位账户交易明细"], ["账    号", t.account_no], ["户    名", HOLDER],
            ["交易时间", "借方发生额（支取）", "贷方发生额（收入）", "余额", "币种", "对方户名", "对方账号",
             "对方开户机构", "记账日期", "摘要", "备注", "账户明细编号-交易流水号", "凭证种类", "凭证号"]]
    for x in t.rows:
        debit, credit = _split(x)
        rows.append([f"{x.when:%Y-%m-%d %H:%M:%S}", float(debit) if debit else None,
                     float(credit) if credit else None, float(x.balance), "人民币元", x.counterparty,
                     x.counter_account, "中国建设银行青禾支行", f"{x.when:%Y%m%d}", x.summary, None,
                     x.serial, None, None])
    path = folder / "ccb-detail.xlsx"
    _xlsx(path, rows)
    return path


def bocom_direction(t: Truth, folder: Path) -> Path:
    """交通银行: GBK, 借贷标志 + 交易金额 with thousands separators, a totals row."""
    rows = [["交通银行对公账户交易明细"], [f"查询账号:{t.account_no}"], [f"户名:{HOLDER}"],
            [f"查询期间:{t.start:%Y%m%d}-{t.end:%Y%m%d}"],
            ["交易日期", "交易时间", "摘要", "借贷标志", "交易金额", "余额", "对方账号", "对方户名",
             "会计流水号"]]
    for x in t.rows:
        rows.append([f"{x.when:%Y-%m-%d}", f"{x.when:%H:%M:%S}", x.summary,
                     "贷" if x.amount > 0 else "借", _grouped(abs(x.amount)), _grouped(x.balance),
                     x.counter_account, x.counterparty, x.serial])
    rows.append(["合计", "", "", "", "", "", "", "", ""])
    path = folder / "bocom.csv"
    path.write_bytes(_csv(rows).encode("gbk"))
    return path


def rcb_two_row(t: Truth, folder: Path) -> Path:
    """农商行: Excel, two-row header (发生额 merged over 借方/贷方), Excel dates, both metadata
    fields in one cell."""
    rows = [["青禾农村商业银行 对公客户对账单"], [f"户名：{HOLDER}    账号：{t.account_no}"],
            [f"期间：{t.start:%Y年%m月%d日}至{t.end:%Y年%m月%d日}"],
            ["日期", "流水号", "摘要", "发生额", None, "余额", "对方户名", "对方账号"],
            [None, None, None, "借方", "贷方", None, None, None]]
    for x in t.rows:
        debit, credit = _split(x)
        rows.append([x.when.replace(hour=0, minute=0, second=0), x.serial, x.summary,
                     float(debit) if debit else None, float(credit) if credit else None,
                     float(x.balance), x.counterparty, x.counter_account])
    path = folder / "rcb-statement.xlsx"
    _xlsx(path, rows, ["D4:E4"])
    return path


def cmb_netbank(t: Truth, folder: Path) -> Path:
    """招商银行: UTF-8 with BOM, label and value in separate cells, two fields on one line."""
    rows = [["账号:", t.account_no], ["账户名称:", HOLDER], ["币种:", "人民币"],
            ["起始日期:", f"{t.start:%Y%m%d}", "终止日期:", f"{t.end:%Y%m%d}"], [],
            ["交易日", "交易时间", "起息日", "交易类型", "借方金额", "贷方金额", "余额", "摘要", "流水号",
             "业务名称", "用途", "收/付方名称", "收/付方帐号"]]
    for x in t.rows:
        debit, credit = _split(x)
        rows.append([f"{x.when:%Y%m%d}", f"{x.when:%H:%M:%S}", f"{x.when:%Y%m%d}", "汇款",
                     debit or "", credit or "", x.balance, x.summary, x.serial, "企业银行", "",
                     x.counterparty, x.counter_account])
    path = folder / "cmb.csv"
    path.write_bytes(_csv(rows).encode("utf-8-sig"))
    return path


def citic_newest_first(t: Truth, folder: Path) -> Path:
    """中信银行: Excel, no metadata lines, newest row first."""
    rows = [["交易日期", "对方账号", "对方账户名称", "借方发生额", "贷方发生额", "账户余额", "摘要",
             "柜员交易号"]]
    for x in reversed(t.rows):
        debit, credit = _split(x)
        rows.append([f"{x.when:%Y%m%d}", x.counter_account, x.counterparty,
                     _grouped(debit), _grouped(credit), _grouped(x.balance), x.summary, x.serial])
    path = folder / "citic.xlsx"
    _xlsx(path, rows)
    return path


def icbc_netbank(t: Truth, folder: Path) -> Path:
    """工商银行网银 (not the packaged 对账单): UTF-8, 借/贷 plus split amounts, no metadata."""
    rows = [["凭证号", "本方账号", "对方账号", "交易时间", "借/贷", "借方发生额", "贷方发生额", "对方行号",
             "摘要", "用途", "对方单位名称", "余额", "个性化信息"]]
    for x in t.rows:
        debit, credit = _split(x)
        rows.append([x.serial, t.account_no, x.counter_account, f"{x.when:%Y-%m-%d %H:%M:%S}",
                     "贷" if x.amount > 0 else "借", debit or "", credit or "", "102465000011",
                     x.summary, "", x.counterparty, x.balance, ""])
    path = folder / "icbc-netbank.csv"
    path.write_bytes(_csv(rows).encode("utf-8"))
    return path


def _wide(text: str) -> str:
    return text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789,"})


def abc_counter(t: Truth, folder: Path) -> Path:
    """农业银行柜面对账单: GB18030 text, pipe separated, full-width digits, dotted dates, no serial."""
    rows = [["中国农业银行对账单"], ["户名", HOLDER], ["账号", " ".join(
        t.account_no[i:i + 4] for i in range(0, len(t.account_no), 4))],
            ["日期", "摘要", "借方", "贷方", "余额", "对方户名"]]
    for x in t.rows:
        debit, credit = _split(x)
        rows.append([f"{x.when:%Y.%m.%d}", x.summary, _wide(_grouped(debit)), _wide(_grouped(credit)),
                     _wide(_grouped(x.balance)), x.counterparty])
    path = folder / "abc-counter.txt"
    path.write_bytes(_csv(rows, "|").encode("gb18030"))
    return path


def psbc_semicolon(t: Truth, folder: Path) -> Path:
    """邮储对账单: semicolons, explicit +/- signs, times as HHMMSS."""
    rows = [[f"账户：{t.account_no}；户名：{HOLDER}"],
            ["交易日期", "交易时间", "交易金额", "账户余额", "对方户名", "对方账号", "摘要", "交易流水号"]]
    for x in t.rows:
        rows.append([f"{x.when:%Y%m%d}", f"{x.when:%H%M%S}", f"{x.amount:+.2f}", f"{x.balance:.2f}",
                     x.counterparty, x.counter_account, x.summary, x.serial])
    path = folder / "psbc-statement.csv"
    path.write_bytes(_csv(rows, ";").encode("utf-8"))
    return path


def rcc_debit_positive(t: Truth, folder: Path) -> Path:
    """信用社: GB18030, slashed dates, one 发生额 that is positive for money out (借方记正)."""
    rows = [["青禾县农村信用合作联社 账户明细"], [f"账号={t.account_no}"], [f"单位名称={HOLDER}"],
            ["记账日期", "交易码", "摘要", "发生额", "余额", "对方户名", "对方账号", "传票号"]]
    for x in t.rows:
        rows.append([f"{x.when:%Y/%m/%d}", "2001", x.summary, f"{-x.amount:.2f}", f"{x.balance:.2f}",
                     x.counterparty, x.counter_account, x.serial])
    path = folder / "rcc.csv"
    path.write_bytes(_csv(rows).encode("gb18030"))
    return path


def ccb_counter_words(t: Truth, folder: Path) -> Path:
    """建行柜面: date and minute in one column, 收支标志 written 转入/转出, 附言 and 交易参考号."""
    rows = [["账号", t.account_no, "户名", HOLDER],
            ["交易日期", "收支标志", "金额", "余额", "对方名称", "附言", "交易参考号"]]
    for x in t.rows:
        rows.append([f"{x.when:%Y-%m-%d %H:%M}", "转入" if x.amount > 0 else "转出", f"{abs(x.amount):.2f}",
                     f"{x.balance:.2f}", x.counterparty, x.summary, x.serial])
    path = folder / "ccb-counter.csv"
    path.write_bytes(_csv(rows).encode("utf-8"))
    return path


def vtb_yuan(t: Truth, folder: Path) -> Path:
    """村镇银行: GB18030, dates written 2024年07月02日, ¥ amounts with separators, "--" for empty."""
    rows = [["青禾村镇银行 账户交易明细"], [f"账户：{t.account_no}"], [f"账户名称：{HOLDER}"],
            ["交易日期", "交易序号", "收入(元)", "支出(元)", "余额(元)", "对方单位", "摘要"]]
    for x in t.rows:
        debit, credit = _split(x)
        rows.append([f"{x.when:%Y年%m月%d日}", x.serial, f"¥{credit:,.2f}" if credit else "--",
                     f"¥{debit:,.2f}" if debit else "--", f"¥{x.balance:,.2f}", x.counterparty, x.summary])
    path = folder / "vtb.csv"
    path.write_bytes(_csv(rows).encode("gb18030"))
    return path


@dataclass(frozen=True)
class Variant:
    write: object
    account_in_file: bool  # the account number is in the metadata lines
    serial: bool  # a serial column
    seconds: bool  # the time is kept to the second (False: to the minute, or no time)
    has_time: bool


VARIANTS = {
    "boc-netbank": Variant(boc_netbank, True, True, True, True),
    "ccb-excel": Variant(ccb_excel, True, True, True, True),
    "bocom-direction": Variant(bocom_direction, True, True, True, True),
    "rcb-two-row": Variant(rcb_two_row, True, True, False, False),
    "cmb-netbank": Variant(cmb_netbank, True, True, True, True),
    "citic-newest-first": Variant(citic_newest_first, False, True, False, False),
    "icbc-netbank": Variant(icbc_netbank, False, True, True, True),
    "abc-counter": Variant(abc_counter, True, False, False, False),
    "psbc-semicolon": Variant(psbc_semicolon, True, True, True, True),
    "rcc-debit-positive": Variant(rcc_debit_positive, True, True, False, False),
    "ccb-counter-words": Variant(ccb_counter_words, True, True, False, True),
    "vtb-yuan": Variant(vtb_yuan, True, True, False, False),
}


def write_in_layout(layout, t: Truth, folder: Path) -> Path:
    """`t` written the way a packaged layout (`fundtrail.importers.layout.Layout`) describes:
    its metadata lines, labels, date formats, delimiter, encoding, amount convention."""
    raw, columns = layout.raw, layout.columns
    info = {"account_no": t.account_no, "holder": HOLDER, "start": t.start, "end": t.end}
    head = [[line.format(**info)] for line in layout.head]
    body = []
    for x in t.rows:
        debit, credit = _split(x)
        money = (lambda v: _grouped(v)) if raw.get("thousands") else (lambda v: "" if v is None else f"{v:.2f}")
        fmt = layout.date_formats[0] if layout.date_formats else "%Y-%m-%d"
        values = {"date": x.when.strftime(fmt), "datetime": x.when.strftime(fmt),
                  "time": x.when.strftime(layout.time_formats[0] if layout.time_formats else "%H%M%S"),
                  "serial": x.serial, "payee": x.counterparty, "payee_account": x.counter_account,
                  "summary": (f"{x.summary} 项目款" if layout.summary_joins_purpose else x.summary),
                  "purpose": "", "memo": "", "debit": money(debit), "credit": money(credit),
                  "balance": money(x.balance), "amount": f"{x.amount:.2f}",
                  "direction": "贷" if x.amount > 0 else "借"}
        if layout.format == "xlsx":
            values.update({k: float(v) if v is not None else None
                           for k, v in (("debit", debit), ("credit", credit), ("balance", x.balance))})
        body.append([values[field] for field in columns])
    rows = head + [list(columns.values())] + body
    if layout.format == "xlsx":
        path = folder / f"{layout.key}.xlsx"
        book = openpyxl.Workbook()
        book.active.title = layout.sheet or "Sheet1"
        for row in rows:
            book.active.append(row)
        book.save(path)
        return path
    path = folder / f"{layout.key}.csv"
    path.write_bytes(_csv(rows, layout.delimiter).encode(layout.encoding or "utf-8"))
    return path
