"""Treasury centralized payment vouchers (国库集中支付电子凭证): GBK XML, one voucher or a batch.

One transaction per voucher, linked `^VOU-<VoucherNo>`: one posting per detail line (carrying
its function and economic codes) and the treasury's payment. 5201 (direct) and 8202 (authorised)
vouchers read the same way. A correction voucher (negative detail lines) must net to zero.
"""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from beancount.core import data

from fundtrail import accounts as acc
from fundtrail.importers import cells, columns
from fundtrail.importers.base import Extraction, FundtrailImporter, cash_open, posting, txn
from fundtrail.importers.classify import Item
from fundtrail.importers.context import ImportContext, digits
from fundtrail.importers.errors import BadInput
from fundtrail.importers.sniff import decode, first_bytes, require_xml_size

REQUIRED = ("VoucherNo", "VtCode", "VouDate", "PayAcctNo", "PayeeAcctName", "PayAmt")
# The elements read, and what each is in the books (the import report names them); a detail
# line's elements as "Detail/<tag>". Every other element is named as ignored (the known ones
# are listed in importers/columns.py, section "vouchers") or, when it holds a date, an ID, an
# amount or an account number, stops the import (fundtrail.importers.columns).
READ = {"VoucherNo": "凭证号", "VtCode": "凭证类型", "VouDate": "凭证日期", "PayAcctNo": "付款账号",
        "PayAcctName": "付款户名", "PayAcctBankName": "付款行", "PayeeAcctNo": "收款账号",
        "PayeeAcctName": "收款人", "PaySummaryName": "用途", "Remark": "备注", "PayAmt": "支付金额",
        "Detail/ExpFuncCode": "功能科目", "Detail/ExpEcoCode": "经济科目", "Detail/Amt": "明细金额"}
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_ENCODING = re.compile(rb"encoding=[\"']([\w-]+)[\"']")


def parse_xml(path: Path) -> ET.Element:
    """The XML's root element; BadInput for a malformed file or one over sniff.MAX_XML_BYTES."""
    require_xml_size(path)
    raw = path.read_bytes()
    declared = _ENCODING.search(raw[:200])
    text, _ = decode(path, raw, declared.group(1).decode() if declared else None)
    try:
        return ET.fromstring(_DECLARATION.sub("", text, count=1))
    except ET.ParseError as error:
        line = error.position[0] if error.position else None
        raise BadInput(path, f"XML格式错误(文件可能被截断): {error}",
                       f"malformed XML (truncated file?): {error}", line) from None


def _line_of(path: Path, number: str) -> int | None:
    """The line of a voucher's <VoucherNo> in the file, for messages."""
    raw = path.read_bytes()
    at = raw.find(f"<VoucherNo>{number}</VoucherNo>".encode())
    return raw[:at].count(b"\n") + 1 if at >= 0 else None


