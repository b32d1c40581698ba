"""The demo county's benefit links, leases and spending mix (the rules of
`fundtrail.plugins.rules.benefit` and `.schedule`).

`plant(scenario)` runs after the scenario is built (its own random generator: nothing else the
scenario drew changes) and adds what the county's departments would hand in:

- a wage roll (务工花名册) of a 2024 务工带动 project that took on fewer registered workers than its
  poor households (planted `benefit-promise-unkept`), and a purchase list (订单收购台账) of an
  订单收购 project whose distinct registered sellers are exactly the promise (near miss);
- a lease list (项目资产租赁合同台账): the workshop whose tenant left after 2024 (the idle asset)
  and a lease paid every quarter, a few days after the 25th at most (near miss), so
  `income-arrears` reports the first after one missed quarter;

and lists what the county's own figures already show: the firm paid on most industry projects
(`firm-concentration`, the next firm its near miss), the 2023 衔接资金 spent on village works only
(`industry-share-low`, 2024 its near miss) and the project-management costs above 1 %
(`management-fee-over`), beside 2025's review fees paid from the twinning unit's money, which is
not 衔接资金 (its near miss). `write(root, scenario)` writes the files under documents/registers/.
"""

from __future__ import annotations

import csv
import datetime
import random
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from fundtrail.flows import payee_key
from fundtrail.ledgers.demo import places
from fundtrail.periods import quarter_around, quarter_of, quarter_span

D = datetime.date
ZERO = Decimal(0)
FIRM_WORDS = ("公司", "合作社", "企业", "厂", "农场")  # the rule's `firm_words`
FIRM_SHARE = Decimal("0.17")  # the rule's default `firm_concentration_share`
INDUSTRY_SHARE = Decimal("0.6")  # `industry_min_share`
FEE_SHARE = Decimal("0.01")  # `management_fee_max_share`


def _free(s, projects):
    marked = ({e["link"][1:] for e in s.expected if "link" in e}  # a screening clue has none
              | {e["link"][1:] for e in s.near_misses_assets if "link" in e})
    return [p for p in projects if p.code not in marked and not any(
        pay.expect for pay in s.schedules[p.code])]


def _workers(s, rng, count, village):
    """`count` registered household heads, those of the project's village first."""
    homes = sorted(s.households, key=lambda h: (h["_village"] != village, h["户编号"]))
    return [h for h in homes if h["身份证号"] not in s.related][:count]


def plant(s, seed: int = 20241) -> None:
    rng = random.Random(seed * 53 + 11)
    s.benefit_rolls = {}  # file name -> (header, rows)
    village_name = {v[0]: v[1] for v in s.villages}
    p24 = _free(s, [p for p in s.projects.values() if p.code.startswith("QH2024-") and p.village])

    # benefit-promise-unkept: 务工 promised to N poor households, N - 3 registered workers on the
    # roll (two months each) and two workers from outside the register.
    p = next(q for q in p24 if q.linkage == "务工带动" and 8 <= q.poor_households <= 60
             and q.end <= D(2025, 6, 30))
    homes = _workers(s, rng, p.poor_households - 3, p.village)
    outsiders = [{"户主姓名": places.person_name(rng), "身份证号": places.id_number(
        rng, D(rng.randint(1970, 1995), rng.randint(1, 12), rng.randint(1, 28))),
        "行政村": village_name[p.village]} for _ in range(2)]
    rows, n = [], 0
    for month in (p.end - datetime.timedelta(days=31), p.end):  # the project's last two months
        for h in homes + outsiders:
            n += 1
            days = rng.randint(18, 24)
            rows.append([n, p.code, p.name, p.payee, h["户主姓名"], h["身份证号"], h["行政村"],
                         "否" if h in outsiders else "是", f"{month.year}年{month.month}月", days,
                         f"{days * 110:.2f}"])
    s.benefit_rolls["wage-roll.csv"] = (
        ["序号", "项目编号", "项目名称", "用工单位", "姓名", "身份证号", "所在村", "是否脱贫户/监测户",
         "务工月份", "出勤天数", "实发工资(元)"], rows)
    s.expect("benefit-promise-unkept", f"^{p.code}")

    # near miss: 订单收购 from exactly the promised number of registered sellers, some twice.
    q = next(x for x in _free(s, p24) if x.linkage == "订单收购" and x.poor_households <= 60
             and x.end <= D(2025, 6, 30) and x is not p)
    sellers = _workers(s, rng, q.poor_households, q.village)
    rows = []
    for n, h in enumerate(sellers + sellers[:5], 1):
        day = q.start + datetime.timedelta(days=rng.randint(10, (q.end - q.start).days))
        weight = rng.randint(800, 3000)
        rows.append([n, q.code, q.payee, h["户主姓名"], h["身份证号"], h["行政村"], day.isoformat(), "蔬菜",
                     weight, "1.60", f"{Decimal(weight) * Decimal('1.60'):.2f}"])
    s.benefit_rolls["purchase-list.csv"] = (
        ["序号", "项目编号", "收购单位", "交售农户", "身份证号", "行政村", "收购日期", "品种", "数量(斤)",
         "单价(元/斤)", "金额(元)"], rows)
    s.near_misses_assets.append({"rule": "benefit-promise-unkept", "link": f"^{q.code}"})

    _leases(s)
    _firm(s)
    _fee_elsewhere(s, rng)
    _mix(s)


