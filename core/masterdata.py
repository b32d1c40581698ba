"""Master data read from ledger directives: county, towns, villages, subsidy items, funds,
projects, loans, notices, acceptances and the personal-data registers the ledger references.

Funds and projects are the `open` directives of their accounts (metadata = the register row);
the rest are `custom` directives. Plugins, reports and the Python API all read master data
through `MasterData.from_entries`, so there is one reading of the ledger model.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from decimal import Decimal

from beancount.core import data

from fundtrail import accounts as acc
from fundtrail import assets as _assets
from fundtrail.directives import (
    Fields,
    MasterDataError,
    custom_key,
    custom_values,
    flag,
    meta_text,
    meta_text_list,
)
from fundtrail.registers import read_register  # noqa: F401 (the importers read registers through here)

ZERO = Decimal(0)


_PROJECT_TEXTS = ("name", "category", "nature", "town", "village", "task", "standard", "sources",
                  "unit", "manager", "goal", "linkage", "phone")


@dataclass(frozen=True)
class County:
    code: str
    name: str
    bureau: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Place:
    """A town (乡镇/街道) or a village (行政村); villages name their town."""

    code: str
    name: str
    town: str = ""


PERIODS = ("once", "year", "half", "quarter", "month")  # how often a subsidy item may be paid


@dataclass(frozen=True)
class SubsidyItem:
    """A county subsidy item (补贴项目): its standard per payment (None: no standard) and how
    often one person may receive it (`PERIODS`; "" when the county did not say)."""

    name: str
    standard: Decimal | None
    period: str


@dataclass(frozen=True)
class Fund:
    """A budget indicator document (指标文号) and the income account that receives it."""

    code: str
    account: str
    doc_no: str
    title: str
    level: str
    func_code: str
    amount: Decimal
    issued: datetime.date | None
    earmarked: bool
    direct: bool


@dataclass(slots=True)  # read-only: see MasterData
class Project:
    """A project of the project library with every disclosure field."""

    code: str
    account: str
    name: str
    category: str
    nature: str
    town: str
    village: str
    task: str
    standard: str
    budget: Decimal
    sources: str
    start: datetime.date | None
    end: datetime.date | None
    unit: str
    manager: str
    goal: str
    linkage: str
    households: int
    poor_households: int
    approved: datetime.date | None
    phone: str
    meta: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Loan:
    """A micro-loan (小额信贷) to a registered household; interest subsidies link to its id."""

    id: str
    date: datetime.date
    household: str
    borrower: str
    borrower_id: str
    amount: Decimal
    term_months: int
    bank: str
    purpose: str
    used_by: str
    # read by the loan rules when given (a loans register's import writes them)
    due: datetime.date | None = None  # the original maturity (到期日期)
    rate: Decimal | None = None  # annual rate in percent (执行利率 3.45)


@dataclass(frozen=True)
class LoanStatus:
    """A loan's state as a register shows it on `date` (`custom "loan-status" "<loan id>"`): the
    word it gives (正常, 逾期, 结清, 展期), the settlement date, the overdue principal and the
    cumulative interest subsidy paid up to `subsidy_to`."""

    loan: str
    date: datetime.date
    status: str = ""
    settled: datetime.date | None = None
    overdue: Decimal = Decimal(0)
    subsidy_paid: Decimal | None = None
    subsidy_to: datetime.date | None = None
    due: datetime.date | None = None  # the maturity after an extension (展期), when given


@dataclass(slots=True)  # read-only: see MasterData
class Notice:
    """A public notice (公告公示) of a project: stage 'plan' before, 'completion' after."""

    project: str
    stage: str
    posted: datetime.date
    until: datetime.date
    place: str


@dataclass
class MasterData:
    """The county's master data, read from the ledger's directives once per load and shared by
    the checks, the reports and Fava: every record is read-only. The records that come by the
    thousand (projects, notices, assets, register rows) are slotted dataclasses rather than
    frozen ones, because a frozen dataclass costs about four times as much to build."""

    county: County | None = None
    towns: dict[str, Place] = field(default_factory=dict)
    villages: dict[str, Place] = field(default_factory=dict)
    subsidy_items: dict[str, SubsidyItem] = field(default_factory=dict)
    funds: dict[str, Fund] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    loans: dict[str, Loan] = field(default_factory=dict)
    loan_status: dict[str, LoanStatus] = field(default_factory=dict)  # loan id -> latest status
    notices: list[Notice] = field(default_factory=list)
    accepted: dict[str, datetime.date] = field(default_factory=dict)
    assets: dict = field(default_factory=dict)  # asset id -> fundtrail.assets.Asset
    disposals: dict = field(default_factory=dict)  # asset id -> fundtrail.assets.Disposal
    registers: dict[str, str] = field(default_factory=dict)  # kind -> absolute path
    accounts: dict[str, data.Open] = field(default_factory=dict)
    problems: list[tuple[object, str]] = field(default_factory=list)  # (entry, why) not read

    @classmethod
    def from_entries(cls, entries) -> MasterData:
        """The master data; a directive that cannot be read is left out and listed in
        `problems` (the checks plugin reports them at the directive's line)."""
        md = cls()
        accounts = md.accounts
        funds, projects = acc.FUND_INCOME + ":", acc.PROJECT + ":"
        custom, open_, readers = data.Custom, data.Open, _CUSTOM_READERS
        for entry in entries:
            kind = type(entry)
            if kind is custom:
                reader = readers.get(entry.type)
            elif kind is open_:
                account = entry.account
                accounts[account] = entry
                if account.startswith(projects):
                    reader = MasterData._add_project
                elif account.startswith(funds):
                    reader = MasterData._add_fund
                else:
                    continue
            else:
                continue
            if reader:
                try:
                    reader(md, entry)
                except MasterDataError as error:
                    md.problems.append((entry, str(error)))
        return md

    # -- names for display -------------------------------------------------------------
    def place_name(self, code: str) -> str:
        place = self.villages.get(code) or self.towns.get(code)
        return place.name if place else code

    def village_code(self, name: str, town: str = "") -> str:
        """The code of the village called `name` (a code is returned as is), within `town` (a
        town's name or code) when given; "" when no village, or more than one, has that name."""
        name, town = (name or "").strip(), (town or "").strip()
        if name in self.villages:
            return name
        found = [p for p in self.villages.values() if p.name == name]
        if town and len(found) > 1:
            found = [p for p in found if town in (p.town, self.place_name(p.town))]
        return found[0].code if len(found) == 1 else ""

    def account_name(self, account: str) -> str:
        entry = self.accounts.get(account)
        return str(entry.meta.get("name", account)) if entry else account

    # -- readers -----------------------------------------------------------------------
    def _add_fund(self, entry: data.Open) -> None:
        meta, typed = entry.meta, Fields(self, entry)
        code = acc.leaf(entry.account)
        level = acc.LEVEL_BY_COMPONENT.get(entry.account.split(":")[2], "")
        self.funds[code] = Fund(
            code=code, account=entry.account, doc_no=meta_text(meta, "doc_no"),
            title=meta_text(meta, "name"), level=level, func_code=meta_text(meta, "func_code"),
            amount=typed.num("amount"), issued=typed.date("issued"),
            earmarked=flag(meta.get("earmarked", True)), direct=flag(meta.get("direct", False)))

    def _add_project(self, entry: data.Open) -> None:
        # thousands of projects: the texts unpacked from one list, the numbers and dates
        # beancount already typed taken as they are (`Fields` reads the others), the fields
        # passed in their order (no keywords to match)
        meta, account = entry.meta, entry.account
        (name, category, nature, town, village, task, standard, sources, unit, manager, goal,
         linkage, phone) = meta_text_list(meta, _PROJECT_TEXTS)
        budget, start, end, approved = (meta.get("budget"), meta.get("start"), meta.get("end"),
                                        meta.get("approved"))
        households, poor = meta.get("households"), meta.get("poor_households")
        if type(budget) is data.Amount:
            budget = budget.number
        elif type(budget) is not Decimal:
            budget = ZERO if budget is None else Fields(self, entry).num("budget")
        if start is not None and type(start) is not datetime.date:
            start = Fields(self, entry).date("start")
        if end is not None and type(end) is not datetime.date:
            end = Fields(self, entry).date("end")
        if type(households) is not int:
            households = 0 if households is None else Fields(self, entry).int("households")
        if type(poor) is not int:
            poor = 0 if poor is None else Fields(self, entry).int("poor_households")
        if approved is not None and type(approved) is not datetime.date:
            approved = Fields(self, entry).date("approved")
        code = acc.leaf(account)
        # the directive's metadata as it is (read-only, as every record): no copy per project
        self.projects[code] = Project(
            code, account, name, category, nature, town, village, task, standard, budget,
            sources, start, end, unit, manager, goal, linkage, households, poor, approved, phone,
            meta)


def _read_county(md: MasterData, entry: data.Custom) -> None:
    meta = entry.meta
    md.county = County(custom_key(entry), meta_text(meta, "name"), meta_text(meta, "bureau"),
                       meta_text(meta, "phone"))


def _read_town(md: MasterData, entry: data.Custom) -> None:
    md.towns[custom_key(entry)] = Place(custom_key(entry), meta_text(entry.meta, "name"))


def _read_village(md: MasterData, entry: data.Custom) -> None:
    md.villages[custom_key(entry)] = Place(custom_key(entry), meta_text(entry.meta, "name"),
                                            meta_text(entry.meta, "town"))


def _given_num(typed: Fields, key: str) -> Decimal | None:
    """`typed.num(key)`, None when the directive does not give `key` (not 0)."""
    return typed.num(key) if typed.meta.get(key) is not None else None


def _read_subsidy_item(md: MasterData, entry: data.Custom) -> None:
    name = custom_key(entry)
    period = meta_text(entry.meta, "period")
    if period and period not in PERIODS:
        raise MasterDataError(f"补贴项目“{name}”的 period 应为 {'、'.join(PERIODS)} 之一"
                              f"（一次、每年、每半年、每季度、每月发放），实际为 {period!r}")
    standard = _given_num(Fields(md, entry), "standard")
    md.subsidy_items[name] = SubsidyItem(name, standard, period)


def _read_loan(md: MasterData, entry: data.Custom) -> None:
    meta, typed = entry.meta, Fields(md, entry)
    md.loans[custom_key(entry)] = Loan(
        id=custom_key(entry), date=entry.date, household=meta_text(meta, "household"),
        borrower=meta_text(meta, "borrower"), borrower_id=meta_text(meta, "borrower_id"),
        amount=typed.num("amount"), term_months=typed.int("term_months"),
        bank=meta_text(meta, "bank"), purpose=meta_text(meta, "purpose"), used_by=meta_text(meta, "used_by"),
        due=typed.date("due"), rate=_given_num(typed, "rate"))


def _read_loan_status(md: MasterData, entry: data.Custom) -> None:
    meta, typed, loan = entry.meta, Fields(md, entry), custom_key(entry)
    held = md.loan_status.get(loan)
    if held is not None and held.date > entry.date:
        return  # the latest status counts
    md.loan_status[loan] = LoanStatus(
        loan=loan, date=entry.date, status=meta_text(meta, "status"), settled=typed.date("settled"),
        overdue=typed.num("overdue"),
        subsidy_paid=_given_num(typed, "subsidy_paid"),
        subsidy_to=typed.date("subsidy_to"), due=typed.date("due"))


def _read_notice(md: MasterData, entry: data.Custom) -> None:
    values = entry.values  # thousands of notices: the two values read without a list
    if values and len(values) >= 2:
        project, stage = str(values[0].value), str(values[1].value)
    else:
        project, stage = custom_values(entry, "项目编号", "plan|completion")
    meta = entry.meta
    until = meta.get("until")  # a date as beancount reads it, else typed
    if type(until) is not datetime.date:
        until = Fields(md, entry).date("until")
    place = meta.get("place")
    md.notices.append(Notice(project, stage, entry.date, until or entry.date,
                             "" if place is None else str(place)))


def _read_acceptance(md: MasterData, entry: data.Custom) -> None:
    md.accepted[custom_key(entry)] = entry.date


def _read_register(md: MasterData, entry: data.Custom) -> None:
    kind, path = custom_values(entry, "登记册类别", "文件路径")
    base = os.path.dirname(entry.meta.get("filename", "") or ".")
    md.registers[kind] = os.path.normpath(os.path.join(base, path))


_CUSTOM_READERS = {
    "county": _read_county,
    "town": _read_town,
    "village": _read_village,
    "subsidy-item": _read_subsidy_item,
    "loan": _read_loan,
    "loan-status": _read_loan_status,
    "notice": _read_notice,
    "acceptance": _read_acceptance,
    "register": _read_register,
    **_assets.READERS,
}
