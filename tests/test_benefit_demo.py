"""The demo county's benefit links, leases and spending mix: the planted anomalies of the
benefit and schedule rules are found, their near misses are not (management-fee-over's near miss:
both years' management costs are over 1 %, and 2025's review fees paid from the twinning unit's
money, not 衔接资金, must not be counted; tests/test_rules_benefit.py holds one at exactly 1 %)."""

import json

import pytest
from test_checks_demo import matches

from fundtrail.plugins.checks import all_findings
from fundtrail.plugins.rules import benefit as benefit_rules
from fundtrail.plugins.rules import schedule as schedule_rules

NEW_RULES = set(benefit_rules.RULES) | set(schedule_rules.RULES)


@pytest.fixture(scope="module")
def found(demo_books):
    return [f for f in all_findings(demo_books.entries, demo_books.options) if f.rule in NEW_RULES]


def test_every_rule_has_a_planted_anomaly_and_a_near_miss(demo):
    expected = json.loads((demo[0] / "expected-findings.json").read_text("utf-8"))
    near = json.loads((demo[0] / "near-misses.json").read_text("utf-8"))
    assert {p["rule"] for p in expected} >= NEW_RULES
    assert {p["rule"] for p in near} >= NEW_RULES


def test_management_costs_paid_from_other_money_are_not_counted(demo_books, found):
    """The near miss is a real 项目管理 project, allotted and paid, from a fund that is not 衔接资金."""
    master = demo_books.master
    other = master.projects["QH2025-G02"]
    assert other.category == "项目管理" and "衔接" not in master.funds[other.meta["fund"]].title
    paid = [t for t in demo_books.entries if getattr(t, "postings", None) and "QH2025-G02" in t.links
            and any(p.account == "Expenses:Project:QH2025-G02" for p in t.postings)]
    assert sum(p.units.number for t in paid for p in t.postings if p.account.endswith("QH2025-G02")) == 36000
    fee = next(f for f in found if f.rule == "management-fee-over" and dict(f.facets)["year"] == "2025")
    assert fee.links == ("QH2025-G01",) and fee.amount == master.projects["QH2025-G01"].budget


def test_recall_on_planted_and_silence_on_near_misses(demo, found):
    expected = [p for p in json.loads((demo[0] / "expected-findings.json").read_text("utf-8"))
                if p["rule"] in NEW_RULES]
    near = [p for p in json.loads((demo[0] / "near-misses.json").read_text("utf-8")) if p["rule"] in NEW_RULES]
    assert [p for p in expected if not any(matches(f, p) for f in found)] == []
    assert [f.message for f in found if not any(matches(f, p) for p in expected)] == []
    assert [p for p in near if any(matches(f, p) for f in found)] == []


def test_the_rolls_and_leases_come_in_through_the_importers(demo, demo_books):
    text = (demo[0] / "masterdata/benefit.beancount").read_text("utf-8")
    assert text.count('\ncustom') == 0 and text.count(' custom "benefit-roll"') > 50
    assert text.count(' custom "lease"') == 2
    arrears = next(f for f in all_findings(demo_books.entries, demo_books.options) if f.rule == "income-arrears")
    # reported three months after the first missed quarter, not twelve (idle-asset's wait)
    idle = next(f for f in all_findings(demo_books.entries, demo_books.options)
                if f.rule == "idle-asset" and set(f.links) & set(arrears.links))
    assert (idle.date - arrears.date).days > 180
