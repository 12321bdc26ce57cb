"""The alerts inbox of a location: members read it, managers acknowledge an alert (POST)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView, View

from campaigns.models import Alert
from campaigns.tenancy import LocationRequiredMixin, ManagerRequiredMixin

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
            .select_related("campaign", "acknowledged_by")
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
            Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
                acknowledged_at=timezone.now(), acknowledged_by=request.user
            )
            messages.success(request, f"Acknowledged: {alert.get_kind_display()}.")
        return inbox


urlpatterns = [
    path("l/<slug:slug>/alerts/", AlertsView.as_view(), name="alerts"),
    path(
        "l/<slug:slug>/alerts/acknowledge/",
        AcknowledgeAlertView.as_view(),
        name="alert_acknowledge",
    ),
]
