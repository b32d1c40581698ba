"""Micro-loans (小额信贷) from issue to repayment: terms, use, subsidy, arrears and the
risk-compensation fund.

Each `custom "loan" "<id>"` directive (see MasterData.Loan; a loans register's import writes them,
`fundtrail.importers.loans`) is checked against the policy "5万元（含）以下, 3年期（含）以内, borrower
18–65, a registered household, 户借、户用、户还, production only"; its `custom "loan-status"` (the
register's status on a date: 正常/逾期/结清/展期, settled, overdue, subsidy_paid) adds repayment:

    loan-over-limit    (low)     amount over `loan_max_amount`: a larger loan may be lent on
                                 commercial terms, but the part above the limit is no policy
                                 loan (no interest subsidy, no risk compensation; loan-subsidy-over
                                 recomputes what was paid)
    loan-over-term     (medium)  term over `loan_max_term_months`
    loan-borrower-age  (medium)  borrower's age on the loan date (from the ID number) outside
                                 `loan_min_age`–`loan_max_age`; an ID with no readable birth date
                                 is reported as such
    loan-unregistered  (high)    borrower's ID number not in the household register (脱贫户 and
                                 防止返贫监测对象, `custom "register" "households"`); not checked
                                 without a readable one
    loan-to-company    (high)    the money is used by someone other than the borrower
                                 (`used_by:` names a company or another party: 户贷企用)
    loan-banned-purpose (high)   the purpose (`purpose:`) holds a word of `loan_banned_purposes`
                                 (结婚, 建房, 购置家庭用品, 消费, 理财, 入股分红, 转贷, 借给企业 ...)
    loan-household-over-limit (medium)  loans of one household (户编号 from the register, else
                                 `household:`, else the ID number) outstanding on the same days
                                 (issue to settlement, or to maturity) together over
                                 `loan_max_amount`; flags the loan that takes the total over
    loan-subsidy-over  (high)    interest subsidy paid (the books' payments naming the loan, else
                                 the status's `subsidy_paid` up to `subsidy_to`) more than
                                 min(amount, limit) × rate × days / `loan_subsidy_day_basis`, days
                                 from issue to the earliest of the cut-off, settlement, the
                                 original maturity and issue + `loan_max_term_months`, rounded
                                 half-up to the cent; more than `loan_subsidy_tolerance` over
    loan-overdue       (medium)  the status says 逾期 or an overdue amount; a loan with no status
                                 whose maturity passed `loan_overdue_grace_days` ago unsettled
    loan-risk-fund     (high)    the risk-compensation fund (风险补偿金: bank accounts whose
                                 `name:` holds a word of `loan_risk_fund_words`; their balance at the
                                 judging date) against the loans
                                 outstanding at the judging date: lending over fund balance ×
                                 `loan_risk_leverage` (variant "leverage"), or overdue principal
                                 over `loan_overdue_share_max` of the lending (variant "overdue");
                                 not judged without such an account
    loan-issue-lag     (medium)  a risk-compensation fund account (the same accounts) with no
                                 loan issued (a `custom "loan"` dated) within
                                 `loan_issue_lag_days` of its first deposit (the deposit day is
                                 day 0; a first loan on day 89 of 90 is in time, on day 90 late):
                                 judged per account, from the first deposit to the first loan on
                                 or after it; loans before the deposit do not count; an account whose first money is an opening balance
                                 (against Equity:Opening: when it arrived is not in the books)
                                 is not judged; dated the day the window ran out (deposit +
                                 the days), on or before the judging date (variant "none": no loan issued since)

Loan money passed on to a firm is read from `used_by:` and the purpose: the books hold the
county's special accounts, not the borrowers' own accounts the loans are paid into, so no
statement row shows a borrower paying a firm.

Findings sit on the loan directive and link the loan id (interest entries link it too); the fund's
findings sit on the fund account's `open` and link its last movement.

Settings:
    loan_max_amount          50000
    loan_max_term_months     36
    loan_min_age             18
    loan_max_age             65
    loan_banned_purposes     words (see SETTINGS)
    loan_subsidy_day_basis   360 (the banks' daily rate: annual rate / 360)
    loan_subsidy_tolerance   1.00
    loan_overdue_grace_days  30
    loan_risk_fund_words     ("风险补偿金",)
    loan_risk_leverage       10
    loan_overdue_share_max   0.05
    loan_issue_lag_days      90
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from fundtrail import accounts as acc
from fundtrail import findings
from fundtrail.flows import id_no
from fundtrail.plugins.rules.assets import months_before
from fundtrail.plugins.settings import DAYS, INTEGER, MONEY, MONTHS, SHARE, WORDS, Setting

SETTINGS = (
    Setting("loan_max_amount", MONEY, 50_000, "小额信贷单户最高额度（元）"),
    Setting("loan_max_term_months", MONTHS, 36, "小额信贷最长期限（月）"),
    Setting("loan_min_age", INTEGER, 18, "借款人最小年龄（周岁）"),
    Setting("loan_max_age", INTEGER, 65, "借款人最大年龄（周岁）"),
    Setting("loan_banned_purposes", WORDS, (
        "结婚", "婚嫁", "彩礼", "建房", "住房", "盖房", "购房", "买房", "家庭用品", "家电", "消费", "理财",
        "购车", "买车", "小轿车", "私家车", "还债", "偿还", "入股", "分红", "转贷", "借给", "借与", "交由企业",
        "指标交换"), "小额信贷禁止的贷款用途（用途中含其一即报）"),
    Setting("loan_subsidy_day_basis", INTEGER, 360, "贴息计息天数基数（日利率=年利率/该数）", 1),
    Setting("loan_subsidy_tolerance", MONEY, 1, "多贴息的容差（元）"),
    Setting("loan_overdue_grace_days", DAYS, 30, "无还款状态的贷款到期后视为逾期的天数"),
    Setting("loan_risk_fund_words", WORDS, ("风险补偿金",), "风险补偿金账户名称中的词"),
    Setting("loan_risk_leverage", INTEGER, 10, "风险补偿金放大倍数", 1),
    Setting("loan_overdue_share_max", SHARE, "0.05", "逾期贷款占贷款余额的上限比例", 0, 1),
    Setting("loan_issue_lag_days", DAYS, 90, "风险补偿金到位后应开始发放小额信贷的天数"),
)
CENT = Decimal("0.01")
SETTLED, OVERDUE = "结清", "逾期"


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


# -- use, household total, subsidy, arrears, risk fund ----------------------------------------
def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    return months_before(day, -months)


def _status(ctx, loan):
    return ctx.master.loan_status.get(loan.id)


def maturity(loan, status) -> datetime.date:
    """When the loan falls due: an extension's (展期) maturity, the original one, else issue +
    term."""
    return (status.due if status and status.due else None) or loan.due or add_months(loan.date, loan.term_months)


def outstanding_until(loan, status, as_of: datetime.date) -> datetime.date:
    """The last day the loan is owed: its settlement, else its maturity; an overdue loan not
    settled is owed up to the judging date at least."""
    if status and status.settled:
        return status.settled
    end = maturity(loan, status)
    if status and status.status == OVERDUE:
        end = max(end, as_of)
    return end


def banned_purpose(ctx):
    words = ctx.settings["loan_banned_purposes"]
    for entry, loan in _loans(ctx):
        word = next((w for w in words if w in loan.purpose), None)
        if word:
            yield _finding("loan-banned-purpose", loan, entry, purpose=loan.purpose, word=word)


def _household_of(ctx, register):
    usable = register is not None and register.usable

    def key(loan):
        person = id_no(loan.borrower_id)
        return (register.number_of(person) if usable else "") or loan.household or person
    return key


def household_over_limit(ctx):
    loans = list(_loans(ctx))
    if len(loans) < 2:
        return
    limit, as_of = ctx.settings["loan_max_amount"], ctx.as_of
    key = _household_of(ctx, ctx.flows.household_register)
    by_household, seen = {}, set()
    for entry, loan in loans:
        same = (id_no(loan.borrower_id), loan.date, loan.amount)  # one loan in two registers
        if same in seen:
            continue
        seen.add(same)
        end = outstanding_until(loan, _status(ctx, loan), as_of)
        by_household.setdefault(key(loan), []).append((loan.date, end, loan, entry))
    for household, held in by_household.items():
        if len(held) < 2:
            continue
        held.sort(key=lambda x: (x[0], x[2].id))
        for i, (start, _end, loan, entry) in enumerate(held):
            running = [other for s, e, other, _ in held[:i] if s <= start < e]
            if not running:
                continue
            total = loan.amount + sum((o.amount for o in running), Decimal(0))
            if total > limit:
                others = tuple(o.id for o in running)
                yield findings.emit(
                    "loan-household-over-limit", loan.id, entry, amount=loan.amount,
                    links=[loan.id, *(o.id for o in running)], loan=loan.id, borrower=loan.borrower,
                    day=start, household=household, others=others, total=total, limit=limit,
                    excess=total - limit, count=len(running) + 1)


def subsidy_due(loan, status, cutoff, settings) -> tuple[Decimal, int, datetime.date]:
    """(the subsidy due up to `cutoff`, its days, its end): min(amount, limit) × rate × days /
    basis, half-up to the cent."""
    limit = settings["loan_max_amount"]
    ends = [cutoff, add_months(loan.date, settings["loan_max_term_months"])]
    if loan.due:
        ends.append(loan.due)
    if status and status.settled:
        ends.append(status.settled)
    end = min(ends)
    days = max(0, (end - loan.date).days)
    base = min(loan.amount, limit)
    due = base * loan.rate / 100 * days / settings["loan_subsidy_day_basis"]
    return due.quantize(CENT, ROUND_HALF_UP), days, end


def _paid_in_books(ctx, loan):
    """The interest subsidies the books paid for the loan (payments whose `loan:` names it) and
    the last day paid, from the borrower's help list."""
    interest = ctx.flows.household_help.interest.get(id_no(loan.borrower_id), ())
    mine = [f for f in interest if str(f.meta.get("loan")) == loan.id]
    if not mine:
        return None, None
    return sum((f.amount for f in mine), Decimal(0)), max(f.date for f in mine)


