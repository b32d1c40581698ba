"""A file's head: the one place that looks at the first bytes of a file to tell what it holds.

- `SNIFF_BYTES` (256 KB) is the one head size: nothing here reads more of a text file, and no
  file over `MAX_BYTES` is read at all;
- `decode` tells the encoding: a BOM (UTF-8, UTF-16), UTF-16 without a BOM by its NUL bytes,
  UTF-8, then GB18030 (a superset of GBK); `utf16` is that UTF-16 test on its own;
- `whole_lines` cuts a head after its last complete line (in UTF-16 by its two-byte units);
- `delimiter` picks the separator of CSV lines, `DELIMITERS` names them (comma, tab, ...);
- `excel_rows` reads a workbook's rows, all of them or the first few; `sheet_names` its sheets'
  names (kept per version of the file from its first opening: one import asks several times);
  within `workbooks()` (an import run) a workbook is opened once for all its heads and sheets;
- `require_known_head(path, importers)`: every importer's `score` reads the file it is shown in
  full (decoding, splitting into rows), so a 50 MB file of garbage used to cost half a minute
  and more than a gigabyte before it was refused. The importers are shown the file's head only
  (its whole lines, where every header row sits: layouts look for it in the first 30 rows) and
  the file is refused, with a clear error, when none recognises that head. Every kind of file
  is sniffed so, XML too (a file starting with `<` that no importer knows, treasury vouchers
  by their `<Voucher>`, is refused from its head, even on one line); workbooks (zip, OLE: read
  by their own parser, row by row) and files up to SNIFF_BYTES are not.
- `MAX_XML_BYTES` (64 MB) bounds an XML file: it is parsed whole (a month of a county's
  treasury vouchers is a few MB).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import tempfile
import threading
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl

from fundtrail.importers.errors import BadInput

SNIFF_BYTES = 256 * 1024
MAX_BYTES = 256 * 1024 * 1024
MAX_XML_BYTES = 64 * 1024 * 1024
EXCEL = (".xlsx", ".xlsm")
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"))
DELIMITERS = {"comma": ",", "tab": "\t", "semicolon": ";", "pipe": "|"}
_OWN_PARSERS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # xlsx (zip), xls (OLE)
_NUL_SAMPLE = 4000  # bytes looked at for UTF-16 without a BOM
_SHEETS: dict[tuple, tuple[str, ...]] = {}  # a workbook's version (`_version`) -> its sheet names
_SHEETS_KEPT = 64
_SHEETS_LOCK = threading.Lock()
_RUN = threading.local()  # .books: the workbooks a run keeps open (`workbooks`), by version


# -- encodings -------------------------------------------------------------------------------
def utf16(raw: bytes) -> str:
    """"utf-16-le" or "utf-16-be" when `raw` is UTF-16 (by its BOM, else by its NUL bytes: text
    in UTF-8 or GB18030 has none), "" otherwise."""
    if raw.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if raw.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    sample = raw[:_NUL_SAMPLE]
    if sample.count(0) > len(sample) // 20:
        odd, even = sample[1::2].count(0), sample[0::2].count(0)
        return "utf-16-le" if odd >= even else "utf-16-be"
    return ""


def decode(path, raw: bytes, hint: str | None = None) -> tuple[str, str]:
    """The text of `raw` and the encoding it was in; BadInput naming the line if none fits."""
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            return _strict(path, raw, encoding), encoding
    encoding = utf16(raw)
    if encoding:
        return _strict(path, raw, encoding), encoding
    tried = [e for e in (hint, "utf-8", "gb18030") if e]
    for encoding in dict.fromkeys(tried):
        try:
            return raw.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):  # LookupError: a declared encoding unknown to Python
            continue
    return _strict(path, raw, "gb18030"), "gb18030"


STREAM_CHUNK = 1024 * 1024


def stream_encoding(path, hint: str | None = None) -> str:
    """The encoding `decode` would pick for the whole file, found by decoding it chunk by chunk
    (no copy of the file in memory); BadInput naming the line if none fits."""
    head = first_bytes(path)
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return _stream_check(path, encoding, strict=True)
    encoding = utf16(head)
    if encoding:
        return _stream_check(path, encoding, strict=True)
    for encoding in dict.fromkeys(e for e in (hint, "utf-8", "gb18030") if e):
        try:
            if not codecs.lookup(encoding)._is_text_encoding:  # base64, rot13: no text codec
                continue
        except LookupError:  # a declared encoding unknown to Python
            continue
        if _stream_check(path, encoding):
            return encoding
    return _stream_check(path, "gb18030", strict=True)


def _stream_check(path, encoding: str, strict: bool = False):
    """Whether the whole file decodes in `encoding` (strict: the encoding, or BadInput)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    done, lines = 0, 0
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(STREAM_CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                if not strict:
                    return False
                at = max(0, min(error.start, len(chunk)))
                raise BadInput(path, "文件编码无法识别(不是 UTF-8、GB18030/GBK 或 UTF-16)，可能已损坏",
                               f"cannot decode the file as UTF-8, GB18030/GBK or UTF-16 (byte {done + at})",
                               lines + chunk[:at].count(b"\n") + 1) from None
            if not chunk:
                return encoding if strict else True
            done += len(chunk)
            lines += chunk.count(b"\n")


def _strict(path, raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise BadInput(path, "文件编码无法识别(不是 UTF-8、GB18030/GBK 或 UTF-16)，可能已损坏",
                       f"cannot decode the file as UTF-8, GB18030/GBK or UTF-16 (byte {error.start})",
                       line) from None


# -- the head --------------------------------------------------------------------------------
def first_bytes(path) -> bytes:
    """The first SNIFF_BYTES of the file (all of it when it is shorter)."""
    with open(path, "rb") as handle:
        return handle.read(SNIFF_BYTES)


def whole_lines(head: bytes) -> bytes | None:
    """`head` cut after its last complete line; None when it holds no line break.

    In UTF-16 a line break is the two-byte unit of "\\n" at an even offset (the byte 0x0A may be
    half of another character, and a cut at an odd offset splits a character); in UTF-8 and
    GB18030 the byte 0x0A is never part of another character."""
    encoding = utf16(head)
    if not encoding:
        cut = head.rfind(b"\n")
        return head[:cut + 1] if cut >= 0 else None
    unit = b"\n\x00" if encoding == "utf-16-le" else b"\x00\n"
    end = len(head)
    while (cut := head.rfind(unit, 0, end)) >= 0:
        if cut % 2 == 0:
            return head[:cut + 2]
        end = cut + 1  # a match across two characters: look further back
    return None


def head_lines(path) -> bytes:
    """The whole file when it fits in SNIFF_BYTES, else the whole lines of its head; BadInput
    when the head holds no line break."""
    with open(path, "rb") as handle:
        raw = handle.read(SNIFF_BYTES + 1)
    if len(raw) <= SNIFF_BYTES:
        return raw
    lines = whole_lines(raw[:SNIFF_BYTES])
    if lines is None:
        raise _no_line_break(path)
    return lines


def _no_line_break(path) -> BadInput:
    return BadInput(path, f"前 {SNIFF_BYTES // 1024} KB 内没有换行, 不是表格文件",
                    f"no line break in the first {SNIFF_BYTES // 1024} KB: not a table")


def delimiter(lines: list[str]) -> str:
    """The separator that splits most lines into the same number (3 or more) of fields."""
    best, score = ",", -1
    for candidate in DELIMITERS.values():
        try:
            widths = Counter(len(r) for r in csv.reader(lines, delimiter=candidate) if len(r) > 2)
        except csv.Error:  # a field over csv's limit: this candidate does not split the lines
            continue
        if widths:
            width, count = widths.most_common(1)[0]
            if count * min(width, 6) > score:
                best, score = candidate, count * min(width, 6)
    return best


def delimiter_name(separator: str) -> str:
    """The layout name of a separator: "\\t" -> "tab"."""
    return next(name for name, char in DELIMITERS.items() if char == separator)


# -- workbooks -------------------------------------------------------------------------------
def _workbook(path):
    """The workbook at `path` opened read-only (values, not formulas); BadInput when it is
    damaged or truncated."""
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise BadInput(path, "Excel文件无法打开(已损坏或被截断)",
                       f"cannot open the workbook (damaged or truncated): {error}") from None


def _version(path) -> tuple | None:
    """A file as it is now: its path, size and modification time (a rewrite is another); None
    when it cannot be read (`_workbook` says why)."""
    try:
        p = Path(path)
        stat = p.stat()
        return str(p.resolve()), stat.st_size, stat.st_mtime_ns
    except OSError:
        return None


@contextlib.contextmanager
def workbooks():
    """Within it (one import run, in this thread), a workbook is opened once per version of
    the file and kept open for every head and sheet read of it (a roster's score reads each
    sheet's head, its import each sheet); they are closed on leaving. Outside it every read
    opens and closes the workbook."""
    if getattr(_RUN, "books", None) is not None:  # within an outer run: its workbooks
        yield
        return
    _RUN.books = {}
    try:
        yield
    finally:
        books, _RUN.books = _RUN.books, None
        for book in books.values():
            book.close()


def _opened(path):
    """(the workbook at `path`, whether the caller closes it): the run's (`workbooks`), else
    one opened now, its sheet names kept for `sheet_names` (the last few files)."""
    books, version = getattr(_RUN, "books", None), _version(path)
    book = books.get(version) if books is not None and version is not None else None
    if book is not None:
        return book, False
    book = _workbook(path)
    if version is not None:
        with _SHEETS_LOCK:
            _SHEETS[version] = tuple(book.sheetnames)
            while len(_SHEETS) > _SHEETS_KEPT:
                del _SHEETS[next(iter(_SHEETS))]
        if books is not None:
            books[version] = book
            return book, False
    return book, True


def iter_excel_rows(path, sheet: str | None = None, limit: int | None = None):
    """The rows (row number, cells) of a workbook's sheet (the one named, else the first) one by
    one, the first `limit` only when given (openpyxl's read-only mode reads the sheet as a
    stream); BadInput when the workbook is damaged or truncated."""
    book, own = _opened(path)
    try:
        ws = book[sheet] if sheet and sheet in book.sheetnames else book.worksheets[0]
        for n, row in enumerate(ws.iter_rows(max_row=limit, values_only=True), 1):
            yield n, list(row)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise BadInput(path, "Excel文件内容无法读取(已损坏或被截断)",
                       f"cannot read the worksheet (damaged or truncated): {error}") from None
    finally:
        if own:
            book.close()


def sheet_names(path) -> list[str]:
    """A workbook's sheet names in order; BadInput when the workbook is damaged or truncated.
    The workbook is opened once per version of the file: the names are kept when it is first
    opened, here or for its rows (an importer's score reads a head before it asks for them,
    and asks again when it reads the file)."""
    with _SHEETS_LOCK:
        names = _SHEETS.get(_version(path))
    if names is None:
        book, own = _opened(path)
        names = tuple(book.sheetnames)
        if own:
            book.close()
    return list(names)


def excel_rows(path, sheet: str | None = None, limit: int | None = None) -> list[tuple[int, list]]:
    """`iter_excel_rows` as a list."""
    return list(iter_excel_rows(path, sheet, limit))


# -- the guard before the importers ----------------------------------------------------------
def looks_like_xml(head: bytes) -> bool:
    """Whether a file's head starts with `<` (after a BOM and blanks), in UTF-8/GBK or UTF-16."""
    encoding = utf16(head)
    if encoding:
        head = head[:_NUL_SAMPLE].decode(encoding, "ignore").encode("utf-8")
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def require_xml_size(path: Path, size: int | None = None) -> None:
    """Refuse an XML file over MAX_XML_BYTES (it is parsed whole)."""
    size = path.stat().st_size if size is None else size
    if size > MAX_XML_BYTES:
        raise BadInput(path, f"XML文件过大 ({size // 2**20} MB, 上限 {MAX_XML_BYTES // 2**20} MB), 请按月拆分后导入",
                       f"XML file too large ({size // 2**20} MB; at most {MAX_XML_BYTES // 2**20} MB): "
                       "split it by month")


def require_known_head(path: Path, candidates) -> None:
    """Refuse a file over MAX_BYTES, and a file over SNIFF_BYTES whose head no importer
    recognises (see the module doc)."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise BadInput(path, f"文件过大 ({size // 2**20} MB, 上限 {MAX_BYTES // 2**20} MB), 请按月拆分后导入",
                       f"file too large ({size // 2**20} MB; at most {MAX_BYTES // 2**20} MB): "
                       "split it by month")
    if size <= SNIFF_BYTES:
        return
    head = first_bytes(path)
    if head.startswith(_OWN_PARSERS):
        return
    xml = looks_like_xml(head)
    if xml:
        require_xml_size(path, size)
    lines = whole_lines(head) or (head if xml else None)  # an XML file may be one long line
    if lines is None:
        raise _no_line_break(path)
    with tempfile.TemporaryDirectory(prefix="fundtrail-sniff-") as scratch:
        sample = Path(scratch) / path.name
        sample.write_bytes(lines)
        if any(importer.score(sample) > 0 for importer in candidates):
            return
    if xml:
        raise BadInput(path, "文件以 < 开头(XML)，但开头找不到国库支付凭证(<Voucher>)",
                       "the file starts with < (XML) but its head holds no treasury voucher (<Voucher>)")
    raise BadInput(path, "文件开头找不到已知的表头(银行对账单版式、一卡通发放明细、登记册)",
                   "no known header row near the start of the file (bank layouts, subsidy roster, "
                   "registers)")
