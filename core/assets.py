"""After the money is spent: project assets (项目资产), their income and its distribution
(收益分配), and the summary of the monitored households of the household register (防返贫监测;
the register itself is read by fundtrail.registers).

Master data (read by `MasterData.from_entries` through `READERS`):

    2024-12-20 custom "asset" "ZC2024-003"
      name: "张山前村来料加工扶贫车间"
      class: "经营性"                 ; 经营性 | 公益性 | 到户类
      project: "QH2024-003"           ; the project that formed it (its 验收 precedes this date)
      village: "370405101201"         ; where it stands (default: the project's village)
      owner: "张山前村股份经济合作社"   ; 村集体 or 农户
      value: 812000.00 CNY            ; from the project's spending
      custodian: "张山前村村民委员会"   ; 管护主体
      income: 48000.00 CNY            ; expected yearly income (经营性 only)

    2025-09-30 custom "asset-disposal" "ZC2024-003" "出售"   ; 出售 | 报废 | 转让
      approval: "青禾乡振〔2025〕41号"  ; the approving document; none = a finding
      proceeds: 150000.00 CNY

The books (`AssetBook.of(index, assets)`, built once per load as `FlowIndex.asset_book`): income of an asset is credited to
`Income:Asset:<asset id>` and lands in the owner village's collective account
`Assets:Collective:<village code>`; distributions leave that account to
`Expenses:Distribution:<village code>` with posting metadata `kind`, the distribution's purpose
(分红到户 / 公益岗位工资 / 村级公益事业), `asset`, and for a household `beneficiary id_no card` as on a subsidy row. Per
village, income received = distributed + held (the collective account's balance).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from beancount.core import data

from fundtrail import accounts as acc
from fundtrail.directives import (
    Fields,
    MasterDataError,
    custom_key,
    custom_values,
    meta_text,
    meta_text_list,
)
from fundtrail.registers import RISKS, HouseholdRegister, id_no

ZERO = Decimal(0)
CLASSES = ("经营性", "公益性", "到户类")
OPERATING = "经营性"
PURPOSES = ("分红到户", "公益岗位工资", "村级公益事业")  # what a distribution pays for (its `kind:`)
TO_HOUSEHOLDS = ("分红到户", "公益岗位工资")
DISPOSAL_KINDS = ("出售", "报废", "转让")


@dataclass(slots=True)  # read-only: see fundtrail.masterdata.MasterData
class Asset:
    """A project asset as registered after acceptance."""

    id: str
    registered: datetime.date
    name: str
    cls: str
    project: str
    village: str
    owner: str
    value: Decimal
    custodian: str
    expected_income: Decimal
    entry: object = field(compare=False, repr=False, default=None)

    @property
    def operating(self) -> bool:
        return self.cls == OPERATING


@dataclass(frozen=True)
class Disposal:
    """A sale, scrapping or transfer (处置) of an asset, with the document that approved it."""

    asset: str
    date: datetime.date
    kind: str
    approval: str
    proceeds: Decimal
    entry: object = field(compare=False, repr=False, default=None)


_ASSET_TEXTS = ("name", "project", "village", "owner", "custodian")


def read_asset(md, entry: data.Custom) -> None:
    meta, code = entry.meta, custom_key(entry)
    cls = meta_text(meta, "class")
    if cls not in CLASSES:
        raise MasterDataError(f"资产 {code} 的类别 class 应为 {'/'.join(CLASSES)}: {cls!r}")
    # thousands of assets: the texts unpacked from one list, an amount beancount typed taken
    # as it is (`Fields` reads the others), the fields in their order (no keywords)
    name, project, village, owner, custodian = meta_text_list(meta, _ASSET_TEXTS)
    value, income = meta.get("value"), meta.get("income")
    if type(value) is data.Amount:
        value = value.number
    elif type(value) is not Decimal:
        value = ZERO if value is None else Fields(md, entry).num("value")
    if type(income) is data.Amount:
        income = income.number
    elif type(income) is not Decimal:
        income = ZERO if income is None else Fields(md, entry).num("income")
    if not village:
        held = md.projects.get(project)
        village = held.village if held else ""
    md.assets[code] = Asset(code, entry.date, name, cls, project, village, owner, value,
                            custodian, income, entry)


def read_disposal(md, entry: data.Custom) -> None:
    code, kind = custom_values(entry, "资产编号 asset", "出售|报废|转让")
    if kind not in DISPOSAL_KINDS:
        raise MasterDataError(f"处置方式应为 {'/'.join(DISPOSAL_KINDS)}: {kind!r}")
    md.disposals[code] = Disposal(code, entry.date, kind, meta_text(entry.meta, "approval").strip(),
                                  Fields(md, entry).num("proceeds"), entry)


READERS = {"asset": read_asset, "asset-disposal": read_disposal}


# -- the books: income and distributions ---------------------------------------------------
@dataclass(slots=True)
class Movement:
    """One income or distribution posting, seen from the collective that owns the money."""

    entry: object
    posting: object
    date: datetime.date
    village: str
    asset: str
    amount: Decimal  # income: + received; distribution: + paid out
    purpose: str = ""  # a distribution's purpose (its `kind:`, one of PURPOSES)
    meta: dict = field(default_factory=dict)
    person: str = ""  # the household's ID number (`id_no:`, as `fundtrail.idno` compares it)


_HELD_IN, _EARNED_BY = acc.COLLECTIVE + ":", acc.ASSET_INCOME + ":"  # layer prefixes
_new = object.__new__
# a posting's fields by position (as the flow index's pass reads them: less than a named field)
_ACCOUNT, _UNITS, _META, _NUMBER = data.Posting._fields.index("account"), \
    data.Posting._fields.index("units"), data.Posting._fields.index("meta"), \
    data.Amount._fields.index("number")


def _place(income: list, start: int, collective, assets: dict) -> None:
    """The village of an entry's incomes (`income[start:]`): the collective the entry's money
    lands in, else the asset's own."""
    for move in income[start:]:
        asset = assets.get(move.asset)
        move.village = collective or (asset.village if asset else "")


