"""The report and export commands: files written where asked, clear errors for bad input."""

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from fundtrail.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_report_and_export_commands_write_their_files(demo, demo_books, tmp_path):
    ledger = demo[0] / "main.beancount"
    code = sorted(demo_books.master.villages)[0]
    name = demo_books.master.villages[code].name
    assert run("report", "village", ledger, "--quarter", "2024Q3", "--village", code, "--poster",
               "--out", tmp_path).exit_code == 0
    assert run("report", "audit", ledger, "--period", "2024Q4", "--out", tmp_path).exit_code == 0
    assert run("export", "xlsx", ledger, "--year", "2025", "--out", tmp_path / "f.xlsx").exit_code == 0
    assert run("export", "ofdp", ledger, "--year", "2025", "--out", tmp_path / "ofdp").exit_code == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert f"2024Q3-{code}-{name}-A3.pdf" in names
    assert "2024Q4-audit.pdf" in names and "f.xlsx" in names
    assert all((tmp_path / n).read_bytes()[:4] == b"%PDF" for n in names if n.endswith(".pdf"))
    assert not [n for n in names if n.endswith(".part")]
    package = json.loads((tmp_path / "ofdp" / "datapackage.json").read_text("utf-8"))
    assert set(package["model"]["dimensions"]) >= {
        "functional-classification", "economic-classification", "administrative-classification",
        "project", "village"}
    header = (tmp_path / "ofdp" / "payments.csv").read_text("utf-8").splitlines()[0].split(",")
    assert [f["name"] for f in package["resources"][0]["schema"]["fields"]] == header


def test_bad_input_gets_a_bilingual_message(demo, tmp_path):
    ledger = demo[0] / "main.beancount"
    result = run("report", "village", ledger, "--quarter", "2024-3", "--all", "--out", tmp_path)
    assert result.exit_code == 2 and "季度格式" in result.output and "quarter must look like" in result.output
    result = run("report", "village", ledger, "--quarter", "2024Q3", "--village", "999", "--out", tmp_path)
    assert result.exit_code == 2 and "没有该行政村" in result.output and "no such village" in result.output
    result = run("report", "village", ledger, "--quarter", "2024Q3", "--out", tmp_path)
    assert result.exit_code == 2 and "--all" in result.output
    result = run("report", "audit", tmp_path / "missing.beancount", "--period", "2024")
    assert result.exit_code == 1 and "找不到账簿文件" in result.output
    result = run("report", "audit", ledger, "--period", "24Q9")
    assert result.exit_code == 2 and "period must look like" in result.output
    assert not list(tmp_path.iterdir())


def test_reports_go_to_the_workspace_reports_folder_by_default(demo, tmp_path, monkeypatch):
    """Without --out every report and export lands in reports/ next to the ledger, wherever the
    command runs (from the repository root `reports` is the source package)."""
    ws = tmp_path / "ws"
    shutil.copytree(demo[0], ws, ignore=shutil.ignore_patterns("documents", "reports", ".git",
                                                               "*.picklecache"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    ledger = Path("..", "ws", "main.beancount")
    for args in (("report", "county", ledger, "--year", "2024"),
                 ("export", "xlsx", ledger, "--year", "2024"),
                 ("export", "ofdp", ledger, "--year", "2024")):
        result = run(*args)
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (ws / "reports").iterdir()) == [
        "2024-county-disclosure.pdf", "fundtrail-2024.xlsx", "ofdp-2024"]
    assert (ws / "reports" / "2024-county-disclosure.pdf").read_bytes()[:4] == b"%PDF"
    assert "written: ../ws/reports/2024-county-disclosure.pdf" in run(
        "report", "county", ledger, "--year", "2024").output
    assert list(elsewhere.iterdir()) == []
    assert "reports/ next to the ledger" in " ".join(run("report", "audit", "--help").output.split())
