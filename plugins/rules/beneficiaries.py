"""Ineligible beneficiaries (到户补助): household subsidies paid to the wrong people.

Household subsidies are the expense postings that carry the beneficiary (一卡通 rows:
`beneficiary id_no card village item` posting metadata); rows whose `status:` says 失败 are
not spending. The household register is the CSV the ledger names with
`custom "register" "households" "<path>"` (columns 身份证号, 户主姓名, 行政村).

ghost-beneficiary (critical)
    The ID number paid is not in the household register (冒领、虚报: ghost or ineligible). A
    cadre or registered relative is no ghost: related-party reports them.
duplicate-subsidy (high)
    The same ID paid the same subsidy item (`item:`) more than once in the item's period (its
    `custom "subsidy-item"` `period:` once/year/half/quarter/month, else `subsidy_period`; a
    one-off item paid twice ever); reported on each repeat, linking the first payment too.
subsidy-above-standard (medium)
    A payment of an item above its `custom "subsidy-item"` `standard:` (补贴标准).
id-multi-village (high)
    The same ID paid under a village that is not its village in the register, or (when it is
    not registered) under two villages.

Settings: subsidy_period ("month" | "quarter" | "half" | "year"; default "quarter"), for items
the county's subsidy-item list does not give a period.
Without a household register ghost-beneficiary and the register test of id-multi-village stay
silent.
"""

from __future__ import annotations

from bisect import bisect_right
from operator import attrgetter

from fundtrail import findings
from fundtrail.plugins.rules._naming import entry_key
from fundtrail.plugins.rules._registers import households, register_problem
from fundtrail.plugins.rules.related_parties import related_ids
from fundtrail.plugins.settings import Setting, choice

PERIOD_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
SETTINGS = (Setting("subsidy_period", choice(*PERIOD_MONTHS), "quarter",
                    "补贴项目未定周期时的发放周期"),)
PERIOD_NAMES = {"month": "月", "quarter": "季度", "half": "半年", "year": "年度", "once": "补助周期（一次性项目）"}
VILLAGE = attrgetter("village")


def _who(ctx, flow) -> str:
    meta = flow.meta
    return f"{meta.get('beneficiary') or flow.entry.payee}（身份证{ctx.masker.id_no(meta['id_no'])}）"


def ghost_beneficiary(ctx):
    yield from register_problem(ctx, "households", "ghost-beneficiary")
    registered = households(ctx)
    if not registered:
        return
    known = related_ids(ctx)
    for person, flows in ctx.flows.by_person.items():
        if person in registered or person in known:
            continue
        for flow in flows:
            yield findings.emit(
                "ghost-beneficiary", f"{entry_key(flow.entry)}|{person}", flow.entry,
                amount=flow.amount, group=f"{person}|{flow.meta.get('item', '')}",
                who=_who(ctx, flow), item=flow.meta.get("item", "补助"), day=flow.date)


def period_of(day, months: int) -> tuple[int, int]:
    return day.year, (day.month - 1) // months


def repeat_window(day, period: str) -> str:
    """The stretch of time in which a second payment of an item to one person is a repeat: the
    calendar month, quarter, half or year of `day` (`2024-3/quarter`), or ever for a one-off."""
    if period == "once":
        return "once"
    year, part = period_of(day, PERIOD_MONTHS[period])
    return f"{year}-{part + 1}/{period}"


def _longest_period(default: str, items) -> int | None:
    """The months of the longest period any item is judged by; None with a one-off item (or
    a period not known), where any two payments of an item may repeat."""
    periods = {default} | {item.period or default for item in items.values()}
    months = [PERIOD_MONTHS.get(period) for period in periods]
    return None if None in months else max(months)


def _paid_twice(subsidies, months: int) -> dict[str, None]:
    """The ID numbers paid twice or more within one window of `months` months, in the order
    found. The subsidies are in date order (ledger order): each window is one stretch of them,
    found by bisection, and a stretch whose people are all distinct (a set of them as long as
    the stretch, made in C) is passed over; only the others are walked for their repeats (a
    person's rows lie apart in memory, these in order)."""
    twice = {}
    count, lo = len(subsidies), 0

    def window_of(flow):
        return period_of(flow.date, months)

    while lo < count:
        hi = bisect_right(subsidies, window_of(subsidies[lo]), lo, key=window_of)
        people = list(map(_PERSON, subsidies[lo:hi]))
        if len(set(people)) < len(people):
            seen = set()
            for person in people:
                if person in seen:
                    twice[person] = None
                else:
                    seen.add(person)
        lo = hi
    return twice