class VoucherImporter(FundtrailImporter):
    kind = "国库支付凭证 treasury vouchers"

    def score(self, path: Path) -> int:
        if path.suffix.lower() != ".xml":
            return 0
        head = first_bytes(path)[:4000]
        return 100 if b"<Voucher>" in head or b"<VoucherNo>" in head else 0

    def accounts(self, path: Path, ctx: ImportContext) -> list[data.Open]:
        """The treasury accounts the vouchers pay from that the books do not open yet, read
        before anything else so that the fund list's receipts have their account."""
        ex = Extraction(path, self, self.kind)
        for voucher in self._vouchers(path):
            fields = {child.tag: (child.text or "").strip() for child in voucher}
            if fields.get("PayAcctNo") and fields.get("VouDate", "")[:4].isdigit():
                self._treasury(fields, ctx, ex)
        return ex.opens

    def _vouchers(self, path: Path) -> list:
        root = parse_xml(path)
        return [root] if root.tag == "Voucher" else root.findall(".//Voucher")

    def read(self, path: Path, ctx: ImportContext) -> Extraction:
        root = parse_xml(path)
        vouchers = [root] if root.tag == "Voucher" else root.findall(".//Voucher")
        if not vouchers:
            raise BadInput(path, "文件中没有凭证(<Voucher>)", "no <Voucher> in the file")
        declared = root.findtext("VoucherCount")
        if declared and declared.strip().isdigit() and int(declared) != len(vouchers):
            raise BadInput(path, f"凭证数 {len(vouchers)} 与 VoucherCount {declared} 不符(文件可能被截断)",
                           f"{len(vouchers)} vouchers but VoucherCount says {declared} (truncated?)")
        ex = Extraction(path, self, self.kind, read=len(vouchers))
        ex.columns = _elements(path, vouchers, ctx.root)
        numbers = {}
        for voucher in vouchers:
            fields = {child.tag: (child.text or "").strip() for child in voucher}
            number = fields.get("VoucherNo", "")
            where = _line_of(path, number) if number else None
            missing = [k for k in REQUIRED if not fields.get(k)]
            if missing:
                raise BadInput(path, f"凭证 {number or '?'} 缺少字段 {', '.join(missing)}",
                               f"voucher {number or '?'} lacks {', '.join(missing)}", where)
            if number in numbers:
                raise BadInput(path, f"凭证号 {number} 重复", f"voucher number {number} repeated", where)
            numbers[number] = where
            treasury = self._treasury(fields, ctx, ex)
            ex.account = ex.account or treasury
            ex.entries.append(self._entry(path, ctx, treasury, fields, voucher, where))
        return ex

    def _treasury(self, fields, ctx: ImportContext, ex: Extraction) -> str:
        number = fields["PayAcctNo"]
        account = ctx.account_by_number(number, ex.path) or ctx.treasury()
        if not account:
            account = f"{acc.TREASURY}:PBC-{digits(number)[-4:]}"
        if not ctx.is_open(account) and all(o.account != account for o in ex.opens):
            ex.opens.append(cash_open(account, ctx.open_date(datetime.date(int(fields["VouDate"][:4]), 1, 1)),
                                      name=fields.get("PayAcctName", "国库存款"),
                                      bank=fields.get("PayAcctBankName", ""), account_no=number))
        return account

    def _entry(self, path, ctx, treasury, fields, voucher, where):
        number = fields["VoucherNo"]
        try:
            day = cells.when(fields["VouDate"])[0].date()
            total = cells.amount(fields["PayAmt"])
            lines = [(d.findtext("ExpFuncCode", "").strip(), d.findtext("ExpEcoCode", "").strip(),
                      cells.amount(d.findtext("Amt", "")))
                     for d in voucher.iter("Detail")]
        except cells.CellError as error:
            zh, _, en = str(error).partition(" / ")
            raise BadInput(path, f"凭证 {number}: {zh}", f"voucher {number}: {en or zh}", where) from None
        if any(amt is None for *_, amt in lines):
            raise BadInput(path, f"凭证 {number} 明细缺少金额", f"voucher {number}: a detail has no Amt", where)
        lines = lines or [("", "", total)]
        if sum(amt for *_, amt in lines) != total:
            raise BadInput(path, f"凭证 {number} 明细合计 {sum(a for *_, a in lines):,.2f} ≠ 支付金额 {total:,.2f}",
                           f"voucher {number}: details do not add up to PayAmt", where)
        mixed = any(amt < 0 for *_, amt in lines) and any(amt > 0 for *_, amt in lines)
        if mixed and total != 0:  # a correction: a +/- pair that moves money between codes
            raise BadInput(path, f"更正凭证 {number} 正负明细未相抵(合计 {total:,.2f})",
                           f"correction voucher {number} does not net to zero", where)
        item = Item("voucher", day, "out", treasury, fields["PayeeAcctName"],
                    fields.get("PayeeAcctNo", ""), purpose=fields.get("PaySummaryName", ""),
                    remark=fields.get("Remark", ""), vt_code=fields["VtCode"],
                    narration=fields.get("PaySummaryName", "") or fields.get("Remark", ""))
        result = ctx.classifier.classify(item, (path, where))
        link = f"VOU-{number}"
        postings = []
        for func, eco, amt in lines:
            meta = {**result.meta, "payee_account": fields.get("PayeeAcctNo", "")}
            if result.account.startswith("Expenses:"):
                meta.update(func_code=func, eco_code=eco)
            postings.append(posting(result.account, amt, meta))
        postings.append(posting(treasury, -total))
        meta = self.meta(path, ctx, (link, treasury), voucher=number)
        return txn(meta, day, result.payee, result.narration, {link} | result.links, postings)





def _elements(path: Path, vouchers, root) -> columns.Columns:
    """Every element of the vouchers (and of their detail lines) read or named as ignored, as
    the tabular importers account for their columns: one row per detail line."""
    header: dict[str, None] = {}
    rows = []
    for voucher in vouchers:
        own = {child.tag: (child.text or "").strip() for child in voucher
               if child.tag != "DetailList" and not len(child)}
        header.update(dict.fromkeys(own))
        details = [{f"Detail/{c.tag}": (c.text or "").strip() for c in d} for d in voucher.iter("Detail")]
        for detail in details or [{}]:
            header.update(dict.fromkeys(detail))
            rows.append({**own, **detail})
    columns.check(root, "vouchers", None)
    tags = list(header)
    used = {i: READ[tag] for i, tag in enumerate(tags) if tag in READ}
    return columns.account(path, tags, [[row.get(tag) for tag in tags] for row in rows], used,
                           "vouchers", root)
