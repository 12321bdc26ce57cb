"""Admin for alerts and custom alert rules (scoped like every tenant model).

Every view runs in the user's tenant scope (admin_site.py), so staff see only their locations'
alerts and rules; changes are for managers of the row's location (roles.py). Alerts are raised
by the evaluation, never typed: the admin lists them and acknowledges them. Rules are added on
the location's alert rules page (the threshold typed in the figure's unit); here they are
turned on or off and deleted through the same services, which resolve their open alerts.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone

from campaigns import alert_rules
from campaigns.admin.roles import ManagerWritesMixin
from campaigns.models import Alert, AlertRule
from campaigns.tenancy import managed_locations_for


class OpenFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", "Open"), ("no", "Resolved")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(Alert)
class AlertAdmin(ManagerWritesMixin, admin.ModelAdmin):
    list_display = [
        "opened_at",
        "location",
        "campaign",
        "kind",
        "message",
        "is_open",
        "acknowledged_at",
    ]
    list_filter = ["kind", OpenFilter, ("location", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["message", "campaign__name"]
    list_select_related = ["location", "campaign"]
    date_hierarchy = "opened_at"
    actions = ["acknowledge"]
    fields = [
        "location",
        "campaign",
        "kind",
        "rule",
        "message",
        "opened_at",
        "resolved_at",
        "acknowledged_at",
        "acknowledged_by",
    ]
    readonly_fields = fields

    @admin.display(description="Open", boolean=True)
    def is_open(self, obj) -> bool:
        return obj.is_open

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the history of alerts stays

    @admin.action(description="Acknowledge the selected alerts", permissions=["change"])
    def acknowledge(self, request, queryset):
        done = queryset.filter(
            location__in=managed_locations_for(request.user), acknowledged_at__isnull=True
        ).update(acknowledged_at=timezone.now(), acknowledged_by=request.user)
        self.message_user(request, f"{done} alert(s) acknowledged.", messages.SUCCESS)


@admin.register(AlertRule)
class AlertRuleAdmin(ManagerWritesMixin, admin.ModelAdmin):
    list_display = ["__str__", "location", "all_campaigns", "active", "created_at"]
    list_filter = ["active", "metric", ("location", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["location"]
    actions = ["turn_off", "turn_on"]
    fields = [
        "location",
        "metric",
        "comparison",
        "threshold",
        "window_days",
        "all_campaigns",
        "campaign_names",
        "active",
        "created_at",
    ]
    readonly_fields = [f for f in fields if f != "active"]

    @admin.display(description="Chosen campaigns")
    def campaign_names(self, obj) -> str:
        return ", ".join(c.name for c in obj.campaigns.order_by("name")) or "—"

    def has_add_permission(self, request):
        return False  # added on the location's alert rules page, in the figure's unit

    def save_model(self, request, obj, form, change):
        if "active" in form.changed_data:
            alert_rules.set_rule_active(rule=obj, active=obj.active)

    def delete_model(self, request, obj):
        alert_rules.delete_rule(rule=obj)

    def delete_queryset(self, request, queryset):
        for rule in queryset.filter(location__in=managed_locations_for(request.user)):
            alert_rules.delete_rule(rule=rule)

    def _set_active(self, request, queryset, active: bool) -> None:
        rules = list(queryset.filter(location__in=managed_locations_for(request.user)))
        for rule in rules:
            alert_rules.set_rule_active(rule=rule, active=active)
        state = "on" if active else "off"
        self.message_user(request, f"{len(rules)} rule(s) turned {state}.", messages.SUCCESS)

    @admin.action(description="Turn the selected rules off", permissions=["change"])
    def turn_off(self, request, queryset):
        self._set_active(request, queryset, False)

    @admin.action(description="Turn the selected rules on", permissions=["change"])
    def turn_on(self, request, queryset):
        self._set_active(request, queryset, True)
