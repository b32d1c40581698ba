"""A realistic large county workspace for the benchmarks: `generate(root, transactions)`.

The shape follows the demo county (docs/ledger-model.md) at a larger scale: indicator documents
received into the treasury, allotted to projects, paid to contractors by treasury voucher or from
the special bank account in stages (advance, progress, final after acceptance), public notices
before and after, and household subsidies paid one row per household through the 一卡通 clearing
account. About 70% of the transactions are subsidy rows, as in a real county. Every amount is
whole fen (int), so the books balance exactly; monthly `balance` assertions close each cash
account. After acceptance every project registers its asset (one in ten an operating asset
earning half-yearly income into its village collective's account); each January a village
distributes the past year's asset income: dividends to up to five of its households, a
public-benefit job's wage, the rest to village works (about 5% of the transactions together).
One household in twenty is a red-tier monitored household, identified before its first subsidy.
The ledger is clean: no planted anomalies, every payee in the registers, payments on
working days. Deterministic for a given (transactions, seed).

    python benchmarks/bigledger.py /tmp/big 100000
"""

from __future__ import annotations

import datetime
import random
import sys
from collections import defaultdict
from pathlib import Path

from chinese_calendar import is_workday

from fundtrail import accounts as acc
from fundtrail import workspace
from fundtrail.ledgers.demo import places

D = datetime.date
YEARS = (2023, 2024, 2025)
TREASURY, BANK, CLEARING = "Assets:Treasury:PBC-0001", "Assets:Bank:ICBC-2345", "Assets:Clearing:YKT"
STAGES = (("预付款", 30), ("进度款", 40), ("尾款", 30))  # percent of the contract
ITEMS = (("到户产业奖补", 6, 20), ("雨露计划", 11, 20))  # item, month, day of the batch


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d} CNY"


def workday(day: D) -> D:
    while not is_workday(day):
        day += datetime.timedelta(days=1)
    return day


class Writer:
    def __init__(self, root: Path):
        self.root, self.files, self.cash = root, defaultdict(list), defaultdict(list)

    def add(self, name: str, text: str) -> None:
        self.files[name].append(text)

    def txn(self, day, payee, narration, links, postings, name="transactions/imported.beancount",
            meta=()):
        head = f'{day} * "{payee}" "{narration}" ' + " ".join(f"^{x}" for x in links)
        lines = [head.rstrip()] + [f'  {k}: "{v}"' for k, v in meta]
        for account, fen, pmeta in postings:
            lines.append(f"  {account:<42} {yuan(fen)}")
            lines += [f'    {k}: "{v}"' for k, v in pmeta]
            if account.startswith("Assets:"):
                self.cash[account].append((day, fen))
        self.add(name, "\n".join(lines) + "\n")

    def flush(self) -> None:
        for account, moves in self.cash.items():  # month-start balances, like imported statements
            moves.sort()
            total, i = 0, 0
            for year in (*YEARS, YEARS[-1] + 1):
                for month in range(1, 13):
                    day = D(year, month, 1)
                    while i < len(moves) and moves[i][0] < day:
                        total, i = total + moves[i][1], i + 1
                    if day > D(YEARS[-1] + 1, 1, 1):
                        break
                    self.add("transactions/imported.beancount",
                             f"{day} balance {account} {yuan(total)}\n")
        for name, chunks in self.files.items():
            with (self.root / name).open("a", encoding="utf-8") as handle:
                handle.write("\n" + "\n".join(chunks))


