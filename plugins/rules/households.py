"""Households at risk (防返贫动态监测), three-colour management (三级风险三色管理) for 脱贫户 and
监测户 alike: red (红, 极易返贫) must see help first, orange (橙, 容易返贫) soon after, blue (蓝, 不易返贫)
at least a visit; and no household is cleared (风险消除) before the risk is known to be gone.

The household register (`custom "register" "households"`) gives each household its type
(户类型: 脱贫户, 监测户 = 脱贫不稳定户 / 边缘易致贫户 / 突发严重困难户), risk colour (风险等级 红/橙/蓝),
the date it was identified (识别日期; for a 脱贫户, the day it was graded) and cleared (风险消除日期),
and, as the national monitoring system exports them, the measure taken (帮扶措施), the day it
took effect (措施落实日期) and the latest household visit (走访日期). A household is judged only
when it has a colour and a 识别日期. Assistance counted: the register's 措施落实日期 and what the
books show: household subsidies (postings with `id_no:`), micro-loans granted (`custom "loan"`,
its `borrower_id`) and asset-income distributions to the household (分红, 公益岗位工资); the
subsidies and distributions as the flow index lists them (`FlowIndex.help_of`), positive
amounts only. Interest subsidies count through the loan they belong to.

red-unassisted (high)
    A red household identified on day D, not cleared before D + `red_assist_days`, with no
    assistance in [D, D + red_assist_days], once that window has passed.
orange-unassisted (medium)
    The same for an orange household and `orange_assist_days`.
blue-uncontacted (low)
    A blue household with neither a visit (走访日期) nor any assistance (a job offer counts as
    a measure) in [D, D + blue_contact_days], once that window has passed. The register keeps
    the latest visit only: a county that exports every visit date should export the earliest
    after identification.
premature-risk-cleared (high)
    A household cleared (风险消除) fewer than `clear_min_days` after it was identified, or with
    no assistance between identification and clearance, or with no visit recorded since it
    was identified (judged only when the register records visits: a 走访日期 on some row).
    Every reason found is named.
benefit-skewed (medium)
    In a village and year, at least `benefit_skew_share` of the money paid to households went
    to low-risk (蓝) households, while a red household of that village (脱贫户 or 监测户 with a
    识别日期), not cleared and graded for at least `red_assist_days` of the year, received
    nothing in it.

Settings: red_assist_days (30), orange_assist_days (60), blue_contact_days (90),
clear_min_days (180), benefit_skew_share (0.5). Silent without a household register.
"""

from __future__ import annotations

import datetime
from bisect import bisect_left
from collections import defaultdict
from decimal import Decimal

from fundtrail import findings
from fundtrail.flows import HELP_DISTRIBUTION, HELP_SUBSIDY, ZERO, Help, date_of, id_no
from fundtrail.plugins.rules._registers import households, register_entry
from fundtrail.plugins.rules.assets import judged_at
from fundtrail.plugins.settings import DAYS, SHARE, Setting
from fundtrail.registers import RISKS, Household

SETTINGS = (
    Setting("red_assist_days", DAYS, 30, "红色户（脱贫户、监测户）识别后应得到帮扶的天数"),
    Setting("benefit_skew_share", SHARE, 0.5, "到户资金流向低风险户的比例上限", high=1),
    Setting("orange_assist_days", DAYS, 60, "橙色户识别后应得到帮扶的天数"),
    Setting("blue_contact_days", DAYS, 90, "蓝色户识别后应有入户走访或帮扶（含就业岗位）的天数"),
    Setting("clear_min_days", DAYS, 180, "识别后至少多少天方可标注风险消除"),
)


def _graded(ctx, colour: str) -> list[Household]:
    """The households of one colour with a 识别日期, in register order, 脱贫户 and 监测户 alike:
    one per household (户编号; one member's row stands for it, see `_heads`)."""
    return _by_colour(ctx)[0].get(colour, [])


def _heads(ctx) -> list[Household]:
    """One row per household (`HouseholdRegister.heads`)."""
    return ctx.flows.household_register.heads()


def members(ctx) -> dict[str, list[Household]]:
    """The register's rows by household (`HouseholdRegister.members`)."""
    return ctx.flows.household_register.members()


def _reds_at_risk(ctx) -> list[Household]:
    """The red households benefit-skewed weighs: the graded ones and the red 监测户 without a
    识别日期 (at risk since before the books), one per household."""
    return _by_colour(ctx)[1]


def _by_colour(ctx) -> tuple[dict[str, list[Household]], list[Household]]:
    """(colour -> its households with a 识别日期, the red households at risk), in register
    order: the colours' rules and benefit-skewed share one walk over the households."""
    def build():
        graded: dict[str, list[Household]] = {colour: [] for colour in RISKS}
        reds = []
        for h in _heads(ctx):
            if h.identified:
                got = graded.get(h.risk)
                if got is not None:
                    got.append(h)
                if h.risk == "红":
                    reds.append(h)
            elif h.risk == "红" and h.monitored:
                reds.append(h)
        return graded, reds
    return ctx.memo("rules.graded", build)


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
    return register_entry(ctx, "households")


def _who(ctx, h) -> str:
    return f"{h.village}{h.name}（户编号{h.number}，身份证{ctx.masker.id_no(h.id_no)}，{h.category}）"


_COLOURS = {"红": ("red-unassisted", "red_assist_days"), "橙": ("orange-unassisted", "orange_assist_days"),
            "蓝": ("blue-uncontacted", "blue_contact_days")}


