"""A campaign's funnel: its recorded stage counts, or one derived from its daily totals."""

from __future__ import annotations

from campaigns import metrics as m
from campaigns.analytics.figures import Totals
from campaigns.analytics.results import Bottleneck, Funnel, FunnelStep
from campaigns.models import FunnelStage

STAGES = list(FunnelStage.Stage)
DERIVED_FROM = {
    FunnelStage.Stage.AWARENESS: "impressions",
    FunnelStage.Stage.INTEREST: "clicks",
    FunnelStage.Stage.CONSIDERATION: "leads",
    FunnelStage.Stage.INTENT: "qualified_leads",
    FunnelStage.Stage.CONVERSION: "conversions",
}


def funnel(recorded: dict[str, int], totals: Totals) -> Funnel:
    """The recorded funnel where there is one, else one derived from the daily totals."""
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
    rated = [
        (i, s.rate_from_previous) for i, s in enumerate(steps) if s.rate_from_previous is not None
    ]
    bottleneck = None
    if rated:
        i, rate = min(rated, key=lambda pair: pair[1])
        bottleneck = Bottleneck(steps[i - 1].stage, steps[i].stage, rate)
    first, last = counts[0], counts[-1]
    efficiency = m.ratio(last, first) if first is not None and last is not None else None
    return Funnel(source, steps, efficiency, bottleneck)
