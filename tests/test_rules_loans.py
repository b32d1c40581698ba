"""The micro-loan rules on small ledgers: each rule's hit and near miss, the interest subsidy
against a hand-computed table."""

import datetime
from decimal import Decimal

import pytest
from ruleledger import pay, project, run

from fundtrail.masterdata import Loan, LoanStatus
from fundtrail.plugins.checks import typed_settings
from fundtrail.plugins.rules.loans import subsidy_due

REGISTER = "户编号,户主姓名,身份证号\nHH1,张三,370405198001010011\nHH2,李四,370405195901020022\n"


def loan(loan_id, borrower_id, amount="50000.00", term=36, used_by="", date="2024-03-11"):
    return (f'{date} custom "loan" "{loan_id}"\n  household: "HH1"\n  borrower: "张三"\n'
            f'  borrower_id: "{borrower_id}"\n  amount: {amount} CNY\n  term_months: {term}\n'
            f'  used_by: "{used_by}"\n')


OK = "370405198001010011"
CASES = {  # rule: (loan that breaks it, loan just within the policy)
    "loan-over-limit": (loan("L-1", OK, amount="50000.01"), loan("L-2", OK, amount="50000.00")),
    "loan-over-term": (loan("L-1", OK, term=37), loan("L-2", OK, term=36)),
    "loan-borrower-age": (loan("L-1", "370405195801020022"),  # 66 on 2024-03-11
                          loan("L-2", "370405195901020022")),  # 65
    "loan-unregistered": (loan("L-1", "370405199912310099"), loan("L-2", OK)),
    "loan-to-company": (loan("L-1", OK, used_by="青禾鑫源养殖有限公司"), loan("L-2", OK)),
}


@pytest.mark.parametrize("rule", CASES)
def test_each_loan_rule_hits_and_passes_the_near_miss(tmp_path, rule):
    hit, near = CASES[rule]
    found = run(tmp_path, rule, hit, near, households=REGISTER)
    assert [f.links for f in found] == [("L-1",)]
    assert found[0].source["lineno"] > 0 and found[0].source["filename"].endswith("main.beancount")


def test_registration_is_not_judged_without_a_register(tmp_path):
    assert run(tmp_path, "loan-unregistered", loan("L-1", "370405199912310099")) == []


# -- use, household total, subsidy, arrears, risk fund -----------------------------------------
SPOUSE = "370405198203030033"  # 王五, the same household HH1 as 张三
REGISTER2 = REGISTER + f"HH1,张三,{SPOUSE}\n"


def term_loan(loan_id, person=OK, amount="30000.00", date="2024-03-11", due="2027-03-10", rate="3.45",
              purpose="养殖肉牛", household="HH1", term=36):
    return (f'{date} custom "loan" "{loan_id}"\n  household: "{household}"\n  borrower: "张三"\n'
            f'  borrower_id: "{person}"\n  amount: {amount} CNY\n  term_months: {term}\n'
            f'  due: {due}\n  rate: {rate}\n  purpose: "{purpose}"\n')


def status(loan_id, date="2024-12-20", word="正常", settled=None, overdue=None, paid=None):
    text = f'{date} custom "loan-status" "{loan_id}"\n  status: "{word}"\n'
    text += f"  settled: {settled}\n" if settled else ""
    text += f"  overdue: {overdue} CNY\n" if overdue else ""
    text += f"  subsidy_paid: {paid} CNY\n  subsidy_to: {date}\n" if paid else ""
    return text


def ids(found):
    return sorted(f.links[0] if len(f.links) == 1 else f.links for f in found)


def test_banned_purposes_by_the_county_list(tmp_path):
    found = run(tmp_path, "loan-banned-purpose",
                term_loan("L-1", purpose="儿子结婚"), term_loan("L-2", purpose="翻建住房"),
                term_loan("L-3", purpose="入股青禾丰源农业发展有限公司分红"),
                term_loan("L-4", purpose="购买小轿车"),
                term_loan("L-5", purpose="购买农机"), term_loan("L-6", purpose="小本经营(早餐店)"),
                term_loan("L-7", purpose="务工(外出务工创业)"))
    assert ids(found) == ["L-1", "L-2", "L-3", "L-4"]
    assert any("“儿子结婚”" in f.message and "（结婚）" in f.message for f in found)
    # the county's own list replaces the default
    assert ids(run(tmp_path, "loan-banned-purpose", term_loan("L-5", purpose="购买农机"),
                   loan_banned_purposes=["农机"])) == ["L-5"]


