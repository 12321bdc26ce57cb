"""Changes in words, for the history pages (views/history.py) and the batches' (views/batches.py):
each change's fields with their labels from the models, money in the location's currency,
dates and times in its time zone, who made it and what it touched; and the filters of a list of
changes (source, kind, campaign), read from the query string.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst

from campaigns import display
from campaigns.models import Campaign, Change, DailyMetric, FunnelStage, Location, Source
from campaigns.views.base import HtmxPartialMixin

#: Changes on a page of the panel, the activity page and a batch's page.
PAGE_SIZE = 25
#: The model whose fields a change of each kind names.
MODELS = {
    Change.Kind.CAMPAIGN: Campaign,
    Change.Kind.DAY: DailyMetric,
    Change.Kind.FUNNEL: FunnelStage,
}
NONE = display.DASH


# --- Values in words --------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class ChangeRow:
    """A change as the tables show it."""

    change: Change
    who: str
    what: str
    fields: list[FieldChange]


def field_of(kind: str, name: str) -> models.Field | None:
    model = MODELS.get(kind)
    try:
        return model._meta.get_field(name) if model is not None else None
    except (LookupError, FieldDoesNotExist):  # a field since removed: its name is shown
        return None


def field_label(kind: str, name: str) -> str:
    field = field_of(kind, name)
    return capfirst(field.verbose_name) if field is not None else capfirst(name.replace("_", " "))


def when(moment: datetime, location: Location) -> datetime:
    return moment.astimezone(zoneinfo.ZoneInfo(location.time_zone))


def day_words(day: date) -> str:
    """4 Mar 2026"""
    return f"{day.day} {day:%b %Y}"


def value_words(kind: str, name: str, value, location: Location) -> str:
    """A stored value (money and decimals as strings, dates ISO) as the pages show it."""
    if value is None or value == "":
        return NONE
    field = field_of(kind, name)
    try:
        if field is None:
            return str(value)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if name == "target_roi":
            return display.percent(Decimal(value))
        if isinstance(field, models.DecimalField):
            return display.money(Decimal(value), location.currency)
        if isinstance(field, models.DateTimeField):
            moment = when(datetime.fromisoformat(value), location)
            return f"{day_words(moment.date())} {moment:%H:%M %Z}"
        if isinstance(field, models.DateField):
            return day_words(date.fromisoformat(value))
        if isinstance(field, models.IntegerField):
            return display.count(value)
    except (InvalidOperation, TypeError, ValueError):
        pass
    return str(value)


def who(change: Change) -> str:
    if change.actor:
        return change.actor
    if change.user_id is None and change.token_id is None and change.source != Source.SYSTEM:
        return "a deleted user"
    return "the system"


def what(change: Change) -> str:
    """The campaign itself, "Day 4 Mar 2026", or "Funnel: Interest"."""
    if change.kind == Change.Kind.DAY and change.day is not None:
        return f"Day {day_words(change.day)}"
    if change.kind == Change.Kind.FUNNEL:
        stages = dict(FunnelStage.Stage.choices)
        return f"Funnel: {stages.get(change.stage, change.stage)}"
    return "The campaign"


def rows_of(changes, location: Location) -> list[ChangeRow]:
    """The changes in words (no query: everything is on the rows)."""
    return [
        ChangeRow(
            change=change,
            who=who(change),
            what=what(change),
            fields=[
                FieldChange(
                    field_label(change.kind, name),
                    value_words(change.kind, name, old, location),
                    value_words(change.kind, name, new, location),
                )
                for name, (old, new) in change.fields.items()
            ],
        )
        for change in changes
    ]


# --- Filters ----------------------------------------------------------------------------------


@dataclass
class Filters:
    """The query string's filters: source, kind and campaign. A value that is not one of the
    choices is ignored and said (the list shows everything of that filter)."""

    source: str = ""
    kind: str = ""
    campaign: int | None = None
    errors: tuple[str, ...] = ()

    @classmethod
    def from_query(cls, params, *, kinds: bool = True, campaigns: bool = True) -> Filters:
        errors = []
        source = params.get("source", "")
        if source and source not in Source.values:
            errors.append("That source is not one of the list: showing every source.")
            source = ""
        kind = params.get("kind", "") if kinds else ""
        if kind and kind not in Change.Kind.values:
            errors.append("That kind of change is not one of the list: showing every kind.")
            kind = ""
        campaign = params.get("campaign", "") if campaigns else ""
        campaign_id = int(campaign) if campaign.isdigit() and len(campaign) < 19 else None
        if campaign and campaign_id is None:
            errors.append("That campaign is not one of the list: showing every campaign.")
        return cls(source, kind, campaign_id, tuple(errors))

    def apply(self, changes: models.QuerySet[Change]) -> models.QuerySet[Change]:
        if self.source:
            changes = changes.filter(source=self.source)
        if self.kind:
            changes = changes.filter(kind=self.kind)
        if self.campaign is not None:
            changes = changes.filter(campaign_ref=self.campaign)
        return changes


def existing_campaigns(changes) -> set[int]:
    """Which of the changes' campaigns still exist (one query), to link them."""
    refs = {change.campaign_ref for change in changes}
    return set(Campaign.objects.filter(pk__in=refs).values_list("pk", flat=True)) if refs else set()


def location_changes(location: Location) -> models.QuerySet[Change]:
    """The location's changes, newest first (the scoped manager keeps it to the location)."""
    return Change.objects.filter(location=location).order_by("-created_at", "-pk")


class ChangeListMixin(HtmxPartialMixin):
    """A paginated list of changes in words, with its filters."""

    paginate_by = PAGE_SIZE
    context_object_name = "changes"
    filter_kinds = True
    filter_campaigns = True

    def get_filters(self) -> Filters:
        if not hasattr(self, "filters"):
            self.filters = Filters.from_query(
                self.request.GET, kinds=self.filter_kinds, campaigns=self.filter_campaigns
            )
        return self.filters

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            rows=rows_of(context["page_obj"].object_list, self.location),
            filters=self.get_filters(),
            sources=Source.choices,
            kinds=Change.Kind.choices,
        )
        return context