@dataclass
class AssetBook:
    income: list[Movement] = field(default_factory=list)
    distributions: list[Movement] = field(default_factory=list)
    held: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))  # village

    @classmethod
    def of(cls, index, assets: dict[str, Asset]) -> AssetBook:
        """From the flow index's collective-layer postings (`FlowIndex.collective`), entry by
        entry (an entry's postings are adjacent): a movement made as its posting comes, an
        income's village (the entry's collective, which may come after it) once its entry is
        read."""
        book, layers = cls(), {}
        income, distributions, held = book.income, book.distributions, book.held
        current, collective, placed = None, None, 0  # the entry read, its collective, incomes placed
        for entry, posting in index.collective:
            if entry is not current:
                if placed < len(income):
                    _place(income, placed, collective, assets)
                    placed = len(income)
                current, collective, date = entry, None, entry.date
            account = posting[_ACCOUNT]
            try:
                layer, code = layers[account]
            except KeyError:  # once per account: its layer's prefix and its asset or village
                layer = next(p for p in acc.COLLECTIVE_LAYER if account.startswith(p))
                layer, code = layers[account] = layer, acc.leaf(account)
            if layer == _HELD_IN:  # the collective's own account: its balance, no movement
                if collective is None:
                    collective = code
                held[code] += posting[_UNITS][_NUMBER]
                continue
            meta = posting[_META] or {}
            person = meta.get("id_no")  # read once here, not at every asking
            if not person:
                person = ""  # asset income, a collective's own spending
            elif not (type(person) is str and person.isdigit() and person.isascii()):
                person = id_no(person)  # a plain number of digits is its own normal form
            # thousands of movements: their fields set here, one a statement (a class call runs
            # the dataclass's `__init__` from C, which costs more); no list or tuple per entry
            move = _new(Movement)
            move.entry, move.posting, move.date = entry, posting, date
            if layer == _EARNED_BY:
                move.asset, move.amount, move.purpose = code, -posting[_UNITS][_NUMBER], ""
                income.append(move)  # its village once the entry is read (`_place`)
            else:
                move.village, move.asset = code, str(meta.get("asset", ""))
                move.amount, move.purpose = posting[_UNITS][_NUMBER], str(meta.get("kind", ""))
                distributions.append(move)
            move.meta, move.person = meta, person
        if placed < len(income):
            _place(income, placed, collective, assets)
        return book

    def by_village(self) -> dict[str, dict[str, Decimal]]:
        """{village: {"received", "distributed", "held"}} over the whole books."""
        out = defaultdict(lambda: {"received": ZERO, "distributed": ZERO, "held": ZERO})
        for move in self.income:
            out[move.village]["received"] += move.amount
        for move in self.distributions:
            out[move.village]["distributed"] += move.amount
        for village, balance in self.held.items():
            out[village]["held"] += balance
        return dict(out)

    def last_income(self) -> dict[str, datetime.date]:
        last = {}
        for move in self.income:
            if move.amount > 0:
                last[move.asset] = max(move.date, last.get(move.asset, move.date))
        return last


