"""The flow index: every money movement of the books, read once per load.

    index = FlowIndex.of(entries)
    index.flows                      # every Flow in ledger order
    index.receipts["C2024-048"]      # the lookups the rules, Books, reports and Fava ask for
    index.asset_book                 # derived views, typed, built once per load on first use
    index.household_register         # the personal-data registers: index.officials,
                                     # index.screening_register
    index.help_of("37040519...")
    index.memo("key", build)         # a rule's own derived data, computed once per load
    index.memo(("family", day), build, keep=32)  # one of many keyed by a period: the 32 last used

One pass over the entries classifies each posting by its account (docs/ledger-model.md) into a
`Flow` of one kind:

    receipt    money arriving on a fund (`Income:Fund:<fund>`); amount + = in
    allotment  a fund's money allotted to a project (分解下达, the `Equity:Allotment` pair): the
               fund leg (project "", amount + = out of the fund) and the project leg (amount
               + = into the project, its fund the entry's fund leg)
    pass-down  money moved into an implementing unit's own account (`Assets:Held`, its project
               named by `project:`); amount + = into the unit's account
    payment    an expense (`Expenses:*`): a project's final payment, a fee, money returned up
    subsidy    an expense paid to a household (一卡通 row: it carries `id_no:`)
    refund     a payment with a negative amount: money coming back
    transfer   money leaving a special bank account (`Assets:Bank`), whatever it pays for

Each flow carries its fund (the posting's `fund:`, else its project's), project, village (the
posting's `village:`, else its project's; "" for county-wide money), payee, person (a subsidy's
normalised ID number) and source (the file it was imported from). A subsidy row whose `status:`
says 失败 bounced: it stays in `flows` (the books hold it) but no spending lookup counts it.

The index also owns the vocabulary every reader of the books shares, so that a figure means
the same in the checks, `Books`, the reports, the exports and Fava:

    Flow.fund          the fund a flow's money belongs to: the posting's `fund:`, else its
                       project's fund (a project payment without `fund:` spends its project's)
    is_spending(flow)  a payment, subsidy or refund of a project or of a fund, not bounced
    index.spending(fund=, project=, village=, between=)   those flows, in ledger order
    unspent(...)       first in, first out: the money still unspent and since when
    time_progress(day) 序时进度, the share of the calendar year gone by: 已过月数÷12
    id_no(value)       an ID number as it is compared, hashed and masked (fundtrail.idno)

The same pass keeps what else the readers need, so nothing walks the entries again: the master
data's directives, `custom` directives by type, balance assertions, voucher numbers, money left
in suspense, and each bank account's balance and last movement (the transactions of each day,
`by_day`, are grouped on first asking), the payments to others than households (`payments`,
with the payee and the account paid into as the entry writes them), and each person's first
card, name and village
with the people whose later rows differ (`row_of`, `varied`: the identity rules read only
those people's rows again). The index of the latest entries is kept (`FlowIndex.of` on the same entry objects,
as the plugin, Fava and the CLI ask in turn, costs one identity comparison, not a rebuild).
"""

from __future__ import annotations

import calendar
import datetime
import operator
import re
import threading
import unicodedata
from bisect import bisect_left, bisect_right
from collections import defaultdict
from decimal import Decimal
from functools import cached_property
from itertools import accumulate, groupby

from beancount.core import data

from fundtrail import accounts as acc
from fundtrail import gcpause
from fundtrail.assets import AssetBook
from fundtrail.masterdata import MasterData
from fundtrail.registers import HouseholdRegister, Officials, ScreeningRegister, id_no

ZERO = Decimal(0)
# the amount and the date of a flow, a payment or an entry: keys for sum(map(...)) and bisect
amount_of, date_of = operator.attrgetter("amount"), operator.attrgetter("date")
RECEIPT, ALLOTMENT, PASS_DOWN = "receipt", "allotment", "pass-down"
PAYMENT, SUBSIDY, REFUND, TRANSFER = "payment", "subsidy", "refund", "transfer"
SPENDING = (PAYMENT, SUBSIDY, REFUND)
_PAYING = (PAYMENT, SUBSIDY, PASS_DOWN)  # what a project pays with (`project_paid`)
FAILED = "失败"  # a roster row's status when the payment bounced: not spending
_EMPTY: dict = {}
_MISSING = object()
_KEPT_LOCK = threading.Lock()  # the order of the families `memo(..., keep=)` bounds


class _Build:
    """A kept value being built (`FlowIndex._kept`): the thread building it, and its value
    (`_MISSING` until built, and when the build failed) once `done` is set."""

    __slots__ = ("done", "thread", "value")

    def __init__(self):
        self.done = threading.Event()
        self.thread = threading.current_thread()
        self.value = _MISSING


