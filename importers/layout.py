"""Bank statement layouts: one small TOML file per bank format (importers/layouts/*.toml and a
workspace's own <workspace>/layouts/*.toml). The format is documented in docs/importers.md."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from fundtrail.importers import cells

IN_WORDS = ("贷", "贷方", "C", "CR", "收入", "收", "入", "+")
OUT_WORDS = ("借", "借方", "D", "DR", "支出", "付", "支", "出", "-")
TOTALS = ("合计", "总计", "本页合计", "本期合计", "累计")
FIELDS = {"date", "datetime", "time", "serial", "payee", "payee_account", "summary", "purpose",
          "memo", "debit", "credit", "amount", "direction", "balance"}


class LayoutError(ValueError):
    pass


@dataclass
class Layout:
    key: str  # file stem, e.g. "icbc-corporate"
    name: str
    bank: str
    format: str  # csv | xlsx
    columns: dict[str, str]
    encoding: str | None = None
    sheet: str | None = None
    head: list[str] = field(default_factory=list)
    header_rows: int = 1
    date_formats: tuple[str, ...] = ()
    time_formats: tuple[str, ...] = ()
    empty: frozenset = cells.EMPTY
    totals: tuple[str, ...] = TOTALS
    summary_joins_purpose: bool = False
    amount_in: str = "positive"  # one signed column: which sign is money in
    in_words: tuple[str, ...] = IN_WORDS
    out_words: tuple[str, ...] = OUT_WORDS
    order: str = "ascending"
    source: str = ""
    # what the writer of the demo files reads (thousands, currency_symbol, ...): kept as given
    raw: dict = field(default_factory=dict, repr=False)

    @property
    def suffixes(self) -> tuple[str, ...]:
        return (".xlsx", ".xlsm") if self.format == "xlsx" else (".csv", ".txt")

    def head_patterns(self) -> list[re.Pattern]:
        out = []
        for line in self.head:
            parts = re.split(r"\{(\w+)\}", cells.fold(line))
            regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)"
                            for i, p in enumerate(parts))
            out.append(re.compile(f"^{regex}$"))
        return out

    def validate(self) -> None:
        cols = self.columns
        unknown = set(cols) - FIELDS
        if unknown:
            raise LayoutError(f"{self.source}: 未知的列 unknown column keys {sorted(unknown)}")
        if not ({"date", "datetime"} & cols.keys()):
            raise LayoutError(f"{self.source}: 缺少日期列 needs `date` or `datetime`")
        split, signed = {"debit", "credit"} <= cols.keys(), "amount" in cols
        if not (split or signed):
            raise LayoutError(f"{self.source}: 需要 debit+credit, amount, 或 direction+amount "
                              "/ needs debit+credit, a signed amount, or direction+amount")


def _tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def parse(text: str, key: str, source: str) -> Layout:
    raw = tomllib.loads(text)
    formats = _tuple(raw.get("date_format")) + _tuple(raw.get("datetime_format"))
    empty = raw.get("empty")
    layout = Layout(
        key=key, name=raw.get("name", key), bank=raw["bank"], format=raw.get("format", "csv"),
        columns=dict(raw["columns"]), encoding=raw.get("encoding"), sheet=raw.get("sheet"),
        head=list(raw.get("head", [])), header_rows=int(raw.get("header_rows", 1)),
        date_formats=formats, time_formats=_tuple(raw.get("time_format")),
        empty=cells.EMPTY | set(_tuple(empty)), totals=_tuple(raw.get("totals_label")) or TOTALS,
        summary_joins_purpose=bool(raw.get("summary_joins_purpose", False)),
        amount_in=raw.get("amount_in", "positive"),
        in_words=_tuple(raw.get("in_words")) or IN_WORDS,
        out_words=_tuple(raw.get("out_words")) or OUT_WORDS,
        order=raw.get("order", "ascending"), source=source, raw=raw)
    layout.validate()
    return layout


def builtin(key: str) -> Layout:
    path = resources.files("fundtrail.importers").joinpath("layouts", f"{key}.toml")
    return parse(path.read_text("utf-8"), key, f"layouts/{key}.toml")


def load_all(workspace: Path | None = None) -> list[Layout]:
    """The packaged layouts, then the workspace's own (which win on a shared file name)."""
    found = {}
    folder = resources.files("fundtrail.importers").joinpath("layouts")
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".toml"):
            key = item.name[:-5]
            found[key] = parse(item.read_text("utf-8"), key, f"layouts/{item.name}")
    if workspace and (Path(workspace) / "layouts").is_dir():
        for path in sorted((Path(workspace) / "layouts").glob("*.toml")):
            try:
                found[path.stem] = parse(path.read_text("utf-8"), path.stem, str(path))
            except (tomllib.TOMLDecodeError, KeyError) as error:
                raise LayoutError(f"{path}: 版式文件错误 bad layout file: {error}") from None
    return list(found.values())
