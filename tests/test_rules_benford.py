import datetime
from decimal import Decimal

from ruleledger import pay, project, run


def benford_amounts(n):
    """n amounts spread evenly in log scale over 10,000-1,000,000: Benford's law exactly."""
    return [Decimal(10 ** (4 + 2 * (k + 0.5) / n)).quantize(Decimal("0.01")) for k in range(n)]


def payments(code, amounts, payee="甲建筑公司", prefix="B"):
    start = datetime.date(2025, 1, 1)
    return [pay(f"{start + datetime.timedelta(days=k)}", payee, amount, code, f"{prefix}-{code}-{k}")
            for k, amount in enumerate(amounts)]


def test_a_town_paid_just_under_ten_thousand_fails_benford(tmp_path):
    normal = payments("P1", benford_amounts(200))
    planted = payments("P9", [Decimal(9010 + 16 * k) for k in range(60)], payee="乙养护队", prefix="R")
    found = run(tmp_path, "benford", project("P1", town="T0", village=""),
                project("P9", town="T1", village=""), *normal, *planted)
    by_scope = {dict(f.facets)["scope"]: f for f in found}
    assert set(by_scope) == {"T1", "county"}
    assert all("P9" in f.links for f in found)
    assert "不符合" in by_scope["T1"].message


def test_benford_data_fixed_subsidies_and_small_towns_pass(tmp_path):
    normal = payments("P1", benford_amounts(200))
    subsidies = [pay("2025-06-20", f"户{k}", "1000.00", "S1", f"YKT-{k}",
                     source="Assets:Clearing:YKT", id_no=f"3704051980010100{k:02d}")
                 for k in range(90)]
    small = payments("P2", [Decimal(9100 + k) for k in range(40)], prefix="S")
    found = run(tmp_path, "benford", project("P1", village=""), project("S1", village=""),
                project("P2", town="T2", village=""), *normal, *subsidies, *small)
    assert [dict(f.facets)["scope"] for f in found] == ["county"]  # only with the 40 nines in
    assert run(tmp_path, "benford", project("P1", village=""), project("S1", village=""),
               *normal, *subsidies) == []


def test_each_year_is_its_own_population(tmp_path):
    """The planted amounts of 2024 are found in 2024 (town and county), not in 2025, whose
    payments follow Benford's law."""
    def dated(code, amounts, year, payee="甲建筑公司", prefix="B"):
        start = datetime.date(year, 1, 1)
        return [pay(f"{start + datetime.timedelta(days=k)}", payee, amount, code,
                    f"{prefix}{year}-{code}-{k}") for k, amount in enumerate(amounts)]

    normal = dated("P1", benford_amounts(200), 2024) + dated("P1", benford_amounts(200), 2025)
    planted = dated("P9", [Decimal(9010 + 16 * k) for k in range(60)], 2024, "乙养护队", "R")
    found = run(tmp_path, "benford", project("P1", town="T0", village=""),
                project("P9", town="T1", village=""), *normal, *planted)
    assert sorted((dict(f.facets)["scope"], dict(f.facets)["year"]) for f in found) == [
        ("T1", "2024"), ("county", "2024")]
