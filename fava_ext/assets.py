"""The 资产 page (project assets, their income and its distribution, the idle ones) and the
村 page's monitored households, read from the books through `fundtrail.assets`.

Household data follows the villages page's rule (`fundtrail.roles.is_internal`): the public view masks
ID and card numbers; what one household received over time is shown to internal roles only.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from fundtrail import accounts as acc
from fundtrail import assets
from fundtrail.findings import SEVERITY_LABELS
from fundtrail.flows import SPENDING, id_no
from fundtrail.masking import Masker
from fundtrail.masterdata import read_register

ZERO = Decimal(0)
ASSET_RULES = ("idle-asset", "income-undistributed", "distribution-ineligible",
               "disposal-unapproved", "asset-unregistered", "linkage-unkept")
HOUSEHOLD_RULES = ("red-unassisted", "benefit-skewed")
RISK_LABELS = {"红": "红（极易返贫）", "橙": "橙（容易返贫）", "蓝": "蓝（不易返贫）", "": "未分级"}


def page(books, findings, year: int, as_of: datetime.date, village: str = "") -> dict:
    """The 资产 page for `year`: cards, assets (optionally one village's), income and
    distribution per village, and the open findings of the asset rules."""
    master, book = books.master, assets.of_books(books)
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
        villages.append({"code": code, "name": master.place_name(code), **summary["totals"],
                         "by_kind": summary["by_kind"]})
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
        "totals": {key: sum((v[key] for v in villages), ZERO)
                   for key in ("received_q", "distributed_q", "held", "value")},
        "idle": [r for r in rows if any(f.rule == "idle-asset" for f in r["findings"])],
        "findings": mine, "severity_labels": SEVERITY_LABELS,
    }


def households_of(books) -> dict[str, assets.Household]:
    """The household register, read once per load."""
    def read():
        path = books.master.registers.get("households")
        try:
            return assets.households(read_register(path)) if path else {}
        except (OSError, UnicodeDecodeError):
            return {}
    return books.index.memo("fava.households", read)


def received_by(books) -> dict[str, list[dict]]:
    """{ID number: [{date, what, amount, narration}]}: everything each household received —
    subsidies, loan interest subsidies, dividends and public-benefit job wages — from the flow
    index (its spending and the collectives' distributions), once per load."""
    def build():
        index = books.index
        loans = {code: id_no(loan.borrower_id) for code, loan in books.master.loans.items()}
        postings = [(f.entry, f.posting) for f in index.flows if f.kind in SPENDING]
        postings += [(e, p) for e, p in index.collective if p.account.startswith(acc.DISTRIBUTION + ":")]
        out = defaultdict(list)
        for txn, posting in postings:
            meta = posting.meta or {}
            if "失败" in str(meta.get("status", "")):
                continue
            person = id_no(meta.get("id_no")) or loans.get(str(meta.get("loan", "")))
            if person:
                what = meta.get("kind") or meta.get("item") or ("小额信贷贴息" if meta.get("loan") else "补助")
                out[person].append({"date": txn.date, "what": str(what), "amount": posting.units.number,
                                    "narration": txn.narration})
        return dict(out)
    return books.index.memo("fava.received_by", build)


def monitored(books, village_code: str, year: int, as_of: datetime.date, internal: bool,
              household: str = "") -> dict:
    """The village's monitored households at risk in the year, by risk colour, with what each
    received in it; ID numbers masked unless `internal`. `household` (a 户编号, internal only)
    adds everything that household received over time."""
    master = books.master
    name = master.place_name(village_code)
    start = datetime.date(year, 1, 1)
    register = households_of(books)
    summary = assets.monitored_summary(register, name, start, as_of)
    got = received_by(books)
    masker = Masker()
    rows = []
    for h in summary["households"]:
        this_year = sum((r["amount"] for r in got.get(h.id_no, ()) if start <= r["date"] <= as_of), ZERO)
        rows.append({"h": h, "id_no": h.id_no if internal else masker.id_no(h.id_no),
                     "name": h.name if internal else masker.name(h.name),
                     "risk": RISK_LABELS.get(h.risk, h.risk), "received": this_year})
    chosen = next((h for h in register.values() if h.number == household and h.village == name),
                  None) if internal and household else None
    return {**summary, "rows": rows, "risk_labels": RISK_LABELS,
            "history": sorted(got.get(chosen.id_no, ()), key=lambda r: r["date"]) if chosen else None,
            "chosen": chosen}
