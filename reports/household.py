"""The household statement (到户帮扶资金明白卡): for one household of the household register and
one year, everything paid in its name: subsidies (一卡通 rows), asset-income dividends (分红到户),
public-welfare job wages (公益岗位工资) and micro-loan interest subsidies (小额信贷贴息).

A household is every row of the register that shares its 户编号 (a member may have a row of
their own, with the household's 户编号); what it received is what the flow index lists for each
member's ID number (`FlowIndex.help_of`, the one reading of "what a household received": bounced
rows left out, a refund as a negative line). Each line names the voucher or bank / 一卡通 serial
the accountant finds the entry by (`reference`).

    family = household.find(books, "HH00049")        # 户编号, or a member's ID number
    card = household.statement(books, family, 2025)  # lines, totals per category, the total
    household.card_pdf(books, family, 2025)          -> one A4 page (PDF bytes)

The card goes to the household itself: its members' names are shown; ID and card numbers are
masked as in every public output (`masking.masker_for(books, PUBLIC)`, the ledger's policy).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from fundtrail import gcpause
from fundtrail.flows import HELP_DISTRIBUTION, HELP_INTEREST, Help
from fundtrail.idno import id_no
from fundtrail.registers import Household
from fundtrail.reports import render

ZERO = Decimal(0)
SUBSIDY, DIVIDEND, WAGE, INTEREST = "补贴补助", "资产收益分红", "公益岗位工资", "小额信贷贴息"
CATEGORIES = (SUBSIDY, DIVIDEND, WAGE, INTEREST)
WAGE_WORDS = ("公益岗位", "公益性岗位")


@dataclass
class Family:
    """One household of the register: its 户编号 and its members' rows (the first is the head)."""

    number: str
    members: list[Household] = field(default_factory=list)
    village_code: str = ""

    @property
    def head(self) -> Household:
        return self.members[0]

    @property
    def village(self) -> str:
        return self.head.village

    @property
    def ids(self) -> list[str]:
        return [m.id_no for m in self.members]


@dataclass(frozen=True)
class Line:
    """One payment in the household's name: when, which category, what (the item or purpose),
    from which project or asset, how much, to which member, and the entry's reference."""

    date: datetime.date
    category: str
    item: str
    project: str
    amount: Decimal
    member: Household
    reference: str
    entry: object


@dataclass(frozen=True)
class Statement:
    family: Family
    year: int | None  # None: every year of the books
    lines: list[Line]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def by_category(self) -> dict[str, Decimal]:
        return {c: sum((line.amount for line in self.lines if line.category == c), ZERO)
                for c in CATEGORIES}


def families(books) -> dict[str, Family]:
    """Every household of the register by 户编号, members in register order (a row without a
    户编号 is a household of its own, keyed by its ID number); built once per load."""
    index = books.index

    def build():
        master = books.master
        return {key: Family(key, list(rows), master.village_code(rows[0].village))
                for key, rows in index.household_register.members().items()}
    return index.memo("household.families", build)


def find(books, key: str) -> Family | None:
    """The household of a 户编号 or of a member's ID number; None when the register has none."""
    key = str(key or "").strip()
    every = families(books)
    if key in every:
        return every[key]
    person = books.index.household_register.households.get(id_no(key))
    return every.get(person.household) if person else None


def of_village(books, village: str) -> list[Family]:
    """The households of a village (its code), by 户编号."""
    return sorted((f for f in families(books).values() if f.village_code == village),
                  key=lambda f: f.number)


def category(got: Help) -> str:
    """Which of the card's four categories a payment is."""
    if got.channel == HELP_INTEREST:
        return INTEREST
    if any(word in got.what for word in WAGE_WORDS):
        return WAGE
    return DIVIDEND if got.channel == HELP_DISTRIBUTION else SUBSIDY


def reference(entry, master) -> str:
    """What the accountant finds the entry by: its voucher number, else its links that name
    the payment itself (a bank serial, a 一卡通 or distribution row), not the project, loan,
    asset, fund or batch it belongs to (a batch's link is part of its rows' links); "" when the entry has none."""
    meta = entry.meta or {}
    if meta.get("voucher"):
        return str(meta["voucher"])
    links = sorted(entry.links or ())
    own = [link for link in links
           if link not in master.projects and link not in master.loans
           and link not in master.assets and link not in master.funds
           and not any(link in other for other in links if other != link)]
    return " ".join(own)


def _project(got: Help, master) -> str:
    if got.asset:
        asset = master.assets.get(got.asset)
        return asset.name if asset else got.asset
    project = master.projects.get(got.project)
    return project.name if project else got.project


def _item(got: Help, master) -> str:
    if got.channel == HELP_INTEREST:
        loans = [link for link in sorted(got.entry.links or ()) if link in master.loans]
        return f"{got.what}（贷款 {loans[0]}）" if loans else got.what
    return got.what


def statement(books, family: Family, year: int | None) -> Statement:
    """What the household received in `year` (every year when None), in date order."""
    master, index = books.master, books.index
    lines = []
    for member in family.members:
        for got in index.help_of(member.id_no):
            if year is None or got.date.year == year:
                lines.append(Line(got.date, category(got), _item(got, master), _project(got, master),
                                  got.amount, member, reference(got.entry, master), got.entry))
    lines.sort(key=lambda line: (line.date, CATEGORIES.index(line.category)))
    return Statement(family, year, lines)


def totals(books, year: int, village: str = "") -> list[tuple[Family, Statement]]:
    """Each household of the register (of one village, by code, when given) with its statement
    for the year, by village then 户编号; one reading of the books per household."""
    with gcpause.paused():  # many small objects, no cycles: a county's register at once
        chosen = of_village(books, village) if village else sorted(
            families(books).values(), key=lambda f: (f.village_code, f.number))
        return [(f, statement(books, f, year)) for f in chosen]


def card_context(books, family: Family, year: int) -> dict:
    master = books.master
    place = master.villages.get(family.village_code)
    return {"sheet": statement(books, family, year), "family": family, "year": year,
            "categories": CATEGORIES, "village": family.village,
            "town": master.place_name(place.town) if place else ""}


def card_pdf(books, family: Family, year: int, issued: datetime.date | None = None) -> bytes:
    """The household's statement for the year as one A4 page."""
    return render.pdf_of(card_html(books, family, year, issued))


def card_html(books, family: Family, year: int, issued: datetime.date | None = None) -> str:
    """The HTML `card_pdf` renders (a village's cards render in parallel: reports.batch)."""
    context = card_context(books, family, year)
    title = f"{year}年度到户帮扶资金明白卡"
    issuer = f"{family.village}村民委员会" if family.village else ""
    return render.html("household.html", books, title=title, header=title, issuer=issuer,
                       issued=issued or datetime.date.today(), **context)


def card_for(books, key: str, year: int) -> bytes:
    """`card_pdf` of the household of a 户编号 or member's ID number (the Fava download)."""
    family = find(books, key)
    if family is None:
        raise KeyError(f"户籍登记册中没有该户 no such household in the register: {key}")
    return card_pdf(books, family, year)
