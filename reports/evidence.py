"""Evidence as an auditor cites it, and text for people without the ledger's slugs.

An auditor follows a finding to its documents by voucher number, bank serial, 一卡通 row, date
and amount, not by a ledger file and line. `references(master, links)` labels each link by what
it is (国库支付凭证号, 银行流水号, 一卡通发放行, 资金分配文件, 项目, 资金指标); `document(master,
source)` names the original document an entry was imported from by its kind and the account
it belongs to (工商银行衔接资金专户对账单（截至2024年12月31日）), never its file name;
`where(master, flow)` is that document with the voucher number and detail line (a treasury
voucher's lines are its postings in order, the cash leg last) or the statement row.

`Plain(master).text(s)` rewrites what the rules' messages may carry for a reader: an account
name (Assets:Bank:ICBC-2345) becomes its Chinese name (the `name:` of its `open`, else its
project's or fund's name), and a file name (classify.toml, 2024-09-30.vouchers-2024Q3.xml,
transactions/imported.beancount:8787) the kind of document it is. The report renderer
(fundtrail.reports.render) passes every printed string through it.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from fundtrail import accounts as acc
from fundtrail import banks

ACCOUNT = re.compile(r"(?<![A-Za-z])(?:Assets|Liabilities|Equity|Income|Expenses)(?::[A-Za-z0-9][A-Za-z0-9\-]*)+")
FILE = re.compile(r"(?<![\w])(?:[\w\-]+/)*[\w\-]+(?:\.[\w\-]+)*\.(?:beancount|toml|xml|csv|xlsx|xls|json|txt|pdf)"
                  r"(?::\d+)?(?![\w])", re.IGNORECASE)
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_BANK_SERIAL = re.compile(r"^[A-Z]{2,5}-\d{4}-")

LABELS = (  # link prefix -> what it is, in the order an auditor looks them up
    ("VOU-", "国库支付凭证号"), ("YKT-", "一卡通发放行"), ("ALLOT-", "资金分配文件"))
FILE_KINDS = (  # words in a file name -> the document kind
    (("voucher",), "国库集中支付凭证"), (("yikatong", "ykt"), "一卡通发放明细"),
    (("allocation", "allot"), "资金分配表"), (("classify",), "设置文件"),
    (("beancount",), "账簿记录"), (("household", "roster"), "登记册"), (("official",), "干部及亲属登记册"))


def account_name(master, account: str) -> str:
    """The account's Chinese name: its `name:`, else its project's or fund's name."""
    name = master.account_name(account)
    if name != account:
        return name
    leaf = acc.leaf(account)
    if leaf in master.projects:
        return f"{master.projects[leaf].name}（{leaf}）"
    if leaf in master.funds:
        fund = master.funds[leaf]
        return fund.doc_no or fund.title or leaf
    return leaf


def bank_label(master, account: str) -> str:
    """The bank and the account number's last four digits, from the account's `open`."""
    entry = master.accounts.get(account)
    meta = entry.meta if entry is not None else {}
    number = re.sub(r"\D", "", str(meta.get("account_no", "")))
    bank = str(meta.get("bank", "") or "")
    bank = banks.name(bank) if bank else ""
    return "　".join(filter(None, (bank, f"账号尾号{number[-4:]}" if number else "")))


def _as_of(name: str) -> str:
    day = _DAY.match(name)
    return f"（截至{int(day[1])}年{int(day[2])}月{int(day[3])}日）" if day else ""


def document(master, source: str) -> str:
    """The kind of document `source` (a path under documents/, or a bare file name) is, with
    the account it belongs to and the day its period ends, without its file name."""
    if not source:
        return ""
    path = PurePosixPath(str(source).replace("\\", "/"))
    name = path.name.lower()
    parts = path.parts
    account = ""
    if "documents" in parts:
        folder = parts[parts.index("documents") + 1:-1]
        account = ":".join(folder)
    if not account:  # a bare name: the account whose leaf it names (icbc-2345)
        account = next((a for a in master.accounts if acc.is_cash(a) and acc.leaf(a).lower() in name), "")
    kind = next((text for words, text in FILE_KINDS if any(w in name for w in words)), "")
    if account and account.startswith("Assets:Bank"):
        kind = f"{account_name(master, account)}对账单"
    elif account and account.startswith("Assets:Treasury") and not kind:
        kind = "国库集中支付凭证"
    return f"{kind or '原始资料'}{_as_of(path.name)}"


def where(master, entry, flow=None) -> str:
    """The original document and the place in it: 凭证号 and 第N行 of a voucher (the flow's
    detail line), else the statement or list row."""
    meta = getattr(entry, "meta", None) or {}
    kind = document(master, str(meta.get("source", "")))
    if meta.get("voucher"):
        line = ""
        if flow is not None:
            details = [p for p in entry.postings if not acc.is_cash(p.account)]
            line = next((f"第{i}行" for i, p in enumerate(details, 1) if p is flow.posting), "")
        return f"{kind or '国库集中支付凭证'}，凭证号 {meta['voucher']}{' ' + line if line else ''}"
    if meta.get("row") not in (None, ""):  # a workbook with a sheet per town: the row's sheet too
        sheet = f" 工作表「{meta['sheet']}」" if meta.get("sheet") else ""
        return f"{kind}{sheet} 第{meta['row']}行"
    return kind


def label(master, link: str) -> str:
    """What a link is, as a label before it."""
    for prefix, text in LABELS:
        if link.startswith(prefix):
            return text
    if _BANK_SERIAL.match(link):
        return "期初余额" if link.endswith("-OPEN") else "银行流水号"
    if link in master.projects:
        return "项目"
    if link in master.funds:
        return "资金指标"
    return "关联号"


def references(master, links) -> list[tuple[str, str]]:
    """(label, link) of each link, documents first (凭证, 流水, 一卡通), then projects and funds."""
    order = {text: i for i, text in enumerate(
        ("国库支付凭证号", "银行流水号", "一卡通发放行", "资金分配文件", "期初余额", "关联号", "项目",
         "资金指标"))}
    return sorted(((label(master, str(link)), str(link)) for link in links),
                  key=lambda pair: (order[pair[0]], pair[1]))


class Plain:
    """Text for people: account and file names replaced by what they mean."""

    def __init__(self, master):
        self.master = master

    def _account(self, match: re.Match) -> str:
        return account_name(self.master, match[0])

    def _file(self, match: re.Match) -> str:
        text = match[0]
        if text.split(":")[0].lower().endswith(".beancount"):
            return "账簿记录"
        return document(self.master, text.split(":")[0])

    def text(self, value: str) -> str:
        if ":" in value:
            value, count = ACCOUNT.subn(self._account, value)
            if count:  # "Assets:Bank:X（its name）" was "name（name）": say it once
                value = re.sub(r"([^（）]{2,40})（\1）", r"\1", value)
        if "." in value:
            value = FILE.sub(self._file, value)
        return value
