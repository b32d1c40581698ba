"""Five rules on the second blind field corpus (tests/corpus/field2/, written from the user
documentation without reading the code): orange-unassisted and blue-uncontacted on a household
register, loan-risk-fund on four counties' loan registers with their risk-compensation fund,
industry-share-low and management-fee-over on two counties' allotment tables. Every variant of
every file (GBK CSV, UTF-8 CSV, xlsx) goes through the import pipeline into a fresh workspace and
is judged at the corpus's date; recall and false alarms per rule are printed (`pytest -s`) and
must be complete and none.

What the loading step adds that the importers do not read:
- the fund fragment (`kN-fund.beancount`): the county's own chart of accounts and bank
  movements, written in ledger syntax; it is appended to the workspace's accounts.beancount and
  transactions/manual.beancount as a county would keep them by hand;
- the allotment tables (分解下达明细): the books hold an allotment as an `Equity:Allotment`
  pair (docs/ledger-model.md) written by hand, with no importer; the test reads each table with
  the importers' table reader and writes the funds (one per 资金来源, titled by it), the projects
  (项目类别) and the allotments (下达金额 on 下达日期) the county would write.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from fundcorpus import fund_books, register_context, report

from fundtrail import accounts as acc
from fundtrail import workspace
from fundtrail.findings import Finding
from fundtrail.importers import cells
from fundtrail.importers.tables import read_table
from fundtrail.plugins.checks import RULES, all_findings, typed_settings
from fundtrail.plugins.rules.context import Context

CORPUS = Path(__file__).parent / "corpus" / "field2"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text("utf-8"))
AS_OF = MANIFEST["as_of"]
VARIANTS = ("gbk", "utf8", "xlsx")


def variant_file(folder: str, stem: str, variant: str) -> Path:
    return CORPUS / folder / (f"{stem}.xlsx" if variant == "xlsx" else f"{stem}-{variant}.csv")


def cases(concept: str) -> list[dict]:
    return [c for c in MANIFEST["cases"] if c["concept"] == concept]


# -- three-colour management: the household register -----------------------------------------------
COLOUR_RULES = {"orange-unassisted": "orange-unassisted", "blue-uncontacted": "blue-uncontacted"}


@pytest.mark.parametrize("variant", VARIANTS)
def test_colour_register_recall_and_false_alarms(tmp_path, variant, capsys):
    ctx = register_context(tmp_path / "ws", [variant_file("register", "colour-register", variant)], AS_OF,
                           batch="CORPUS")
    lines, wrong = [], []
    for concept, rule in COLOUR_RULES.items():
        got = list(RULES[rule](ctx))
        mine = cases(concept)
        flagged = [(c, any(f"户编号{c['household']}" in f.message for f in got)) for c in mine]
        stray = [f.message for f in got if not any(f"户编号{c['household']}" in f.message for c in mine)]
        line, bad = report(variant, rule, concept, flagged, stray)
        lines.append(line)
        wrong += bad
        for case in mine:  # a finding is dated on the day the window ran out, the manifest's due_by
            wrong += [(case["id"], f"dated {f.date}") for f in got if f"户编号{case['household']}" in f.message
                      and str(f.date) != case["figures"]["due_by"]]
    # no household is red: a red-tier finding here is a false alarm
    wrong += [("-", f.message) for f in RULES["red-unassisted"](ctx)]
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert wrong == []


# -- the risk-compensation fund: four counties' loan registers ---------------------------------------

SCENARIOS = [c["key"] for c in cases("loan-risk-fund")]


@pytest.mark.parametrize("variant", VARIANTS)
def test_risk_fund_recall_and_false_alarms(tmp_path, variant, capsys):
    flagged, stray = [], []
    for case in cases("loan-risk-fund"):
        scenario = case["key"]
        entries, options = fund_books(tmp_path / scenario, CORPUS / f"loans-risk/{scenario.lower()}-fund.beancount",
                                      variant_file("loans-risk", f"{scenario.lower()}-loans", variant), AS_OF)
        found = [f for f in all_findings(entries, options) if f.rule == "loan-risk-fund"]
        scope = case["figures"]["scope"]
        mine = [f for f in found if f.entry is not None and f.entry.account == case["fund"]
                and dict(f.facets).get("scope") == scope]
        flagged.append((case, bool(mine)))
        stray += [f"{scenario}: {f.message}" for f in found if f not in mine]
        if mine:  # the figures the finding gives are the manifest's
            facts = dict(mine[0].facts)
            assert facts["fund"] == Decimal(case["figures"]["fund_balance"]), (scenario, facts["fund"])
            assert facts["lending"] == Decimal(case["figures"]["outstanding"]), (scenario, facts["lending"])
    line, wrong = report(variant, "loan-risk-fund", "loan-risk-fund", flagged, stray)
    with capsys.disabled():
        print("\n" + line)
    assert wrong == []


# -- the spending mix of 衔接资金: two counties' allotment tables -------------------------------------
COUNTIES = {"青禾区": "qinghe-allotments", "禾川县": "hechuan-allotments"}
COLUMNS = {"code": ("项目编号", "项目代码"), "name": ("项目名称",), "category": ("项目类别", "项目类型"),
           "source": ("资金来源", "资金性质"), "amount": ("下达金额(元)", "下达资金(万元)"),
           "date": ("下达日期", "文件下达时间")}


def allotment_rows(path: Path) -> list[dict]:
    """The table's project rows (a row with a project code; title, unit, 合计 and 小计 rows
    have none), read with the importers' table reader and cell parsers."""
    table = read_table(path)
    wanted = [names[0] for names in COLUMNS.values()]
    index, names = next(table.best_header(labels, search=10)[:2] for labels in (
        wanted, [names[-1] for names in COLUMNS.values()]) if not table.best_header(labels, search=10)[2])
    col = {key: next(names[cells.fold(n)] for n in options if cells.fold(n) in names)
           for key, options in COLUMNS.items()}
    label = next(n for n in COLUMNS["amount"] if cells.fold(n) in names)
    out = []
    for _number, row in table.rows[index + 1:]:
        code = cells.text(row[col["code"]])
        if not code:
            continue
        out.append({"code": code, "name": cells.text(row[col["name"]]),
                    "category": cells.text(row[col["category"]]), "source": cells.text(row[col["source"]]),
                    "amount": cells.amount(row[col["amount"]], scale=cells.unit(label)),
                    "date": cells.day(row[col["date"]])})
    return out


