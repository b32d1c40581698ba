"""The demo county's two fiscal years (2024, 2025, with 2023 history), deterministically.

Builds the registers, funds, projects, allotments, payments, subsidy rosters, micro-loans and
interest, then plants one anomaly of every kind the checks look for and notes each in
`expected` as {"rule", "link"} (the link is on the offending transaction). Payments are
scheduled first (`Pay` records per project), anomalies edit the schedules, and only then are
the schedules turned into transactions, so every planted anomaly is a small local change.
"""

from __future__ import annotations

import datetime
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import chinese_calendar

from fundtrail import accounts as acc
from fundtrail.ledgers.demo import assets, places
from fundtrail.periods import quarter_of
from fundtrail.ledgers.demo.model import (
    BankLine, FundSpec, LoanSpec, Posting, ProjectSpec, RosterRow, Txn, Voucher, VoucherLine,
)

D = datetime.date
ONE = datetime.timedelta(days=1)
HORIZON = D(2025, 12, 31)
TWINNING_FEE = Decimal(36_000)  # 2025's twinning money for 项目管理 (not 衔接资金: a near miss)
YEARS = (2024, 2025)
TREASURY = "Assets:Treasury:PBC-0001"
ICBC = acc.bank_account("ICBC", "1605 0012 0920 0012 345")
ABC = acc.bank_account("ABC", "15-4101 0104 0016 688")
PSBC = acc.bank_account("PSBC", "9370 4050 0000 1188")
DORMANT = acc.bank_account("ICBC", "1605 0012 0920 0009 876")
RISK_FUND = acc.bank_account("QHRCB", "6230 4050 0000 7701")  # 风险补偿金, no statement in the demo
# two towns' risk-compensation funds (no statements either): loan-issue-lag's plant and near miss
RISK_FUND_LATE = acc.bank_account("QHRCB", "6230 4050 0000 7702")
RISK_FUND_ON_TIME = acc.bank_account("QHRCB", "6230 4050 0000 7703")
HELD = f"{acc.HELD}:405012"
CLEARING = f"{acc.CLEARING}:YKT"
BANKS = {
    ICBC: ("ICBC", "1605 0012 0920 0012 345", "青禾区财政局衔接资金专户", "icbc-corporate"),
    ABC: ("ABC", "15-4101 0104 0016 688", "青禾区财政局社会帮扶资金专户", "abc-corporate"),
    PSBC: ("PSBC", "9370 4050 0000 1188", "青禾区财政局小额信贷贴息专户", "psbc"),
    DORMANT: ("ICBC", "1605 0012 0920 0009 876", "青禾区财政局原扶贫资金专户(停用)", "icbc-corporate"),
}
BUREAU_ACCOUNT = "4101 0104 0000 001"
FUNC_NAMES = {"2130504": "农村基础设施建设", "2130505": "生产发展", "2130599": "其他巩固脱贫攻坚成果衔接乡村振兴支出"}
CATEGORIES = [  # kind, name pattern, category, task pattern, linkage
    ("来料加工", "{v}来料加工扶贫车间项目", "产业发展", "新建来料加工扶贫车间{n}平方米", "资产收益分红"),
    ("特色农业", "{v}温室大棚项目", "产业发展", "新建温室大棚{n}座", "土地流转+务工"),
    ("乡村旅游", "{v}乡村旅游配套设施项目", "产业发展", "建设游客服务设施{n}处", "务工带动"),
    ("农村电商", "{v}农村电商服务站项目", "产业发展", "建设电商服务站{n}处", "订单收购"),
    ("道路", "{v}道路硬化项目", "乡村建设", "硬化村内道路{n}公里", "务工带动"),
    ("饮水", "{v}饮水安全巩固提升项目", "乡村建设", "铺设供水管网{n}公里", "务工带动"),
]


def workday(day: D) -> D:
    while not chinese_calendar.is_workday(day):
        day += ONE
    return day


def to_fen(value) -> Decimal:
    """An amount rounded to the fen (分), as a Decimal."""
    return Decimal(value).quantize(Decimal("0.01"))


@dataclass
class Pay:
    """A scheduled payment of a project; anomalies edit these before they become entries."""

    date: D
    amount: Decimal
    stage: str  # 预付款 advance / 进度款 progress / 结算款 final / 其他
    channel: str  # treasury | treasury-8202 | ICBC/ABC/PSBC account
    payee: str = ""
    payee_account: str = ""
    purpose: str = ""
    eco_code: str = "50399"
    eco_name: str = "其他资本性支出"
    func_code: str = ""
    on_holiday: bool = False  # keep the date even if it is not a working day
    expect: list[str] = field(default_factory=list)  # rules this payment must trigger
    skip_vouchers: int = 0  # voucher numbers skipped just before this one (a gap)
    near: list[str] = field(default_factory=list)  # rules this payment must not trigger


