"""The departments' screening lists: imported in two shapes (other header names, xlsx and GBK
CSV) into the one screening register, bad rows refused with the file and row named and nothing
written, and the rules judging the clues against the household register."""

from __future__ import annotations

import datetime

import openpyxl
from beancount import loader
from click.testing import CliRunner
from conftest import snapshot

from fundtrail import workspace as ws
from fundtrail.cli import main
from fundtrail.importers.pipeline import run_import
from fundtrail.plugins.checks import RULES, typed_settings
from fundtrail.plugins.rules.context import Context
from fundtrail.registers import ScreeningRegister

POOR, WATCHED, OTHER = "370405196402083529", "370405197103195410", "37040519680309128X"
REGISTER = ("户编号,户主姓名,身份证号,乡镇,行政村,户类型,风险等级,识别日期,风险消除日期\n"
            f"HH1,邓国华,{POOR},张山镇,张山南村,脱贫户,蓝,,\n"
            f"HH2,邵明亮,{WATCHED},泥河镇,泥河后村,监测户(突发严重困难户),橙,2024-08-01,\n"
            "HH3,王芳,370405198110305061,涧东镇,涧东新村,脱贫户,蓝,,\n")


def medical_xlsx(path):
    """The 医保局's national export: its own header names, a title row, Excel serial dates."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["医疗费用个人自付情况推送表（2024年）"])
    sheet.append(["序号", "参保人姓名", "公民身份号码", "参保地", "定点医药机构名称", "结算时间", "医疗费总额",
                  "基本医疗保险统筹基金支出", "大病保险支出", "医疗救助基金支出", "个人负担总金额"])
    sheet.append([1, "邓国华", POOR, "青禾区", "青禾区人民医院", 45363, 21800, 10560, 1980, 660, 3000])
    sheet.append([2, "邓国华", POOR.lower(), "青禾区", "青禾区中医医院", 45420, 9000, 5000, 1000, 0, 2500])
    sheet.append([3, "叶生军", OTHER, "青禾区", "青禾区人民医院", 45450, 40000, 20000, 2000, 0, 18000])
    book.save(path)


def medical_csv(path):
    """A county's GBK CSV of the same settlements: other names, dates 2024/3/12, a 合计 row."""
    lines = ["医疗费用个人自付明细", "序号,姓名,身份证号码,就诊医院,出院日期,医疗总费用,个人自付金额",
             f"1,邓国华,{POOR},青禾区人民医院,2024/3/12,21800.00,\"3,000.00\"",
             f"2,邓国华,{POOR},青禾区中医医院,2024/5/8,9000.00,2500.00",
             f"3,叶生军,{OTHER},青禾区人民医院,2024/6/7,40000.00,18000.00",
             "合计,,,,,70800.00,23500.00"]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))


def test_a_medical_list_in_two_shapes_gives_the_same_register(tmp_path):
    rows = {}
    for shape, write in (("xlsx", medical_xlsx), ("csv", medical_csv)):
        ledger = ws.create(tmp_path / shape)
        source = tmp_path / f"medical.{shape}"
        write(source)
        summary = run_import(ledger, [source])
        assert summary.files[0].importer == "fundtrail.screening.medical", summary.files[0]
        text = (tmp_path / shape / "registers" / "screening.csv").read_text("utf-8")
        rows[shape] = [line.rsplit(",", 1)[0] for line in text.splitlines()]  # all but 来源
        again = run_import(ledger, [source])  # re-importing changes nothing
        assert again.files[0].new == 0 and again.files[0].present == 3
    assert rows["xlsx"] == rows["csv"]
    assert rows["csv"][1:] == [f"医疗,{POOR},邓国华,,,2024-03-12,3000.00,青禾区人民医院",
                               f"医疗,{POOR},邓国华,,,2024-05-08,2500.00,青禾区中医医院",
                               f"医疗,{OTHER},叶生军,,,2024-06-07,18000.00,青禾区人民医院"]


