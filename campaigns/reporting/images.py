"""The report e-mail's charts as PNG images, drawn with Pillow, and the e-mail that carries them
inline (``cid:`` references from the HTML part, a multipart/related part as mail clients expect).

E-mail clients show neither JavaScript charts nor (most of them) SVG, so the e-mail carries
pictures: spend and revenue per channel, and spend and revenue day by day over the period. Each
image has an ``alt`` text with its figures, and the HTML part repeats them in tables, so a client
that blocks images loses nothing. Text is drawn with DejaVu Sans (Debian's fonts-dejavu-core,
installed by ``make``), or Pillow's own font where it is missing.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache

from django.core.mail import EmailMultiAlternatives
from PIL import Image, ImageDraw, ImageFont

from campaigns import display
from campaigns.analytics.channels import ChannelAnalytics
from campaigns.analytics.series import Span

#: Drawn at twice the size shown (``width`` in the HTML), so they are sharp on a retina screen.
SCALE = 2
WIDTH = 600
SPEND, REVENUE = (100, 116, 139), (37, 99, 235)  # the PDF's slate and blue
INK, MUTED, GRID = (15, 23, 42), (100, 116, 139), (226, 232, 240)
FONT_FILE = "DejaVuSans.ttf"


@dataclass(frozen=True)
class InlineImage:
    """A PNG the HTML part shows with ``<img src="{{ src }}" width height alt>``: by its
    ``cid:`` in the e-mail, or (``in_page()``) as a data URI in the preview page's frame."""

    cid: str
    png: bytes
    width: int
    height: int
    alt: str
    inline: bool = True

    @property
    def src(self) -> str:
        if self.inline:
            return f"cid:{self.cid}"
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")

    def in_page(self) -> InlineImage:
        return replace(self, inline=False)


@cache
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT_FILE, size * SCALE)
    except OSError:
        return ImageFont.load_default(size * SCALE)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _legend(draw: ImageDraw.ImageDraw, y: int) -> None:
    x = 0
    for label, colour in (("Spend", SPEND), ("Revenue", REVENUE)):
        draw.rectangle((x, y, x + 10 * SCALE, y + 10 * SCALE), fill=colour)
        draw.text((x + 14 * SCALE, y - SCALE), label, font=font(11), fill=INK)
        x += 90 * SCALE


def channel_bars_png(channels: ChannelAnalytics, currency: str) -> InlineImage | None:
    """Two bars per channel (spend, revenue) scaled to the largest amount, the amount at the end
    of each; None when nothing was spent or earned."""
    rows = [r for r in channels.rows if r.totals.spend or r.totals.revenue]
    if not rows:
        return None
    row_height, bar, label_width, top = 36, 13, 120, 26
    height = top + len(rows) * row_height
    image = Image.new("RGB", (WIDTH * SCALE, height * SCALE), "white")
    draw = ImageDraw.Draw(image)
    _legend(draw, 2 * SCALE)
    largest = max(max(r.totals.spend, r.totals.revenue) for r in rows)
    room = WIDTH - label_width - 110
    for i, row in enumerate(rows):
        y = top + i * row_height
        draw.text((0, (y + bar - 6) * SCALE), row.label, font=font(12), fill=INK)
        for j, (amount, colour) in enumerate(
            ((row.totals.spend, SPEND), (row.totals.revenue, REVENUE))
        ):
            length = int(room * Decimal(amount) / largest) if largest else 0
            y0 = y + j * (bar + 1)
            if length:
                draw.rectangle(
                    (
                        label_width * SCALE,
                        y0 * SCALE,
                        (label_width + length) * SCALE,
                        (y0 + bar) * SCALE - 1,
                    ),
                    fill=colour,
                )
            draw.text(
                ((label_width + length + 5) * SCALE, (y0 + 1) * SCALE),
                display.money(amount, currency),
                font=font(10),
                fill=MUTED,
            )
    alt = "Spend and revenue per channel: " + "; ".join(
        f"{r.label} spend {display.money(r.totals.spend, currency)}, "
        f"revenue {display.money(r.totals.revenue, currency)}"
        for r in rows
    )
    return InlineImage("chart-channels@report", _png(image), WIDTH, height, alt + ".")


NICE_STEPS = tuple(Decimal(s) for s in ("1", "1.5", "2", "2.5", "3", "4", "5", "6", "8", "10"))


def nice_ceiling(amount: Decimal) -> Decimal:
    """The axis top: the smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10ⁿ at or above ``amount``
    (2,943.68 → 3,000; 1,200 → 1,500), so the top and half-way lines fall on round amounts."""
    amount = Decimal(amount)
    power = Decimal(10) ** amount.adjusted()
    return next(m * power for m in NICE_STEPS if m * power >= amount)


