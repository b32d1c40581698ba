"""A large file of garbage is refused from its head, before any importer reads it whole; a large
statement with a real header still imports (GBK and UTF-16 alike)."""

import datetime
import random

import pytest
from click.testing import CliRunner
from conftest import snapshot

from fundtrail.cli import main
from fundtrail.importers import sniff
from fundtrail.importers.errors import BadInput
from fundtrail.importers.pipeline import run_import

HEAD = "中国工商银行对公账户明细\n户名:测试专户\n账号:1605 0012 0920 0077 777\n起止日期:2024-03-01至2024-03-31\n"
COLUMNS = "日期,凭证号,对方户名,对方账号,摘要,借方发生额,贷方发生额,余额\n"


def garbage(path, size: int, line_break: bool = True) -> None:
    rng = random.Random(7)
    alphabet = "abcdefghij0123456789,;\"金额日期"
    with path.open("w", encoding="utf-8") as out:
        while out.tell() < size:
            out.write("".join(rng.choice(alphabet) for _ in range(120)) + ("\n" if line_break else ""))


@pytest.fixture
def decoded(monkeypatch):
    """The size of every file the importers decode whole."""
    sizes, real = [], sniff.decode
    monkeypatch.setattr(sniff, "decode", lambda path, raw, hint=None: sizes.append(len(raw)) or real(path, raw, hint))
    return sizes


@pytest.mark.parametrize("line_break", [True, False])
def test_garbage_is_refused_from_its_head(workspace, tmp_path, decoded, line_break):
    path = tmp_path / "对账单.csv"
    garbage(path, 5 * 2**20, line_break)
    before = snapshot(workspace.parent)
    result = CliRunner().invoke(main, ["import", str(workspace), str(path)])
    assert result.exit_code == 1 and "对账单.csv" in result.output
    assert ("表头" if line_break else "没有换行") in result.output and "nothing was written" in result.output
    assert "Traceback" not in result.output
    assert max(decoded, default=0) <= sniff.SNIFF_BYTES  # never read whole
    assert snapshot(workspace.parent) == before


def test_a_file_over_the_limit_is_not_read(workspace, tmp_path, monkeypatch):
    monkeypatch.setattr(sniff, "MAX_BYTES", 1024 * 1024)
    path = tmp_path / "big.csv"
    garbage(path, 2 * 2**20)
    with pytest.raises(BadInput, match="文件过大"):
        run_import(workspace, [path])


@pytest.mark.parametrize("encoding", ["gbk", "utf-16"])
def test_a_large_real_statement_still_imports(workspace, tmp_path, encoding):
    lines, day = [HEAD, COLUMNS], datetime.date(2024, 3, 1)
    rows = 4000  # about 300 KB in GBK, twice that in UTF-16: past the sniffed head
    for row in range(rows):
        lines.append(f"{day},{row:07d},甲公司,--,转账 款项 {'备注' * 10},,1.00,{row + 1}.00\n")
    path = tmp_path / "工行对账单.csv"
    path.write_bytes("".join(lines + ["合计,,,,,,,\n"]).encode(encoding))
    assert path.stat().st_size > sniff.SNIFF_BYTES
    summary = run_import(workspace, [path])
    assert summary.transactions == rows


@pytest.mark.parametrize("declared", ["NOPE-99", "rot13", "base64"])
def test_an_xml_declaring_an_unknown_encoding_is_read_or_refused_never_a_lookup_error(tmp_path, declared):
    """The declared encoding was passed to bytes.decode: an unknown or non-text codec raised
    LookupError, an internal error (exit 70) in import and gate, a 500 on the 付款审核 page."""
    from fundtrail.importers.vouchers import parse_xml

    path = tmp_path / "v.xml"
    path.write_bytes(f'<?xml version="1.0" encoding="{declared}"?><Voucher><VoucherNo>1</VoucherNo>'
                     '</Voucher>'.encode())
    assert parse_xml(path).findtext("VoucherNo") == "1"