def allotment_ledger(rows: list[dict]) -> tuple[str, str, str]:
    """(funds, projects, allotments) as the county writes them: one fund per 资金来源 (its title
    the source's name), one project per code, one allotment per row."""
    funds, projects, allots = {}, {}, []
    for n, row in enumerate(rows, 1):
        source = row["source"]
        if source not in funds:
            level = acc.FUND_LEVELS[acc.level_in(source) or "县级"][0]  # the one reading of a level
            funds[source] = (f"F{len(funds) + 1:02d}", level)
        code, _ = funds[source]
        projects.setdefault(row["code"], (row["name"], row["category"]))
        allots.append(f'{row["date"]} * "财政局" "分解下达 {row["name"]}" ^ALLOT-{n}\n'
                      f'  Equity:Allotment:Project:{row["code"]}  -{row["amount"]} CNY\n'
                      f'  Equity:Allotment:Fund:{code}  {row["amount"]} CNY\n')
    fund_text = "".join(f'2023-01-01 open Income:Fund:{level}:{code} CNY\n  name: "{source}"\n'
                        f'  doc_no: "财农〔2023〕{code[1:]}号"\n'
                        f"2023-01-01 open Equity:Allotment:Fund:{code} CNY\n"
                        for source, (code, level) in funds.items())
    project_text = "".join(f'2023-01-01 open Expenses:Project:{code} CNY\n  name: "{name}"\n'
                           f'  category: "{category}"\n'
                           f"2023-01-01 open Equity:Allotment:Project:{code} CNY\n"
                           for code, (name, category) in projects.items())
    return fund_text, project_text, "\n".join(allots)


MIX_RULES = {"industry-share-low": "industry-share-low", "management-fee-over": "management-fee-over"}


@pytest.mark.parametrize("variant", VARIANTS)
def test_spending_mix_recall_and_false_alarms(tmp_path, variant, capsys):
    found = {}
    for county, stem in COUNTIES.items():
        root = tmp_path / stem
        main = workspace.create(root, workspace.County(start=datetime.date(2023, 1, 1)))
        rows = allotment_rows(variant_file("spending-mix", stem, variant))
        for case in cases("industry-share-low"):  # every row read: the year's totals are the manifest's
            if case["key"].startswith(f"{county}/"):
                year = case["figures"]["year"]
                assert sum(r["amount"] for r in rows if r["date"].year == year) == Decimal(
                    case["figures"]["all_sources_total"]), (case["id"], variant)
        funds, projects, allots = allotment_ledger(rows)
        for name, text in (("masterdata/funds.beancount", funds), ("masterdata/projects.beancount", projects),
                           ("transactions/allotments.beancount", allots)):
            with (root / name).open("a", encoding="utf-8") as handle:
                handle.write("\n" + text)
        entries, errors, _ = loader.load_file(str(main))
        assert not [e for e in errors if not isinstance(e, Finding)], [e.message for e in errors][:5]
        ctx = Context(entries, typed_settings({"as_of": AS_OF}))
        for rule in MIX_RULES.values():
            found[(county, rule)] = list(RULES[rule](ctx))
    lines, wrong = [], []
    for concept, rule in MIX_RULES.items():
        mine = cases(concept)
        got = [(county, f) for (county, r), fs in found.items() if r == rule for f in fs]

        def key(county, f):
            return f"{county}/{dict(f.facts)['year']}"
        flagged = [(c, any(key(county, f) == c["key"] for county, f in got)) for c in mine]
        stray = [f.message for county, f in got if not any(key(county, f) == c["key"] for c in mine)]
        line, bad = report(variant, rule, concept, flagged, stray)
        lines.append(line)
        wrong += bad
        for county, f in got:  # the figures the finding gives are the manifest's
            case = next((c for c in mine if c["key"] == key(county, f)), None)
            if case is not None:
                assert dict(f.facts)["total"] == Decimal(case["figures"]["linked_total"]), case["id"]
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert wrong == []
