"""Dispositions: an auditor's `custom "finding"` decisions, applied on every load."""

import datetime
import json

from beancount import loader
from click.testing import CliRunner
from ruleledger import HEADER, pay, project

from fundtrail.cli import main
from fundtrail.findings import Finding, disposition_directive
from fundtrail.plugins.checks import all_findings

BOOKS = (f'plugin "fundtrail.plugins.checks" "{{\'ledger_errors_from\': \'low\'}}"\n{HEADER}{project("P1")}'
         + '2024-02-01 custom "notice" "P1" "plan"\n  until: 2024-02-15\n'
         + pay("2024-10-03", "甲公司", "1000.00", "P1", "V-1")  # National Day: holiday-payment
         + pay("2024-10-05", "乙公司", "2000.00", "P1", "V-2"))
DAY = datetime.date(2024, 12, 1)


def load(tmp_path, *decisions):
    path = tmp_path / "main.beancount"
    path.write_text(BOOKS + "".join(decisions), "utf-8")
    entries, errors, options = loader.load_file(str(path))
    return all_findings(entries, options), errors, str(path)


def ids(tmp_path):
    """The two holiday payments' findings (other rules may find more in these books)."""
    return sorted(f.id for f in load(tmp_path)[0] if f.rule == "holiday-payment")


def reported(errors):
    return [e for e in errors if isinstance(e, Finding) and e.rule == "holiday-payment"]


def test_a_false_positive_stays_listed_and_stops_failing(tmp_path):
    first, second = ids(tmp_path)
    found, errors, _ = load(tmp_path, disposition_directive(first, "false-positive", "已核实为正常加班支付", DAY))
    status = {f.id: (f.status, f.reason) for f in found if f.rule == "holiday-payment"}
    assert status == {first: ("误报", "已核实为正常加班支付"), second: ("", "")}
    assert [e.id for e in reported(errors)] == [second]


def test_under_review_still_fails_and_the_latest_decision_wins(tmp_path):
    first, second = ids(tmp_path)
    found, errors, _ = load(tmp_path, disposition_directive(first, "核实中", "待调取审批单", DAY),
                            disposition_directive(second, "under review", "待查", DAY),
                            disposition_directive(second, "已整改", "已追回", DAY + datetime.timedelta(1)))
    assert {f.id: f.status for f in found if f.rule == "holiday-payment"} == {
        first: "核实中", second: "已整改"}
    assert [e.id for e in reported(errors)] == [first]
    assert "【核实中：待调取审批单】" in reported(errors)[0].message


def test_a_disposition_of_no_finding_and_an_unknown_status_are_errors_at_their_line(tmp_path):
    first, _ = ids(tmp_path)
    lines = BOOKS.count("\n")
    _, errors, path = load(tmp_path, disposition_directive("F-0000000000", "误报", "x", DAY),
                           f'2024-12-01 custom "finding" "{first}" "closed" "x"\n')
    problems = sorted((e.source["lineno"], e.message) for e in errors if not isinstance(e, Finding))
    assert [line for line, _ in problems] == [lines + 1, lines + 2]
    assert "F-0000000000" in problems[0][1] and "'closed'" in problems[1][1]
    assert all(e.source["filename"] == path for e in errors if not isinstance(e, Finding))


def test_disposition_directive_round_trips_through_the_parser(tmp_path):
    first, _ = ids(tmp_path)
    text = disposition_directive(first, "resolved", 'he said "fixed" \\ ok', DAY)
    assert text.startswith(f'2024-12-01 custom "finding" "{first}" "已整改" ')
    found, errors, _ = load(tmp_path, text)
    assert next(f for f in found if f.id == first).reason == 'he said "fixed" \\ ok'


def test_check_cli_lists_disposed_findings_and_fail_on_ignores_them(tmp_path):
    found, _, path = load(tmp_path)
    assert CliRunner().invoke(main, ["check", path, "--fail-on", "low"]).exit_code == 1
    load(tmp_path, *(disposition_directive(f.id, "误报", "正常", DAY) for f in found))
    result = CliRunner().invoke(main, ["check", path, "--fail-on", "low", "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert {f["id"] for f in listed} == {f.id for f in found} and len(found) >= 2
    assert {(f["status"], f["reason"]) for f in listed} == {("误报", "正常")}
    text = CliRunner().invoke(main, ["check", path]).output
    assert "【误报：正常】" in text and f"已处置 {len(found)}" in text


def test_a_misspelt_setting_is_a_clear_error_not_a_traceback(tmp_path):
    path = tmp_path / "main.beancount"
    path.write_text(BOOKS.replace("{'ledger_errors_from': 'low'}", "{'split_limt': 1}"), "utf-8")
    _, errors, _ = loader.load_file(str(path))
    assert len(errors) == 1 and "未知的检查设置" in errors[0].message and "split_limt" in errors[0].message
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1 and "未知的检查设置" in result.output
    assert "Traceback" not in result.output + errors[0].message


def test_the_rules_run_once_per_load_and_again_when_the_books_change(tmp_path, monkeypatch):
    from fundtrail.plugins import checks
    runs = []
    run_rules = checks.run_rules
    monkeypatch.setattr(checks, "run_rules", lambda *a: runs.append(1) or run_rules(*a))
    found, _, _ = load(tmp_path)  # the plugin at load time, then all_findings on the result
    assert len(runs) == 1 and found
    first = sorted(f.id for f in found if f.rule == "holiday-payment")[0]
    found, _, _ = load(tmp_path, disposition_directive(first, "误报", "正常", DAY))
    assert len(runs) == 2
    assert {f.id: f.status for f in found}[first] == "误报"
