"""loan-issue-lag on the third blind field corpus (tests/corpus/field3/, written from the user
documentation without reading the code): four counties' loan registers, each with its
risk-compensation fund. Every variant of every register (GBK CSV, UTF-8 CSV, xlsx) goes through
the import pipeline into a fresh workspace with the county's fund fragment (its accounts and bank
movements, written in ledger syntax, appended as a county keeps them by hand) and is judged at the
corpus's date; recall and false alarms are printed (`pytest -s`) and must be complete and none.
A finding must sit on the case's fund account and be dated on the manifest's day.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fundcorpus import fund_books, report

from fundtrail.plugins.checks import all_findings

CORPUS = Path(__file__).parent / "corpus" / "field3"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text("utf-8"))
AS_OF = MANIFEST["as_of"]
VARIANTS = ("gbk", "utf8", "xlsx")
CASES = [c for c in MANIFEST["cases"] if c["concept"] == "loan-issue-lag"]


def _register(scenario: str, variant: str) -> Path:
    stem = f"loans-lag/{scenario.lower()}-loans"
    return CORPUS / (f"{stem}.xlsx" if variant == "xlsx" else f"{stem}-{variant}.csv")


@pytest.mark.parametrize("variant", VARIANTS)
def test_issue_lag_recall_and_false_alarms(tmp_path, variant, capsys):
    flagged, stray, wrong_day = [], [], []
    for case in CASES:
        scenario = case["key"]
        entries, options = fund_books(tmp_path / scenario, CORPUS / f"loans-lag/{scenario.lower()}-fund.beancount",
                                      _register(scenario, variant), AS_OF)
        found = [f for f in all_findings(entries, options) if f.rule == "loan-issue-lag"]
        mine = [f for f in found if f.entry is not None and f.entry.account == case["fund"]]
        flagged.append((case, bool(mine)))
        stray += [f"{scenario}: {f.message}" for f in found if f not in mine]
        wrong_day += [(case["id"], f"dated {f.date}") for f in mine
                      if str(f.date) != case["figures"].get("finding_date")]
    line, wrong = report(variant, "loan-issue-lag", "loan-issue-lag", flagged, stray)
    with capsys.disabled():
        print("\n" + line)
    assert wrong + wrong_day == []
