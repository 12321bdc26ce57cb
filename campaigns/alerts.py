"""Built-in alerts: what is wrong with a location's campaigns right now, one row per episode.

The conditions are read from the campaign reports (campaigns.analytics: health, pacing and
targets), never recomputed here, plus one of our own: no data received for N days
(``settings.ALERT_NO_DATA_DAYS``, default 3). ``evaluate_alerts`` opens an alert when a condition
starts, leaves it alone while it holds, and resolves it when it stops, in a constant number of
queries whatever the number of campaigns. Over budget is checked for every campaign not
completed (a paused one over budget still lost the money); the others only for active campaigns
(pacing and "behind" exist only for them; a paused campaign is not expected to send data).
The location's custom rules (campaigns.alert_rules) are evaluated in the same pass, with the
same episodes: one open alert per campaign and rule. When alerts open, the managers who asked
for it are e-mailed after commit (campaigns.alert_mail).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from campaigns import versions
from campaigns.alert_rules import rule_conditions
from campaigns.analytics.judgement import has_ended
from campaigns.analytics.reports import campaign_reports
from campaigns.analytics.results import AHEAD, BEHIND, OVER_BUDGET, CampaignReport
from campaigns.models import Alert, Campaign, LifetimeMetric, Location
from campaigns.periods import Period
from campaigns.tenancy import scope

#: Behind on results counts as an alert once two thirds of the campaign's time has passed.
LAST_THIRD = Decimal(2) / Decimal(3)


def no_data_days() -> int:
    return int(getattr(settings, "ALERT_NO_DATA_DAYS", 3))


def _over_budget(report: CampaignReport) -> str | None:
    if report.health.state != OVER_BUDGET:
        return None
    return report.health.reasons[0]


def _pacing_ahead(report: CampaignReport) -> str | None:
    """Spending ahead of plan, unless over budget already says it (and more): one alert per
    campaign, so opening "over budget" resolves this one."""
    spend = report.pacing.spend if report.pacing else None
    if spend is None or spend.band != AHEAD or report.health.state == OVER_BUDGET:
        return None
    return next(
        (r for r in report.health.reasons if r.startswith("Spending ahead of plan")),
        f"Spending ahead of plan ({report.pacing.day_text}).",
    )


def _behind_late(report: CampaignReport) -> str | None:
    pacing = report.pacing
    if report.health.state != BEHIND or pacing is None or pacing.time_elapsed < LAST_THIRD:
        return None
    behind = [t.reason for t in report.targets.values() if t.status == BEHIND]
    return " ".join([f"{pacing.day_text.capitalize()}, in the last third.", *behind])


def _no_data(campaign: Campaign, last_day: date | None, today: date, days: int) -> str | None:
    """Stale feed: an active campaign that has started and has no day newer than today − N
    (or, with no data at all, started more than N days ago)."""
    if (
        campaign.status != Campaign.Status.ACTIVE
        or today < campaign.start_date
        or has_ended(campaign, today)
    ):
        return None
    since = last_day or campaign.start_date
    if since >= today - timedelta(days=days):
        return None
    if last_day is None:
        return f"No data received since the campaign started on {campaign.start_date:%b %-d, %Y}."
    days_without = (today - last_day).days
    return f"No data received for {days_without} days: the last day is {last_day:%b %-d, %Y}."


CHECKS = {
    Alert.Kind.OVER_BUDGET: _over_budget,
    Alert.Kind.PACING_AHEAD: _pacing_ahead,
    Alert.Kind.BEHIND_LATE: _behind_late,
}


#: What identifies an alert's episode: (campaign id, kind, rule id or None for a built-in).
AlertKey = tuple[int, str, int | None]


def conditions(location: Location, today: date) -> dict[AlertKey, str]:
    """(campaign id, kind, rule id) → message, for every alert condition that holds now."""
    campaigns = Campaign.objects.filter(location=location).exclude(status=Campaign.Status.COMPLETED)
    reports = campaign_reports(campaigns, Period(today, today), today=today)
    last_days = dict(  # each campaign's last recorded day, from its lifetime rollup
        LifetimeMetric.objects.filter(campaign__in=[r.campaign.pk for r in reports]).values_list(
            "campaign_id", "last_date"
        )
    )
    found = {}
    days = no_data_days()
    for report in reports:
        campaign = report.campaign
        for kind, check in CHECKS.items():
            if message := check(report):
                found[(campaign.pk, kind, None)] = message
        if message := _no_data(campaign, last_days.get(campaign.pk), today, days):
            found[(campaign.pk, Alert.Kind.NO_DATA, None)] = message
    found.update(rule_conditions(location, [r.campaign for r in reports], today))
    return found


def evaluate_alerts(location: Location, *, today: date | None = None) -> tuple[int, int]:
    """Open the alerts whose condition started, resolve those whose condition stopped: returns
    (opened, resolved). An alert whose condition still holds is left as it is. Once the
    opened alerts are committed, the managers who want them at once are e-mailed."""
    from campaigns.alert_mail import mail_after_commit

    today = today or location.today()
    with scope(location):
        holding = conditions(location, today)
        with transaction.atomic():
            open_alerts = {
                (a.campaign_id, a.kind, a.rule_id): a.pk
                for a in Alert.objects.filter(location=location, resolved_at__isnull=True)
                .select_for_update()
                .only("pk", "campaign_id", "kind", "rule_id")
            }
            now = timezone.now()
            to_open = [
                Alert(
                    location=location,
                    campaign_id=cid,
                    kind=kind,
                    rule_id=rule_id,
                    message=msg,
                    opened_at=now,
                )
                for (cid, kind, rule_id), msg in holding.items()
                if (cid, kind, rule_id) not in open_alerts
            ]
            stopped = [pk for key, pk in open_alerts.items() if key not in holding]
            # ignore_conflicts: an evaluation running at the same moment opened it first.
            Alert.objects.bulk_create(to_open, ignore_conflicts=True)
            resolved = (
                Alert.objects.filter(pk__in=stopped).update(resolved_at=now) if stopped else 0
            )
            if to_open or resolved:
                versions.bump([location.pk])  # the portfolio counts a location's open alerts
            if to_open:
                mail_after_commit(location.pk, now)
    return len(to_open), resolved
