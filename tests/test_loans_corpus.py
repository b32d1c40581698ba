"""The micro-loan rules on the blind field corpus (tests/corpus/field: loans in three shapes and
the household register, written without reading the code): every variant set (GBK, UTF-8,
xlsx) is imported through the import pipeline and checked at the corpus's judging date; recall
and false alarms per rule are printed (`pytest -s`) and must be complete and none."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from beancount import loader
from fundcorpus import judge_at

from fundtrail import workspace
from fundtrail.idno import id_no
from fundtrail.importers.pipeline import run_import
from fundtrail.plugins.checks import all_findings

CORPUS = Path(__file__).parent / "corpus" / "field"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text("utf-8"))
RULE = {"banned-purpose": "loan-banned-purpose", "concurrent-over-limit": "loan-household-over-limit",
        "interest-subsidy-over": "loan-subsidy-over", "loan-overdue": "loan-overdue"}
VARIANTS = {
    "gbk": ["loans/loans-a-bank-ledger-gbk.csv", "loans/loans-b-county-ledger-gbk.csv",
            "loans/loans-c-export-gbk.txt", "register/households-register-gbk.csv"],
    "utf8": ["loans/loans-a-bank-ledger-utf8.csv", "loans/loans-b-county-ledger-utf8.csv",
             "loans/loans-c-export.txt", "register/households-register-utf8.csv"],
    "xlsx": ["loans/loans-a-bank-ledger.xlsx", "loans/loans-b-county-ledger.xlsx",
             "loans/loans-c-export.xlsx", "register/households-register.xlsx"],
}
# The register's columns the books do not keep yet (help measures and visits).
COLUMNS = ('[households]\n"措施落实日期" = "ignore"\n"帮扶措施落实时间" = "ignore"\n'
           '"走访日期" = "ignore"\n"最近走访时间" = "ignore"\n')


def books(tmp_path: Path, variant: str):
    root = tmp_path / variant
    main = workspace.create(root, workspace.County(start=datetime.date(2021, 1, 1)))
    (root / "columns.toml").write_text(COLUMNS, "utf-8")
    run_import(main, [CORPUS / name for name in VARIANTS[variant]], batch="CORPUS")
    judge_at(main, MANIFEST['as_of'])
    entries, errors, options = loader.load_file(str(main))
    assert not errors, [e.message for e in errors][:5]
    return entries, options


def loan_ids(entries) -> dict[str, str]:
    """The manifest's loan keys (the file's number, B-01.. for the county ledger without numbers)
    -> the ids the books gave them, by ID number and issue date."""
    books_id = {(id_no(str(e.meta["borrower_id"])), e.date): e.values[0].value
                for e in entries if getattr(e, "type", "") == "loan"}
    return {m["loan"]: books_id[(id_no(m["id_no"]), datetime.date.fromisoformat(m["start"]))]
            for m in MANIFEST["loans"]}


def score(found, ids) -> dict[str, tuple[int, int, list, list]]:
    """rule -> (hit cases found, hit cases, missed case ids, false alarms)."""
    out = {}
    for concept, rule in RULE.items():
        cases = [c for c in MANIFEST["cases"] if c["concept"] == concept]
        mine = [f for f in found if f.rule == rule]

        def flagged(case, mine=mine):
            wanted = {ids[k] for k in case.get("loans") or [case["loan"]]}
            return [f for f in mine if wanted <= set(f.links)]

        hits = [c for c in cases if c["expect"] == "hit"]
        caught = [c for c in hits if flagged(c)]
        explained = {id(f) for c in hits for f in flagged(c)}
        alarms = [c["id"] for c in cases if c["expect"] == "silent" and flagged(c)]
        alarms += [f.message for f in mine if id(f) not in explained]
        out[rule] = (len(caught), len(hits), [c["id"] for c in hits if c not in caught], alarms)
    return out


@pytest.mark.parametrize("variant", VARIANTS)
def test_recall_and_false_alarms_per_rule_on_the_field_corpus(tmp_path, variant):
    entries, options = books(tmp_path, variant)
    found = [f for f in all_findings(entries, options) if f.rule.startswith("loan-")]
    table = score(found, loan_ids(entries))
    for rule, (caught, hits, missed, alarms) in table.items():
        print(f"{variant:5} {rule:27} recall {caught}/{hits}  false alarms {len(alarms)}  {missed or ''}")
    assert {rule: (missed, alarms) for rule, (_, _, missed, alarms) in table.items()} == {
        rule: ([], []) for rule in RULE.values()}
    # what the corpus says the older rules also see, and nothing else
    others = sorted((f.rule, f.links) for f in found if f.rule not in RULE.values())
    ids = loan_ids(entries)
    assert others == sorted([("loan-over-limit", (ids["PSBC2024030105"],)), ("loan-over-limit", (ids["B-08"],)),
                             ("loan-over-term", (ids["PSBC2021031006"],))])