class Flow:
    """One posting that moves money: its kind, signed amount (see the module doc), fund,
    project, village, payee and, for a household subsidy, the person's ID number.

    `fund` is the one meaning of "whose money": the posting's `fund:`, else the fund of the
    project it pays for (its `Expenses:Project:<code>` account, or a pass-down's `project:`);
    an allotment's project leg carries the fund of its fund leg. Spending outside projects
    belongs to a fund only by its `fund:`. Every figure per fund (Books, the rules, the
    reports, the exports) counts spending by this field."""

    __slots__ = ("kind", "date", "amount", "fund", "project", "village", "person", "entry",
                 "posting", "meta")

    def __init__(self, kind, entry, posting, amount, fund="", project="", village="", person=""):
        self.kind = kind  # one attribute a statement: no tuple to pack and unpack, 100k times a load
        # (FlowIndex._read_transactions sets the same attributes of most flows itself)
        self.date = entry.date
        self.amount = amount
        self.fund = fund
        self.project = project
        self.village = village
        self.person = person
        self.entry = entry
        self.posting = posting
        self.meta = posting.meta or _EMPTY

    @property
    def payee(self) -> str:
        return self.entry.payee or ""

    @property
    def source(self) -> str:
        """The statement, voucher or roster file the entry was imported from ("" if typed in)."""
        return str(self.entry.meta.get("source", ""))

    @property
    def account(self) -> str:
        return self.posting.account

    @property
    def failed(self) -> bool:
        status = self.meta.get("status")
        return bool(status) and FAILED in str(status)

    def __repr__(self):
        return (f"Flow({self.kind} {self.date} {self.amount} fund={self.fund!r} "
                f"project={self.project!r} village={self.village!r})")


# Account classes, worked out once per account name.
_FUND, _ALLOT_FUND, _ALLOT_PROJECT, _HELD, _PROJECT, _EXPENSE, _BANK, _CASH, _SUSPENSE, _OTHER = (
    "fund", "allot-fund", "allot-project", "held", "project", "expense", "bank", "cash", "suspense",
    "other")
_COLLECTIVE = "collective"  # a village collective's asset income and its distribution: not fund money
_CLASSES = ((acc.FUND_INCOME + ":", _FUND), (acc.ALLOT_FUND + ":", _ALLOT_FUND),
            (acc.ALLOT_PROJECT + ":", _ALLOT_PROJECT), (acc.HELD + ":", _HELD),
            (acc.PROJECT + ":", _PROJECT), (acc.BANK + ":", _BANK))


def _class_of(account: str) -> tuple[str, str]:
    if acc.is_collective(account):
        return _COLLECTIVE, acc.leaf(account)
    if account in (acc.SUSPENSE_EXPENSE, acc.SUSPENSE_INCOME):
        return (_SUSPENSE if account == acc.SUSPENSE_INCOME else _EXPENSE), acc.leaf(account)
    kind = next((kind for prefix, kind in _CLASSES if account.startswith(prefix)), None)
    if kind is None:
        kind = _EXPENSE if account.startswith("Expenses:") else \
            _CASH if acc.is_cash(account) else _OTHER
    return kind, acc.leaf(account)


_FIGURES = tuple(prefix for prefix, _ in _CLASSES) + ("Expenses:",)  # accounts flows are read from

# A posting's fields by position (beancount's Posting: account, units, cost, price, flag, meta;
# Amount: number, currency): the pass reads them 300,000 times a load, and indexing the tuple
# costs less than the named field's descriptor.
_ACCOUNT, _UNITS, _META, _NUMBER = data.Posting._fields.index("account"), \
    data.Posting._fields.index("units"), data.Posting._fields.index("meta"), \
    data.Amount._fields.index("number")
# and a transaction's, read 400,000 times a load
_ENTRY_META, _DATE, _PAYEE, _LINKS, _POSTINGS = (
    data.Transaction._fields.index(name) for name in ("meta", "date", "payee", "links", "postings"))


# Legal-form words a payee's name may carry or drop from one source to the next.
_LEGAL_FORMS = re.compile(r"(股份有限公司|有限责任公司|有限公司|股份公司|集团|公司|分公司|专业合作社|合作社)$")
_NOISE = re.compile(r"[\s()（）\[\]【】·.,，、\-]")


def plain_name(name) -> str:
    """A name as written, compared: full-width folded, spaces and punctuation dropped."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", str(name or "")))


def payee_key(name: str) -> str:
    """A payee's name reduced for matching: `plain_name` without its legal form.

    青禾建工有限公司, 青禾建工有限责任公司 and 青禾建工（有限公司） all become 青禾建工."""
    name = plain_name(name)
    stripped = _LEGAL_FORMS.sub("", name)
    while stripped != name and stripped:
        name, stripped = stripped, _LEGAL_FORMS.sub("", stripped)
    return name


def is_spending(flow: Flow) -> bool:
    """Spending, as every figure counts it: a payment, subsidy or refund (negative) of a
    project or of a fund (`Flow.fund`), unless the bank bounced it (`status:` 失败)."""
    return flow.kind in SPENDING and bool(flow.project or flow.fund) and not flow.failed


def unspent(inflows, outflows=(), balance=None) -> list:
    """First in, first out: [(inflow, amount)] of the money still unspent, oldest first.

    Money in is each inflow with a positive amount (a receipt, an allotment) and each outflow
    with a negative one (a refund of spending: new money from its date); anything with `date`
    and `amount` will do. Spending takes the oldest money first, so what is left is the latest
    money in that adds up to the balance (inflows less outflows, unless given); the oldest of
    it only in part. An overspend is netted against the money that comes after it. Nothing is
    unspent when the balance is not positive. `since(lots)` is the date the oldest has sat since.
    """
    if balance is None:
        balance = sum(map(amount_of, inflows), ZERO) - sum(map(amount_of, outflows), ZERO)
    if balance <= 0:
        return []
    money_in = [f for f in inflows if f.amount > 0]
    refunds = [f for f in outflows if f.amount < 0]
    if refunds:
        money_in = sorted(money_in + refunds, key=date_of)
    lots = []
    for flow in reversed(money_in):
        if balance <= 0:
            break
        amount = abs(flow.amount)
        lots.append((flow, min(amount, balance)))
        balance -= amount
    return lots[::-1]


def since(lots) -> datetime.date | None:
    """The date of the oldest unspent money of `unspent`'s lots (None when nothing is left)."""
    return lots[0][0].date if lots else None


