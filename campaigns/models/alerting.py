"""What a location asks to be alerted about (custom rules) and how each member hears of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from campaigns.catalogue import CATALOGUE
from campaigns.models.campaign import Campaign
from campaigns.models.tenants import Location
from campaigns.tenancy import ScopedManager

__all__ = ["RULE_METRICS", "AlertEmailPreference", "AlertRule", "AlertRuleCampaign"]

#: The catalogue figures a rule may watch: those that mean something for one campaign over a
#: window of days (budget use, pacing and shares are lifetime or location-wide figures).
RULE_METRICS = (
    "cost_per_lead",
    "cost_per_qualified_lead",
    "cost_per_conversion",
    "cpc",
    "roi",
    "roas",
    "ctr",
    "conversion_rate",
    "profit_margin",
    "spend",
    "revenue",
    "profit",
    "impressions",
    "clicks",
    "leads",
    "qualified_leads",
    "conversions",
)
#: The campaign field holding a metric's own target, for "below target" rules. Leads and
#: conversions targets are for a campaign's whole life, not for a window, so only ROI has one.
TARGET_FIELDS = {"roi": "target_roi"}


class AlertRule(models.Model):
    """A location's own alert: a catalogue figure of each campaign over the last N days
    (ending today, in the location's time zone), compared with a threshold or the campaign's
    target. Checked for active campaigns: all of them, or the chosen ones."""

    class Comparison(models.TextChoices):
        ABOVE = "above", "above"
        BELOW = "below", "below"
        BELOW_TARGET = "below_target", "below the campaign's target"

    class Window(models.IntegerChoices):
        DAYS_7 = 7, "last 7 days"
        DAYS_14 = 14, "last 14 days"
        DAYS_30 = 30, "last 30 days"
        DAYS_90 = 90, "last 90 days"

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="alert_rules", db_index=False
    )
    metric = models.CharField(
        max_length=40, choices=[(key, CATALOGUE[key].label) for key in RULE_METRICS]
    )
    comparison = models.CharField(max_length=20, choices=Comparison.choices)
    # In the catalogue's scale: money in the location's currency, a ratio as a fraction (0.25
    # for 25 %), a multiple as itself. Empty for "below target".
    threshold = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    window_days = models.PositiveSmallIntegerField(choices=Window.choices, default=Window.DAYS_7)
    #: False when the rule is for chosen campaigns only (AlertRuleCampaign rows).
    all_campaigns = models.BooleanField(default=True)
    campaigns = models.ManyToManyField(
        Campaign, through="AlertRuleCampaign", related_name="alert_rules", blank=True
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["metric", "comparison", "threshold", "pk"]
        base_manager_name = "objects"
        constraints = [
            models.CheckConstraint(
                condition=Q(metric__in=list(RULE_METRICS)), name="alertrule_metric_valid"
            ),
            models.CheckConstraint(
                condition=(Q(comparison__in=["above", "below"]) & Q(threshold__isnull=False))
                | Q(
                    comparison="below_target",
                    threshold__isnull=True,
                    metric__in=list(TARGET_FIELDS),
                ),
                name="alertrule_comparison_valid",
            ),
            models.CheckConstraint(
                condition=Q(window_days__in=[7, 14, 30, 90]), name="alertrule_window_valid"
            ),
        ]
        indexes = [models.Index(fields=["location", "active"], name="alertrule_loc_active_idx")]

    def __str__(self) -> str:
        return self.description

    @property
    def metric_label(self) -> str:
        return CATALOGUE[self.metric].label

    @property
    def condition_text(self) -> str:
        """ "above $60.00", "below 150.0 %", "below the campaign's target" """
        from campaigns.display import figure

        if self.comparison == self.Comparison.BELOW_TARGET:
            return self.get_comparison_display()
        amount = figure(self.metric, self.threshold, self.location.currency)
        return f"{self.get_comparison_display()} {amount}"

    @property
    def description(self) -> str:
        """ "Cost per lead above $60.00 over the last 7 days" """
        return (
            f"{self.metric_label} {self.condition_text} over the {self.get_window_days_display()}"
        )


class AlertRuleCampaign(models.Model):
    """A campaign a rule is limited to (a rule with none of these checks every active one)."""

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="+", db_index=False)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_index=False
    )

    objects = ScopedManager()

    class Meta:
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["location", "rule", "campaign"], name="alertrulecampaign_unique"
            )
        ]
        indexes = [models.Index(fields=["location", "campaign"], name="alertrulecampaign_camp_idx")]

    def __str__(self) -> str:
        return f"Rule {self.rule_id}: campaign {self.campaign_id}"


class AlertEmailPreference(models.Model):
    """How one member hears of a location's new alerts by e-mail. Without a row: immediately.
    Only the location's managers are sent alert e-mails, whatever a row says."""

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", "Immediately, one e-mail when alerts open"
        DIGEST = "digest", "A daily digest at 08:00 (the location's time)"
        NONE = "none", "None"

    DEFAULT = Delivery.IMMEDIATE

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=DEFAULT)

    objects = ScopedManager()

    class Meta:
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(fields=["location", "user"], name="alertemailpref_unique"),
            models.CheckConstraint(
                condition=Q(delivery__in=["immediate", "digest", "none"]),
                name="alertemailpref_delivery_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_delivery_display()} ({self.location})"
