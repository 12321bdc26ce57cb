"""Writes of report schedules: save one with its campaigns and recipients, delete one.

Call inside ``scope(location)``. Everything chosen has been checked against the location by
the form (campaigns.reporting.forms); a recipient who unsubscribed is never subscribed again by a
manager's edit: their row is kept, whether or not the address is still listed.
"""

from __future__ import annotations

from django.db import transaction

from campaigns.models import Location, ReportRecipient, ReportSchedule, ReportScheduleCampaign

#: The schedule's own fields a form sets.
SCHEDULE_FIELDS = ("name", "frequency", "weekday", "day_of_month", "hour", "period", "active")


def save_schedule(
    *,
    location: Location,
    schedule: ReportSchedule | None,
    data: dict,
    campaigns,
    members,
    addresses: list[str],
    by,
) -> ReportSchedule:
    """Create (``schedule`` None) or change a schedule of ``location``, with its campaigns (none:
    all of them), its member recipients and its outside addresses."""
    with transaction.atomic():
        if schedule is None:
            schedule = ReportSchedule(location=location, created_by=by)
        for name in SCHEDULE_FIELDS:
            setattr(schedule, name, data[name])
        schedule.save()
        _set_campaigns(schedule, campaigns)
        _set_recipients(schedule, members, addresses)
    return schedule


def _set_campaigns(schedule: ReportSchedule, campaigns) -> None:
    wanted = {campaign.pk for campaign in campaigns}
    rows = ReportScheduleCampaign.objects.filter(schedule=schedule)
    rows.exclude(campaign_id__in=wanted).delete()
    have = set(rows.values_list("campaign_id", flat=True))
    ReportScheduleCampaign.objects.bulk_create(
        ReportScheduleCampaign(location_id=schedule.location_id, schedule=schedule, campaign_id=pk)
        for pk in sorted(wanted - have)
    )


def _set_recipients(schedule: ReportSchedule, members, addresses: list[str]) -> None:
    users = {user.pk for user in members}
    emails = {address.lower(): address for address in addresses}
    kept_users, kept_emails = set(), set()
    for row in ReportRecipient.objects.filter(schedule=schedule):
        if row.user_id is not None:
            wanted, key, kept = row.user_id in users, row.user_id, kept_users
        else:
            wanted, key, kept = row.email.lower() in emails, row.email.lower(), kept_emails
        if wanted or row.unsubscribed_at is not None:
            kept.add(key)
        else:
            row.delete()
    ReportRecipient.objects.bulk_create(
        [
            ReportRecipient(location_id=schedule.location_id, schedule=schedule, user_id=pk)
            for pk in sorted(users - kept_users)
        ]
        + [
            ReportRecipient(location_id=schedule.location_id, schedule=schedule, email=address)
            for key, address in emails.items()
            if key not in kept_emails
        ]
    )


def delete_schedule(schedule: ReportSchedule) -> None:
    """Delete a schedule with its recipients and its delivery log."""
    with transaction.atomic():
        ReportSchedule.objects.filter(pk=schedule.pk).delete()
