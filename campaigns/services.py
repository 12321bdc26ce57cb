"""Writes: create a campaign, record days, set funnel counts, complete a campaign.

Each write validates with the models' own rules (the same ones the forms use) before it saves,
runs in one transaction, and works inside the campaign's tenant scope.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign, DailyMetric, FunnelStage, Location
from campaigns.tasks import evaluate_after_commit
from campaigns.tenancy import scope

#: The campaign's ID in each ad platform's exports (an import matches rows by it): set on the
#: campaign's form and in the admin, not through the API (whose schema is EDITABLE_FIELDS).
PLATFORM_ID_FIELDS = ("google_ads_id", "meta_id")
CAMPAIGN_FIELDS = (*Campaign.EDITABLE_FIELDS, *PLATFORM_ID_FIELDS)


class BatchValidationError(ValidationError):
    """Some rows of a batch are invalid; ``row_errors`` maps row index → field → messages."""

    def __init__(self, row_errors: dict[int, dict[str, list[str]]]):
        self.row_errors = row_errors
        messages = [
            f"Row {index + 1}, {field}: {message}"
            for index, errors in sorted(row_errors.items())
            for field, field_messages in errors.items()
            for message in field_messages
        ]
        super().__init__(messages)


def _reject_floats(values: Mapping[str, object]) -> None:
    floats = {
        k: "Give money as a decimal string or Decimal, not a float."
        for k, v in values.items()
        if isinstance(v, float)
    }
    if floats:
        raise ValidationError(floats)


def create_campaign(*, location: Location, **fields) -> Campaign:
    """Create a campaign of ``location`` after full validation (unique name included)."""
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown campaign fields: {', '.join(sorted(unknown))}.")
    _reject_floats(fields)
    with scope(location), transaction.atomic():
        campaign = Campaign(location=location, **fields)
        _refuse_taken_platform_ids(campaign)
        _validate_campaign(campaign)
        campaign.save()
    return campaign


def taken_platform_ids(campaign: Campaign) -> dict[str, list[str]]:
    """Field → message for each platform campaign ID of ``campaign`` that another campaign of
    its location already stores (an import could not tell the two apart)."""
    values = {name: getattr(campaign, name).strip() for name in PLATFORM_ID_FIELDS}
    values = {name: value for name, value in values.items() if value}
    if not values or campaign.location_id is None:
        return {}
    errors = {}
    with scope(campaign.location_id):
        others = Campaign.objects.filter(location_id=campaign.location_id).exclude(pk=campaign.pk)
        for name, value in values.items():
            holder = others.filter(**{name: value}).values_list("name", flat=True).first()
            if holder is not None:
                label = Campaign._meta.get_field(name).verbose_name
                errors[name] = [
                    f"“{holder}” already has this {label}: an ID can belong to one campaign of "
                    "the location only. Remove it there first."
                ]
    return errors


def _refuse_taken_platform_ids(campaign: Campaign) -> None:
    if errors := taken_platform_ids(campaign):
        raise ValidationError(errors)


def _validate_campaign(campaign: Campaign) -> None:
    """Full validation, with the unique-name message put next to the name."""
    try:
        campaign.full_clean()
    except ValidationError as error:
        errors = error.message_dict
        general = errors.pop(NON_FIELD_ERRORS, [])
        taken = [m for m in general if "already has a campaign with this name" in m]
        if taken:
            errors.setdefault("name", []).extend(taken)
        rest = [m for m in general if m not in taken]
        if rest:
            errors[NON_FIELD_ERRORS] = rest
        raise ValidationError(errors) from None


def _day_errors(metric: DailyMetric) -> dict[str, list[str]]:
    try:
        metric.full_clean(
            exclude=["location", "campaign"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        return dict(error.message_dict)
    return {}


def validate_rows(*, location: Location, rows: Iterable[Mapping[str, object]]) -> list[DailyMetric]:
    """Check rows of daily results (each with its ``campaign``) without writing anything.

    Returns the unsaved DailyMetric objects, or raises BatchValidationError naming each bad
    row's index, field and reason. A (campaign, day) given twice is refused.
    """
    metrics, row_errors, seen = [], {}, {}
    for index, row in enumerate(rows):
        campaign = row.get("campaign")
        values = {k: v for k, v in row.items() if k != "campaign"}
        unknown = set(values) - {"date", *DailyMetric.NUMBER_FIELDS}
        floats = [k for k, v in values.items() if isinstance(v, float)]
        errors: dict[str, list[str]] = {}
        if not isinstance(campaign, Campaign) or campaign.location_id != location.pk:
            row_errors[index] = {"campaign": ["No such campaign in this location."]}
            continue
        metric = DailyMetric(
            campaign=campaign,
            location_id=location.pk,
            **{k: v for k, v in values.items() if k not in unknown},
        )
        errors = _day_errors(metric)
        for name in sorted(unknown):
            errors.setdefault(name, []).append("Unknown column.")
        for name in floats:
            errors.setdefault(name, []).append("Give money and counts as decimals, not floats.")
        key = (campaign.pk, metric.date)
        if "date" not in errors and key in seen:
            errors["date"] = [
                f"{metric.date} appears twice for “{campaign.name}” "
                f"(rows {seen[key] + 1} and {index + 1})."
            ]
        if errors:
            row_errors[index] = errors
        else:
            seen[key] = index
            metrics.append(metric)
    if row_errors:
        raise BatchValidationError(row_errors)
    return metrics


def record_rows(*, location: Location, rows: Iterable[Mapping[str, object]]) -> list[DailyMetric]:
    """Record daily results of any of a location's campaigns: all rows or none, in one bulk
    upsert on (location, campaign, date). A day recorded again replaces that day's numbers."""
    metrics = validate_rows(location=location, rows=list(rows))
    if metrics:
        with scope(location), transaction.atomic():
            DailyMetric.objects.bulk_create(
                metrics,
                update_conflicts=True,
                unique_fields=["location", "campaign", "date"],
                update_fields=list(DailyMetric.NUMBER_FIELDS),
            )
            evaluate_after_commit(location.pk)
    return metrics


