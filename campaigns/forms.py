"""Forms for campaigns, days and funnel counts, used by Django admin (and the web pages).

Validation lives in the models (``clean`` and field validators) and the services; these forms
add the checks a form can make that the models leave to the database (one row per campaign and
day or stage, a funnel that never grows) and take numbers as people type them (ROI in percent).
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from campaigns.models import Campaign, DailyMetric, FunnelStage
from campaigns.services import PLATFORM_ID_FIELDS, funnel_order_errors, taken_platform_ids

HUNDRED = Decimal(100)


class PercentField(forms.DecimalField):
    """A ratio typed in percent: people type 250 (or "250 %"), the form cleans it to
    Decimal("2.5"), and a stored 2.5 is shown back as 250. Decimal only, never float.

    ``min_value``, ``max_digits`` and ``decimal_places`` are in percent, so the messages speak
    of the number the person typed.
    """

    default_error_messages = {
        "invalid": "Enter a percent as a number, such as 250 for 250 %.",
        "max_decimal_places": "Give the percent with at most %(max)s decimal places.",
        "min_value": "A percent cannot be below %(limit_value)s %%.",
    }

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removesuffix("%").strip()
        return super().to_python(value)

    def clean(self, value):
        percent = super().clean(value)
        return None if percent is None else percent / HUNDRED

    def prepare_value(self, value):
        # A Decimal is the stored ratio; anything else (the text typed) is shown as typed.
        if isinstance(value, Decimal):
            return format((value * HUNDRED).normalize(), "f")
        return value

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        try:
            percent = self.to_python(data)
        except ValidationError:
            return True
        return initial != (None if percent is None else percent / HUNDRED)


def target_roi_field() -> PercentField:
    """Campaign.target_roi (a multiple with four decimals) as people type it: in percent."""
    return PercentField(
        label="Target ROI (%)",
        help_text="In percent: 250 means an ROI of 250 % (revenue 3.5 × spend). Blank: no target.",
        required=False,
        min_value=-100,
        max_digits=8,
        decimal_places=2,
        error_messages={
            "min_value": "An ROI cannot be below −100 %% (losing the whole spend).",
        },
    )


class PlatformIdsMixin:
    """A campaign's Google Ads and Meta campaign IDs: one taken by another campaign of the
    location is refused next to its field, naming that campaign (same location: nothing is
    disclosed). The database's unique constraints are the last word; their message, which
    cannot say which ID, is not repeated."""

    def clean(self):
        cleaned = super().clean()
        location = cleaned.get("location") if "location" in self.fields else None
        location_id = location.pk if location is not None else self.instance.location_id
        if location_id is not None:
            probe = Campaign(
                pk=self.instance.pk,
                location_id=location_id,
                **{name: cleaned.get(name) or "" for name in PLATFORM_ID_FIELDS},
            )
            for name, messages in taken_platform_ids(probe).items():
                if name in self.fields:
                    self.add_error(name, messages)
        return cleaned

    def validate_constraints(self):
        exclude = self._get_validation_exclusions() | set(PLATFORM_ID_FIELDS)
        try:
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)


class CampaignForm(PlatformIdsMixin, forms.ModelForm):
    """A campaign in Django admin, its location chosen among the user's own."""

    target_roi = target_roi_field()

    class Meta:
        model = Campaign
        fields = ["location", *Campaign.EDITABLE_FIELDS, *PLATFORM_ID_FIELDS]


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


class DayNumbersMixin:
    """A count that failed its own field's validation ("2.5" leads) never reaches the instance,
    which keeps its default 0: the model's cross-field checks (qualified leads ≤ leads) must not
    compare against that 0 and add a second, spurious error. The model skips what is not set."""

    def _post_clean(self):
        for name in DailyMetric.COUNT_FIELDS:
            if name in self.errors:
                setattr(self.instance, name, None)
        super()._post_clean()


class DailyMetricForm(DayNumbersMixin, OnePerCampaignForm):
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


class FunnelStageAdminForm(FunnelStageForm):
    """One stage on its own admin page: refused if the campaign's funnel would grow around it."""

    def clean(self):
        cleaned = super().clean()
        campaign, stage, count = (cleaned.get(k) for k in ("campaign", "stage", "count"))
        if self.errors or campaign is None or campaign.pk is None or stage is None:
            return cleaned
        counts = dict(
            FunnelStage.objects.filter(location_id=campaign.location_id, campaign=campaign)
            .exclude(pk=self.instance.pk)
            .values_list("stage", "count")
        )
        counts[stage] = count
        # Only what this stage breaks: a single row cannot repair the other stages.
        for message in funnel_order_errors(counts, given=[stage]).get(stage, []):
            self.add_error("count", message)
        return cleaned


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


class FunnelStageFormSet(OnePerCampaignFormSet):
    """A campaign's funnel stages in admin: the counts never grow from one stage to the next."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = {
            form.cleaned_data["stage"]: form
            for form in self.forms
            if form.cleaned_data.get("stage") and not form.cleaned_data.get("DELETE")
        }
        counts = {stage: form.cleaned_data.get("count") for stage, form in rows.items()}
        given = [stage for stage, form in rows.items() if form.has_changed()]
        for stage, messages in funnel_order_errors(counts, given=given).items():
            for message in messages:
                rows[stage].add_error("count", message)


# --- Forms of the managers' pages ------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"


class CampaignDetailsForm(PlatformIdsMixin, forms.ModelForm):
    """A campaign's details on the web pages: its location comes from the URL, never the form
    (a new campaign's IDs are checked by the service, which knows it)."""

    target_roi = target_roi_field()

    class Meta:
        model = Campaign
        fields = [*Campaign.EDITABLE_FIELDS, *PLATFORM_ID_FIELDS]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}


class DayForm(DayNumbersMixin, forms.ModelForm):
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
