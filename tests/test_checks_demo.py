"""Recall and precision of the checks against the anomalies planted in the demo county.

expected-findings.json lists each planted anomaly by rule and link (plus facets such as scope,
band or stage where one entry carries several). A finding matches when the rule is the same,
the link is among the finding's links and every facet agrees.
"""

import json

import pytest

from fundtrail.plugins.checks import RULES, all_findings


@pytest.fixture(scope="module")
def found(demo_books):
    return all_findings(demo_books.entries, demo_books.options)


@pytest.fixture(scope="module")
def expected(demo):
    return json.loads((demo[0] / "expected-findings.json").read_text("utf-8"))


def matches(finding, planted) -> bool:
    """A case without a link (a register's, e.g. a screening list's clue) is told by its facets."""
    facets = dict(finding.facets)
    return (finding.rule == planted["rule"]
            and ("link" not in planted or planted["link"].lstrip("^") in finding.links)
            and all(facets.get(k) == v for k, v in planted.items() if k not in ("rule", "link")))



def test_every_planted_rule_exists(expected):
    missing = sorted({p["rule"] for p in expected} - set(RULES))
    assert not missing, f"rules with planted anomalies but no implementation: {missing}"


def test_recall_and_precision_per_rule(found, expected):
    rules = sorted({p["rule"] for p in expected} & set(RULES))
    misses, hits, total = [], 0, 0
    for rule in rules:
        planted = [p for p in expected if p["rule"] == rule]
        mine = [f for f in found if f.rule == rule]
        caught = [p for p in planted if any(matches(f, p) for f in mine)]
        true = [f for f in mine if any(matches(f, p) for p in planted)]
        hits, total = hits + len(true), total + len(mine)
        print(f"{rule:24} recall {len(caught)}/{len(planted)}  precision {len(true)}/{len(mine)}")
        misses += [p for p in planted if p not in caught]
    assert not misses, f"planted anomalies not found: {misses}"
    print(f"overall precision {hits}/{total} = {hits / max(total, 1):.1%}")
    assert total and hits / total >= 0.95, [f.message for f in found
                                            if f.rule in rules and not any(matches(f, p) for p in expected)]
