"""Registers become master data: the fund indicator list (指标文件清单) -> masterdata/funds.beancount,
the project library (项目库) -> masterdata/projects.beancount, the household register and the
cadres-and-relatives register -> registers/*.csv. Each row is keyed (指标文号, 项目编号, 户编号 + 身份证号,
身份证号 + 关系人身份证号), so re-importing a changed register updates rows in place.

The fund list also yields the receipt (到账) of every indicator whose money reached the treasury
(到账日期 filled, 到账账户 empty or 国库); money that arrives by bank is the bank statement's row.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from beancount.core import data
from beancount.parser.grammar import ValueType

from fundtrail import accounts as acc
from fundtrail.directives import plain
from fundtrail.importers import cells, columns
from fundtrail.importers.base import Extraction, FundtrailImporter, posting, txn
from fundtrail.importers.classify import doc_key
from fundtrail.importers.context import ImportContext
from fundtrail.importers.errors import BadInput
from fundtrail.importers.headers import (
    FUND_LIST,
    HOUSEHOLDS,
    OFFICIALS,
    PROJECT_LIBRARY,
    ROSTER,
    ROSTER_PAYS,
    Spec,
)
from fundtrail.importers.tables import (
    find_columns,
    header_score,
    is_blank,
    is_totals,
    read_sniffed,
    sniffed_head,
)
from fundtrail.ledgertext import WHITESPACE, controls_in, money
from fundtrail.masterdata import read_register
from fundtrail.workspace import REGISTER_HEADERS, REGISTER_TITLES

FUNDS_FILE = "masterdata/funds.beancount"
PROJECTS_FILE = "masterdata/projects.beancount"


def master_open(account: str, day: datetime.date, meta: dict) -> data.Open:
    """An `open` of a master-data account (a fund, a project, an asset's income, a village
    collective), with the metadata given that has a value."""
    meta = {k: v for k, v in meta.items() if v is not None and v != ""}
    return data.Open(data.new_metadata("<import>", 0, meta), day, account, [acc.CURRENCY], None)


def master_custom(kind: str, values, day: datetime.date, meta: dict) -> data.Custom:
    """A master-data `custom` directive (a town, village, subsidy item, asset, loan, lease, roll
    row): its type and values (a key, or a list of them), with the metadata given that has a
    value."""
    meta = {k: v for k, v in meta.items() if v is not None and v != ""}
    return data.Custom(data.new_metadata("<import>", 0, meta), day, kind,
                       [ValueType(v, str) for v in (values if isinstance(values, (list, tuple)) else [values])])


def same_open(existing: data.Open | data.Custom | None, new: data.Open | data.Custom) -> bool:
    """Whether a master-data directive (an `open`, or a `custom` town/village/subsidy item)
    already says what `new` says."""
    if existing is None:
        return False
    old = {k: v for k, v in existing.meta.items() if k not in ("filename", "lineno")}
    new_meta = {k: v for k, v in new.meta.items() if k not in ("filename", "lineno")}
    return (old == new_meta and existing.date == new.date
            and getattr(existing, "values", None) == getattr(new, "values", None))


def master_key(entry: data.Open | data.Custom) -> str:
    """What a master-data directive is upserted by: the account it opens, or its custom type and
    first value (`village:370405101201`); the county's own directive by its type alone."""
    if isinstance(entry, data.Open):
        return entry.account
    if entry.type == "county":  # one per workspace: the division list may set its code
        return "county"
    return f"{entry.type}:{entry.values[0].value if entry.values else ''}"


def held_master(ctx: ImportContext, entries) -> dict[str, data.Open | data.Custom]:
    """The directives the books already hold under the keys of `entries`."""
    keys = {master_key(e) for e in entries}
    held = {k: ctx.master.accounts[k] for k in keys if k in ctx.master.accounts}
    if any(isinstance(e, data.Custom) for e in entries):
        held.update((master_key(e), e) for e in ctx.entries
                    if isinstance(e, data.Custom) and master_key(e) in keys)
    return held


def count_held(ex: Extraction, ctx: ImportContext, entries, types: tuple[str, ...] = ()) -> None:
    """Count in `ex` the directives of `entries` the books hold already: as present when
    unchanged, as updated when corrected (`types`: only the custom types that stand for a row)."""
    held = held_master(ctx, entries)
    for entry in entries:
        old = held.get(master_key(entry))
        if old is not None and (not types or entry.type in types):
            same = same_open(old, entry)
            ex.present += same
            ex.updated += not same