def _quarter_start(day: D) -> D:
    """The first day of the quarter after `day`'s."""
    return quarter_around(day)[1] + datetime.timedelta(days=1)


def _leases(s) -> None:
    income = defaultdict(list)  # asset -> [(date, payer)]
    for t in s.txns:
        if t.file == "collective" and any(p.account.startswith("Income:Asset:") for p in t.postings):
            code = next(p.account.rsplit(":", 1)[1] for p in t.postings if p.account.startswith("Income:Asset:"))
            income[code].append((t.date, t.payee))
    idle = next(e["link"][1:] for e in s.expected if e["rule"] == "idle-asset")
    marked = ({e["link"][1:] for e in s.expected if "link" in e}  # a screening clue has none
              | {e["link"][1:] for e in s.near_misses_assets if "link" in e})

    def on_time(code) -> bool:
        start = _quarter_start(s.assets[code]["date"])
        quarters = {quarter_of(d) for d, _ in income[code] if d >= start}
        wanted = {(y, q) for y in (2024, 2025) for q in range(1, 5)
                  if start <= quarter_span(y, q)[1].replace(day=25) <= D(2025, 11, 30)}
        return len(wanted) >= 4 and wanted <= quarters

    near = next(c for c in sorted(s.assets) if c != idle and c not in marked and income.get(c)
                and any(w in income[c][0][1] for w in FIRM_WORDS) and on_time(c))
    rows = []
    for n, code in enumerate((idle, near), 1):
        a = s.assets[code]
        start = _quarter_start(a["date"])
        rows.append([f"ZL{start.year}-{n:02d}", code, a["name"], a["owner"], income[code][0][1],
                     f"{a['income']:.2f}", "季付", start.isoformat(), D(start.year + 5, start.month, 1).isoformat(),
                     "每季度末月25日前支付当季租金"])
        if code == idle:
            s.expect("income-arrears", f"^{code}")
        else:
            s.near_misses_assets.append({"rule": "income-arrears", "link": f"^{code}"})
    s.benefit_rolls["leases.csv"] = (["合同编号", "资产编号", "资产名称", "出租方", "承租方", "年租金(元)",
                                      "支付方式", "起租日期", "止租日期", "付款约定"], rows)


def _firm(s) -> None:
    """The firm paid most of the county's industry money across projects, and the next one."""
    industry = {c: p for c, p in s.projects.items() if p.category == "产业发展"}
    total, held, names = ZERO, defaultdict(lambda: defaultdict(Decimal)), {}
    for code, p in industry.items():
        paid = sum((x.amount for x in s.schedules[code] if x.date <= D(2025, 12, 31)), ZERO)
        total += max(p.budget, paid)
        for x in s.schedules[code]:
            if x.date <= D(2025, 12, 31) and any(w in x.payee for w in FIRM_WORDS):
                key = payee_key(x.payee)
                names.setdefault(key, x.payee)
                held[key][code] += x.amount
    ranked = sorted(((sum(v.values()), k) for k, v in held.items() if len(v) >= 2), reverse=True)
    (top, first), (second, other) = ranked[0], ranked[1]
    if top > FIRM_SHARE * total >= second:
        s.expect("firm-concentration", f"^{max(held[first], key=held[first].get)}")
        s.near_misses_assets.append({"rule": "firm-concentration",
                                     "link": f"^{max(held[other], key=held[other].get)}"})


