"""The one error the importers raise on bad input: Chinese first, then English, naming the file
and, where there is one, the row. `fundtrail import` prints it and writes nothing."""

from __future__ import annotations

import re
from pathlib import Path


class BadInput(Exception):
    def __init__(self, path, zh: str, en: str, row: int | str | None = None):
        self.path, self.zh, self.en, self.row = str(path), zh, en, row
        super().__init__(str(self))

    def __str__(self) -> str:
        where = Path(self.path).name + (f" 第{self.row}行 (row {self.row})" if self.row else "")
        return f"{where}: {self.zh} / {self.en}"


class Rejected(Exception):
    """The would-be ledger does not load cleanly (or did not before): nothing was written."""

    def __init__(self, zh: str, en: str, details: list[str]):
        self.zh, self.en, self.details = zh, en, details
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join([f"{self.zh} / {self.en}", *(f"  {d}" for d in self.details)])


def toml_line(error: Exception) -> int | None:
    """The line a TOML error is at (tomllib says it in its English message), None if unsaid."""
    found = re.search(r"\(at line (\d+)", str(error))
    return int(found.group(1)) if found else None
