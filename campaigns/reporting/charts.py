"""A chart the PDF can draw without a browser: spend and revenue per channel as inline SVG
(WeasyPrint renders inline SVG; the e-mail itself carries the same figures as a table)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from campaigns import display
from campaigns.analytics.channels import ChannelAnalytics

WIDTH, ROW, BAR, LABEL = 640, 34, 12, 140
SPEND, REVENUE = "#64748b", "#2563eb"


def channel_bars_svg(channels: ChannelAnalytics, currency: str) -> SafeString:
    """Horizontal bars, two per channel (spend, revenue), scaled to the largest amount; empty
    when nothing was spent or earned."""
    rows = [r for r in channels.rows if r.totals.spend or r.totals.revenue]
    if not rows:
        return SafeString("")
    largest = max(max(r.totals.spend, r.totals.revenue) for r in rows)
    room = WIDTH - LABEL - 120
    bars = []
    for i, row in enumerate(rows):
        y = 24 + i * ROW
        for j, (amount, colour) in enumerate(
            ((row.totals.spend, SPEND), (row.totals.revenue, REVENUE))
        ):
            length = int(room * Decimal(amount) / largest) if largest else 0
            bars.append(
                (
                    y + j * (BAR + 1),
                    length,
                    colour,
                    LABEL + length + 4,
                    y + j * (BAR + 1) + BAR - 2,
                    display.money(amount, currency),
                )
            )
    height = 24 + len(rows) * ROW
    labels = format_html_join(
        "",
        '<text x="0" y="{}" font-size="11">{}</text>',
        ((24 + i * ROW + BAR + 2, row.label) for i, row in enumerate(rows)),
    )
    shapes = format_html_join(
        "",
        '<rect x="' + str(LABEL) + '" y="{}" width="{}" height="' + str(BAR) + '" fill="{}"/>'
        '<text x="{}" y="{}" font-size="9">{}</text>',
        bars,
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}" '
        'role="img" aria-label="Spend and revenue per channel">'
        '<rect x="0" y="2" width="10" height="10" fill="{}"/><text x="14" y="11" font-size="10">'
        'Spend</text><rect x="70" y="2" width="10" height="10" fill="{}"/>'
        '<text x="84" y="11" font-size="10">Revenue</text>{}{}</svg>',
        WIDTH,
        height,
        WIDTH,
        height,
        SPEND,
        REVENUE,
        labels,
        shapes,
    )