def test_a_bad_row_names_the_file_and_row_and_writes_nothing(tmp_path):
    ledger = ws.create(tmp_path / "ws")
    source = tmp_path / "disaster.csv"
    source.write_text("序号,户主姓名,身份证号,乡镇,行政村,灾种,受灾日期,受灾情况,直接经济损失(元)\n"
                      f"1,邵明亮,{WATCHED},泥河镇,泥河后村,洪涝,2024-07-11,房屋倒塌,18000.00\n"
                      f"2,侯长江,{POOR},泥河镇,泥河前村,洪涝,七月,房屋倒塌,35000.00\n", "utf-8")
    before = snapshot(ledger.parent)
    result = CliRunner().invoke(main, ["import", str(ledger), str(source)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "disaster.csv" in result.output and "第3行" in result.output and "受灾日期" in result.output
    assert snapshot(ledger.parent) == before


def judge(tmp_path, lists: dict[str, str], as_of="2024-12-31", **settings):
    """Import the lists (name -> CSV text) into a workspace with REGISTER as its household
    register; the findings of both screening rules."""
    ledger = ws.create(tmp_path / "ws")
    (tmp_path / "ws" / "registers" / "households.csv").write_text(REGISTER, "utf-8")
    files = []
    for name, text in lists.items():
        (tmp_path / name).write_text(text, "utf-8")
        files.append(tmp_path / name)
    run_import(ledger, files)
    entries, errors, _ = loader.load_file(str(ledger))
    ctx = Context(entries, typed_settings({"as_of": as_of, **settings}))
    return [f for rule in ("screening-not-identified", "screening-identified-late")
            for f in RULES[rule](ctx)]


MEDICAL = "序号,姓名,身份证号,就诊医院,结算日期,个人自付金额\n"


def test_medical_self_pay_adds_up_within_a_year_against_the_line_for_registered_people(tmp_path):
    lists = {"m.csv": MEDICAL + f"1,邓国华,{POOR},甲医院,2023-12-20,3000.00\n"
                                f"2,邓国华,{POOR},甲医院,2024-03-12,2600.00\n"
                                f"3,邓国华,{POOR},乙医院,2024-05-06,2400.00\n"
                                f"4,叶生军,{OTHER},甲医院,2024-06-07,19999.99\n"}
    [found] = judge(tmp_path, lists)
    assert found.rule == "screening-not-identified" and dict(found.facets) == {
        "kind": "医疗", "clue": "2024-05-06", "village": "张山南村"}
    assert "2024年医疗费用个人自付累计5,000.00元" in found.message and POOR not in found.message
    assert found.date == datetime.date(2024, 5, 21)
    assert judge(tmp_path / "b", lists, screening_medical_registered=5001) == []
    assert judge(tmp_path / "c", lists, as_of="2024-05-20") == []  # the 15 days not yet over


def test_education_by_parent_and_village_and_disaster_by_words(tmp_path):
    lists = {"e.csv": "序号,学生姓名,家长姓名,乡镇,行政村,缴费日期,个人负担金额(元)\n"
                      "1,王小明,王芳,泥河镇,泥河后村,2024-09-01,11800.00\n"   # not the 涧东新村 王芳
                      "2,邓小军,邓国华,张山镇,张山南村,2024-09-02,10000.00\n",  # at the line: not over
             "d.csv": "序号,户主姓名,身份证号,乡镇,行政村,灾种,受灾日期,受灾情况,直接经济损失(元)\n"
                      f"1,邓国华,{POOR},张山镇,张山南村,洪涝,2024-07-11,房屋严重损坏,6000.00\n"
                      f"2,邵明亮,{WATCHED},泥河镇,泥河后村,洪涝,2024-07-11,房屋一般损坏,18000.00\n"}
    found = {(f.rule, dict(f.facets)["kind"], dict(f.facets)["village"]): f for f in judge(tmp_path, lists)}
    assert set(found) == {("screening-not-identified", "教育", "泥河后村"),
                          ("screening-not-identified", "灾害", "张山南村"),
                          ("screening-identified-late", "灾害", "泥河后村")}
    assert "未在脱贫户/监测户登记册中" in found[("screening-not-identified", "教育", "泥河后村")].message
    assert "受灾情况为“严重损坏”" in found[("screening-not-identified", "灾害", "张山南村")].message
    late = found[("screening-identified-late", "灾害", "泥河后村")]
    assert "2024-08-01才识别纳入监测，相隔21天" in late.message
    assert not [f for f in judge(tmp_path / "b", lists, screening_identify_days=21)
                if f.rule == "screening-identified-late"]


def test_the_register_reader_reports_bad_rows(tmp_path):
    path = tmp_path / "screening.csv"
    path.write_text("类别,身份证号,姓名,乡镇,行政村,日期,金额,情况,来源\n"
                    f"医疗,{POOR},邓国华,,,2024-03-12,3000.00,,a.csv\n"
                    "住房,,某人,,,2024-13-01,x,,a.csv\n", "utf-8")
    register = ScreeningRegister.read(str(path))
    assert len(register.clues) == 1 and register.clues[0].amount == 3000
    assert len(register.problems) == 1 and "第2条" in register.problems[0]
    assert "类别" in register.problems[0] and "日期" in register.problems[0]


def test_a_workspace_that_names_no_screening_register_gets_the_line(tmp_path):
    ledger = ws.create(tmp_path / "ws")
    registers = tmp_path / "ws" / "masterdata" / "registers.beancount"
    registers.write_text("".join(line for line in registers.read_text("utf-8").splitlines(True)
                                 if '"screening"' not in line), "utf-8")
    (tmp_path / "ws" / "registers" / "screening.csv").unlink()
    source = tmp_path / "m.csv"
    source.write_text(MEDICAL + f"1,邓国华,{POOR},甲医院,2024-03-12,6000.00\n", "utf-8")
    run_import(ledger, [source])
    assert 'custom "register" "screening" "../registers/screening.csv"' in registers.read_text("utf-8")
    entries, errors, _ = loader.load_file(str(ledger))
    assert not errors
    ctx = Context(entries, typed_settings({"as_of": "2024-12-31"}))
    assert [f.rule for f in RULES["screening-not-identified"](ctx)] == []  # 邓国华 is in no register
    assert len(ScreeningRegister.read(str(tmp_path / "ws" / "registers" / "screening.csv")).clues) == 1


def test_an_unusable_screening_register_is_said_once(tmp_path):
    ledger = ws.create(tmp_path / "ws")
    (tmp_path / "ws" / "registers" / "screening.csv").write_bytes("类别,姓名\n医疗,某人\n".encode("gbk"))
    entries, _, _ = loader.load_file(str(ledger))
    ctx = Context(entries, typed_settings({"as_of": "2024-12-31"}))
    [found] = RULES["screening-not-identified"](ctx)
    assert found.variant == "no-register" and "screening.csv" in found.message
    assert list(RULES["screening-identified-late"](ctx)) == []


def test_a_loss_in_ten_thousand_yuan_is_written_in_yuan(tmp_path):
    ledger = ws.create(tmp_path / "ws")
    source = tmp_path / "d.csv"
    source.write_text("序号,户主姓名,身份证号,乡镇,行政村,灾种,受灾日期,受灾情况,直接经济损失(万元)\n"
                      f"1,邓国华,{POOR},张山镇,张山南村,洪涝,2024-07-10,房屋严重损坏,1.25\n", "utf-8")
    run_import(ledger, [source])
    text = (tmp_path / "ws" / "registers" / "screening.csv").read_text("utf-8")
    assert ",2024-07-10,12500.00," in text, text
