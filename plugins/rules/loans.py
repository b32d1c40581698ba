"""Micro-loans (小额信贷): the terms the interest subsidy depends on.

Each `custom "loan" "<id>"` directive (see MasterData.Loan) is checked against the policy
"≤ 50,000 yuan, ≤ 3 years, borrower 18–65, a registered household, 户借户用户还":

    loan-over-limit    (medium)  amount over `loan_max_amount`
    loan-over-term     (medium)  term over `loan_max_term_months`
    loan-borrower-age  (medium)  borrower's age on the loan date (from the ID number) outside
                                 `loan_min_age`–`loan_max_age`; an ID with no readable birth date
                                 is reported as such
    loan-unregistered  (high)    borrower's ID number not in the household register
                                 (`custom "register" "households"`); not checked without one
    loan-to-company    (high)    the money is used by someone other than the borrower
                                 (`used_by:` names a company or another party: 户贷企用)

Findings sit on the loan directive and link the loan id (interest entries link it too).

Settings:
    loan_max_amount       50000
    loan_max_term_months  36
    loan_min_age          18
    loan_max_age          65
"""

from __future__ import annotations

import datetime
import os
from decimal import Decimal

from fundtrail import findings
from fundtrail.masterdata import read_register
from fundtrail.plugins.rules._naming import yuan

SETTINGS = {"loan_max_amount": 50_000, "loan_max_term_months": 36, "loan_min_age": 18,
            "loan_max_age": 65}


def registered_ids(ctx) -> set[str] | None:
    """ID numbers of the household register, or None when the ledger names no register."""
    def build():
        path = ctx.master.registers.get("households")
        if not path or not os.path.isfile(path):
            return None
        return {row.get("身份证号", "").strip().upper() for row in read_register(path)}
    return ctx.memo(f"{__name__}.registered_ids", build)


def birth_date(id_no: str) -> datetime.date | None:
    """The birth date in an 18-digit resident ID number (digits 7-14), None if unreadable."""
    try:
        return datetime.datetime.strptime(id_no[6:14], "%Y%m%d").date() if len(id_no) == 18 else None
    except ValueError:
        return None


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _loans(ctx):
    for entry in ctx.flows.customs.get("loan", ()):
        loan = ctx.master.loans.get(str(entry.values[0].value)) if entry.values else None
        if loan:
            yield entry, loan


def _finding(rule, severity, loan, entry, message):
    return findings.make(rule, severity, loan.id,
                         f"小额信贷 {loan.id} ({loan.borrower}, {yuan(loan.amount)}): {message}",
                         entry, loan.amount, [loan.id])


def over_limit(ctx):
    limit = Decimal(str(ctx.settings["loan_max_amount"]))
    for entry, loan in _loans(ctx):
        if loan.amount > limit:
            yield _finding("loan-over-limit", "medium", loan, entry,
                           f"金额超过 {limit:,.0f} 元上限。 Loan over the limit.")


def over_term(ctx):
    limit = int(ctx.settings["loan_max_term_months"])
    for entry, loan in _loans(ctx):
        if loan.term_months > limit:
            yield _finding("loan-over-term", "medium", loan, entry,
                           f"期限 {loan.term_months} 个月，超过 {limit} 个月。 Loan term over the limit.")


def borrower_age(ctx):
    low, high = int(ctx.settings["loan_min_age"]), int(ctx.settings["loan_max_age"])
    for entry, loan in _loans(ctx):
        born = birth_date(loan.borrower_id)
        if born is None:
            yield _finding("loan-borrower-age", "medium", loan, entry,
                           "借款人身份证号无法识别出生日期，无法核实年龄。 Borrower's age unknown.")
        elif not low <= age_on(born, loan.date) <= high:
            yield _finding("loan-borrower-age", "medium", loan, entry,
                           f"借款人放款时 {age_on(born, loan.date)} 岁，不在 {low}–{high} 岁之间。"
                           f" Borrower's age out of range.")


def unregistered(ctx):
    loans = list(_loans(ctx))
    ids = registered_ids(ctx) if loans else None  # no loans: no need to read the register
    if ids is None:
        return
    for entry, loan in loans:
        if loan.borrower_id.strip().upper() not in ids:
            yield _finding("loan-unregistered", "high", loan, entry,
                           "借款人不在脱贫户/监测户登记册中。 Borrower not in the household register.")


def to_company(ctx):
    for entry, loan in _loans(ctx):
        if loan.used_by and loan.used_by != loan.borrower:
            yield _finding("loan-to-company", "high", loan, entry,
                           f"贷款资金由 {loan.used_by} 使用 (户贷企用)。 Loan money used by a company.")


RULES = {"loan-over-limit": over_limit, "loan-over-term": over_term,
         "loan-borrower-age": borrower_age, "loan-unregistered": unregistered,
         "loan-to-company": to_company}
