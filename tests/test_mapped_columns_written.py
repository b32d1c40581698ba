"""Nothing dropped at the door: a column an importer maps reaches the books. The wage roll's
用工单位 (and 应发工资 beside 实发工资), the purchase list's 收购单位, 品种 and 单价, the rent roll's
一卡通账号 and 租金标准 and the loan register's 户主姓名, 乡镇 and 行政村 are written into the
directives each row becomes (under either of two header spellings a county uses), the import
report lists them as mapped, and a role that is not internal sees the card and, when the policy
says so, the names masked."""

from __future__ import annotations

import json
import re

import pytest
from beancount import loader
from test_serve_guard import login, slug

from fundtrail import history
from fundtrail.importers.errors import BadInput
from fundtrail.importers.pipeline import run_import
from fundtrail.masking import PUBLIC, masked_entries, masker_for
from fundtrail.web import users
from fundtrail.web.serve import create_app, secure

PROJECT = """
2024-01-01 open Expenses:Project:QH2024-001 CNY
  name: "甲村食用菌基地项目"
  budget: 1000000.00 CNY
"""
COUNTY = """
2023-01-01 custom "town" "370405102"
  name: "泥河镇"
2023-01-01 custom "village" "370405102201"
  name: "泥河前村"
  town: "370405102"
"""
ID = "370405198001010011"
CARD = "6231000000000000027"
SOCIAL_CARD = "A01234567"  # a social security card's own number: 9 characters

# kind -> (file name, [(header, {what the ledger text must hold})]): two spellings each
ROLLS = {
    "wages": ("务工花名册.csv", [
        (f"序号,项目名称,用工单位,姓名,身份证号,所在村,务工月份,出勤天数,应发工资(元),实发工资(元)\n"
         f"1,甲村食用菌基地项目,青禾丰源农业发展有限公司,赵一,{ID},泥河前村,2024年9月,20,2100.00,2000.00\n",
         ['employer: "青禾丰源农业发展有限公司"', "amount: 2000.00 CNY", "gross: 2100.00 CNY"]),
        (f"序号,项目编号,用工主体,务工人员姓名,身份证号码,行政村,工资月份,务工天数,实发金额(元)\n"
         f"1,QH2024-001,泥河建筑安装有限公司,赵一,{ID},泥河前村,2024-09,20,2000.00\n",
         ['employer: "泥河建筑安装有限公司"']),
    ]),
    "purchases": ("订单收购台账.csv", [
        (f"序号,项目编号,收购单位,交售农户,身份证号,行政村,收购日期,品种,数量(斤),单价(元/斤),金额(元)\n"
         f"1,QH2024-001,富康电子商务有限公司,钱二,{ID},泥河前村,2024-10-26,蔬菜,2423,1.60,3876.80\n",
         ['buyer: "富康电子商务有限公司"', 'produce: "蔬菜"', "price: 1.60 CNY"]),
        (f"序号,项目名称,收购企业,售粮农户,身份证号码,所在村,交售日期,收购品种,收购数量,收购单价,收购金额\n"
         f"1,甲村食用菌基地项目,青禾五谷农产品加工专业合作社,钱二,{ID},泥河前村,2024/10/26,小麦,1000,"
         f"1.325,1325.00\n",
         ['buyer: "青禾五谷农产品加工专业合作社"', 'produce: "小麦"', "price: 1.325 CNY"]),
    ]),
    "land_rent": ("土地流转租金发放表.csv", [
        (f"序号,项目编号,流转方(承包户),身份证号,一卡通账号,流转面积(亩),租金标准(元/亩·年),应付租金(元),发放日期\n"
         f"1,QH2024-001,孙三,{ID},{CARD},22.5,800,18000.00,2024-01-20\n",
         [f'card: "{CARD}"', "standard: 800.00 CNY"]),
        (f"序号,项目名称,承包农户,公民身份号码,社保卡号,流转面积,每亩租金,租金(元),兑付日期\n"
         f"1,甲村食用菌基地项目,孙三,{ID},{SOCIAL_CARD},10,650.5,6505.00,2024-01-20\n",
         [f'card: "{SOCIAL_CARD}"', "standard: 650.50 CNY"]),
    ]),
    "loans": ("小额信贷台账.csv", [
        (f"序号,乡镇,行政村,户主姓名,借款人姓名,证件号码,贷款金额(万元),贷款期限(月),发放时间\n"
         f"1,泥河镇,泥河前村,李四,李五,{ID},5,36,2024.6.5\n",
         ['head: "李四"', 'town: "370405102"', 'village: "370405102201"']),
        (f"统计截止日期：2024-12-20\n序号,乡镇(街道),村,户主,借款人,身份证号,贷款金额(元),放款日期,到期日期\n"
         f"1,泥河镇,泥河前村,李四,李五,{ID},50000,2024-06-05,2027-06-04\n",
         ['head: "李四"', 'town: "370405102"', 'village: "370405102201"']),
    ]),
}
CASES = [(kind, n) for kind in ROLLS for n in (0, 1)]
WRITTEN = {"wages": "masterdata/benefit.beancount", "purchases": "masterdata/benefit.beancount",
           "land_rent": "masterdata/benefit.beancount", "loans": "masterdata/loans.beancount"}


