"""A cheap look at a large file before any importer reads it whole.

Every importer's `score` reads the file it is shown in full (decoding, splitting into rows), so
a 50 MB file of garbage used to cost half a minute and more than a gigabyte before it was
refused. `require_known_head(path, importers)` shows the importers only the file's head (whole
lines from its first SNIFF_BYTES, where every header row sits: layouts look for it in the first
30 rows) and refuses the file, with a clear error, when none recognises that head. Spreadsheets
and XML (read by their own parsers) and files up to SNIFF_BYTES are not sniffed; no file over
MAX_BYTES is read at all.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fundtrail.importers.errors import BadInput

SNIFF_BYTES = 256 * 1024
MAX_BYTES = 256 * 1024 * 1024
_OWN_PARSERS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # xlsx (zip), xls (OLE)


def require_known_head(path: Path, candidates) -> None:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise BadInput(path, f"文件过大 ({size // 2**20} MB, 上限 {MAX_BYTES // 2**20} MB), 请按月拆分后导入",
                       f"file too large ({size // 2**20} MB; at most {MAX_BYTES // 2**20} MB): "
                       "split it by month")
    if size <= SNIFF_BYTES:
        return
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(_OWN_PARSERS) or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return
    lines = _whole_lines(head)
    if lines is None:
        raise BadInput(path, f"前 {SNIFF_BYTES // 1024} KB 内没有换行, 不是表格文件",
                       f"no line break in the first {SNIFF_BYTES // 1024} KB: not a table")
    with tempfile.TemporaryDirectory(prefix="fundtrail-sniff-") as scratch:
        sample = Path(scratch) / path.name
        sample.write_bytes(lines)
        if any(importer.score(sample) > 0 for importer in candidates):
            return
    raise BadInput(path, "文件开头找不到已知的表头(银行对账单版式、一卡通发放明细、登记册)",
                   "no known header row near the start of the file (bank layouts, subsidy roster, "
                   "registers)")


def _whole_lines(head: bytes) -> bytes | None:
    """The head cut after its last complete line (UTF-16 aware); None without a line break."""
    if head.startswith(b"\xff\xfe"):
        cut = head.rfind(b"\n\x00")
        cut = cut + 2 if cut >= 0 and cut % 2 == 0 else -1
    elif head.startswith(b"\xfe\xff"):
        cut = head.rfind(b"\x00\n")
        cut = cut + 2 if cut >= 0 and cut % 2 == 0 else -1
    else:
        cut = head.rfind(b"\n") + 1 or -1
    return head[:cut] if cut > 0 else None