def village_of(ctx: ImportContext, name: str, town: str = "", code: str = "") -> str:
    """A roster's or register's village as the books name it: its code when the file gives a
    known one or the county's division list resolves the name (within its town); else the name,
    which the village rules compare as it is."""
    if code and code in ctx.master.villages:
        return code
    return ctx.master.village_code(name, town) or name


def unresolved_villages(names) -> str:
    return (f"行政村无法对应到区划代码(按名称保存，可导入区划代码表): {'、'.join(sorted(names))} / villages "
            "without a division code (kept by name; import the division list)")


class TabularImporter(FundtrailImporter):
    """An importer of a table (CSV or Excel) whose columns one header specification names, with
    the workspace's own names (columns.toml) added: the registers, lists and collective records."""

    spec: Spec  # the columns (fundtrail.importers.headers)
    section = ""  # its table in the workspace's columns.toml (fundtrail.importers.columns)
    rows_are_entries = False

    @property
    def own_spec(self) -> Spec:
        """The specification with the workspace's own header names (columns.toml)."""
        return columns.spec_for(self.spec, self.section, self.workspace)

    def score(self, path: Path) -> int:
        if path.suffix.lower() not in (".xlsx", ".xlsm", ".csv", ".txt", ".tsv"):
            return 0
        return header_score(sniffed_head(path), self.own_spec)

    def header(self, path: Path) -> tuple:
        """(table, header row index, {field: column}, {field: label as written})."""
        table = read_sniffed(path)
        return (table, *find_columns(path, table, self.own_spec))

    def extra_columns(self, header: list, col: dict[str, int]) -> dict[int, str]:
        """Columns read besides the specification's fields: {column: what it is read as}."""
        return {}

    def account_columns(self, path: Path) -> columns.Columns:
        """Every column of the header mapped or ignored (or BadInput: see importers.columns)."""
        table, index, col, _ = self.header(path)
        spec = self.own_spec
        used = {i: spec[fid].label for fid, i in col.items()}
        header = table.rows[index][1]
        used.update(self.extra_columns(header, col))
        return columns.account(path, header, [r for _, r in table.rows[index + 1:]], used,
                               self.section, self.workspace, spec, table.rows[index][0])

    def rows(self, path: Path):
        table, index, col, _ = self.header(path)
        for number, row in table.rows[index + 1:]:
            if is_blank(row):
                continue
            if is_totals(row):
                yield number, None, row
                continue
            yield number, {k: (row[i] if i < len(row) else None) for k, i in col.items()}, row

    def records(self, path: Path, ex: Extraction, key, what: tuple[str, str] = ("", ""), rows=None):
        """The data rows as (row number, {field: cell}, raw row), each counted as read; totals
        rows are skipped and listed; a row whose key repeats an earlier one is refused.

        `key(number, row)` gives (the key compared, the key as shown); `what` names it
        (Chinese, English), e.g. ("项目编号 ", "project code "). `rows`: the rows to go
        through, when the importer has taken some out (default: `self.rows(path)`)."""
        seen = {}
        ex.columns = self.account_columns(path)
        codes = {f.id for f in self.own_spec.fields if f.type == "code"}  # once, not per row
        for number, row, raw in self.rows(path) if rows is None else rows:
            ex.read += 1
            if row is None:
                ex.skipped.append((number, "合计行 totals row"))
                continue
            self._refuse_controls(path, number, row)
            self._refuse_long_numbers(path, number, row, codes)
            compared, shown = key(number, row)
            if compared in seen:
                raise BadInput(path, f"{what[0]}{shown} 重复(亦见第{seen[compared]}行)",
                               f"{what[1]}{shown} repeated (also row {seen[compared]})", number)
            seen[compared] = number
            yield number, row, raw

    def _refuse_controls(self, path: Path, number: int, row: dict) -> None:
        """BadInput at a cell holding a control character (NUL, an escape), named by its row and
        its column's heading as written (`importers.controls` would name the field only)."""
        for name, value in row.items():
            codes = controls_in(value, WHITESPACE) if isinstance(value, str) else []
            if codes:
                label = self.header(path)[3].get(name, name)
                shown = " ".join(codes[:5])
                raise BadInput(path, f"“{label}”列含有控制字符 {shown}，已拒绝导入，请在原文件中删除后重试",
                               f"control characters in column {label} ({shown}): refused", number)

    def _refuse_long_numbers(self, path: Path, number: int, row: dict, codes: set[str]) -> None:
        """BadInput at an ID, card or account number (`codes`: the spec's code fields) a
        spreadsheet holds as a number of more than 15 digits: Excel keeps 15 significant digits,
        so its last digits are already lost (370405196511036017 reads back as
        370405196511036000); read as text it would be a wrong number."""
        for name in codes & row.keys():
            value = row[name]
            if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 10 ** 15:
                label = self.header(path)[3].get(name, name)
                raise BadInput(path, f"“{label}”列的号码以数字保存，超过15位的末几位已被表格软件改动，"
                                     f"请将该列设为文本格式后重新导出",
                               f"column {label} holds a number of more than 15 digits: its last digits are "
                               f"lost; save the column as text", number)

    def _cell(self, path, number, func, value, label):
        try:
            return func(value)
        except (cells.CellError, ValueError):
            raise BadInput(path, f"{label} 无法识别: {cells.text(value)!r}",
                           f"cannot read {label}: {cells.text(value)!r}", number) from None

    def _date(self, path, number, value, label):
        if not cells.text(value):
            return None
        return self._cell(path, number, cells.day, value, label)

    def _count(self, ex: Extraction, existing, new) -> None:
        if existing is None:
            return
        if same_open(existing, new):
            ex.present += 1
        else:
            ex.updated += 1