def _fee_elsewhere(s, rng) -> None:
    """2025's project review and acceptance fees paid from the twinning unit's money (帮扶单位
    资金, not 衔接资金; the scenario keeps `TWINNING_FEE` of it unallotted for them): a 项目管理
    project management-fee-over must not count. Allotted, paid and noticed after everything
    else, with this module's own random draws, so no other voucher, bank line or finding moves."""
    from fundtrail.ledgers.demo.model import ProjectSpec
    from fundtrail.ledgers.demo.scenario import ONE, TWINNING_FEE, Pay, workday

    fund = next(f for f in s.funds.values() if f.level == "帮扶单位" and f.issued.year == 2025)
    kept = fund.amount - sum((p.budget for p in s.projects.values() if p.fund == fund.code), ZERO)
    assert kept == TWINNING_FEE, kept
    review = next(x for x in s.schedules["QH2025-G01"] if "咨询" in x.payee)  # the county's reviewer
    approved = workday(fund.received + 5 * ONE)
    households = 150
    project = ProjectSpec(
        code="QH2025-G02", name="2025年帮扶单位资金项目管理费", category="项目管理", nature="新建",
        town="", village="", task="帮扶项目前期评审和竣工验收", standard="按实列支", fund=fund.code,
        budget=TWINNING_FEE.quantize(Decimal("0.01")), approved=approved, start=fund.received + 20 * ONE,
        end=D(2025, 12, 31), unit="青禾区乡村振兴局", manager=places.person_name(rng),
        goal=f"带动脱贫户和监测户{households // 3}户年均增收1000元", linkage="间接带动",
        households=households, poor_households=households // 3, payee=review.payee,
        payee_account=review.payee_account, channel=fund.into)
    s.projects[project.code] = project
    s._allot(project, fund, workday(approved + 2 * ONE))
    posted = workday(approved + ONE)
    s.notices.append((posted, posted + 12 * ONE, project.code, "plan"))
    s._accept(project.code, D(2025, 12, 26))
    pay = Pay(workday(D(2025, 11, 14)), TWINNING_FEE, "其他", project.channel, review.payee,
              review.payee_account, f"{project.name} 评审及验收服务费", "50205", "委托业务费")
    s.schedules[project.code].append(pay)
    drawn, s.rng = s.rng, rng  # the bank line's time from this module's draws
    try:
        s._emit_payment(project, pay)
    finally:
        s.rng = drawn
    s.txns.sort(key=s.order)
    s.near_misses_assets.append({"rule": "management-fee-over", "link": f"^{project.code}",
                                 "year": "2025"})


def _mix(s) -> None:
    """Per year, 衔接资金 allotted to industry and to project management (the budgets)."""
    years = defaultdict(lambda: [ZERO, ZERO, ZERO, set(), set()])
    for code, p in s.projects.items():
        fund = s.funds[p.fund]
        if "衔接" not in fund.title:
            continue
        row = years[int(code[2:6])]
        row[0] += p.budget
        row[3].add(fund.code)
        if p.category == "产业发展":
            row[1] += p.budget
        if p.category == "项目管理":
            row[2] += p.budget
            row[4].add(code)
    for year, (total, industry, fee, funds, fees) in sorted(years.items()):
        link = f"^{min(funds)}"
        if industry < INDUSTRY_SHARE * total:
            s.expect("industry-share-low", link, year=str(year))
        else:
            s.near_misses_assets.append({"rule": "industry-share-low", "link": link, "year": str(year)})
        if fee > FEE_SHARE * total:
            for code in sorted(fees):
                s.expect("management-fee-over", f"^{code}", year=str(year))


def write(root: Path, s) -> None:
    folder = root / "documents" / "registers"
    folder.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in getattr(s, "benefit_rolls", {}).items():  # planted: see plant
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
