"""The demo county's assets, income and distributions: the planted anomalies of the asset and
household rules are found, their near misses are not, and every village's asset income is
either distributed or held (beanquery and the Python API agree)."""

import json

import pytest
from test_books import doc_query, run_query
from test_checks_demo import matches

from fundtrail.assets import AssetBook
from fundtrail.plugins.checks import all_findings
from fundtrail.plugins.rules import assets as asset_rules
from fundtrail.plugins.rules import households as household_rules
from fundtrail.plugins.rules import screening as screening_rules

NEW_RULES = set(asset_rules.RULES) | set(household_rules.RULES) | set(screening_rules.RULES)


@pytest.fixture(scope="module")
def found(demo_books):
    return [f for f in all_findings(demo_books.entries, demo_books.options) if f.rule in NEW_RULES]


def test_every_new_rule_has_a_planted_anomaly_and_a_near_miss(demo):
    expected = json.loads((demo[0] / "expected-findings.json").read_text("utf-8"))
    near = json.loads((demo[0] / "near-misses.json").read_text("utf-8"))
    assert {p["rule"] for p in expected} >= NEW_RULES
    assert {p["rule"] for p in near} >= NEW_RULES


def test_recall_on_planted_and_silence_on_near_misses(demo, found):
    expected = [p for p in json.loads((demo[0] / "expected-findings.json").read_text("utf-8"))
                if p["rule"] in NEW_RULES]
    near = json.loads((demo[0] / "near-misses.json").read_text("utf-8"))
    assert [p for p in expected if not any(matches(f, p) for f in found)] == []
    assert [f.message for f in found if not any(matches(f, p) for p in expected)] == []
    assert [p for p in near if any(matches(f, p) for f in found)] == []


def test_the_county_has_assets_income_and_distributions(demo_books):
    master = demo_books.master
    classes = {a.cls for a in master.assets.values()}
    assert classes == {"经营性", "公益性"} and len(master.assets) > 30
    book = AssetBook.of(demo_books.index, master.assets)
    first, last = min(m.date for m in book.income), max(m.date for m in book.income)
    assert (last - first).days > 450
    kinds = {m.purpose for m in book.distributions}
    assert kinds == {"分红到户", "公益岗位工资", "村级公益事业"}
    assert all(m.person for m in book.distributions if m.purpose != "村级公益事业")


def test_income_received_is_distributed_or_held_per_village(demo, demo_books):
    ledger = demo[0] / "main.beancount"
    received = dict(run_query(ledger, doc_query("asset-income-received")))
    distributed = dict(run_query(ledger, doc_query("asset-income-distributed")))
    held = dict(run_query(ledger, doc_query("asset-income-held")))
    assert len(received) >= 15 and set(distributed) < set(received) == set(held)
    api = AssetBook.of(demo_books.index, demo_books.master.assets).by_village()
    for village, money in received.items():
        assert money == distributed.get(village, 0) + held[village], village
        assert (api[village]["received"], api[village]["distributed"], api[village]["held"]) == (
            money, distributed.get(village, 0), held[village])
    assert all(money >= 0 for money in held.values())
    assert sum(distributed.values()) > sum(held.values()) / 2
