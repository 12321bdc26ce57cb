"""The tenant data in Django admin: locations, campaigns, their days and funnel counts.

Every view runs in the user's tenant scope (admin_site.py); changes are for managers of the
row's location (roles.py).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Sum
from django.urls import reverse
from django.utils.html import format_html

from campaigns import display, metrics, services
from campaigns.admin.roles import LocationChoicesMixin, ManagerWritesMixin
from campaigns.analytics import judgement
from campaigns.analytics.figures import Totals
from campaigns.catalogue import CATALOGUE
from campaigns.forms import (
    CampaignForm,
    DailyMetricForm,
    FunnelStageAdminForm,
    FunnelStageForm,
    FunnelStageFormSet,
)
from campaigns.member_forms import LocationKeysMixin
from campaigns.models import Campaign, DailyMetric, FunnelStage, Location
from campaigns.tenancy import locations_for, managed_locations_for


class LocationAdminForm(LocationKeysMixin, forms.ModelForm):
    """The admin's location form: a taken slug or external id says only "not available"."""

    class Meta:
        model = Location
        fields = ["name", "slug", "external_id", "currency", "time_zone"]


@admin.register(Location)
class LocationAdmin(ManagerWritesMixin, admin.ModelAdmin):
    form = LocationAdminForm
    list_display = ["name", "slug", "external_id", "currency", "time_zone"]
    search_fields = ["name", "slug", "external_id"]
    prepopulated_fields = {"slug": ["name"]}
    #: The agency's keys of a location: shown to its staff, changed only by a superuser, so
    #: that no form answer tells a location's staff which values other locations use.
    agency_keys = ["slug", "external_id"]

    def object_location_id(self, obj) -> int:
        return obj.pk

    def get_queryset(self, request):
        return locations_for(request.user)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly if request.user.is_superuser else [*readonly, *self.agency_keys]

    def get_prepopulated_fields(self, request, obj=None):
        return super().get_prepopulated_fields(request, obj) if request.user.is_superuser else {}

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class FunnelStageInline(ManagerWritesMixin, admin.TabularInline):
    model = FunnelStage
    form = FunnelStageForm
    formset = FunnelStageFormSet
    fields = ["stage", "count"]
    extra = 0
    max_num = len(FunnelStage.Stage)


