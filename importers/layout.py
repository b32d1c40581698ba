"""Bank statement layouts: one small TOML file per bank format (importers/layouts/*.toml and a
workspace's own <workspace>/layouts/*.toml). The format is documented in docs/importers.md.

A layout key that is not in KEYS, or a column field not in FIELDS (the ids of the statement
fields of the header specification, fundtrail.importers.headers.STATEMENT), is an error that
lists the known ones: a misspelt option must not be ignored silently."""

from __future__ import annotations

import codecs
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

from fundtrail.importers import cells
from fundtrail.importers.errors import toml_line
from fundtrail.importers.headers import STATEMENT, TOTALS, Spec
from fundtrail.importers.sniff import DELIMITERS as DELIMITER_NAMES
from fundtrail.workspace import shown_name

IN_WORDS = ("贷", "贷方", "C", "CR", "收入", "收", "入", "+")
OUT_WORDS = ("借", "借方", "D", "DR", "支出", "付", "支", "出", "-")
FIELDS = STATEMENT.ids
KEYS = ("name", "bank", "format", "encoding", "sheet", "delimiter", "head", "header_rows",
        "date_format", "datetime_format", "time_format", "empty", "totals", "totals_label",
        "summary_joins_purpose", "amount_in", "in_words", "out_words", "order", "thousands",
        "currency_symbol", "columns")
# `delimiter` names a separator or is the character itself
DELIMITERS = {key: char for name, char in DELIMITER_NAMES.items() for key in (char, name)}
# Separators a metadata line may put between a label and its value (after folding full-width
# forms): `账号：123`, `账号,123` (two cells), `账号 | 123` all read as `账号123`.
HEAD_SEPARATORS = re.compile(r"[:,;|=\s]")


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
    delimiter: str = ","
    head: list[str] = field(default_factory=list)
    header_rows: int = 1
    date_formats: tuple[str, ...] = ()
    time_formats: tuple[str, ...] = ()
    empty: frozenset = cells.EMPTY
    totals: tuple[str, ...] = TOTALS
    totals_required: bool = False  # `totals = "required"`: a file without its totals row is truncated
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
        return (".xlsx", ".xlsm") if self.format == "xlsx" else (".csv", ".txt", ".tsv")

    @cached_property
    def spec(self) -> Spec:
        """The layout as a header specification: the statement fields it names, each known by
        the layout's own label."""
        return Spec(self.name, tuple(STATEMENT[key].known_as(label) for key, label in self.columns.items()),
                    tuple(self.columns))

    def head_patterns(self) -> list[re.Pattern]:
        """One regex per `head` line, matched against `head_text(cells)` of a metadata line."""
        out = []
        for line in self.head:
            parts = re.split(r"\{(\w+)\}", line)
            regex = "".join(re.escape(head_text([p])) if i % 2 == 0 else f"(?P<{p}>.+?)"
                            for i, p in enumerate(parts))
            out.append(re.compile(f"^{regex}$"))
        return out

    def validate(self) -> None:
        cols = self.columns
        unknown = set(cols) - set(FIELDS)
        if unknown:
            raise LayoutError(f"{self.source}: 未知的列 unknown column keys {sorted(unknown)}; "
                              f"可用 known: {', '.join(FIELDS)}")
        if not ({"date", "datetime"} & cols.keys()):
            raise LayoutError(f"{self.source}: 缺少日期列 needs `date` or `datetime`")
        split, signed = {"debit", "credit"} <= cols.keys(), "amount" in cols
        if not (split or signed):
            raise LayoutError(f"{self.source}: 需要 debit+credit, amount, 或 direction+amount "
                              "/ needs debit+credit, a signed amount, or direction+amount")
        try:
            self.head_patterns()
        except re.error as error:
            raise LayoutError(f"{self.source}: head 中的 {{名称}} 应为 holder、account_no、start、end 等"
                              f"英文名，每行不重复 / head placeholders must be distinct names: {error}") from None


def head_text(parts) -> str:
    """A metadata line (its cells) as `head` patterns see it: cells joined, full-width forms
    folded, spaces and the separators : , ; | = removed."""
    return HEAD_SEPARATORS.sub("", cells.fold("".join(cells.text(c) for c in parts)))


def _tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _choice(raw: dict, key: str, allowed, source: str, default: str) -> str:
    value = raw.get(key, default)
    if value not in allowed:
        raise LayoutError(f"{source}: {key} = {value!r} 无效 invalid; 可用 allowed: "
                          f"{', '.join(map(repr, dict.fromkeys(allowed)))}")
    return value


