"""Forms of the alerts pages: a custom rule, a rule picked by id, and a manager's e-mail choice.

A threshold is typed in the metric's own unit, as the pages show it: money in the location's
currency ("60" or "$60.00"), a percentage in percent ("2.5" or "2.5 %" for 2.5 %), a multiple
as itself ("3.5" or "3.5x"), a count as a whole number. It is refused with a message saying
why, never clamped.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from campaigns import catalogue
from campaigns.bounds import MAX_MONEY, MAX_TOTAL_COUNT
from campaigns.display import SYMBOLS
from campaigns.models import AlertEmailPreference, AlertRule, Campaign, Location
from campaigns.models.alerting import RULE_METRICS, TARGET_FIELDS

HUNDRED = Decimal(100)
#: Plain ASCII decimals only: no exponent, no thousands separator, no other digits.
NUMBER = re.compile(r"-?[0-9]{1,14}(\.[0-9]{1,4})?")
#: Figures that cannot be negative (a threshold below 0 would never or always hold).
NEGATIVE_ALLOWED = {"profit", "roi", "profit_margin"}
#: The largest threshold per unit, in the unit typed.
LIMITS = {
    catalogue.Unit.MONEY: MAX_MONEY,
    catalogue.Unit.RATIO: Decimal("1000000"),  # percent
    catalogue.Unit.MULTIPLE: Decimal("1000000"),
    catalogue.Unit.COUNT: Decimal(MAX_TOTAL_COUNT),
}
PLACES = {
    catalogue.Unit.MONEY: 2,
    catalogue.Unit.RATIO: 2,
    catalogue.Unit.MULTIPLE: 2,
    catalogue.Unit.COUNT: 0,
}
UNIT_WORDS = {
    catalogue.Unit.MONEY: "an amount",
    catalogue.Unit.RATIO: "a percent",
    catalogue.Unit.MULTIPLE: "a multiple",
    catalogue.Unit.COUNT: "a whole number",
}


def parse_threshold(text: str, metric: str, currency: str) -> Decimal:
    """The typed threshold in the catalogue's scale (a percent becomes a ratio), or a
    ValidationError that says what to type."""
    entry = catalogue.CATALOGUE[metric]
    unit = entry.unit
    raw = text.strip()
    if unit is catalogue.Unit.MONEY:
        symbol = SYMBOLS.get(currency, "")
        raw = raw.replace(symbol, "", 1).strip() if symbol else raw
        raw = raw.removesuffix(currency).strip()
    elif unit is catalogue.Unit.RATIO:
        raw = raw.removesuffix("%").strip()
    elif unit is catalogue.Unit.MULTIPLE:
        raw = raw.removesuffix("x").strip()
    example = {
        catalogue.Unit.MONEY: "60 or 60.50",
        catalogue.Unit.RATIO: "2.5 for 2.5 %",
        catalogue.Unit.MULTIPLE: "3.5 for 3.50x",
        catalogue.Unit.COUNT: "25",
    }[unit]
    if not raw:
        raise ValidationError(f"Give the threshold for {entry.label.lower()}.")
    if not NUMBER.fullmatch(raw):
        raise ValidationError(
            f"Type {UNIT_WORDS[unit]} with digits and a point, such as {example} "
            "(no thousands separators)."
        )
    value = Decimal(raw)
    places = PLACES[unit]
    if -value.as_tuple().exponent > places:
        raise ValidationError(
            f"{entry.label} thresholds take at most {places} decimal places."
            if places
            else f"{entry.label} is a whole number: type it without decimals."
        )
    if value < 0 and metric not in NEGATIVE_ALLOWED:
        raise ValidationError(f"{entry.label} cannot be negative: give a threshold of 0 or more.")
    if metric == "roi" and value < -100:
        raise ValidationError("An ROI cannot be below −100 % (losing the whole spend).")
    if abs(value) > LIMITS[unit]:
        raise ValidationError(f"That threshold is too large: at most {LIMITS[unit]:,}.")
    return value / HUNDRED if unit is catalogue.Unit.RATIO else value


class AlertRuleForm(forms.Form):
    """A new rule of ``location``: metric, comparison, threshold, window and campaigns."""

    metric = forms.ChoiceField(
        label="Figure", choices=[(key, catalogue.CATALOGUE[key].label) for key in RULE_METRICS]
    )
    comparison = forms.ChoiceField(label="Alert when it is", choices=AlertRule.Comparison.choices)
    threshold = forms.CharField(
        label="Threshold",
        required=False,
        max_length=40,
        help_text="In the figure's unit: money in the location's currency (60), a percentage in "
        "percent (2.5 for 2.5 %). Leave empty for “below the campaign's target” (ROI only).",
    )
    window_days = forms.TypedChoiceField(
        label="Over the",
        choices=AlertRule.Window.choices,
        coerce=int,
        initial=AlertRule.Window.DAYS_7,
        help_text="The last N days ending today, in the location's time zone.",
    )
    campaigns = forms.ModelMultipleChoiceField(
        label="Campaigns",
        queryset=Campaign.objects.none(),
        required=False,
        help_text="None chosen: every active campaign, including those added later. A chosen "
        "campaign is checked while it is active.",
    )

    def __init__(self, *args, location: Location, **kwargs):
        super().__init__(*args, **kwargs)
        self.location = location
        self.fields["campaigns"].queryset = (
            Campaign.objects.filter(location=location)
            .exclude(status=Campaign.Status.COMPLETED)
            .order_by("name")
        )

    def clean(self):
        data = super().clean()
        metric, comparison = data.get("metric"), data.get("comparison")
        text = data.get("threshold", "")
        if not metric or not comparison:
            return data
        if comparison == AlertRule.Comparison.BELOW_TARGET:
            if metric not in TARGET_FIELDS:
                self.add_error(
                    "comparison",
                    "Only ROI has a campaign target to compare with over a window of days "
                    "(leads and conversions targets are for a campaign's whole life): choose "
                    "above or below a threshold.",
                )
            elif text.strip():
                self.add_error(
                    "threshold",
                    "A target rule compares with each campaign's own target: leave the "
                    "threshold empty.",
                )
            data["threshold"] = None
            return data
        try:
            data["threshold"] = parse_threshold(text, metric, self.location.currency)
        except ValidationError as error:
            self.add_error("threshold", error)
        return data


class RuleChoiceForm(forms.Form):
    """One of the location's rules, by its id in the POST body: another location's id, an
    unknown one or a malformed one is "not found"."""

    NOT_FOUND = "That alert rule was not found in this location."

    rule = forms.CharField(
        max_length=20, error_messages={"required": NOT_FOUND, "max_length": NOT_FOUND}
    )

    def __init__(self, *args, location: Location, **kwargs):
        super().__init__(*args, **kwargs)
        self.location = location

    def clean_rule(self) -> AlertRule:
        value = self.cleaned_data["rule"].strip()
        rule = (
            AlertRule.objects.filter(location=self.location, pk=int(value)).first()
            if value.isascii() and value.isdigit() and len(value) < 19
            else None
        )
        if rule is None:
            raise ValidationError(self.NOT_FOUND)
        rule.location = self.location
        return rule


class AlertEmailForm(forms.Form):
    """How a manager hears of this location's new alerts."""

    delivery = forms.ChoiceField(
        label="Your alert e-mails",
        choices=AlertEmailPreference.Delivery.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how you want to hear of new alerts.",
            "invalid_choice": "Choose immediately, a daily digest or none.",
        },
    )
