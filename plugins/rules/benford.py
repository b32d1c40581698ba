"""Benford's law (本福特定律) over contractor payments, per town and for the county.

Rule `benford` (default severity medium): the first-digit and first-two-digit distributions of
contractor payment amounts (household subsidies and loan interest, fixed by rule, are left out;
so are amounts under 10 yuan) are compared with Benford's. Each test is judged by Nigrini's MAD
bands (first digit 0.006 / 0.012 / 0.015, first two digits 0.0012 / 0.0018 / 0.0022); a scope is
flagged when either test is beyond marginal, i.e. nonconforming.

Nigrini's bands assume thousands of records; a town has dozens, and sampling noise alone pushes
their MAD over the bands. So the bands are applied to the *excess* MAD: the MAD minus the MAD that
N records drawn from Benford's law show on average, sum(sqrt(2 p (1-p) / (pi N))) / k
(Barney & Schulzke, 2016). Scopes with fewer than `benford_min_records` records are not tested.

Each calendar year's payments are tested apart: one finding per scope and year, facets
scope="<town code>" or scope="county" and year="2024", id'd by both (the same id never names
another year's population); it links the project(s) contributing most records to the most
over-represented first digit, where an auditor looks first.

Settings:
    benford_min_records  50   fewest records a scope needs to be tested
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from decimal import Decimal

from fundtrail import findings
from fundtrail.flows import amount_of
from fundtrail.plugins.settings import INTEGER, Setting

SETTINGS = (Setting("benford_min_records", INTEGER, 50, "参与本福特检验的最少笔数", low=1),)

FIRST = {d: math.log10(1 + 1 / d) for d in range(1, 10)}
FIRST_TWO = {d: math.log10(1 + 1 / d) for d in range(10, 100)}
BANDS = {"first": (0.006, 0.012, 0.015), "first-two": (0.0012, 0.0018, 0.0022)}
LABELS = ("符合", "可接受", "临界", "不符合")  # close, acceptable, marginal, nonconforming
TEN = Decimal(10)


_LEADS = {str(n): n for n in range(10, 100)}


def leading(amount: Decimal) -> int:
    """The first two significant digits of an amount of at least 10: 9,512.30 -> 95 (100 and
    1E+2 -> 10)."""
    text = str(amount)  # 9512.30, or in exponent form 1E+2 / 1.5E+3
    lead = _LEADS.get(text[:2])  # 10 to 99 looked up, not parsed: thousands of payments a load
    if lead is not None:
        return lead
    if text[:2].isdigit():
        return int(text[:2])
    digits = amount.as_tuple().digits
    return digits[0] * 10 + (digits[1] if len(digits) > 1 else 0)


def excess_mad(counts: Counter, expected: dict, n: int) -> float:
    mad = sum(abs(counts[d] / n - p) for d, p in expected.items()) / len(expected)
    noise = sum(math.sqrt(2 * p * (1 - p) / (math.pi * n)) for p in expected.values()) / len(expected)
    return mad - noise


def band(value: float, test: str) -> int:
    return sum(value > limit for limit in BANDS[test])


def _year(pay) -> int:
    return pay.entry.date.year


def benford(ctx):
    every = [pay for pay in ctx.flows.contractor_payments if pay.amount >= TEN]
    amounts = list(map(amount_of, every))  # read once: for the digits and each scope's total
    leads = list(map(leading, amounts))
    towns = {code: project.town for code, project in ctx.master.projects.items() if project.town}
    scopes = {}  # (scope, year) -> (payments, their first two digits, their amounts)
    start = 0
    while start < len(every):  # in ledger order: a year's payments are one stretch of the list
        year = every[start].entry.date.year
        end = bisect_left(every, year + 1, start, key=_year)
        pays, digits, money = every[start:end], leads[start:end], amounts[start:end]
        scopes[("county", year)] = pays, digits, money
        for pay, lead, amount in zip(pays, digits, money, strict=True):
            town = towns.get(pay.project)
            if town:
                in_town = scopes.get((town, year))
                if in_town is None:
                    in_town = scopes[(town, year)] = [], [], []
                in_town[0].append(pay)
                in_town[1].append(lead)
                in_town[2].append(amount)
        start = end
    for (scope, year), (pays, digits, money) in sorted(scopes.items()):
        n = len(pays)
        if n < ctx.settings["benford_min_records"]:
            continue
        two = Counter(digits)
        first = Counter()
        for d, count in two.items():
            first[d // 10] += count
        scores = {"first": excess_mad(first, FIRST, n), "first-two": excess_mad(two, FIRST_TWO, n)}
        if max(band(scores[t], t) for t in scores) < 3:
            continue
        digit = max(FIRST, key=lambda d: first[d] / n - FIRST[d])
        low, high = digit * 10, digit * 10 + 10
        by_project = Counter([p.project for p, d in zip(pays, digits, strict=True) if low <= d < high])
        top = max(by_project.values())
        projects = sorted(code for code, count in by_project.items() if count == top)
        entry = next(p.entry for p in pays if p.project == projects[0])
        name = f"{year}年" + ("全区" if scope == "county" else ctx.master.place_name(scope))
        yield findings.emit(
            "benford", f"{scope}|{year}", entry, links=projects, facets={"scope": scope, "year": year},
            scope_name=name, count=n, total=sum(money), digit=digit,
            share=first[digit] / len(pays), expected=FIRST[digit], projects=tuple(projects),
            first_mad=scores["first"], first_band=LABELS[band(scores["first"], "first")],
            two_mad=scores["first-two"], two_band=LABELS[band(scores["first-two"], "first-two")])
        # amount None: a statistical signal over a population, not money at stake (the town and
        # county populations overlap, so adding them to the amounts at risk would count twice)


RULES = {"benford": benford}