class Scenario:
    def __init__(self, seed: int = 20241):
        self.rng = random.Random(seed)
        self.seed = seed
        self.villages = places.villages()
        self.funds: dict[str, FundSpec] = {}
        self.projects: dict[str, ProjectSpec] = {}
        self.schedules: dict[str, list[Pay]] = defaultdict(list)
        self.loans: dict[str, LoanSpec] = {}
        self.households: list[dict] = []
        self.officials: list[dict] = []
        self.notices: list[tuple] = []  # (posted, until, project, stage)
        self.accepted: dict[str, D] = {}
        self.txns: list[Txn] = []
        self.roster_failed: list[RosterRow] = []
        self.expected: list[dict] = []
        self.near_misses: list[tuple] = []  # (project, rule, date): look anomalous, must not fire
        self.near_misses_identity: list[dict] = []  # {"rule", "link"} of the identity checks
        self.near_misses_loans: list[dict] = []  # {"rule", "link"[, "scope"]} of the loan rules
        self._voucher_seq: dict[tuple, int] = defaultdict(int)
        self._serial: dict[str, int] = defaultdict(int)
        self._counter: dict[str, int] = defaultdict(int)

    # -- orchestration ----------------------------------------------------------------
    def build(self) -> Scenario:
        self._people()
        self._history_2023()
        for year in YEARS:
            self._year(year)
        self._plant_project_anomalies()
        self._plant_misc()
        late = self._plant_identity()
        payments = sorted(((pay.date, code, pay) for code, schedule in self.schedules.items()
                           for pay in schedule if pay.date <= HORIZON), key=lambda x: x[:2])
        for _, code, pay in payments:
            self._emit_payment(self.projects[code], pay)
        for code, pay in late:  # numbered after every other voucher: no number moves
            self._emit_payment(self.projects[code], pay)
        self._interest()
        self._fund_bank_accounts()
        assets.plant(self, self.seed)
        self._plant_loan_use_and_repayment()
        self.txns.sort(key=self.order)
        return self

    @staticmethod
    def order(txn: Txn):
        """Same-day order: bank rows by time; one-card rows after the batch they belong to."""
        if txn.bank:
            return txn.date, txn.bank.when
        return txn.date, datetime.datetime.max if txn.roster else datetime.datetime.min

    def expect(self, rule: str, link: str, **extra) -> None:
        self.expected.append({"rule": rule, "link": link, **extra})

    def _next(self, name: str) -> int:
        self._counter[name] += 1
        return self._counter[name]

    # -- registers --------------------------------------------------------------------
    def _people(self):
        rng = self.rng
        kinds = ["脱贫户"] * 6 + ["监测户(边缘易致贫户)", "监测户(突发严重困难户)", "监测户(脱贫不稳定户)"]
        causes = ["因病", "因残", "缺劳力", "缺技术", "缺资金", "因学"]
        for n in range(1, 321):
            village, vname, town, tname = self.villages[(n - 1) % len(self.villages)]
            born = D(rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28))
            self.households.append({
                "户编号": f"HH{n:05d}", "户主姓名": places.person_name(rng),
                "身份证号": places.id_number(rng, born), "乡镇": tname, "行政村": vname,
                "家庭人口": str(rng.randint(1, 6)), "户类型": rng.choice(kinds),
                "主要致贫/返贫原因": rng.choice(causes), "风险等级": rng.choice("蓝蓝蓝橙红"),
                "一卡通账号": places.card_number(rng), "联系电话": places.phone_number(rng),
                "_born": born, "_village": village, "_town": town})
        posts = ["村党支部书记", "村委会主任", "村会计", "驻村第一书记", "村妇联主席"]
        relations = ["配偶", "兄弟", "父子", "女婿", "姐妹"]
        # Ten cadres; the first two have a registered household as a relative (planted later).
        for i in range(10):
            village, vname, _, _ = self.villages[rng.randrange(len(self.villages))]
            born = D(rng.randint(1960, 1995), rng.randint(1, 12), rng.randint(1, 28))
            relative = self.households[40 + i * 7]
            self.officials.append({
                "姓名": places.person_name(rng), "身份证号": places.id_number(rng, born),
                "单位/村": vname, "职务": rng.choice(posts), "关系人姓名": relative["户主姓名"],
                "关系人身份证号": relative["身份证号"], "关系": rng.choice(relations),
                "_card": places.card_number(rng)})
        self.related = {h["身份证号"] for h in self.officials} | {
            h["关系人身份证号"] for h in self.officials}

    # -- funds ------------------------------------------------------------------------
    def _fund(self, doc_no, title, level, func_code, amount, issued, received, into,
              direct=False, payer="") -> FundSpec:
        code = acc.fund_code(doc_no, level, set(self.funds))
        fund = FundSpec(code, doc_no, title, level, func_code, FUNC_NAMES.get(func_code, ""),
                        Decimal(amount), issued, received, into, direct, payer)
        self.funds[code] = fund
        self._receive(fund)
        return fund

    def _receive(self, fund: FundSpec):
        """The receipt: by treasury arrival notice (上级资金到账), or by bank statement."""
        posting = Posting(acc.fund_account(fund.level, fund.code), -fund.amount)
        txn = Txn(fund.received, fund.payer or "上级财政", f"{fund.doc_no} {fund.title} 到账",
                  [Posting(fund.into, fund.amount), posting], {fund.code})
        if fund.into == TREASURY:  # from the fund indicator list's 到账日期 (header on line 1)
            txn.meta.update(source="documents/registers/fund-allocations.csv",
                            row=len(self.funds) + 1, doc_no=fund.doc_no)
        else:
            txn.bank = self._bank_line(fund.into, fund.received, fund.payer,
                                       places.corporate_account(self.rng), "转账", f"{fund.title}",
                                       fund.amount)
            txn.links.add(self._bank_link(txn.bank))
        self.txns.append(txn)

    def _year_funds(self, y: int) -> dict[str, FundSpec]:
        n = {2024: (48, 56, 42, 21, 57, 3, 6), 2025: (11, 23, 15, 9, 33, 2, 4)}[y]
        f = self._fund
        return {
            "central_a": f(f"财农〔{y}〕{n[0]}号", f"{y}年中央财政衔接推进乡村振兴补助资金(第一批)", "中央",
                           "2130505", 12_000_000, D(y, 1, 10), D(y, 2, 16), TREASURY, direct=True),
            "central_b": f(f"财农〔{y}〕{n[1]}号", f"{y}年中央财政衔接推进乡村振兴补助资金(第二批)", "中央",
                           "2130599", 4_800_000, D(y, 2, 24), D(y, 3, 11), TREASURY, direct=True),
            "province": f(f"鲁财农〔{y}〕{n[2]}号", f"{y}年省级财政衔接推进乡村振兴补助资金", "省级",
                          "2130505", 4_200_000, D(y, 4, 9), workday(D(y, 4, 27)), TREASURY),
            "city": f(f"临财农指〔{y}〕{n[3]}号", f"{y}年市级财政衔接推进乡村振兴补助资金", "市级",
                      "2130599", 1_500_000, D(y, 5, 24), workday(D(y, 6, 14)), TREASURY),
            "county": f(f"青禾财农〔{y}〕{n[4]}号", f"{y}年区级财政衔接推进乡村振兴配套资金", "县级",
                        "2130505", 2_000_000, D(y, 7, 8), workday(D(y, 7, 15)), TREASURY),
            "donation": f(f"青禾慈〔{y}〕{n[5]}号", f"{y}年社会捐赠帮扶资金", "社会捐赠", "2130599",
                          300_000, D(y, 3, 18), workday(D(y, 3, 20)), ABC, payer="青禾区慈善总会"),
            "twinning": f(f"崂帮扶〔{y}〕{n[6]}号", f"{y}年驻村帮扶单位帮扶资金", "帮扶单位", "2130599",
                          400_000, D(y, 5, 6), workday(D(y, 5, 10)), ABC, payer="崂山区对口帮扶工作组"),
        }

    def _history_2023(self):
        """2023: one central fund, one project fully paid; 620,000 never allotted (idle > 2 years)."""
        fund = self._fund("财农〔2023〕90号", "2023年中央财政衔接推进乡村振兴补助资金", "中央", "2130505",
                          3_000_000, D(2023, 2, 20), D(2023, 3, 15), TREASURY)
        self.expect("idle-funds", f"^{fund.code}", band="2y")
        village = self.villages[10]
        p = self._project(2023, village, CATEGORIES[4], fund, Decimal(2_380_000), D(2023, 4, 10), 150)
        self._standard_schedule(p)
        opening = Txn(D(2023, 1, 1), "", "原扶贫资金专户期初余额", [
            Posting(DORMANT, Decimal(286_000)), Posting(acc.OPENING, Decimal(-286_000))],
            {"ICBC-9876-OPEN"}, file="manual")
        self.txns.append(opening)
        self.expect("dormant-account", "^ICBC-9876-OPEN")

    # -- projects ---------------------------------------------------------------------
    def _project(self, year, village, category, fund, budget, approved, days, *,
                 code=None, county_wide=None) -> ProjectSpec:
        rng = self.rng
        kind, name_pattern, cat, task_pattern, linkage = category
        vcode, vname, tcode, tname = village if village else ("", "全区", "", "")
        code = code or f"QH{year}-{self._next(f'p{year}'):03d}"
        start = workday(approved + datetime.timedelta(days=rng.randint(14, 22)))
        end = workday(start + datetime.timedelta(days=days))
        if kind in ("农村电商", "特色农业"):
            payee = rng.choice(places.INDUSTRY_FIRMS[kind])
        else:
            payee = rng.choice(places.CONTRACTORS)
        name, task, unit, standard = county_wide or (
            name_pattern.format(v=vname), task_pattern.format(n=rng.randint(2, 12)),
            f"{tname}人民政府", "按实结算" if cat == "乡村建设" else "按批复预算")
        households = rng.randint(20, 300)
        project = ProjectSpec(
            code=code, name=name, category=cat, nature="新建", town=tcode, village=vcode,
            task=task, standard=standard, fund=fund.code, budget=to_fen(budget), approved=approved,
            start=start, end=end, unit=unit, manager=places.person_name(rng),
            goal=f"带动脱贫户和监测户{households // 3}户年均增收{rng.choice((1, 2, 3))}000元",
            linkage=linkage, households=households, poor_households=households // 3, payee=payee,
            payee_account=places.corporate_account(rng),
            channel=ABC if fund.into == ABC else rng.choice(("treasury", ICBC)))
        self.projects[code] = project
        self._allot(project, fund, workday(approved + datetime.timedelta(days=rng.randint(1, 6))))
        posted = workday(approved + ONE)
        self.notices.append((posted, posted + datetime.timedelta(days=12), code, "plan"))
        return project

    def _allot(self, project: ProjectSpec, fund: FundSpec, day: D):
        project.allotted = day
        doc = f"青禾乡振〔{day.year}〕{self._next(f'allot{day.year}')}号"
        link = f"ALLOT-{project.code}"
        self.txns.append(Txn(day, "青禾区财政局", f"分解下达 {fund.doc_no} 至 {project.name} ({doc})", [
            Posting(acc.allot_project_account(project.code), -project.budget),
            Posting(acc.allot_fund_account(fund.code), project.budget)],
            {link, project.code, fund.code}, {"doc_no": doc}, file="allotments"))

    def _standard_schedule(self, p: ProjectSpec):
        """30% advance, 35% and 20% progress, the rest after acceptance at the end date."""
        span = (p.end - p.start).days
        accepted = self._accept(p.code, p.end)
        shares = [("预付款", Decimal("0.30"), 10), ("进度款", Decimal("0.35"), int(span * 0.45)),
                  ("进度款", Decimal("0.20"), int(span * 0.80))]
        paid = Decimal(0)
        for stage, share, offset in shares:
            amount = (p.budget * share).quantize(Decimal("1"))
            paid += amount
            self.schedules[p.code].append(Pay(workday(p.start + datetime.timedelta(days=offset)),
                                              amount, stage, p.channel, p.payee, p.payee_account))
        self.schedules[p.code].append(Pay(workday(accepted + datetime.timedelta(days=15)),
                                          p.budget - paid, "结算款", p.channel, p.payee,
                                          p.payee_account))

    def _accept(self, code: str, day: D) -> D:
        """Acceptance (验收) on `day` and its completion notice, posted 12 days from 3 days on."""
        day = workday(day)
        self.accepted[code] = day
        posted = workday(day + 3 * ONE)
        self.notices.append((posted, posted + 12 * ONE, code, "completion"))
        return day

    def _year(self, y: int):
        rng = self.rng
        funds = self._year_funds(y)
        # County-wide programmes first: their budgets are what they actually pay.
        subsidy_total = self._subsidies(y, funds["central_b"])
        loan_total = self._loans(y, funds["city"])
        admin = self._admin_costs(y, funds["central_b"])
        caps = {key: f.amount for key, f in funds.items()}
        caps["central_b"] -= subsidy_total
        caps["city"] -= loan_total
        caps["central_b"] -= admin
        if y == 2024:  # planted: 180,000 of the donation never allotted (idle > 1 year)
            caps["donation"] -= 180_000
            self.expect("idle-funds", f"^{funds['donation'].code}", band="1y")
        if y == 2025:  # kept for the project-management costs paid from it (ledgers/demo/benefit.py)
            caps["twinning"] -= TWINNING_FEE
        order = list(range(len(self.villages)))
        rng.shuffle(order)
        slots = iter(order)
        for key, fund in funds.items():
            count = max(1, round(caps[key] / Decimal(1_000_000)))
            weights = [math.exp(rng.uniform(math.log(3), math.log(18))) for _ in range(count)]
            budgets = [to_fen(caps[key] * Decimal(w / sum(weights))).quantize(Decimal("1"))
                       for w in weights]
            budgets[-1] = caps[key] - sum(budgets[:-1])
            for budget in budgets:
                village = self.villages[next(slots) % len(self.villages)]
                approved = workday(fund.received + datetime.timedelta(days=rng.randint(8, 40)))
                project = self._project(y, village, rng.choice(CATEGORIES), fund, budget, approved,
                                        rng.randint(110, 230))
                self._standard_schedule(project)

    def _county_project(self, y, suffix, name, category, fund, budget, task, standard, linkage):
        project = self._project(
            y, None, ("", "", category, "", linkage), fund, budget, workday(fund.received + 5 * ONE), 300,
            code=f"QH{y}-{suffix}", county_wide=(name, task, "青禾区乡村振兴局", standard))
        project.start = fund.received + 20 * ONE
        project.end = D(y, 12, 31)
        return project

    # -- household subsidies (一卡通) ----------------------------------------------------
    def _subsidies(self, y: int, fund: FundSpec) -> Decimal:
        rng = self.rng
        eligible = [h for h in self.households if h["身份证号"] not in self.related]
        batches = []
        for batch_no, day in ((1, workday(D(y, 6, 20))), (2, workday(D(y, 11, 20)))):
            chosen = rng.sample(eligible, 110)
            rows = []
            for household in chosen:
                amount = Decimal(rng.choice((1000, 1500, 2000, 2000, 3000, 5000)))
                rows.append(self._roster_row(f"QH{y}Q{quarter_of(day)[1]}-{batch_no:02d}",
                                             household, amount, day))
            rows[rng.randrange(len(rows))].status = rng.choice(("失败:账户已销户", "失败:户名不符"))
            batches.append(rows)
        self._plant_roster(y, batches)
        total = sum((r.amount for rows in batches for r in rows if r.status == "成功"), Decimal(0))
        self.subsidy_project = self._county_project(
            y, "S01", f"{y}年到户产业发展奖补项目", "产业发展", fund, total,
            "对发展种养殖产业的脱贫户和监测户给予奖补", "1000-5000元/户", "直接帮扶到户")
        self._accept(self.subsidy_project.code, D(y, 12, 18))
        for rows in batches:
            self._pay_roster(self.subsidy_project, rows)
        return total

    def _roster_row(self, batch, household, amount, day) -> RosterRow:
        return RosterRow(batch, 0, household["户主姓名"], household["身份证号"], household["一卡通账号"],
                         household["乡镇"], household["行政村"], "到户产业奖补", "按实际发展规模",
                         amount, day)

    def _plant_roster(self, y, batches):
        rng = self.rng
        if y == 2024:
            # A cadre paid as a beneficiary (优亲厚友).
            cadre = self.officials[0]
            village = next(v for v in self.villages if v[1] == cadre["单位/村"])
            row = RosterRow(batches[0][0].batch, 0, cadre["姓名"], cadre["身份证号"], cadre["_card"],
                            village[3], village[1], "到户产业奖补", "按实际发展规模",
                            Decimal(3000), batches[0][0].date)
            batches[0].insert(30, row)
            row.expect = ["related-party"]
            # A ghost: nobody of that ID in the household register.
            born = D(1979, 5, 17)
            ghost = {"户主姓名": places.person_name(rng), "身份证号": places.id_number(rng, born),
                     "一卡通账号": places.card_number(rng), "乡镇": "泥河镇", "行政村": "泥河东村"}
            row = self._roster_row(batches[1][0].batch, ghost, Decimal(5000), batches[1][0].date)
            row.expect = ["ghost-beneficiary"]
            batches[1].insert(55, row)
            # The same ID paid under a village that is not the register's.
            paid = {r.id_no for rows in batches for r in rows}
            household = next(h for h in self.households if h["身份证号"] not in self.related
                             and h["身份证号"] not in paid)
            other = next(v for v in self.villages if v[1] != household["行政村"])
            row = self._roster_row(batches[1][0].batch, household, Decimal(2000), batches[1][0].date)
            row.village, row.town = other[1], other[3]
            row.expect = ["id-multi-village"]
            batches[1].insert(70, row)
        else:
            # The same household twice in one batch (duplicate claim).
            first = next(r for r in batches[0] if r.status == "成功")
            dup = RosterRow(**{**first.__dict__, "seq": 0})
            dup.expect = ["duplicate-subsidy"]
            batches[0].insert(90, dup)
            # A registered relative of a cadre paid (优亲厚友).
            relative = next(h for h in self.households
                            if h["身份证号"] == self.officials[1]["关系人身份证号"])
            row = self._roster_row(batches[1][0].batch, relative, Decimal(5000), batches[1][0].date)
            row.expect = ["related-party"]
            batches[1].insert(12, row)
        for rows in batches:
            for seq, row in enumerate(rows, 1):
                row.seq = seq

    def _pay_roster(self, project: ProjectSpec, rows: list[RosterRow]):
        """The bank pays the batch total to the 一卡通 agent; each household's row is an entry."""
        ok = [r for r in rows if r.status == "成功"]
        total = sum((r.amount for r in ok), Decimal(0))
        day = rows[0].date
        line = self._bank_line(ICBC, day, "代发一卡通", "9999", "代发",
                               f"到户产业奖补 {rows[0].batch} {len(ok)}户", -total)
        self.txns.append(Txn(day, "代发一卡通", f"一卡通代发 {rows[0].batch} {len(ok)}户", [
            Posting(CLEARING, total), Posting(ICBC, -total)],
            {self._bank_link(line), rows[0].batch}, bank=line))
        village_code = {v[1]: v[0] for v in self.villages}
        for row in rows:
            if row.status != "成功":
                self.roster_failed.append(row)
                continue
            link = f"YKT-{row.batch}-{row.seq:03d}"
            meta = {"fund": project.fund, "village": village_code.get(row.village, ""),
                    "beneficiary": row.name, "id_no": row.id_no, "card": row.card, "item": row.item}
            self.txns.append(Txn(day, row.name, f"{row.item} {row.batch} 第{row.seq}号", [
                Posting(acc.project_account(project.code), row.amount, meta),
                Posting(CLEARING, -row.amount)], {link, project.code, row.batch}, roster=row))
            for rule in getattr(row, "expect", []):
                self.expect(rule, f"^{link}")

    # -- micro-loans --------------------------------------------------------------------
    def _loans(self, y: int, fund: FundSpec) -> Decimal:
        rng = self.rng
        if y == 2024:
            adults = [h for h in self.households if 18 <= (D(2024, 6, 1) - h["_born"]).days // 365 <= 64
                      and h["身份证号"] not in self.related]
            for n, household in enumerate(rng.sample(adults, 40), 1):
                self._loan(f"L2024-{n:03d}", workday(D(2024, rng.randint(3, 6), rng.randint(1, 28))),
                           household, Decimal(rng.choice(range(10_000, 50_001, 5_000))), 36)
            self._plant_loans()
        interest = {}
        for loan in self.loans.values():
            start = max(loan.date, D(y, 1, 1))
            stop = min(D(y, 12, 20), loan.date + datetime.timedelta(days=loan.term_months * 30))
            if stop > start:
                interest[loan.id] = to_fen(loan.amount * Decimal("0.0435") * (stop - start).days / 365)
        total = sum(interest.values(), Decimal(0))
        project = self._county_project(
            y, "L01", f"{y}年小额信贷贴息项目", "金融帮扶", fund, total,
            "对脱贫户和监测户小额信贷按贷款市场报价利率给予贴息", "按LPR全额贴息", "户借户用户还")
        self._accept(project.code, D(y, 12, 24))
        day = workday(D(y, 12, 20))
        for loan_id, amount in interest.items():
            loan = self.loans[loan_id]
            line = self._bank_line(PSBC, day, "中国邮政储蓄银行青禾区支行", "937040500009999", "转账",
                                   f"小额信贷贴息 {loan_id} {loan.borrower}", -amount)
            self.txns.append(Txn(day, "中国邮政储蓄银行青禾区支行", f"小额信贷贴息 {loan_id} {y}年度", [
                Posting(acc.project_account(project.code), amount, {"fund": fund.code, "loan": loan_id}),
                Posting(PSBC, -amount)], {self._bank_link(line), project.code, loan_id}, bank=line))
        return total

    def _loan(self, loan_id, day, household, amount, term, used_by="", purpose="发展种养殖产业"):
        self.loans[loan_id] = LoanSpec(loan_id, day, household["户编号"], household["户主姓名"],
                                       household["身份证号"], amount, term, purpose, used_by)

    def _plant_loans(self):
        rng = self.rng
        pool = [h for h in self.households if h["身份证号"] not in self.related]
        over = self.loans["L2024-003"]
        over.amount = Decimal(60_000)
        self.expect("loan-over-limit", "^L2024-003")
        self.loans["L2024-007"].term_months = 48
        self.expect("loan-over-term", "^L2024-007")
        elder = min(pool, key=lambda h: h["_born"])
        self._loan("L2024-041", workday(D(2024, 4, 16)), elder, Decimal(30_000), 36)
        self.expect("loan-borrower-age", "^L2024-041")
        stranger = {"户编号": "", "户主姓名": places.person_name(rng),
                    "身份证号": places.id_number(rng, D(1985, 3, 9))}
        self._loan("L2024-042", workday(D(2024, 5, 8)), stranger, Decimal(50_000), 36)
        self.expect("loan-unregistered", "^L2024-042")
        self.loans["L2024-012"].used_by = "青禾鑫源养殖有限公司"
        self.expect("loan-to-company", "^L2024-012")

    def _plant_loan_use_and_repayment(self):
        """Purposes, a household's second loan, repayment statuses and the risk-compensation
        fund, with their near misses. Planted after everything else (no draw of the scenario's
        generator; the new loans are 2025's and pay no interest yet; they go to households
        already borrowing that are not monitored), so no other planted anomaly moves."""
        loans = [self.loans[f"L2024-{n:03d}"] for n in range(1, 41)]
        planted = {"L2024-003", "L2024-007", "L2024-012"}
        free = [loan for loan in loans if loan.id not in planted]
        by_id = {h["身份证号"]: h for h in self.households}
        free[3].purpose = "翻建住房"
        self.expect("loan-banned-purpose", f"^{free[3].id}")
        free[4].purpose = "购买农机具发展种植"  # 农机, not 购车
        self.near_misses_loans.append({"rule": "loan-banned-purpose", "link": f"^{free[4].id}"})
        plain = [loan for loan in free[5:] if not by_id[loan.borrower_id]["户类型"].startswith("监测户")
                 and loan.amount <= 40_000]
        first, second = plain[0], plain[1]
        self._loan("L2025-001", workday(D(2025, 4, 10)), by_id[first.borrower_id],
                   Decimal(60_000) - first.amount, 36, purpose="扩大养殖规模")
        self.expect("loan-household-over-limit", f"^{first.id}")  # links both; the new one has no entry yet
        self._loan("L2025-002", workday(D(2025, 5, 12)), by_id[second.borrower_id],
                   Decimal(50_000) - second.amount, 36, purpose="扩大种植规模")  # exactly 50,000 together
        self.near_misses_loans.append({"rule": "loan-household-over-limit", "link": f"^{second.id}"})
        full = next(loan for loan in free[5:] if loan.amount == 50_000 and loan not in (first, second))
        self.near_misses_loans.append({"rule": "loan-subsidy-over", "link": f"^{full.id}"})
        self.expect("loan-subsidy-over", "^L2024-003")  # 60,000: subsidised in full
        late, repaid = plain[2], plain[3]
        late.status = {"date": D(2025, 12, 20), "status": "逾期", "overdue": Decimal(10_000)}
        self.expect("loan-overdue", f"^{late.id}")
        repaid.status = {"date": D(2025, 12, 20), "status": "结清", "settled": D(2025, 10, 15)}
        self.near_misses_loans.append({"rule": "loan-overdue", "link": f"^{repaid.id}"})
        self.expect("loan-subsidy-over", f"^{repaid.id}")  # subsidised to 12-20 after repaying in October
        # The risk-compensation fund: 100,000 backs 1,000,000 at ten times, less than the loans
        # outstanding; 10,000 overdue is under 5 % of them.
        self.txns.append(Txn(D(2023, 1, 1), "", "小额信贷风险补偿金期初余额", [
            Posting(RISK_FUND, Decimal(100_000)), Posting(acc.OPENING, Decimal(-100_000))],
            {"FXBC-7701"}, file="manual"))
        for y in YEARS:
            for month in (3, 6, 9, 12):
                amount = Decimal("87.50")  # 0.35 % a year on 100,000, quarterly
                self.txns.append(Txn(D(y, month, 21), "青禾农村商业银行", "风险补偿金结息", [
                    Posting(RISK_FUND, amount), Posting(acc.OTHER_INCOME, -amount)], {"FXBC-7701"},
                    file="manual"))
        self.expect("loan-risk-fund", "^FXBC-7701", scope="leverage")
        self.near_misses_loans.append({"rule": "loan-risk-fund", "link": "^FXBC-7701", "scope": "overdue"})
        self._plant_issue_lag()

    def _plant_issue_lag(self):
        """Two towns' funds put in place: one 89 days before the first loan (the near miss), one
        after the last loan with no loan since (the plant); quarterly interest keeps both moving."""
        days = sorted(loan.date for loan in self.loans.values())
        plans = ((RISK_FUND_ON_TIME, days[0] - datetime.timedelta(days=89), "FXBC-7703"),
                 (RISK_FUND_LATE, days[-1] + datetime.timedelta(days=35), "FXBC-7702"))
        for account, day, link in plans:
            self.txns.append(Txn(day, "青禾区财政局", "拨入乡镇小额信贷风险补偿金", [
                Posting(account, Decimal(1_000)), Posting(acc.OTHER_INCOME, Decimal(-1_000))],
                {link}, file="manual"))
            for y in YEARS:
                for month in (3, 6, 9, 12):
                    if D(y, month, 21) > day:
                        amount = Decimal("0.88")  # 0.35 % a year on 1,000, quarterly
                        self.txns.append(Txn(D(y, month, 21), "青禾农村商业银行", "风险补偿金结息", [
                            Posting(account, amount), Posting(acc.OTHER_INCOME, -amount)], {link},
                            file="manual"))
        self.expect("loan-issue-lag", "^FXBC-7702")  # variant "none": no loan since
        self.near_misses_loans.append({"rule": "loan-issue-lag", "link": "^FXBC-7703"})

    # -- administration (项目管理费) and the negative list --------------------------------
    def _admin_costs(self, y: int, fund: FundSpec) -> Decimal:
        pays = [Pay(workday(D(y, 8, 12)), Decimal(28_600), "其他", "treasury-8202",
                    "青禾工程咨询有限公司", places.corporate_account(self.rng), "项目评审及绩效评价服务费",
                    "50205", "委托业务费"),
                Pay(workday(D(y, 9, 3)), Decimal(16_450), "其他", "treasury-8202",
                    "青禾广告制作部", places.corporate_account(self.rng), "项目公示牌制作", "50299",
                    "其他商品和服务支出")]
        forbidden = {  # planted negative-list spending (负面清单)
            2024: [(D(2024, 9, 10), 238_000, "青禾汽车销售服务有限公司", "购置乡村振兴工作用车",
                    "50306", "设备购置", "treasury-8202"),
                   (D(2024, 11, 12), 48_000, "青禾区乡村振兴局", "现金支取 备用金", "50299",
                    "其他商品和服务支出", ICBC)],
            2025: [(D(2025, 3, 26), 156_000, "青禾区乡村振兴局", "发放工作人员年终绩效奖金",
                    "50103", "奖金", "treasury-8202"),
                   (D(2025, 4, 8), 420_000, "涧东镇人民政府", "偿还涧东镇垫资款", "50999",
                    "其他支出", "treasury-8202"),
                   (D(2025, 6, 18), 187_500, "青禾建工有限公司", "乡村振兴局办公楼维修改造",
                    "50206", "维修(护)费", "treasury-8202")],
        }[y]
        for day, amount, payee, purpose, eco, eco_name, channel in forbidden:
            rules = ["negative-list"]
            if purpose.startswith("现金"):
                rules = ["cash-withdrawal"]
            pays.append(Pay(workday(day), Decimal(amount), "其他", channel, payee,
                            places.corporate_account(self.rng) if channel != ICBC else "--",
                            purpose, eco, eco_name, expect=rules))
        total = sum((p.amount for p in pays), Decimal(0))
        project = self._county_project(y, "G01", f"{y}年衔接资金项目管理费", "项目管理", fund, total,
                                       "项目前期设计、评审、公示和验收", "按实列支", "间接带动")
        self._accept(project.code, D(y, 12, 26))
        self.schedules[project.code].extend(pays)
        return total

    # -- anomalies in project payments ---------------------------------------------------
    def _village_projects(self, year):
        return [p for p in self.projects.values()
                if p.code.startswith(f"QH{year}-") and p.village and p.fund[0] in "CPMX"]

    def _plant_project_anomalies(self):
        rng = self.rng
        p24, p25 = self._village_projects(2024), self._village_projects(2025)

        def sched(p):
            return sorted(self.schedules[p.code], key=lambda pay: pay.date)

        def pick(projects, test=lambda q: True):
            return next(q for q in projects if q not in self._planted(projects) and test(q))

        big = Decimal(1_250_000)  # 35% of it is over the split limit, so a duplicate is no split
        # Excess advance: 50% before acceptance instead of 30%.
        p = pick(p24)
        s = sched(p)
        extra = (p.budget * Decimal("0.20")).quantize(Decimal("1"))
        s[0].amount += extra
        s[1].amount -= extra
        s[0].expect.append("excess-advance")
        # Paid after the end: 50,000 of the final payment paid eight months after the end.
        p = pick(p24, lambda q: q.end < D(2025, 3, 1))
        sched(p)[-1].amount -= 50_000
        self.schedules[p.code].append(Pay(workday(p.end + datetime.timedelta(days=240)),
                                          Decimal(50_000), "进度款", p.channel, p.payee,
                                          p.payee_account, expect=["paid-after-end"]))
        # Exact duplicate: a progress payment paid again six days later on a new voucher.
        p = pick(p24, lambda q: q.channel == "treasury" and q.budget > big)
        s = sched(p)
        dup = Pay(**{**s[1].__dict__, "date": workday(s[1].date + 6 * ONE),
                     "expect": ["duplicate-payment"]})
        s[-1].amount -= dup.amount
        self.schedules[p.code].append(dup)
        self.expect("paid-unallotted", f"^{p.code}")  # the repeat spends ahead of the allotments
        # Project without a plan notice; project without a completion notice.
        p = pick(p24)
        self.notices = [n for n in self.notices if not (n[2] == p.code and n[3] == "plan")]
        self.expect("not-disclosed", f"^{p.code}", stage="plan")
        p = pick(p24)
        self.notices = [n for n in self.notices if not (n[2] == p.code and n[3] == "completion")]
        self.expect("not-disclosed", f"^{p.code}", stage="completion")
        # Function code on the voucher that does not match the fund's.
        p = pick(p24, lambda q: q.channel == "treasury" and self.funds[q.fund].func_code == "2130505")
        sched(p)[1].func_code = "2130504"
        sched(p)[1].expect.append("func-code-mismatch")
        # Weekend and holiday payments; payments on make-up working days (调休) must pass.
        for day, planted in ((D(2024, 10, 3), True), (D(2024, 9, 29), False),
                             (D(2025, 3, 15), True), (D(2025, 1, 26), False)):
            p, index = self._movable(p24 + p25, day)
            s = sched(p)
            s[index].date, s[index].on_holiday = day, True
            if planted:
                s[index].expect.append("holiday-payment")
            else:
                self.near_misses.append((p.code, "holiday-payment", day))
        # Fuzzy duplicate: same payee under a longer name, same amount, bank instead of voucher.
        p = pick(p25, lambda q: q.channel == "treasury" and q.budget > big and q.end < D(2025, 11, 15))
        for pay in self.schedules[p.code]:
            pay.payee = p.payee = "青禾建工有限公司"
        s = sched(p)
        dup = Pay(**{**s[1].__dict__, "date": workday(s[1].date + 8 * ONE), "channel": ICBC,
                     "payee": "青禾建工有限责任公司", "expect": ["duplicate-payment", "payee-variant"]})
        s[-1].amount -= dup.amount
        self.schedules[p.code].append(dup)
        self.expect("paid-unallotted", f"^{p.code}")  # the repeat spends ahead of the allotments
        # Paid before approval: the advance goes out twelve days before the approval date.
        p = pick(p25, lambda q: (q.approved - self.funds[q.fund].received).days >= 22)
        s = sched(p)
        s[0].date = workday(p.approved - 12 * ONE)
        s[0].expect.append("paid-before-approval")
        self.expect("paid-unallotted", f"^{p.code}")  # nothing is allotted before approval
        # Over budget: the final payment pays 15% more than the budget.
        p = pick(p25, lambda q: q.end < D(2025, 11, 15))
        s = sched(p)
        s[-1].amount += (p.budget * Decimal("0.15")).quantize(Decimal("1"))
        s[-1].expect.append("over-budget")
        self.expect("paid-unallotted", f"^{p.code}")  # past the budget is past the allotment
        # Split: one progress payment cut into three under the 400,000 limit within 12 days.
        p = pick(p25, lambda q: q.budget > big and q.end < D(2025, 12, 1))
        s = sched(p)
        whole = s[1].amount
        parts = [(whole / 3).quantize(Decimal("1"))] * 2
        parts.append(whole - sum(parts))
        s[1].amount = parts[0]
        for k, amount in enumerate(parts[1:], 1):
            self.schedules[p.code].append(Pay(**{**s[1].__dict__, "amount": amount,
                                                "date": workday(s[1].date + 5 * k * ONE),
                                                "expect": ["split-payment"] if k == 2 else []}))
        # Works money to an individual's personal account.
        p = pick(p25, lambda q: q.channel == ICBC and q.start < D(2025, 9, 1))
        s = sched(p)
        s[1].payee, s[1].payee_account = places.person_name(rng), "6217" + "".join(
            str(rng.randrange(10)) for _ in range(15))
        s[1].expect.append("personal-account")
        # Slow and overdue: past its end date, only the advance paid, not accepted.
        p = pick(p25, lambda q: q.end < D(2025, 10, 31))
        self.schedules[p.code] = sched(p)[:1]
        self.accepted.pop(p.code)
        self.notices = [n for n in self.notices if not (n[2] == p.code and n[3] == "completion")]
        self.expect("slow-spending", f"^{p.code}")
        self.expect("overdue-project", f"^{p.code}")
        # Direct funds parked in the implementing unit's own account.
        p = pick(p25, lambda q: self.funds[q.fund].direct and q.channel == "treasury"
                 and q.end < D(2025, 11, 1))
        s = sched(p)
        s[-1].channel, s[-1].payee, s[-1].stage = HELD, "青禾区乡村振兴局", "转拨"
        s[-1].expect.append("direct-fund-parked")
        # 扶富不扶贫: one firm takes all of a project's money and no benefit link is declared.
        p = pick(p25, lambda q: q.category == "产业发展")
        p.linkage = ""
        self.expect("elite-capture", f"^{p.code}")
        # Allotted late: 95 days after the county fund arrived (payments were made on approval).
        p = pick(p25, lambda q: q.fund.startswith("X"))
        txn = next(t for t in self.txns if f"ALLOT-{p.code}" in t.links)
        txn.date = p.allotted = workday(self.funds[p.fund].received + 95 * ONE)
        self.expect("late-allotment", f"^ALLOT-{p.code}")
        self.expect("paid-unallotted", f"^{p.code}")  # its payments went out before the allotment

    def _movable(self, projects, day):
        """A project payment that can move to `day` and stay over 31 days from its neighbours."""
        for p in projects:
            if p in self._planted(projects):
                continue
            s = sorted(self.schedules[p.code], key=lambda pay: pay.date)
            for i, pay in enumerate(s):
                if abs((pay.date - day).days) > 20 or pay.date > HORIZON:
                    continue
                before = s[i - 1].date if i else None
                after = s[i + 1].date if i + 1 < len(s) else None
                if (before is None or (day - before).days > 31) and (
                        after is None or (after - day).days > 31):
                    return p, i
        raise LookupError(f"no payment can move to {day}")

    def _planted(self, projects):
        marked = {e["link"][1:] for e in self.expected}
        return [p for p in projects if p.code in marked
                or any(pay.expect for pay in self.schedules[p.code])]

    def _plant_misc(self):
        rng = self.rng
        # Benford: 邳北镇's road upkeep paid as 60 amounts just under a 10,000 approval limit.
        # (dates are set once the project, and so its start, exists)
        fund = next(f for f in self.funds.values() if f.code.startswith("X2025"))
        town = places.TOWNS[5]
        teams = [v for v in self.villages if v[2] == town[0]]
        pays = []
        for n in range(60):
            team = teams[n % len(teams)]
            day = workday(D(2025, 3, 3) + datetime.timedelta(days=(n // len(teams)) * 26 + n % 7))
            pays.append(Pay(day, Decimal(rng.randint(9_010, 9_990)), "其他", ICBC,
                            f"{team[1]}道路养护队", places.corporate_account(rng), "村级道路维修养护"))
        total = sum((p.amount for p in pays), Decimal(0))
        donor = next(p for p in self._village_projects(2025) if p.fund == fund.code
                     and p not in self._planted(self._village_projects(2025)))
        donor.budget -= total
        for sched in self.schedules[donor.code]:
            sched.amount = (sched.amount * (donor.budget / (donor.budget + total))).quantize(Decimal("1"))
        self.schedules[donor.code][-1].amount += donor.budget - sum(
            s.amount for s in self.schedules[donor.code])
        next(t for t in self.txns if f"ALLOT-{donor.code}" in t.links).postings[:] = [
            Posting(acc.allot_project_account(donor.code), -donor.budget),
            Posting(acc.allot_fund_account(fund.code), donor.budget)]
        village = (f"{town[0]}201", f"{town[1][:2]}前村", town[0], town[1])
        project = self._project(2025, village, ("道路", "", "乡村建设", "", "务工带动"), fund, total,
                                workday(fund.received + 9 * ONE), 140, code="QH2025-101",
                                county_wide=(f"{town[1]}村级道路维修养护项目", "维修养护村级道路45公里",
                                             f"{town[1]}人民政府", "按实结算"))
        project.town, project.village = town[0], ""
        for n, pay in enumerate(pays):  # every 15 days per team, within the approved period
            pay.date = workday(project.start + datetime.timedelta(days=(n // len(teams)) * 15 + n % 7))
        self._accept(project.code, project.end)
        self.schedules[project.code] = pays
        self.expect("benford", "^QH2025-101", scope=town[0])
        self.expect("benford", "^QH2025-101", scope="county")
        # A voucher gap: two 5201 numbers of 2025 never issued.
        later = sorted((pay for code, s in self.schedules.items() for pay in s
                        if code.startswith("QH2025") and pay.channel == "treasury"
                        and D(2025, 7, 1) <= pay.date <= D(2025, 8, 31) and not pay.expect),
                       key=lambda pay: pay.date)
        later[0].skip_vouchers = 2
        later[0].expect.append("voucher-gap")
        # Unclassified money: a payment and a receipt no rule can place.
        line = self._bank_line(ICBC, workday(D(2025, 5, 14)), "青禾恒达商贸有限公司",
                               places.corporate_account(rng), "转账支取", "往来款", Decimal(-65_000))
        self.txns.append(Txn(line.when.date(), line.payee, "转账支取 往来款", [
            Posting(acc.SUSPENSE_EXPENSE, Decimal(65_000)), Posting(ICBC, Decimal(-65_000))],
            {self._bank_link(line)}, bank=line))
        self.expect("unclassified", f"^{self._bank_link(line)}")
        line = self._bank_line(ABC, workday(D(2024, 12, 9)), "青禾鸿运建材有限公司",
                               places.corporate_account(rng), "转账", "退款", Decimal(12_800))
        self.txns.append(Txn(line.when.date(), line.payee, "转账 退款", [
            Posting(ABC, Decimal(12_800)), Posting(acc.SUSPENSE_INCOME, Decimal(-12_800))],
            {self._bank_link(line)}, bank=line))
        self.expect("unclassified", f"^{self._bank_link(line)}")

    # -- identity across names, cards and accounts ---------------------------------------
    def _plant_identity(self) -> list[tuple[str, Pay]]:
        """Cards, accounts and names that point at one person or firm behind several, and their
        near misses. Only cards, accounts and names change (no entry is added but one voucher,
        numbered after all others, and no draw of the scenario's own generator), so every other
        planted anomaly keeps its entries, links and amounts. Returns the late payments."""
        rng = random.Random(self.seed + 22)
        related = self.related | {o["身份证号"] for o in self.officials}
        official_names = {o["姓名"] for o in self.officials} | {o["关系人姓名"] for o in self.officials}
        borrowers = {loan.household for loan in self.loans.values()}
        rows: dict[str, list[Txn]] = defaultdict(list)  # ID -> its roster entries
        for txn in self.txns:
            if txn.roster is not None:
                rows[txn.roster.id_no].append(txn)
        by_id = {h["身份证号"]: h for h in self.households}
        plain = [h for h in self.households if h["身份证号"] in rows and h["身份证号"] not in related
                 and h["户编号"] not in borrowers and h["户主姓名"] not in official_names
                 and not any(getattr(t.roster, "expect", None) for t in rows[h["身份证号"]])
                 and len({t.roster.batch for t in rows[h["身份证号"]]}) == len(rows[h["身份证号"]])]
        people = iter(plain[5::7])

        def link(txn: Txn) -> str:
            return f"^YKT-{txn.roster.batch}-{txn.roster.seq:03d}"

        def pay_into(txn: Txn, card: str, name: str | None = None) -> None:
            txn.roster.card = txn.postings[0].meta["card"] = card
            if name:
                txn.roster.name = txn.payee = txn.postings[0].meta["beneficiary"] = name

        # Three households' subsidies paid into the first one's card.
        holder, *others = (next(people) for _ in range(3))
        for household in others:
            for txn in rows[household["身份证号"]]:
                pay_into(txn, holder["一卡通账号"])
                self.expect("card-mismatch", link(txn))
        self.expect("shared-card", link(rows[others[0]["身份证号"]][0]))
        # A household paid into a card that is not the register's.
        stray = next(people)
        txn = rows[stray["身份证号"]][-1]
        pay_into(txn, places.card_number(rng))
        self.expect("card-mismatch", link(txn))
        # One ID number paid under a second name (one character changed).
        renamed = next(people)
        txn = rows[renamed["身份证号"]][-1]
        name = renamed["户主姓名"]
        other = next(c for c in places.GIVEN if c != name[-1] and c not in name)
        pay_into(txn, renamed["一卡通账号"], name[:-1] + other)
        self.expect("id-multi-name", link(txn))
        # Near miss: an elder registered in the son's household (one 户编号) with the son's card,
        # an elder of the son's village whom no other plant of this method draws.
        son = next(people)
        drawn = {id(h) for h in plain[5::7]}
        elder = next(h for h in plain if h["行政村"] == son["行政村"] and id(h) not in drawn)
        elder["户编号"], elder["一卡通账号"] = son["户编号"], son["一卡通账号"]
        for txn in rows[elder["身份证号"]]:
            pay_into(txn, son["一卡通账号"])
            self.near_misses_identity += [{"rule": "shared-card", "link": link(txn)},
                                          {"rule": "card-mismatch", "link": link(txn)}]
        # Near miss: two people of one name, each with an ID number and a card of their own.
        first, second = next(people), next(people)
        by_id[second["身份证号"]]["户主姓名"] = first["户主姓名"]
        for txn in rows[second["身份证号"]]:
            pay_into(txn, second["一卡通账号"], first["户主姓名"])
            self.near_misses_identity += [{"rule": "id-multi-name", "link": link(txn)},
                                          {"rule": "shared-card", "link": link(txn)}]

        p24, p25 = self._village_projects(2024), self._village_projects(2025)
        taken = set(map(id, self._planted(p24 + p25)))
        free = [p for p in p24 + p25 if id(p) not in taken and p.channel in ("treasury", ICBC)
                and p.code != "QH2025-101"]

        def sched(p):
            return sorted(self.schedules[p.code], key=lambda pay: pay.date)

        # The same amount to 青禾健工有限公司 six days after 青禾建工有限公司, from the treasury.
        late = []
        p = next(q for q in free if q.payee == "青禾建工有限公司" and q.channel == "treasury"
                 and len(sched(q)) == 4 and chinese_calendar.is_workday(sched(q)[2].date + 6 * ONE)
                 and sched(q)[2].date + 6 * ONE < min(q.end, HORIZON))
        free.remove(p)
        s = sched(p)
        s[1].amount -= s[2].amount  # the project's total stays its budget
        late.append((p.code, Pay(**{**s[2].__dict__, "date": s[2].date + 6 * ONE, "expect": ["payee-variant"],
                                    "payee": "青禾健工有限公司", "skip_vouchers": 0,
                                    "payee_account": places.corporate_account(rng)})))
        # One account paid under two firm names, in two projects.
        a = next(q for q in free if q.payee != "青禾建工有限公司")
        b = next(q for q in free if q.start > a.start + 30 * ONE and q.payee not in (a.payee, "青禾建工有限公司")
                 and q.payee[:2] != a.payee[:2])
        free.remove(a)
        free.remove(b)
        b.payee_account = a.payee_account
        for pay in self.schedules[b.code]:
            pay.payee_account = a.payee_account
        sched(b)[0].expect.append("shared-account")
        # Near miss: 青禾建设有限公司, another firm with a name one character from 青禾建工's,
        # paid in other projects into its own account.
        c = next(q for q in free if q.payee != "青禾建工有限公司")
        for pay in self.schedules[c.code]:
            pay.payee = "青禾建设有限公司"
            pay.near = ["payee-variant", "shared-account"]
        c.payee = "青禾建设有限公司"
        return late

    # -- turning schedules into entries --------------------------------------------------
    def _emit_payment(self, p: ProjectSpec, pay: Pay):
        fund = self.funds[p.fund]
        day = pay.date if pay.on_holiday else workday(pay.date)
        purpose = pay.purpose or f"{p.name}{pay.stage}"
        meta = {"fund": fund.code, "stage": pay.stage}
        if pay.channel.startswith("treasury"):
            vt = "8202" if pay.channel == "treasury-8202" else "5201"
            self._voucher_seq[(day.year, vt)] += 1 + pay.skip_vouchers
            number = f"{day.year}{vt}{self._voucher_seq[(day.year, vt)]:06d}"
            func = pay.func_code or fund.func_code
            voucher = Voucher(number, vt, day, pay.payee, pay.payee_account, "青禾农村商业银行",
                              purpose, f"衔接资金 {fund.doc_no}",
                              [VoucherLine(func, FUNC_NAMES.get(func, ""), pay.eco_code, pay.eco_name,
                                           pay.amount)])
            meta.update({"func_code": func, "eco_code": pay.eco_code})
            txn = Txn(day, pay.payee, purpose, [
                Posting(acc.project_account(p.code), pay.amount, meta),
                Posting(TREASURY, -pay.amount)], {f"VOU-{number}", p.code}, voucher=voucher)
        elif pay.channel == HELD:
            number = f"{day.year}5201{self._voucher_seq[(day.year, '5201')] + 1:06d}"
            self._voucher_seq[(day.year, "5201")] += 1
            voucher = Voucher(number, "5201", day, pay.payee, "405012000000001", "青禾农村商业银行",
                              f"{p.name}资金转拨", f"衔接资金 {fund.doc_no}",
                              [VoucherLine(fund.func_code, FUNC_NAMES.get(fund.func_code, ""),
                                           "50399", "其他资本性支出", pay.amount)])
            txn = Txn(day, pay.payee, f"{p.name}资金转拨至单位实有资金账户", [
                Posting(HELD, pay.amount, {"project": p.code, "fund": fund.code}),
                Posting(TREASURY, -pay.amount)], {f"VOU-{number}", p.code}, voucher=voucher)
        else:
            line = self._bank_line(pay.channel, day, pay.payee, pay.payee_account,
                                   purpose.split(" ")[0] if purpose.startswith("现金") else "转账支取",
                                   purpose, -pay.amount)
            txn = Txn(day, pay.payee, purpose, [
                Posting(acc.project_account(p.code), pay.amount, meta),
                Posting(pay.channel, -pay.amount)], {self._bank_link(line), p.code}, bank=line)
        self.txns.append(txn)
        link = sorted(lk for lk in txn.links if lk != p.code)[0]
        for rule in pay.expect:
            self.expect(rule, f"^{link}")
        for rule in pay.near:
            self.near_misses_identity.append({"rule": rule, "link": f"^{link}"})

    def _bank_line(self, account, day, payee, payee_account, summary, purpose, amount) -> BankLine:
        when = datetime.datetime.combine(day, datetime.time(
            self.rng.randint(8, 16), self.rng.randint(0, 59), self.rng.randint(0, 59)))
        bank = BANKS[account][0]
        serial = ""
        if bank != "ABC":  # ABC statements carry no serial number
            self._serial[account] += 1
            serial = (f"{day:%d}{self._serial[account]:06d}" if bank == "ICBC"
                      else f"{day:%Y%m%d}{self._serial[account]:06d}")
        return BankLine(account, when, payee, payee_account, summary, purpose, Decimal(amount), serial)

    @staticmethod
    def _bank_link(line: BankLine) -> str:
        return f"{acc.leaf(line.account)}-{line.serial or f'{line.when:%Y%m%d%H%M%S}'}"

    def _interest(self):
        """Quarterly bank interest (结息) on the special accounts, by the daily balance."""
        for account in (ICBC, ABC, PSBC):
            for year in (2024, 2025):
                for month in (3, 6, 9, 12):
                    day = workday(D(year, month, 21))
                    base = sum((p.amount for t in self.txns if t.date <= day for p in t.postings
                                if p.account == account), Decimal(0))
                    amount = to_fen(max(base, Decimal(0)) * Decimal("0.0035") / 4)
                    if amount <= 0:
                        continue
                    line = self._bank_line(account, day, "--", "--", "结息", "利息", amount)
                    self.txns.append(Txn(day, "", "结息", [
                        Posting(account, amount), Posting(acc.OTHER_INCOME, -amount)],
                        {self._bank_link(line)}, bank=line))

    def _fund_bank_accounts(self):
        """The treasury tops up each special account before it would run dry (下达资金)."""
        for account in (ICBC, PSBC):
            balance = Decimal(0)
            for txn in sorted(self.txns, key=self.order):
                delta = sum((p.amount for p in txn.postings if p.account == account), Decimal(0))
                if balance + delta < 0:
                    need = (-(balance + delta) / 100_000).to_integral_value(rounding="ROUND_CEILING")
                    top = max(need * 100_000, Decimal(500_000))
                    day = txn.date
                    line = self._bank_line(account, day, "青禾区财政局", BUREAU_ACCOUNT, "转账",
                                           f"下达{day.year}年衔接资金", top)
                    line.when = line.when.replace(hour=8, minute=0)
                    self.txns.append(Txn(day, "青禾区财政局", f"国库下达{day.year}年衔接资金至专户", [
                        Posting(account, top), Posting(TREASURY, -top)],
                        {self._bank_link(line)}, bank=line))
                    balance += top
                balance += delta
