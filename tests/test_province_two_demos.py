"""The province report on two full demo counties (asset dividends, related parties, every
planted anomaly): two copies of one demo workspace under two county codes, rolled up (export
to Parquet on an in-process Dask client), checked across counties and reported. Each county's
findings are counted at the report's date, not at the export's."""

import datetime
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import copy_workspace
from reportkit import flat, pdf_text

from fundtrail.books import Books
from fundtrail.cli import main
from fundtrail.plugins.checks import all_findings
from fundtrail.province.pseudonym import read_key
from fundtrail.province.queries import Province
from fundtrail.province.rollup import rollup
from fundtrail.reports.province import province_facts

CODES = {"370405": "青禾区", "370499": "禾北区"}


@pytest.fixture(scope="module")
def two(demo, tmp_path_factory):
    """The session's demo, a second copy renamed to another county, rolled up once."""
    from dask.distributed import Client

    root = tmp_path_factory.mktemp("two-demos")
    copy_workspace(demo[0], root / "qinghe")
    copy_workspace(demo[0], root / "hebei")
    county = root / "hebei" / "masterdata" / "county.beancount"
    text = county.read_text("utf-8")
    county.write_text(text.replace('custom "county" "370405"', 'custom "county" "370499"', 1)
                      .replace('name: "青禾区"', 'name: "禾北区"', 1), "utf-8")
    key = root / "province.key"
    assert CliRunner().invoke(main, ["province", "keygen", str(key)]).exit_code == 0
    ledgers = [str(root / name / "main.beancount") for name in ("qinghe", "hebei")]
    out = root / "out"
    results = rollup(ledgers, out, read_key(key),
                     lambda: Client(processes=False, n_workers=1, threads_per_worker=2,
                                    dashboard_address=":0"))
    return {"root": root, "ledgers": ledgers, "out": out, "key": key, "results": results}


def test_two_demo_counties_roll_up(two):
    assert sorted((r.status, r.county, r.name) for r in two["results"]) == [
        ("exported", code, name) for code, name in sorted(CODES.items())], two["results"]
    province = Province(two["out"])
    assert {c["county"]: c["name"] for c in province.counties()} == CODES
    dividends = province.rows("SELECT count(*) AS n FROM beneficiaries WHERE item IS NULL")[0]["n"]
    assert dividends > 0  # asset dividends: beneficiaries with no subsidy item


def test_county_findings_are_counted_at_the_reports_date(two):
    province = Province(two["out"])
    books = Books.load(two["ledgers"][0])
    found = all_findings(books.entries, books.options)
    for year in (2024, 2025):
        end = datetime.date(year, 12, 31)
        expected = sum(1 for f in found if f.date is None or f.date <= end)
        counts = {row["county"]: row for row in province_facts(province, year)["county_findings"]}
        assert set(counts) == set(CODES)
        assert counts["370405"]["total"] == counts["370499"]["total"] == expected, year
    early = province_facts(province, 2024)["county_findings"][0]["total"]
    late = province_facts(province, 2025)["county_findings"][0]["total"]
    assert early < late == len(found)  # 2025's findings are not in the 2024 report
    midyear = province_facts(province, 2024, as_of=datetime.date(2024, 6, 30))["county_findings"]
    assert midyear[0]["total"] < early


def test_province_report_of_two_demo_counties(two, tmp_path):
    result = CliRunner().invoke(main, ["province", "report", str(two["out"]), "--year", "2024",
                                       "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = flat(pdf_text((tmp_path / "province-2024.pdf").read_bytes()))
    assert "青禾区" in text and "禾北区" in text and "Traceback" not in text
    # the same people paid in both copies: the cross-county checks find them
    assert "跨县" in text
    lines = pdf_text((tmp_path / "province-2024.pdf").read_bytes()).splitlines()
    for line, following in zip(lines, lines[1:], strict=False):  # no evidence token cut in two
        assert not (re.search(r"[A-Z0-9]-$", line) and re.match(r"[A-Z0-9]", following)), (line, following)
    with zipfile.ZipFile(tmp_path / "province-2024.xlsx") as workbook:
        assert any("sheet" in name for name in workbook.namelist())
    facts = province_facts(Province(two["out"]), 2024)
    first, second = facts["counties"]
    assert first["received"] == second["received"] > 0
    assert facts["total"]["received"] == first["received"] + second["received"]
    assert facts["cross"]
    assert Path(two["ledgers"][1]).parent.name == "hebei"
