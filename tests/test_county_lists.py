"""Master data a county already has: the division list (towns and villages with their codes),
village names in rosters resolved through it, and the subsidy items with their standard and
period (duplicate-subsidy by the item's period, subsidy-above-standard)."""

from beancount import loader
from rulebook import findings, fund, registers, subsidy

from fundtrail import workspace as ws
from fundtrail.importers.errors import BadInput
from fundtrail.importers.pipeline import run_import
from fundtrail.masterdata import MasterData
from fundtrail.plugins.checks import all_findings
from fundtrail.workspace import REGISTER_HEADERS

ID_A, ID_B = "370405199303107437", "370405195002023098"
DIVISIONS = """统计用区划代码,名称
370405000000,青禾区
370405101000,张山镇
370405101201,东村
370405101202,北村
370405102000,泥河镇
370405102201,东村
370405102202,西村
"""
ROSTER_HEAD = "序号,姓名,身份证号,一卡通账号,乡镇,行政村,{code}补贴项目,发放金额(元),发放日期,批次号,发放状态\n"
ROSTER_ROWS = [  # ID_B is registered in 泥河镇 西村 but paid under 泥河镇 东村
    ("1", "林生新", ID_A, "6231000000000000001", "张山镇", "东村", "370405101201"),
    ("2", "钟丽春", ID_B, "6231000000000000002", "泥河镇", "东村", "370405102201"),
]


def roster(path, with_codes: bool) -> None:
    lines = [ROSTER_HEAD.format(code="村代码," if with_codes else "")]
    for seq, name, id_no, card, town, village, code in ROSTER_ROWS:
        cells = [seq, name, id_no, card, town, village] + ([code] if with_codes else [])
        lines.append(",".join(cells + ["到户产业奖补", "2000.00", "2024-06-20", "B2024-06", "成功"]) + "\n")
    path.write_text("".join(lines), "utf-8")


def households(path) -> None:
    rows = [dict(zip(["户编号", "户主姓名", "身份证号", "乡镇", "行政村"], r, strict=True))
            for r in (("HH1", "林生新", ID_A, "张山镇", "东村"), ("HH2", "钟丽春", ID_B, "泥河镇", "西村"))]
    header = REGISTER_HEADERS["households"]
    path.write_text("\n".join([",".join(header)] + [",".join(r.get(h, "") for h in header)
                                                     for r in rows]) + "\n", "utf-8")


def village_findings(ledger):
    entries, _, options = loader.load_file(str(ledger))
    return sorted((f.rule, f.id, f.message) for f in all_findings(entries, options)
                  if f.rule in ("id-multi-village", "ghost-beneficiary", "related-party"))


def workspace_with(tmp_path, name, with_codes, divisions=True):
    ledger = ws.create(tmp_path / name)
    inbox = tmp_path / f"{name}-in"
    inbox.mkdir()
    households(inbox / "households.csv")
    files = [inbox / "households.csv"]
    if divisions:
        (inbox / "divisions.csv").write_text(DIVISIONS, "utf-8")
        files.append(inbox / "divisions.csv")
    run_import(ledger, files)
    roster(inbox / "roster.csv", with_codes)
    summary = run_import(ledger, [inbox / "roster.csv"])
    return ledger, summary


def test_division_list_becomes_towns_and_villages_and_reimports_in_place(tmp_path):
    ledger = ws.create(tmp_path / "ws")
    path = tmp_path / "divisions.csv"
    path.write_text(DIVISIONS, "utf-8")
    first = run_import(ledger, [path]).files[0]
    assert (first.read, first.new, [r for _, r in first.skipped]) == (7, 6, ["区县本级 the county itself"])
    master = MasterData.from_entries(loader.load_file(str(ledger))[0])
    assert master.county.name == "青禾区"  # the county directive is kept
    assert {c: p.name for c, p in master.towns.items()} == {"370405101": "张山镇", "370405102": "泥河镇"}
    assert master.villages["370405102201"].town == "370405102"
    assert master.village_code("东村", "泥河镇") == "370405102201"
    assert master.village_code("东村", "370405101") == "370405101201"
    assert master.village_code("东村") == ""  # two villages of that name: the town decides
    path.write_text(DIVISIONS.replace("370405102202,西村", "370405102202,西河村"), "utf-8")
    again = run_import(ledger, [path]).files[0]
    assert (again.present, again.updated) == (5, 1)
    text = (ledger.parent / "masterdata/county.beancount").read_text("utf-8")
    assert text.count('custom "village"') == 4 and "西河村" in text and "西村" not in text

    county = ledger.parent / "masterdata/county.beancount"  # hand-written entries stay as written
    county.write_text(county.read_text("utf-8") + '\n; 手工记录\n2023-05-01 event "office" "青禾区政务中心"\n',
                      "utf-8")
    path.write_text(DIVISIONS.replace("370405101202,北村", "370405101202,北岭村"), "utf-8")
    run_import(ledger, [path])
    text = county.read_text("utf-8")
    assert '; 手工记录\n2023-05-01 event "office" "青禾区政务中心"' in text
    assert "北岭村" in text and "北村" not in text and text.count('custom "village"') == 4


