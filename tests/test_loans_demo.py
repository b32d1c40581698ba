"""The demo county's micro-loans: every loan rule has a planted anomaly and a near miss; the
planted are found, the near misses are not, and the loan rules find nothing else."""

import json

import pytest
from test_checks_demo import matches

from fundtrail.plugins.checks import all_findings
from fundtrail.plugins.rules import loans

RULES = set(loans.RULES)
NEW = {"loan-banned-purpose", "loan-household-over-limit", "loan-subsidy-over", "loan-overdue", "loan-risk-fund",
       "loan-issue-lag"}


@pytest.fixture(scope="module")
def found(demo_books):
    return [f for f in all_findings(demo_books.entries, demo_books.options) if f.rule in RULES]


def test_every_new_loan_rule_has_a_planted_anomaly_and_a_near_miss(demo):
    expected = json.loads((demo[0] / "expected-findings.json").read_text("utf-8"))
    near = json.loads((demo[0] / "near-misses.json").read_text("utf-8"))
    assert {p["rule"] for p in expected} >= RULES
    assert {p["rule"] for p in near} >= NEW


def test_planted_loans_are_found_and_near_misses_are_not(demo, found):
    expected = [p for p in json.loads((demo[0] / "expected-findings.json").read_text("utf-8"))
                if p["rule"] in RULES]
    near = [p for p in json.loads((demo[0] / "near-misses.json").read_text("utf-8")) if p["rule"] in RULES]
    assert [p for p in expected if not any(matches(f, p) for f in found)] == []
    assert [f.message for f in found if not any(matches(f, p) for p in expected)] == []
    assert [p for p in near if any(matches(f, p) for f in found)] == []
