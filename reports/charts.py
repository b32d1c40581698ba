"""Inline SVG charts drawn from the books (weasyprint renders SVG; no network, no plotting library).

    hbars(rows, marker=None)   horizontal bars: [(label, value, note)], optional marker line (0..1)
    sankey(columns, links)     flows between columns of nodes: links [(source, target, amount)]
"""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup, escape

PALETTE = ["#a33", "#d7812a", "#3f7f4e", "#2f5f8f", "#7a4f9a", "#8c6d3f", "#4f8f8f", "#999"]


def _svg(width: float, height: float, body: list[str]) -> Markup:
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}mm" height="{height}mm" '
                  f'viewBox="0 0 {width * 4:.0f} {height * 4:.0f}" font-size="11">'
                  + "".join(body) + "</svg>")


def hbars(rows, marker: Decimal | None = None, marker_label: str = "", width: float = 170,
          unit: str = "", ratio: bool = False) -> Markup:
    """One bar per (label, value, note); values are amounts, or ratios (0..1) when `ratio`."""
    row_h, left, right = 22, 190, 230
    W = width * 4
    top = 24 if marker is not None else 6
    H = top + row_h * max(len(rows), 1) + 10
    values = [Decimal(v) for _, v, _ in rows]
    scale_max = max(values + [Decimal(1) if ratio else Decimal(0)]) or Decimal(1)
    span = W - left - right
    body = []
    marker_x = float(marker / scale_max) * span if marker is not None else 0
    for i, (label, value, note) in enumerate(rows):
        y = top + i * row_h
        length = float(Decimal(max(value, 0)) / scale_max) * span if scale_max else 0
        colour = PALETTE[i % len(PALETTE)] if not ratio else (
            "#a33" if marker is not None and value < marker else "#3f7f4e")
        body.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
                    f'<rect x="{left}" y="{y + 4}" width="{length:.1f}" height="{row_h - 8}" fill="{colour}"/>'
                    f'<text x="{left + max(length, marker_x) + 5:.1f}" y="{y + 15}">{escape(note)}</text>')
    if marker is not None:
        x = left + float(marker / scale_max) * span
        body.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{H - 6}" stroke="#c00" '
                    f'stroke-width="1.5" stroke-dasharray="5,3"/>'
                    f'<text x="{x:.1f}" y="{top - 10}" text-anchor="middle" fill="#c00">{escape(marker_label)}</text>')
    body.insert(0, f'<line x1="{left}" y1="{top}" x2="{left}" y2="{H - 6}" stroke="#333"/>')
    return _svg(width, H / 4, body)


def sankey(columns: list[list[str]], links: list[tuple[str, str, Decimal]], width: float = 170,
           height: float = 120, titles: list[str] = ()) -> Markup:
    """Nodes in columns (names unique across columns), bands as wide as the amounts they carry."""
    W, H = width * 4, height * 4
    top, gap, node_w = 22, 8, 12
    inflow: dict[str, Decimal] = {}
    outflow: dict[str, Decimal] = {}
    for source, target, amount in links:
        outflow[source] = outflow.get(source, Decimal(0)) + amount
        inflow[target] = inflow.get(target, Decimal(0)) + amount
    size = {n: max(inflow.get(n, Decimal(0)), outflow.get(n, Decimal(0)))
            for column in columns for n in column}
    biggest = max((sum((size[n] for n in c), Decimal(0)) for c in columns), default=Decimal(1))
    scale = float(H - top - 10 - gap * max(len(c) for c in columns)) / float(biggest or 1)
    xs = [20 + i * (W - 40 - node_w - 150) / max(len(columns) - 1, 1) for i in range(len(columns))]
    pos: dict[str, list[float]] = {}
    body = []
    for i, column in enumerate(columns):
        y = top
        if i < len(titles):
            body.append(f'<text x="{xs[i]}" y="12" font-weight="bold">{escape(titles[i])}</text>')
        for n, name in enumerate(column):
            h = float(size[name]) * scale
            pos[name] = [xs[i], y, y, y]  # x, top, next outgoing y, next incoming y
            colour = PALETTE[n % len(PALETTE)]
            body.append(f'<rect x="{xs[i]}" y="{y:.1f}" width="{node_w}" height="{max(h, 1):.1f}" fill="{colour}"/>'
                        f'<text x="{xs[i] + node_w + 4}" y="{y + min(h, 20) / 2 + 4:.1f}">'
                        f'{escape(name)} {size[name] / 10000:,.1f}万</text>')
            y += h + gap
    colours = {name: PALETTE[n % len(PALETTE)] for column in columns for n, name in enumerate(column)}
    for source, target, amount in sorted(links, key=lambda link: (pos[link[0]][1], pos[link[1]][1])):
        h = float(amount) * scale
        x0, y0 = pos[source][0] + node_w, pos[source][2]
        x1, y1 = pos[target][0], pos[target][3]
        pos[source][2] += h
        pos[target][3] += h
        mid = (x0 + x1) / 2
        body.insert(0, f'<path d="M{x0:.1f},{y0 + h / 2:.1f} C{mid:.1f},{y0 + h / 2:.1f} {mid:.1f},'
                       f'{y1 + h / 2:.1f} {x1:.1f},{y1 + h / 2:.1f}" stroke="{colours[source]}" '
                       f'stroke-opacity=".35" stroke-width="{max(h, .5):.1f}" fill="none"/>')
    return _svg(width, height, body)
