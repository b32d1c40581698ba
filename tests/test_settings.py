"""The checks' settings (typed once, a bad value one error), each rule isolated, and one
definition of a ledger error shared by bean-check, `fundtrail check` and the province export."""

import datetime
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.parser import printer
from chinese_only import english
from click.testing import CliRunner
from conftest import copy_workspace

from fundtrail import loading
from fundtrail.books import Books
from fundtrail.cli import main
from fundtrail.findings import Finding, disposition_directive, is_ledger_error
from fundtrail.plugins import checks
from fundtrail.province.export import LedgerNotClean, export_county, ledger_errors

PLUGIN = 'plugin "fundtrail.plugins.checks"\n'
DOCS = Path(__file__).resolve().parents[1] / "docs" / "checks.md"


def county(demo, tmp_path, config: str = "", *appended: str) -> Path:
    """A copy of the demo county whose checks plugin line carries `config`, with `appended`
    lines at the end of its main file."""
    root = tmp_path / "county"
    copy_workspace(demo[0], root)
    main_file = root / "main.beancount"
    line = f'plugin "fundtrail.plugins.checks" "{config}"\n' if config else PLUGIN
    text = main_file.read_text("utf-8")
    assert PLUGIN in text
    main_file.write_text(text.replace(PLUGIN, line) + "".join(appended), "utf-8")
    return main_file


def load(main_file: Path):
    """(the findings every view lists, the load's errors), the rules really run."""
    checks.forget()
    entries, errors, options = loading.load(main_file, trust_caches=False)
    return checks.all_findings(entries, options), errors


def facts(found) -> set:
    return {(f.id, f.rule, f.severity, f.amount, f.date, f.links, f.status) for f in found}


@pytest.fixture(scope="module")
def baseline(demo, tmp_path_factory):
    """The demo's findings with every setting at its default."""
    found, errors = load(county(demo, tmp_path_factory.mktemp("baseline")))
    assert errors == [] and len({f.rule for f in found}) >= 30  # most rules have a finding
    return found


@pytest.mark.parametrize("config, setting, rule", [
    ("{'split_limit': 'abc'}", "split_limit", "split-payment"),
    ("{'duplicate_window_days': -5}", "duplicate_window_days", "duplicate-payment"),
    ("{'severity': {'holiday-payment': 'urgent'}}", "severity", "holiday-payment"),
])
def test_a_bad_value_is_one_chinese_error_and_every_rule_still_reports(
        demo, tmp_path, baseline, config, setting, rule):
    main_file = county(demo, tmp_path, config)
    found, errors = load(main_file)
    assert len(errors) == 1 and isinstance(errors[0], checks.ConfigError)
    plugin_line = next(n for n, line in enumerate(main_file.read_text("utf-8").splitlines(), 1)
                       if line.startswith('plugin "fundtrail.plugins.checks" '))
    assert errors[0].source == {"filename": str(main_file), "lineno": plugin_line}
    message = errors[0].message
    assert message.startswith(f"检查设置 {setting}（") and "无效：" in message and "应为" in message
    assert "本次按默认值" in message and "Traceback" not in message and not english(message)
    # the rule reading the bad setting ran with its default, every other rule as before
    assert any(f.rule == rule for f in found)
    assert facts(found) == facts(baseline)


def test_the_settings_that_fit_still_apply_next_to_a_bad_one(demo, tmp_path, baseline):
    found, errors = load(county(demo, tmp_path, "{'split_limit': 'abc', 'ledger_errors_from': 'critical'}"))
    critical = {f.id for f in baseline if f.severity == "critical"}
    assert critical and {e.id for e in errors if isinstance(e, Finding)} == critical
    assert [e.message.split("（")[0] for e in errors if isinstance(e, checks.ConfigError)] \
        == ["检查设置 split_limit"]
    assert facts(found) == facts(baseline)


