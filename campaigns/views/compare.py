"""Compare two or more campaigns of a location."""

from __future__ import annotations

from django.views.generic import TemplateView

from campaigns import charts
from campaigns.analytics.comparison import compare_campaigns
from campaigns.models import Campaign
from campaigns.tenancy import LocationRequiredMixin
from campaigns.views.base import HtmxPartialMixin, PeriodMixin


def parse_ids(params) -> tuple[list[int], str | None]:
    """Campaign ids from ?ids=1,2 or ?ids=1&ids=2; a clear message for anything else."""
    ids, bad = [], []
    for value in params.getlist("ids"):
        for part in value.split(","):
            part = part.strip()
            if part.isascii() and part.isdecimal() and int(part) < 2**63:
                ids.append(int(part))
            elif part:
                bad.append(part)
    error = f"Ignored what is not a campaign id: {', '.join(bad)}." if bad else None
    return list(dict.fromkeys(ids)), error


class CompareView(LocationRequiredMixin, PeriodMixin, HtmxPartialMixin, TemplateView):
    """Rankings by ROI, lead-to-conversion rate and CPL; best, underperformers, advice."""

    template_name = "campaigns/compare.html"
    htmx_partial = "report"

    def get_context_data(self, **kwargs):
        ids, ids_error = parse_ids(self.request.GET)
        choices = list(
            Campaign.objects.for_location(self.location).order_by("name").values_list("pk", "name")
        )
        known = {pk for pk, _ in choices}
        unknown = [str(pk) for pk in ids if pk not in known]
        if unknown:
            # Another location's ids are "not found" here, exactly like ids that never existed.
            missing = f"No campaign {', '.join(unknown)} in this location."
            ids_error = f"{ids_error} {missing}" if ids_error else missing
            ids = [pk for pk in ids if pk in known]
        comparison = None
        if len(ids) >= 2:
            comparison = compare_campaigns(self.location, ids, self.period)
        return super().get_context_data(
            choices=choices,
            selected=set(ids),
            ids_error=ids_error,
            comparison=comparison,
            comparison_chart=(
                charts.comparison_chart(comparison, self.location.currency) if comparison else None
            ),
            **kwargs,
        )