def _check_types(raw: dict, source: str) -> None:
    """Each key's value of the type it must have; LayoutError naming the key otherwise."""
    def wrong(key, zh, en):
        raise LayoutError(f"{source}: {key} 应为{zh} / {key} must be {en}: {raw[key]!r}")

    for key, value in raw.items():
        if key in ("summary_joins_purpose", "thousands"):
            if not isinstance(value, bool):
                wrong(key, " true 或 false", "true or false")
        elif key == "header_rows":
            if value not in (1, 2) or isinstance(value, bool):
                wrong(key, " 1 或 2", "1 or 2")
        elif key == "columns":
            if not isinstance(value, dict) or not all(isinstance(v, str) and v.strip()
                                                      for v in value.values()):
                wrong(key, "表 [columns]: 字段 = \"列名\"", "a table of field = \"label\"")
        elif key in ("head", "date_format", "datetime_format", "time_format", "empty", "totals_label",
                     "in_words", "out_words"):
            if not (isinstance(value, str) or isinstance(value, list)
                    and all(isinstance(v, str) for v in value)):
                wrong(key, "文本或文本列表", "a string or a list of strings")
        elif not isinstance(value, str):
            wrong(key, "文本", "a string")
    if not re.fullmatch(r"[A-Z0-9][A-Za-z0-9]*", raw.get("bank", "")):
        raise LayoutError(f"{source}: bank 应为大写字母开头的英文代码(用于账户名) / bank must be an ASCII "
                          f"code starting with a capital (it names accounts): {raw.get('bank')!r}")


def _check_encoding(encoding: str | None, source: str) -> None:
    """A text encoding Python knows (gbk, gb18030, utf-8-sig, …), not a byte codec."""
    if encoding is None:
        return
    try:
        known = codecs.lookup(encoding)._is_text_encoding
    except LookupError:
        known = False
    if not known:
        raise LayoutError(f"{source}: 未知的编码 unknown encoding = {encoding!r}; "
                          "常用 common: gbk, gb18030, utf-8, utf-8-sig, utf-16")


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except UnicodeDecodeError as error:
        raise LayoutError(f"{shown_name(path)}: 版式文件须为 UTF-8 编码 a layout file must be UTF-8: "
                          f"{error}") from None
    except OSError as error:
        raise LayoutError(f"{shown_name(path)}: 无法读取版式文件 cannot read the layout: "
                          f"{error.strerror or error}") from None


def parse(text: str, key: str, source: str) -> Layout:
    """A layout from its TOML text; LayoutError (Chinese and English) on any mistake."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = toml_line(error)
        raise LayoutError(f"{source}{f' 第{line}行' if line else ''}: 版式文件不是有效的 TOML，请检查该行的写法"
                          f" / bad TOML: {error}") from None
    except RecursionError:
        raise LayoutError(f"{source}: 版式文件嵌套过深 the layout nests arrays or tables too deeply "
                          "(a layout needs only `[columns]`)") from None
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        raise LayoutError(f"{source}: 未知的设置 unknown keys {unknown}; 可用 known: {', '.join(KEYS)}")
    for needed in ("bank", "columns"):
        if needed not in raw:
            raise LayoutError(f"{source}: 缺少 {needed} / missing `{needed}`")
    _check_types(raw, source)
    _check_encoding(raw.get("encoding"), source)
    formats = _tuple(raw.get("date_format")) + _tuple(raw.get("datetime_format"))
    empty = raw.get("empty")
    form = _choice(raw, "format", ("csv", "tsv", "xlsx"), source, "csv")
    delimiter = DELIMITERS[_choice(raw, "delimiter", DELIMITERS, source,
                                   "\t" if form == "tsv" else ",")]
    layout = Layout(
        key=key, name=raw.get("name", key), bank=raw["bank"], format="csv" if form == "tsv" else form,
        columns=dict(raw["columns"]), encoding=raw.get("encoding"), sheet=raw.get("sheet"),
        delimiter=delimiter,
        head=list(_tuple(raw.get("head"))), header_rows=raw.get("header_rows", 1),
        date_formats=formats, time_formats=_tuple(raw.get("time_format")),
        empty=cells.EMPTY | set(_tuple(empty)), totals=_tuple(raw.get("totals_label")) or TOTALS,
        totals_required=_choice(raw, "totals", ("optional", "required"), source,
                                "optional") == "required",
        summary_joins_purpose=bool(raw.get("summary_joins_purpose", False)),
        amount_in=_choice(raw, "amount_in", ("positive", "negative"), source, "positive"),
        in_words=_tuple(raw.get("in_words")) or IN_WORDS,
        out_words=_tuple(raw.get("out_words")) or OUT_WORDS,
        order=_choice(raw, "order", ("ascending", "descending"), source, "ascending"),
        source=source, raw=raw)
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
            text = _read(path)
            if all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
                continue  # only comments (the example `fundtrail init` writes): no layout
            found[path.stem] = parse(text, path.stem, shown_name(path))  # layouts/x.toml
    return list(found.values())
