"""The personal-data registers a ledger names (`custom "register" "<kind>" "<path>"`): the
household register (脱贫户/监测户登记册), the officials register (干部及亲属登记册) and the
departments' screening list (部门筛查预警名单).

`read_rows(path)` reads a register with the one error policy every reader shares: a register
that cannot be used (missing, not UTF-8 CSV, no 身份证号 column) reads as no rows and the
reason. `HouseholdRegister.read(path)` types the household register, under the same policy,
straight from the CSV's rows (`read_table`, no dict per row): one `Household` per ID number
(the last row of an ID wins) and the problems of its rows, each listed once.
`Officials.read(path, households)` types the officials register: who counts as a cadre or a
cadre's relative, by ID number, account and name. The flow index reads each once per load
(`FlowIndex.household_register`, `FlowIndex.officials`, `FlowIndex.screening_register`).

A problem is text a user reads (a finding's message, a Fava page): Chinese, naming the
register's file by its path inside the workspace (registers/households.csv, `shown_name`),
never the machine's path.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal, InvalidOperation
from itertools import islice

from fundtrail.idno import account_no, id_no  # the one normalisation of ID and card numbers
from fundtrail.sheets import csv_unguarded
from fundtrail.workspace import REGISTER_TITLES, shown_name

RISKS = {"红": "极易返贫", "橙": "容易返贫", "蓝": "不易返贫"}
MONITORED = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
ID_COLUMN = "身份证号"


def read_register(path: str) -> list[dict[str, str]]:
    """Rows of a personal-data register CSV (UTF-8, header on the first line), as
    csv.DictReader reads them."""
    header, lines = read_table(path)
    width, rows = len(header), []
    for row in lines:  # as csv.DictReader reads them, a few times faster
        record = dict(zip(header, row, strict=False))
        if len(row) > width:
            record[None] = row[width:]
        elif len(row) < width:
            record.update(dict.fromkeys(header[len(row):]))
        rows.append(record)
    return rows


def read_table(path: str) -> tuple[list[str], list[list[str]]]:
    """(header, the non-empty rows as lists) of a register CSV; ([], []) when it is empty. A
    cell fundtrail wrote guarded against spreadsheet formulas (`'=HYPERLINK(...)`,
    fundtrail.sheets.csv_text) reads as the text it was given."""
    # the bytes decoded at once: the text that open(..., newline="").read() gives, without
    # its decoding chunk by chunk
    with open(path, "rb") as handle:
        text = handle.read().decode("utf-8-sig")
    lines = _plain_lines(text)
    if lines is None:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if header is None:
            return [], []
        rows = [row for row in reader if row]
    else:  # what csv.reader gives these lines, split in C a few times faster (an empty
        # text, or an empty line after its last line end, reads as csv.reader reads it: no rows)
        header = lines[0].split(",") if lines[0] else []
        rows = [line.split(",") for line in islice(lines, 1, None) if line]
    if "'" in text:  # only then can a cell be guarded
        header, rows = unguarded(header), [unguarded(row) for row in rows]
    return header, rows


def _plain_lines(text: str) -> list[str] | None:
    """The lines of a CSV text that csv.reader would read as plain comma-separated fields, None
    when it might not: a quote (a quoted field), a NUL (some Python versions' csv.reader
    refuses it) or a line longer than csv's field size limit (csv.Error when a field is)
    leaves the text to csv.reader. Lines end at \\r\\n, \\r or \\n, as csv.reader's do (not
    str.splitlines' wider set); an empty line is "" (csv.reader's [])."""
    if '"' in text or "\0" in text:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    return None if max(map(len, lines)) > csv.field_size_limit() else lines


def unguarded(row: list[str]) -> list[str]:
    """The cells of a register row as they were before the formula guard (fundtrail.sheets)."""
    return [csv_unguarded(cell) if cell[:1] == "'" else cell for cell in row]


def read_rows(path: str) -> tuple[list[dict[str, str]], str]:
    """(rows, "") of the register at `path`, or ([], why it cannot be used)."""
    return _checked(path, read_register, lambda rows: rows and ID_COLUMN not in rows[0], [])


def _checked(path: str, read, lacks_id, empty):
    """(what `read(path)` returns, "") or (`empty`, why the register cannot be used): the one
    error policy of every register reader."""
    try:
        rows = read(path)
    except FileNotFoundError:
        return empty, f"登记册文件“{shown_name(path)}”不存在"
    except UnicodeDecodeError:
        return empty, f"登记册文件“{shown_name(path)}”无法读取：不是 UTF-8 编码（请另存为 UTF-8 CSV）"
    except csv.Error:
        return empty, f"登记册文件“{shown_name(path)}”无法读取：CSV 格式有误（应为 UTF-8 CSV）"
    except OSError:
        return empty, f"登记册文件“{shown_name(path)}”无法打开（应为 UTF-8 CSV 文件）"
    if lacks_id(rows):
        return empty, f"登记册文件“{shown_name(path)}”缺少“身份证号”列"
    return rows, ""


def read_checked_table(path: str) -> tuple[tuple[list[str], list[list[str]]], str]:
    """((header, rows), "") of the register at `path` as `read_table` reads it, or
    (([], []), why it cannot be used): `read_rows`'s policy without a dict per row."""
    return _checked(path, read_table, lambda table: table[1] and ID_COLUMN not in table[0], ([], []))