def time_progress(day: datetime.date) -> Decimal:
    """序时进度 at `day`: the share of its calendar year gone by, 已过月数÷12, the month under
    way counted by the fraction of its days gone (the day itself included). It is m/12 at the
    end of month m (end of April = 4/12 = 33.3 %, 31 December = 1) and grows evenly within a
    month. The one formula of the reports, the Fava pages and the province figures."""
    days = calendar.monthrange(day.year, day.month)[1]
    return (Decimal(day.month - 1) + Decimal(day.day) / Decimal(days)) / 12


class Payment:
    """A project payment to someone other than a household: the payment (or pass-down) flow,
    its payee's matching key, the loan id of a loan-interest subsidy ("" otherwise), and as
    the entry writes them the payee's name (`name`, "" when none) and the account paid into
    (`account`: the posting's `payee_account:`, else the entry's; None when neither gives
    one), read while the flow index's pass holds the entry, so that no reader goes back to it.
    Made only by the pass (`_payment`)."""

    __slots__ = ("flow", "entry", "project", "amount", "payee", "loan", "name", "account")


def _payment(flow: Flow, entry, project: str, amount: Decimal, name: str, payee: str,
             meta) -> Payment:
    """A `Payment` made by the flow index's pass from what it holds at hand (no `__init__` run
    from C, no second reading of the flow or the entry)."""
    pay = object.__new__(Payment)
    pay.flow = flow
    pay.entry = entry
    pay.project = project
    pay.amount = amount
    pay.payee = payee
    loan = meta.get("loan")
    pay.loan = str(loan) if loan else ""
    pay.name = name
    pay.account = meta.get("payee_account") or entry.meta.get("payee_account")
    return pay


HELP_SUBSIDY, HELP_INTEREST, HELP_DISTRIBUTION = "subsidy", "interest-subsidy", "distribution"


class Help:
    """One thing a household received: a subsidy row, a micro-loan interest subsidy paid for
    its loan, or an asset-income distribution (dividend, public-benefit job wage). `channel`
    says which (HELP_*); `what` names it as the books do (the item, the distribution's purpose);
    `project` is the project a subsidy or interest subsidy was paid from, `asset` the asset
    whose income a distribution paid out ("" when none)."""

    __slots__ = ("date", "amount", "what", "entry", "channel", "project", "asset")

    def __init__(self, date, amount: Decimal, what: str, entry, channel: str, project: str = "",
                 asset: str = ""):
        self.date, self.amount, self.what, self.entry, self.channel = date, amount, what, entry, channel
        self.project, self.asset = project, asset

    def __repr__(self):
        return f"Help({self.channel} {self.date} {self.amount} {self.what})"


