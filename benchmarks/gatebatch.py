"""Payment batch files as a county sends them to the pre-payment gate (`fundtrail gate`):
treasury payment vouchers (GBK XML), a 一卡通 roster still to be paid (xlsx) and a payment
request list (CSV or xlsx). Used by tests/test_gate.py and benchmarks/gate.py.

Each writer takes plain dicts:
    voucher: number, date, payee, account, bank, summary, remark, amount, func_code, eco_code
    roster row: name, id_no, card, town, village, item, amount, date, batch
    request row: date, payee, account, project, amount, purpose
"""

from __future__ import annotations

import csv
import datetime
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl

ROSTER_HEADER = ["序号", "姓名", "身份证号", "一卡通账号", "乡镇", "行政村", "补贴项目", "发放金额(元)",
                 "发放日期", "批次号", "发放状态"]
REQUEST_HEADER = ["序号", "支付日期", "收款单位", "收款账号", "开户行", "项目编码", "支付金额(元)", "摘要", "备注"]


def write_vouchers(path: Path, vouchers: list[dict]) -> Path:
    parts = ['<?xml version="1.0" encoding="GBK"?>', "<MOF>", f"  <VoucherCount>{len(vouchers)}</VoucherCount>"]
    for v in vouchers:
        fields = [("Id", v["number"]), ("AdmDivCode", "370405"), ("StYear", v["date"].year),
                  ("VtCode", "5201"), ("VouDate", f"{v['date']:%Y%m%d}"), ("VoucherNo", v["number"]),
                  ("PayTypeCode", "11"), ("PayTypeName", "财政直接支付"),
                  ("PayAcctNo", v.get("pay_account", "370405000000001")),
                  ("PayAcctName", "国库存款"), ("PayeeAcctNo", v["account"]),
                  ("PayeeAcctName", v["payee"]), ("PayeeAcctBankName", v.get("bank", "")),
                  ("PaySummaryName", v["summary"]), ("Remark", v.get("remark", "")),
                  ("PayAmt", f"{v['amount']:.2f}")]
        parts.append("  <Voucher>")
        parts += [f"    <{k}>{escape(str(val))}</{k}>" for k, val in fields]
        parts += ["    <DetailList>", "      <Detail>",
                  f"        <ExpFuncCode>{v.get('func_code', '')}</ExpFuncCode>",
                  f"        <ExpEcoCode>{v.get('eco_code', '50399')}</ExpEcoCode>",
                  f"        <Amt>{v['amount']:.2f}</Amt>", "      </Detail>", "    </DetailList>",
                  "  </Voucher>"]
    parts.append("</MOF>")
    path.write_bytes(("\n".join(parts) + "\n").encode("gbk"))
    return path


def write_roster(path: Path, rows: list[dict], status: str = "待发放") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "发放明细"
    sheet.append([f"一卡通到户补助待发放明细 批次{rows[0]['batch']}"])
    sheet.append(ROSTER_HEADER)
    for n, r in enumerate(rows, 1):
        sheet.append([n, r["name"], r["id_no"], r["card"], r["town"], r["village"], r["item"],
                      float(r["amount"]), r["date"].isoformat(), r["batch"], status])
    book.save(path)
    return path


def write_requests(path: Path, rows: list[dict], header=REQUEST_HEADER) -> Path:
    values = [[n, r["date"].isoformat(), r["payee"], r["account"], r.get("bank", ""), r["project"],
               f"{r['amount']:.2f}", r["purpose"], r.get("remark", "")] for n, r in enumerate(rows, 1)]
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerows(values)
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(list(header))
        for row in values:
            sheet.append(row)
        book.save(path)
    return path


def id_number(region: str, birth: datetime.date, seq: int, female: bool = False) -> str:
    """A well-formed 18-digit ID number (GB 11643 check digit)."""
    body = f"{region}{birth:%Y%m%d}{seq % 100:02d}{(seq % 5) * 2 + (0 if female else 1)}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def yuan(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))