_TEXTS = ("户编号", "户主姓名", "身份证号", "行政村", "户类型", "风险等级", "一卡通账号", "帮扶措施")
_DATES = ("识别日期", "风险消除日期", "措施落实日期", "走访日期")


class Household:
    """A row of the household register, typed: 户编号, 户主姓名, 身份证号, 行政村 (its name, as the
    register writes it), 户类型 (`category`), 风险等级 (`risk`: 红/橙/蓝, "" when not graded),
    一卡通账号 (`card`), 识别日期 (for a 脱贫户 graded by colour: the day it was graded) and
    风险消除日期, and what the national monitoring system's export says was done: 帮扶措施
    (`measure`), 措施落实日期 (`helped`, the day the measure took effect) and 走访日期 (`visited`,
    the latest household visit). Read-only by convention."""

    __slots__ = ("number", "name", "id_no", "village", "category", "risk", "card", "measure",
                 "identified", "cleared", "helped", "visited")

    def __init__(self, number, name, id_no, village, category, risk, card, measure="",
                 identified=None, cleared=None, helped=None, visited=None):
        self.number, self.name, self.id_no, self.village = number, name, id_no, village
        self.category, self.risk, self.card, self.measure = category, risk, card, measure
        self.identified, self.cleared = identified, cleared
        self.helped, self.visited = helped, visited

    @property
    def monitored(self) -> bool:
        return self.category.startswith("监测户") or any(k in self.category for k in MONITORED)

    @property
    def graded(self) -> bool:
        """Under three-colour management (三级风险三色管理): a 脱贫户 or 监测户 with a colour and the
        day it was identified (graded)."""
        return bool(self.risk and self.identified)

    def graded_in(self, start: datetime.date, end: datetime.date) -> bool:
        """Graded (a 脱贫户 or 监测户 with a colour and a 识别日期) and not yet cleared somewhere
        in [start, end]."""
        return (self.graded and self.identified <= end
                and (self.cleared is None or self.cleared >= start))

    def at_risk(self, start: datetime.date, end: datetime.date) -> bool:
        """Monitored and not yet cleared somewhere in [start, end]."""
        return (self.monitored and (self.identified is None or self.identified <= end)
                and (self.cleared is None or self.cleared >= start))

    def watched_in(self, start: datetime.date, end: datetime.date) -> bool:
        """At risk somewhere in [start, end] as the three-colour rules and the village notice
        count it: a 监测户 not yet cleared (`at_risk`), or a 脱贫户 or 监测户 graded by colour and
        not yet cleared (`graded_in`)."""
        return self.at_risk(start, end) or self.graded_in(start, end)

    @property
    def household(self) -> str:
        """The household the row belongs to: its 户编号, else (a row without one is a household
        of its own) its ID number."""
        return self.number or self.id_no

    def __repr__(self):
        return f"Household({self.number} {self.village} {self.risk or '-'} {self.category})"


