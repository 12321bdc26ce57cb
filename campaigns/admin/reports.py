"""Admin for report schedules and their delivery log (scoped like every tenant model).

Rows come through the tenant scope of the admin site; changes are for managers of the row's
location (roles.py). Recipients are listed inline and may be removed here; they are added on
the schedule's page of the site, whose form offers only the location's own members. The delivery
log is read-only: it is what happened.
"""

from __future__ import annotations

from django.contrib import admin

from campaigns.admin.roles import LocationChoicesMixin, ManagerWritesMixin
from campaigns.models import ReportDelivery, ReportRecipient, ReportSchedule


class ReportRecipientInline(ManagerWritesMixin, admin.TabularInline):
    model = ReportRecipient
    fields = ["user", "email", "unsubscribed_at", "created_at"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportSchedule)
class ReportScheduleAdmin(ManagerWritesMixin, LocationChoicesMixin, admin.ModelAdmin):
    list_display = ["__str__", "location", "when", "period", "active", "created_at"]
    list_filter = [("location", admin.RelatedOnlyFieldListFilter), "frequency", "active"]
    search_fields = ["name", "location__name"]
    list_select_related = ["location"]
    fields = [
        "location",
        "name",
        "frequency",
        "weekday",
        "day_of_month",
        "hour",
        "period",
        "active",
        "created_by",
        "created_at",
    ]
    readonly_fields = ["created_by", "created_at"]
    inlines = [ReportRecipientInline]

    def get_readonly_fields(self, request, obj=None):
        # A schedule stays in its location: its recipients and log belong there.
        return [*self.readonly_fields, "location"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "schedule",
        "location",
        "email",
        "status",
        "attempts",
        "is_test",
        "last_error",
    ]
    list_filter = [("location", admin.RelatedOnlyFieldListFilter), "status", "is_test"]
    search_fields = ["email", "schedule__name", "location__name"]
    list_select_related = ["schedule", "location"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
