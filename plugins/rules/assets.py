"""Project assets after acceptance (项目资产后续管理, 国办函〔2021〕51号): registration, use,
income, its distribution, disposal and the benefit links a project promised.

Reads the `custom "asset"` / `custom "asset-disposal"` master data and the collective layer of
the books (`Income:Asset:<asset>` → `Assets:Collective:<village>` → `Expenses:Distribution:<village>`;
docs/ledger-model.md). Every rule is judged at the books' judging date (`as_of`).

idle-asset (medium)
    An operating asset (经营性) not disposed of whose last income (or its registration, if it
    never earned any) lies more than `idle_asset_months` months before the judging date: the
    idle 扶贫车间 of the field report.
income-undistributed (medium)
    A village collective holds asset income longer than `income_hold_days`: the oldest income
    not yet covered by distributions (first in, first out: fundtrail.flows.unspent) is older
    than that.
distribution-ineligible (high)
    A distribution to a household (分红到户, 公益岗位工资, or any distribution naming an `id_no`)
    paid to an ID number not in the household register, to no ID at all, or to a cadre or a
    cadre's registered relative (the related-party matching: ID, card, name in the village).
disposal-unapproved (high)
    A disposal (sale, scrapping, transfer) recorded without its approving document (`approval:`).
asset-unregistered (medium)
    A project accepted (验收) more than `asset_register_days` days ago that spent money and
    registered no asset. Projects of the categories in `asset_free_categories` (e.g. 金融帮扶),
    of the natures in `asset_free_natures` (e.g. 维修养护) and projects whose spending is all
    household payments (cash subsidies) form no asset and are left out.
linkage-unkept (medium)
    A project whose benefit link (`linkage:`) promises dividends or wages (one of
    `linkage_words`) to N households (its `poor_households`, else `households`), where, more
    than `linkage_grace_days` after its first asset was registered, fewer than N distinct
    households were paid from its assets' distributions — or none.

A finding is dated when the breach began (e.g. the day the twelve idle months were complete).

Settings: idle_asset_months (12), income_hold_days (365), asset_register_days (90),
asset_free_categories (("金融帮扶", "项目管理")), asset_free_natures (("维修养护",)),
linkage_words (("分红", "公益岗位", "务工工资")), linkage_grace_days (365).
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict

from fundtrail import findings
from fundtrail.assets import TO_HOUSEHOLDS, AssetBook
from fundtrail.flows import ZERO, date_of, unspent
from fundtrail.plugins.rules._naming import entry_key
from fundtrail.plugins.rules._registers import households, register_problem
from fundtrail.plugins.rules.related_parties import officials
from fundtrail.plugins.settings import DAYS, MONTHS, WORDS, Setting

SETTINGS = (
    Setting("idle_asset_months", MONTHS, 12, "经营性资产无收入即为闲置的月数"),
    Setting("income_hold_days", DAYS, 365, "村集体持有资产收益未分配的最长天数"),
    Setting("asset_register_days", DAYS, 90, "项目验收后应登记资产的天数"),
    Setting("asset_free_categories", WORDS, ("金融帮扶", "项目管理"), "不形成资产的项目类别"),
    Setting("asset_free_natures", WORDS, ("维修养护",), "不形成资产的项目性质"),
    Setting("linkage_words", WORDS, ("分红", "公益岗位", "务工工资"), "联农带农承诺中表示分红或工资的词语"),
    Setting("linkage_grace_days", DAYS, 365, "首项资产登记后兑现联农带农承诺的天数"),
)


# What these rules ask of the books' shared index, in one place.
def judged_at(ctx):
    """The date the books are judged at (the `as_of` setting, else complete-to date)."""
    return ctx.as_of


def spent_on(ctx) -> dict:
    """Project code -> its spending flows (`.amount`, `.person` for household rows)."""
    return ctx.flows.spent_on


def subsidies_of(ctx) -> dict:
    """ID number -> the household subsidy flows paid to that person."""
    return ctx.flows.by_person


def asset_book(ctx) -> AssetBook:
    """Asset income and distributions, read once per load (the flow index's)."""
    return ctx.flows.asset_book


def months_before(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def idle_asset(ctx):
    as_of, months = judged_at(ctx), ctx.settings["idle_asset_months"]
    limit = months_before(as_of, months)
    last = asset_book(ctx).last_income()
    assets, disposals = ctx.master.assets, ctx.master.disposals
    idle = []  # the idle assets' codes, sorted below: no sort of every asset's code
    for code, asset in assets.items():
        disposal = disposals.get(code)
        if not asset.operating or (disposal and disposal.date <= as_of) or asset.registered > as_of:
            continue
        if last.get(code, asset.registered) < limit:
            idle.append(code)
    for code in sorted(idle):  # by code
        asset = assets[code]
        since = last.get(code, asset.registered)
        since_text = f"最后一笔收益在{since}" if code in last else f"自{since}登记以来未记录任何收益"
        yield findings.emit(
            "idle-asset", code, asset.entry, amount=asset.value,
            links=[code, asset.project] if asset.project else [code],
            date=months_before(since, -months) + datetime.timedelta(days=1),
            asset=code, name=asset.name, village=ctx.master.place_name(asset.village),
            project=asset.project, since=since, since_text=since_text, as_of=as_of,
            months=months, expected=asset.expected_income)


def income_undistributed(ctx):
    book, as_of = asset_book(ctx), judged_at(ctx)
    days = ctx.settings["income_hold_days"]
    incomes, paid = defaultdict(list), defaultdict(lambda: ZERO)
    for move in book.income:
        if move.date <= as_of:
            incomes[move.village].append(move)
    for move in book.distributions:
        if move.date <= as_of:
            paid[move.village] += move.amount
    for village, moves in sorted(incomes.items()):
        held = sum((m.amount for m in moves), ZERO) - paid[village]
        lots = unspent(sorted(moves, key=date_of), balance=held)  # first in, first out
        oldest = lots[0][0] if lots else None
        if oldest is None or (as_of - oldest.date).days <= days:
            continue
        overdue = sum((m.amount for m in moves if (as_of - m.date).days > days), ZERO) - paid[village]
        yield findings.emit(
            "income-undistributed", village, oldest.entry, amount=overdue, links=[oldest.asset],
            date=oldest.date + datetime.timedelta(days=days + 1),
            village=ctx.master.place_name(village), since=oldest.date, as_of=as_of,
            days=(as_of - oldest.date).days, limit=days, held=held)


def distribution_ineligible(ctx):
    yield from register_problem(ctx, "households", "distribution-ineligible")
    registered, known = households(ctx), officials(ctx)
    place_name = ctx.master.place_name
    for move in asset_book(ctx).distributions:
        person = move.person
        if move.amount <= 0 or not (move.purpose in TO_HOUSEHOLDS or person):
            continue
        village = relation = None  # the village's name: for a match or a finding only
        if known.ids:
            village = place_name(move.village)
            relation = known.match(move, village)
        if relation:
            variant = "related"
        elif not person:
            variant = "no-id"
        elif registered and person not in registered:
            variant = ""
        else:
            continue
        if village is None:
            village = place_name(move.village)
        who = str(move.meta.get("beneficiary") or move.entry.payee or "")
        yield findings.emit(
            "distribution-ineligible", entry_key(move.entry), move.entry, amount=move.amount,
            links=[move.asset] if move.asset else (), variant=variant, village=village,
            kind=move.purpose or "分配", who=who, id=ctx.masker.id_no(person) if person else "",
            relation=ctx.masker.text(relation or ""))


def disposal_unapproved(ctx):
    for code, disposal in sorted(ctx.master.disposals.items()):
        if disposal.approval:
            continue
        asset = ctx.master.assets.get(code)
        yield findings.emit(
            "disposal-unapproved", code, disposal.entry, amount=asset.value if asset else None,
            links=[code], asset=code, cls=asset.cls if asset else "", name=asset.name if asset else code,
            village=ctx.master.place_name(asset.village) if asset else "", day=disposal.date,
            kind=disposal.kind, proceeds=disposal.proceeds)


def asset_unregistered(ctx):
    as_of, days = judged_at(ctx), ctx.settings["asset_register_days"]
    formed = {asset.project for asset in ctx.master.assets.values()}
    spent = spent_on(ctx)
    free_categories = set(ctx.settings["asset_free_categories"])
    free_natures = set(ctx.settings["asset_free_natures"])
    accepted_on = ctx.master.accepted
    for code in sorted(accepted_on.keys() - formed):  # a project that formed an asset is done
        accepted, project = accepted_on[code], ctx.master.projects.get(code)
        if (not project or (as_of - accepted).days <= days
                or project.category in free_categories or project.nature in free_natures):
            continue
        flows = [f for f in spent.get(code, ()) if f.amount > 0]
        if not flows or all(f.person for f in flows):
            continue
        total = sum((f.amount for f in flows), ZERO)
        yield findings.emit(
            "asset-unregistered", code, ctx.master.accounts.get(project.account), amount=total,
            links=[code], date=accepted + datetime.timedelta(days=days + 1), project=code,
            name=project.name, accepted=accepted,
            as_of=as_of, days=(as_of - accepted).days, limit=days)


def linkage_unkept(ctx):
    """Only projects whose link promises households dividends or wages are looked at; the
    words are looked for once per distinct link text."""
    as_of, grace = judged_at(ctx), ctx.settings["linkage_grace_days"]
    words = ctx.settings["linkage_words"]
    projects, promises, promising = ctx.master.projects, {}, set()  # link text -> has a word
    for code, project in projects.items():
        text = project.linkage
        if text not in promises:
            promises[text] = any(word in text for word in words)
        if promises[text]:
            promising.add(code)
    if not promising:
        return
    by_project = defaultdict(list)
    for asset in ctx.master.assets.values():
        if asset.project in promising:
            by_project[asset.project].append(asset)
    paid = defaultdict(set)
    for move in asset_book(ctx).distributions:
        if move.amount > 0 and move.person and move.date <= as_of:
            paid[move.asset].add(move.person)
    for code, assets in sorted(by_project.items()):
        project = projects[code]
        promised = project.poor_households or project.households
        first = min(asset.registered for asset in assets)
        if not promised or (as_of - first).days <= grace:
            continue
        reached = len(set().union(*(paid[asset.id] for asset in assets)))
        if reached >= promised:
            continue
        yield findings.emit(
            "linkage-unkept", code, ctx.master.accounts.get(project.account), links=[code],
            date=first + datetime.timedelta(days=grace + 1), variant="" if reached else "none",
            project=code, name=project.name,
            linkage=project.linkage, promised=promised, reached=reached,
            missing=promised - reached, since=first)


RULES = {"idle-asset": idle_asset, "income-undistributed": income_undistributed,
         "distribution-ineligible": distribution_ineligible, "disposal-unapproved": disposal_unapproved,
         "asset-unregistered": asset_unregistered, "linkage-unkept": linkage_unkept}
