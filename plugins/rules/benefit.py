"""Benefit links kept (联农带农), firm concentration and the spending mix of 衔接资金.

benefit-promise-unkept (medium)
    A project promises to take on workers (务工), buy produce (订单收购) or rent land (土地流转):
    its `promise_kind:` (务工/收购/流转), `promise:` (how many) and `promise_unit:` (人/户/元/亩)
    from the project library (带动类型, 承诺数量, 承诺单位), else the kind the `linkage:` text
    names (`benefit_link_words`) and its `poor_households` as the number of households. The
    project's rolls (`custom "benefit-roll" "<row key>"`: wage rolls, purchase lists,
    rent rolls, one row each, naming its `project` and `kind`; docs/ledger-model.md) are added up once its period has ended (`end:` plus
    `benefit_grace_days` before the judging date): 人/户 count distinct registered people (an ID
    number in the household register, else a name of the register in the roll's village, else
    the roll's own 是/否 mark when there is no register) paid more than 0, not rows or months; 元 sums the
    amounts; 亩 sums the areas. Fewer than promised is a finding on the project's `open`.
    A project with a promise and no roll at all is reported only when `benefit_rolls_required`
    is set (variant `none`): a county that keeps no rolls yet is not flooded.

firm-concentration (medium)
    One firm (a payee or implementing unit whose name holds one of `firm_words`) holds more than
    `firm_concentration_share` of the county's industry money (projects of
    `industry_categories`, or with a benefit promise when the library gives no category) across
    at least `firm_concentration_min_projects` projects, whatever their benefit links say. A
    project the firm implements (`unit:`, 实施主体) counts at its budget, otherwise what the
    books paid the firm on it; the county's industry money is the projects' budgets (or what
    they paid, where more). Sits on the firm's largest project.

industry-share-low (medium)
    In a complete calendar year, the share of 衔接资金 (funds whose title holds one of
    `linked_fund_words`) allotted to industry projects is under `industry_min_share` (2023年中央
    一号文件: 力争提高到60%以上; 以当地执行文件为准).

management-fee-over (medium)
    In a calendar year, 衔接资金 allotted to project management (projects whose category holds
    a word of `management_categories`: 项目管理, 项目管理费) is over `management_fee_max_share` of the year's 衔接资金
    allotments (财农〔2021〕19号: 不超过1%; 以当地执行文件为准).

Settings: benefit_link_words ({'务工': '务工', '收购': '收购', '流转': '流转'}),
benefit_grace_days (0), benefit_rolls_required (False), firm_words (('公司', '合作社', '企业',
'厂', '农场')), firm_concentration_share (0.17), firm_concentration_min_projects (2),
industry_categories (('产业发展',)), linked_fund_words (('衔接',)), industry_min_share (0.6),
management_categories (('项目管理',)), management_fee_max_share (0.01).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from fundtrail import findings
from fundtrail.directives import flag, number_or_none, plain
from fundtrail.flows import ZERO, id_no, payee_key
from fundtrail.plugins.settings import BOOL, DAYS, INTEGER, SHARE, TABLE, WORDS, Setting
from fundtrail.registers import person_key

SETTINGS = (
    Setting("benefit_link_words", TABLE, {"务工": "务工", "收购": "收购", "流转": "流转"},
            "联农带农机制中表示务工、收购、流转的词语及其带动类型"),
    Setting("benefit_grace_days", DAYS, 0, "项目实施期结束后核对联农带农承诺的宽限天数"),
    Setting("benefit_rolls_required", BOOL, False, "有承诺而无花名册、收购台账或租金发放表的项目也报告"),
    Setting("firm_words", WORDS, ("公司", "合作社", "企业", "厂", "农场"), "名称中表示企业或合作社的词语"),
    Setting("firm_concentration_share", SHARE, 0.17, "一个企业可占全县产业项目资金的最高比例", high=1),
    Setting("firm_concentration_min_projects", INTEGER, 2, "计算资金集中度的最少项目数", low=1),
    Setting("industry_categories", WORDS, ("产业发展",), "产业项目的项目类别"),
    Setting("linked_fund_words", WORDS, ("衔接",), "衔接资金的资金名称中的词语"),
    Setting("industry_min_share", SHARE, 0.6, "衔接资金用于产业发展的最低比例", high=1),
    Setting("management_categories", WORDS, ("项目管理",), "项目管理费的项目类别（类别含其一即是）"),
    Setting("management_fee_max_share", SHARE, 0.01, "衔接资金中项目管理费的最高比例", high=1),
)

KINDS = ("务工", "收购", "流转")
PEOPLE_UNITS = ("人", "户", "")  # counted as distinct registered people ("": households inferred)
ROLL = "benefit-roll"


# -- the promise and the rolls ----------------------------------------------------------------

def promise_of(project, words: dict[str, str]) -> tuple[str, Decimal, str] | None:
    """(kind, how many, unit) a project promises, None when it promises no work, purchase or
    land rent. The library's explicit promise first; else the kind(s) its linkage names and its
    poor households (unit "户")."""
    meta = project.meta
    kind = str(meta.get("promise_kind") or "").strip()
    count = number_or_none(meta.get("promise"))
    if kind and count is not None:
        return next((k for k in KINDS if k in kind), kind), count, str(meta.get("promise_unit") or "").strip()
    named = [k for word, k in words.items() if word in project.linkage]
    if not named or not project.poor_households:
        return None
    return "/".join(dict.fromkeys(named)), Decimal(project.poor_households), "户"


def rolls(ctx) -> dict[str, list]:
    """Project code -> its roll rows (`custom "benefit-roll"`), in ledger order."""
    def build():
        out = defaultdict(list)
        for entry in ctx.flows.customs.get(ROLL, ()):
            out[str(entry.meta.get("project") or "")].append(entry)
        return dict(out)
    return ctx.flows.memo("benefit.rolls", build)


def _registered(ctx):
    """The household register a roll's people are matched in (`HouseholdRegister.person`: by ID
    number, else name and village); None when the ledger names no usable register."""
    register = ctx.flows.household_register
    return register if register.usable else None


def reached(ctx, rows, unit: str, registered) -> Decimal:
    """What a project's rolls delivered, in the promise's unit."""
    if unit in ("元",):
        return sum((number_or_none(e.meta.get("amount")) or ZERO for e in rows), ZERO)
    if unit in ("亩",):
        return sum((number_or_none(e.meta.get("quantity")) or ZERO for e in rows), ZERO)
    people = set()
    for entry in rows:
        meta = entry.meta
        if (number_or_none(meta.get("amount")) or ZERO) <= 0:  # listed, nothing paid: not reached
            continue
        number, name = id_no(meta.get("id_no")), str(meta.get("person") or "").strip()
        village = ctx.master.place_name(str(meta.get("village") or ""))
        if registered is None:
            ok = flag(meta.get("registered") or "")  # the roll's own 是/否 mark
        else:
            ok = registered.person(number, name, village) is not None
        if ok:
            people.add(person_key(number, name, village))
    return Decimal(len(people))


def promise_unkept(ctx):
    words, grace = ctx.settings["benefit_link_words"], ctx.settings["benefit_grace_days"]
    required = ctx.settings["benefit_rolls_required"]
    by_project = rolls(ctx)
    if not by_project and not required:
        return
    registered = None
    projects = ctx.master.projects
    for code in sorted(projects):  # by code (no pair kept per project to sort)
        project = projects[code]
        promise = promise_of(project, words)
        if promise is None or project.end is None:
            continue
        due = project.end + datetime.timedelta(days=grace)
        if due > ctx.as_of:
            continue
        kind, count, unit = promise
        kinds = [k for k in kind.split("/") if k in KINDS]
        rows = [e for e in by_project.get(code, ()) if e.date <= ctx.as_of
                and (not kinds or _kind_of(e) in kinds)]
        if not rows and not required:
            continue
        if registered is None:
            registered = _registered(ctx) or ()
        got = reached(ctx, rows, unit, registered or None) if rows else ZERO
        if got >= count:
            continue
        shown = unit or "户"
        yield findings.emit(
            "benefit-promise-unkept", code, ctx.master.accounts.get(project.account),
            links=[code], date=due, variant="" if rows else "none", project=code,
            name=project.name, kind=kind, promised=plain(count), unit=shown, reached=plain(got),
            missing=plain(count - got), end=project.end, rows=len(rows))


def _kind_of(entry) -> str:
    return str(entry.meta.get("kind") or "")


# -- one firm's share of the industry money -----------------------------------------------------
def _is_firm(name: str, words) -> bool:
    return any(w in name for w in words)


def industry_projects(ctx) -> dict:
    """Project code -> project, of the industry projects (once per load and settings: shared,
    do not change it)."""
    categories, words = ctx.settings["industry_categories"], ctx.settings["benefit_link_words"]
    return ctx.memo("benefit.industry", lambda: {
        code: p for code, p in ctx.master.projects.items()
        if p.category in categories or (not p.category and promise_of(p, words))})


def firm_concentration(ctx):
    share, least = ctx.settings["firm_concentration_share"], ctx.settings["firm_concentration_min_projects"]
    words = ctx.settings["firm_words"]
    projects = industry_projects(ctx)
    if not projects:
        return
    paid = ctx.flows.project_paid
    names: dict[str, str] = {}
    held = defaultdict(dict)  # firm -> project -> money in its hands
    money: dict[str, Decimal] = {}  # project -> its budget, or what it paid where more
    # a unit as written -> (its `payee_key`, its name when a firm's, else ""), once per name
    keys: dict[str, tuple[str, str]] = {}
    implements: dict[str, str] = {}  # project -> its unit's key
    for code, project in projects.items():
        got = paid.get(code)
        money[code] = max(project.budget, got[1] if got else ZERO)
        if not project.unit:
            continue
        known = keys.get(project.unit)
        if known is None:
            unit = project.unit.strip()
            known = keys[project.unit] = (payee_key(project.unit),
                                          unit if unit and _is_firm(unit, words) else "")
        key, unit = known
        implements[code] = key
        if unit:
            names.setdefault(key, unit)
            held[key][code] = money[code]
    firm: dict[str, bool] = {}  # payee key -> a firm (asked once per payee)
    for pay in ctx.flows.contractor_payments:
        code, key = pay.project, pay.payee
        if code not in projects or implements.get(code) == key:
            continue
        is_firm = firm.get(key)
        if is_firm is None:
            raw = pay.entry.payee or ""
            is_firm = firm[key] = _is_firm(raw, words)
            if is_firm:
                names.setdefault(key, raw)
        if is_firm:  # a project's first payment to the firm kept as it is (no zero to add to)
            by_code = held[key]
            got = by_code.get(code)
            by_code[code] = pay.amount if got is None else got + pay.amount
    total = sum(money.values(), ZERO)
    if not total:
        return
    for firm, by_code in sorted(held.items()):
        got = sum(by_code.values(), ZERO)
        if len(by_code) < least or got <= share * total:
            continue
        ordered = sorted(by_code)
        # the project the firm holds the most of (the first by code of those): no sort by money
        project = projects[max(ordered, key=by_code.__getitem__)]
        yield findings.emit(
            "firm-concentration", firm, ctx.master.accounts.get(project.account), amount=got,
            links=ordered, firm=names[firm], count=len(ordered), codes=tuple(ordered),
            share=got / total, total=total, limit=share)


# -- the spending mix of 衔接资金 -----------------------------------------------------------------
def _year_mix(ctx):
    """{year: [all 衔接资金 allotted, to industry, to project management, the management
    projects, the funds allotted]}."""
    def build():
        fund_words = ctx.settings["linked_fund_words"]
        industry = set(industry_projects(ctx))
        words, managing = ctx.settings["management_categories"], {}  # category -> a word in it
        management = set()
        for code, p in ctx.master.projects.items():
            is_management = managing.get(p.category)
            if is_management is None:  # once per category, not per project
                is_management = managing[p.category] = any(w in p.category for w in words)
            if is_management:
                management.add(code)
        linked = {code for code, f in ctx.master.funds.items()
                  if any(w in f.title or w in f.doc_no for w in fund_words)}
        out = {}
        allotted_to = ctx.flows.allotted_to
        # in the order of the project codes: a sum past Decimal's 28 digits rounds by the
        # order it is added in, and the year's figures must not hang on the order of the books
        for code in sorted(ctx.master.projects):
            for flow in allotted_to.get(code, ()):
                if flow.fund not in linked:
                    continue
                year = flow.date.year
                row = out.get(year)
                if row is None:  # no new row for each flow only to drop it
                    row = out[year] = [ZERO, ZERO, ZERO, [], set()]
                row[0] += flow.amount
                row[4].add(flow.fund)
                if code in industry:
                    row[1] += flow.amount
                if code in management:
                    row[2] += flow.amount
                    row[3].append(code)
        return out
    return ctx.memo("benefit.mix", build)


def industry_share_low(ctx):
    least = ctx.settings["industry_min_share"]
    for year, (total, industry, _, _, funds) in sorted(_year_mix(ctx).items()):
        if total <= 0 or datetime.date(year, 12, 31) > ctx.as_of or industry >= least * total:
            continue
        funds = sorted(funds)
        yield findings.emit(
            "industry-share-low", str(year), ctx.master.accounts.get(ctx.master.funds[funds[0]].account),
            amount=industry, links=funds, facets={"year": year}, date=datetime.date(year, 12, 31),
            year=year, total=total, share=industry / total, limit=least,
            shortfall=(least * total - industry).quantize(Decimal("0.01")))


def management_fee_over(ctx):
    most = ctx.settings["management_fee_max_share"]
    for year, (total, _, fee, codes, _) in sorted(_year_mix(ctx).items()):
        if total <= 0 or fee <= most * total:
            continue
        codes = sorted(set(codes))
        entry = ctx.master.accounts.get(ctx.master.projects[codes[0]].account)
        yield findings.emit(
            "management-fee-over", str(year), entry, amount=fee, links=codes, facets={"year": year},
            date=min(datetime.date(year, 12, 31), ctx.as_of), year=year, total=total,
            share=fee / total, limit=most, excess=fee - (most * total).quantize(Decimal("0.01")),
            codes=tuple(codes))


RULES = {"benefit-promise-unkept": promise_unkept, "firm-concentration": firm_concentration,
         "industry-share-low": industry_share_low, "management-fee-over": management_fee_over}
