"""A synthetic province: N county workspaces with realistic differences and planted
cross-county anomalies, and the findings the cross-county rules must report.

    python benchmarks/provincegen.py /tmp/province 10 2000   # 10 counties of ~2,000 transactions

Each county is benchmarks/bigledger.py's county under its own division code, name and seed,
its size varied by ±40 %. Counties 0–3 carry the plants (`expected.json` lists them by rule and
the counties involved) and the near misses that must stay silent:

- xc-duplicate-subsidy: one person (same ID) paid the same subsidy item in the same year in
  counties 0 and 1. Near misses: the same name with a different ID in both; the same person
  and the same amount under a different item in both.
- xc-over-limit: one person paid 9,000 yuan of subsidies in a year across counties 0 and 2,
  under the limit (8,000) in each. Near miss: 7,500 yuan across the same two counties.
- xc-related-party: a cadre's relative in county 1's officials register paid a subsidy in
  county 3. Near miss: a person with the relative's name but another ID paid in county 3.
- xc-shared-account: one bank account paid under two firm names in counties 0 and 2. Near
  misses: one firm with one account in counties 1 and 3; the same firm name with two
  accounts in counties 0 and 1.
"""

from __future__ import annotations

import datetime
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bigledger import BANK, CLEARING, TREASURY, generate, workday  # noqa: E402

from fundtrail import accounts as acc  # noqa: E402
from fundtrail import workspace  # noqa: E402
from fundtrail.ledgers.demo import places  # noqa: E402

D = datetime.date
STEMS = ["青禾", "临沂", "兰陵", "费城", "平邑", "蒙阴", "沂南", "沂水", "郯城", "莒南", "临沭", "罗庄", "河东", "兰山", "枣庄", "滕州", "薛城", "峄城", "台儿", "山亭"]
PERSON_LIMIT = 8000  # the province setting the plants are built against (rules default)


