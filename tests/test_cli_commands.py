"""The `fundtrail` group imports a subcommand's module only when that subcommand runs: `check`
does not pay for the importers, the reports, the web layer or spreadsheets."""

import os
import subprocess
import sys

from click.testing import CliRunner

from fundtrail.cli import COMMANDS, main

HEAVY = ("openpyxl", "weasyprint", "fava", "flask", "fundtrail.importers", "fundtrail.reports", "fundtrail.web")


def test_every_command_is_found_under_its_name_and_listed_in_the_help():
    for name in COMMANDS:
        assert main.get_command(None, name).name == name
    listed = CliRunner().invoke(main, ["--help"]).output
    assert all(f"  {name} " in listed for name in COMMANDS)
    result = CliRunner().invoke(main, ["chek"])
    assert result.exit_code == 2 and "没有这个命令" in result.output


def test_check_imports_no_other_commands_modules(demo, tmp_path):
    ledger = demo[0] / "main.beancount"
    code = ("import sys\nfrom fundtrail.cli import main\n"
            "try:\n    main(['check', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in sys.modules if m.startswith({HEAVY!r})))")
    result = subprocess.run([sys.executable, "-c", code, str(ledger)], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")})
    assert "疑点 findings" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"
