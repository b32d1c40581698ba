import datetime
import json
import subprocess
import sys

from beancount import loader
from click.testing import CliRunner

from fundtrail.cli import main
from fundtrail.findings import Finding


def test_help_lists_the_commands():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("init", "demo", "check", "serve"):
        assert f"  {command} " in result.output


def test_installed_console_script_runs():
    out = subprocess.run([sys.executable, "-m", "fundtrail.cli", "--help"], capture_output=True,
                         text=True, check=True).stdout
    assert "demo" in out


def test_init_makes_a_workspace_that_loads_clean(tmp_path):
    result = CliRunner().invoke(main, ["init", str(tmp_path / "ws"), "--demo"])
    assert result.exit_code == 0, result.output
    ws = tmp_path / "ws"
    for folder in ("inbox", "documents", "reports", "registers"):
        assert (ws / folder).is_dir()
    text = (ws / "main.beancount").read_text("utf-8")
    assert 'custom "fava-option" "language" "zh"' in text
    assert 'plugin "fundtrail.plugins.checks"' in text
    entries, errors, options = loader.load_file(str(ws / "main.beancount"))
    assert errors == []
    assert (ws / "registers" / "households.csv").read_text("utf-8").startswith("户编号,户主姓名,身份证号")


def test_init_refuses_to_overwrite(tmp_path):
    CliRunner().invoke(main, ["init", str(tmp_path), "--demo"])
    result = CliRunner().invoke(main, ["init", str(tmp_path), "--demo"])
    assert result.exit_code != 0
    assert "已存在" in result.output


def test_check_json_on_the_demo(demo):
    root, _ = demo
    result = CliRunner().invoke(main, ["check", str(root / "main.beancount"), "--json"])
    assert result.exit_code == 0, result.output
    findings = json.loads(result.output)
    assert findings, "the demo plants unclassified money, so there are findings"
    for finding in findings:
        assert {"id", "rule", "severity", "message", "date", "amount", "links", "filename",
                "lineno"} <= finding.keys()
        assert finding["severity"] in ("low", "medium", "high", "critical")


def test_check_fail_on_and_ledger_errors(demo, tmp_path):
    root, _ = demo
    ledger = str(root / "main.beancount")
    assert CliRunner().invoke(main, ["check", ledger, "--fail-on", "medium"]).exit_code == 1
    # The demo plants critical anomalies too; a workspace whose only finding is medium
    # (unclassified money) shows the threshold letting it pass.
    quiet = tmp_path / "quiet"
    CliRunner().invoke(main, ["init", str(quiet), "--demo"])
    with (quiet / "transactions" / "manual.beancount").open("a", encoding="utf-8") as handle:
        handle.write(f'\n{datetime.date.today()} * "某公司" "往来款"\n'
                     '  Expenses:Suspense  5.00 CNY\n  Income:Suspense  -5.00 CNY\n')
    quiet_ledger = str(quiet / "main.beancount")
    assert CliRunner().invoke(main, ["check", quiet_ledger, "--fail-on", "medium"]).exit_code == 1
    assert CliRunner().invoke(main, ["check", quiet_ledger, "--fail-on", "high"]).exit_code == 0
    broken = tmp_path / "broken.beancount"
    broken.write_text('2024-01-01 open Assets:Cash CNY\n2024-01-02 balance Assets:Cash 5.00 CNY\n')
    result = CliRunner().invoke(main, ["check", str(broken)])
    assert result.exit_code == 1
    assert "broken.beancount:2" in result.output


def test_check_missing_file_is_a_message_not_a_traceback():
    result = CliRunner().invoke(main, ["check", "/nonexistent/main.beancount"])
    assert result.exit_code != 0
    assert "找不到账簿文件" in result.output
    assert "Traceback" not in result.output


def test_demo_ledger_only_errors_are_findings(demo):
    root, _ = demo
    _, errors, _ = loader.load_file(str(root / "main.beancount"))
    assert [e for e in errors if not isinstance(e, Finding)] == []
