"""Monitored households (防返贫动态监测): the red tier (红色, 极易返贫) must see help first.

The household register (`custom "register" "households"`) gives each household its type
(户类型: 脱贫户, 监测户 = 脱贫不稳定户 / 边缘易致贫户 / 突发严重困难户), risk colour (风险等级 红/橙/蓝)
and the dates it was identified (识别日期) and cleared (风险消除日期). Assistance recorded in the
books: household subsidies (postings with `id_no:`), micro-loans granted (`custom "loan"`,
its `borrower_id`) and asset-income distributions to the household (分红, 公益岗位工资); the
subsidies and distributions as the flow index lists them (`FlowIndex.help_of`), positive
amounts only. Interest subsidies count through the loan they belong to.

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
from fundtrail.flows import HELP_DISTRIBUTION, HELP_SUBSIDY, ZERO, Help, id_no
from fundtrail.plugins.rules._registers import households
from fundtrail.plugins.rules.assets import judged_at
from fundtrail.plugins.settings import DAYS, SHARE, Setting
from fundtrail.registers import Household

SETTINGS = (
    Setting("red_assist_days", DAYS, 30, "红色监测户识别后应得到帮扶的天数"),
    Setting("benefit_skew_share", SHARE, 0.5, "到户资金流向低风险户的比例上限", high=1),
)


def _reds(ctx) -> list[Household]:
    """The red-tier monitored households, in register order (one per ID number, the last row)."""
    return ctx.memo("rules.red_households", lambda: [
        h for h in households(ctx).values() if h.risk == "红" and h.monitored])


def _loans(ctx) -> dict[str, list]:
    def build():
        out = defaultdict(list)
        for loan in ctx.master.loans.values():
            out[id_no(loan.borrower_id)].append(loan)
        return out
    return ctx.memo("rules.loans_by_borrower", build)


_LOAN = "loan"  # a micro-loan granted: help these rules count, though no money is received


def helps(ctx, person: str) -> list[Help]:
    """Every help these rules count for one household, in date order: its positive subsidies,
    the loans granted to it (amount 0, no entry) and its positive distributions. Worked out
    once per household (the list is shared: do not change it)."""
    known = ctx.memo("rules.helps", dict)
    got = known.get(person)
    if got is None:
        got = known[person] = _helps(ctx, person)
    return got


def _helps(ctx, person: str) -> list[Help]:
    received = ctx.flows.help_of(person)
    subsidies = [h for h in received if h.channel == HELP_SUBSIDY and h.amount > 0]
    distributions = [h for h in received if h.channel == HELP_DISTRIBUTION and h.amount > 0]
    loans = [Help(loan.date, ZERO, "小额信贷", None, _LOAN) for loan in _loans(ctx).get(person, ())]
    return sorted(subsidies + loans + distributions, key=lambda h: h.date)


def _register_entry(ctx):
    return next((e for e in ctx.flows.customs.get("register", ())
                 if e.values and e.values[0].value == "households"), None)


def _who(ctx, h) -> str:
    return f"{h.village}{h.name}（户编号{h.number}，身份证{ctx.masker.id_no(h.id_no)}，{h.category}）"


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
        if any(h.identified <= help.date <= due for help in got):
            continue
        entry = entry or _register_entry(ctx)
        later = next((help for help in got if help.date > due), None)
        yield findings.emit(
            "red-unassisted", f"{h.id_no}|{h.identified}", entry, date=due,
            links=getattr(later and later.entry, "links", None) or (),
            variant="" if later else "never", who=_who(ctx, h), identified=h.identified, limit=days,
            first_help=later.date if later else None, as_of=as_of,
            days=((later.date if later else as_of) - h.identified).days)


def benefit_skewed(ctx):
    """Only villages and years where a red-tier household went without are weighed, so a
    county that helps its red tier pays nothing for this rule beyond one look per household."""
    days, share = ctx.settings["red_assist_days"], ctx.settings["benefit_skew_share"]
    as_of = judged_at(ctx)
    first = ctx.transactions[0].date.year if ctx.transactions else as_of.year
    left_out = defaultdict(list)  # (village, year) -> red households with nothing that year
    for h in _reds(ctx):
        years = None
        for year in range(first, as_of.year + 1):
            start, end = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), as_of)
            if not h.at_risk(start, end) or (end - max(h.identified or start, start)).days < days:
                continue
            years = years if years is not None else {help.date.year for help in helps(ctx, h.id_no)}
            if year not in years:
                left_out[(h.village, year)].append(h)
    if not left_out:
        return
    homes = defaultdict(list)
    for h in households(ctx).values():
        homes[h.village].append(h)
    entry = None
    for (village, year), reds in sorted(left_out.items()):
        by_risk, evidence = defaultdict(Decimal), set()
        for h in homes[village]:
            for help in helps(ctx, h.id_no):
                if help.date.year == year and help.date <= as_of:
                    by_risk[h.risk] += help.amount
                    if h.risk == "蓝" and help.entry is not None:
                        evidence.update(help.entry.links or ())
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
