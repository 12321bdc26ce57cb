"""A campaign's funnel: its recorded stage counts, or one derived from its daily totals; and
the step, if any, whose rate is unusually low against a reference.

Some steps are low by nature (awareness → interest is a click-through rate of a few percent),
so a step's rate says something only beside a reference: the median rate of that step across
the location's campaigns of the same channel over the same period, or else the campaign's own
previous period. A step is unusually low below ``UNUSUALLY_LOW`` of its reference rate, when
the reference would have brought at least ``MIN_EXPECTED`` to the stage (fewer is noise); the
bottleneck is the step furthest below its reference, and "no stage stands out" is an answer.
With no reference at all, the funnel names its lowest step, as PRODUCT.md defines the
bottleneck, and says that nothing judges it.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from statistics import median

from campaigns import metrics as m
from campaigns.analytics.figures import Totals
from campaigns.analytics.results import (
    Bottleneck,
    Funnel,
    FunnelReference,
    FunnelStep,
    window_of,
)
from campaigns.display import percent
from campaigns.models import FunnelStage
from campaigns.periods import Period

STAGES = list(FunnelStage.Stage)
DERIVED_FROM = {
    FunnelStage.Stage.AWARENESS: "impressions",
    FunnelStage.Stage.INTEREST: "clicks",
    FunnelStage.Stage.CONSIDERATION: "leads",
    FunnelStage.Stage.INTENT: "qualified_leads",
    FunnelStage.Stage.CONVERSION: "conversions",
}
#: A step is unusually low when its rate is below this share of its reference rate.
UNUSUALLY_LOW = Decimal("0.7")
#: A channel median needs the step's rate of at least this many campaigns with figures in the
#: period (the campaign itself among them when it has figures).
MIN_CHANNEL_CAMPAIGNS = 2
#: A step is judged only when its reference rate would have brought at least this many to the
#: stage (clicks, leads, …): a shortfall on fewer is chance, not a bottleneck.
MIN_EXPECTED = 20


def funnel(recorded: dict[str, int], totals: Totals) -> Funnel:
    """The recorded funnel where there is one, else one derived from the daily totals; its
    bottleneck is its lowest step until ``judged`` sets it against a reference."""
    source = "recorded" if recorded else "derived"
    counts = (
        [recorded.get(stage.value) for stage in STAGES]
        if recorded
        else [getattr(totals, DERIVED_FROM[stage]) for stage in STAGES]
    )
    steps, previous = [], None
    for stage, count in zip(STAGES, counts, strict=True):
        rate = m.ratio(count, previous) if count is not None and previous else None
        steps.append(
            FunnelStep(stage.value, stage.label, count, rate, None if rate is None else 1 - rate)
        )
        previous = count
    first, last = counts[0], counts[-1]
    efficiency = m.ratio(last, first) if first is not None and last is not None else None
    return Funnel(source, steps, efficiency, _lowest_step(steps))


def _lowest_step(steps: list[FunnelStep]) -> Bottleneck | None:
    rated = [
        (i, s.rate_from_previous) for i, s in enumerate(steps) if s.rate_from_previous is not None
    ]
    if not rated:
        return None
    i, rate = min(rated, key=lambda pair: pair[1])
    return Bottleneck(steps[i - 1].stage, steps[i].stage, rate)


def _step_name(funnel: Funnel, bottleneck: Bottleneck) -> str:
    labels = {s.stage: s.label for s in funnel.stages}
    return f"{labels[bottleneck.from_stage]} → {labels[bottleneck.to_stage].lower()}"


def channel_words(label: str) -> str:
    """ "social", "paid ads", but "SMS": a channel's label inside a sentence."""
    return label if label.isupper() else label.lower()


def judged(
    own: Funnel,
    *,
    channel: str,
    peers: list[Funnel],
    previous: Funnel | None,
    previous_period: Period,
) -> Funnel:
    """``own`` with each step's reference rate, the steps unusually low against it and the
    bottleneck among them. ``peers``: the funnels of the location's campaigns of this channel
    (``channel``, its label) with figures in the period, this one among them when it has any;
    ``previous``: the campaign's funnel over ``previous_period`` (None for recorded counts,
    which are not of a period)."""
    if own.is_empty:
        return replace(own, bottleneck=None)
    rates: list[Decimal | None] = []
    for i in range(len(STAGES)):
        found = [p.stages[i].rate_from_previous for p in peers]
        found = [rate for rate in found if rate is not None]
        rates.append(median(found) if len(found) >= MIN_CHANNEL_CAMPAIGNS else None)
    if any(rate is not None for rate in rates[1:]):
        n = len(peers)
        reference = FunnelReference(
            "channel_median",
            f"the median of {n} {channel_words(channel)} campaigns in this location",
            n,
        )
    elif previous is not None and not previous.is_empty:
        rates = [s.rate_from_previous for s in previous.stages]
        reference = FunnelReference(
            "previous_period", f"its own previous period ({window_of(previous_period)})"
        )
    else:
        lowest = own.bottleneck
        why = (
            f"no other {channel_words(channel)} campaign of this location has funnel figures "
            "in this period"
            + (
                ""
                if own.source == "recorded"
                else ", and this campaign had none in the previous period"
            )
        )
        summary = (
            f"Lowest step: {_step_name(own, lowest)} ({percent(lowest.rate)}); nothing to judge "
            f"it against: {why}."
            if lowest
            else ""
        )
        return replace(own, summary=summary)
    steps, low = [], []
    for i, (step, ref) in enumerate(zip(own.stages, rates, strict=True)):
        rate, before = step.rate_from_previous, own.stages[i - 1].count if i else None
        is_low = bool(
            i
            and ref
            and rate is not None
            and before
            and before * ref >= MIN_EXPECTED
            and rate < ref * UNUSUALLY_LOW
        )
        steps.append(replace(step, reference_rate=ref if i else None, unusually_low=is_low))
        if is_low:
            low.append((rate / ref, i))
    bottleneck = None
    if low:
        _, i = min(low)
        bottleneck = Bottleneck(
            steps[i - 1].stage, steps[i].stage, steps[i].rate_from_previous, steps[i].reference_rate
        )
    result = replace(own, stages=steps, bottleneck=bottleneck, reference=reference)
    share = percent(UNUSUALLY_LOW, places=0)
    if bottleneck:
        summary = (
            f"Bottleneck: {_step_name(result, bottleneck)} is unusually low against "
            f"{reference.description}: {percent(bottleneck.rate)} vs "
            f"{percent(bottleneck.reference_rate)} (below {share} of it)."
        )
    else:
        summary = (
            f"No stage stands out against {reference.description}: no step falls below "
            f"{share} of its reference rate on enough volume to tell."
        )
    return replace(result, summary=summary)
