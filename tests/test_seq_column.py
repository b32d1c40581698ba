"""序号 in the import report: a column is "read" only when its value is written somewhere (an
entry, a master-data directive, a register), so a file's 序号 is named as ignored by
`fundtrail import` for every kind of file that writes it nowhere (statements, registers, the
fund list, income records, benefit rolls, loan registers, screening lists) and as read where it
is written: a 一卡通 roster's and a distribution roster's row link (`^YKT-<batch>-<seq>`).
Treasury vouchers (XML) have no 序号. Payment request lists, read by the gate and given no
column report, list it among their ignored columns."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLES
from test_import_collective import DISTRIBUTION_CSV, INCOME, county, write  # noqa: F401 (a fixture)
from test_mapped_columns_written import COUNTY, PROJECT, ROLLS

from fundtrail.cli import main
from fundtrail.importers import headers
from fundtrail.importers.requests import KNOWN, PAYMENT_REQUESTS_IGNORED

ID = "370405198001010011"


@pytest.fixture
def books(county):  # noqa: F811 (the fixture imported above)
    """A workspace with villages, registered assets and a project the rolls name."""
    with (county.parent / "masterdata/projects.beancount").open("a", encoding="utf-8") as handle:
        handle.write(PROJECT)
    with (county.parent / "masterdata/county.beancount").open("a", encoding="utf-8") as handle:
        handle.write(COUNTY)
    return county


def numbered(source: Path, target: Path, header_starts: str, encoding: str = "utf-8") -> Path:
    """`source` with a 序号 column put first, from its header row on (a totals row has none)."""
    lines = source.read_bytes().decode(encoding).splitlines()
    at = next(i for i, line in enumerate(lines) if line.lstrip("\ufeff").startswith(header_starts))
    rows = [line for line in lines[at + 1:] if line.strip(", ")]
    lines = lines[:at] + ["序号," + lines[at].lstrip("\ufeff")] + [
        f"{n}," + line if not line.startswith("合计") else "," + line for n, line in enumerate(rows, 1)]
    target.write_bytes("\r\n".join(lines).encode(encoding))
    return target


def said(ledger, path: Path, dry_run: bool = True) -> tuple[list[str], list[str], str]:
    """(the headers `fundtrail import` says it read, those it says it ignored, its output)."""
    result = CliRunner().invoke(main, ["import", *(["--dry-run"] if dry_run else []), str(ledger), str(path)])
    assert result.exit_code == 0, result.output
    read, ignored = [], []
    for line in result.output.splitlines():
        if line.strip().startswith("读取的列 columns read: "):
            read += [c.split("→")[0] for c in line.split(": ", 1)[1].split("、")]
        if line.strip().startswith("忽略的列(不入账) columns ignored: "):
            ignored += line.split(": ", 1)[1].split("、")
    return read, ignored, result.output


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


# kind -> a file of it with a 序号 column (written into tmp_path)
FILES = {
    "statement": lambda tmp: numbered(SAMPLES / "bank/icbc-corporate-2024Q3.csv", tmp / "icbc.csv", "日期,",
                                      "gbk"),
    "households": lambda tmp: numbered(SAMPLES / "registers/households.csv", tmp / "households.csv", "户编号,"),
    "officials": lambda tmp: numbered(SAMPLES / "registers/officials.csv", tmp / "officials.csv", "姓名,"),
    "fund list": lambda tmp: numbered(SAMPLES / "registers/fund-allocations.csv", tmp / "funds.csv", "指标文号,"),
    "income": lambda tmp: write(tmp / INCOME[0][0], INCOME[0][2], INCOME[0][3], INCOME[0][1]),
    **{kind: (lambda tmp, kind=kind: _csv(tmp / ROLLS[kind][0], ROLLS[kind][1][0][0])) for kind in ROLLS},
    "medical screening": lambda tmp: _csv(tmp / "医疗费用个人自付推送表.csv",
                                          "序号,姓名,身份证号,行政村,结算日期,个人自付金额,就诊医院\n"
                                          f"1,赵一,{ID},泥河前村,2024-09-01,1200.00,青禾区人民医院\n"),
}


@pytest.mark.parametrize("kind", FILES)
def test_a_seq_column_written_nowhere_is_named_as_ignored(books, tmp_path, kind):
    read, ignored, output = said(books, FILES[kind](tmp_path))
    assert "序号" in ignored and "序号" not in read, output
    assert read  # the file's other columns are read


@pytest.mark.parametrize(("path", "link"), [
    (SAMPLES / "rosters/yikatong-roster-2024Q3.xlsx", "^YKT-QH2024Q3-01-001"),
    (None, "^YKT-FP202501-101201-001"),  # a distribution roster
])
def test_a_seq_column_written_in_the_row_link_is_read(books, tmp_path, path, link):
    path = path or write(tmp_path / "分配.csv", DISTRIBUTION_CSV)
    read, ignored, output = said(books, path, dry_run=False)
    assert "序号" in read and "序号" not in ignored, output
    written = "".join(p.read_text("utf-8") for p in books.parent.rglob("*.beancount"))
    assert link in written


def test_only_the_specifications_that_write_it_have_a_seq_field():
    have = {name for name, spec in vars(headers).items() if isinstance(spec, headers.Spec) and "seq" in spec}
    assert have == {"ROSTER", "DISTRIBUTIONS"}
    assert "序号" in PAYMENT_REQUESTS_IGNORED and "序号" in KNOWN  # a request list may hold it
