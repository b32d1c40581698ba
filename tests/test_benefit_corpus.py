"""The blind field corpus (tests/corpus/field/, written without reading the code) through the
benefit-link importers and rules: every variant of every file (GBK CSV, UTF-8 CSV, xlsx) is
imported into a fresh workspace and the rules' verdicts are compared with manifest.json's
cases (concepts promise-not-kept, firm-concentration, income-arrears). Recall and false
alarms are printed per rule (`pytest -s`); all must be right.

What the county adds that the corpus does not hold: its division list (the six villages the
files name), a columns.toml ignoring the register's columns no rule reads, and the registered
assets the lease list names (the corpus has no asset register)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from fundcorpus import judge_at

from fundtrail import workspace
from fundtrail.books import Books
from fundtrail.importers.pipeline import run_import
from fundtrail.plugins.checks import all_findings

CORPUS = Path(__file__).parent / "corpus" / "field"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text("utf-8"))
AS_OF = MANIFEST["as_of"]
RULE_OF = {"promise-not-kept": "benefit-promise-unkept", "firm-concentration": "firm-concentration",
           "income-arrears": "income-arrears"}
CASES = [c for c in MANIFEST["cases"] if c["concept"] in RULE_OF]
TOWNS = {"运河街道": "370405101", "泥河镇": "370405102", "涧东镇": "370405104", "张山镇": "370405105",
         "邳北镇": "370405106"}
VILLAGES = {"运河前村": "运河街道", "泥河前村": "泥河镇", "涧东新村": "涧东镇", "张山南村": "张山镇",
            "张山西村": "张山镇", "邳北北村": "邳北镇"}
IGNORED = ("成员姓名", "与户主关系", "帮扶措施", "措施落实日期", "走访日期", "帮扶措施落实时间", "最近走访时间")
KINDS = {"projects": "projects-promises", "register": "households-register", "wages": "wage-roll",
         "purchases": "purchase-ledger", "land-rent": "land-rent-roll", "leases": "lease-contracts",
         "lease-receipts": "lease-receipts"}


def files(kind: str) -> list[Path]:
    return sorted(CORPUS / entry["file"] for entry in MANIFEST["files"][kind])


def county_text() -> str:
    text = "".join(f'2023-01-01 custom "town" "{code}"\n  name: "{name}"\n' for name, code in TOWNS.items())
    for n, (village, town) in enumerate(VILLAGES.items(), 1):
        text += f'2023-01-01 custom "village" "{TOWNS[town]}2{n:02d}"\n  name: "{village}"\n  town: "{TOWNS[town]}"\n'
    return text


def assets_text() -> str:
    """The leased assets as the county's asset register holds them (from the lease list)."""
    codes = {v: f"{TOWNS[t]}2{n:02d}" for n, (v, t) in enumerate(VILLAGES.items(), 1)}
    leases = [line.split(",") for line in
              (CORPUS / "benefit/lease-contracts-utf8.csv").read_text("utf-8-sig").splitlines()[1:]]
    out = ""
    for row in leases:
        asset, name, owner = row[1], row[2], row[3]
        village = codes[next(v for v in VILLAGES if owner.startswith(v))]
        out += (f'2023-06-30 custom "asset" "{asset}"\n  name: "{name}"\n  class: "经营性"\n'
                f'  village: "{village}"\n  owner: "{owner}"\n  value: 500000.00 CNY\n'
                f'2023-06-30 open Income:Asset:{asset} CNY\n  village: "{village}"\n')
    for village in sorted(set(codes.values())):
        out += f"2023-06-30 open Assets:Collective:{village} CNY\n2023-06-30 open Expenses:Distribution:{village} CNY\n"
    return out


def variant(kind: str, which: int) -> Path:
    found = files(kind)
    return found[which % len(found)]


@pytest.fixture(scope="module", params=[0, 1, 2], ids=["variant-a", "variant-b", "variant-c"])
def verdicts(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"corpus{request.param}")
    main = workspace.create(root, workspace.County(start=datetime.date(2023, 1, 1)))
    with (root / "masterdata/county.beancount").open("a", encoding="utf-8") as handle:
        handle.write("\n" + county_text())
    with (root / "masterdata/assets.beancount").open("a", encoding="utf-8") as handle:
        handle.write("\n" + assets_text())
    (root / "columns.toml").write_text("[households]\n" + "".join(f'"{c}" = "ignore"\n' for c in IGNORED),
                                       "utf-8")
    used = []
    for kind in KINDS:
        path = variant(kind, request.param)
        run_import(main, [path], batch="CORPUS")
        used.append(path.name)
    judge_at(main, AS_OF)
    books = Books.load(str(main))
    found = [f for f in all_findings(books.entries, books.options) if f.rule in RULE_OF.values()]
    return used, found


def hit(case, found) -> bool:
    rule = RULE_OF[case["concept"]]
    for f in found:
        if f.rule != rule:
            continue
        facts = dict(f.facts)
        if case["key"] in f.links or case["key"] in (facts.get("lease"), facts.get("firm")):
            return True
    return False


def test_recall_and_false_alarms_per_rule(verdicts):
    used, found = verdicts
    print("\nfiles:", ", ".join(used))
    wrong = []
    for concept, rule in RULE_OF.items():
        cases = [c for c in CASES if c["concept"] == concept]
        hits = [c for c in cases if c["expect"] == "hit"]
        silent = [c for c in cases if c["expect"] == "silent"]
        caught = [c for c in hits if hit(c, found)]
        alarms = [c for c in silent if hit(c, found)]
        keys = {c["key"] for c in cases}
        stray = [f.message for f in found if f.rule == rule
                 and not any(k in f.links or k in dict(f.facts).values() for k in keys)]
        print(f"{rule:24} recall {len(caught)}/{len(hits)}  false alarms {len(alarms)}/{len(silent)}"
              f"  other findings {len(stray)}")
        wrong += [(c["id"], "missed") for c in hits if c not in caught]
        wrong += [(c["id"], "false alarm") for c in alarms] + [("-", m) for m in stray]
    assert wrong == []


def test_the_figures_of_the_findings_are_the_manifests(verdicts):
    _, found = verdicts
    by_key = {}
    for f in found:
        facts = dict(f.facts)
        by_key[facts.get("lease") or facts.get("firm") or f.links[0]] = (f, facts)
    b02 = by_key["QHF2024-102"][1]
    assert (b02["promised"], b02["reached"]) == ("15", "11")
    assert by_key["QHF2024-104"][1]["reached"] == "186000"
    assert by_key["QHF2024-106"][1]["reached"] == "140"
    firm, facts = by_key["青禾丰源农业发展有限公司"]
    assert firm.amount == 6_500_000 and facts["total"] == 9_700_000
    assert by_key["ZL2024-01"][0].amount == 20_000 and "2024年第三季度" in by_key["ZL2024-01"][0].message
    assert by_key["ZL2024-04"][0].amount == 6_000
