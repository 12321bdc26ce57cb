"""Custom alert rules: which of a location's rules hold for which campaigns, and the writes on
rules (add, turn on or off, delete).

A rule compares one catalogue figure of a campaign over the last N complete days, ending
yesterday in the location's time zone (the same days as the period picker's "Last N days"),
with a threshold or with the campaign's own target. The figures are read through
``campaigns.analytics`` (one grouped query over the widest window answers every rule and
campaign) and are never recomputed here; a figure without a value in the window (no leads: no
cost per lead) holds no alert. Rules apply to active campaigns that have started and not ended.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from campaigns import catalogue
from campaigns import metrics as m
from campaigns.analytics.figures import Metrics, PeriodFigures, totals_by_campaign
from campaigns.analytics.judgement import has_ended
from campaigns.display import figure
from campaigns.models import Alert, AlertRule, AlertRuleCampaign, Campaign, Location
from campaigns.models.alerting import TARGET_FIELDS
from campaigns.periods import Period

#: Key of a custom alert in evaluate_alerts: (campaign id, "custom", rule id).
RuleKey = tuple[int, str, int]


def window(today: date, days: int) -> Period:
    """The last ``days`` complete days, ending yesterday, as the period picker's "Last N days"."""
    yesterday = today - timedelta(days=1)
    return Period(yesterday - timedelta(days=days - 1), yesterday)


def comparable(key: str, value) -> Decimal:
    """A value at the precision it is shown with (cents, a tenth of a percent, …), so that an
    alert never says "$60.00 is above $60.00"."""
    entry = catalogue.metric(key)
    if entry.unit is catalogue.Unit.MONEY:
        step = m.CENT
    elif entry.unit is catalogue.Unit.RATIO:
        step = Decimal(1).scaleb(-(entry.places + 2))
    elif entry.unit is catalogue.Unit.MULTIPLE:
        step = m.CENT
    else:
        step = Decimal(1)
    return Decimal(value).quantize(step, rounding=ROUND_HALF_UP)


def message(rule: AlertRule, value, bound, currency: str) -> str:
    """ "Cost per lead $72.40 over the last 7 days is above $60.00." """
    shown = figure(rule.metric, value, currency)
    span = rule.get_window_days_display()
    if rule.comparison == AlertRule.Comparison.BELOW_TARGET:
        target = figure(rule.metric, bound, currency)
        return (
            f"{rule.metric_label} {shown} over the {span} is below the campaign's target "
            f"of {target}."
        )
    return f"{rule.metric_label} {shown} over the {span} is {rule.condition_text}."


def breached(rule: AlertRule, campaign: Campaign, figures: PeriodFigures) -> str | None:
    """The alert's message when the rule holds for the campaign's figures, else None."""
    value = figures.value(rule.metric)
    if value is None:
        return None
    if rule.comparison == AlertRule.Comparison.BELOW_TARGET:
        bound = getattr(campaign, TARGET_FIELDS[rule.metric])
        if bound is None:
            return None
        holds = comparable(rule.metric, value) < comparable(rule.metric, bound)
    else:
        bound = rule.threshold
        shown = comparable(rule.metric, value)
        above = rule.comparison == AlertRule.Comparison.ABOVE
        holds = shown > bound if above else shown < bound
    return message(rule, value, bound, campaign.location.currency) if holds else None


def _checked(campaign: Campaign, today: date) -> bool:
    return (
        campaign.status == Campaign.Status.ACTIVE
        and campaign.start_date <= today
        and not has_ended(campaign, today)
    )


def rule_conditions(
    location: Location, campaigns: Iterable[Campaign], today: date
) -> dict[RuleKey, str]:
    """(campaign id, "custom", rule id) → message for every active rule that holds now. Call
    inside the location's scope: the rules, their chosen campaigns and one grouped query of
    the window sums, whatever the number of rules and campaigns (none without active rules)."""
    rules = list(AlertRule.objects.filter(location=location, active=True).order_by("pk"))
    if not rules:
        return {}
    campaigns = {c.pk: c for c in campaigns if _checked(c, today)}
    chosen: dict[int, set[int]] = defaultdict(set)
    if not all(rule.all_campaigns for rule in rules):
        for rule_id, campaign_id in AlertRuleCampaign.objects.filter(
            rule__in=[r.pk for r in rules if not r.all_campaigns]
        ).values_list("rule_id", "campaign_id"):
            chosen[rule_id].add(campaign_id)
    windows = {f"d{days}": window(today, days) for days in {r.window_days for r in rules}}
    sums = totals_by_campaign(list(campaigns), windows) if campaigns else {}
    found = {}
    for rule in rules:
        rule.location = location  # no query: its messages name money in its currency
        ids = campaigns if rule.all_campaigns else chosen[rule.pk] & campaigns.keys()
        for campaign_id in sorted(ids):
            campaign = campaigns[campaign_id]
            totals = sums[campaign_id][f"d{rule.window_days}"]
            figures = PeriodFigures(
                windows[f"d{rule.window_days}"], totals, Metrics.of(totals, campaign.budget)
            )
            if text := breached(rule, campaign, figures):
                found[(campaign_id, Alert.Kind.CUSTOM, rule.pk)] = text
    return found


# --- Writes -------------------------------------------------------------------------------


def _resolve_open_alerts(rule: AlertRule) -> int:
    return Alert.objects.filter(
        location=rule.location_id, rule=rule, resolved_at__isnull=True
    ).update(resolved_at=timezone.now())


def create_rule(
    *,
    location: Location,
    metric: str,
    comparison: str,
    threshold: Decimal | None,
    window_days: int,
    campaigns: Iterable[Campaign] = (),
) -> AlertRule:
    """Add a rule (for the chosen campaigns, or all active ones when none are chosen) and
    evaluate the location's alerts once the rule is saved."""
    from campaigns.tasks import evaluate_after_commit

    campaigns = [c for c in campaigns if c.location_id == location.pk]
    with transaction.atomic():
        rule = AlertRule(
            location=location,
            metric=metric,
            comparison=comparison,
            threshold=threshold,
            window_days=window_days,
            all_campaigns=not campaigns,
        )
        rule.full_clean()
        rule.save()
        AlertRuleCampaign.objects.bulk_create(
            AlertRuleCampaign(location=location, rule=rule, campaign=c) for c in campaigns
        )
        evaluate_after_commit(location.pk)
    return rule


def set_rule_active(*, rule: AlertRule, active: bool) -> int:
    """Turn a rule on (its alerts are evaluated after commit) or off (its open alerts are
    resolved at once): returns how many alerts were resolved."""
    from campaigns.tasks import evaluate_after_commit

    with transaction.atomic():
        AlertRule.objects.filter(pk=rule.pk).update(active=active)
        rule.active = active
        if active:
            evaluate_after_commit(rule.location_id)
            return 0
        return _resolve_open_alerts(rule)


def delete_rule(*, rule: AlertRule) -> int:
    """Delete a rule and resolve its open alerts (they stay in the inbox's history, with the
    rule named in their message): returns how many alerts were resolved."""
    with transaction.atomic():
        resolved = _resolve_open_alerts(rule)
        rule.delete()
    return resolved
