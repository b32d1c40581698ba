"""The demo county after the money is spent: project assets, their income and its distribution,
and the dates the monitored households were identified and cleared.

`plant(scenario)` runs after the rest of the scenario (it draws from its own random generator,
so the county's other entries and their findings stay as they were). Every accepted village
project registers its asset 20–40 days after acceptance; operating assets (扶贫车间, 温室大棚,
旅游设施, 电商站) earn rent or dividends every quarter; each January and July a village
distributes what its assets earned: 70 % as dividends to its registered households, 20 % as a
public-benefit job's wage (公益岗位, red-tier households first), the rest to village works. One
anomaly and one near miss per rule of `fundtrail.plugins.rules.assets` / `.households`.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from fundtrail import accounts as acc
from fundtrail.ledgers.demo import places
from fundtrail.ledgers.demo.model import Posting, Txn
from fundtrail.periods import quarter_around, quarter_of

D = datetime.date
ONE = datetime.timedelta(days=1)
ZERO = Decimal(0)
CENT = Decimal("0.01")
OPERATING = {"来料加工": ("车间租金", "青禾鑫源服饰有限公司"), "特色农业": ("入股分红", ""),
             "乡村旅游": ("设施租金", "青禾乡旅文化发展有限公司"), "农村电商": ("入股分红", "")}
PUBLIC = {"道路", "饮水"}


KINDS = (("扶贫车间", "来料加工"), ("温室大棚", "特色农业"), ("旅游", "乡村旅游"), ("电商", "农村电商"),
         ("道路", "道路"), ("饮水", "饮水"))


def _kind(project) -> str:
    return next((kind for word, kind in KINDS if word in project.name), "")


def _row_link(links) -> str:
    """A roster row's link among `links` (the longest YKT link; the first of equals)."""
    return min((link for link in links if link.startswith("YKT-")), key=lambda x: (-len(x), x))


def _ykt(txn) -> str:
    """The roster row's link (the batch's link is the shorter one)."""
    return max((link for link in txn.links if link.startswith("YKT-")), key=len)