_PERSON = attrgetter("person")


def duplicate_subsidy(ctx):
    """Windows nest (month, quarter, half, year), so a person whose payments all fall in
    different windows of the longest period in use has no repeat: their items go unread."""
    default, items = ctx.settings["subsidy_period"], ctx.master.subsidy_items
    periods, windows = {}, {}  # item as written -> (item, its period); (day, period) -> window
    longest = _longest_period(default, items)
    by_person = ctx.flows.by_person
    # a person with no two payments in one window of the longest period has no repeat
    for person in _paid_twice(ctx.flows.subsidies, longest) if longest else by_person:
        flows = by_person[person]
        if len(flows) < 2:
            continue
        first = {}
        for flow in flows:
            if flow.amount <= 0:
                continue
            written = flow.meta.get("item", "")
            if written not in periods:
                item = str(written)
                periods[written] = item, (items[item].period if item in items else "") or default
            item, period = periods[written]
            if (flow.date, period) not in windows:
                windows[flow.date, period] = repeat_window(flow.date, period)
            window = windows[flow.date, period]
            earlier = first.setdefault((item, window), flow)
            if earlier is flow:
                continue
            yield findings.emit(
                "duplicate-subsidy", f"{person}|{item}|{window}|{entry_key(flow.entry)}",
                flow.entry, amount=flow.amount, links=earlier.entry.links, who=_who(ctx, flow),
                day=flow.date, item=item, period=PERIOD_NAMES[period], earlier=earlier.date,
                earlier_amount=earlier.amount)


def subsidy_above_standard(ctx):
    items = ctx.master.subsidy_items
    if not any(i.standard is not None for i in items.values()):
        return
    for person, flows in ctx.flows.by_person.items():
        for flow in flows:
            item = items.get(str(flow.meta.get("item", "")))
            if item and item.standard is not None and flow.amount > item.standard:
                yield findings.emit(
                    "subsidy-above-standard", f"{person}|{entry_key(flow.entry)}", flow.entry,
                    amount=flow.amount, who=_who(ctx, flow), day=flow.date, item=item.name,
                    standard=item.standard, excess=flow.amount - item.standard)


def _home_is(household, names, code) -> bool:
    return names.get(code, code) == household.village


def id_multi_village(ctx):
    registered = households(ctx)
    names = {code: place.name for code, place in ctx.master.villages.items()}
    by_person, varied = ctx.flows.by_person, ctx.flows.varied
    # every person paid, in the order of `by_person`, with their first row as the index read
    # it: a person's list is looked up only when read
    for person, row in ctx.flows.row_of.items():
        household = registered.get(person)
        # a flow's village is its `village:` (as text) when it has one: a person paid under
        # one village, their own when registered, is passed over (the index read it: no set)
        if person in varied:
            paid_in = set(map(VILLAGE, by_person[person]))
            if len(paid_in) == 1 and (not household or _home_is(household, names, paid_in.pop())):
                continue
        elif not household or names.get(village := row[2], village) == household.village:
            continue  # `_home_is`, written out
        flows = by_person[person]
        home, reported = (household.village if household else None), set()
        for flow in flows:
            code = flow.meta.get("village")
            if not code:
                continue
            code = code if type(code) is str else str(code)
            if code in reported:
                continue
            name = names.get(code, code)
            home = home if home is not None else name  # unregistered: the first village paid in
            if name == home:
                continue
            reported.add(code)
            where = "登记册所在村" if household else "此前领取补助的村"
            yield findings.emit(
                "id-multi-village", f"{person}|{code}", flow.entry, amount=flow.amount,
                who=_who(ctx, flow), village=name, item=flow.meta.get("item", "补助"), where=where,
                home=home)


RULES = {"ghost-beneficiary": ghost_beneficiary, "duplicate-subsidy": duplicate_subsidy,
         "id-multi-village": id_multi_village, "subsidy-above-standard": subsidy_above_standard}