class FlowIndex:
    """Every flow of the books and the lookups over them; see the module doc."""

    def __init__(self, entries):
        self.entries = entries
        self.flows: list[Flow] = []
        self.transactions: list[data.Transaction] = []
        self.directives: list = []  # open and custom directives: the master data's input
        self.customs: dict[str, list[data.Custom]] = defaultdict(list)
        self.balances: list[data.Balance] = []
        # lookups, each in ledger order
        self.receipts: dict[str, list[Flow]] = defaultdict(list)  # fund ->
        self.allotted: dict[str, list[Flow]] = defaultdict(list)  # fund -> its allotment legs
        self.allotted_to: dict[str, list[Flow]] = defaultdict(list)  # project -> allotment legs
        self.passed_down: list[Flow] = []  # into units' own accounts (every pass-down flow)
        self.spent_by_fund: dict[str, list[Flow]] = defaultdict(list)  # fund -> spending
        self.spent_on: dict[str, list[Flow]] = defaultdict(list)  # project -> spending
        self.works: list[Flow] = []  # spending other than household subsidies
        # the works flows that name the account paid into (`card:` or `payee_account:` of the
        # posting, `payee_account:` of the entry; most name none), noted while at hand
        self.naming: list[Flow] = []
        # the projects with a works flow: every other project's spending is subsidies alone
        self.works_on: set[str] = set()
        self.subsidies: list[Flow] = []  # household subsidies
        self.by_person: dict[str, list[Flow]] = defaultdict(list)  # ID number -> subsidies
        # ID number -> (`card:`, `beneficiary:`, village) of the first of its subsidies, and the
        # ID numbers whose later subsidies name another card, name or village (read in the pass,
        # in ledger order: a person's rows lie far apart in memory, reading them again costs more)
        self.row_of: dict[str, tuple] = {}
        self.varied: set[str] = set()
        self.transfers: list[Flow] = []  # money leaving bank accounts
        self.bank_last: dict[str, data.Transaction] = {}  # bank account -> its last movement
        self.bank_balance: dict[str, Decimal] = defaultdict(Decimal)
        self.voucher_links: list[tuple[str, data.Transaction]] = []  # (number, entry): ^VOU-
        self.voucher_meta: list[tuple[str, data.Transaction]] = []  # (number, entry): voucher:
        self.suspense: list[tuple[data.Transaction, int, data.Posting]] = []
        # the village collectives' layer (asset income, held, distributed): not fund money
        self.collective: list[tuple[data.Transaction, data.Posting]] = []
        # what `payments` and `project_paid` read: the payments (`Payment`) of positive project
        # payments other than subsidies and of pass-downs that name a project, bounced rows
        # included, made in the pass while the entry and its posting are at hand; and the
        # projects whose positive payments are not just their spending (`spent_on`): a bounced
        # row, an amount not positive, a pass-down (their totals are summed apart)
        self._payments: list[Payment] = []
        self.unlike: set[str] = set()  # every other project's spending amounts are positive
        self._memo: dict = {}
        self._recent: dict = {}  # family (key[0]) -> its kept keys, least recently used first
        self._building: dict = {}  # key of a family -> its `_Build` under way (`_kept`)
        self._running: dict[str, _Running] = {}  # lookup -> its running sums (`running`)
        self._read(entries)

    # -- the one pass ------------------------------------------------------------------
    def _read(self, entries) -> None:
        Transaction, Open, Custom, Balance = data.Transaction, data.Open, data.Custom, data.Balance
        directives, customs, transactions = self.directives, self.customs, self.transactions
        for entry in entries:
            kind = type(entry)
            if kind is Transaction:
                transactions.append(entry)
            elif kind is Open:
                directives.append(entry)
            elif kind is Custom:
                directives.append(entry)
                customs[entry.type].append(entry)
            elif kind is Balance:
                self.balances.append(entry)
        self.master = MasterData.from_entries(directives)
        self._read_transactions()
        for name in ("receipts", "allotted", "allotted_to", "spent_by_fund", "spent_on", "by_person",
                     "bank_balance", "customs"):  # a lookup of a missing key adds nothing
            setattr(self, name, dict(getattr(self, name)))

    def _read_transactions(self, classes={}) -> None:  # noqa: B006 (account -> class, for all loads)
        """Each posting of each transaction into its flow and the lookups; the account's class
        is worked out once per account name, a project's fund and village once per project."""
        projects = self.master.projects
        fund_of = {code: str(p.meta.get("fund", "")) for code, p in projects.items()}
        village_of = {code: p.village for code, p in projects.items()}
        flows = self.flows
        voucher_links, voucher_meta, suspense = self.voucher_links, self.voucher_meta, self.suspense
        receipts, allotted, allotted_to = self.receipts, self.allotted, self.allotted_to
        spent_by_fund, spent_on, by_person = self.spent_by_fund, self.spent_on, self.by_person
        works, subsidies, passed_down, transfers = self.works, self.subsidies, self.passed_down, \
            self.transfers
        naming, works_on = self.naming, self.works_on
        bank_last, bank_balance, collective = self.bank_last, self.bank_balance, self.collective
        payments, unlike, row_of, varied = self._payments, self.unlike, self.row_of, self.varied
        payee_keys: dict[str, str] = {}  # payee as written -> `payee_key`, once per name
        new = object.__new__
        zero = ZERO  # a Decimal compared with an int converts the int, every time
        suspense_expense = acc.SUSPENSE_EXPENSE
        for entry in self.transactions:  # fields by position, as a posting's (`_DATE` ...)
            links = entry[_LINKS]
            if links:
                for link in links:
                    if "VOU-" <= link < "VOU.":  # starts with "VOU-" ("." follows "-"): no call
                        voucher_links.append((link[4:], entry))
            entry_meta, date = entry[_ENTRY_META], entry[_DATE]
            if "voucher" in entry_meta:
                voucher_meta.append((str(entry_meta["voucher"]), entry))
            fund_leg, to_projects = "", None
            for posting in entry[_POSTINGS]:
                account = posting[_ACCOUNT]
                try:
                    cls, leaf = classes[account]
                except KeyError:
                    cls, leaf = classes[account] = _class_of(account)
                if cls is _EXPENSE or cls is _PROJECT:
                    number = posting[_UNITS][_NUMBER]
                    meta = posting[_META] or _EMPTY
                    person, fund, village = meta.get("id_no"), meta.get("fund"), meta.get("village")
                    if person:
                        if not (type(person) is str and person.isdigit() and person.isascii()):
                            person = id_no(person)
                        kind = SUBSIDY
                    else:
                        person, kind = "", PAYMENT if number >= zero else REFUND
                    if fund:
                        if type(fund) is not str:
                            fund = str(fund)
                    else:
                        fund = fund_of.get(leaf, "") if cls is _PROJECT else ""
                    if village:
                        if type(village) is not str:
                            village = str(village)
                    else:
                        village = village_of.get(leaf, "") if cls is _PROJECT else ""
                    if cls is _EXPENSE:
                        if account == suspense_expense:
                            suspense.append((entry, _position(entry, posting), posting))
                        leaf = ""
                    # Flow(kind, entry, posting, number, fund, leaf, village, person), its
                    # attributes set here: a class call runs __init__ from C, which costs more
                    # than the assignments themselves, 80,000 times a load
                    flow = new(Flow)
                    flow.kind = kind
                    flow.date = date
                    flow.amount = number
                    flow.fund = fund
                    flow.project = leaf
                    flow.village = village
                    flow.person = person
                    flow.entry = entry
                    flow.posting = posting
                    flow.meta = meta
                    flows.append(flow)
                    if leaf:
                        if number <= zero:
                            unlike.add(leaf)
                        elif not person:  # a payment to someone other than a household
                            raw = entry[_PAYEE] or ""
                            key = payee_keys.get(raw)
                            if key is None:
                                key = payee_keys[raw] = payee_key(raw)
                            payments.append(_payment(flow, entry, leaf, number, raw, key, meta))
                    status = meta.get("status")
                    if status and FAILED in str(status):
                        if leaf:
                            unlike.add(leaf)
                        continue  # bounced: in the books, not spending
                    if person:
                        subsidies.append(flow)
                        # the first row's card, name and village, compared while at hand
                        card, name = meta.get("card"), meta.get("beneficiary")
                        rows = by_person.get(person)  # one lookup where `in` and [] took two
                        if rows is None:
                            by_person[person] = [flow]
                            row_of[person] = card, name, village
                        else:
                            rows.append(flow)
                            first = row_of[person]
                            if card != first[0] or name != first[1] or village != first[2]:
                                varied.add(person)
                    else:
                        works.append(flow)
                        if leaf:
                            works_on.add(leaf)
                        if "payee_account" in meta or "card" in meta or \
                                "payee_account" in entry_meta:
                            naming.append(flow)
                    if leaf:
                        spent = spent_on.get(leaf)
                        if spent is None:
                            spent_on[leaf] = [flow]
                        else:
                            spent.append(flow)
                    if fund:
                        spent_by_fund[fund].append(flow)
                elif cls is _BANK:
                    number = posting[_UNITS][_NUMBER]
                    bank_last[account] = entry
                    bank_balance[account] += number
                    if number < zero:
                        flow = Flow(TRANSFER, entry, posting, -number)
                        flows.append(flow)
                        transfers.append(flow)
                elif cls is _CASH or cls is _OTHER:
                    continue
                elif cls is _COLLECTIVE:
                    collective.append((entry, posting))
                elif cls is _FUND:
                    flow = Flow(RECEIPT, entry, posting, -posting.units.number, leaf)
                    flows.append(flow)
                    receipts[leaf].append(flow)
                elif cls is _ALLOT_FUND:
                    fund_leg = fund_leg or leaf
                    flow = Flow(ALLOTMENT, entry, posting, posting.units.number, leaf)
                    flows.append(flow)
                    allotted[leaf].append(flow)
                elif cls is _ALLOT_PROJECT:
                    flow = Flow(ALLOTMENT, entry, posting, -posting.units.number, "", leaf,
                                village_of.get(leaf, ""))
                    flows.append(flow)
                    allotted_to[leaf].append(flow)
                    to_projects = [*(to_projects or ()), flow]
                elif cls is _HELD:
                    meta = posting.meta or _EMPTY
                    project = meta.get("project")
                    project = str(project) if project else ""
                    fund, village = meta.get("fund"), meta.get("village")
                    flow = Flow(PASS_DOWN, entry, posting, posting.units.number,
                                str(fund) if fund else fund_of.get(project, ""), project,
                                str(village) if village else village_of.get(project, ""))
                    flows.append(flow)
                    passed_down.append(flow)
                    if project and flow.amount > 0:
                        unlike.add(project)
                        raw = entry.payee or ""
                        payments.append(_payment(flow, entry, project, flow.amount, raw,
                                                 payee_key(raw), meta))
                elif cls is _SUSPENSE:
                    suspense.append((entry, _position(entry, posting), posting))
            if to_projects:  # an allotment's project legs: the fund it came from
                for flow in to_projects:
                    flow.fund = fund_leg or fund_of.get(flow.project, "")

    # -- the latest index, and what is derived from it --------------------------------
    _latest: FlowIndex | None = None

    @classmethod
    def of(cls, entries) -> FlowIndex:
        """The index of these entries: the kept one when they are the same entry objects as the
        latest index's (in a new list, as beancount re-sorts after each plugin), else a new one."""
        kept = cls._latest
        if kept is None or not _same(kept.entries, entries):
            cls._latest = None  # let the old index go before the new one is built
            with gcpause.paused():
                kept = cls._latest = cls(tuple(entries))
        return kept

    @classmethod
    def forget(cls) -> None:
        """Drop the kept index (benchmarks time the building, not the cache)."""
        cls._latest = None

    def memo(self, key, build, keep: int | None = None):
        """`build()` once per index for `key`, then the same object: the one cache of
        everything derived from the books of one load (rules' indexes, figures, findings).
        With `keep`, `key` is one of a family (its first item, e.g. the findings at a cut-off
        day) a user or a crawler can name without limit (any time filter): the family keeps
        its `keep` most recently used values and builds a dropped one again when asked."""
        if keep is not None:
            return self._kept(key, build, keep)
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = build()
            return value

    def _kept(self, key, build, keep: int):
        """A value of a bounded family: built by the first thread to ask for it, outside the
        lock (other keys are answered meanwhile); a thread asking for the same key while it is
        built waits for that build's value instead of building it again (a build that fails
        lets the next waiter build it)."""
        while True:
            with _KEPT_LOCK:  # the pages' threads share the index: the order is kept under a lock
                value = self._memo.get(key, _MISSING)
                if value is not _MISSING:
                    self._used(key, keep)
                    return value
                pending = self._building
                under_way = pending.get(key)
                if under_way is None or under_way.thread is threading.current_thread():
                    mine = pending[key] = under_way or _Build()
                    break
            under_way.done.wait()
            if under_way.value is not _MISSING:
                with _KEPT_LOCK:
                    if key in self._memo:
                        self._used(key, keep)
                return under_way.value
        try:
            value = build()
        except BaseException:
            with _KEPT_LOCK:
                if pending.get(key) is mine:
                    del pending[key]
            mine.done.set()
            raise
        with _KEPT_LOCK:
            value = self._memo.setdefault(key, value)
            if pending.get(key) is mine:
                del pending[key]
            self._used(key, keep)
        mine.value = value
        mine.done.set()
        return value

    def _used(self, key, keep: int) -> None:
        """`key` is its family's most recently used; the least recently used beyond `keep` are
        dropped (the lock is held)."""
        recent = self._recent.setdefault(key[0], {})
        recent.pop(key, None)
        recent[key] = None  # the most recent last (a dict keeps its order)
        while len(recent) > keep:
            oldest = next(iter(recent))
            del recent[oldest]
            self._memo.pop(oldest, None)

    # -- queries -------------------------------------------------------------------------
    def running(self, lookup: str) -> dict[str, list[Decimal]]:
        """Per key of one lookup, the running sums of its list's amounts, [0, a1, a1 + a2, ...]
        (e.g. `running("spent_on")[code]`; [-1] is the total, [n] the sum of the first n flows):
        each list accumulated once per load, however many rules total it or cut it at a date."""
        try:  # asked per project by several rules: no key tuple, no closure
            return self._running[lookup]
        except KeyError:
            value = self._running[lookup] = _Running(getattr(self, lookup))
            return value

    def totals(self, lookup: str) -> dict[str, Decimal]:
        """Per key of one lookup, the sum of its list's amounts (no list of running sums):
        every key's added up at once on first asking, a sum in C per list (the rules that
        total spending ask for every project's), then read by key (`total`)."""
        running = self.running(lookup)
        if running.totals is None:  # a long list is added up in steps (`_Prefix.total_marked`)
            running.totals = {key: running[key].total_marked() if len(flows) > _LONG
                              else sum(map(amount_of, flows), ZERO)
                              for key, flows in running.lists.items()}
        return running.totals

    def total(self, lookup: str, key: str) -> Decimal:
        """The sum of the amounts of one list of a lookup, e.g. `total("spent_on", code)`
        (`totals`; ZERO for a key the lookup lacks)."""
        try:
            return self._running[lookup].totals[key]
        except (KeyError, TypeError):  # not asked yet, or a key the lookup lacks
            return self.totals(lookup).get(key, ZERO)

    def spending(self, fund: str | None = None, project: str | None = None,
                 village: str | None = None,
                 between: tuple[datetime.date | None, datetime.date | None] | None = None,
                 ) -> list[Flow]:
        """The spending flows (`is_spending`) of a fund (`Flow.fund`), a project and a village
        ("" for county-wide money), each given or not, dated in `between` = (start, end),
        either end open (None), in ledger order. `sum(map(amount_of, ...))` is what was spent."""
        if project is not None:
            found = self.spent_on.get(project, ())
        elif fund is not None:
            found = self.spent_by_fund.get(fund, ())
        else:
            found = self.memo("flows.spending", lambda: [f for f in self.flows if is_spending(f)])
        if between:
            start, end = between
            found = found[bisect_left(found, start, key=date_of) if start else 0:
                          bisect_right(found, end, key=date_of) if end else len(found)]
        if (fund is not None and project is not None) or village is not None:
            found = [f for f in found if (fund is None or f.fund == fund)
                     and (village is None or f.village == village)]
        return list(found)

    def of_kind(self, *kinds: str) -> list[Flow]:
        return [f for f in self.flows if f.kind in kinds]

    @property
    def payments(self) -> list[Payment]:
        """Money paid out for projects to anyone but households, in ledger order: positive
        project payments and pass-downs that name their project (bounced rows included, as
        the books hold them). Payees matched by `payee_key`."""
        return self.memo("flows.paid", self._paid)[0]

    @property
    def contractor_payments(self) -> list[Payment]:
        """`payments` without loan interest."""
        return self.memo("flows.contractor_payments", lambda: [p for p in self.payments if not p.loan])

    @property
    def project_paid(self) -> dict[str, tuple[data.Transaction, Decimal]]:
        """Per project, (the entry of its first payment, all it paid), household subsidies and
        pass-downs included: positive amounts only."""
        return self.memo("flows.paid", self._paid)[1]

    def _paid(self):
        """(the payments, per project (its first paying entry, all it paid)). A project whose
        positive payments are its spending (`spent_on`: all positive, none bounced, no
        pass-down) paid its spending's total (`total`); the others are summed from their
        flows."""
        paid = {}
        unlike, total = self.unlike, self.totals("spent_on")
        for code, spent in self.spent_on.items():
            if code not in unlike:
                paid[code] = spent[0].entry, total[code]
        if unlike:
            first, sums = {}, {}
            for flow in self.flows:
                project = flow.project
                if project in unlike and flow.kind in _PAYING and flow.amount > 0:
                    if project in sums:
                        sums[project] += flow.amount
                    else:
                        first[project], sums[project] = flow.entry, flow.amount
            for code, amount in sums.items():
                paid[code] = first[code], amount
        return self._payments, paid

    @property
    def cash(self) -> list[tuple[datetime.date, str, Decimal]]:
        """(date, account, amount) of every posting on a treasury, bank, held or clearing account."""
        return self._cash_and_other()[0]

    @property
    def other(self) -> list[tuple[datetime.date, Decimal]]:
        """(date, amount) of every posting no figure counts and no cash: interest, opening
        balances, income in suspense."""
        return self._cash_and_other()[1]

    def _cash_and_other(self):
        def build():
            cash, other = [], []
            for entry in self.transactions:
                for posting in entry.postings:
                    account = posting.account
                    if acc.is_cash(account):
                        cash.append((entry.date, account, posting.units.number))
                    elif not account.startswith(_FIGURES) and not acc.is_collective(account):
                        other.append((entry.date, posting.units.number))
            return cash, other
        return self.memo("flows.cash", build)

    @property
    def held_on(self) -> dict[str, list[Flow]]:
        """Per project, the flows moving money into units' own accounts for it, in ledger
        order (dated: a report cuts them at its period's end)."""
        def build():
            held: dict[str, list[Flow]] = defaultdict(list)
            for flow in self.passed_down:
                if flow.project:
                    held[flow.project].append(flow)
            return dict(held)
        return self.memo("flows.held_on", build)

    @property
    def held_for(self) -> dict[str, Decimal]:
        """Per project, the money moved into units' own accounts for it (net): `held_on`'s sums."""
        return self.memo("flows.held_for", lambda: {
            code: sum(map(amount_of, flows), ZERO) for code, flows in self.held_on.items()})

    @cached_property
    def by_day(self) -> dict[datetime.date, list[data.Transaction]]:
        """The transactions of each day, in ledger order (one pass of C, on first asking)."""
        return {day: list(entries) for day, entries in groupby(self.transactions, key=date_of)}

    # -- derived views: typed, built once per load on first use --------------------------
    @cached_property
    def asset_book(self) -> AssetBook:
        """Asset income and its distributions, from the collective layer the pass set aside."""
        return AssetBook.of(self, self.master.assets)

    @cached_property
    def household_register(self) -> HouseholdRegister:
        """The household register the ledger names (`custom "register" "households"`), read
        and typed once; its problems go once into the master data's `problems`, at the
        register's directive (the checks plugin reports them)."""
        return self._register("households", HouseholdRegister.read)

    @cached_property
    def officials(self) -> Officials:
        """The officials register (`custom "register" "officials"`): who counts as a cadre or
        a cadre's relative, read and typed once, its problems listed once, as the household
        register's (the related-party rule, the other rules and the village notice ask it)."""
        return self._register("officials", lambda path: Officials.read(
            path, self.household_register.households))

    @cached_property
    def screening_register(self) -> ScreeningRegister:
        """The departments' screening list (`custom "register" "screening"`), read and typed
        once, its problems listed once, as the household register's."""
        return self._register("screening", ScreeningRegister.read)

    def _register(self, kind: str, read):
        """`read(path)` of the register of `kind` the ledger names ("" when none); its problems
        go once into the master data's `problems`, at the register's directive."""
        register = read(self.master.registers.get(kind, ""))
        if register.problems:
            directive = next((e for e in reversed(self.customs.get("register", ()))
                              if e.values and e.values[0].value == kind), None)
            self.master.problems.extend((directive, why) for why in register.problems)
        return register

    @cached_property
    def household_help(self) -> _HelpByPerson:
        """ID number -> what that household received, in date order: its subsidies (bounced
        rows left out), the interest subsidies of its micro-loans and the asset income
        distributed to it. Each household's list is worked out on first asking (`help_of`)."""
        borrowers = {code: id_no(loan.borrower_id) for code, loan in self.master.loans.items()}
        interest: dict[str, list[Flow]] = defaultdict(list)
        for flow in self.works if borrowers else ():
            loan = flow.meta.get("loan")
            person = borrowers.get(str(loan)) if loan else None
            if person:
                interest[person].append(flow)
        distributed = defaultdict(list)
        for move in self.asset_book.distributions:
            if move.person and FAILED not in str(move.meta.get("status") or ""):
                distributed[move.person].append(move)
        return _HelpByPerson(self.by_person, interest, distributed)

    def help_of(self, person: str) -> list[Help]:
        """What the household of this ID number received (`household_help`); [] for none.
        The list is shared: do not change it."""
        return self.household_help[person]