class Assets:
    def __init__(self, s, seed: int):
        from fundtrail.ledgers.demo.scenario import HORIZON, workday

        self.s, self.rng, self.horizon, self.workday = s, random.Random(seed * 31 + 7), HORIZON, workday
        self.assets: dict[str, dict] = {}  # asset id -> directive fields
        self.disposals: list[dict] = []
        self.income: dict[str, list[tuple[D, Decimal]]] = defaultdict(list)
        self.near: list[dict] = []

    # -- registration --------------------------------------------------------------------
    def register(self):
        s, rng = self.s, self.rng
        spent = defaultdict(Decimal)
        for code, schedule in s.schedules.items():
            spent[code] += sum((p.amount for p in schedule if p.date <= self.horizon), ZERO)
        s.projects["QH2025-101"].nature = "维修养护"  # upkeep forms no asset
        for code, accepted in sorted(s.accepted.items()):
            p = s.projects[code]
            kind = _kind(p)
            if not p.village or not kind or not spent[code]:
                continue
            day = self.workday(accepted + datetime.timedelta(days=rng.randint(20, 40)))
            if day > self.horizon:
                continue
            vname = next(v[1] for v in s.villages if v[0] == p.village)
            operating = kind in OPERATING
            value = spent[code]
            self.assets["ZC" + code[2:]] = {
                "date": day, "name": p.name.removesuffix("项目"), "class": "经营性" if operating else "公益性",
                "project": code, "village": p.village, "owner": f"{vname}股份经济合作社",
                "value": value, "custodian": f"{vname}村民委员会",
                "income": (value * Decimal(rng.choice(("0.05", "0.06", "0.07", "0.08")))).quantize(
                    Decimal("100")) if operating else ZERO, "_kind": kind}

    def earn(self):
        """Quarterly income of every operating asset from the quarter after registration."""
        for code, a in self.assets.items():
            if a["class"] != "经营性":
                continue
            day = a["date"]
            quarter_end = quarter_around(day)[1].replace(day=25)
            if quarter_end <= day:
                quarter_end = _add_months(quarter_end, 3)
            while quarter_end <= self.horizon:
                self.income[code].append((self.workday(quarter_end), (a["income"] / 4).quantize(CENT)))
                quarter_end = _add_months(quarter_end, 3)

    # -- books ---------------------------------------------------------------------------
    def income_txns(self) -> list[Txn]:
        out = []
        for code, rows in self.income.items():
            a = self.assets[code]
            what, payer = OPERATING[a["_kind"]]
            payer = payer or self.s.projects[a["project"]].payee
            for n, (day, amount) in enumerate(rows, 1):
                out.append(Txn(day, payer, f"{a['name']} {day.year}年第{quarter_of(day)[1]}季度{what}", [
                    Posting(f"{acc.COLLECTIVE}:{a['village']}", amount),
                    Posting(f"{acc.ASSET_INCOME}:{code}", -amount)],
                    {code, f"SY{code[2:]}Q{n:02d}"}, file="collective"))
        return out

    def eligible(self, village: str) -> list[dict]:
        s = self.s
        names = {o["姓名"] for o in s.officials} | {o["关系人姓名"] for o in s.officials}
        return [h for h in s.households if h["_village"] == village
                and h["身份证号"] not in s.related and h["户主姓名"] not in names]

    def distribute(self, skip_villages=(), stop_after: dict | None = None) -> list[Txn]:
        """Each January and July, every village pays out what each of its assets earned."""
        s, out = self.s, []
        stop_after = stop_after or {}
        by_village = defaultdict(list)
        for code, a in self.assets.items():
            if self.income.get(code):
                by_village[a["village"]].append(code)
        days = [self.workday(D(y, m, 20)) for y, m in ((2024, 7), (2025, 1), (2025, 7))]
        for village, codes in sorted(by_village.items()):
            if village in skip_villages:
                continue
            homes = self.eligible(village)
            jobs = sorted(homes, key=lambda h: (h["风险等级"] != "红", "监测户" not in h["户类型"], h["户编号"]))
            done = {code: D.min for code in codes}
            for n, day in enumerate(days):
                if day > stop_after.get(village, self.horizon):
                    break
                seq = 0
                for code in codes:
                    held = sum((amt for d, amt in self.income[code] if done[code] < d < day), ZERO)
                    done[code] = day
                    if not held or not homes:
                        continue
                    share = (held * Decimal("0.7") / len(homes)).quantize(CENT, "ROUND_DOWN")
                    wage = (held * Decimal("0.2")).quantize(CENT)
                    rows = [("分红到户", h, share) for h in homes]
                    rows.append(("公益岗位工资", jobs[n % len(jobs)], wage))
                    rows.append(("村级公益事业", None, held - share * len(homes) - wage))
                    for kind, home, amount in rows:
                        seq += 1
                        out.append(self._paid(day, village, code, kind, home, amount, seq))
        return out

    def _paid(self, day, village, code, kind, home, amount, seq) -> Txn:
        vname = next(v[1] for v in self.s.villages if v[0] == village)
        batch = f"FP{day:%Y%m}-{village[-6:]}"
        meta = {"kind": kind, "asset": code}
        if home:
            meta.update(beneficiary=home["户主姓名"], id_no=home["身份证号"], card=home["一卡通账号"])
        payee = home["户主姓名"] if home else f"{vname}村民委员会"
        what = f"{self.assets[code]['name']}收益" + ("用于村内道路保洁和路灯维护" if not home else "")
        return Txn(day, payee, f"{vname}{day.year}年{'上' if day.month < 7 else '下'}半年收益分配 {kind} {what}", [
            Posting(f"{acc.DISTRIBUTION}:{village}", amount, meta),
            Posting(f"{acc.COLLECTIVE}:{village}", -amount)],
            {f"YKT-{batch}-{seq:03d}", f"YKT-{batch}", code}, file="collective")


def _add_months(day: D, months: int) -> D:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return D(year, month + 1, day.day)


