"""Server-rendered SVG charts: no JavaScript, colours and fonts from customers.css."""
from decimal import Decimal
from math import ceil

from markupsafe import Markup, escape

WIDTH = 520
LABEL_WIDTH = 130
PLOT_LEFT = LABEL_WIDTH + 8
PLOT_WIDTH = WIDTH - PLOT_LEFT - 56  # room for the value after the longest bar
ROW_HEIGHT = 50
TOP = 36  # legend
AXIS = 26


def _x(percent, scale):
    return PLOT_LEFT + float(Decimal(percent) / scale) * PLOT_WIDTH


def share_chart(rows, title, share_label, target_label):
    """A horizontal bar chart of each tier's share with its target share below it.

    `rows`: [(key, label, share, target or None)], shares in percent (Decimal)."""
    highest = max([Decimal(10)] + [row[2] for row in rows] + [row[3] for row in rows if row[3] is not None])
    scale = Decimal(ceil(highest / 10) * 10)
    height = TOP + ROW_HEIGHT * len(rows) + AXIS
    bottom = TOP + ROW_HEIGHT * len(rows)
    parts = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" class="share-chart" viewBox="0 0 {WIDTH} {height}" '
         f'role="img" aria-labelledby="share-chart-title">'),
        f'<title id="share-chart-title">{escape(title)}</title>',
        # Legend
        f'<rect x="{PLOT_LEFT}" y="8" width="14" height="14" class="chart-legend-share"/>',
        f'<text x="{PLOT_LEFT + 20}" y="20" class="chart-text">{escape(share_label)}</text>',
        f'<rect x="{PLOT_LEFT + 130}" y="11" width="14" height="7" class="chart-target"/>',
        f'<text x="{PLOT_LEFT + 150}" y="20" class="chart-text">{escape(target_label)}</text>',
    ]
    for tick in range(0, int(scale) + 1, 10):
        x = _x(tick, scale)
        parts.append(f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{bottom}" class="chart-grid"/>')
        parts.append(f'<text x="{x:.1f}" y="{bottom + 18}" text-anchor="middle" class="chart-axis">{tick}%</text>')
    for index, (key, label, share, target) in enumerate(rows):
        y = TOP + index * ROW_HEIGHT
        parts.append(f'<text x="{LABEL_WIDTH}" y="{y + 19}" text-anchor="end" class="chart-label">{escape(label)}</text>')
        end = _x(share, scale)
        parts.append(f'<rect x="{PLOT_LEFT}" y="{y + 4}" width="{end - PLOT_LEFT:.1f}" height="20" '
                     f'class="chart-bar tier-fill-{escape(key)}"><title>{escape(label)}: {share}%</title></rect>')
        parts.append(f'<text x="{end + 6:.1f}" y="{y + 20}" class="chart-value">{share}%</text>')
        if target is not None:
            target_end = _x(target, scale)
            parts.append(f'<rect x="{PLOT_LEFT}" y="{y + 28}" width="{target_end - PLOT_LEFT:.1f}" height="8" '
                         f'class="chart-target"><title>{escape(target_label)}: {target}%</title></rect>')
            parts.append(f'<text x="{target_end + 6:.1f}" y="{y + 37}" class="chart-axis">{target}%</text>')
    parts.append(f'<line x1="{PLOT_LEFT}" y1="{TOP - 4}" x2="{PLOT_LEFT}" y2="{bottom}" class="chart-baseline"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