@pytest.fixture
def books(workspace):
    with (workspace.parent / "masterdata/projects.beancount").open("a", encoding="utf-8") as handle:
        handle.write(PROJECT)
    with (workspace.parent / "masterdata/county.beancount").open("a", encoding="utf-8") as handle:
        handle.write(COUNTY)
    return workspace


def imported(books, tmp_path, kind, n, text=None, masking=""):
    name, spellings = ROLLS[kind]
    path = tmp_path / name
    path.write_text(text or spellings[n][0], "utf-8")
    if masking:
        with (books.parent / "main.beancount").open("a", encoding="utf-8") as handle:
            handle.write(f'\n2023-01-01 custom "masking" "policy"\n  names: "{masking}"\n')
    return run_import(books, [path], batch="T").files[0]


@pytest.mark.parametrize(("kind", "n"), CASES)
def test_each_mapped_column_reaches_the_ledger_text(books, tmp_path, kind, n):
    report = imported(books, tmp_path, kind, n)
    text = (books.parent / WRITTEN[kind]).read_text("utf-8")
    for line in ROLLS[kind][1][n][1]:
        assert f"\n  {line}\n" in text, (line, text)
    # every column mapped but 序号, which is named as ignored: its value is written nowhere
    assert report.new == 1 and report.ignored == ["序号"]
    header = ROLLS[kind][1][n][0].splitlines()[-2].split(",")
    assert {h for h, _ in report.mapped} == set(header) - {"序号"}


def test_the_same_file_again_is_present_and_a_changed_price_updates_the_row(books, tmp_path):
    """A unit price with its own decimals is written as it is, so it reads back the same."""
    imported(books, tmp_path, "purchases", 1)
    again = imported(books, tmp_path, "purchases", 1)
    assert (again.new, again.present, again.updated) == (0, 1, 0)
    changed = imported(books, tmp_path, "purchases", 1, ROLLS["purchases"][1][1][0].replace("1.325,", "1.335,"))
    assert (changed.new, changed.present, changed.updated) == (0, 0, 1)
    text = (books.parent / "masterdata/benefit.beancount").read_text("utf-8")
    assert "price: 1.335 CNY" in text and "1.325" not in text


def test_a_loan_village_the_division_list_does_not_know_is_kept_by_name_with_a_warning(books, tmp_path):
    report = imported(books, tmp_path, "loans", 0, ROLLS["loans"][1][0][0].replace("泥河前村", "泥河后村"))
    text = (books.parent / "masterdata/loans.beancount").read_text("utf-8")
    assert 'village: "泥河后村"' in text and 'town: "370405102"' in text
    assert any("泥河后村" in w and "区划代码" in w for w in report.warnings)


