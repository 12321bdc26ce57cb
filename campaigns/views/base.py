"""Small mixins shared by the pages: HTMX fragments and the reporting period."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect

from campaigns.analytics.locations import earliest_start
from campaigns.periods import DEFAULT_PRESET, PARTIAL_REASON, PRESETS, Period


class HtmxPartialMixin:
    """Renders only the template's ``htmx_partial`` block for an HTMX request; the same URL
    without HTMX serves the full page (so every fragment URL can be bookmarked)."""

    htmx_partial: str | None = None

    def wants_fragment(self) -> bool:
        htmx = self.request.htmx
        return bool(
            self.htmx_partial and htmx and not htmx.boosted and not htmx.history_restore_request
        )

    def get_template_names(self):
        names = super().get_template_names()
        if self.wants_fragment():
            return [f"{name}#{self.htmx_partial}" for name in names]
        return names

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        # The same URL answers a fragment or a page: caches must keep them apart.
        patch_vary_headers(response, ["HX-Request"])
        return response


def redirect(request, url: str):
    """A redirect that also works for an HTMX request (a full page load of ``url``)."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


class PeriodMixin:
    """Reads the period from the query string (?period=30d or ?start=…&end=…).

    Bad dates do not fail the page: the default period is shown with the reason. Custom dates
    ending after today are shown up to today, with a notice that says so. The context carries
    ``period_query`` (``?period=…``): every link to another figure page carries it, so a click
    never changes the window the numbers are over.
    """

    default_period = DEFAULT_PRESET

    def get(self, request, *args, **kwargs):
        self.period = self.get_period()
        return super().get(request, *args, **kwargs)

    def period_bounds(self):
        """(today, earliest day of "all time") for this page."""
        return self.location.today(), earliest_start(self.location)

    def get_period(self) -> Period:
        today, earliest = self.period_bounds()
        self.period_error = None
        try:
            return Period.from_query(
                self.request.GET, today=today, earliest=earliest, default=self.default_period
            )
        except ValidationError as error:
            self.period_error = " ".join(error.messages)
            return Period.preset_for(self.default_period, today=today, earliest=earliest)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("period", self.period)
        kwargs.setdefault("period_error", self.period_error)
        kwargs.setdefault("period_notice", self.period.notice)
        kwargs.setdefault("presets", [(k, v) for k, v in PRESETS.items() if k != "custom"])
        kwargs.setdefault("change_reason", PARTIAL_REASON if self.period.partial else "")
        kwargs.setdefault("period_query", self.period.query)
        return super().get_context_data(**kwargs)
