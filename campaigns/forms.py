"""Forms for campaigns, days and funnel counts, used by Django admin (and the web pages).

Validation lives in the models (``clean`` and field validators); these forms add the checks a
form can make that the models leave to the database: one row per campaign and day or stage.
"""

from __future__ import annotations

from django import forms

from campaigns.models import Campaign, DailyMetric, FunnelStage


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["location", *Campaign.EDITABLE_FIELDS]


class OnePerCampaignForm(forms.ModelForm):
    """A row that must be unique per campaign and ``unique_field`` (a day or a funnel stage)."""

    unique_field: str
    duplicate_message: str

    def clean(self):
        cleaned = super().clean()
        campaign = cleaned.get("campaign") or getattr(self.instance, "campaign", None)
        value = cleaned.get(self.unique_field)
        if campaign is not None and campaign.pk is not None and value is not None:
            taken = (
                type(self.instance)
                .objects.filter(
                    location_id=campaign.location_id,
                    campaign=campaign,
                    **{self.unique_field: value},
                )
                .exclude(pk=self.instance.pk)
                .exists()
            )
            if taken:
                self.add_error(self.unique_field, self.duplicate_message)
        return cleaned


class DailyMetricForm(OnePerCampaignForm):
    unique_field = "date"
    duplicate_message = "This day is already recorded for the campaign: edit that day instead."

    class Meta:
        model = DailyMetric
        fields = ["campaign", "date", *DailyMetric.NUMBER_FIELDS]


class FunnelStageForm(OnePerCampaignForm):
    unique_field = "stage"
    duplicate_message = "This stage already has a count for the campaign: edit it instead."

    class Meta:
        model = FunnelStage
        fields = ["campaign", "stage", "count"]


class OnePerCampaignFormSet(forms.BaseInlineFormSet):
    """Refuses two rows of one submission for the same day (or stage)."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            value = form.cleaned_data.get(form.unique_field)
            if value is None:
                continue
            if value in seen:
                form.add_error(form.unique_field, "This appears twice in the list.")
            seen.add(value)


# --- Forms of the managers' pages ------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"


class CampaignDetailsForm(forms.ModelForm):
    """A campaign's details on the web pages: its location comes from the URL, never the form."""

    class Meta:
        model = Campaign
        fields = list(Campaign.EDITABLE_FIELDS)
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        labels = {"target_roi": "Target ROI (multiple)"}
        help_texts = {"target_roi": "2.5 means an ROI of 250 %."}


class DayForm(forms.ModelForm):
    """One day's results of a campaign; saving a day again replaces it."""

    class Meta:
        model = DailyMetric
        fields = ["date", *DailyMetric.NUMBER_FIELDS]
        widgets = {"date": DateInput()}


class FunnelForm(forms.Form):
    """Recorded counts for the five funnel stages (blank stages are left as they are)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for stage in FunnelStage.Stage:
            self.fields[stage.value] = forms.IntegerField(
                label=stage.label, min_value=0, required=False
            )

    def counts(self) -> dict[str, int]:
        return {name: value for name, value in self.cleaned_data.items() if value is not None}
