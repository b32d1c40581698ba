"""Micro-loans (小额信贷): the terms the interest subsidy depends on.

Each `custom "loan" "<id>"` directive (see MasterData.Loan) is checked against the policy
"≤ 50,000 yuan, ≤ 3 years, borrower 18–65, a registered household, 户借户用户还":

    loan-over-limit    (medium)  amount over `loan_max_amount`
    loan-over-term     (medium)  term over `loan_max_term_months`
    loan-borrower-age  (medium)  borrower's age on the loan date (from the ID number) outside
                                 `loan_min_age`–`loan_max_age`; an ID with no readable birth date
                                 is reported as such
    loan-unregistered  (high)    borrower's ID number not in the household register
                                 (`custom "register" "households"`); not checked without a
                                 readable one
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

from fundtrail import findings
from fundtrail.flows import id_no
from fundtrail.plugins.settings import INTEGER, MONEY, MONTHS, Setting

SETTINGS = (
    Setting("loan_max_amount", MONEY, 50_000, "小额信贷单户最高额度（元）"),
    Setting("loan_max_term_months", MONTHS, 36, "小额信贷最长期限（月）"),
    Setting("loan_min_age", INTEGER, 18, "借款人最小年龄（周岁）"),
    Setting("loan_max_age", INTEGER, 65, "借款人最大年龄（周岁）"),
)


def birth_date(number: str) -> datetime.date | None:
    """The birth date in an 18-digit resident ID number (digits 7-14), None if unreadable."""
    try:
        return datetime.datetime.strptime(number[6:14], "%Y%m%d").date() if len(number) == 18 else None
    except ValueError:
        return None


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _loans(ctx):
    for entry in ctx.flows.customs.get("loan", ()):
        loan = ctx.master.loans.get(str(entry.values[0].value)) if entry.values else None
        if loan:
            yield entry, loan


def _finding(rule, loan, entry, variant="", **facts):
    return findings.emit(rule, loan.id, entry, amount=loan.amount, links=[loan.id],
                         variant=variant, loan=loan.id, borrower=loan.borrower, day=loan.date,
                         **facts)


def over_limit(ctx):
    limit = ctx.settings["loan_max_amount"]
    for entry, loan in _loans(ctx):
        if loan.amount > limit:
            yield _finding("loan-over-limit", loan, entry, limit=limit,
                           excess=loan.amount - limit)


def over_term(ctx):
    limit = ctx.settings["loan_max_term_months"]
    for entry, loan in _loans(ctx):
        if loan.term_months > limit:
            yield _finding("loan-over-term", loan, entry, term=loan.term_months, limit=limit,
                           excess=loan.term_months - limit)


def borrower_age(ctx):
    low, high = ctx.settings["loan_min_age"], ctx.settings["loan_max_age"]
    for entry, loan in _loans(ctx):
        born = birth_date(loan.borrower_id)
        if born is None:
            yield _finding("loan-borrower-age", loan, entry, variant="unknown")
        elif not low <= age_on(born, loan.date) <= high:
            yield _finding("loan-borrower-age", loan, entry, age=age_on(born, loan.date),
                           low=low, high=high)


def unregistered(ctx):
    loans = list(_loans(ctx))
    register = ctx.flows.household_register if loans else None  # no loans: no register read
    if register is None or not register.usable:  # an unusable register: ghost-beneficiary says why
        return
    registered = register.households
    for entry, loan in loans:
        if id_no(loan.borrower_id) not in registered:
            yield _finding("loan-unregistered", loan, entry)


def to_company(ctx):
    for entry, loan in _loans(ctx):
        if loan.used_by and loan.used_by != loan.borrower:
            yield _finding("loan-to-company", loan, entry, used_by=loan.used_by)


RULES = {"loan-over-limit": over_limit, "loan-over-term": over_term,
         "loan-borrower-age": borrower_age, "loan-unregistered": unregistered,
         "loan-to-company": to_company}
