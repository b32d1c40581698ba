"""Layouts that fit: a village notice is one sheet on the board (A4, and the A3 poster), and the
audit sample table gives every column room for its content."""

import re
import subprocess

from reportkit import pdf_text

from fundtrail.reports import audit, render, village

QUARTER = "2024Q3"


def pages(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    return int(re.search(rb"Pages:\s+(\d+)", info).group(1))


def test_every_notice_of_a_quarter_fits_one_sheet(demo_books):
    period = village.quarter(QUARTER)
    sizes = {}
    for code in village.village_codes(demo_books):
        context = village.notice_context(demo_books, period, code)
        sizes[code] = (len(context["projects"]), len(context["households"]))
        if sizes[code][0] <= 3 and sizes[code][1] <= 10:
            assert pages(village.notice_pdf(demo_books, QUARTER, code)) == 1, (code, sizes[code])
    assert len(sizes) == 46 and any(p for p, _ in sizes.values())
    largest = max(sizes, key=lambda c: sizes[c])
    poster = village.notice_pdf(demo_books, QUARTER, largest, poster=True)
    assert pages(poster) == 1 and "12317" in pdf_text(poster)


def test_three_projects_and_ten_households_fit_one_a4_and_one_a3_sheet(demo_books):
    """The fullest notice the promise covers, built from a real village's quarter."""
    code = next(c for c in village.village_codes(demo_books)
                if (lambda ctx: ctx["projects"] and ctx["households"])(
                    village.notice_context(demo_books, village.quarter("2025Q2"), c)))
    context = village.notice_context(demo_books, village.quarter("2025Q2"), code)
    context["projects"] = (context["projects"] * 3)[:3]
    context["households"] = (context["households"] * 10)[:10]
    for size in ("A4", "A3"):
        pdf = render.pdf("village.html", demo_books, title="t", header="t", issuer="村民委员会",
                         page_size=size, **context)
        text = pdf_text(pdf)
        assert pages(pdf) == 1, size
        assert "四、公示期限和监督方式" in text and "村务监督委员会" in text and "12317" in text
        assert text.count("联农带农机制") == 3


def test_no_sample_column_is_narrower_than_four_characters(demo_books):
    context = audit.audit_context(demo_books, audit.Period.parse("2024"))
    items = context["sample"]["items"]
    assert len(items) >= 20
    lines = pdf_text(audit.audit_pdf(demo_books, "2024"), layout=True).splitlines()
    section = "\n".join(lines[next(i for i, line in enumerate(lines) if "十、支付抽样" in line):])
    assert re.search(r"序号\s+日期\s+收款人和摘要\s+项目\s+金额（元）\s+凭证和来源\s+核对内容\s+结果", section)
    for item in items:  # each cell's text starts with at least four characters on one line
        for cell in (item["payee"], item["narration"], item["test"], item["project"],
                     *item["links"]):
            head = re.sub(r"\s", "", cell)[:4]
            assert head in section, (cell, head)
