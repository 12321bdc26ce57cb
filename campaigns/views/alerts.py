"""The alerts inbox of a location (members read it, managers acknowledge an alert by POST and
choose their alert e-mails) and the open alerts across the portfolio. The rules' pages are in
views/alert_rules.py; every alerts URL is declared here."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView, View

from campaigns import versions
from campaigns.alert_forms import AlertEmailForm
from campaigns.models import Alert, AlertRule
from campaigns.tenancy import LocationRequiredMixin, ManagerRequiredMixin, locations_for, scope
from campaigns.views.alert_rules import (
    AlertEmailView,
    AlertRuleAddView,
    AlertRuleDeleteView,
    AlertRulesView,
    AlertRuleToggleView,
    delivery_of,
)

#: How long a resolved alert stays listed in the inbox.
RESOLVED_SHOWN_DAYS = 30


class AlertsView(LocationRequiredMixin, TemplateView):
    """Open alerts, newest first, then those resolved in the last 30 days."""

    template_name = "campaigns/alerts.html"

    def get_context_data(self, **kwargs):
        since = timezone.now() - timedelta(days=RESOLVED_SHOWN_DAYS)
        alerts = list(
            Alert.objects.filter(location=self.location)
            .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=since))
            .select_related("campaign", "acknowledged_by", "rule")
            .order_by("-opened_at", "-pk")
        )
        kwargs.setdefault("open_alerts", [a for a in alerts if a.resolved_at is None])
        kwargs.setdefault(
            "resolved_alerts",
            sorted(
                (a for a in alerts if a.resolved_at is not None),
                key=lambda a: a.resolved_at,
                reverse=True,
            ),
        )
        kwargs.setdefault("resolved_shown_days", RESOLVED_SHOWN_DAYS)
        kwargs.setdefault(
            "active_rules", AlertRule.objects.filter(location=self.location, active=True).count()
        )
        if self.is_manager:
            kwargs.setdefault(
                "email_form",
                AlertEmailForm(initial={"delivery": delivery_of(self.location, self.request.user)}),
            )
        return super().get_context_data(**kwargs)


class AcknowledgeAlertView(ManagerRequiredMixin, View):
    """Acknowledge one of the location's alerts (POST ``alert``: its id); back to the inbox.
    The id is looked up in this location only: an unknown id, or another location's, changes
    nothing and says "not found" (as the members page does)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        inbox = HttpResponseRedirect(reverse("campaigns:alerts", args=[self.location.slug]))
        alert_id = request.POST.get("alert", "")
        alert = (
            Alert.objects.filter(location=self.location, pk=int(alert_id)).first()
            if alert_id.isdigit() and len(alert_id) < 19
            else None
        )
        if alert is None:
            messages.error(request, "That alert was not found in this location.")
        elif alert.acknowledged_at is None:
            with transaction.atomic():
                Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
                    acknowledged_at=timezone.now(), acknowledged_by=request.user
                )
                versions.bump([self.location.pk])
            messages.success(request, f"Acknowledged: {alert.get_kind_display()}.")
        return inbox


class PortfolioAlertsView(LoginRequiredMixin, TemplateView):
    """The open alerts of every location the user belongs to, newest first, one query (two
    with the user's locations), grouped by location in the template."""

    template_name = "campaigns/alert_portfolio.html"

    def get_context_data(self, **kwargs):
        locations = {loc.pk: loc for loc in locations_for(self.request.user).order_by("name")}
        with scope(*locations):
            alerts = list(
                Alert.objects.filter(location__in=list(locations), resolved_at__isnull=True)
                .select_related("campaign", "rule")
                .order_by("-opened_at", "-pk")
            )
        for alert in alerts:
            alert.location = locations[alert.location_id]  # no query: the location is known
        kwargs.setdefault("alerts", alerts)
        kwargs.setdefault("location_count", len(locations))
        kwargs.setdefault("portfolio_alert_count", sum(a.acknowledged_at is None for a in alerts))
        return super().get_context_data(**kwargs)


urlpatterns = [
    path("l/<slug:slug>/alerts/", AlertsView.as_view(), name="alerts"),
    path(
        "l/<slug:slug>/alerts/acknowledge/",
        AcknowledgeAlertView.as_view(),
        name="alert_acknowledge",
    ),
    path("l/<slug:slug>/alerts/email/", AlertEmailView.as_view(), name="alert_email"),
    path("l/<slug:slug>/alerts/rules/", AlertRulesView.as_view(), name="alert_rules"),
    path("l/<slug:slug>/alerts/rules/add/", AlertRuleAddView.as_view(), name="alert_rule_add"),
    path(
        "l/<slug:slug>/alerts/rules/toggle/",
        AlertRuleToggleView.as_view(),
        name="alert_rule_toggle",
    ),
    path(
        "l/<slug:slug>/alerts/rules/delete/",
        AlertRuleDeleteView.as_view(),
        name="alert_rule_delete",
    ),
    path("portfolio/alerts/", PortfolioAlertsView.as_view(), name="portfolio_alerts"),
]