class FundListImporter(TabularImporter):
    kind = "指标文件清单 fund indicator list"
    spec = FUND_LIST
    section = "funds"

    def read(self, path: Path, ctx: ImportContext) -> Extraction:
        ex = Extraction(path, self, self.kind, "registers")
        opens, waiting = [], []
        taken = set(ctx.master.funds)
        by_doc = {doc_key(f.doc_no): f for f in ctx.master.funds.values()}
        labels = self.header(path)[3]

        def document(_number, row):
            doc_no = cells.text(row["doc_no"])
            return doc_key(doc_no), doc_no

        for number, row, _ in self.records(path, ex, document, ("指标文号 ", "document number ")):
            doc_no = cells.text(row["doc_no"])
            level = self._cell(path, number, acc.normalize_level, cells.text(row["level"]), "资金级次 level")
            known = by_doc.get(doc_key(doc_no))
            code = known.code if known else self._cell(
                path, number, lambda d, lv=level: acc.fund_code(d, lv, taken), doc_no, "指标文号 document number")
            taken.add(code)
            scale = cells.unit(labels["amount"])
            amount = self._cell(path, number, lambda cell, scale=scale: cells.amount(cell, scale=scale),
                                row["amount"], "金额 amount")
            if amount is None:
                raise BadInput(path, "金额为空", "empty amount", number)
            issued = self._date(path, number, row["issued"], "下达日期 issue date")
            received = self._date(path, number, row.get("received"), "到账日期 arrival date")
            account = acc.fund_account(level, code)
            fund = master_open(account, issued, {
                "name": cells.text(row["title"]), "doc_no": doc_no, "level": level,
                "func_code": cells.text(row.get("func_code")), "amount": money(amount),
                "issued": issued, "received": received, "earmarked": True,
                "direct": "直达" in cells.text(row.get("note"))})
            self._count(ex, ctx.master.accounts.get(account), fund)
            opens += [fund, master_open(acc.allot_fund_account(code), issued, {"name": f"{doc_no} 已分解下达"})]
            into = cells.text(row.get("into"))
            if received and into in ("", "国库"):
                if ctx.treasury():
                    ex.entries.append(self._receipt(path, ctx, number, fund, code, amount, received))
                else:
                    waiting.append(number)
        if waiting:
            ex.warnings.append(
                f"第{'、'.join(map(str, waiting))}行的到账未记账: 账簿中没有唯一的国库账户 "
                "(在 accounts.beancount 开立或导入国库支付凭证后重新导入本清单) / receipts not booked: "
                "no single treasury account (open one or import treasury vouchers, then re-import)")
        ex.masterdata[FUNDS_FILE] = opens
        return ex

    def _receipt(self, path, ctx: ImportContext, number, fund: data.Open, code, amount, received):
        treasury = ctx.treasury()
        meta = self.meta(path, ctx, (code, treasury), row=number)
        meta["doc_no"] = fund.meta["doc_no"]
        return txn(meta, received, "上级财政", f"{fund.meta['doc_no']} {fund.meta['name']} 到账", {code},
                   [posting(treasury, amount), posting(fund.account, -amount)])


