"""The seal plugin's memory cannot be pointed at another file: beancount lets an entry's own
metadata replace the `filename` (and `lineno`) the parser recorded, and the memory took an
entry's text from the file and line its metadata names. A sealed entry edited in the books, each
entry of its file given `filename:` pointing at an untouched copy, kept the period's fingerprint,
so `check` and Fava said nothing of the edit."""

import pytest
import small_ledger
from beancount.parser import parser
from click.testing import CliRunner

from fundtrail.cli import main

SEALED = "2024-06-30"
IMPORTED = "transactions/imported.beancount"
TAMPER = ('"禾丰合作社"', '"禾丰农业社"')


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # the memory's key


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def redirected(path, copy):
    """The file with the payee edited and every entry's metadata naming `copy`, and `copy`: the
    file as sealed, each entry on the line where the edited file has it."""
    text = path.read_text("utf-8")
    starts = sorted({e.meta["lineno"] for e in parser.parse_string(text)[0]})
    lines = text.split("\n")
    edited, original = [], []
    for number, line in enumerate(lines, 1):
        if number in starts and number != starts[0]:
            original.append("")  # keeps the copy's entry on the edited file's line
        original.append(line)
        edited.append(line.replace(*TAMPER) if number in starts else line)
        if number in starts:
            edited.append(f'  filename: "{copy}"')
    return "\n".join(edited), "\n".join(original)


def test_an_entry_naming_another_file_in_its_metadata_does_not_keep_the_seal_quiet(tmp_path):
    ledger = small_ledger.make(tmp_path / "ws")
    assert run("seal", ledger, "--through", SEALED).exit_code == 0
    assert run("check", ledger).exit_code == 0  # the memory now knows the sealed period
    path = ledger.parent / IMPORTED
    copy = tmp_path / "ws~copy.beancount"  # outside the workspace, named to sort last
    edited, original = redirected(path, copy)
    path.write_text(edited, "utf-8")
    copy.write_text(original, "utf-8")
    checked = run("check", ledger)
    assert "已封账分录被修改：" in checked.output, checked.output
    verified = run("verify", ledger)
    assert verified.exit_code == 1 and "已封账分录被修改：" in verified.output
