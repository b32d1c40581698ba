"""The overview's two month charts as inline SVG, drawn on the server with Chinese labels.

Fava's own chart component labels a date axis with English month names (its d3 time format
has no Chinese locale), so the charts over the months of one year are drawn here: 1月 … 12月,
amounts in 万元, and every bar and point carries a `<title>` with its exact figure in yuan
(the tooltip, and what the tests read). The data are `charts.progress` and `charts.monthly`.
Nothing here comes from a statement or a user: labels are fixed words and numbers.
"""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup, escape

from fundtrail import accounts as acc
from fundtrail.reports.render import yuan

W, H = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 28, 30
SPENT, SCHEDULE, OVER = "#3f7f4e", "#8a8a8a", "#c33"


def _wan(value: Decimal) -> str:
    """An axis label in 万元 (ten thousand yuan)."""
    return f"{value / 10000:,.0f}万"


def _frame(top: Decimal, title: str, legend: list[tuple[str, str]]) -> tuple[list[str], object, object]:
    """Axes, grid and legend; returns (body, x of month m's centre, y of an amount)."""
    top = top or Decimal(1)
    span_x, span_y = (W - LEFT - RIGHT) / 12, H - TOP - BOTTOM

    def x(month: float) -> float:
        return LEFT + span_x * (month - 0.5)

    def y(amount: Decimal) -> float:
        return TOP + span_y * (1 - float(amount / top))

    body = [f'<text x="{LEFT}" y="16" font-weight="500">{escape(title)}</text>']
    lx = W - RIGHT
    for label, colour in reversed(legend):
        lx -= 14 * len(label) + 24
        body.append(f'<rect x="{lx}" y="7" width="10" height="10" fill="{colour}"/>'
                    f'<text x="{lx + 14}" y="16">{escape(label)}</text>')
    for i in range(5):
        amount = top * i / 4
        body.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(amount):.1f}" y2="{y(amount):.1f}" '
                    f'stroke="#ddd"/><text x="{LEFT - 6}" y="{y(amount) + 4:.1f}" '
                    f'text-anchor="end" fill="#666">{_wan(amount)}</text>')
    for month in range(1, 13):
        body.append(f'<text x="{x(month):.1f}" y="{H - 10}" text-anchor="middle" fill="#666">'
                    f'{month}月</text>')
    return body, x, y


def _svg(body: list[str], label: str) -> Markup:
    return Markup(f'<svg class="ft-chart" role="img" aria-label="{escape(label)}" viewBox="0 0 {W} {H}" '
                  f'width="100%" style="max-width: {W * 1.5}px" font-size="12" '
                  f'xmlns="http://www.w3.org/2000/svg">' + "".join(body) + "</svg>")


def progress(chart: dict) -> Markup:
    """Cumulative spending by month's end against the 序时进度 line (`charts.progress`)."""
    points = [p for p in chart["data"] if p["date"].day != 1 or p["date"].month != 1]
    top = max([Decimal(v) for p in points for v in p["balance"].values()] or [Decimal(0)])
    body, x, y = _frame(top * Decimal("1.05"), "支出进度（累计支出与序时进度，元）",
                        [("累计支出", SPENT), ("序时进度", SCHEDULE)])
    for name, colour, dash in (("序时进度", SCHEDULE, ' stroke-dasharray="6,4"'),
                               ("累计支出", SPENT, "")):
        line = [(p["date"].month, Decimal(p["balance"][name])) for p in points if name in p["balance"]]
        if not line:
            continue
        path = " ".join(f"{'M' if i == 0 else 'L'}{x(m):.1f},{y(v):.1f}" for i, (m, v) in enumerate(line))
        body.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for m, v in line:
            body.append(f'<circle cx="{x(m):.1f}" cy="{y(v):.1f}" r="3.5" fill="{colour}">'
                        f'<title>{m}月末 {name} {yuan(v)} 元</title></circle>')
    return _svg(body, "支出进度")


def monthly(chart: dict) -> Markup:
    """Spending per month against an even twelfth of the money available (`charts.monthly`);
    a month above its twelfth is drawn in red."""
    rows = [(p["date"].month, Decimal(p["balance"][acc.CURRENCY]),
             Decimal(p["budgets"][acc.CURRENCY])) for p in chart["data"]]
    top = max([v for _, v, _ in rows] + [b for _, _, b in rows] + [Decimal(0)])
    body, x, y = _frame(top * Decimal("1.05"), "月度支出（元）",
                        [("当月支出", SPENT), ("超出月均", OVER), ("月均（可用资金÷12）", SCHEDULE)])
    bar = (W - LEFT - RIGHT) / 12 * 0.6
    for month, spent, share in rows:
        colour = OVER if spent > share else SPENT
        body.append(f'<rect x="{x(month) - bar / 2:.1f}" y="{y(spent):.1f}" width="{bar:.1f}" '
                    f'height="{max(y(Decimal(0)) - y(spent), 0):.1f}" fill="{colour}">'
                    f'<title>{month}月 支出 {yuan(spent)} 元（月均 {yuan(share)} 元）</title></rect>')
    if rows:
        share = rows[0][2]
        body.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(share):.1f}" y2="{y(share):.1f}" '
                    f'stroke="{SCHEDULE}" stroke-width="1.5" stroke-dasharray="6,4"/>')
    return _svg(body, "月度支出")