def test_a_household_s_concurrent_loans_add_up(tmp_path):
    found = run(tmp_path, "loan-household-over-limit",
                term_loan("L-1", amount="30000.00", date="2023-11-08", due="2026-11-07"),
                term_loan("L-2", person=SPOUSE, amount="25000.00", date="2024-05-20", due="2027-05-19",
                          household=""),  # the register says HH1
                households=REGISTER2)
    assert [f.links for f in found] == [("L-1", "L-2")]
    assert "55,000.00元" in found[0].message and "50,000.00元" in found[0].message
    # near misses: repaid before the next one; together exactly at the limit
    assert run(tmp_path, "loan-household-over-limit",
               term_loan("L-1", amount="50000.00", date="2021-04-10", due="2024-04-09"),
               status("L-1", date="2024-03-28", word="已结清", settled="2024-03-28"),
               term_loan("L-2", amount="50000.00", date="2024-06-05", due="2027-06-04"),
               households=REGISTER2) == []
    assert run(tmp_path, "loan-household-over-limit",
               term_loan("L-1", amount="30000.00"), term_loan("L-2", amount="20000.00", date="2024-05-01"),
               households=REGISTER2) == []


# The subsidy due, worked out by hand: min(amount, 50,000) x rate x days / 360, half-up to the
# cent; days from issue to the earliest of the cut-off, settlement, the original maturity and
# issue + 36 months.
SUBSIDY_TABLE = [  # loan, amount, rate %, issue, maturity, settled, cut-off, days, subsidy due
    ("S-1", "30000", "3.65", "2023-03-15", "2026-03-14", None, "2024-12-20", 646, "1964.92"),
    # 30000 x 3.65% x 646 / 360 = 1964.9166...
    ("S-2", "80000", "3.45", "2024-03-01", "2027-02-28", None, "2024-12-20", 294, "1408.75"),
    # only 50,000 is subsidised: 50000 x 3.45% x 294 / 360 = 1408.75 (not 2254.00 on 80,000)
    ("S-3", "50000", "3.85", "2021-03-10", "2025-03-09", None, "2024-12-20", 1096, "5860.56"),
    # 48 months: the subsidy stops at 2024-03-10, 50000 x 3.85% x 1096 / 360 = 5860.5555...
    ("S-4", "50000", "3.85", "2021-04-10", "2024-04-09", "2024-03-28", "2024-12-20", 1083, "5791.04"),
    # settled early: 50000 x 3.85% x 1083 / 360 = 5791.0416...
    ("S-5", "50000", "3.45", "2024-01-10", "2027-01-09", None, "2024-12-20", 345, "1653.13"),
    # 50000 x 3.45% x 345 / 360 = 1653.125 exactly: half-up gives 1653.13
    ("S-6", "10000", "3.65", "2023-01-05", "2024-01-04", None, "2024-12-20", 364, "369.06"),
    # matured before the cut-off: 10000 x 3.65% x 364 / 360 = 369.0555...
]


def _day(text):
    return datetime.date.fromisoformat(text) if text else None


@pytest.mark.parametrize("row", SUBSIDY_TABLE, ids=[r[0] for r in SUBSIDY_TABLE])
def test_the_subsidy_due_matches_the_hand_computed_table(row):
    loan_id, amount, rate, issue, due, settled, cutoff, days, right = row
    loan = Loan(loan_id, _day(issue), "HH1", "张三", OK, Decimal(amount), 36, "", "", "", _day(due),
                Decimal(rate))
    state = LoanStatus(loan_id, _day(cutoff), settled=_day(settled)) if settled else None
    got, got_days, _end = subsidy_due(loan, state, _day(cutoff), typed_settings({}))
    assert (got, got_days) == (Decimal(right), days)