def _promise(importer, path, number, row) -> dict:
    """The benefit-link promise of a library row (带动类型, 承诺数量, 承诺单位), when it gives one."""
    count = importer._cell(path, number, cells.amount, row.get("promise"), "承诺数量 promise")
    if count is None:
        return {}
    count = Decimal(plain(count))  # 3 for 3.00: the promise as the library writes it
    return {"promise_kind": cells.text(row.get("promise_kind")), "promise": count,
            "promise_unit": cells.text(row.get("promise_unit"))}


class ProjectLibraryImporter(TabularImporter):
    kind = "项目库 project library"
    spec = PROJECT_LIBRARY
    section = "projects"

    def extra_columns(self, header, col) -> dict[int, str]:
        return {i: f"资金规模·{level}" for level, i in self._level_columns(header, col)}

    def read(self, path: Path, ctx: ImportContext) -> Extraction:
        ex = Extraction(path, self, self.kind, "registers")
        table, index, col, labels = self.header(path)
        levels = self._level_columns(table.rows[index][1], col)
        scale = cells.unit(labels["budget"])

        def in_yuan(cell):
            return cells.amount(cell, scale=scale)
        funds = {doc_key(f.doc_no): f.code for f in ctx.master.funds.values()}
        towns = {p.name: code for code, p in ctx.master.towns.items()}
        opens, unmatched, unknown_places = [], [], set()

        def project_code(_number, row):
            code = cells.text(row["code"])
            return code, code

        for number, row, raw in self.records(path, ex, project_code, ("项目编号 ", "project code ")):
            code = cells.text(row["code"])
            if not code or not code[0].isalnum() or not code.isascii():
                raise BadInput(path, f"项目编号 {code!r} 不能用作账户名(需以字母或数字开头的ASCII)",
                               f"project code {code!r} cannot name an account (ASCII, letter/digit first)",
                               number)
            budget = self._cell(path, number, in_yuan, row["budget"], "资金规模 budget")
            if budget is None:
                raise BadInput(path, "资金规模为空", "empty budget", number)
            sources = cells.text(row.get("sources"))
            fund = funds.get(doc_key(sources), "")
            if sources and not fund:
                unmatched.append(f"{code}({sources})")
            town, village = cells.text(row.get("town")), cells.text(row.get("village"))
            place = {"town": towns.get(town, town),
                     "village": ctx.master.village_code(village, town) or village}
            unknown_places |= {name for name, code in ((town, place["town"]), (village, place["village"]))
                               if name and name == code}
            dates = {k: self._date(path, number, row.get(k), self.spec[k].label)
                     for k in ("start", "end", "approved")}
            opened = dates["approved"] or dates["start"] or datetime.date.today()
            meta = {"name": cells.text(row["name"]), "category": cells.text(row.get("category")),
                    "nature": cells.text(row.get("nature")), **place,
                    "task": cells.text(row.get("task")), "standard": cells.text(row.get("standard")),
                    "budget": money(budget), "fund": fund, "sources": sources,
                    "start": dates["start"], "end": dates["end"], "unit": cells.text(row.get("unit")),
                    "manager": cells.text(row.get("manager")), "goal": cells.text(row.get("goal")),
                    "linkage": cells.text(row.get("linkage")),
                    "households": self._cell(path, number, _int, row.get("households"),
                                             "受益户数 households"),
                    "poor_households": self._cell(path, number, _int, row.get("poor_households"),
                                                  "受益脱贫户数 poor households"),
                    "approved": dates["approved"], "phone": cells.text(row.get("phone"))}
            meta.update(_promise(self, path, number, row))
            parts = {}
            for level, i in levels:
                value = self._cell(path, number, in_yuan, raw[i] if i < len(raw) else None,
                                   "资金级次金额 level amount")
                if value is not None:
                    parts[f"budget_{acc.FUND_LEVELS[level][0].lower()}"] = money(value)
            if parts and sum(p.number for p in parts.values()) != meta["budget"].number:
                ex.warnings.append(f"第{number}行 {code}: 各级资金之和 "
                                   f"{sum(p.number for p in parts.values()):,.2f} ≠ 资金规模 "
                                   f"{meta['budget'].number:,.2f} / level amounts do not add up")
            meta.update(parts)
            account = acc.project_account(code)
            project = master_open(account, datetime.date(opened.year, 1, 1), meta)
            self._count(ex, ctx.master.accounts.get(account), project)
            opens += [project, master_open(acc.allot_project_account(code), project.date,
                                     {"name": f"{meta['name']} 下达资金"})]
        if unmatched:
            ex.warnings.append(
                f"{len(unmatched)} 个项目的资金来源文号不在指标清单(funds.beancount)中，未填 fund: "
                f"{'、'.join(unmatched)} / {len(unmatched)} projects cite a 资金来源文号 that is not "
                "in the fund indicator list: their `fund` is left empty, import the list or fix the library")
        if unknown_places:
            ex.warnings.append(f"乡镇/行政村名称不在 county.beancount 中(按名称保存): "
                               f"{'、'.join(sorted(unknown_places))} / places not in the county master data")
        ex.masterdata[PROJECTS_FILE] = opens
        return ex

    @staticmethod
    def _level_columns(header, col) -> list[tuple[str, int]]:
        """Per-level budget columns (其中:中央衔接资金, 省级衔接资金, 区级配套...) between 资金规模
        and 资金来源文号: (the level, as `accounts.level_in` reads the label: 中央, 省级, ...,
        column)."""
        stop = col.get("sources", len(header))
        out = []
        for i in range(col["budget"] + 1, stop):
            level = acc.level_in(cells.fold(header[i] if i < len(header) else ""))
            if level:
                out.append((level, i))
        return out