def test_a_misspelt_name_is_ignored_with_the_closest_name():
    settings, problems = checks.read_settings("{'split_limt': 300000, 'split_window_days': 10}")
    assert settings["split_window_days"] == 10 and settings["split_limit"] == Decimal(400000)
    assert problems == ["未知的检查设置 'split_limt'，已忽略，是否应为 split_limit（须招标或审批的金额限额（元））？"]
    settings, problems = checks.read_settings("[1, 2]")
    assert problems == ["检查设置应为字典（如 {'split_limit': 300000}），实际为 [1, 2]；本次全部按默认值检查"]
    assert settings == checks.DEFAULTS


def test_values_are_typed_once_as_the_rules_read_them():
    settings = checks.typed_settings({
        "split_limit": "300000.50", "loan_max_amount": 30_000, "advance_share": 0.3,
        "duplicate_window_days": 15.0, "as_of": "2024-12-31", "idle_bands": [3, 1],
        "cash_keywords": ["现金"], "negative_eco_codes": {50201: 1}, "negative_keywords": {"2": ["车"]},
        "criteria": {"split-payment": ["本县办法第三条"]}})
    assert settings["split_limit"] == Decimal("300000.50") and type(settings["split_limit"]) is Decimal
    assert settings["loan_max_amount"] == Decimal(30000) and settings["advance_share"] == Decimal("0.3")
    assert settings["duplicate_window_days"] == 15 and type(settings["duplicate_window_days"]) is int
    assert settings["as_of"] == datetime.date(2024, 12, 31) and settings["idle_bands"] == (1, 3)
    assert settings["cash_keywords"] == ("现金",) and settings["negative_eco_codes"] == {"50201": "1"}
    assert settings["negative_keywords"] == {"2": ("车",)}
    assert settings["criteria"] == {"split-payment": ("本县办法第三条",)}
    assert checks.typed_settings({"progress_levels": ["中央", "省", "区级"]})["progress_levels"] == (
        "中央", "省级", "县级")  # the spellings the fund list reads, as the funds' levels are kept
    assert checks.DEFAULTS["split_limit"] == Decimal(400000) and checks.DEFAULTS["as_of"] is None


@pytest.mark.parametrize("given", [
    {"split_limit": True}, {"split_limit": "NaN"}, {"duplicate_window_days": 1.5},
    {"cash_keywords": "现金"}, {"advance_share": 1.5}, {"idle_bands": ()}, {"as_of": "2024-13-01"},
    {"subsidy_period": "week"}, {"benford_min_records": 0}, {"severity": {"no-such-rule": "low"}},
    {"criteria": {"split-payment": 3}}, {"ledger_errors_from": "urgent"},
    {"progress_levels": ["中央", "乡级"]},
])
def test_a_value_that_does_not_fit_names_the_setting_and_what_is_expected(given):
    (name, value), = given.items()
    settings, problems = checks.read_settings(repr(given))
    assert settings[name] == checks.DEFAULTS[name] and len(problems) == 1
    assert problems[0].startswith(f"检查设置 {name}（") and f"的值 {value!r} 无效" in problems[0]
    assert not english(problems[0]), problems[0]
    with pytest.raises(ValueError, match=name):
        checks.typed_settings(given)


def test_a_rule_that_raises_is_one_error_naming_it_and_the_others_still_report(
        demo, tmp_path, baseline, monkeypatch):
    split = next(f for f in baseline if f.rule == "split-payment")

    def broken(ctx):
        yield from checks.RULES["duplicate-payment"](ctx)  # findings before the failure are dropped
        raise KeyError("张三")

    monkeypatch.setitem(checks.RULES, "split-payment", broken)
    decided = disposition_directive(split.id, "核实中", "已调取合同", datetime.date(2025, 1, 10))
    main_file = county(demo, tmp_path, "", decided)
    found, errors = load(main_file)
    assert len(errors) == 1 and isinstance(errors[0], checks.RuleError)
    plugin_line = main_file.read_text("utf-8").splitlines().index(PLUGIN.strip()) + 1
    assert errors[0].source == {"filename": str(main_file), "lineno": plugin_line}  # Fava links it
    message = errors[0].message
    assert message.startswith("检查规则「拆分支付规避审批」运行出错（程序异常 KeyError，位于 test_settings.py:")
    assert "split-payment" not in message and not english(message)  # the id is the error's field
    assert (errors[0].rule, errors[0].fault.split(" at ")[0]) == ("split-payment", "KeyError")
    assert "张三" not in message  # the exception's text may quote a person
    # the disposition of the failed rule's finding is no error: its finding is only missing
    assert facts(found) == facts(f for f in baseline if f.rule != "split-payment")