def plant(s, seed: int) -> None:
    """Assets, income, distributions and household dates, with the planted anomalies."""
    a = Assets(s, seed)
    a.register()
    ops = sorted((code for code, x in a.assets.items() if x["class"] == "经营性"),
                 key=lambda c: a.assets[c]["date"])
    early = [c for c in ops if a.assets[c]["date"] <= D(2024, 12, 31)]
    used: set[str] = set()

    def pick(candidates, test=lambda c: True):
        code = next(c for c in candidates if c not in used and a.assets[c]["village"] not in
                    {a.assets[u]["village"] for u in used if u in a.assets} and test(c))
        used.add(code)
        return code

    dividend = [c for c in early if "分红" in s.projects[a.assets[c]["project"]].linkage]
    # asset-unregistered: an accepted 2024 project whose asset was never registered.
    gone = pick(sorted(a.assets, key=lambda c: a.assets[c]["date"]),
                lambda c: a.assets[c]["class"] == "公益性")
    s.expect("asset-unregistered", f"^{a.assets.pop(gone)['project']}")
    late = [c for c in a.assets if (a.horizon - s.accepted[a.assets[c]["project"]]).days < 80]
    if late:  # near miss: accepted within 90 days, registration still pending
        code = late[0]
        a.near.append({"rule": "asset-unregistered", "link": f"^{a.assets.pop(code)['project']}"})
    a.earn()
    # idle-asset: the workshop's tenant left after 2024; near miss: the last rent in early January.
    idle = pick(early, lambda c: c not in dividend)
    a.income[idle] = [(d, x) for d, x in a.income[idle] if d.year < 2025]
    s.expect("idle-asset", f"^{idle}")
    near_idle = pick(early, lambda c: c not in dividend)
    a.income[near_idle] = [(d, x) for d, x in a.income[near_idle] if d.year < 2025] + [
        (a.workday(D(2025, 1, 6)), a.income[near_idle][-1][1])]
    a.near.append({"rule": "idle-asset", "link": f"^{near_idle}"})
    # disposal-unapproved: a greenhouse scrapped without approval; near miss: one sold with it.
    for code, approval in ((pick(early, lambda c: c not in dividend), ""),
                           (pick(early, lambda c: c not in dividend), "青禾乡振〔2025〕52号")):
        day = a.workday(D(2025, 8, 28))
        a.income[code] = [(d, x) for d, x in a.income[code] if d < day]
        a.disposals.append({"asset": code, "date": day, "kind": "报废" if not approval else "出售",
                            "approval": approval, "proceeds": ZERO if not approval else Decimal(120_000)})
        (s.expect("disposal-unapproved", f"^{code}") if not approval else
         a.near.append({"rule": "disposal-unapproved", "link": f"^{code}"}))
    # income-undistributed: one village keeps every yuan; near miss: one skips July 2025 only.
    hoard = pick(early, lambda c: c not in dividend and not any(
        a.assets[d]["village"] == a.assets[c]["village"] for d in dividend))
    near_hoard = pick(early, lambda c: c not in dividend)
    txns = a.income_txns()
    first = min((t for t in txns if hoard in t.links), key=lambda t: t.date)
    s.expect("income-undistributed", f"^{min(first.links)}")
    paid = a.distribute(skip_villages={a.assets[hoard]["village"]},
                        stop_after={a.assets[near_hoard]["village"]: D(2025, 6, 30)})
    near_first = min((t for t in txns if near_hoard in t.links and t.date > D(2025, 1, 20)),
                     key=lambda t: t.date)
    a.near.append({"rule": "income-undistributed", "link": f"^{min(near_first.links)}"})
    # linkage-unkept: a workshop promised dividends to more households than it pays.
    promised = {}
    for code in a.assets:
        p = s.projects[a.assets[code]["project"]]
        if "分红" in p.linkage:
            reached = len(a.eligible(p.village))
            p.poor_households = promised[code] = reached
            p.households = max(p.households, reached)
    short, kept = pick(dividend), pick(dividend)
    s.projects[a.assets[short]["project"]].poor_households += 3
    s.projects[a.assets[short]["project"]].households += 3
    s.expect("linkage-unkept", f"^{a.assets[short]['project']}")
    a.near.append({"rule": "linkage-unkept", "link": f"^{a.assets[kept]['project']}"})
    # distribution-ineligible: a dividend row for an ID in no register; near miss: the village
    # works share paid to the village committee (no household, no ID).
    row = next(t for t in paid if t.postings[0].meta.get("kind") == "分红到户" and t.date.year == 2025)
    ghost = places.id_number(a.rng, D(1975, 8, 9))
    fake = Txn(row.date, places.person_name(a.rng), row.narration,
               [Posting(row.postings[0].account, row.postings[0].amount,
                        {**row.postings[0].meta, "id_no": ghost, "card": places.card_number(a.rng)}),
                Posting(row.postings[1].account, -row.postings[0].amount)],
               {_ykt(row)[:-3] + "999"} | (row.links - {_ykt(row)}), file="collective")
    fake.postings[0].meta["beneficiary"] = fake.payee
    paid.append(fake)
    s.expect("distribution-ineligible", f"^{_ykt(fake)}")
    works = next(t for t in paid if t.postings[0].meta.get("kind") == "村级公益事业")
    a.near.append({"rule": "distribution-ineligible", "link": f"^{_ykt(works)}"})
    a.new_txns = txns + paid
    s.txns += a.new_txns
    s.assets, s.disposals, s.near_misses_assets = a.assets, a.disposals, a.near
    _household_dates(s, a)


