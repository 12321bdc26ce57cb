"""The history pages: a campaign's History panel (every member), the location's activity and
its CSV (managers). Import batches and their undo are in views/batches.py, whose URLs are
added to these. Changes are put into words by views/changes.py.

Every list is a plain queryset of ``Change`` built inside the request's location scope (the
mixins enter it), newest first, filtered by the query string.
"""

from __future__ import annotations

from django.db import models
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.urls import path
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import ListView

from campaigns import exports
from campaigns.models import Campaign, Change, Location
from campaigns.tenancy import LocationRequiredMixin, ManagerRequiredMixin
from campaigns.views import batches
from campaigns.views.campaigns import CampaignMixin
from campaigns.views.changes import ChangeListMixin, Filters, field_of, location_changes, when

# --- A campaign's History panel ---------------------------------------------------------------


class CampaignHistoryView(LocationRequiredMixin, CampaignMixin, ChangeListMixin, ListView):
    """A campaign's changes, newest first, 25 a page, by source: the panel of its page (an HTMX
    fragment) or, without HTMX, a page of its own. Every member reads it, as the campaign."""

    template_name = "campaigns/history/campaign_history.html"
    htmx_partial = "panel"
    filter_kinds = False
    filter_campaigns = False

    def get_queryset(self):
        campaign = self.get_campaign()
        return self.get_filters().apply(
            location_changes(self.location).filter(campaign_ref=campaign.pk)
        )


# --- The location's activity ------------------------------------------------------------------


def campaign_choices(location: Location) -> tuple[list[tuple[int, str]], set[int]]:
    """The campaigns to filter by: the location's (by name), then those deleted (from their
    history: the name they had when deleted); and the ids of those that still exist."""
    existing = list(
        Campaign.objects.for_location(location).order_by("name").values_list("pk", "name")
    )
    ids = {pk for pk, _ in existing}
    deleted: dict[int, str] = {}
    for ref, name in (
        location_changes(location)
        .filter(kind=Change.Kind.CAMPAIGN, action=Change.Action.DELETED)
        .values_list("campaign_ref", "campaign_name")
    ):
        if ref not in ids:
            deleted.setdefault(ref, f"{name} (deleted)")
    return existing + sorted(deleted.items(), key=lambda item: item[1].lower()), ids


class ActivityView(ManagerRequiredMixin, ChangeListMixin, ListView):
    """Every change of the location, newest first, by source, kind and campaign."""

    template_name = "campaigns/history/activity.html"
    htmx_partial = "activity"

    def get_queryset(self):
        return self.get_filters().apply(location_changes(self.location))

    def get_context_data(self, **kwargs):
        choices, existing = campaign_choices(self.location)
        return super().get_context_data(
            campaign_choices=choices, existing_campaigns=existing, **kwargs
        )


# --- The CSV --------------------------------------------------------------------------------

CSV_HEADER = [
    "when",
    "source",
    "actor",
    "batch",
    "campaign_id",
    "campaign_name",
    "kind",
    "day",
    "stage",
    "action",
    "field",
    "old",
    "new",
]


class Echo:
    """A file-like object whose ``write`` returns the line: csv.writer's rows, streamed."""

    def write(self, value: str) -> str:
        return value


def csv_value(kind: str, name: str, value) -> str:
    """A stored value in its cell: numbers and dates as stored ("12.50", "2026-03-04"), any
    text defused against spreadsheet formulas (a name starting with "=")."""
    if value is None:
        return ""
    field = field_of(kind, name)
    plain = isinstance(field, models.DecimalField | models.IntegerField | models.DateField)
    if plain and not field.choices and not isinstance(value, bool):
        return str(value)
    return exports.text(value)


def csv_lines(changes, location: Location):
    """One line per field changed (one line, without a field, for a change of none)."""
    writer = exports.writer_for(Echo())
    yield writer.writerow(CSV_HEADER)
    for change in changes:
        common = [
            when(change.created_at, location).isoformat(),
            change.source,
            exports.text(change.actor),
            str(change.batch_id or ""),
            str(change.campaign_ref),
            exports.text(change.campaign_name),
            change.kind,
            exports.day(change.day),
            exports.text(change.stage),
            change.action,
        ]
        fields = change.fields.items() or [("", (None, None))]
        for name, (old, new) in fields:
            yield writer.writerow(
                [
                    *common,
                    exports.text(name),
                    csv_value(change.kind, name, old),
                    csv_value(change.kind, name, new),
                ]
            )


class ActivityCsvView(ManagerRequiredMixin, View):
    """The activity with the page's filters as CSV, streamed: the whole history of a location
    can be long. The queryset is built in the request's scope; the response reads it in chunks
    while it is sent."""

    def get(self, request, *args, **kwargs):
        filters = Filters.from_query(request.GET)
        if filters.errors:  # a download is not widened silently: say what is wrong
            return HttpResponseBadRequest(
                " ".join(error.split(":")[0] + "." for error in filters.errors),
                content_type="text/plain; charset=utf-8",
            )
        changes = filters.apply(location_changes(self.location)).iterator(chunk_size=2000)
        name = f"{self.location.slug}-activity-{self.location.today():%Y-%m-%d}.csv"
        return StreamingHttpResponse(
            csv_lines(changes, self.location),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": content_disposition_header(True, name)},
        )


urlpatterns = [
    path(
        "l/<slug:slug>/campaigns/<int:pk>/history/",
        CampaignHistoryView.as_view(),
        name="campaign_history",
    ),
    path("l/<slug:slug>/activity/", ActivityView.as_view(), name="activity"),
    path("l/<slug:slug>/activity.csv", ActivityCsvView.as_view(), name="activity_csv"),
    *batches.urlpatterns,
]
