import pytest
from ruleledger import run

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