def _household_dates(s, a: Assets) -> None:
    """识别日期 / 风险消除日期 from what the books show each household received; one red household
    helped too late and one left out while low-risk neighbours were paid are planted."""
    rng = a.rng
    helps = defaultdict(list)  # id -> [(date, amount, links)]
    for txn in s.txns:
        for posting in txn.postings:
            person = posting.meta.get("id_no")
            if person and posting.amount > 0 and (posting.account.startswith(acc.DISTRIBUTION)
                                                  or posting.account.startswith(acc.PROJECT)):
                helps[person].append((txn.date, posting.amount, txn.links))
    for loan in s.loans.values():
        helps[loan.borrower_id].append((loan.date, ZERO, set()))
    for dates in helps.values():
        dates.sort(key=lambda h: h[0])
    monitored = [h for h in s.households if h["户类型"].startswith("监测户")]
    for h in s.households:
        h["识别日期"], h["风险消除日期"] = "", ""
        h["帮扶措施"], h["措施落实日期"], h["走访日期"] = "", "", ""
    for h in monitored:
        got = helps.get(h["身份证号"], [])
        if not got:  # identified and cleared before these books
            h["识别日期"] = D(2022, rng.randint(3, 6), rng.randint(1, 28))
            h["风险消除日期"] = h["识别日期"] + datetime.timedelta(days=rng.randint(10, 25))
            continue
        first = got[0][0]
        h["识别日期"] = first - datetime.timedelta(days=rng.randint(3, 25))
        years = {d.year for d, _, _ in got}
        gap = next((y for y in range(first.year + 1, a.horizon.year + 1) if y not in years), None)
        if gap:
            h["风险消除日期"] = D(gap - 1, 12, rng.randint(10, 28))
    reds = [h for h in monitored if h["风险等级"] == "红" and h["风险消除日期"] == ""]
    # red-unassisted: identified 40 days before the first help; near miss: 28 days before.
    late = next(h for h in reds if helps[h["身份证号"]][0][0] >= D(2025, 3, 1) and helps[h["身份证号"]][0][2])
    first = helps[late["身份证号"]][0]
    late["识别日期"] = first[0] - datetime.timedelta(days=40)
    s.expect("red-unassisted", f"^{_row_link(first[2])}")
    near = next(h for h in reds if h is not late and helps[h["身份证号"]][0][0] >= D(2024, 6, 1)
                and helps[h["身份证号"]][0][2])
    near_first = helps[near["身份证号"]][0]
    near["识别日期"] = near_first[0] - datetime.timedelta(days=28)
    s.near_misses_assets.append({"rule": "red-unassisted",
                                 "link": f"^{_row_link(near_first[2])}"})
    # benefit-skewed: a red household helped in 2024 only and never cleared, in a village whose
    # 2025 household money went mostly to blue households; near miss: one identified in December.
    blue = defaultdict(lambda: [ZERO, ZERO, set()])  # village name -> [blue money, all money, links]
    by_id = {h["身份证号"]: h for h in s.households}
    for person, got in helps.items():
        h = by_id.get(person)
        for day, amount, links in got:
            if h and day.year == 2025:
                blue[h["行政村"]][1] += amount
                if h["风险等级"] == "蓝":
                    blue[h["行政村"]][0] += amount
                    blue[h["行政村"]][2] |= links
    skewed = next(h for h in monitored if h["风险等级"] == "红" and h["风险消除日期"]
                  and h["风险消除日期"].year == 2024 and blue[h["行政村"]][1]
                  and blue[h["行政村"]][0] >= blue[h["行政村"]][1] / 2
                  and not any(x is not h and x["风险等级"] == "红" and x["行政村"] == h["行政村"]
                              for x in reds))
    skewed["风险消除日期"] = ""
    s.expect("benefit-skewed", f"^{_row_link(blue[skewed['行政村']][2])}", scope=skewed["行政村"],
             year="2025")
    quiet = next(h for h in monitored if h["风险等级"] == "红" and h["风险消除日期"]
                 and h["风险消除日期"].year == 2024 and h is not skewed and blue[h["行政村"]][1]
                 and blue[h["行政村"]][0] >= blue[h["行政村"]][1] / 2 and h["行政村"] != skewed["行政村"]
                 and not any(x["风险等级"] == "红" and x["行政村"] == h["行政村"] for x in reds))
    quiet["识别日期"], quiet["风险消除日期"] = D(2025, 12, 15), ""
    s.near_misses_assets.append({"rule": "benefit-skewed", "link": f"^{_row_link(blue[quiet['行政村']][2])}",
                                 "scope": quiet["行政村"], "year": "2025"})
    _three_colours(s, a, helps, {id(late), id(near), id(skewed), id(quiet)})
    for h in s.households:
        for key in ("识别日期", "风险消除日期", "措施落实日期", "走访日期"):
            h[key] = str(h[key] or "")