def _int(value) -> Decimal | None:
    """A count ("41", "41户"), as the Decimal beancount's parser would make of it."""
    text = cells.fold(cells.text(value)).removesuffix("户")
    if text and not text.isdigit():
        raise cells.CellError(f"不是户数 not a count: {text!r}")
    return Decimal(int(text)) if text else None


class PersonRegisterImporter(TabularImporter):
    """households / officials -> registers/<kind>.csv, upserted by key."""

    # a household's members may each have a row of its 户编号: a row is one person of a household
    SPECS = {"households": (HOUSEHOLDS, ("户编号", "身份证号")),
             "officials": (OFFICIALS, ("身份证号", "关系人身份证号"))}

    def __init__(self, register: str, workspace=None):
        super().__init__(workspace)
        self.register = register
        self.spec, self.key = self.SPECS[register]
        self.section = register
        self.kind = REGISTER_TITLES[register] + {"households": " household register",
                                                 "officials": " cadres register"}[register]

    @property
    def name(self) -> str:
        return f"fundtrail.register.{self.register}"

    def score(self, path: Path) -> int:
        """A table paying an amount for a subsidy item (发放金额 and 补贴项目 columns) is a roster
        (fundtrail.importers.rosters), not a household register, however many of a register's
        columns (户主姓名, 公民身份号码, 所在村) it has."""
        value = super().score(path)
        if value and self.register == "households" \
                and header_score(sniffed_head(path), ROSTER.requiring(*ROSTER_PAYS)) == 100:
            return 0
        return value

    def read(self, path: Path, ctx: ImportContext) -> Extraction:
        ex = Extraction(path, self, self.kind, "registers")
        target = Path(ctx.master.registers.get(self.register) or ctx.root / "registers" / f"{self.register}.csv")
        existing = ({tuple(r.get(k) or "" for k in self.key): r for r in read_register(target)}
                    if target.is_file() else {})
        rows = []

        def person(number, row):
            key = tuple(cells.text(row.get(k)) for k in self.key)
            if not all(key):
                raise BadInput(path, f"缺少 {'、'.join(self.key)}", f"missing {', '.join(self.key)}", number)
            return key, "/".join(key)

        unknown = set()
        for number, row, _ in self.records(path, ex, person):
            record = {h: cells.text(row.get(h)) for h in REGISTER_HEADERS[self.register]}
            for h in record:  # dates as the register keeps them (YYYY-MM-DD), whatever the file wrote
                if self.spec[h].type == "date" and record[h]:
                    record[h] = self._date(path, number, row.get(h), h).isoformat()
            village = record.get("行政村", "")
            if village and not ctx.master.village_code(village, record.get("乡镇", "")):
                unknown.add(village)
            key = tuple(record[k] for k in self.key)
            old = existing.get(key)
            if old is not None:
                if {h: old.get(h, "") for h in record} == record:
                    ex.present += 1
                else:
                    ex.updated += 1
            rows.append(record)
        if unknown and ctx.master.villages:
            ex.warnings.append(unresolved_villages(unknown))
        ex.registers[self.register] = (target, self.key, rows)
        return ex