def subsidy_over(ctx):
    tolerance, as_of = ctx.settings["loan_subsidy_tolerance"], ctx.as_of
    for entry, loan in _loans(ctx):
        if loan.rate is None:
            continue  # nothing to recompute with
        status = _status(ctx, loan)
        paid, cutoff = _paid_in_books(ctx, loan)
        source = "books"
        if paid is None:
            if status is None or status.subsidy_paid is None:
                continue
            paid, cutoff, source = status.subsidy_paid, min(status.subsidy_to or status.date, as_of), "register"
        right, days, end = subsidy_due(loan, status, cutoff, ctx.settings)
        if paid - right > tolerance:
            base = min(loan.amount, ctx.settings["loan_max_amount"])
            yield _finding("loan-subsidy-over", loan, entry, variant="" if source == "books" else "register",
                           paid=paid, right=right, excess=paid - right, base=base,
                           days=days, end=end, cutoff=cutoff, rate_pct=f"{loan.rate}%",
                           limit=ctx.settings["loan_max_amount"], term=ctx.settings["loan_max_term_months"],
                           basis=ctx.settings["loan_subsidy_day_basis"])


def overdue(ctx):
    grace, as_of = ctx.settings["loan_overdue_grace_days"], ctx.as_of
    for entry, loan in _loans(ctx):
        status = _status(ctx, loan)
        due = maturity(loan, status)
        if status is not None:
            if status.status == SETTLED or status.settled or not (status.status == OVERDUE or status.overdue > 0):
                continue
            owed = status.overdue or loan.amount
            yield _finding("loan-overdue", loan, entry, date=max(status.date, loan.date), owed=owed,
                           due=due, seen=status.date)
        elif (as_of - due).days > grace:
            yield _finding("loan-overdue", loan, entry, variant="unsettled", owed=loan.amount, due=due,
                           days=(as_of - due).days, date=due + datetime.timedelta(days=grace + 1))