def county_of(index: int) -> workspace.County:
    code = f"37{13 + index // 90:02d}{index % 90 + 10:02d}"
    stem = STEMS[index % len(STEMS)] + ("" if index < len(STEMS) else str(index // len(STEMS) + 1))
    suffix = "区" if index % 3 == 0 else "县"
    return workspace.County(admdiv=code, name=f"{stem}{suffix}", bureau=f"{stem}{suffix}财政局",
                            phone="0539-12317", start=D(2023, 1, 1))


def _person(rng: random.Random, region: str, name: str | None = None) -> dict:
    born = D(rng.randrange(1950, 2000), rng.randrange(1, 13), rng.randrange(1, 29))
    return {"name": name or places.person_name(rng), "id_no": places.id_number(rng, born, region),
            "card": "6217" + "".join(str(rng.randrange(10)) for _ in range(15))}


class Plants:
    """The planted people, firms and payments of the province, by county index."""

    def __init__(self, seed: int = 7):
        rng = random.Random(seed)
        a, b = county_of(0).admdiv, county_of(1).admdiv
        self.twice = _person(rng, a)
        self.namesake = [_person(rng, a, "王建国"), _person(rng, b, "王建国")]
        self.other_item = _person(rng, a)
        self.over = _person(rng, a)
        self.under = _person(rng, a)
        self.cadre, self.relative = _person(rng, b, "赵德胜"), _person(rng, b, "赵红梅")
        self.relative_namesake = _person(rng, a, "赵红梅")
        account = lambda: places.corporate_account(rng)  # noqa: E731
        self.shared, self.firm, self.split = account(), account(), (account(), account())
        # county index -> [(kind, person or (firm, account), item, yuan, day)]
        self.payments: dict[int, list] = {
            0: [("subsidy", self.twice, "雨露计划", 2000, D(2024, 11, 5)),
                ("subsidy", self.namesake[0], "雨露计划", 2000, D(2024, 11, 5)),
                ("subsidy", self.other_item, "雨露计划", 2000, D(2024, 11, 5)),
                ("subsidy", self.over, "到户产业奖补", 3000, D(2025, 6, 24)),
                ("subsidy", self.over, "雨露计划", 3000, D(2025, 11, 4)),
                ("subsidy", self.under, "到户产业奖补", 3000, D(2025, 6, 24)),
                ("subsidy", self.under, "雨露计划", 3000, D(2025, 11, 4)),
                ("firm", ("鲁南路桥工程有限公司", self.shared), None, 186000, D(2024, 9, 10)),
                ("firm", ("青禾建工有限公司", self.split[0]), None, 98000, D(2024, 8, 12))],
            1: [("subsidy", self.twice, "雨露计划", 2000, D(2024, 12, 3)),
                ("subsidy", self.namesake[1], "雨露计划", 2000, D(2024, 12, 3)),
                ("subsidy", self.other_item, "到户产业奖补", 2000, D(2024, 12, 3)),
                ("firm", ("运河建设集团有限公司", self.firm), None, 240000, D(2024, 10, 15)),
                ("firm", ("青禾建工有限公司", self.split[1]), None, 76000, D(2024, 10, 16))],
            2: [("subsidy", self.over, "务工补助", 3000, D(2025, 7, 8)),
                ("subsidy", self.under, "务工补助", 1500, D(2025, 7, 8)),
                ("firm", ("鲁东路桥建设有限公司", self.shared), None, 152000, D(2025, 4, 9))],
            3: [("subsidy", self.relative, "到户产业奖补", 3000, D(2024, 6, 26)),
                ("subsidy", self.relative_namesake, "到户产业奖补", 3000, D(2024, 6, 26)),
                ("firm", ("运河建设集团有限公司", self.firm), None, 310000, D(2025, 5, 20))],
        }
        self.officials = {1: [("赵德胜", self.cadre["id_no"], "第1镇1村", "村委会主任", "赵红梅",
                               self.relative["id_no"], "女儿")]}

    def expected(self) -> list[dict]:
        """The cross-county findings, by rule, subject kind and the counties involved."""
        c = [county_of(i).admdiv for i in range(4)]
        return [
            {"rule": "xc-duplicate-subsidy", "counties": sorted([c[0], c[1]]), "year": 2024,
             "item": "雨露计划", "name": self.twice["name"]},
            {"rule": "xc-over-limit", "counties": sorted([c[0], c[2]]), "year": 2025,
             "amount": "9000.00", "name": self.over["name"]},
            {"rule": "xc-related-party", "counties": sorted([c[1], c[3]]), "year": 2024,
             "name": self.relative["name"]},
            {"rule": "xc-shared-account", "counties": sorted([c[0], c[2]]),
             "names": sorted(["鲁南路桥工程有限公司", "鲁东路桥建设有限公司"])},
        ]

    def secrets(self) -> list[str]:
        """Every planted ID and account number (none may appear in clear in any export)."""
        people = [self.twice, *self.namesake, self.other_item, self.over, self.under,
                  self.cadre, self.relative, self.relative_namesake]
        return [p[k] for p in people for k in ("id_no", "card")] + [self.shared, self.firm,
                                                                   *self.split]

    def writer_for(self, index: int):
        """The bigledger `extra` hook that writes county `index`'s plants."""
        payments, officials = self.payments.get(index, []), self.officials.get(index, [])

        def extra(w, made):
            for n, (kind, who, item, yuan, day) in enumerate(payments, 1):
                day, fen, year = workday(day), yuan * 100, day.year
                fund = made["funds"][year]
                if kind == "subsidy":
                    code = f"QH{year}-S02" if item == "雨露计划" else f"QH{year}-S01"
                else:
                    code = next(c for c in made["projects"] if c.startswith(f"QH{year}-0"))
                funded = workday(day - datetime.timedelta(days=20))  # 追加 received and allotted
                w.txn(funded, "上级财政", f"财农〔{year}〕1号 追加到账", [fund],
                      [(TREASURY, fen, ()), (acc.fund_account("中央", fund), -fen, ())])
                w.txn(funded, "财政局", f"追加下达 至 {code}", [f"ALLOT-{code}", fund, code],
                      [(acc.allot_project_account(code), -fen, ()),
                       (acc.allot_fund_account(fund), fen, ())], "transactions/allotments.beancount")
                if kind == "subsidy":
                    village = made["villages"][int(who["id_no"][-4:-1]) % len(made["villages"])]
                    batch = f"QH{year}X{n}"
                    w.txn(day, "一卡通代发", f"{item} {batch} 拨付", [f"ICBC-2345-B{batch}"],
                          [(CLEARING, fen, ()), (TREASURY, -fen, ())])
                    meta = [("fund", fund), ("village", village[0]), ("beneficiary", who["name"]),
                            ("id_no", who["id_no"]), ("card", who["card"]), ("item", item)]
                    w.txn(day, who["name"], f"{item} {batch} 第1号", [code, batch, f"YKT-{batch}-00001"],
                          [(acc.project_account(code), fen, meta), (CLEARING, -fen, ())])
                else:
                    firm, account = who
                    w.txn(day, firm, f"{code}项目 进度款", [f"ICBC-2345-P{index}{n:05d}", code],
                          [(acc.project_account(code), fen, [("fund", fund), ("stage", "进度款"),
                                                             ("payee_account", account)]),
                           (BANK, -fen, ())])
                    w.txn(workday(day - datetime.timedelta(days=3)), "财政局", "国库下达至专户",
                          [f"ICBC-2345-Q{index}{n:05d}"], [(BANK, fen, ()), (TREASURY, -fen, ())])
            with (w.root / "registers/households.csv").open("a", encoding="utf-8") as handle:
                for person in {p["id_no"]: p for kind, p, *_ in payments if kind == "subsidy"}.values():
                    village = made["villages"][int(person["id_no"][-4:-1]) % len(made["villages"])]
                    town = made["towns"][village[2]]
                    handle.write(f"P{person['id_no'][-6:]},{person['name']},{person['id_no']},{town},"
                                 f"{village[1]},2,脱贫户,缺技术,蓝,{person['card']},\n")
            if officials:
                with (w.root / "registers/officials.csv").open("a", encoding="utf-8") as handle:
                    for row in officials:
                        handle.write(",".join(row) + "\n")
        return extra


def generate_province(root: Path, counties: int = 5, transactions: int = 2000,
                      seed: int = 1) -> list[Path]:
    """Write `counties` workspaces under root (one folder per county) and root/expected.json."""
    if counties < 4:
        raise ValueError("the plants need at least four counties")
    root, rng, plants = Path(root), random.Random(seed), Plants()
    ledgers = []
    for index in range(counties):
        county = county_of(index)
        size = int(transactions * rng.uniform(0.6, 1.4))
        ledgers.append(generate(root / county.admdiv, size, seed=seed * 1000 + index,
                                county=county, extra=plants.writer_for(index)))
    (root / "expected.json").write_text(json.dumps(
        {"findings": plants.expected(), "secrets": plants.secrets()}, ensure_ascii=False, indent=1), "utf-8")
    return ledgers


if __name__ == "__main__":
    made = generate_province(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 5,
                             int(sys.argv[3]) if len(sys.argv) > 3 else 2000)
    print("\n".join(map(str, made)))