def exit_codes(main_file: Path) -> tuple[int, int, list[str], str]:
    """(bean-check's exit status, fundtrail check's, bean-check's errors as check names their
    files (inside the workspace), check's stderr)."""
    from fundtrail.cli.commands.common import shown_error

    bean_check = Path(sys.executable).with_name("bean-check")
    done = subprocess.run([str(bean_check), str(main_file)], capture_output=True, text=True)
    checks.forget()
    result = CliRunner().invoke(main, ["check", str(main_file)])
    _, errors, _ = loading.load(main_file)
    return done.returncode, result.exit_code, [printer.format_error(shown_error(e)) for e in errors], \
        result.stderr


def test_check_and_bean_check_agree_on_ledger_errors_from(demo, tmp_path, baseline):
    main_file = county(demo, tmp_path, "{'split_limit': 300000, 'ledger_errors_from': 'critical'}")
    bean, ours, errors, stderr = exit_codes(main_file)
    assert (bean, ours) == (1, 1)
    assert len(errors) == sum(f.severity == "critical" for f in baseline) > 0
    assert all(error in stderr for error in errors) and f"账簿错误 ledger errors: {len(errors)}" in stderr
    # closing the critical findings closes the errors, for both
    closed = [disposition_directive(f.id, "误报", "已核实", datetime.date(2025, 1, 10))
              for f in baseline if f.severity == "critical"]
    bean, ours, errors, _ = exit_codes(county(demo, tmp_path / "closed", "{'ledger_errors_from': 'critical'}",
                                              *closed))
    assert (bean, ours, errors) == (0, 0, [])


def test_check_bean_check_and_the_export_agree_on_a_malformed_disposition(demo, tmp_path):
    main_file = county(demo, tmp_path, "", '2025-01-10 custom "finding" "F-0000000000" "误报" "无此疑点"\n')
    bean, ours, errors, stderr = exit_codes(main_file)
    assert (bean, ours) == (1, 1) and len(errors) == 1 and errors[0] in stderr
    assert "处置指向不存在的疑点" in errors[0]
    books = Books.load(str(main_file))
    assert [e for e in books.errors if is_ledger_error(e)] and len(ledger_errors(books)) == 1
    with pytest.raises(LedgerNotClean, match="处置指向不存在的疑点"):
        export_county(main_file, tmp_path / "out", b"k" * 32)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_the_export_refuses_what_bean_check_fails_on_and_takes_what_it_passes(demo, tmp_path):
    raised = Books.load(str(county(demo, tmp_path / "raised", "{'ledger_errors_from': 'critical'}")))
    assert raised.errors and all(is_ledger_error(e) for e in raised.errors)
    assert ledger_errors(raised)
    clean = Books.load(str(county(demo, tmp_path / "clean")))
    assert clean.errors == [] and ledger_errors(clean) == []


def test_the_docs_list_every_setting_as_declared():
    text = DOCS.read_text("utf-8")
    assert checks.settings_table() in text, (
        "docs/checks.md's settings table is out of step with the declarations; put this table "
        "in its place:\n" + checks.settings_table())


def test_a_bool_setting_takes_true_or_false_only():
    from fundtrail.plugins.settings import BOOL, Setting

    setting = Setting("strict", BOOL, False, "严格模式")
    assert setting.default_value() is False and setting.value(True) is True
    for given in ("yes", 1, None):
        with pytest.raises(ValueError, match="True 或 False"):
            setting.value(given)