def _fund_accounts(ctx) -> list:
    """(name, open) of the bank accounts whose `name:` holds a risk-compensation fund word."""
    words = ctx.settings["loan_risk_fund_words"]
    if not words:
        return []
    bank = acc.BANK + ":"  # the bank accounts picked out first, then sorted: not every account
    return sorted((name, opened) for name, opened in ctx.master.accounts.items()
                  if name.startswith(bank) and any(w in str(opened.meta.get("name", "")) for w in words))


def risk_fund(ctx):
    loans = list(_loans(ctx))
    if not loans:
        return
    funds = _fund_accounts(ctx)
    if not funds:
        return
    as_of, index = ctx.as_of, ctx.flows
    fund = _balance_at(index, {name for name, _ in funds}, as_of)
    leverage, share_max = ctx.settings["loan_risk_leverage"], ctx.settings["loan_overdue_share_max"]
    backed = fund * leverage
    moves, lending, overdue_total, seen = [], Decimal(0), Decimal(0), None
    for _entry, loan in loans:
        if loan.date > as_of:
            continue
        status = _status(ctx, loan)
        owed = status is not None and status.status == OVERDUE and not status.settled
        end = outstanding_until(loan, status, as_of)
        moves += [(loan.date, loan.amount), (end, -loan.amount)]
        if as_of < end or owed:
            lending += loan.amount
            if owed:
                overdue_total += status.overdue or loan.amount
                seen = max(seen or status.date, status.date)
    account, opened = funds[0]
    last = index.bank_last.get(account)
    links = sorted(last.links) if last is not None else []
    names = tuple(str(o.meta.get("name") or n) for n, o in funds)
    if lending > backed:
        yield findings.emit("loan-risk-fund", f"{account}|leverage", opened, amount=lending, links=links,
                            facets={"scope": "leverage"}, date=_crossed(moves, backed, as_of),
                            fund=fund, fund_name=names, lending=lending, leverage=leverage, backed=backed,
                            excess=lending - backed, as_of=as_of)
    if lending and overdue_total / lending > share_max:
        share = overdue_total / lending
        yield findings.emit("loan-risk-fund", f"{account}|overdue", opened, amount=overdue_total,
                            links=links, variant="overdue", facets={"scope": "overdue"},
                            date=min(seen or as_of, as_of), fund=fund, fund_name=names, lending=lending,
                            overdue=overdue_total, share=f"{share * 100:.1f}%",
                            share_max=f"{share_max * 100:.1f}%", as_of=as_of)