def person_key(number: str, name: str, village: str) -> str:
    """Who a row of a roll or a screening list is, for counting people once: the ID number, else
    the name within the village."""
    return number or f"{name}|{village}"


class HouseholdRegister:
    """The household register of one load: `households` by ID number, `problem` (why the
    register cannot be used, "" when it can or when the ledger names none) and `problems`
    (that reason and each malformed row, once)."""

    __slots__ = ("path", "households", "problem", "problems", "_members", "_heads", "_by_name")

    def __init__(self, path: str = "", households=None, problem: str = "", problems=()):
        self.path, self.households = path, households if households is not None else {}
        self.problem, self.problems = problem, list(problems)
        self._members = self._heads = self._by_name = None

    def members(self) -> dict[str, list[Household]]:
        """The rows by household (`Household.household`: 户编号, else ID number), in register
        order: a register with a row per person repeats the household's dates on each, or gives
        them on the head's row only. Built once (shared: do not change it)."""
        if self._members is None:
            out: dict[str, list[Household]] = {}
            for h in self.households.values():
                key = h.number or h.id_no  # `Household.household`, without a call per row
                rows = out.get(key)
                if rows is None:
                    out[key] = [h]
                else:
                    rows.append(h)
            self._members = out
        return self._members

    def heads(self) -> list[Household]:
        """One row per household, the one that stands for it: the first of its rows with a
        识别日期, else its first. Built once (shared: do not change it): the rules and each
        village page of Fava ask for it."""
        if self._heads is None:  # a household of one row, or whose first row has the date,
            # is that row: no search (and no generator) for it
            self._heads = [rows[0] if len(rows) == 1 or rows[0].identified
                           else next((r for r in rows if r.identified), rows[0])
                           for rows in self.members().values()]
        return self._heads

    def number_of(self, person: str) -> str:
        """The 户编号 the register gives a person (an ID number in normal form), "" when none."""
        held = self.households.get(person)
        return held.number if held is not None else ""

    def person(self, number: str = "", name: str = "", village: str = "") -> Household | None:
        """The register's row of a person named in a roll, list or register: by ID number when
        one is given, else by name within the village (the first such row), else, when no
        village is given either, by name alone (the first row of that name)."""
        if number:
            return self.households.get(number)
        if self._by_name is None:
            found: dict[tuple[str, str], Household] = {}
            for h in self.households.values():
                found.setdefault((h.name, h.village), h)
                found.setdefault((h.name, ""), h)
            self._by_name = found
        return self._by_name.get((name, village))

    @property
    def usable(self) -> bool:
        """The ledger names a register and it could be read."""
        return bool(self.path) and not self.problem

    @classmethod
    def read(cls, path: str) -> HouseholdRegister:
        """The register at `path` ("" = the ledger names none: an empty register)."""
        if not path:
            return cls()
        (header, rows), problem = read_checked_table(path)
        problems = [problem] if problem else []
        households = _typed_rows(header, rows, lambda number, why: problems.append(
            f"{REGISTER_TITLES['households']}“{shown_name(path)}”第{number}条记录：{why}"))
        return cls(path, households, problem, problems)