def _evidence(ctx, h: Household, visits: bool) -> list[tuple[datetime.date, str, object]]:
    """(date, what, entry or None) of each help the household (every member) had, in date
    order: the books' helps, the register's 措施落实日期 and, when `visits`, its 走访日期."""
    out = []
    for member in members(ctx).get(h.household, [h]):
        out += [(help.date, help.what or "帮扶", help.entry) for help in helps(ctx, member.id_no)]
        if member.helped:
            out.append((member.helped, member.measure or "帮扶措施", None))
        if visits and member.visited:
            out.append((member.visited, "入户走访", None))
    return sorted(out, key=lambda x: x[0])


def _subsidised(ctx, h: Household, start: datetime.date, end: datetime.date) -> bool:
    """Whether a member of the household had a positive subsidy dated in [start, end]: the
    commonest help, read off the flow index's subsidies by person (in date order) before the
    household's full evidence (`_evidence`) is worked out."""
    by_person = ctx.flows.by_person
    for member in members(ctx).get(h.household, [h]):
        flows = by_person.get(member.id_no)
        if flows:
            for i in range(bisect_left(flows, start, key=date_of), len(flows)):
                flow = flows[i]
                if flow.date > end:
                    break
                if flow.amount > 0:
                    return True
    return False


def _visited(ctx, h: Household) -> datetime.date | None:
    """The latest visit any member's row records."""
    return max((m.visited for m in members(ctx).get(h.household, [h]) if m.visited),
               default=None)


def _unassisted(ctx, colour: str):
    rule, setting = _COLOURS[colour]
    as_of, days = judged_at(ctx), ctx.settings[setting]
    entry = None
    for h in _graded(ctx, colour):
        due = h.identified + datetime.timedelta(days=days)
        if due >= as_of or (h.cleared and h.cleared < due) or _subsidised(ctx, h, h.identified, due):
            continue
        got = _evidence(ctx, h, visits=colour == "蓝")
        if any(h.identified <= day <= due for day, _, _ in got):
            continue
        entry = entry or _register_entry(ctx)
        later = next(((day, what, e) for day, what, e in got if day > due), None)
        yield findings.emit(
            rule, f"{h.id_no}|{h.identified}", entry, date=due,
            links=getattr(later and later[2], "links", None) or (),
            variant="" if later else "never", who=_who(ctx, h), identified=h.identified, limit=days,
            first_help=later[0] if later else None, help=later[1] if later else "", as_of=as_of,
            days=((later[0] if later else as_of) - h.identified).days)


def red_unassisted(ctx):
    return _unassisted(ctx, "红")


def orange_unassisted(ctx):
    return _unassisted(ctx, "橙")


def blue_uncontacted(ctx):
    return _unassisted(ctx, "蓝")


def _records_visits(ctx) -> bool:
    """Whether the register records visits at all (a 走访日期 on some row): a county whose export
    has none is not told of a missing visit on every clearance."""
    return ctx.memo("rules.register_visits", lambda: any(h.visited for h in households(ctx).values()))


def premature_risk_cleared(ctx):
    """Each household cleared on or before the judging date whose clearance lacks time, help or
    a visit (the register's latest visit counts when it is on or after identification)."""
    as_of, least = judged_at(ctx), ctx.settings["clear_min_days"]
    entry = None
    for h in _heads(ctx):
        if not (h.identified and h.cleared) or h.cleared > as_of:
            continue
        days = (h.cleared - h.identified).days
        got = [(day, what, e) for day, what, e in _evidence(ctx, h, visits=False)
               if h.identified <= day <= h.cleared]
        last = _visited(ctx, h)
        visited = bool(last and last >= h.identified) or not _records_visits(ctx)
        reasons = []
        if days < least:
            reasons.append(f"识别后仅{days}天（应不少于{least}天）")
        if not got:
            reasons.append("识别至消除期间未见任何帮扶措施")
        if not visited:
            reasons.append("未见入户走访核实记录")
        if not reasons:
            continue
        entry = entry or _register_entry(ctx)
        yield findings.emit(
            "premature-risk-cleared", f"{h.id_no}|{h.identified}|{h.cleared}", entry, date=h.cleared,
            links={link for _, _, e in got for link in (getattr(e, "links", None) or ())},
            facets={"household": h.number}, who=_who(ctx, h),
            risk=f"{h.risk}色（{RISKS[h.risk]}）" if h.risk else "未分级",
            identified=h.identified, cleared=h.cleared, days=days, limit=least,
            reasons="；".join(reasons))


def benefit_skewed(ctx):
    """Only villages and years where a red-tier household went without are weighed, so a
    county that helps its red tier pays nothing for this rule beyond one look per household."""
    days, share = ctx.settings["red_assist_days"], ctx.settings["benefit_skew_share"]
    as_of = judged_at(ctx)
    first = ctx.transactions[0].date.year if ctx.transactions else as_of.year
    left_out = defaultdict(list)  # (village, year) -> red households with nothing that year
    by_person = ctx.flows.by_person
    # each year's first and last day judged, made once, not once per household
    spans = [(year, datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), as_of))
             for year in range(first, as_of.year + 1)]
    for h in _reds_at_risk(ctx):
        subsidised = years = None  # the years of its positive subsidies, of all its help
        for year, start, end in spans:
            if not h.watched_in(start, end) \
                    or (end - max(h.identified or start, start)).days < days:
                continue
            if subsidised is None:  # the commonest help first, without the full list
                subsidised = {f.date.year for f in by_person.get(h.id_no, ()) if f.amount > ZERO}
            if year in subsidised:
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


RULES = {"red-unassisted": red_unassisted, "benefit-skewed": benefit_skewed,
         "orange-unassisted": orange_unassisted, "blue-uncontacted": blue_uncontacted,
         "premature-risk-cleared": premature_risk_cleared}
