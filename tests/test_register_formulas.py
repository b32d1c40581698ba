"""A register written by `fundtrail import` (registers/*.csv) is guarded against spreadsheet
formulas like every other CSV (fundtrail.sheets): a name `=HYPERLINK("x")` is written after an
apostrophe, so Excel shows it as text, and every reader of the register reads back the text as
it was imported; re-importing the same file changes nothing."""

import csv
import hashlib

import pytest
from click.testing import CliRunner

from fundtrail import canonical, sheets
from fundtrail import workspace as ws
from fundtrail.cli import main
from fundtrail.registers import HouseholdRegister, read_register, read_rows
from fundtrail.workspace import REGISTER_HEADERS

ID_A, ID_B, ID_C = "370405199303107437", "370405195002023098", "370405198203249839"
LINK = '=HYPERLINK("x")'
TEXTS = {  # (户编号, 户主姓名, 身份证号, 主要致贫/返贫原因, 联系电话)
    ID_A: ("HH1", LINK, ID_A, "@SUM(1+1)*cmd|' /C calc'!A0", "+86 138 0000 0000"),
    ID_B: ("HH2", "钟丽春", ID_B, "'=已加引号", "-"),
    ID_C: ("HH3", "夏云秀", ID_C, "因病", "-12.50"),
}


def households(path) -> None:
    header = REGISTER_HEADERS["households"]
    columns = ("户编号", "户主姓名", "身份证号", "主要致贫/返贫原因", "联系电话")
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        for cells in TEXTS.values():
            row = dict(zip(columns, cells, strict=True)) | {"行政村": "东村", "户类型": "脱贫户"}
            out.writerow([row.get(h, "") for h in header])


def imported(runner, ledger, path):
    result = runner.invoke(main, ["import", str(ledger), str(path)])
    assert result.exit_code == 0, result.output
    return result


def test_a_formula_in_a_register_is_written_guarded_and_read_back_as_written(tmp_path):
    ledger = ws.create(tmp_path / "ws")
    source = tmp_path / "households.csv"
    households(source)
    runner = CliRunner()
    imported(runner, ledger, source)
    register = ledger.parent / "registers" / "households.csv"
    raw = register.read_bytes()
    with register.open(encoding="utf-8", newline="") as handle:
        cells = {row[2]: row for row in csv.reader(handle)}
    name, reason, phone = (REGISTER_HEADERS["households"].index(h) for h in ("户主姓名", "主要致贫/返贫原因",
                                                                          "联系电话"))
    # the file: no cell a spreadsheet would evaluate
    assert cells[ID_A][name] == "'" + LINK and not cells[ID_A][name].startswith("=")
    assert cells[ID_A][reason].startswith("'@") and cells[ID_A][phone].startswith("'+")
    assert cells[ID_B][reason] == "''=已加引号"  # an apostrophe of its own is kept: one more
    assert cells[ID_C][phone] == "-12.50"  # a plain number is a number, not a formula
    for row in cells.values():
        assert not any(cell.startswith(sheets.FORMULA_START) for cell in row
                       if cell not in ("-12.50",))
    # every reader: the text as imported
    rows = {row["身份证号"]: row for row in read_register(str(register))}
    assert (rows, "") == (rows, read_rows(str(register))[1])
    for id_no, (number, head, _id, why, tel) in TEXTS.items():
        assert (rows[id_no]["户编号"], rows[id_no]["户主姓名"], rows[id_no]["主要致贫/返贫原因"],
                rows[id_no]["联系电话"]) == (number, head, why, tel)
    typed = HouseholdRegister.read(str(register))
    assert typed.person(number=ID_A).name == LINK and typed.person(number=ID_B).name == "钟丽春"
    # what a seal fingerprints is the text, not its guard
    header = REGISTER_HEADERS["households"]
    texts = [header] + [[rows[id_no][h] for h in header] for id_no in TEXTS]
    assert canonical.register_rows(str(register)) == [
        (hashlib.blake2b(repr(row).encode("utf-8"), digest_size=16).hexdigest(), row[0])
        for row in texts]
    # the same file again: nothing changed, nothing rewritten
    again = imported(runner, ledger, source)
    assert "新增 new 0 + 已存在 present 3" in again.output and "(无 nothing)" in again.output
    assert register.read_bytes() == raw


@pytest.mark.parametrize("text", ["", "abc", LINK, "'=x", "''=x", "'", "'abc", "-", "-5.00", "+3",
                                  "-1+2", "@x", "\t=x", "\r=x", "'-5", "=", "370405199303107437"])
def test_the_register_guard_gives_back_every_text(text):
    written = sheets.csv_text(text)
    assert sheets.csv_unguarded(written) == text
    assert not written.startswith(sheets.FORMULA_START) or sheets._PLAIN_NUMBER.fullmatch(written)