@admin.register(Campaign)
class CampaignAdmin(ManagerWritesMixin, LocationChoicesMixin, admin.ModelAdmin):
    form = CampaignForm  # the target ROI in percent, as on the web pages
    list_display = [
        "name",
        "location",
        "channel",
        "status",
        "budget",
        "total_spend",
        "total_revenue",
        "roi",
        "cost_per_lead",
        "health",
    ]
    list_filter = [("location", admin.RelatedOnlyFieldListFilter), "channel", "status"]
    search_fields = ["name", "location__name", "google_ads_id", "meta_id"]
    date_hierarchy = "start_date"
    list_select_related = ["location"]
    readonly_fields = ["recorded_days", "completed_at", "created_at", "updated_at"]
    # The days are not an inline: a campaign of a year posts thousands of fields and cannot be
    # saved. They are a link to the days' own changelist, filtered to the campaign.
    inlines = [FunnelStageInline]
    actions = ["mark_completed"]
    fieldsets = [
        (None, {"fields": ["location", "name", "channel", "status"]}),
        ("Money and dates", {"fields": ["budget", "start_date", "end_date"]}),
        ("Targets", {"fields": ["target_leads", "target_conversions", "target_roi"]}),
        (
            "Platform campaign IDs",
            {
                "fields": ["google_ads_id", "meta_id"],
                "description": "An import matches a Google Ads or Meta export's rows to this "
                "campaign by the Campaign ID column, whatever the campaign's name in the file.",
            },
        ),
        ("Days", {"fields": ["recorded_days"]}),
        ("History", {"fields": ["completed_at", "created_at", "updated_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # A campaign stays in the location it was created in: its days, funnel counts and
        # alerts carry that location (on PostgreSQL a composite foreign key insists on it).
        readonly = super().get_readonly_fields(request, obj)
        return [*readonly, "location"] if obj else readonly

    def get_queryset(self, request):
        # Key figures for the whole page in the changelist's one query.
        return (
            super()
            .get_queryset(request)
            .annotate(
                spend_sum=Sum("daily_metrics__spend"),
                revenue_sum=Sum("daily_metrics__revenue"),
                leads_sum=Sum("daily_metrics__leads"),
                conversions_sum=Sum("daily_metrics__conversions"),
            )
        )

    @admin.display(description="Recorded days")
    def recorded_days(self, obj):
        if obj.pk is None:
            return "Record the days once the campaign is saved."
        url = reverse("admin:campaigns_dailymetric_changelist")
        count = obj.daily_metrics.count()
        return format_html(
            '<a href="{}?campaign__id__exact={}">{} recorded day{}</a>',
            url,
            obj.pk,
            count,
            "" if count == 1 else "s",
        )

    @admin.display(description=CATALOGUE["spend"].short_label, ordering="spend_sum")
    def total_spend(self, obj):
        return display.money(obj.spend_sum or 0, obj.location.currency)

    @admin.display(description=CATALOGUE["revenue"].short_label, ordering="revenue_sum")
    def total_revenue(self, obj):
        return display.money(obj.revenue_sum or 0, obj.location.currency)

    @admin.display(description=CATALOGUE["roi"].short_label)
    def roi(self, obj):
        return display.figure("roi", metrics.roi(obj.revenue_sum or 0, obj.spend_sum or 0))

    @admin.display(description=CATALOGUE["cost_per_lead"].short_label)
    def cost_per_lead(self, obj):
        cpl = metrics.cost_per_lead(obj.spend_sum or 0, obj.leads_sum or 0)
        return display.money(cpl, obj.location.currency)

    @admin.display(description="Health")
    def health(self, obj):
        """The campaign's health, as on every page (from the lifetime sums of this query)."""
        lifetime = Totals(
            leads=obj.leads_sum or 0,
            conversions=obj.conversions_sum or 0,
            revenue=obj.revenue_sum or metrics.ZERO,
            spend=obj.spend_sum or metrics.ZERO,
        )
        today = obj.location.today()
        pacing = judgement.pacing(obj, lifetime, today)
        targets = judgement.targets(obj, lifetime, today)
        state = judgement.health(obj, lifetime, pacing, targets, today)
        return format_html('<span title="{}">{}</span>', state.summary, state.label)

    @admin.action(description="Mark selected campaigns completed", permissions=["change"])
    def mark_completed(self, request, queryset):
        managed = queryset.filter(location__in=managed_locations_for(request.user))
        campaigns = list(managed.exclude(status=Campaign.Status.COMPLETED))
        for campaign in campaigns:
            services.complete_campaign(campaign=campaign)
        self.message_user(
            request, f"{len(campaigns)} campaign(s) marked completed.", messages.SUCCESS
        )


@admin.register(DailyMetric)
class DailyMetricAdmin(ManagerWritesMixin, LocationChoicesMixin, admin.ModelAdmin):
    form = DailyMetricForm
    list_display = ["date", "campaign", "location", *DailyMetric.NUMBER_FIELDS]
    list_filter = [("location", admin.RelatedOnlyFieldListFilter), "campaign__channel"]
    search_fields = ["campaign__name"]
    date_hierarchy = "date"
    list_select_related = ["campaign", "location"]
    ordering = ["-date"]


@admin.register(FunnelStage)
class FunnelStageAdmin(ManagerWritesMixin, LocationChoicesMixin, admin.ModelAdmin):
    form = FunnelStageAdminForm
    list_display = ["campaign", "stage", "count", "location"]
    list_filter = [("location", admin.RelatedOnlyFieldListFilter), "stage"]
    search_fields = ["campaign__name"]
    list_select_related = ["campaign", "location"]
