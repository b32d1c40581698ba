"""Plain records the demo scenario produces and the writers turn into raw files and a ledger."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class BankLine:
    """One row as the bank's statement shows it; amount is + in / - out for the holder."""

    account: str
    when: datetime.datetime
    payee: str
    payee_account: str
    summary: str
    purpose: str
    amount: Decimal
    serial: str = ""


@dataclass
class VoucherLine:
    func_code: str
    func_name: str
    eco_code: str
    eco_name: str
    amount: Decimal


@dataclass
class Voucher:
    number: str
    vt_code: str  # 5201 直接支付, 8202 授权支付
    date: datetime.date
    payee: str
    payee_account: str
    payee_bank: str
    summary: str
    remark: str
    lines: list[VoucherLine]

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


@dataclass
class RosterRow:
    batch: str
    seq: int
    name: str
    id_no: str
    card: str
    town: str
    village: str
    item: str
    standard: str
    amount: Decimal
    date: datetime.date
    status: str = "成功"


@dataclass
class Posting:
    account: str
    amount: Decimal
    meta: dict = field(default_factory=dict)


@dataclass
class Txn:
    date: datetime.date
    payee: str
    narration: str
    postings: list[Posting]
    links: set[str] = field(default_factory=set)
    meta: dict = field(default_factory=dict)
    file: str = "imported"  # which ledger file: allotments | imported | manual
    bank: BankLine | None = None
    voucher: Voucher | None = None
    roster: RosterRow | None = None


@dataclass
class Balance:
    date: datetime.date
    account: str
    amount: Decimal
    meta: dict = field(default_factory=dict)


@dataclass
class FundSpec:
    code: str
    doc_no: str
    title: str
    level: str
    func_code: str
    func_name: str
    amount: Decimal
    issued: datetime.date
    received: datetime.date
    into: str  # cash account the money arrives in
    direct: bool = False
    payer: str = ""  # who sends it, for receipts that arrive by bank


@dataclass
class ProjectSpec:
    code: str
    name: str
    category: str
    nature: str
    town: str
    village: str
    task: str
    standard: str
    fund: str
    budget: Decimal
    approved: datetime.date
    start: datetime.date
    end: datetime.date
    unit: str
    manager: str
    goal: str
    linkage: str
    households: int
    poor_households: int
    payee: str = ""
    payee_account: str = ""
    channel: str = "treasury"
    allotted: datetime.date | None = None


@dataclass
class LoanSpec:
    id: str
    date: datetime.date
    household: str
    borrower: str
    borrower_id: str
    amount: Decimal
    term_months: int
    purpose: str
    used_by: str = ""
    rate: Decimal = Decimal("4.35")  # percent, what the interest subsidy is paid at
    status: dict = field(default_factory=dict)  # a `loan-status` (date, status, settled, overdue)