def test_subsidy_paid_over_the_due_is_found_within_the_tolerance_not(tmp_path):
    parts = []
    for loan_id, amount, rate, issue, due, settled, cutoff, _days, right in SUBSIDY_TABLE:
        paid = {"S-2": "2254.00", "S-3": "7384.51", "S-5": "1653.13", "S-6": str(Decimal(right) + 1)}.get(
            loan_id, right)
        parts += [term_loan(loan_id, amount=f"{amount}.00", date=issue, due=due, rate=rate),
                  status(loan_id, date=cutoff, word="结清" if settled else "正常", settled=settled, paid=paid)]
    found = run(tmp_path, "loan-subsidy-over", *parts)
    assert ids(found) == ["S-2", "S-3"]
    facts = {f.links[0]: dict(f.facts) for f in found}
    assert facts["S-2"]["excess"] == Decimal("845.25") and facts["S-3"]["excess"] == Decimal("1523.95")
    assert any("应贴息1,408.75元" in f.message for f in found)


def test_subsidy_paid_in_the_books_is_recomputed_per_loan(tmp_path):
    books = [project("QH2024-L01"),
             term_loan("L-1", amount="60000.00", date="2024-03-01", due="2027-02-28", rate="3.45"),
             term_loan("L-2", amount="50000.00", date="2024-03-01", due="2027-02-28", rate="3.45"),
             # 60,000 x 3.45% x 294 / 360 = 1690.50 paid; due on 50,000: 1408.75
             pay("2024-12-20", "邮储银行", "1690.50", "QH2024-L01", "B1", loan="L-1"),
             pay("2024-12-20", "邮储银行", "1408.75", "QH2024-L01", "B2", loan="L-2")]
    found = run(tmp_path, "loan-subsidy-over", *books)
    assert ids(found) == ["L-1"] and dict(found[0].facts)["right"] == Decimal("1408.75")


def test_overdue_loans_by_status_and_past_maturity(tmp_path):
    found = run(tmp_path, "loan-overdue",
                term_loan("L-1", date="2022-06-15", due="2024-06-14"), status("L-1", word="逾期", overdue="30000.00"),
                term_loan("L-2", date="2022-08-08", due="2025-08-07"), status("L-2", word="是", overdue="8000.00"),
                term_loan("L-3", date="2023-01-05", due="2024-01-04"), status("L-3", word="已结清", settled="2024-01-04"),
                term_loan("L-4", date="2021-03-10", due="2025-03-09"), status("L-4", word="展期"),
                term_loan("L-5", date="2021-01-05", due="2024-01-04"),  # no status, long past due
                term_loan("L-6", date="2021-12-10", due="2024-12-09"),  # no status, within the grace
                as_of="2024-12-31")
    assert ids(found) == ["L-1", "L-2", "L-5"]
    assert [f.variant for f in found if f.links == ("L-5",)] == ["unsettled"]


FUND = '2024-01-01 open Assets:Bank:PSBC-7701 CNY\n  name: "小额信贷风险补偿金专户"\n'


def deposit(amount, date="2024-01-10"):
    return (f'{date} * "区财政局" "存入风险补偿金" ^FXBC-1\n  Assets:Bank:PSBC-7701  {amount} CNY\n'
            f"  Equity:Opening\n")


def test_the_risk_fund_backs_at_most_its_leverage_and_watches_the_overdue_share(tmp_path):
    opening = "2023-01-01 open Equity:Opening CNY\n"
    loans = [term_loan(f"L-{n}", person=OK, amount="40000.00", household=f"H{n}") for n in range(1, 6)]
    # 200,000 lent, fund 19,000 x 10 = 190,000: over; 8,000 overdue = 4% under 5%
    found = run(tmp_path, "loan-risk-fund", opening, FUND, deposit("19000.00"), *loans,
                status("L-1", word="逾期", overdue="8000.00"), as_of="2024-12-31")
    assert [(f.variant, f.links) for f in found] == [("", ("FXBC-1",))]
    assert "200,000.00元" in found[0].message and "190,000.00元" in found[0].message
    # near miss: a fund of 20,000 backs exactly 200,000; 12,000 overdue = 6% is over 5%
    found = run(tmp_path, "loan-risk-fund", opening, FUND, deposit("20000.00"), *loans,
                status("L-1", word="逾期", overdue="12000.00"), as_of="2024-12-31")
    assert [f.variant for f in found] == ["overdue"] and "6.0%" in found[0].message
    # no fund account: not judged
    assert run(tmp_path, "loan-risk-fund", *loans, as_of="2024-12-31") == []