# -- summaries for the notices, the disclosure and Fava -------------------------------------
def in_service(master, asset: Asset, end: datetime.date) -> bool:
    """The asset is registered by `end` and not sold, scrapped or transferred by then
    (`master.disposals`): what an asset value counts."""
    disposal = master.disposals.get(asset.id)
    return asset.registered <= end and not (disposal and disposal.date <= end)


def summary(master, book: AssetBook, village: str, start: datetime.date | None,
            end: datetime.date) -> dict:
    """One village's assets, their income and its distribution: per asset registered by `end`
    (those disposed of by then too, with their disposal) the income in [start, end] and to
    `end`; the distributions in [start, end]; `in_service`, the count of the assets in service
    at `end`; the totals, where received_cum = distributed_cum + held and value is the value of
    the assets in service (`in_service`: a sold or scrapped asset is no longer the village's).
    The village notice, Fava's asset page and the county disclosure read these figures."""
    assets = [a for a in master.assets.values() if a.village == village and a.registered <= end]
    income_q, income_cum = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    for move in book.income:
        if move.village == village and move.date <= end:
            income_cum[move.asset] += move.amount
            if start is None or move.date >= start:
                income_q[move.asset] += move.amount
    paid = [m for m in book.distributions if m.village == village and m.date <= end]
    rows = [m for m in paid if start is None or m.date >= start]
    disposed = {code: d for code, d in master.disposals.items() if d.date <= end}
    held = [a for a in assets if in_service(master, a, end)]
    received_cum = sum(income_cum.values(), ZERO)
    distributed_cum = sum((m.amount for m in paid), ZERO)
    by_purpose = {purpose: sum((m.amount for m in rows if m.purpose == purpose), ZERO)
                  for purpose in PURPOSES}
    return {
        "assets": [{"asset": a, "income_q": income_q[a.id], "income_cum": income_cum[a.id],
                    "disposal": disposed.get(a.id)} for a in sorted(assets, key=lambda a: a.id)],
        "in_service": len(held),
        "distributions": rows, "by_purpose": by_purpose,
        "totals": {"received_q": sum(income_q.values(), ZERO), "received_cum": received_cum,
                   "distributed_q": sum((m.amount for m in rows), ZERO),
                   "distributed_cum": distributed_cum, "held": received_cum - distributed_cum,
                   "value": sum((a.value for a in held), ZERO)},
    }


def by_class_and_village(master, end: datetime.date) -> list[dict]:
    """The assets in service at `end` (`in_service`), grouped by class then village: [{cls,
    count, value, villages: [{village, assets, value}]}] in the order of CLASSES. Each
    village's value is its `summary`'s."""
    out = []
    for cls in CLASSES:
        mine = [a for a in master.assets.values() if a.cls == cls and in_service(master, a, end)]
        if not mine:
            continue
        villages = defaultdict(list)
        for a in sorted(mine, key=lambda a: (a.village, a.id)):
            villages[a.village].append(a)
        out.append({"cls": cls, "count": len(mine), "value": sum((a.value for a in mine), ZERO),
                    "villages": [{"village": v, "assets": rows, "value": sum((a.value for a in rows), ZERO)}
                                 for v, rows in villages.items()]})
    return out


def monitored_summary(register: HouseholdRegister, village_name: str,
                      start: datetime.date, end: datetime.date) -> dict:
    """The households of a village at risk in [start, end], by risk colour, as the three-colour
    rules count them (fundtrail.plugins.rules.households): one row per household
    (`HouseholdRegister.heads`), a 监测户 not yet cleared or a 脱贫户 or 监测户 graded by colour
    and not yet cleared (`Household.watched_in`)."""
    rows = sorted((h for h in register.heads()
                   if h.village == village_name and h.watched_in(start, end)),
                  key=lambda h: ("红橙蓝".find(h.risk) if h.risk else 3, h.number))
    counts = {risk: sum(1 for h in rows if h.risk == risk) for risk in RISKS}
    return {"households": rows, "counts": counts,
            "identified": sum(1 for h in rows if h.identified and start <= h.identified <= end),
            "cleared": sum(1 for h in rows if h.cleared and start <= h.cleared <= end)}
