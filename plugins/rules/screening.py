"""Screening lists (部门筛查预警): a person whose medical self-pay, education expense or disaster
loss crosses the county's line must be identified for monitoring (识别纳入监测) in time.

The screening register (`custom "register" "screening"`, written by the screening importer from
the 医保局, 教育局 and 应急管理局 lists) holds one clue a row: 类别 医疗/教育/灾害, the person (ID
number, or, on an education list, the parent's name and village), the date (结算/缴费/受灾日期)
and the amount. The household register says who is registered (脱贫户/监测户) and when each
household was identified (识别日期) and cleared (风险消除日期). A clue without an ID number is
matched to the household whose 户主姓名 and 行政村 it names; a same name in another village is
another person.

A clue crosses the line when
    医疗: the person's self-pay in one calendar year, added up settlement by settlement, reaches
          `screening_medical_registered` for a registered person, `screening_medical_others`
          for anyone else (the clue date is the settlement that reaches it);
    教育: the expense borne by the family is over `screening_education`;
    灾害: the direct loss reaches `screening_disaster`, or what happened names one of
          `screening_disaster_words` (房屋倒塌, 严重损坏).
It is answered when the person's household was identified (识别日期) no later than
`screening_identify_days` after the clue, or was a 监测户 already identified and not cleared when
the clue came (a 脱贫户 graded by colour before the clue is not thereby monitored for it). One finding per person, list and year (the
first clue that crossed the line), once the time limit has passed at the judging date.

screening-not-identified (high)
    Not identified at all (or identified only after the judging date, or cleared before the
    clue and not identified again).
screening-identified-late (medium)
    Identified, but more than `screening_identify_days` after the clue.

Settings: screening_identify_days (15), screening_medical_registered (5000),
screening_medical_others (20000), screening_education (10000, strictly over),
screening_disaster (10000), screening_disaster_words. Silent without a screening register.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from fundtrail import findings
from fundtrail.plugins.rules._registers import register_entry, register_problem
from fundtrail.plugins.rules.assets import judged_at
from fundtrail.plugins.rules.households import members
from fundtrail.plugins.settings import DAYS, MONEY, WORDS, Setting
from fundtrail.registers import Clue, Household, ScreeningRegister, person_key

SETTINGS = (
    Setting("screening_identify_days", DAYS, 15, "部门预警信息推送后应完成识别的天数"),
    Setting("screening_medical_registered", MONEY, 5000, "脱贫户/监测户年度医疗个人自付预警线（元，达到即预警）"),
    Setting("screening_medical_others", MONEY, 20000, "其他农户年度医疗个人自付预警线（元，达到即预警）"),
    Setting("screening_education", MONEY, 10000, "教育费用个人负担预警线（元，超过即预警）"),
    Setting("screening_disaster", MONEY, 10000, "受灾直接经济损失预警线（元，达到即预警）"),
    Setting("screening_disaster_words", WORDS, ("倒塌", "严重损坏"), "受灾情况含这些词即预警（不论损失金额）"),
)

LISTS = {"医疗": "医保部门推送的医疗费用个人自付", "教育": "教育部门推送的教育费用个人负担",
         "灾害": "应急管理部门的受灾户统计"}


def _register(ctx) -> ScreeningRegister:
    return ctx.flows.screening_register


def _entry(ctx):
    return register_entry(ctx, "screening")


def _household(ctx, clue: Clue) -> Household | None:
    """The register row of the clue's person (by ID, else by 户主姓名 and 行政村); when that
    row has no 识别日期, the row of its household (户编号) that has one."""
    h = ctx.flows.household_register.person(clue.id_no, clue.name, clue.village)
    if h is not None and not h.identified:
        h = next((m for m in members(ctx).get(h.household, ()) if m.identified), h)
    return h


def _crossings(ctx):
    """(clue that crossed the line, household or None, the amount that crossed it, the line
    as words), the first per person, list and year, in date order."""
    settings = ctx.settings
    words = tuple(settings["screening_disaster_words"])
    medical = defaultdict(list)
    out = {}
    for clue in _register(ctx).clues:
        h = _household(ctx, clue)
        person = person_key(clue.id_no, clue.name, clue.village)
        key = (person, clue.kind, clue.date.year)
        if clue.kind == "医疗":
            medical[key].append((clue, h))
            continue
        if key in out and out[key][0].date <= clue.date:
            continue
        if clue.kind == "教育":
            line = settings["screening_education"]
            if clue.amount > line:
                out[key] = (clue, h, clue.amount, f"个人负担超过{line:,.2f}元")
        else:
            line = settings["screening_disaster"]
            hit = next((w for w in words if w in clue.detail), "")
            if clue.amount >= line or hit:
                out[key] = (clue, h, clue.amount,
                            f"受灾情况为“{hit}”" if hit and clue.amount < line else f"直接经济损失达到{line:,.2f}元")
    for key, rows in medical.items():
        rows.sort(key=lambda r: r[0].date)
        h = rows[0][1]
        line = settings["screening_medical_registered" if h else "screening_medical_others"]
        total = 0
        for clue, _ in rows:
            total += clue.amount
            if total >= line:
                who = "已登记脱贫户/监测户" if h else "其他农户"
                out[key] = (clue, h, total, f"{who}年度个人自付达到{line:,.2f}元")
                break
    return sorted(out.values(), key=lambda r: (r[0].date, r[0].kind, r[0].name))


def _what(clue: Clue, amount) -> str:
    if clue.kind == "医疗":
        return f"{clue.date.year}年医疗费用个人自付累计{amount:,.2f}元"
    if clue.kind == "教育":
        return f"教育费用个人负担{amount:,.2f}元" + (f"（{clue.detail}）" if clue.detail else "")
    return f"受灾直接经济损失{amount:,.2f}元" + (f"（{clue.detail}）" if clue.detail else "")


def _judged(ctx):
    """(variant, clue, household, amount, line, due, identified) of each unanswered clue."""
    if not _register(ctx).clues:
        return ()
    as_of, days = judged_at(ctx), ctx.settings["screening_identify_days"]
    out = []
    for clue, h, amount, line in _crossings(ctx):
        due = clue.date + datetime.timedelta(days=days)
        if due >= as_of:
            continue
        known = h.identified if h and h.identified and h.identified <= as_of else None
        if known and known <= clue.date and h.monitored and not (h.cleared and h.cleared < clue.date):
            continue  # already monitored when the clue came
        if known and known <= clue.date:
            known = None  # a 脱贫户 graded before the clue, or a household cleared before it
        if known and clue.date < known <= due:
            continue
        late = known and known > due
        out.append(("late" if late else "never", clue, h, amount, line, due, known if late else None))
    return out


def _who(ctx, clue: Clue, h: Household | None) -> str:
    village = clue.village or (h.village if h else "")
    person = clue.id_no or (h.id_no if h else "")
    shown = f"身份证{ctx.masker.id_no(person)}，" if person else ""
    status = h.category or "已登记" if h else "未在脱贫户/监测户登记册中"
    return f"{village}{clue.name}（{shown}{status}）"


def _emit(ctx, rule: str, wanted: str):
    entry, days = None, ctx.settings["screening_identify_days"]
    for variant, clue, h, amount, line, due, identified in _judged(ctx):
        if variant != wanted:
            continue
        entry = entry or _entry(ctx)
        person = person_key(clue.id_no or (h.id_no if h else ""), clue.name, clue.village)
        facts = dict(list=LISTS[clue.kind], who=_who(ctx, clue, h), what=_what(clue, amount),
                     clue=clue.date, line=line, due=due, limit=days)
        if identified:
            facts.update(identified=identified, days=(identified - clue.date).days)
        yield findings.emit(
            rule, f"{clue.kind}|{person}|{clue.date}", entry, amount=amount, date=due,
            facets={"kind": clue.kind, "clue": clue.date.isoformat(),
                    "village": clue.village or (h.village if h else "")}, **facts)


def screening_not_identified(ctx):
    problem = _register(ctx).problem
    if problem:  # a register named but unusable: said once, not silently judged empty
        yield from register_problem(ctx, "screening", "screening-not-identified", problem)
        return
    yield from _emit(ctx, "screening-not-identified", "never")


def screening_identified_late(ctx):
    return _emit(ctx, "screening-identified-late", "late")


RULES = {"screening-not-identified": screening_not_identified,
         "screening-identified-late": screening_identified_late}
