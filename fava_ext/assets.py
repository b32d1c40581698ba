"""The 资产 page (project assets, their income and its distribution, the idle ones) and the
村 page's monitored households, read from the flow index's derived views (`asset_book`,
`household_register`, `help_of`) through `fundtrail.assets`.

Household data follows the villages page's rule (`fundtrail.fava_ext.roles.is_internal`): the public view masks
ID and card numbers; what one household received over time is shown to internal roles only.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from fundtrail import assets
from fundtrail.findings import SEVERITY_LABELS
from fundtrail.masking import INTERNAL, PUBLIC, masker_for

ZERO = Decimal(0)
ASSET_RULES = ("idle-asset", "income-undistributed", "distribution-ineligible",
               "disposal-unapproved", "asset-unregistered", "linkage-unkept")
HOUSEHOLD_RULES = ("red-unassisted", "benefit-skewed")
RISK_LABELS = {"红": "红（极易返贫）", "橙": "橙（容易返贫）", "蓝": "蓝（不易返贫）", "": "未分级"}


def page(books, findings, year: int, as_of: datetime.date, village: str = "") -> dict:
    """The 资产 page for `year`: cards, assets (optionally one village's), income and
    distribution per village, and the open findings of the asset rules.

    Each village's and the county's figures reconcile as the page states them: held at the
    year's start + the year's income - the year's distributions = held at its end (at `as_of`)."""
    master, book = books.master, books.index.asset_book
    start, end = datetime.date(year, 1, 1), as_of
    last = book.last_income()
    flagged = defaultdict(list)  # asset id or project code -> findings
    for f in findings:
        if f.rule in ASSET_RULES:
            for link in f.links:
                flagged[link].append(f)
    rows, villages = [], []
    for code in sorted({a.village for a in master.assets.values()}):
        summary = assets.summary(master, book, code, start, end)
        if not summary["assets"]:
            continue
        totals = summary["totals"]
        # held at the year's start: what the collective held before this year's income and
        # distributions (held = income to date - distributed to date)
        opening = totals["held"] - totals["received_q"] + totals["distributed_q"]
        villages.append({"code": code, "name": master.place_name(code), **totals,
                         "opening": opening, "by_purpose": summary["by_purpose"]})
        if village and code != village:
            continue
        for r in summary["assets"]:
            a = r["asset"]
            rows.append({**r, "village": master.place_name(code), "last_income": last.get(a.id),
                         "findings": flagged.get(a.id, []) or flagged.get(a.project, [])})
    by_class = {c["cls"]: c for c in assets.by_class_and_village(master, end)}
    mine = [f for f in findings if f.rule in ASSET_RULES + HOUSEHOLD_RULES]
    return {
        "year": year, "as_of": end, "village": village, "rows": rows, "villages": villages,
        "classes": [(cls, by_class.get(cls)) for cls in assets.CLASSES],
        "totals": {**{key: sum((v[key] for v in villages), ZERO)
                      for key in ("opening", "received_q", "distributed_q", "held", "value")},
                   "by_purpose": {purpose: sum((v["by_purpose"][purpose] for v in villages), ZERO)
                                  for purpose in assets.PURPOSES}},
        "idle": [r for r in rows if any(f.rule == "idle-asset" for f in r["findings"])],
        "findings": mine, "severity_labels": SEVERITY_LABELS,
    }


def monitored(books, village_code: str, year: int, as_of: datetime.date, internal: bool,
              household: str = "") -> dict:
    """The village's monitored households at risk in the year, by risk colour, with what each
    received in it; ID numbers masked unless `internal`. `household` (a 户编号, internal only)
    adds everything that household received over time."""
    master = books.master
    name = master.place_name(village_code)
    start = datetime.date(year, 1, 1)
    index = books.index
    register = index.household_register.households
    summary = assets.monitored_summary(index.household_register, name, start, as_of)
    masker = masker_for(books, INTERNAL if internal else PUBLIC)
    rows = []
    for h in summary["households"]:
        this_year = sum((r.amount for r in index.help_of(h.id_no) if start <= r.date <= as_of), ZERO)
        rows.append({"h": h, "id_no": masker.id_no(h.id_no), "name": masker.name(h.name),
                     "risk": RISK_LABELS.get(h.risk, h.risk), "received": this_year})
    chosen = next((h for h in register.values() if h.number == household and h.village == name),
                  None) if internal and household else None
    return {**summary, "rows": rows, "risk_labels": RISK_LABELS,
            "history": index.help_of(chosen.id_no) if chosen else None,
            "chosen": chosen}