def generate(root: Path, transactions: int = 100_000, seed: int = 1,
             county: workspace.County | None = None, extra=None) -> Path:
    """Write a workspace of about `transactions` transactions into root; return main.beancount.

    `county` names it (its code prefixes the towns, villages and ID numbers); `extra(w, books)`
    adds entries through the Writer before the balances are written (benchmarks/provincegen.py
    plants cross-county anomalies that way), `books` holding the households, villages, funds
    and projects generated."""
    rng, root = random.Random(seed), Path(root)
    county = county or workspace.County(start=D(YEARS[0], 1, 1))
    main = workspace.create(root, county)
    region = county.admdiv
    w = Writer(root)
    subsidies_per_batch = max(50, int(transactions * 0.66) // (len(YEARS) * len(ITEMS)))
    projects_per_year = max(10, int(transactions * 0.28 / (len(YEARS) * 5.5)))  # allot + stages + transfers
    n_villages = max(20, subsidies_per_batch // 40)
    towns = [(f"{region}{100 + t:03d}", f"第{t + 1}镇") for t in range(max(2, n_villages // 15))]
    villages = [(f"{towns[v % len(towns)][0]}{200 + v // len(towns):03d}",
                 f"{towns[v % len(towns)][1]}{v // len(towns) + 1}村", towns[v % len(towns)][0])
                for v in range(n_villages)]
    for account in (TREASURY, BANK, CLEARING):
        w.add("accounts.beancount", f"{YEARS[0]}-01-01 open {account} CNY\n")
    w.add("masterdata/county.beancount", "".join(
        f'{YEARS[0]}-01-01 custom "town" "{code}"\n  name: "{name}"\n' for code, name in towns))
    w.add("masterdata/county.beancount", "".join(
        f'{YEARS[0]}-01-01 custom "village" "{code}"\n  name: "{name}"\n  town: "{town}"\n'
        for code, name, town in villages))

    households, ids = [], set()
    while len(households) < subsidies_per_batch:
        born = D(rng.randrange(1950, 2000), rng.randrange(1, 13), rng.randrange(1, 29))
        id_no, h = places.id_number(rng, born, region), len(households)
        if id_no not in ids:
            ids.add(id_no)
            households.append((f"HH{h + 1:06d}", places.person_name(rng), id_no,
                               villages[h % n_villages], places.card_number(rng)))
    with (root / "registers/households.csv").open("a", encoding="utf-8") as handle:
        for n, (hh, name, id_no, (_c, vname, town), card) in enumerate(households):
            kind, risk, found = ("监测户(边缘易致贫户)", "红", f"{YEARS[0]}-06-01") if n % 20 == 7 else \
                ("脱贫户", "蓝", "")
            handle.write(f"{hh},{name},{id_no},{dict(towns)[town]},{vname},3,{kind},缺技术,{risk},{card},,"
                         f"{found},\n")
    assets = Assets(w, rng, households)

    vouchers, serial = 0, 0
    made = {"households": households, "villages": villages, "towns": dict(towns), "projects": {}, "funds": {}}
    for year in YEARS:
        budgets = [rng.randrange(20_000, 300_000) * 1000 for _ in range(projects_per_year)]
        subsidy_fen = {item: 0 for item, _m, _d in ITEMS}
        amounts = {(hh, item): rng.choice((1000, 1500, 2000, 3000)) * 100
                   for hh, *_ in households for item, _m, _d in ITEMS}
        for (_hh, item), fen in amounts.items():
            subsidy_fen[item] += fen
        fund = f"C{year}-001"
        made["funds"][year] = fund
        total = sum(budgets) + sum(subsidy_fen.values())
        issued, received = D(year, 1, 10), workday(D(year, 2, 1))
        w.add("masterdata/funds.beancount", (
            f"{issued} open {acc.fund_account('中央', fund)} CNY\n  name: \"{year}年衔接资金\"\n"
            f"  doc_no: \"财农〔{year}〕1号\"\n  level: \"中央\"\n  func_code: \"2130505\"\n"
            f"  amount: {yuan(total)}\n  issued: {issued}\n  received: {received}\n"
            f"  earmarked: TRUE\n  direct: FALSE\n"
            f"{issued} open {acc.allot_fund_account(fund)} CNY\n"))
        w.txn(received, "上级财政", f"财农〔{year}〕1号 到账", [fund],
              [(TREASURY, total, ()), (acc.fund_account("中央", fund), -total, ())])
        codes = [f"QH{year}-{i + 1:04d}" for i in range(projects_per_year)] + \
                [f"QH{year}-S{j + 1:02d}" for j in range(len(ITEMS))]
        for code, budget in zip(codes, budgets + list(subsidy_fen.values()), strict=True):
            name, village = f"{code}项目", villages[rng.randrange(n_villages)]
            made["projects"][code] = village
            subsidy = "-S" in code
            approved = workday(D(year, 2, 20) + datetime.timedelta(days=rng.randrange(40)))
            start, end = approved + datetime.timedelta(days=15), D(year, 12, 20)
            where = "" if subsidy else f'  town: "{village[2]}"\n  village: "{village[0]}"\n'
            w.add("masterdata/projects.beancount", (
                f"{year}-01-01 open {acc.project_account(code)} CNY\n  name: \"{name}\"\n"
                f"  category: \"产业发展\"\n  nature: \"新建\"\n{where}  task: \"建设任务\"\n"
                f"  standard: \"按实结算\"\n  budget: {yuan(budget)}\n  fund: \"{fund}\"\n"
                f"  sources: \"财农〔{year}〕1号\"\n  start: {start}\n  end: {end}\n"
                f"  unit: \"镇人民政府\"\n  manager: \"{places.person_name(rng)}\"\n"
                f"  goal: \"带动脱贫户增收\"\n  linkage: \"务工带动\"\n  approved: {approved}\n"
                f"{year}-01-01 open {acc.allot_project_account(code)} CNY\n"))
            w.txn(approved, "财政局", f"分解下达 至 {name}", [f"ALLOT-{code}", fund, code],
                  [(acc.allot_project_account(code), -budget, ()),
                   (acc.allot_fund_account(fund), budget, ())], "transactions/allotments.beancount")
            plan = approved - datetime.timedelta(days=1)
            w.add("masterdata/notices.beancount",
                  f'{plan} custom "notice" "{code}" "plan"\n  until: {plan + datetime.timedelta(days=12)}\n')
            if subsidy:
                continue
            contractor, paid, day = rng.choice(places.CONTRACTORS), 0, start
            for stage, percent in STAGES:
                day = workday(day + datetime.timedelta(days=rng.randrange(35, 80)))
                if stage == "尾款":
                    w.add("masterdata/notices.beancount",
                          f'{day} custom "acceptance" "{code}"\n'
                          f'{day} custom "notice" "{code}" "completion"\n'
                          f'  until: {day + datetime.timedelta(days=12)}\n')
                    assets.register(code, name, village, budget, day)
                    day = workday(day + datetime.timedelta(days=14))
                fen = budget - paid if stage == "尾款" else budget * percent // 100
                paid += fen
                meta = [("fund", fund), ("stage", stage)]
                if rng.random() < 0.5:
                    vouchers += 1
                    link, cash = f"VOU-{year}5201{vouchers:06d}", TREASURY
                    meta += [("func_code", "2130505"), ("eco_code", "50399")]
                else:
                    serial += 1
                    link, cash = f"ICBC-2345-{serial:08d}", BANK
                    w.txn(workday(day - datetime.timedelta(days=3)), "财政局", "国库下达至专户",
                          [f"ICBC-2345-T{serial:08d}"], [(BANK, fen, ()), (TREASURY, -fen, ())])
                w.txn(day, contractor, f"{name}{stage}", [link, code],
                      [(acc.project_account(code), fen, meta), (cash, -fen, ())])
        for j, (item, month, dom) in enumerate(ITEMS):
            batch, code, day = f"QH{year}B{j + 1}", f"QH{year}-S{j + 1:02d}", workday(D(year, month, dom))
            w.txn(day, "一卡通代发", f"{item} {batch} 拨付", [f"ICBC-2345-B{batch}"],
                  [(CLEARING, subsidy_fen[item], ()), (TREASURY, -subsidy_fen[item], ())])
            for seq, (hh, name, id_no, village, card) in enumerate(households, 1):
                fen = amounts[(hh, item)]
                meta = [("fund", fund), ("village", village[0]), ("beneficiary", name),
                        ("id_no", id_no), ("card", card), ("item", item)]
                w.txn(day, name, f"{item} {batch} 第{seq}号", [code, batch, f"YKT-{batch}-{seq:05d}"],
                      [(acc.project_account(code), fen, meta), (CLEARING, -fen, ())])
    assets.distribute()
    if extra:
        extra(w, made)
    w.flush()
    return main


class Assets:
    """Project assets, their quarterly income and each village's January distribution."""

    def __init__(self, w: Writer, rng: random.Random, households):
        self.w, self.rng, self.income = w, rng, defaultdict(list)  # village -> [(day, fen, asset)]
        self.homes = defaultdict(list)
        for _hh, name, id_no, village, card in households:
            self.homes[village[0]].append((name, id_no, card))
        self.opened = set()

    def register(self, code, name, village, budget, accepted):
        asset, day = "ZC" + code[2:], workday(accepted + datetime.timedelta(days=20))
        operating = self.rng.random() < 0.1
        yearly = budget * 6 // 100 if operating else 0
        self.w.add("masterdata/assets.beancount", (
            f'{day} custom "asset" "{asset}"\n  name: "{name}形成资产"\n'
            f'  class: "{"经营性" if operating else "公益性"}"\n  project: "{code}"\n'
            f'  village: "{village[0]}"\n  owner: "{village[1]}股份经济合作社"\n'
            f'  value: {yuan(budget)}\n  custodian: "{village[1]}村民委员会"\n'
            + (f"  income: {yuan(yearly)}\n" if operating else "")))
        if not operating:
            return
        self.w.add("masterdata/assets.beancount",
                   f'{day} open {acc.ASSET_INCOME}:{asset} CNY\n  village: "{village[0]}"\n')
        if village[0] not in self.opened:
            self.opened.add(village[0])
            self.w.add("accounts.beancount", f"{YEARS[0]}-01-01 open {acc.COLLECTIVE}:{village[0]} CNY\n"
                                             f"{YEARS[0]}-01-01 open {acc.DISTRIBUTION}:{village[0]} CNY\n")
        for year in range(day.year, YEARS[-1] + 1):
            for month in (6, 12):  # rent or dividends twice a year
                if D(year, month, 25) > day:
                    self.income[village[0]].append((workday(D(year, month, 25)), yearly // 2, asset))

    def distribute(self):
        for village, rows in sorted(self.income.items()):
            rows.sort()
            for year in YEARS[1:]:
                day = workday(D(year, 1, 20))
                held = [(d, fen, asset) for d, fen, asset in rows if d.year == year - 1]
                total = sum(fen for _, fen, _ in held)
                for d, fen, asset in held:
                    self.w.txn(d, "承租企业", f"{asset}收益", [asset],
                               [(f"{acc.COLLECTIVE}:{village}", fen, ()), (f"{acc.ASSET_INCOME}:{asset}", -fen, ())],
                               "transactions/collective.beancount")
                if not total:
                    continue
                homes = self.homes[village][:5]
                share = total * 7 // 10 // max(1, len(homes))
                wage = total * 2 // 10
                lines = [("分红到户", h, share) for h in homes] + [("公益岗位工资", homes[0], wage)]
                lines.append(("村级公益事业", None, total - share * len(homes) - wage))
                asset = held[0][2]
                for seq, (kind, home, fen) in enumerate(lines, 1):
                    meta = [("kind", kind), ("asset", asset)]
                    if home:
                        meta += [("beneficiary", home[0]), ("id_no", home[1]), ("card", home[2])]
                    self.w.txn(day, home[0] if home else "村民委员会", f"{year}年收益分配 {kind}",
                               [f"YKT-FP{year}01-{village[-6:]}-{seq:03d}"],
                               [(f"{acc.DISTRIBUTION}:{village}", fen, meta),
                                (f"{acc.COLLECTIVE}:{village}", -fen, ())], "transactions/collective.beancount")
            for d, fen, asset in rows:
                if d.year == YEARS[-1]:  # this year's income, held until next January
                    self.w.txn(d, "承租企业", f"{asset}收益", [asset],
                               [(f"{acc.COLLECTIVE}:{village}", fen, ()), (f"{acc.ASSET_INCOME}:{asset}", -fen, ())],
                               "transactions/collective.beancount")


if __name__ == "__main__":
    target = generate(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 100_000)
    print(target)