class _Running(dict):
    """key -> the running sums of that key's list in one lookup, worked out on first asking:
    a list, or for a long list (a fund's or a subsidy programme's spending, asked at a few
    dates) a `_Prefix` that sums up to the position asked and keeps a sum per flow only
    when iterated."""

    def __init__(self, lists: dict):
        super().__init__()
        self.lists = lists
        self.totals: dict[str, Decimal] | None = None  # key -> total (`FlowIndex.totals`)

    def __missing__(self, key):
        flows = self.lists.get(key, ())
        if len(flows) > _LONG:
            value = self[key] = _Prefix(flows, self.totals.get(key) if self.totals else None)
        else:
            value = self[key] = list(accumulate(map(amount_of, flows), initial=ZERO))
        return value


_LONG = 512  # a list longer than this has its running sums worked out where asked


class _Prefix:
    """The running sums [0, a1, a1 + a2, ...] of a long list of flows, as a read-only sequence:
    `[n]` is the sum of the first n amounts, added up from the last position asked (the rules
    ask in date order), or from the nearest step below it when the total was added up in steps
    (`total_marked`), `[-1]` the total; iterating keeps the list and yields from it. Each sum is
    the same Decimal the list would hold: the same additions in the same order."""

    __slots__ = ("flows", "at", "sum", "sums", "total", "marks")

    def __init__(self, flows, total: Decimal | None = None):
        self.flows, self.at, self.sum, self.sums, self.total = flows, 0, ZERO, None, total
        self.marks: list[Decimal] | None = None  # [k] the sum of the first k * _STEP amounts

    def __len__(self):
        return len(self.flows) + 1

    def __iter__(self):
        if self.sums is None:
            self.sums = list(accumulate(map(amount_of, self.flows), initial=ZERO))
        return iter(self.sums)

    def total_marked(self) -> Decimal:
        """The total, added up in steps of _STEP amounts with the sum at each step kept, so
        that a position asked later is summed from the step below it, not from the start."""
        if self.marks is None:
            flows, marks, running = self.flows, [ZERO], ZERO
            for start in range(0, len(flows), _STEP):
                running = sum(map(amount_of, flows[start:start + _STEP]), running)
                marks.append(running)
            self.marks, self.total = marks, running
        return self.total

    def __getitem__(self, i: int) -> Decimal:
        if self.sums is not None:
            return self.sums[i]
        last = len(self.flows)
        if i < 0:
            i += last + 1
        if not 0 <= i <= last:
            raise IndexError(i)
        if i == last:  # the total: summed on from where the last position asked left off
            if self.total is None:
                self.total = sum(map(amount_of, self.flows[self.at:]), self.sum)
            return self.total
        if self.marks is not None:
            step = i // _STEP * _STEP
            if not step <= self.at <= i:  # from the step below, unless the last position is nearer
                self.at, self.sum = step, self.marks[i // _STEP]
        elif i < self.at:
            self.at, self.sum = 0, ZERO
        if i > self.at:
            self.sum = sum(map(amount_of, self.flows[self.at:i]), self.sum)
            self.at = i
        return self.sum


_STEP = 1024  # a long list's total is added up in steps this long, each step's sum kept


class _HelpByPerson(dict):
    """ID number -> [Help] in date order, worked out on first asking from that person's
    subsidies, interest subsidies and distributions."""

    def __init__(self, subsidies: dict, interest: dict, distributed: dict):
        super().__init__()
        self.subsidies, self.interest, self.distributed = subsidies, interest, distributed

    def __missing__(self, person):
        got = [Help(f.date, f.amount, str(f.meta.get("item") or "补助"), f.entry, HELP_SUBSIDY,
                    f.project) for f in self.subsidies.get(person, ())]
        got += [Help(f.date, f.amount, str(f.meta.get("item") or "小额信贷贴息"), f.entry,
                     HELP_INTEREST, f.project) for f in self.interest.get(person, ())]
        got += [Help(m.date, m.amount, m.purpose or "收益分配", m.entry, HELP_DISTRIBUTION,
                     asset=m.asset) for m in self.distributed.get(person, ())]
        got.sort(key=date_of)
        self[person] = got
        return got


def _position(entry, posting) -> int:
    return next(i for i, p in enumerate(entry.postings) if p is posting)


def _same(kept: tuple, entries) -> bool:
    return kept is entries or (len(kept) == len(entries) and all(map(operator.is_, kept, entries)))


def by_entry(flows):
    """(entry, [its flows]) for flows in ledger order (an entry's flows are adjacent)."""
    group = []
    for flow in flows:
        if group and flow.entry is not group[0].entry:
            yield group[0].entry, group
            group = []
        group.append(flow)
    if group:
        yield group[0].entry, group
