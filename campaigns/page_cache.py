"""The figure pages' reports, cached: the overview, the campaign list, the channels page and the
portfolio render their ``report`` fragment (every figure, chart and table of the period) once
per state of their data, and serve it from Django's cache until a write changes that state.

The key says everything the fragment depends on:

- the page and its query string (period, custom dates, search, filters, sort, page);
- each location's id, its ``data_version`` (raised by every write that can change a figure,
  inside the writing transaction: ``campaigns.versions``) and its "today" (the periods, the
  partial day and the pacing move at midnight in the location's time zone);
- who looks: the role in each location and whether the user is a superuser (managers see
  actions viewers do not).

So a write is seen by the very next request (its location's version is new: the key misses and
the figures are computed afresh), and two users with the same role share one entry. Nothing
user-specific is inside a fragment: no CSRF token (the period picker is a GET form), no names
of the viewer. The cache is Django's ``default`` (local memory unless ``CACHE_URL`` points at a
shared one); ``PAGE_CACHE_SECONDS`` (0 switches it off) bounds how long an entry is kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe

#: Raise when what a fragment holds changes shape in a way old entries (in a shared cache that
#: outlives a deploy) must not be served for.
FORMAT = 1


def cache_seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 3600))


def report_key(page: str, request, locations: Iterable[tuple[object, ...]], **extra) -> str:
    """The cache key of one page's report: ``locations`` are (id, data version, today, role)
    tuples; ``extra`` anything else the fragment depends on."""
    query = sorted((key, value) for key, values in request.GET.lists() for value in values)
    parts = [
        str(FORMAT),
        page,
        request.path,
        repr(query),
        repr(sorted(locations, key=lambda entry: entry[0])),
        repr(sorted(extra.items())),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"report:{page}:{digest}"


class CachedReportMixin:
    """For a page whose ``htmx_partial`` fragment holds all its figures (put it after
    PeriodMixin and before HtmxPartialMixin): the view computes the fragment's context in
    ``report_context`` (not ``get_context_data``), and says what the fragment depends on in
    ``report_locations``. A cached fragment is served as is to HTMX, or inside the page, whose
    template renders ``report_html`` when it is given instead of the partial."""

    #: Whether this response's report came from the cache (for tests and the bench).
    report_cached = False
    #: Names of ``report_context``'s values the page also shows outside the report (cached
    #: with it).
    outer_keys: tuple[str, ...] = ()
    #: False for a view that answers something else from the same figures (a CSV export).
    cache_report = True

    def report_context(self) -> dict:
        """The fragment's context: every figure of the period."""
        raise NotImplementedError

    def report_locations(self) -> list[tuple[object, ...]]:
        """(id, data version, today, role) of each location the fragment shows."""
        location = self.location
        return [(location.pk, location.data_version, location.today(), self.role)]

    def report_cache_key(self) -> str:
        return report_key(
            type(self).__name__,
            self.request,
            self.report_locations(),
            superuser=self.request.user.is_superuser,
        )

    def get(self, request, *args, **kwargs):
        if not self.cache_report:
            return super().get(request, *args, **kwargs)
        seconds = cache_seconds()
        key = self.report_cache_key() if seconds > 0 else None
        entry = cache.get(key) if key else None
        self.report_cached = entry is not None
        if entry is None:
            context = self.get_context_data(**kwargs)
            html = render_to_string(
                f"{self.template_name}#{self.htmx_partial}", context, request=request
            )
            entry = {"html": html, "outer": {name: context[name] for name in self.outer_keys}}
            if key:
                cache.set(key, entry, seconds)
        else:
            context = self.get_context_data(**entry["outer"], **kwargs)
        if self.wants_fragment():
            response = HttpResponse(entry["html"])
            patch_vary_headers(response, ["HX-Request"])
            return response
        # Rendered by our templates, which escaped what they had to.
        context["report_html"] = mark_safe(entry["html"])
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        if not self.report_cached:
            kwargs = {**self.report_context(), **kwargs}
        return super().get_context_data(**kwargs)
