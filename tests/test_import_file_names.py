"""A statement whose file name holds control characters is refused before anything is written:
the name went into the books (`source:` of every row, the archived document), git and the
terminal (an escape sequence), and a line break in it made the import fail with beancount's
`Invalid token` instead of a message naming the file."""

import shutil
import subprocess

import pytest
from click.testing import CliRunner

from fundtrail import workspace as ws
from fundtrail.cli import main

SAMPLE = __import__("pathlib").Path(__file__).parent / "samples" / "bank" / "icbc-corporate-2024Q3.csv"


def snapshot(root):
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.parts}


@pytest.mark.parametrize("name, codes", [("icbc\x1b[2J.csv", "U+001B"), ("icbc\u202egpj.csv", "U+202E"),
                                         ("icbc\nX.csv", "U+000A")])
def test_a_file_name_with_control_characters_is_refused(tmp_path, name, codes):
    ledger = ws.create(tmp_path / "ws")
    bad = tmp_path / "in" / name
    bad.parent.mkdir()
    shutil.copy(SAMPLE, bad)
    before = snapshot(ledger.parent)
    result = CliRunner().invoke(main, ["import", str(ledger), str(bad.parent)])
    assert result.exit_code != 0
    assert "文件名含有控制字符" in result.output and codes in result.output, result.output
    assert "nothing was written" in result.output and "Invalid token" not in result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert snapshot(ledger.parent) == before
    log = subprocess.run(["git", "-C", str(ledger.parent), "log", "--format=%s"], capture_output=True,
                         text=True).stdout
    assert "\x1b" not in log