def _balance_at(index, accounts: set[str], as_of: datetime.date) -> Decimal:
    """The accounts' balance at the end of the judging date: the index's balance less the
    movements dated after it (read from the end of the books, so a run at today's date reads
    none)."""
    balance = sum((index.bank_balance.get(name, Decimal(0)) for name in accounts), Decimal(0))
    for entry in reversed(index.transactions):
        if entry.date <= as_of:
            break
        balance -= sum((p.units.number for p in entry.postings if p.account in accounts), Decimal(0))
    return balance


def _crossed(moves, backed: Decimal, as_of: datetime.date) -> datetime.date:
    """The first day the loans outstanding went over `backed` (and the finding's date): the same
    in every period that sees it."""
    running = Decimal(0)
    for day, amount in sorted(moves, key=lambda m: (m[0], m[1] > 0)):  # repaid before lent
        running += amount
        if running > backed and day <= as_of:
            return day
    return as_of


def _first_deposits(index, accounts: set[str]) -> dict:
    """account -> (the entry of its first deposit, the amount): read only while a fund account
    has none yet, so the books are read up to the funds' first deposits (and only when a fund
    account is declared)."""
    first, waiting = {}, set(accounts)
    for entry in index.transactions:
        for posting in entry.postings:
            account = posting.account
            if account in waiting and posting.units.number > 0:
                carried = any(p.account.startswith(acc.OPENING) for p in entry.postings)
                first[account] = None if carried else (entry, posting.units.number)
                waiting.discard(account)
        if not waiting:
            break
    return first


def issue_lag(ctx):
    """loan-issue-lag: a fund with no loan issued within `loan_issue_lag_days` of its first
    deposit (day 0), loans before the deposit left out."""
    funds = _fund_accounts(ctx)
    if not funds:
        return
    limit, as_of = ctx.settings["loan_issue_lag_days"], ctx.as_of
    first = _first_deposits(ctx.flows, {name for name, _ in funds})
    issued = sorted((loan.date, loan.id) for _entry, loan in _loans(ctx))
    for account, opened in funds:
        if first.get(account) is None:
            continue  # no money yet, or a carried balance
        entry, amount = first[account]
        arrived = entry.date
        ran_out = arrived + datetime.timedelta(days=limit)  # the deposit day is day 0
        if ran_out > as_of:
            continue  # the window is still open at the judging date
        loan = next(((day, lid) for day, lid in issued if day >= arrived), None)
        if loan is not None and (loan[0] - arrived).days < limit:
            continue  # issued on day 0 .. limit - 1
        name = str(opened.meta.get("name") or account)
        facts = dict(fund_name=name, deposited=arrived, limit=limit, as_of=as_of)
        if loan is None:
            yield findings.emit("loan-issue-lag", f"{account}|lag", opened, amount=amount,
                                links=sorted(entry.links), date=ran_out, variant="none",
                                days=(as_of - arrived).days, **facts)
        else:
            yield findings.emit("loan-issue-lag", f"{account}|lag", opened, amount=amount,
                                links=sorted({*entry.links, loan[1]}), date=ran_out,
                                days=(loan[0] - arrived).days, loan=loan[1], issued=loan[0], **facts)


RULES = {"loan-over-limit": over_limit, "loan-over-term": over_term,
         "loan-borrower-age": borrower_age, "loan-unregistered": unregistered,
         "loan-to-company": to_company, "loan-banned-purpose": banned_purpose,
         "loan-household-over-limit": household_over_limit, "loan-subsidy-over": subsidy_over,
         "loan-overdue": overdue, "loan-risk-fund": risk_fund,
         "loan-issue-lag": issue_lag}