MEASURES = ("产业帮扶", "就业帮扶(公益岗位)", "医疗救助", "临时救助", "教育帮扶")


def _three_colours(s, a: Assets, helps: dict, taken: set[int]) -> None:
    """Three-colour management for 脱贫户 and 监测户, the register's measures and visits, risk
    clearance and the departments' screening lists, with one planted case and one near miss per
    rule: red 脱贫户 helped late, orange helped late, blue never visited, a clearance after
    20 days, a medical, an education and a disaster clue left unanswered or answered late.

    Every household the books help is graded (识别日期) 3–25 days before its first help and
    visited soon after. A household cleared (风险消除日期) has a visit before it and at least half
    a year behind it: when its last helped year ends sooner, it was identified earlier and a
    measure the books do not show (临时救助) is in the register. Households identified and
    cleared before these books had a measure and a visit recorded, and half a year."""
    rng = a.rng
    day = datetime.timedelta(days=1)
    for h in s.households:
        got = helps.get(h["身份证号"], [])
        if not h["识别日期"] and got:  # a 脱贫户 graded when it was first helped
            h["识别日期"] = got[0][0] - rng.randint(3, 25) * day
        if not h["识别日期"]:
            continue
        if not got:  # identified and cleared in 2022, before these books
            end = (D(2022, 12, 28) - h["识别日期"]).days
            h["风险消除日期"] = h["识别日期"] + rng.randint(182, max(182, end)) * day
            h["帮扶措施"] = rng.choice(MEASURES)
            h["措施落实日期"] = h["识别日期"] + rng.randint(5, 25) * day
        elif h["风险消除日期"] and (h["风险消除日期"] - h["识别日期"]).days < 190:
            h["识别日期"] = h["风险消除日期"] - rng.randint(190, 230) * day
            h["帮扶措施"], h["措施落实日期"] = "临时救助", h["识别日期"] + rng.randint(3, 20) * day
        h["走访日期"] = (h["风险消除日期"] - rng.randint(3, 15) * day if h["风险消除日期"]
                     else h["识别日期"] + rng.randint(2, 20) * day)

    def ykt(person):
        first = helps.get(person, [(None, None, set())])[0]
        return next((x for x in sorted(first[2]) if x.startswith("YKT-")), None)

    chosen: list[dict] = []
    numbers = defaultdict(int)  # a 户编号 two rows share is one household (the elder in the son's)
    for h in s.households:
        numbers[h["户编号"]] += 1

    def pick(test):
        h = next(h for h in s.households
                 if id(h) not in taken and h not in chosen and numbers[h["户编号"]] == 1
                 and h["识别日期"] and not h["风险消除日期"]
                 and helps.get(h["身份证号"]) and helps[h["身份证号"]][0][0] >= D(2024, 6, 1)
                 and ykt(h["身份证号"]) and test(h))
        chosen.append(h)
        return h, helps[h["身份证号"]][0][0], f"^{_row_link(helps[h['身份证号']][0][2])}"

    def near(rule, link, **facets):
        s.near_misses_assets.append({"rule": rule, "link": link, **facets})

    # red-unassisted for a 脱贫户: graded red 45 days before its first help; near miss: 27 days.
    h, first, link = pick(lambda h: h["户类型"] == "脱贫户" and h["风险等级"] == "红")
    h["识别日期"], h["走访日期"] = first - 45 * day, first + 2 * day
    s.expect("red-unassisted", link)
    h, first, link = pick(lambda h: h["户类型"] == "脱贫户" and h["风险等级"] == "红")
    h["识别日期"] = first - 27 * day
    near("red-unassisted", link)
    # orange-unassisted: 75 days; near miss: 55 days.
    h, first, link = pick(lambda h: h["风险等级"] == "橙")
    h["识别日期"], h["走访日期"] = first - 75 * day, first + 3 * day
    s.expect("orange-unassisted", link)
    h, first, link = pick(lambda h: h["风险等级"] == "橙")
    h["识别日期"] = first - 55 * day
    near("orange-unassisted", link)
    # blue-uncontacted: first help 110 days after identification, never visited; near miss: the
    # same, visited on the 80th day.
    h, first, link = pick(lambda h: h["风险等级"] == "蓝")
    h["识别日期"], h["走访日期"] = first - 110 * day, ""
    s.expect("blue-uncontacted", link)
    h, first, link = pick(lambda h: h["风险等级"] == "蓝")
    h["识别日期"] = first - 110 * day
    h["走访日期"] = h["识别日期"] + 80 * day
    near("blue-uncontacted", link)
    # premature-risk-cleared: cleared 20 days after identification with no visit; near miss:
    # cleared after 200 days, helped and visited.
    h, first, link = pick(lambda h: h["风险等级"] in "橙蓝")
    h["识别日期"], h["风险消除日期"], h["走访日期"] = first - 5 * day, first + 15 * day, ""
    s.expect("premature-risk-cleared", link, household=h["户编号"])
    h, first, link = pick(lambda h: h["风险等级"] in "橙蓝" and helps[h["身份证号"]][0][0] < D(2025, 3, 1))
    h["识别日期"] = first - 10 * day
    h["风险消除日期"] = h["识别日期"] + 200 * day
    h["走访日期"] = h["风险消除日期"] - 7 * day
    near("premature-risk-cleared", link, household=h["户编号"])
    s.screening = _screening(s, a, taken | {id(h) for h in chosen})
    _red_left_out(s, helps)