def test_the_risk_fund_is_its_balance_at_the_judging_date(tmp_path):
    """A top-up after the judging date does not back the loans outstanding on it."""
    opening = "2023-01-01 open Equity:Opening CNY\n"
    loans = [term_loan(f"L-{n}", person=OK, amount="40000.00", household=f"H{n}") for n in range(1, 6)]
    later = deposit("10000.00", date="2025-01-15").replace("^FXBC-1", "^FXBC-2")
    found = run(tmp_path, "loan-risk-fund", opening, FUND, deposit("19000.00"), later, *loans, as_of="2024-12-31")
    assert [dict(f.facts)["fund"] for f in found] == [Decimal("19000.00")]
    assert run(tmp_path, "loan-risk-fund", opening, FUND, deposit("19000.00"), later, *loans,
               as_of="2025-01-31") == []


# -- loan-issue-lag: the fund in place, no lending within the window --------------------------
def lag_books(*loans, deposit_day="2024-01-10"):
    money = (f'{deposit_day} * "区财政局" "拨入风险补偿金" ^FXBC-1\n  Assets:Bank:PSBC-7701  20000.00 CNY\n'
             f"  Income:Other\n")
    return ("2023-01-01 open Income:Other CNY\n", FUND, money, *loans)


def test_issue_lag_hits_when_no_loan_follows_the_deposit_within_the_window(tmp_path):
    # deposit 2024-01-10 (day 0); first loan on or after it on 2024-04-09 = day 90: late
    found = run(tmp_path, "loan-issue-lag", *lag_books(term_loan("L-1", date="2024-04-09")),
                as_of="2024-12-31")
    assert [(f.variant, f.links, f.date) for f in found] == [
        ("", ("FXBC-1", "L-1"), datetime.date(2024, 4, 9))]
    assert "小额信贷风险补偿金专户" in found[0].message and "第90天" in found[0].message
    assert found[0].severity == "medium"


def test_issue_lag_near_miss_first_loan_on_day_89(tmp_path):
    assert run(tmp_path, "loan-issue-lag", *lag_books(term_loan("L-1", date="2024-04-08")),
               as_of="2024-12-31") == []


def test_issue_lag_loans_before_the_deposit_do_not_count(tmp_path):
    found = run(tmp_path, "loan-issue-lag", *lag_books(term_loan("L-0", date="2024-01-09")),
                as_of="2024-12-31")
    assert [(f.variant, f.date) for f in found] == [("none", datetime.date(2024, 4, 9))]
    assert "没有一笔贷款" in found[0].message
    # the window not yet run out at the judging date: not judged yet
    assert run(tmp_path, "loan-issue-lag", *lag_books(term_loan("L-0", date="2024-01-09")),
               as_of="2024-04-08") == []


def test_issue_lag_does_not_judge_a_carried_opening_balance(tmp_path):
    """期初余额 against Equity:Opening: when the money arrived is not in the books."""
    opening = "2023-01-01 open Equity:Opening CNY\n"
    assert run(tmp_path, "loan-issue-lag", opening, FUND, deposit("20000.00"),
               term_loan("L-1", date="2024-06-01"), as_of="2024-12-31") == []


def test_issue_lag_is_silent_without_a_fund_account(tmp_path):
    assert run(tmp_path, "loan-issue-lag", "2023-01-01 open Equity:Opening CNY\n",
               term_loan("L-1", date="2024-06-01"), as_of="2024-12-31") == []


def test_issue_lag_days_is_a_county_setting(tmp_path):
    books = lag_books(term_loan("L-1", date="2024-04-09"))
    assert run(tmp_path, "loan-issue-lag", *books, as_of="2024-12-31",
               loan_issue_lag_days=120) == []