def _typed_rows(header: list[str], rows: list[list[str]], wrong_row) -> dict[str, Household]:
    """The register's rows (lists, in the header's columns) typed, by ID number (the last row
    of an ID wins); `wrong_row(number, why)` is told what is wrong with a row (its number
    counted from 1). A column the header lacks reads as empty; of a column named twice, the
    last is read, as csv.DictReader does. A date is parsed once per distinct text."""
    width = len(header)
    where = {name: i for i, name in enumerate(header)}  # the last of a name named twice
    number, name, person, village, category, risk, card, measure = (
        where.get(key, width) for key in _TEXTS)  # width: the "" each row gets at its end
    dates = [where.get(key, width) for key in _DATES]
    one, two, three, four = dates
    parsed: dict[str, datetime.date | None] = {"": None}  # a date as written -> the date
    pad = [""] * (width + 1)
    new = object.__new__
    households: dict[str, Household] = {}
    # no tuple, list or joined text per row: what is wrong is gathered for a wrong row only
    for count, row in enumerate(rows, 1):
        if len(row) != width:
            row = (row + pad)[:width]
        row.append("")
        household = new(Household)  # its fields set here: no __init__ run per row
        try:
            household.identified, household.cleared, household.helped, household.visited = \
                parsed[row[one]], parsed[row[two]], parsed[row[three]], parsed[row[four]]
            wrong = None
        except KeyError:  # a text not seen before, or not a date
            wrong = []
            household.identified, household.cleared, household.helped, household.visited = (
                _date(row[i], key, parsed, wrong) for key, i in zip(_DATES, dates, strict=True))
        given = row[person].strip()
        if not given or wrong:
            wrong_row(count, "；".join(([] if given else ["缺少身份证号"]) + (wrong or [])))
        grade = row[risk].strip()[:1]
        household.number, household.name = row[number].strip(), row[name].strip()
        household.id_no = person_id = given if given.isdigit() and given.isascii() else id_no(given)
        household.village, household.category = row[village].strip(), row[category].strip()
        household.risk = grade if grade in RISKS else ""
        household.card, household.measure = row[card].strip(), row[measure].strip()
        if person_id:
            households[person_id] = household
    return households


def _date(text: str, column: str, parsed: dict, wrong: list[str]) -> datetime.date | None:
    """The date a register cell gives (None when empty), kept in `parsed` under the text as
    written; a text that is not a date is noted in `wrong` (and not kept: each row saying it
    is listed)."""
    try:
        return parsed[text]
    except KeyError:
        pass
    value = text.strip()
    try:
        day = parsed[text] = datetime.date.fromisoformat(value) if value else None
    except ValueError:
        wrong.append(f"{column}格式应如 2024-05-01：{value}")
        return None
    return day


class Officials:
    """The officials register (干部及亲属登记册) of one load: its `rows`, `problem` (why it cannot
    be used, "" when it can or when the ledger names none), and who counts as related: by ID
    number (`ids`), account (`accounts`: the register's account columns, a relative's 一卡通
    card in the household register) and (name, village name) (`names`), each with the words
    that say why; `roles` says "cadre" or "relative" per ID number or account."""

    def __init__(self, rows=(), homes=None, path: str = "", problem: str = ""):
        """From the officials register's rows and the household register's households by ID
        number (a relative's 一卡通 card is read there)."""
        self.path, self.rows, self.problem = path, list(rows), problem
        self.problems = [problem] if problem else []
        homes = homes or {}
        self.ids, self.accounts, self.names = {}, {}, {}
        self.roles: dict[str, str] = {}  # ID number or account -> "cadre" or "relative"
        for row in self.rows:
            cadre, village = row.get("姓名", "").strip(), row.get("单位/村", "").strip()
            post = f"{village}{row.get('职务', '')}".strip()
            self.ids[id_no(row.get("身份证号"))] = f"本人为{post}{cadre}"
            self.roles[id_no(row.get("身份证号"))] = "cadre"
            self.names[(cadre, village)] = f"与{post}{cadre}同名同村"
            relative = row.get("关系人姓名", "").strip()
            if relative:
                tie = f"系{post}{cadre}的{row.get('关系', '亲属')}"
                self.ids[id_no(row.get("关系人身份证号"))] = tie + relative
                self.roles.setdefault(id_no(row.get("关系人身份证号")), "relative")
                self.names[(relative, village)] = f"与{post}{cadre}的{row.get('关系', '亲属')}同名同村"
                home = homes.get(id_no(row.get("关系人身份证号")))
                card = account_no(home.card) if home else ""
                if card:
                    self.accounts[card] = tie + relative
                    self.roles.setdefault(card, "relative")
            for column, value in row.items():
                card = account_no(value) if column and ("账号" in column or "卡号" in column) else ""
                if card:
                    self.accounts[card] = f"账户属于{post}{cadre}"
                    self.roles.setdefault(card, "cadre")
        self.ids.pop("", None)
        self.roles.pop("", None)

    @classmethod
    def read(cls, path: str, homes: dict) -> Officials:
        """The register at `path` ("" = the ledger names none: nobody is related), under the one
        error policy (`read_rows`); `homes` the household register's households."""
        if not path:
            return cls()
        rows, problem = read_rows(path)
        return cls(rows, homes, path, problem)

    def role(self, meta) -> str | None:
        """"cadre" or "relative" when a payment's `id_no:` or `card:` is a registered cadre's or
        relative's (not by name: a namesake is no relative), for marking public lists."""
        for key in (id_no(meta.get("id_no")), account_no(meta.get("card"))):
            if key and key in self.roles:
                return self.roles[key]
        return None

    def match(self, flow, village: str) -> str | None:
        """Why the payment `flow` (its beneficiary or payee, in the village named `village`) is
        to a related party, None when it is not."""
        meta = flow.meta
        name = str(meta.get("beneficiary") or flow.entry.payee or "").strip()
        for why in (self.ids.get(id_no(meta.get("id_no"))),
                    self.accounts.get(account_no(meta.get("card") or meta.get("payee_account") or
                                                 flow.entry.meta.get("payee_account"))),
                    self.names.get((name, village))):
            if why:
                return why
        return None