def _red_left_out(s, helps: dict) -> None:
    """benefit-skewed, now that 脱贫户 are graded too: every village where a red household (脱贫户
    or 监测户) graded before 2025 and not cleared got nothing in 2025 while at least half of the
    village's household money went to blue households (one finding per village)."""
    money = defaultdict(lambda: [ZERO, ZERO, set()])  # village name -> [blue, all, blue's links]
    by_id = {h["身份证号"]: h for h in s.households}
    for person, got in helps.items():
        h = by_id.get(person)
        for day, amount, links in got:
            if h and day.year == 2025:
                money[h["行政村"]][1] += amount
                if h["风险等级"] == "蓝":
                    money[h["行政村"]][0] += amount
                    money[h["行政村"]][2] |= links
    planted = {e.get("scope") for e in s.expected if e["rule"] == "benefit-skewed"}
    for h in s.households:
        village = h["行政村"]
        if (h["风险等级"] != "红" or not h["识别日期"] or h["识别日期"] >= D(2025, 1, 1)
                or (h["风险消除日期"] and h["风险消除日期"] < D(2025, 1, 1)) or village in planted
                or any(day.year == 2025 for day, _, _ in helps.get(h["身份证号"], ()))):
            continue
        blue, total, links = money[village]
        if total and blue >= total / 2:
            planted.add(village)
            s.expect("benefit-skewed", f"^{_row_link(links)}", scope=village, year="2025")


