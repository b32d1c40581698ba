"""Province rollup: five synthetic counties and a broken one on a two-worker Dask cluster of
processes; the planted cross-county anomalies found and the near misses silent; figures equal
to each county's own `Books`; no personal number in clear in any Parquet file."""

from __future__ import annotations

import datetime
import json
import re
import sys
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from fundtrail.books import Books
from fundtrail.cli import main
from fundtrail.masterdata import read_register
from fundtrail.province.pseudonym import ProvinceKeyError, Pseudonymizer, read_key
from fundtrail.province.queries import Province
from fundtrail.province.rollup import content_hash
from fundtrail.province.rules import cross_county

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from provincegen import generate_province  # noqa: E402

YEARS = (2023, 2024, 2025)


@pytest.fixture(scope="module")
def cluster():
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit="1GiB",
                      dashboard_address=":0") as local:
        yield local.scheduler_address


@pytest.fixture(scope="module")
def province(tmp_path_factory, cluster):
    root = tmp_path_factory.mktemp("province")
    ledgers = generate_province(root / "counties", counties=5, transactions=300)
    broken = root / "counties" / "broken"
    broken.mkdir()
    (broken / "main.beancount").write_text(
        'option "title" "坏账簿"\n2024-01-01 open Assets:Bank:ICBC-0001 CNY\n'
        '2024-02-30 * "日期错误"\n  Assets:Bank:ICBC-0001  1 CNY\n', "utf-8")
    key = root / "province.key"
    runner = CliRunner()
    made = runner.invoke(main, ["province", "keygen", str(key)])
    assert made.exit_code == 0, made.output
    out = root / "out"
    env = {"FUNDTRAIL_PROVINCE_KEY": str(key)}
    first = runner.invoke(main, ["rollup", *map(str, ledgers), str(broken), "--out", str(out),
                                 "--scheduler", cluster], env=env)
    expected = json.loads((root / "counties" / "expected.json").read_text("utf-8"))
    return {"root": root, "ledgers": ledgers, "broken": broken, "key": key, "out": out,
            "env": env, "first": first, "expected": expected, "cluster": cluster}


@pytest.fixture(scope="module")
def books(province):
    """Each good county's own books, loaded once."""
    return [Books.load(str(ledger)) for ledger in province["ledgers"]]


def test_rollup_reports_each_county_and_the_broken_one(province):
    result = province["first"]
    assert result.exit_code == 1  # one county failed
    assert result.output.count("已导出 exported") == 5
    assert "导出 exported 5, 跳过 skipped 0, 失败 failed 1" in result.output
    failed = result.output.split("失败 FAILED:")[1]
    assert "broken" in failed and "main.beancount:3" in failed  # the file and row of the error
    state = json.loads((province["out"] / "rollup.json").read_text("utf-8"))
    assert sorted(v["status"] for v in state.values()) == ["exported"] * 5 + ["failed"]
    exported = sorted(p.name for p in (province["out"] / "counties").iterdir())
    assert exported == sorted(Path(ledger).parent.name for ledger in province["ledgers"])


def test_cross_county_findings_are_exactly_the_planted_ones(province):
    found = cross_county(Province(province["out"]))
    got = sorted((f.rule, dict(f.facets)["counties"]) for f in found)
    want = sorted((e["rule"], ",".join(e["counties"])) for e in province["expected"]["findings"])
    assert got == want
    by_rule = {f.rule: f for f in found}
    twice = next(e for e in province["expected"]["findings"] if e["rule"] == "xc-duplicate-subsidy")
    assert twice["name"] in by_rule["xc-duplicate-subsidy"].message
    assert "雨露计划" in by_rule["xc-duplicate-subsidy"].message
    over = by_rule["xc-over-limit"]
    assert over.amount == Decimal("9000.00") and "超过每人年度限额8,000.00元" in over.message
    assert "赵德胜的女儿" in by_rule["xc-related-party"].message
    assert all(link.split("/")[0] in dict(f.facets)["counties"] for f in found for link in f.links)
    # the near misses: same name, other person; same person and amount, other item; one firm
    # with one account in two counties; one firm name with two accounts
    text = " ".join(f.message for f in found)
    assert "王建国" not in text and "运河建设集团" not in text and "青禾建工" not in text
    assert sum("赵红梅" in f.message for f in found) == 1
    # a lower limit turns the 7,500-yuan near miss into a finding: the rule reads its setting
    lower = cross_county(Province(province["out"]), {"person_year_limit": 7000})
    assert sum(f.rule == "xc-over-limit" for f in lower) == 2


