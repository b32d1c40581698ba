"""Control characters in what an import would write are refused at the door.

A payee, memo or name in a statement or register is written by whoever made the file (an
outside payer writes the memo of a transfer). A NUL, a terminal escape or a bidi override in it
would reach the books, `git log`, the terminal and every report; `check(extraction, path)`
raises BadInput naming the file, the row and the characters before anything is written (tabs and
line breaks inside a cell pass: they are whitespace). A file's own name is written into the
books too (the archived document's name): `check_name(path)` refuses one holding any."""

from __future__ import annotations

import itertools
from pathlib import Path

from fundtrail.importers.errors import BadInput
from fundtrail.ledgertext import WHITESPACE, controls_in, entry_controls


def check(extraction, path, entries: bool = True) -> None:
    """BadInput at the first text of `extraction` holding control characters (`entries=False`:
    but its entries, which the caller passes through `checked` as it takes them)."""
    for entry in itertools.chain(extraction.entries if entries else (), extraction.opens,
                                 *extraction.masterdata.values()):
        _check_entry(entry, path)
    for _register, key, rows in extraction.registers.values():
        for row in rows:  # a register's record: named by its key columns (户编号, 身份证号)
            for column, value in row.items():
                codes = controls_in(value, WHITESPACE) if isinstance(value, str) else []
                if codes:
                    who = "/".join(controls_free(row.get(k, "")) for k in key)
                    _refuse(path, f"{column}（{who}）", codes, None)


def check_name(path) -> None:
    """BadInput when a file's name holds control characters: the name is written into the books
    (the archived document's name in `source:`), git and the terminal; the message shows the
    name without them."""
    path = Path(path)
    codes = controls_in(path.name)
    if codes:
        shown = " ".join(codes[:5])
        raise BadInput(path.parent / controls_free(path.name),
                       f"文件名含有控制字符 {shown}，已拒绝导入，请重命名文件后重试",
                       f"control characters in the file name ({shown}): refused")


def checked(entries, path):
    """`entries` one by one, each checked as `check` does (a large statement's entries are made
    as they are taken: they are never all held)."""
    for entry in entries:
        _check_entry(entry, path)
        yield entry


def _check_entry(entry, path) -> None:
    found = entry_controls(entry)
    if found:
        field, codes = found
        _refuse(path, field, codes, (getattr(entry, "meta", None) or {}).get("row"))


def controls_free(text: str) -> str:
    return "".join(ch for ch in str(text) if not controls_in(ch))


def _refuse(path, field: str, codes: list[str], row) -> None:
    shown = " ".join(codes[:5])
    raise BadInput(path, f"{field} 含有控制字符 {shown}，已拒绝导入，请在原文件中删除后重试",
                   f"control characters in {field} ({shown}): refused", row if row else None)