def test_a_roster_by_village_name_finds_what_a_roster_with_codes_finds(tmp_path):
    by_code, _ = workspace_with(tmp_path, "codes", with_codes=True)
    by_name, summary = workspace_with(tmp_path, "names", with_codes=False)
    assert summary.files[0].warnings == []  # every name resolved within its town
    entries, _, _ = loader.load_file(str(by_name))
    villages = sorted(p.meta["village"] for e in entries if hasattr(e, "postings")
                      for p in e.postings if p.meta and "id_no" in p.meta)
    assert villages == ["370405101201", "370405102201"]
    found = village_findings(by_name)
    assert found == village_findings(by_code)
    assert [rule for rule, _, _ in found] == ["id-multi-village"]
    assert "钟丽春" in found[0][2] and "在东村领取" in found[0][2] and "登记册所在村为西村" in found[0][2]


def test_without_the_division_list_names_are_kept_and_compared(tmp_path):
    ledger, summary = workspace_with(tmp_path, "plain", with_codes=False, divisions=False)
    assert len(summary.files[0].warnings) == 1 and "东村" in summary.files[0].warnings[0]
    found = village_findings(ledger)
    assert [f[0] for f in found] == ["id-multi-village"] and "西村" in found[0][2]


ITEMS = """
2023-01-01 custom "subsidy-item" "产业奖补"
  standard: 2000.00 CNY
  period: "year"
2023-01-01 custom "subsidy-item" "护林员补贴"
  standard: 500.00 CNY
  period: "month"
"""


def test_duplicate_subsidy_judges_a_repeat_within_the_items_own_period(tmp_path):
    base = fund("C2024-056", "2024-01-05", 2_000_000) + registers(
        tmp_path, households=[("HH1", "林生新", ID_A, "张山镇", "东村", "6231000000000000001"),
                              ("HH2", "钟丽春", ID_B, "泥河镇", "西村", "6231000000000000002")])
    payments = (subsidy("2024-03-20", "1", "林生新", ID_A, "V1", item="产业奖补")
                + subsidy("2024-08-20", "2", "林生新", ID_A, "V1", item="产业奖补")  # yearly: a repeat
                + subsidy("2024-03-20", "3", "钟丽春", ID_B, "V2", 2600, item="产业奖补")  # above 2,000
                + "".join(subsidy(f"2024-{m:02d}-10", f"1{m:02d}", "钟丽春", ID_B, "V2", 500, item="护林员补贴")
                          for m in range(1, 7)))  # monthly, paid monthly: no repeat
    found = findings(base + ITEMS + payments, "duplicate-subsidy")
    assert [sorted(link for link in f.links if link.startswith("YKT")) for f in found] == [["YKT-1", "YKT-2"]]
    assert "同一年度内" in found[0].message
    default = findings(base + payments, "duplicate-subsidy")  # no item list: one quarter for all
    assert not any("YKT-2" in f.links for f in default) and len(default) == 4
    above = findings(base + ITEMS + payments, "subsidy-above-standard")
    assert [(f.amount, "YKT-3" in f.links) for f in above] == [(2600, True)]
    assert "高于补贴标准2,000.00元" in above[0].message


def test_subsidy_item_list_is_imported_as_master_data(tmp_path):
    ledger = ws.create(tmp_path / "ws")
    path = tmp_path / "items.csv"
    path.write_text("补贴项目,补贴标准(元),发放周期\n到户产业奖补,2000,每年一次\n护林员补贴,500.00,按月\n"
                    "雨露计划,1500,一次性\n", "utf-8")
    run_import(ledger, [path])
    items = MasterData.from_entries(loader.load_file(str(ledger))[0]).subsidy_items
    assert {n: (i.standard, i.period) for n, i in items.items()} == {
        "到户产业奖补": (2000, "year"), "护林员补贴": (500, "month"), "雨露计划": (1500, "once")}
    path.write_text("补贴项目,补贴标准(元),发放周期\n到户产业奖补,2000,不定期\n", "utf-8")
    try:
        run_import(ledger, [path])
    except BadInput as error:
        assert error.row == 2 and "发放周期无法识别" in str(error)
    else:
        raise AssertionError("an unknown period must be refused")
