"""The 农户 page: the households of the household register with what each received in the year
(subsidies, dividends, public-welfare wages, loan interest subsidies), by village, and one
household's statement (明白卡) line by line with the download of its card. Read from
`fundtrail.reports.household`, the card's own figures (the flow index's `help_of`).

Household data follows the villages page's rule (`fundtrail.fava_ext.roles.is_internal`): the
public view masks ID numbers (and names, when the ledger's policy says so); one household's
lines are shown to internal roles only.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from fundtrail.fava_ext.listing import matches, paginate
from fundtrail.masking import INTERNAL, PUBLIC, masker_for
from fundtrail.reports import household as cards

ZERO = Decimal(0)


def page(books, year: int, internal: bool, village: str = "", household: str = "",
         text: str = "", only: str = "", number=None) -> dict:
    """The page for `year`: per village the count of households and what they received, the
    households (of one village when given; `text` searches 户编号, name and village; `only`
    "received" keeps those that received something) with their totals per category, and, for
    internal roles, the statement of `household` (a 户编号)."""
    master = books.master
    masker = masker_for(books, INTERNAL if internal else PUBLIC)
    every = books.index.memo(("household.totals", year), lambda: cards.totals(books, year))
    villages = books.index.memo(("household.villages", year), lambda: _villages(every))
    kept = [(f, s) for f, s in every if (not village or f.village_code == village)
            and (not only or s.lines)
            and (not text or matches(text, f.number, f.head.name if internal else "", f.village))]
    shown = [s for _f, s in kept]
    listed = paginate(kept, number)  # only the rows of the page shown are masked
    listed = replace(listed, rows=[{"family": f, "sheet": s, "head": masker.name(f.head.name),
                                    "id_no": masker.id_no(f.head.id_no), "village": f.village}
                                   for f, s in listed.rows])
    chosen = cards.find(books, household) if internal and household else None
    detail = None
    if chosen is not None:
        sheet = cards.statement(books, chosen, year)
        detail = {"family": chosen, "sheet": sheet, "lines": [
            {"line": line, "filter": _filter(line)} for line in sheet.lines],
            "earlier": [(y, cards.statement(books, chosen, y).total)
                        for y in sorted({got.date.year for m in chosen.members
                                         for got in books.index.help_of(m.id_no)})]}
    return {
        "year": year, "internal": internal, "village": village, "text": text, "only": only,
        "villages": villages,
        "page": listed,
        "totals": {**{c: sum((s.by_category[c] for s in shown), ZERO) for c in cards.CATEGORIES},
                   "total": sum((s.total for s in shown), ZERO), "count": len(kept),
                   "received": sum(1 for s in shown if s.lines)},
        "categories": cards.CATEGORIES, "detail": detail, "place_name": master.place_name,
    }


def _villages(every) -> list[dict]:
    """Per village the count of households, of those that received something, and the total
    (once per load and year)."""
    villages: dict[str, dict] = {}
    for family, sheet in every:
        row = villages.setdefault(family.village_code, {
            "code": family.village_code, "name": family.village, "households": 0, "received": 0,
            "total": ZERO})
        row["households"] += 1
        row["received"] += bool(sheet.lines)
        row["total"] += sheet.total
    return sorted(villages.values(), key=lambda v: (v["code"] == "", v["code"]))


def _filter(line: cards.Line) -> str:
    """Fava's journal filter that finds the line's entry: its links, else its voucher number."""
    links = set(line.entry.links or ())
    refs = line.reference.split()
    if refs and all(ref in links for ref in refs):
        return " ".join("^" + ref for ref in refs)
    voucher = (line.entry.meta or {}).get("voucher")
    return f'voucher:"{voucher}"' if voucher else ""