def test_cross_county_findings_have_the_county_finding_form(province):
    result = CliRunner().invoke(main, ["province", "check", str(province["out"]), "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert {f["rule"] for f in listed} == {e["rule"] for e in province["expected"]["findings"]}
    again = json.loads(CliRunner().invoke(main, ["province", "check", str(province["out"]),
                                                 "--json"]).output)
    assert [f["id"] for f in listed] == [f["id"] for f in again]  # stable ids
    assert all(re.fullmatch(r"F-[0-9a-f]{10}", f["id"]) and f["severity"] in ("medium", "high")
               for f in listed)


def test_province_figures_equal_the_counties_books(province, books):
    provincial = Province(province["out"])
    for year in YEARS:
        by_fund = {(r["county"], r["fund"]): r for r in provincial.by_fund(year)}
        totals = dict.fromkeys(("received", "passed_down", "spent", "balance"), Decimal(0))
        for county in books:
            code = county.master.county.code
            for fund, fig in county.figures("fund", datetime.date(year, 1, 1),
                                           datetime.date(year, 12, 31)).items():
                row = by_fund.pop((code, fund))
                for name in totals:
                    assert row[name] == getattr(fig, name), (code, fund, year, name)
                    totals[name] += getattr(fig, name)
        assert not any(r["received"] or r["spent"] for r in by_fund.values())
        county_rows = provincial.by_county(year)
        for name, total in totals.items():
            assert sum(r[name] for r in county_rows) == total
            assert sum(r[name] for r in provincial.by_level(year)) == total
            assert sum(r[name] for r in provincial.by_document(year)) == total


def test_province_report_totals_are_the_sum_of_the_counties(province, books, tmp_path):
    from openpyxl import load_workbook

    from tests.reportkit import pdf_text

    result = CliRunner().invoke(main, ["province", "report", str(province["out"]), "--year", "2024",
                                       "--name", "临沂市", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(tmp_path / "province-2024.xlsx")["分县"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[-1][1] == "合计" and len(rows) == 6
    spent = sum((f.spent for county in books for f in county.figures(
        "fund", datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)).values()), Decimal(0))
    assert Decimal(str(rows[-1][4])) == spent == sum(Decimal(str(r[4])) for r in rows[:-1])
    text = pdf_text((tmp_path / "province-2024.pdf").read_bytes())
    assert f"{spent:,.2f}" in text and "跨县重复享受同一补助" in text and "坏账簿" not in text
    assert "临沂市2024年度" in text and "broken" in text  # the county that failed is named


def test_no_personal_number_in_clear_in_any_parquet_file(province):
    secrets = set(province["expected"]["secrets"])
    for ledger in province["ledgers"]:
        registers = Path(ledger).parent / "registers"
        for row in read_register(registers / "households.csv"):
            secrets |= {row["身份证号"], row["一卡通账号"]}
        for row in read_register(registers / "officials.csv"):
            secrets |= {row["身份证号"], row["关系人身份证号"]}
    secrets.discard("")
    assert len(secrets) > 500
    files = list((province["out"] / "counties").rglob("*.parquet"))
    assert len(files) == 5 * 10
    long_number = re.compile(r"\d{15,}|\d{14}[Xx]")  # ID and card shapes (villages have 12)
    seen = 0
    for path in files:
        raw = path.read_bytes()
        assert not any(s.encode() in raw for s in secrets), path
        for row in pq.read_table(path).to_pylist():
            for column, value in row.items():
                for text in (value if isinstance(value, list) else [value]):
                    if isinstance(text, str):
                        seen += 1
                        assert text not in secrets, (path.name, column)
                        if not column.endswith(("_hash", "_fingerprint")):  # hex may run digits
                            assert not long_number.search(text), (path.name, column, text)
    assert seen > 10_000


def test_hashes_match_across_counties_and_not_across_keys(province):
    key = read_key(province["key"])
    planted = province["expected"]["secrets"][0]
    county_hashes = set()
    for table in (province["out"] / "counties").glob("*/beneficiaries.parquet"):
        county_hashes |= set(pq.read_table(table, columns=["id_hash"]).column(0).to_pylist())
    assert Pseudonymizer(key).id_no(planted) in county_hashes
    assert Pseudonymizer(key).id_no(" " + planted[:6] + "-" + planted[6:]) == \
        Pseudonymizer(key).id_no(planted)  # separators do not split one person in two
    assert Pseudonymizer(b"x" * 32).id_no(planted) not in county_hashes
    assert Pseudonymizer(key).id_no(planted) != Pseudonymizer(key).account(planted)


def test_rerun_skips_unchanged_counties_and_redoes_a_changed_one(province):
    runner, out = CliRunner(), str(province["out"])
    args = ["rollup", *map(str, province["ledgers"]), "--out", out, "--scheduler",
            province["cluster"]]
    again = runner.invoke(main, args, env=province["env"])
    assert again.exit_code == 0, again.output
    assert "导出 exported 0, 跳过 skipped 5, 失败 failed 0" in again.output
    manual = Path(province["ledgers"][2]).parent / "transactions" / "manual.beancount"
    manual.write_text(manual.read_text("utf-8") + "; 复核 2025-01-05\n", "utf-8")
    changed = runner.invoke(main, args, env=province["env"])
    assert "导出 exported 1, 跳过 skipped 4, 失败 failed 0" in changed.output, changed.output
    assert Path(province["ledgers"][2]).parent.name in changed.output.split("已导出 exported:")[1]
    ledger = province["ledgers"][0]  # a new key (or schema) re-hashes every county
    assert content_hash(ledger, "a" * 16) != content_hash(ledger, "b" * 16)


def test_export_parquet_command_and_its_refusals(province, tmp_path):
    runner, ledger = CliRunner(), str(province["ledgers"][0])
    missing = runner.invoke(main, ["export", "parquet", ledger, "--out", str(tmp_path)],
                            env={"FUNDTRAIL_PROVINCE_KEY": ""})
    assert missing.exit_code == 1 and "FUNDTRAIL_PROVINCE_KEY" in missing.output
    short = tmp_path / "short.key"
    short.write_text("abcd\n")
    with pytest.raises(ProvinceKeyError, match="shorter"):
        read_key(short)
    done = runner.invoke(main, ["export", "parquet", ledger, "--out", str(tmp_path / "x")],
                         env=province["env"])
    assert done.exit_code == 0, done.output
    county = Path(ledger).parent.name
    postings = pq.read_table(tmp_path / "x" / county / "postings.parquet")
    assert postings.num_rows == sum(len(t.postings) for t in Books.load(ledger).transactions)
    assert str(postings.schema.field("amount").type) == "decimal128(18, 2)"
    refused = runner.invoke(main, ["export", "parquet", str(province["broken"] / "main.beancount"),
                                   "--out", str(tmp_path / "y")], env=province["env"])
    assert refused.exit_code == 1 and "main.beancount:3" in refused.output
    assert not any((tmp_path / "y").rglob("*.parquet"))  # nothing half-written


def test_two_ledgers_with_one_county_code_and_a_missing_ledger_fail(province, tmp_path):
    import shutil

    original = Path(province["ledgers"][0]).parent
    twin = tmp_path / "twin"
    shutil.copytree(original, twin)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["rollup", str(original), str(twin), str(tmp_path / "nowhere"),
                                       "--out", str(out), "--scheduler", province["cluster"]],
                                env=province["env"])
    assert result.exit_code == 1
    assert "失败 failed 3" in result.output and result.output.count("区划代码重复") == 2
    assert "nowhere" in result.output
    assert not list((out / "counties").glob("*/postings.parquet"))  # neither twin's data kept