def daily_trend_png(series: list[Span], currency: str) -> InlineImage | None:
    """Spend and revenue day by day as two lines over the period, with the axis labelled at zero,
    half and the top, and the first, middle and last days; None when nothing was spent or
    earned (or the period is a single day: a line needs two points)."""
    if len(series) < 2 or not any(d.totals.spend or d.totals.revenue for d in series):
        return None
    height, left, right, top, bottom = 220, 74, 12, 28, 26
    image = Image.new("RGB", (WIDTH * SCALE, height * SCALE), "white")
    draw = ImageDraw.Draw(image)
    _legend(draw, 2 * SCALE)
    largest = nice_ceiling(
        max(max(d.plotted("spend") or 0, d.plotted("revenue") or 0) for d in series)
    )
    plot_w, plot_h = WIDTH - left - right, height - top - bottom

    def x_of(i: int) -> float:
        return (left + plot_w * i / (len(series) - 1)) * SCALE

    def y_of(amount: Decimal) -> float:
        return (top + plot_h - plot_h * Decimal(amount) / largest) * SCALE

    for share in (Decimal(0), Decimal("0.5"), Decimal(1)):
        y = y_of(largest * share)
        draw.line((left * SCALE, y, (WIDTH - right) * SCALE, y), fill=GRID, width=SCALE)
        label = display.money(largest * share, currency)
        width = draw.textlength(label, font=font(10))
        draw.text(((left - 6) * SCALE - width, y - 7 * SCALE), label, font=font(10), fill=MUTED)
    for i in sorted({0, (len(series) - 1) // 2, len(series) - 1}):
        label = series[i].label
        width = draw.textlength(label, font=font(10))
        x = min(max(x_of(i) - width / 2, left * SCALE), WIDTH * SCALE - width)
        draw.text((x, (height - bottom + 8) * SCALE), label, font=font(10), fill=MUTED)
    for field, colour in (("spend", SPEND), ("revenue", REVENUE)):
        # As on the pages: a cut week or month at its daily average × its length, drawn as a
        # hollow point; one under half its days, and today so far, break the line.
        run = []
        for i, d in enumerate(series):
            value = d.plotted(field)
            if value is None:
                _draw_run(draw, run, colour)
                run = []
                continue
            run.append((x_of(i), float(y_of(value))))
            if d.partial:
                r, (x, y) = 3.5 * SCALE, run[-1]
                box = (x - r, y - r, x + r, y + r)
                draw.ellipse(box, fill="white", outline=colour, width=SCALE)
        _draw_run(draw, run, colour)
    spend = sum((d.totals.spend for d in series), Decimal(0))
    revenue = sum((d.totals.revenue for d in series), Decimal(0))
    cut = [d.label for d in series if d.partial and d.drawn]
    left_off = [d.label for d in series if d.partial and not d.drawn]
    alt = (
        f"Spend and revenue by {series[0].unit} from "
        f"{series[0].label} to {series[-1].label}: spend "
        f"{display.money(spend, currency)}, revenue {display.money(revenue, currency)} in all."
        + (
            f" Hollow points ({', '.join(cut)}) are cut by the period and drawn at their daily "
            "average over the whole span."
            if cut and series[0].unit != "day"
            else ""
        )
        + (f" Not drawn, too short to compare: {', '.join(left_off)}." if left_off else "")
    )
    return InlineImage("chart-daily@report", _png(image), WIDTH, height, alt)


def _draw_run(draw: ImageDraw.ImageDraw, points: list[tuple[float, float]], colour) -> None:
    if len(points) > 1:
        draw.line(points, fill=colour, width=2 * SCALE, joint="curve")


def report_images(context: dict) -> list[InlineImage]:
    """The charts of a report (``reporting.content.report_context``) that have something to show."""
    currency = context["currency"]
    charts = (
        channel_bars_png(context["overview"].channels, currency),
        daily_trend_png(context["daily"], currency),
    )
    return [chart for chart in charts if chart is not None]


class EmailWithInlineImages(EmailMultiAlternatives):
    """An e-mail whose HTML part shows ``inline_images`` by ``cid:``: the HTML part becomes a
    multipart/related of the HTML and its images (RFC 2387), attachments stay outside it."""

    def __init__(self, *args, inline_images: list[InlineImage] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.inline_images = list(inline_images)

    def message(self, **kwargs):
        msg = super().message(**kwargs)
        html = msg.get_body(preferencelist=("html",)) if self.inline_images else None
        if html is None:
            return msg
        for image in self.inline_images:
            html.add_related(
                image.png,
                maintype="image",
                subtype="png",
                cid=f"<{image.cid}>",
                disposition="inline",
                filename=image.cid.split("@")[0] + ".png",
            )
        return msg
