"""Payment request lists (付款申请清单 / 支付申请汇总表): CSV or Excel, one payment a row, as a unit
sends them to the treasury before the money goes out. Read by the pre-payment gate
(`fundtrail gate`), never booked by `fundtrail import`: a request is not a payment yet.

Columns (Chinese headers, common variants; a header with a unit such as 金额(元) counts too):

    date      日期 / 支付日期 / 付款日期 / 申请日期 / 拟支付日期
    payee     收款人 / 收款单位 / 收款人名称 / 收款单位名称 / 收款人全称
    account   收款账号 / 账号 / 收款人账号 / 收款账户 / 银行账号
    project   项目编码 / 项目 / 项目代码 / 项目名称   (a code or a name of the project library)
    amount    金额 / 支付金额 / 申请金额 / 付款金额
    purpose   用途 / 摘要 / 资金用途 / 付款用途 / 支付用途
    optional: 开户行, 指标文号, 功能科目, 经济科目
    ignored:  序号, 备注, 经办人, 申请人, 审核人, 申请单位, 联系电话, 附件张数

Any other column is an error naming it: nothing in the file is silently dropped. Each row is
one transaction out of the treasury account, to the project's `Expenses:Project:<code>` (a
project the library does not know, or none, goes through the workspace's classification rules
and may land in suspense), with the payee's account as `payee_account:`.
"""

from __future__ import annotations

from pathlib import Path

from fundtrail import accounts as acc
from fundtrail.importers import cells
from fundtrail.importers.base import Extraction, FundtrailImporter, posting, txn
from fundtrail.importers.classify import Item
from fundtrail.importers.context import ImportContext, digits
from fundtrail.importers.errors import BadInput
from fundtrail.importers.headers import PAYMENT_REQUESTS, PAYMENT_REQUESTS_IGNORED
from fundtrail.importers.tables import (
    find_columns,
    head_table,
    header_score,
    is_blank,
    is_totals,
    read_table,
)

SPEC, IGNORED = PAYMENT_REQUESTS, PAYMENT_REQUESTS_IGNORED


def _label(cell) -> str:
    """A header cell as compared: folded, without a bracketed unit (金额(元) -> 金额)."""
    text = cells.fold(cells.text(cell))
    return text.split("(")[0] if text.endswith(")") else text


KNOWN = {_label(a) for f in SPEC.fields for a in f.names} | {_label(a) for a in IGNORED}


class PaymentRequestImporter(FundtrailImporter):
    kind = "付款申请清单 payment request list"

    def score(self, path: Path) -> int:
        if path.suffix.lower() not in (".xlsx", ".xlsm", ".csv"):
            return 0
        return header_score(head_table(path), SPEC)

    def read(self, path: Path, ctx: ImportContext) -> Extraction:
        table = read_table(path)
        index, col, _ = find_columns(path, table, SPEC)
        header_row, header = table.rows[index]
        unknown = [cells.text(c) for c in header if cells.text(c) and _label(c) not in KNOWN]
        if unknown:
            raise BadInput(path, f"表头中有无法识别的列: {'、'.join(unknown)}（可识别的列见付款申请清单说明，"
                           f"不需要的列请命名为: {'、'.join(IGNORED)}）",
                           f"unknown header column(s): {', '.join(unknown)}", header_row)
        treasury = ctx.treasury() or ctx.fallback_account or next(iter(ctx.of_kind(acc.TREASURY + ":")), "")
        if not treasury:
            raise BadInput(path, "账簿中没有国库存款账户 (Assets:Treasury:…)，无法判断付款账户",
                           "the books open no treasury account to pay from")
        ex = Extraction(path, self, self.kind, treasury)
        projects = ctx.master.projects
        by_name = {}
        for code, project in projects.items():
            by_name.setdefault(project.name, []).append(code)
        for number, row in table.rows[index + 1:]:
            if is_blank(row):
                continue
            ex.read += 1

            def get(key, row=row):
                return cells.text(row[col[key]]) if key in col and col[key] < len(row) else ""

            if is_totals(row):
                ex.skipped.append((number, "合计行 totals row"))
                continue
            try:
                day = cells.when(row[col["date"]] if col["date"] < len(row) else None)[0].date()
                amount = cells.amount(row[col["amount"]] if col["amount"] < len(row) else None)
            except (ValueError, cells.CellError) as error:
                zh, _, en = str(error).partition(" / ")
                raise BadInput(path, zh, en or zh, number) from None
            if amount is None or amount <= 0:
                raise BadInput(path, "金额应为正数", "the amount must be positive", number)
            payee, account, purpose = get("payee"), get("account").replace(" ", ""), get("purpose")
            for key, value in (("payee", payee), ("account", account), ("purpose", purpose)):
                if not value:
                    raise BadInput(path, f"「{SPEC[key].label}」为空", f"empty {key}", number)
            if not digits(account) or len(digits(account)) < 6:
                raise BadInput(path, f"收款账号格式错误 {account!r}", f"malformed account {account!r}",
                               number)
            named = get("project")
            code = named if named in projects else (
                by_name[named][0] if len(by_name.get(named, ())) == 1 else "")
            if code:  # the request names its project: booked to it, as the treasury pays it
                meta = {"fund": str(projects[code].meta.get("fund", "")) or None,
                        "stage": ctx.classifier.stage_of(purpose)}
                target, links, narration = acc.project_account(code), {code}, purpose
            else:  # the classification rules decide, as for a voucher (else suspense)
                item = Item("request", day, "out", treasury, payee, account,
                            purpose=f"{named} {purpose}".strip(), remark=get("fund"),
                            narration=purpose)
                result = ctx.classifier.classify(item, (path, number))
                meta, target, links, narration = dict(result.meta), result.account, \
                    set(result.links), result.narration
            if target.startswith("Expenses:"):
                meta.update(func_code=get("func_code") or None, eco_code=get("eco_code") or None)
            link = f"REQ-{ctx.digest(path)[:8]}-{number}"
            entry_meta = self.meta(path, ctx, (link, treasury), row=number)
            entry_meta["payee_account"] = account
            ex.entries.append(txn(entry_meta, day, payee, narration, {link} | links,
                                  [posting(target, amount, meta), posting(treasury, -amount)]))
        return ex