def record_days(*, campaign: Campaign, rows: Iterable[Mapping[str, object]]) -> list[DailyMetric]:
    """Record many days of one campaign at once: all rows or none, one bulk upsert.

    Each row has ``date`` and any of the daily numbers (missing numbers are 0).
    """
    return record_rows(
        location=campaign.location, rows=[{**row, "campaign": campaign} for row in rows]
    )


def record_day(*, campaign: Campaign, day: date, **numbers) -> DailyMetric:
    """Record (or replace) one day of a campaign's results."""
    try:
        [metric] = record_days(campaign=campaign, rows=[{"date": day, **numbers}])
    except BatchValidationError as error:
        raise ValidationError(error.row_errors[0]) from None
    return metric


def funnel_order_errors(
    counts: Mapping[str, int | None], *, given: Collection[str] = ()
) -> dict[str, list[str]]:
    """Where a funnel grows: each recorded stage against the nearest recorded stage before it.

    The error goes to the later stage, or to the earlier one when only that one is ``given``
    (just typed), so that it sits beside the number the person changed.
    """
    errors: dict[str, list[str]] = {}
    earlier = None
    for stage in FunnelStage.Stage:
        count = counts.get(stage.value)
        if count is None:
            continue
        if earlier is not None and count > earlier[1]:
            before, before_count = earlier
            only_earlier_given = before.value in given and stage.value not in given
            field = before.value if only_earlier_given else stage.value
            errors.setdefault(field, []).append(
                f"{stage.label} ({count:,}) cannot be larger than {before.label} "
                f"({before_count:,})."
            )
        earlier = (stage, count)
    return errors


def set_funnel(*, campaign: Campaign, counts: Mapping[str, int]) -> list[FunnelStage]:
    """Set several funnel stages' counts at once (an upsert per campaign and stage).

    The stages not given keep their counts, and the funnel that results must never grow from
    one recorded stage to the next: otherwise a ValidationError keyed by stage, nothing written.
    """
    stages = []
    errors: dict[str, list[str]] = {}
    for stage, count in counts.items():
        item = FunnelStage(
            campaign=campaign, location_id=campaign.location_id, stage=stage, count=count
        )
        try:
            item.full_clean(
                exclude=["location", "campaign"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for messages in error.message_dict.values():
                errors.setdefault(str(stage), []).extend(messages)
        stages.append(item)
    if errors:
        raise ValidationError(errors)
    with scope(campaign.location_id), transaction.atomic():
        # Lock the campaign: two writes at once must not each pass against the other's old counts.
        Campaign.objects.select_for_update().filter(pk=campaign.pk).values_list("pk").first()
        merged = dict(
            FunnelStage.objects.filter(
                location_id=campaign.location_id, campaign=campaign
            ).values_list("stage", "count")
        )
        merged.update((item.stage, item.count) for item in stages)
        order_errors = funnel_order_errors(merged, given=[item.stage for item in stages])
        if order_errors:
            raise ValidationError(order_errors)
        FunnelStage.objects.bulk_create(
            stages,
            update_conflicts=True,
            unique_fields=["location", "campaign", "stage"],
            update_fields=["count"],
        )
    return stages


def set_funnel_stage(*, campaign: Campaign, stage: str, count: int) -> FunnelStage:
    """Set one funnel stage's count (recorded counts replace the derived funnel)."""
    [item] = set_funnel(campaign=campaign, counts={stage: count})
    return item


def complete_campaign(*, campaign: Campaign) -> Campaign:
    """Mark a campaign completed; completing it again changes nothing."""
    if campaign.status == Campaign.Status.COMPLETED:
        return campaign
    with scope(campaign.location_id), transaction.atomic():
        campaign.status = Campaign.Status.COMPLETED
        campaign.completed_at = timezone.now()
        campaign.save(update_fields=["status", "completed_at", "updated_at"])
    return campaign


def update_campaign(*, campaign: Campaign, **fields) -> Campaign:
    """Change a campaign's details after full validation (its location never changes)."""
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown campaign fields: {', '.join(sorted(unknown))}.")
    _reject_floats(fields)
    with scope(campaign.location_id), transaction.atomic():
        for name, value in fields.items():
            setattr(campaign, name, value)
        _refuse_taken_platform_ids(campaign)
        _validate_campaign(campaign)
        campaign.save()
        evaluate_after_commit(campaign.location_id)  # a new budget or dates may open or close one
    return campaign
