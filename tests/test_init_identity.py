"""`fundtrail init DIR`: a county's own identity (name, six-digit division code, supervision
phone) from options, from prompts at a terminal, or from its division list; the demo county's
values only with --demo; and no folder that already holds files (init and demo commit the folder
to git: a county's personal spreadsheets lying there must never be committed)."""

import subprocess

import pytest
from beancount import loader
from click.testing import CliRunner

from fundtrail import history
from fundtrail.cli import main
from fundtrail.cli.commands import workspace as init_command
from fundtrail.importers.pipeline import run_import
from fundtrail.masterdata import MasterData

OWN = ["--county", "东山县", "--admdiv", "371122", "--phone", "0633-12317"]
DIVISIONS = "统计用区划代码,名称\n371122000000,东山县\n371122101000,张山镇\n371122101201,东村\n"


def invoke(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def county_of(root):
    entries, errors, _ = loader.load_file(str(root / "main.beancount"))
    assert errors == []
    return MasterData.from_entries(entries).county


def commits(root):
    if not (root / ".git").exists():
        return []
    return subprocess.run(["git", "-C", str(root), "log", "--format=%s"], capture_output=True, text=True,
                          check=True).stdout.splitlines()


def test_options_give_the_county_its_own_identity(tmp_path):
    result = invoke("init", tmp_path / "ws", *OWN)
    assert result.exit_code == 0, result.output
    county = county_of(tmp_path / "ws")
    assert (county.code, county.name, county.bureau, county.phone) == ("371122", "东山县", "东山县财政局",
                                                                       "0633-12317")
    main_text = (tmp_path / "ws" / "main.beancount").read_text("utf-8")
    assert "东山县" in main_text and "青禾" not in main_text
    if history.available():
        assert commits(tmp_path / "ws") == ["新建工作区 东山县 workspace created (" +
                                            history.user(tmp_path / "ws") + ")"]


def test_without_a_terminal_or_options_it_says_which_options_are_needed(tmp_path):
    result = invoke("init", tmp_path / "ws")  # CliRunner's input is no terminal
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "缺少区县信息 --county、--admdiv、--phone" in result.output, result.output
    assert "--division-list" in result.output and "--demo" in result.output
    assert not (tmp_path / "ws").exists()
    result = invoke("init", tmp_path / "ws", "--county", "东山县", "--admdiv", "371122")
    assert result.exit_code == 1 and "缺少区县信息 --phone：" in result.output


def test_prompts_ask_for_what_is_missing_and_refuse_demo_and_malformed_answers(tmp_path, monkeypatch):
    monkeypatch.setattr(init_command, "_can_ask", lambda: True)
    answers = ["青禾区", "东山县", "370405", "371100", "37112", "371122", "0632-12317", "0633-12317"]
    result = invoke("init", tmp_path / "ws", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("区县名称 County name") == 2
    assert result.output.count("行政区划代码(6位)") == 4 and result.output.count("监督电话") >= 2
    assert "青禾区 是演示区县的" in result.output and "370405 是演示区县的" in result.output
    assert "末两位不是00): '371100'" in result.output and "'37112'" in result.output
    county = county_of(tmp_path / "ws")
    assert (county.code, county.name, county.phone) == ("371122", "东山县", "0633-12317")
    # an option given is not asked for
    result = invoke("init", tmp_path / "ws2", "--county", "西山县", "--admdiv", "371123",
                    input="0633-7654321\n")
    assert result.exit_code == 0, result.output
    assert "区县名称" not in result.output and county_of(tmp_path / "ws2").phone == "0633-7654321"


@pytest.mark.parametrize("which", range(3))
def test_each_demo_value_is_refused_unless_demo_is_said(tmp_path, which):
    demo = ["青禾区", "370405", "0632-12317"]
    args = list(OWN)
    args[2 * which + 1] = demo[which]
    result = invoke("init", tmp_path / "ws", *args)
    assert result.exit_code == 1 and f"{demo[which]} 是演示区县" in result.output, result.output
    assert "--demo" in result.output and not (tmp_path / "ws").exists()
    result = invoke("init", tmp_path / "ws", *args, "--demo")
    assert result.exit_code == 0, result.output


def test_demo_alone_gives_the_demo_identity(tmp_path):
    result = invoke("init", tmp_path / "ws", "--demo")
    assert result.exit_code == 0, result.output
    county = county_of(tmp_path / "ws")
    assert (county.code, county.name, county.phone) == ("370405", "青禾区", "0632-12317")


@pytest.mark.parametrize("admdiv, phone, words", [
    ("371100", "0633-12317", "末两位不是00"), ("3711222", "0633-12317", "6位数字"),
    ("371122", "监督电话", "监督电话应为数字")])
def test_malformed_values_are_refused_naming_them(tmp_path, admdiv, phone, words):
    result = invoke("init", tmp_path / "ws", "--county", "东山县", "--admdiv", admdiv, "--phone", phone)
    assert result.exit_code == 1 and words in result.output and "Traceback" not in result.output
    assert not (tmp_path / "ws").exists()


@pytest.mark.parametrize("command", ["init", "demo"])
def test_a_folder_holding_a_personal_spreadsheet_is_refused_and_nothing_is_committed(tmp_path, command):
    folder = tmp_path / "county"
    folder.mkdir()
    roster = folder / "低保户花名册.csv"
    roster.write_text("姓名,身份证号,一卡通账号\n林生新,371122199303107437,6231000000000000001\n", "utf-8")
    args = ["init", folder, *OWN] if command == "init" else ["demo", "--dir", folder]
    result = invoke(*args)
    assert result.exit_code == 1, result.output
    assert "目录不是空的(已有 低保户花名册.csv)" in result.output and "not empty" in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["低保户花名册.csv"]  # no .git, no books
    assert roster.read_text("utf-8").startswith("姓名,身份证号")
    assert commits(folder) == []


def test_an_empty_existing_folder_is_fine(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    assert invoke("init", folder, *OWN).exit_code == 0
    if history.available():
        assert len(commits(folder)) == 1


def test_the_division_list_sets_the_county_at_init(tmp_path):
    divisions = tmp_path / "行政区划代码表.csv"
    divisions.write_text(DIVISIONS, "utf-8")
    result = invoke("init", tmp_path / "ws", "--division-list", divisions, "--phone", "0633-12317")
    assert result.exit_code == 0, result.output
    assert "区县 County: 东山县 (371122)" in result.output
    root = tmp_path / "ws"
    county = county_of(root)
    assert (county.code, county.name, county.bureau, county.phone) == ("371122", "东山县", "东山县财政局",
                                                                       "0633-12317")
    master = MasterData.from_entries(loader.load_file(str(root / "main.beancount"))[0])
    assert master.villages["371122101201"].name == "东村" and master.towns["371122101"].name == "张山镇"
    text = (root / "masterdata/county.beancount").read_text("utf-8")
    assert text.count('custom "county"') == 1 and "000000" not in text
    if history.available():
        assert len(commits(root)) == 1 and subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain"], capture_output=True, text=True).stdout == ""


def test_a_division_list_without_the_county_row_leaves_it_unset_and_says_how_to_set_it(tmp_path):
    divisions = tmp_path / "towns.csv"
    divisions.write_text(DIVISIONS.replace("371122000000,东山县\n", ""), "utf-8")
    result = invoke("init", tmp_path / "ws", "--division-list", divisions, "--phone", "0633-12317")
    assert result.exit_code == 1 and "中没有区县本级的行" in result.output, result.output
    assert "fundtrail import" in result.output and "Traceback" not in result.output
    assert county_of(tmp_path / "ws").code == "000000"
    divisions.write_text(DIVISIONS, "utf-8")  # importing the whole list later sets it
    summary = run_import(tmp_path / "ws" / "main.beancount", [divisions])
    assert summary.files[0].updated == 1
    county = county_of(tmp_path / "ws")
    assert (county.code, county.name, county.phone) == ("371122", "东山县", "0633-12317")


def test_a_division_list_of_another_county_does_not_change_an_identity(tmp_path):
    assert invoke("init", tmp_path / "ws", *OWN).exit_code == 0
    other = tmp_path / "other.csv"
    other.write_text(DIVISIONS.replace("371122", "371199").replace("东山县", "北山县"), "utf-8")
    summary = run_import(tmp_path / "ws" / "main.beancount", [other])
    assert any("北山县(371199) 不是本工作区的 东山县(371122)" in w for w in summary.files[0].warnings)
    assert county_of(tmp_path / "ws").code == "371122"


def test_a_division_list_given_with_the_county_is_imported_not_ignored(tmp_path):
    """--county and --admdiv set the county; the list given too brings its towns and villages
    (it was silently dropped), and a list that cannot be read is an error naming it."""
    divisions = tmp_path / "行政区划代码表.csv"
    divisions.write_text(DIVISIONS, "utf-8")
    result = invoke("init", tmp_path / "ws", *OWN, "--division-list", divisions)
    assert result.exit_code == 0, result.output
    master = MasterData.from_entries(loader.load_file(str(tmp_path / "ws" / "main.beancount"))[0])
    assert master.villages["371122101201"].name == "东村" and master.county.code == "371122"
    garbage = tmp_path / "notes.csv"
    garbage.write_text("a,b\n1,2\n", "utf-8")
    refused = invoke("init", tmp_path / "ws2", *OWN, "--division-list", garbage)
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert refused.output.startswith("已创建工作区") and "错误 Error: 行政区划代码表无法导入" in refused.output
    assert "工作区已建立，请改正代码表后导入: fundtrail import " in refused.output
