"""Monitored households (防返贫动态监测): the red tier (红色, 极易返贫) must see help first.

The household register (`custom "register" "households"`) gives each household its type
(户类型: 脱贫户, 监测户 = 脱贫不稳定户 / 边缘易致贫户 / 突发严重困难户), risk colour (风险等级 红/橙/蓝)
and the dates it was identified (识别日期) and cleared (风险消除日期). Assistance recorded in the
books: household subsidies (postings with `id_no:`), micro-loans granted (`custom "loan"`,
its `borrower_id`) and asset-income distributions to the household (分红, 公益岗位工资).

red-unassisted (high)
    A red-tier monitored household identified on day D, not cleared before D + `red_assist_days`,
    with no assistance recorded in [D, D + red_assist_days], once that window has passed.
benefit-skewed (medium)
    In a village and year, at least `benefit_skew_share` of the money paid to households went
    to low-risk (蓝) households, while a red-tier monitored household of that village, at risk
    for at least `red_assist_days` of the year, received nothing in it.

Settings: red_assist_days (30), benefit_skew_share (0.5). Silent without a household register.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from fundtrail import findings
from fundtrail.assets import Household
from fundtrail.assets import households as typed_households
from fundtrail.flows import ZERO, id_no
from fundtrail.masking import Masker
from fundtrail.plugins.rules._registers import households, register
from fundtrail.plugins.rules.assets import asset_book, judged_at, subsidies_of

SETTINGS = {"red_assist_days": 30, "benefit_skew_share": 0.5}
MASK = Masker()


def _typed(ctx) -> dict[str, Household]:
    return ctx.memo("rules.typed_households", lambda: typed_households(register(ctx, "households")))


def _reds(ctx) -> list[Household]:
    """The red-tier monitored households, in register order (one row per ID number, the last):
    only the rows graded red are typed."""
    def build():
        rows = households(ctx).values()
        red = (Household.from_row(row) for row in rows
               if str(row.get("风险等级") or "").strip()[:1] == "红")
        return [h for h in red if h.id_no and h.risk == "红" and h.monitored]
    return ctx.memo("rules.red_households", build)


def _distributed(ctx) -> dict[str, list]:
    """Asset-income distributions to each household, by ID number."""
    def build():
        out = defaultdict(list)
        for move in asset_book(ctx).distributions:
            if move.person and move.amount > 0:
                out[move.person].append(move)
        return out
    return ctx.memo("rules.distributed", build)


def _loans(ctx) -> dict[str, list]:
    def build():
        out = defaultdict(list)
        for loan in ctx.master.loans.values():
            out[id_no(loan.borrower_id)].append(loan)
        return out
    return ctx.memo("rules.loans_by_borrower", build)


def helps(ctx, person: str) -> list[tuple]:
    """[(date, amount, what, entry)] of every help the books record for one household, in date
    order: subsidies, loans granted (amount 0; entry the loan directive) and distributions.
    Worked out once per household (the list is shared: do not change it)."""
    known = ctx.memo("rules.helps", dict)
    got = known.get(person)
    if got is None:
        got = known[person] = _helps(ctx, person)
    return got


def _helps(ctx, person: str) -> list[tuple]:
    out = [(f.date, f.amount, str(f.meta.get("item") or "补助"), f.entry)
           for f in subsidies_of(ctx).get(person, ()) if f.amount > 0]
    out += [(loan.date, ZERO, "小额信贷", None) for loan in _loans(ctx).get(person, ())]
    out += [(m.date, m.amount, m.kind or "收益分配", m.entry) for m in _distributed(ctx).get(person, ())]
    return sorted(out, key=lambda h: h[0])


def _register_entry(ctx):
    return next((e for e in ctx.flows.customs.get("register", ())
                 if e.values and e.values[0].value == "households"), None)


def _who(h) -> str:
    return f"{h.village}{h.name}（户编号{h.number}，身份证{MASK.id_no(h.id_no)}，{h.kind}）"


def red_unassisted(ctx):
    as_of, days = judged_at(ctx), ctx.settings["red_assist_days"]
    entry = None
    for h in _reds(ctx):
        if not h.identified:
            continue
        due = h.identified + datetime.timedelta(days=days)
        if due >= as_of or (h.cleared and h.cleared < due):
            continue
        got = helps(ctx, h.id_no)
        if any(h.identified <= help[0] <= due for help in got):
            continue
        entry = entry or _register_entry(ctx)
        later = next((help for help in got if help[0] > due), None)
        yield findings.emit(
            "red-unassisted", f"{h.id_no}|{h.identified}", entry, date=due,
            links=getattr(later and later[3], "links", None) or (),
            variant="" if later else "never", who=_who(h), identified=h.identified, limit=days,
            first_help=later[0] if later else None, as_of=as_of,
            days=((later[0] if later else as_of) - h.identified).days)


def benefit_skewed(ctx):
    """Only villages and years where a red-tier household went without are weighed, so a
    county that helps its red tier pays nothing for this rule beyond one look per household."""
    days, share = ctx.settings["red_assist_days"], Decimal(str(ctx.settings["benefit_skew_share"]))
    as_of = judged_at(ctx)
    first = ctx.transactions[0].date.year if ctx.transactions else as_of.year
    left_out = defaultdict(list)  # (village, year) -> red households with nothing that year
    for h in _reds(ctx):
        years = None
        for year in range(first, as_of.year + 1):
            start, end = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), as_of)
            if not h.at_risk(start, end) or (end - max(h.identified or start, start)).days < days:
                continue
            years = years if years is not None else {help[0].year for help in helps(ctx, h.id_no)}
            if year not in years:
                left_out[(h.village, year)].append(h)
    if not left_out:
        return
    homes = defaultdict(list)
    for h in _typed(ctx).values():
        homes[h.village].append(h)
    entry = None
    for (village, year), reds in sorted(left_out.items()):
        by_risk, evidence = defaultdict(Decimal), set()
        for h in homes[village]:
            for day, amount, _, paid in helps(ctx, h.id_no):
                if day.year == year and day <= as_of:
                    by_risk[h.risk] += amount
                    if h.risk == "蓝" and paid is not None:
                        evidence.update(paid.links or ())
        total = sum(by_risk.values(), ZERO)
        if not total or by_risk.get("蓝", ZERO) < share * total:
            continue
        entry = entry or _register_entry(ctx)
        names = "、".join(f"{h.name}（户编号{h.number}）" for h in reds[:5])
        yield findings.emit(
            "benefit-skewed", f"{village}|{year}", entry, amount=total, links=evidence,
            date=datetime.date(year, 12, 31) if year < as_of.year else as_of,
            facets={"scope": village, "year": str(year)}, village=village, year=year,
            share=by_risk["蓝"] / total, count_red=len(reds), names=names)


RULES = {"red-unassisted": red_unassisted, "benefit-skewed": benefit_skewed}
