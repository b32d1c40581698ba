"""One asset summary (fundtrail.assets.summary) for every reader: the village notice, Fava's
asset page and the county disclosure give a village the same asset value, count and income
figures for the same period, a sold or scrapped asset out of the value for all of them."""

from __future__ import annotations

import datetime

import pytest
from reportkit import flat, pdf_text

from fundtrail import assets
from fundtrail.fava_ext import assets as asset_page
from fundtrail.reports import county, village
from fundtrail.reports.facts import Period

SOLD = "ZC2024-006"  # 出售 2025-08-28


def yuan(amount) -> str:
    return f"{amount:,.2f}"


@pytest.mark.parametrize("label", ["2025Q4", "2024Q4"])
def test_the_notice_fava_and_the_disclosure_agree_on_a_villages_assets(demo_books, label):
    master = demo_books.master
    code = master.assets[SOLD].village
    period = Period.parse(label)
    notice = village.notice_context(demo_books, period, code)["assets"]
    sold = master.disposals[SOLD].date <= period.end
    mine = [a for a in master.assets.values() if a.village == code and a.registered <= period.end]
    kept = [a for a in mine if not (a.id in master.disposals and master.disposals[a.id].date <= period.end)]
    assert (SOLD not in {a.id for a in kept}) == sold
    value = sum(a.value for a in kept)
    assert (notice["in_service"], notice["totals"]["value"]) == (len(kept), value)
    assert len(notice["assets"]) == len(mine)  # the sold one still listed, with its disposal
    # the summary itself, as any reader asks for it: the same figures
    summary = assets.summary(master, demo_books.index.asset_book, code, period.start, period.end)
    assert summary["totals"] == notice["totals"] and summary["in_service"] == notice["in_service"]
    # Fava's asset page for the period's year at its end
    page = asset_page.page(demo_books, [], period.year, period.end, code)
    (row,) = [v for v in page["villages"] if v["code"] == code]
    assert row["value"] == value
    assert {k: row[k] for k in ("value", "held", "received_cum", "distributed_cum")} == \
        {k: notice["totals"][k] for k in ("value", "held", "received_cum", "distributed_cum")}
    cards = {cls: c for cls, c in page["classes"] if c}
    # the county disclosure's classes (its year's end is the Q4 notice's end)
    classes = county.disclosure_context(demo_books, period.year)["asset_classes"]
    here = [v for c in classes for v in c["villages"] if v["village"] == code]
    assert sum(v["value"] for v in here) == value
    assert sum(len(v["assets"]) for v in here) == len(kept)
    assert {c["cls"]: (c["count"], c["value"]) for c in classes} == \
        {cls: (c["count"], c["value"]) for cls, c in cards.items()}
    assert page["totals"]["value"] == sum(c["value"] for c in classes)
    # and the printed notice says so
    text = flat(pdf_text(village.notice_pdf(demo_books, label, code)))
    assert f"本村项目资产{len(kept)}项" in text and f"资产价值合计{yuan(value)}元" in text
    assert ("另有已处置1项，不计入资产价值" in text) == sold


def test_in_service_is_registered_and_not_yet_disposed_of(demo_books):
    master = demo_books.master
    asset, sold = master.assets[SOLD], master.disposals[SOLD].date
    assert not assets.in_service(master, asset, asset.registered - datetime.timedelta(days=1))
    assert assets.in_service(master, asset, sold - datetime.timedelta(days=1))
    assert not assets.in_service(master, asset, sold)
