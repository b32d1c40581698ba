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
from fundtrail.assets import households as typed_households
from fundtrail.masking import Masker
from fundtrail.plugins.rules._ledger import ZERO, ledger, register
from fundtrail.plugins.rules.assets import asset_book

SETTINGS = {"red_assist_days": 30, "benefit_skew_share": 0.5}
MASK = Masker()


def assistance(ctx) -> dict[str, list[tuple]]:
    """{ID number: [(date, amount, what, entry)]} of every help the books record, in date
    order (entry: the transaction, or the loan's directive)."""
    def build():
        out = defaultdict(list)
        for person, flows in ledger(ctx).by_person.items():
            out[person] += [(f.date, f.amount, str(f.meta.get("item") or "补助"), f.entry)
                            for f in flows if f.amount > 0]
        for loan in ctx.master.loans.values():
            out[loan.borrower_id.strip().upper()].append((loan.date, ZERO, "小额信贷", None))
        for move in asset_book(ctx).distributions:
            if move.person and move.amount > 0:
                out[move.person].append((move.date, move.amount, move.kind or "收益分配", move.entry))
        for helps in out.values():
            helps.sort(key=lambda h: h[0])
        return dict(out)
    return ctx.memo("rules.assistance", build)


def _register_entry(ctx):
    return next((e for e in ctx.entries if getattr(e, "type", None) == "register"
                 and e.values and e.values[0].value == "households"), None)


def _who(h) -> str:
    return f"{h.village}{h.name}（户编号{h.number}，身份证{MASK.id_no(h.id_no)}，{h.kind}）"


def red_unassisted(ctx):
    as_of, days = ledger(ctx).as_of, ctx.settings["red_assist_days"]
    helped = assistance(ctx)
    entry = None
    for h in typed_households(register(ctx, "households")).values():
        if not (h.monitored and h.risk == "红" and h.identified):
            continue
        due = h.identified + datetime.timedelta(days=days)
        if due >= as_of or (h.cleared and h.cleared < due):
            continue
        if any(h.identified <= help[0] <= due for help in helped.get(h.id_no, ())):
            continue
        entry = entry or _register_entry(ctx)
        later = next((help for help in helped.get(h.id_no, ()) if help[0] > due), None)
        yield findings.emit(
            "red-unassisted", f"{h.id_no}|{h.identified}", entry, date=due,
            links=getattr(later and later[3], "links", None) or (),
            variant="" if later else "never", who=_who(h), identified=h.identified, limit=days,
            first_help=later[0] if later else None, as_of=as_of,
            days=((later[0] if later else as_of) - h.identified).days)


def benefit_skewed(ctx):
    days, share = ctx.settings["red_assist_days"], Decimal(str(ctx.settings["benefit_skew_share"]))
    register_rows = typed_households(register(ctx, "households"))
    if not register_rows:
        return
    helped, as_of = assistance(ctx), ledger(ctx).as_of
    paid = defaultdict(lambda: defaultdict(Decimal))  # (village, year) -> risk -> money
    evidence = defaultdict(set)  # (village, year) -> links of the payments to 蓝 households
    got = set()  # (id, year)
    for person, helps in helped.items():
        h = register_rows.get(person)
        for day, amount, _, entry in helps:
            got.add((person, day.year))
            if h:
                paid[(h.village, day.year)][h.risk] += amount
                if h.risk == "蓝" and entry is not None:
                    evidence[(h.village, day.year)].update(entry.links or ())
    reds = defaultdict(list)  # village -> its red-tier monitored households
    for h in register_rows.values():
        if h.risk == "红" and h.monitored:
            reds[h.village].append(h)
    entry = None
    for (village, year), by_risk in sorted(paid.items()):
        start, end = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), as_of)
        total = sum(by_risk.values(), ZERO)
        if not total or by_risk.get("蓝", ZERO) < share * total:
            continue
        left_out = [h for h in reds[village] if h.at_risk(start, end)
                    and (end - max(h.identified or start, start)).days >= days
                    and (h.id_no, year) not in got]
        if not left_out:
            continue
        entry = entry or _register_entry(ctx)
        names = "、".join(f"{h.name}（户编号{h.number}）" for h in left_out[:5])
        yield findings.emit(
            "benefit-skewed", f"{village}|{year}", entry, amount=total,
            links=evidence[(village, year)], date=end, facets={"scope": village, "year": str(year)},
            village=village, year=year, share=by_risk["蓝"] / total, count_red=len(left_out),
            names=names)


RULES = {"red-unassisted": red_unassisted, "benefit-skewed": benefit_skewed}
