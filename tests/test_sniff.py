"""The head of a file: cut after its last whole line in every encoding, UTF-16 by its two-byte
units (a cut that falls inside a character or a line, a byte 0x0A inside a character), and a
large UTF-16 statement without a BOM recognised from its head."""

import datetime
import os

import openpyxl
import pytest

from fundtrail.importers import registry, sniff
from fundtrail.importers.errors import BadInput
from fundtrail.importers.suggest import sample

LINES = "户名:测试专户\n账号:1605 0012 0920 0077 777\n日期,摘要,金额\n2024-03-01,拨付,1.00\n"
# The last line is cut off. In UTF-16-LE "ਊ一" is 0A 0A 00 4E: the bytes of "\n" (0A 00) at an odd
# offset, across two characters; in UTF-16-BE "一ਊ" (4E 00 0A 0A) likewise holds 00 0A.
PARTIAL = "2024-03-02,一ਊ一ਊ一补助"


@pytest.mark.parametrize("encoding, bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
                                           ("utf-16-le", b""), ("utf-16-be", b"")])
@pytest.mark.parametrize("cut", [0, 1, 3])  # bytes lost off the end: 1 and 3 fall inside a character
def test_a_utf16_head_is_cut_after_its_last_whole_line(encoding, bom, cut):
    raw = bom + (LINES + PARTIAL).encode(encoding)
    head = raw[:len(raw) - cut]
    lines = sniff.whole_lines(head)
    assert lines == bom + LINES.encode(encoding)
    assert sniff.decode("head.csv", lines)[0].lstrip("\ufeff") == LINES


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_byte_encoded_head_is_cut_after_its_last_line_break(encoding):
    head = (LINES + PARTIAL).encode(encoding)
    assert sniff.whole_lines(head) == LINES.encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16"])
def test_a_head_without_a_line_break_has_no_whole_line(encoding):
    assert sniff.whole_lines(PARTIAL.encode(encoding)) is None


def statement(path, encoding: str, memo: str) -> int:
    """A statement larger than the sniffed head, so that the head ends inside a row; its rows."""
    lines = ["中国工商银行对公账户明细\n户名:测试专户\n账号:1605 0012 0920 0077 777\n",
             "日期,凭证号,对方户名,对方账号,摘要,借方发生额,贷方发生额,余额\n"]
    day, rows = datetime.date(2024, 3, 1), 3000
    for row in range(rows):
        lines.append(f"{day},{row:07d},甲公司,--,转账 {memo},,1.00,{row + 1}.00\n")
    path.write_bytes("".join(lines).encode(encoding))
    assert path.stat().st_size > sniff.SNIFF_BYTES
    return rows


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
@pytest.mark.parametrize("memo", ["备注" * 9 + "款", "一ਊ一" * 7])  # the second holds 0A 00 / 00 0A
def test_a_large_utf16_statement_is_known_by_its_head(tmp_path, encoding, memo):
    path = tmp_path / "工行对账单.csv"
    rows = statement(path, encoding, memo)
    raw = path.read_bytes()
    assert raw[sniff.SNIFF_BYTES - 2:sniff.SNIFF_BYTES] != "\n".encode(encoding)[-2:]  # cut mid-line
    chosen = registry.pick(path, registry.importers())
    assert chosen.name == "fundtrail.statement.icbc-corporate"
    sampled, found, delimiter = sample(path)
    assert (found, delimiter) == (encoding, ",")
    assert 4 + 100 < len(sampled) < 4 + rows  # the head only, every row of it whole
    assert all(len(cells) == 8 for _, cells in sampled[3:])


def _workbook_of(path, *titles):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title in titles:
        book.create_sheet(title).append(["序号", title])
    book.save(path)
    return path


def test_a_workbooks_sheet_names_are_read_from_its_first_opening(tmp_path, monkeypatch):
    """An import asks for a workbook's sheet names when it scores the file and again when it
    reads it: the workbook is opened once per version of the file, the names kept from the
    opening that read its head; a rewritten file is another version."""
    opened = []
    real = sniff._workbook
    monkeypatch.setattr(sniff, "_workbook", lambda path: opened.append(path) or real(path))
    path = _workbook_of(tmp_path / "roster.xlsx", "涧东镇", "张山镇")
    assert sniff.excel_rows(path, limit=5) == [(1, ["序号", "涧东镇"])]  # the sniffer's head
    assert sniff.sheet_names(path) == sniff.sheet_names(path) == ["涧东镇", "张山镇"]
    assert len(opened) == 1
    other = _workbook_of(tmp_path / "other.xlsx", "说明")
    assert sniff.sheet_names(other) == sniff.sheet_names(other) == ["说明"] and len(opened) == 2
    _workbook_of(path, "涧东镇", "张山镇", "泥河镇")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert sniff.sheet_names(path) == ["涧东镇", "张山镇", "泥河镇"] and len(opened) == 3
    with pytest.raises(BadInput, match="Excel文件无法打开"):  # a file gone: said, no traceback
        sniff.sheet_names(tmp_path / "gone.xlsx")


def test_within_a_run_a_workbook_is_opened_once_and_closed_after(tmp_path, monkeypatch):
    """Within `workbooks()` (an import run) every head, sheet and sheet-name read of a workbook
    shares one opening, closed when the run ends; outside it each read opens its own."""
    opened = []
    real = sniff._workbook
    monkeypatch.setattr(sniff, "_workbook", lambda path: opened.append(real(path)) or opened[-1])
    path = _workbook_of(tmp_path / "roster.xlsx", "涧东镇", "张山镇")
    with sniff.workbooks():
        assert sniff.excel_rows(path, limit=5) == [(1, ["序号", "涧东镇"])]
        assert sniff.sheet_names(path) == ["涧东镇", "张山镇"]
        assert [rows for _, rows in sniff.excel_rows(path, "张山镇")] == [["序号", "张山镇"]]
        with sniff.workbooks():  # an inner run shares the outer one's
            assert sniff.excel_rows(path) == [(1, ["序号", "涧东镇"])]
        assert len(opened) == 1 and opened[0]._archive.fp is not None
    assert opened[0]._archive.fp is None  # closed with the run
    sniff.excel_rows(path, "张山镇")
    sniff.excel_rows(path, "张山镇")
    assert len(opened) == 3 and all(book._archive.fp is None for book in opened)
