"""`python -m fundtrail.cli` run inside a workspace imports nothing from it: Python puts the
working directory first on the import path, so a click.py planted beside main.beancount ran
before any fundtrail code."""

import subprocess
import sys


def test_python_m_in_a_workspace_takes_no_module_from_it(tmp_path):
    marker = tmp_path / "marker"
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "click.py").write_text(
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n", "utf-8")
    result = subprocess.run([sys.executable, "-m", "fundtrail.cli", "--version"], cwd=workspace,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert not marker.exists()
