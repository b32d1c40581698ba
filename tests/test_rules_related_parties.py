"""related-party on a small ledger: matched by ID, by account and by name within the village."""

from rulebook import findings, fund, pay, project, registers, subsidy

CADRE, RELATIVE, OTHER = "370405196405224673", "370405198202106449", "370405199303107437"


def ledger(tmp_path):
    return fund("C2024-056", "2024-03-11", 2_000_000) + registers(
        tmp_path,
        households=[("HH00041", "贺勇杰", RELATIVE, "邳北镇", "西村", "6231000000000000041"),
                    ("HH00001", "林生新", OTHER, "运河街道", "东村", "6231000000000000001")],
        officials=[("闫荣娜", CADRE, "东村", "驻村第一书记", "贺勇杰", RELATIVE, "女婿")],
    ) + (
        subsidy("2024-06-20", "1", "闫荣娜", CADRE, "V1")  # the cadre, by ID
        + subsidy("2024-06-20", "2", "贺勇杰", "370405198202100000", "V2",
                  card="6231000000000000041")  # the relative's card under another ID
        + subsidy("2024-06-20", "3", "林生新", OTHER, "V1")  # an ordinary household
        + project("QH2024-030", "C2024-056", 500_000, "2024-03-20", "2024-04-01", "2024-12-01",
                  village="V1")
        + pay("2024-05-01", "ICBC-1", "QH2024-030", "C2024-056", 20_000, payee="贺勇杰",
              narration="东村道路硬化项目劳务费")  # the relative's name in the cadre's village
        + project("QH2024-031", "C2024-056", 500_000, "2024-03-20", "2024-04-01", "2024-12-01",
                  village="V2")
        + pay("2024-05-02", "ICBC-2", "QH2024-031", "C2024-056", 20_000, payee="闫荣娜",
              narration="西村道路硬化项目劳务费")  # the cadre's name, but in another village
    )


def test_related_party(tmp_path):
    found = {next(k for k in f.links if not k.startswith("QH")): f
             for f in findings(ledger(tmp_path), "related-party")}
    assert sorted(found) == ["ICBC-1", "YKT-1", "YKT-2"]
    assert "驻村第一书记闫荣娜" in found["YKT-1"].message
    assert "女婿" in found["YKT-2"].message and "女婿" in found["ICBC-1"].message
    assert CADRE not in "".join(f.message for f in found.values())


def test_a_card_matches_however_it_is_spaced_or_typed(tmp_path):
    """The register keeps the relative's card as the township typed it (hyphens, full-width
    digits); the roster writes it plain: one number, compared as `idno.account_no` reads it."""
    text = ledger(tmp_path)
    households = tmp_path / "households.csv"
    households.write_text(households.read_text("utf-8").replace(
        "6231000000000000041", "6231-0000-0000-0000-０４１"), "utf-8")
    found = findings(text, "related-party")
    assert any("YKT-2" in f.links and "女婿" in f.message for f in found)


def test_silent_without_officials_register():
    assert findings(fund("C2024-056", "2024-03-11") + subsidy(
        "2024-06-20", "1", "闫荣娜", CADRE, "V1").replace("QH2024-S01", "QH2024-S02") + project(
        "QH2024-S02", "C2024-056", 1000, "2024-03-01", "2024-03-02", "2024-12-31"),
        "related-party") == []
