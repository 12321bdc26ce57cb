"""Django admin for data entry. Every view runs in the user's tenant scope (admin_site.py);
location choices are limited here to the user's own locations."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.utils.html import format_html

from campaigns import display, metrics, services, tokens
from campaigns.analytics import judgement
from campaigns.analytics.figures import Totals
from campaigns.forms import (
    CampaignForm,
    DailyMetricForm,
    FunnelStageAdminForm,
    FunnelStageForm,
    FunnelStageFormSet,
    OnePerCampaignFormSet,
)
from campaigns.metrics import CATALOGUE
from campaigns.models import ApiToken, Campaign, DailyMetric, FunnelStage, Location, Membership
from campaigns.tenancy import locations_for


class LocationChoicesMixin:
    """Offers only the user's own locations wherever a location is chosen."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "location":
            kwargs["queryset"] = locations_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "external_id", "currency", "time_zone"]
    search_fields = ["name", "slug", "external_id"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return locations_for(request.user)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Membership)
class MembershipAdmin(LocationChoicesMixin, admin.ModelAdmin):
    list_display = ["user", "location", "role"]
    list_filter = ["role", ("location", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "location__name"]
    list_select_related = ["user", "location"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(location__in=locations_for(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Staff are offered only people who already share one of their locations: the user
        # list of the whole agency would name other clients' people.
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(memberships__location__in=locations_for(request.user))
                .distinct()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DailyMetricInline(admin.TabularInline):
    model = DailyMetric
    form = DailyMetricForm
    formset = OnePerCampaignFormSet
    fields = ["date", *DailyMetric.NUMBER_FIELDS]
    ordering = ["-date"]
    extra = 1


class FunnelStageInline(admin.TabularInline):
    model = FunnelStage
    form = FunnelStageForm
    formset = FunnelStageFormSet
    fields = ["stage", "count"]
    extra = 0
    max_num = len(FunnelStage.Stage)


@admin.register(Campaign)
class CampaignAdmin(LocationChoicesMixin, admin.ModelAdmin):
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
    search_fields = ["name", "location__name"]
    date_hierarchy = "start_date"
    list_select_related = ["location"]
    readonly_fields = ["completed_at", "created_at", "updated_at"]
    inlines = [FunnelStageInline, DailyMetricInline]
    actions = ["mark_completed"]
    fieldsets = [
        (None, {"fields": ["location", "name", "channel", "status"]}),
        ("Money and dates", {"fields": ["budget", "start_date", "end_date"]}),
        ("Targets", {"fields": ["target_leads", "target_conversions", "target_roi"]}),
        ("History", {"fields": ["completed_at", "created_at", "updated_at"]}),
    ]

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

    @admin.action(description="Mark selected campaigns completed")
    def mark_completed(self, request, queryset):
        campaigns = list(queryset.exclude(status=Campaign.Status.COMPLETED))
        for campaign in campaigns:
            services.complete_campaign(campaign=campaign)
        self.message_user(
            request, f"{len(campaigns)} campaign(s) marked completed.", messages.SUCCESS
        )


@admin.register(DailyMetric)
class DailyMetricAdmin(admin.ModelAdmin):
    form = DailyMetricForm
    list_display = ["date", "campaign", "location", *DailyMetric.NUMBER_FIELDS]
    list_filter = [("location", admin.RelatedOnlyFieldListFilter), "campaign__channel"]
    search_fields = ["campaign__name"]
    date_hierarchy = "date"
    list_select_related = ["campaign", "location"]
    ordering = ["-date"]


@admin.register(FunnelStage)
class FunnelStageAdmin(admin.ModelAdmin):
    form = FunnelStageAdminForm
    list_display = ["campaign", "stage", "count", "location"]
    list_filter = [("location", admin.RelatedOnlyFieldListFilter), "stage"]
    search_fields = ["campaign__name"]
    list_select_related = ["campaign", "location"]


class TokenStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", "Active"), ("revoked", "Revoked")]

    def queryset(self, request, queryset):
        if self.value() in ("active", "revoked"):
            return queryset.filter(revoked_at__isnull=self.value() == "active")
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(LocationChoicesMixin, admin.ModelAdmin):
    """Tokens are created here with a new secret, shown once in the confirmation message."""

    list_display = [
        "name",
        "location",
        "prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [("location", admin.RelatedOnlyFieldListFilter), TokenStatusFilter]
    search_fields = ["name", "prefix", "location__name"]
    list_select_related = ["location", "created_by"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        # A token's location is fixed: moving it would hand one client's integration another's data.
        return [*self.readonly_fields, "location"] if obj else self.readonly_fields

    def get_fields(self, request, obj=None):
        return ["location", "name", *(self.readonly_fields if obj else [])]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        obj.created_by = request.user
        secret = tokens.assign_secret(obj)
        super().save_model(request, obj, form, change)
        self.message_user(
            request,
            f"The token for “{obj.location}” is {secret} — copy it now: it is shown only this "
            "once (only its fingerprint is stored).",
            messages.WARNING,
        )

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request, queryset):
        count = tokens.revoke_tokens(queryset)
        self.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)
