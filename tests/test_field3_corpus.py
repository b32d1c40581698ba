"""loan-issue-lag on the third blind field corpus (tests/corpus/field3/, written from the user
documentation without reading the code): four counties' loan registers, each with its
risk-compensation fund. Every variant of every register (GBK CSV, UTF-8 CSV, xlsx) goes through
the import pipeline into a fresh workspace with the county's fund fragment (its accounts and bank
movements, written in ledger syntax, appended as a county keeps them by hand) and is judged at the
corpus's date; recall and false alarms are printed (`pytest -s`) and must be complete and none.
A finding must sit on the case's fund account and be dated on the manifest's day.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from beancount import loader
from test_field2_corpus import report

from fundtrail import workspace
from fundtrail.importers.pipeline import run_import
from fundtrail.plugins.checks import all_findings

CORPUS = Path(__file__).parent / "corpus" / "field3"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text("utf-8"))
AS_OF = MANIFEST["as_of"]
VARIANTS = ("gbk", "utf8", "xlsx")
CASES = [c for c in MANIFEST["cases"] if c["concept"] == "loan-issue-lag"]


def _fund_fragment(scenario: str) -> tuple[str, str]:
    """(opens, movements) of the scenario's fund fragment, its `option` lines left out."""
    opens, moves, block = [], [], []
    for line in (CORPUS / f"loans-lag/{scenario.lower()}-fund.beancount").read_text("utf-8").splitlines():
        if line.startswith("option") or line.startswith(";"):
            continue
        if line and not line[0].isspace():
            block = [line]
            (opens if " open " in line else moves).append(block)
        elif line.strip():
            block.append(line)
    return ("".join("\n".join(b) + "\n" for b in opens), "".join("\n".join(b) + "\n\n" for b in moves))


def _register(scenario: str, variant: str) -> Path:
    stem = f"loans-lag/{scenario.lower()}-loans"
    return CORPUS / (f"{stem}.xlsx" if variant == "xlsx" else f"{stem}-{variant}.csv")


@pytest.mark.parametrize("variant", VARIANTS)
def test_issue_lag_recall_and_false_alarms(tmp_path, variant, capsys):
    flagged, stray, wrong_day = [], [], []
    for case in CASES:
        scenario = case["key"]
        root = tmp_path / scenario
        main = workspace.create(root, workspace.County(start=datetime.date(2020, 1, 1)))
        opens, moves = _fund_fragment(scenario)
        with (root / "accounts.beancount").open("a", encoding="utf-8") as handle:
            handle.write("\n" + opens)
        with (root / "transactions/manual.beancount").open("a", encoding="utf-8") as handle:
            handle.write("\n" + moves)
        run_import(main, [_register(scenario, variant)], batch="CORPUS")
        main.write_text(main.read_text("utf-8").replace(
            'plugin "fundtrail.plugins.checks"', f"plugin \"fundtrail.plugins.checks\" \"{{'as_of': '{AS_OF}'}}\"",
            1), "utf-8")
        entries, errors, options = loader.load_file(str(main))
        assert not [e for e in errors if not hasattr(e, "rule")], [e.message for e in errors][:5]
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