# -- the departments' screening lists (部门筛查预警) -----------------------------------------------
SCREENING_KINDS = ("医疗", "教育", "灾害")  # medical self-pay, education expense, disaster


class Clue:
    """A row of the screening register (`custom "register" "screening"`): a risk clue one
    department reported. `kind` is one of SCREENING_KINDS; `id_no` may be "" (an education list
    names the parent and village only); `amount` (Decimal) is the self-paid medical cost, the
    education expense borne by the family or the direct disaster loss; `detail` what happened
    (hospital, school, 房屋倒塌...); `source` the list it came from."""

    __slots__ = ("kind", "id_no", "name", "town", "village", "date", "amount", "detail", "source")

    def __init__(self, kind, id_no, name, town, village, date, amount, detail="", source=""):
        self.kind, self.id_no, self.name, self.town, self.village = kind, id_no, name, town, village
        self.date, self.amount, self.detail, self.source = date, amount, detail, source

    def __repr__(self):
        return f"Clue({self.kind} {self.date} {self.name} {self.village} {self.amount})"


class ScreeningRegister:
    """The screening register of one load: `clues` in file order, `problem` (why it cannot be
    used) and `problems` (that reason and each malformed row)."""

    __slots__ = ("path", "clues", "problem", "problems")

    def __init__(self, path="", clues=(), problem="", problems=()):
        self.path, self.clues, self.problem, self.problems = path, list(clues), problem, list(problems)

    @classmethod
    def read(cls, path: str) -> ScreeningRegister:
        if not path:
            return cls()
        (header, rows), problem = read_checked_table(path)
        where = {name: i for i, name in enumerate(header)}
        clues, problems = [], [problem] if problem else []
        for number, row in enumerate(rows, 1):
            cell = {key: (row[i].strip() if i < len(row) else "") for key, i in where.items()}
            wrong = []
            kind = cell.get("类别", "")
            if kind not in SCREENING_KINDS:
                wrong.append(f"类别应为{'/'.join(SCREENING_KINDS)}：{kind or '（空）'}")
            try:
                day = datetime.date.fromisoformat(cell.get("日期", ""))
            except ValueError:
                wrong.append(f"日期格式应如 2024-05-01：{cell.get('日期', '') or '（空）'}")
            try:
                amount = Decimal(cell.get("金额", "") or "0")
            except InvalidOperation:
                wrong.append(f"金额应为数字：{cell.get('金额', '') or '（空）'}")
            if not (cell.get("身份证号") or cell.get("姓名")):
                wrong.append("缺少身份证号和姓名")
            if wrong:
                problems.append(f"{REGISTER_TITLES['screening']}“{shown_name(path)}”第{number}条记录："
                                + "；".join(wrong))
                continue
            given = cell.get("身份证号", "")
            clues.append(Clue(kind, id_no(given) if given else "", cell.get("姓名", ""),
                              cell.get("乡镇", ""), cell.get("行政村", ""), day, amount,
                              cell.get("情况", ""), cell.get("来源", "")))
        return cls(path, clues, problem, problems)