@pytest.mark.parametrize(("cell", "word"), [("一元六角", "无法识别"), ("-1.60", "负数")])
def test_a_price_that_is_no_price_is_refused_at_its_row_and_nothing_is_written(books, tmp_path, cell, word):
    text = ROLLS["purchases"][1][0][0].replace(",1.60,", f",{cell},")
    with pytest.raises(BadInput) as caught:
        imported(books, tmp_path, "purchases", 0, text)
    assert "订单收购台账.csv" in str(caught.value) and "第2行" in str(caught.value)
    assert "单价" in str(caught.value) and word in str(caught.value)
    assert " custom" not in (books.parent / "masterdata/benefit.beancount").read_text("utf-8")


def _masked_text(books) -> tuple[str, str]:
    entries, _, _ = loader.load_file(str(books))
    shown, _ = masked_entries(entries, masker_for(entries, PUBLIC))
    from beancount.parser import printer

    return "".join(map(printer.format_entry, entries)), "".join(map(printer.format_entry, shown))


@pytest.mark.parametrize("n", [0, 1])
def test_a_masked_view_shows_no_clear_card(books, tmp_path, n):
    imported(books, tmp_path, "land_rent", n)
    card = (CARD, SOCIAL_CARD)[n]
    clear, masked = _masked_text(books)
    assert f'card: "{card}"' in clear
    assert card not in masked and ID not in masked
    assert re.search(r'card: "\*+' + card[-4:] + '"', masked)  # masked, not dropped
    assert "standard: " in masked  # the rest as it is


def test_names_are_masked_as_the_policy_says(books, tmp_path):
    imported(books, tmp_path, "loans", 0)
    imported(books, tmp_path, "land_rent", 0)
    clear, masked = _masked_text(books)
    assert 'head: "李四"' in masked and 'person: "孙三"' in masked  # names: full (village practice)
    with (books.parent / "main.beancount").open("a", encoding="utf-8") as handle:
        handle.write('\n2023-01-01 custom "masking" "policy"\n  names: "surname"\n')
    clear, masked = _masked_text(books)
    assert 'head: "李四"' in clear and 'borrower: "李五"' in clear
    for name in ("李四", "李五", "孙三"):
        assert name not in masked
    assert 'head: "李*"' in masked and 'borrower: "李*"' in masked and 'person: "孙*"' in masked


def test_fava_for_a_reader_who_is_not_internal_shows_no_clear_card_or_name(books, tmp_path):
    """`fundtrail serve` with the auditor not internal: Fava's journal (page and API) and a query
    of the master data show the card, the ID number and (names: surname) the names masked; the
    accountant sees them as they are (the test can fail)."""
    imported(books, tmp_path, "land_rent", 1)
    imported(books, tmp_path, "loans", 0)
    main = books.parent / "main.beancount"
    main.write_text(main.read_text("utf-8").replace(
        'custom "fava-extension" "fundtrail.fava_ext"',
        'custom "fava-extension" "fundtrail.fava_ext" "{\'internal_roles\': [\'accountant\']}"')
        + '\n2023-01-01 custom "masking" "policy"\n  names: "surname"\n', "utf-8")
    history.init(books.parent, "新建 init")
    users_path = tmp_path / "users.json"
    users.add(users_path, "张会计", "accountant", "kuaiji-123")
    users.add(users_path, "李审计", "auditor", "shenji-456")
    site = secure(create_app(str(main)), main, users_path)

    def journal(who: str, password: str) -> str:
        c, _ = login(site, who, password)
        bfile, out = slug(c), ""
        for path in ("journal/", "api/journal", "download-journal/"):
            response = c.get(f"/{bfile}/{path}")
            assert response.status_code == 200, path
            body = response.get_json() if response.is_json else None  # JSON escapes Chinese: read it
            out += response.get_data(as_text=True) if body is None else json.dumps(body, ensure_ascii=False)
        return out

    inside, outside = journal("张会计", "kuaiji-123"), journal("李审计", "shenji-456")
    assert SOCIAL_CARD in inside and ID in inside and "李四" in inside
    assert SOCIAL_CARD not in outside and ID not in outside
    assert not [name for name in ("李四", "李五", "孙三") if name in outside]
    assert "****4567" in outside and "李*" in outside and "孙*" in outside  # masked, not dropped
