"""The report schedule form: when, which period and campaigns, and who receives it. Every
choice is limited to the location (its campaigns, its members): build it inside its scope."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from campaigns.models import Campaign, Location, ReportRecipient, ReportSchedule
from campaigns.reporting.mail import clean_addresses

HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        if user.email:
            return f"{user.get_username()} ({user.email})"
        return f"{user.get_username()} (no e-mail address: receives nothing)"


class ScheduleForm(forms.ModelForm):
    """A schedule of ``location``. Weekday is used by weekly schedules, the day of the month by
    monthly ones; both are always shown (the page works without JavaScript)."""

    day_of_month = forms.IntegerField(
        min_value=1,
        max_value=28,
        initial=1,
        label="Day of the month",
        help_text="For a monthly report: 1 to 28 (every month has them).",
    )
    hour = forms.TypedChoiceField(
        choices=HOURS, coerce=int, initial=8, help_text="In the location's time zone."
    )
    campaigns = forms.ModelMultipleChoiceField(
        queryset=Campaign.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None chosen: every campaign of the location, including new ones.",
        error_messages={"invalid_choice": "That campaign is not one of this location's."},
    )
    members = MemberChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Members who receive it",
        help_text="Their current e-mail address is used at each send.",
        error_messages={"invalid_choice": "That person is not a member of this location."},
    )
    addresses = forms.CharField(
        required=False,
        label="Outside addresses",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line, e.g. the client's owner. Someone who unsubscribed stays "
        "unsubscribed.",
    )

    class Meta:
        model = ReportSchedule
        fields = ["name", "frequency", "weekday", "day_of_month", "hour", "period", "active"]

    def __init__(self, *args, location: Location, **kwargs):
        super().__init__(*args, **kwargs)
        self.location = location
        self.fields["campaigns"].queryset = Campaign.objects.filter(location=location).order_by(
            "name"
        )
        self.fields["members"].queryset = (
            get_user_model()
            .objects.filter(memberships__location=location, is_active=True)
            .order_by("username")
        )
        if self.instance.pk and not self.is_bound:
            recipients = list(ReportRecipient.objects.filter(schedule=self.instance))
            self.initial["members"] = [r.user_id for r in recipients if r.user_id]
            self.initial["addresses"] = "\n".join(r.email for r in recipients if not r.user_id)
            self.initial["campaigns"] = list(self.instance.campaigns.values_list("pk", flat=True))

    def clean_addresses(self) -> list[str]:
        words = [w for w in re.split(r"[\s,;]+", self.cleaned_data["addresses"]) if w]
        return clean_addresses(words)

    def clean(self):
        data = super().clean()
        if not data.get("members") and not data.get("addresses") and not self.errors:
            raise ValidationError("Choose at least one member or enter an outside address.")
        return data