def _screening(s, a: Assets, taken: set[int]) -> dict[str, list[list]]:
    """The 医保局's, 教育局's and 应急管理局's lists (rows under their own headers), with one
    clue left unanswered per list (the disaster one answered late) and near misses: already
    monitored, under the line, at the line, identified in time, and a person not registered."""
    from fundtrail.ledgers.demo import places

    rng, day = a.rng, datetime.timedelta(days=1)
    names, numbers = defaultdict(int), defaultdict(int)
    for h in s.households:
        names[(h["户主姓名"], h["行政村"])] += 1
        numbers[h["户编号"]] += 1
    used = set(taken)

    def pick(test):
        h = next(h for h in s.households if id(h) not in used and names[(h["户主姓名"], h["行政村"])] == 1
                 and numbers[h["户编号"]] == 1
                 and h["识别日期"] and not h["风险消除日期"] and test(h))
        used.add(id(h))
        return h

    def poor(before):
        return lambda h: h["户类型"] == "脱贫户" and h["识别日期"] < before

    def watched(start, end):
        return lambda h: h["户类型"].startswith("监测户") and start <= h["识别日期"] <= end

    def expect(rule, h, kind, clue, near=False):
        item = {"rule": rule, "kind": kind, "clue": clue.isoformat(), "village": h["行政村"] if h else ""}
        (s.near_misses_assets.append(item) if near else s.expected.append(item))

    medical, education, disaster = [], [], []

    def settle(h, when, own, hospital="青禾区人民医院"):
        total = own * rng.choice((2, 3, 4))
        medical.append([h["户主姓名"], h["身份证号"], "青禾区", hospital, when, total,
                        (total - own) * Decimal("0.8"), (total - own) * Decimal("0.2"), ZERO, own])

    # medical: a 脱贫户 whose 2025 self-pay adds up to 6,000.00 on its second settlement.
    h = pick(poor(D(2025, 4, 1)))
    settle(h, D(2025, 4, 8), Decimal("3100.00"))
    settle(h, D(2025, 5, 20), Decimal("2900.00"), "青禾市第一人民医院")
    expect("screening-not-identified", h, "医疗", D(2025, 5, 20))
    h = pick(watched(D(2023, 1, 1), D(2025, 4, 1)))  # near miss: monitored already
    settle(h, D(2025, 6, 11), Decimal("9000.00"))
    expect("screening-not-identified", h, "医疗", D(2025, 6, 11), near=True)
    h = pick(poor(D(2025, 6, 1)))  # near miss: under the line
    settle(h, D(2025, 7, 2), Decimal("4800.00"))
    expect("screening-not-identified", h, "医疗", D(2025, 7, 2), near=True)
    stranger = {"户主姓名": places.person_name(rng), "身份证号": places.id_number(rng, D(1968, 3, 9))}
    settle(stranger, D(2025, 8, 14), Decimal("12000.00"))  # not registered, under 20,000
    expect("screening-not-identified", None, "医疗", D(2025, 8, 14), near=True)
    # education: by the parent's name and village; 13,000.00 borne; near miss: exactly 10,000.00.
    for own, when, near in ((Decimal("13000.00"), D(2025, 9, 3), False),
                            (Decimal("10000.00"), D(2025, 9, 4), True)):
        h = pick(poor(D(2025, 8, 1)))
        fee = own + Decimal("2000.00")
        education.append([h["户主姓名"][:1] + "小" + places.person_name(rng)[-1:],
                          "青禾职业技术学院", "高职", h["户主姓名"], h["乡镇"], h["行政村"], when, fee,
                          Decimal("2000.00"), own])
        expect("screening-not-identified", h, "教育", when, near=near)
    # disaster: a house collapsed 40 days before the household was identified; near miss: 10 days.
    for lag, what, loss, near in ((40, "房屋倒塌", Decimal("32000.00"), False),
                                  (10, "房屋一般损坏", Decimal("15000.00"), True)):
        h = pick(watched(D(2024, 4, 1), D(2025, 10, 1)))
        when = h["识别日期"] - lag * day
        disaster.append([h["户主姓名"], h["身份证号"], h["乡镇"], h["行政村"], "洪涝", when, what, loss])
        expect("screening-identified-late", h, "灾害", when, near=near)
    h = pick(poor(D(2025, 7, 1)))  # crops only
    disaster.append([h["户主姓名"], h["身份证号"], h["乡镇"], h["行政村"], "风雹", D(2025, 7, 22),
                     "农作物受灾", Decimal("3000.00")])
    expect("screening-not-identified", h, "灾害", D(2025, 7, 22), near=True)
    return {"医疗": medical, "教育": education, "灾害": disaster}
