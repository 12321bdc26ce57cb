"""``{% sparkline values %}``: a small server-rendered line chart (inline SVG, no script).

    {% load sparklines %}
    {% sparkline row.spend_series row.revenue_series label="Spend and revenue, daily" %}

``values`` is a list of numbers, ``None`` for a gap (the line breaks there); an optional
second series is drawn on the same scale in the second colour. The SVG is ``aria-hidden``:
screen readers read the text alternative next to it instead (``label``, then the first, last,
lowest and highest value of each series, or ``text`` if given). Width and height are in CSS
pixels; the scale starts at zero unless a value is negative.
"""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()

PAD = 2


def _number(value) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(Decimal(str(value)))
    except (ArithmeticError, ValueError):
        return None


def _path(values: list[float | None], low: float, high: float, width: int, height: int) -> str:
    """An SVG path: one "M … L …" segment per run of values between gaps; a lone value is a
    zero-length segment (drawn as a dot by the round line cap)."""
    count = len(values)
    step = (width - 2 * PAD) / (count - 1) if count > 1 else 0
    span = (high - low) or 1
    parts, drawing = [], False
    for i, value in enumerate(values):
        if value is None:
            drawing = False
            continue
        x = PAD + i * step if count > 1 else width / 2
        y = height - PAD - (value - low) / span * (height - 2 * PAD)
        if drawing:
            parts.append(f"L{x:.1f} {y:.1f}")
        else:
            parts.append(f"M{x:.1f} {y:.1f} l0 0")
            drawing = True
    return " ".join(parts)


def _summary(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    if not known:
        return "no values"
    return (
        f"from {_fmt(known[0])} to {_fmt(known[-1])}, "
        f"lowest {_fmt(min(known))}, highest {_fmt(max(known))}"
    )


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")


@register.inclusion_tag("campaigns/_sparkline.html")
def sparkline(
    values,
    second=None,
    *,
    width=120,
    height=28,
    label="Trend",
    names="",
    text="",
):
    """A sparkline of ``values`` (and ``second``). ``names`` ("Spend,Revenue") names the
    series in the text alternative; ``text`` replaces the computed summary."""
    series = [[_number(v) for v in (values or [])]]
    if second is not None:
        series.append([_number(v) for v in second])
    width, height = int(width), int(height)
    known = [v for s in series for v in s if v is not None]
    low = min([0.0, *known])
    high = max([0.0, *known])
    labels = [n.strip() for n in str(names).split(",") if n.strip()] if names else []
    if not text:
        described = []
        for i, values_ in enumerate(series):
            name = labels[i] if i < len(labels) else f"series {i + 1}"
            described.append(f"{name} {_summary(values_)}")
        text = "; ".join(described)
    return {
        "width": width,
        "height": height,
        "paths": [
            {"d": _path(s, low, high, width, height), "index": i + 1}
            for i, s in enumerate(series)
            if any(v is not None for v in s)
        ],
        "label": label,
        "text": text,
        "empty": not known,
    }
