"""A location's custom alert rules (members read them, managers add, turn on or off and delete
them) and each manager's choice of alert e-mails. Thin views over campaigns.alert_rules: every
change is a POST with the rule's id in the body and comes back to the page with a message."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView, View

from campaigns import alert_rules
from campaigns.alert_forms import AlertEmailForm, AlertRuleForm, RuleChoiceForm
from campaigns.models import AlertEmailPreference, AlertRule, AlertRuleCampaign
from campaigns.tenancy import LocationRequiredMixin, ManagerRequiredMixin


def first_error(form) -> str:
    return next(iter(e for errors in form.errors.values() for e in errors), "Nothing changed.")


def location_rules(location) -> list[AlertRule]:
    """The location's rules with the names of their chosen campaigns (two queries)."""
    rules = list(AlertRule.objects.filter(location=location).order_by("-active", "pk"))
    names: dict[int, list[str]] = {}
    for rule_id, name in (
        AlertRuleCampaign.objects.filter(rule__in=[r.pk for r in rules if not r.all_campaigns])
        .order_by("campaign__name")
        .values_list("rule_id", "campaign__name")
    ):
        names.setdefault(rule_id, []).append(name)
    for rule in rules:
        rule.location = location
        rule.campaign_names = names.get(rule.pk, [])
    return rules


class AlertRulesView(LocationRequiredMixin, TemplateView):
    """The rules of the location and, for a manager, the form to add one."""

    template_name = "campaigns/alert_rules.html"

    def get_context_data(self, **kwargs):
        if self.is_manager:
            kwargs.setdefault("form", AlertRuleForm(location=self.location))
        kwargs.setdefault("rules", location_rules(self.location))
        return super().get_context_data(**kwargs)


class AlertRuleAddView(ManagerRequiredMixin, FormView):
    """POST a new rule: back to the rules with a message, or the page again with the form's
    errors (nothing saved)."""

    http_method_names = ["post"]
    form_class = AlertRuleForm
    template_name = "campaigns/alert_rules.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "location": self.location}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("rules", location_rules(self.location))
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            rule = alert_rules.create_rule(
                location=self.location,
                metric=data["metric"],
                comparison=data["comparison"],
                threshold=data["threshold"],
                window_days=data["window_days"],
                campaigns=data["campaigns"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Alert rule added: {rule.description}.")
        return HttpResponseRedirect(reverse("campaigns:alert_rules", args=[self.location.slug]))


class RuleActionView(ManagerRequiredMixin, View):
    """A POST naming one rule of the location (``rule``: its id), then back to the rules."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = RuleChoiceForm(request.POST, location=self.location)
        if form.is_valid():
            messages.success(request, self.act(form.cleaned_data["rule"]))
        else:
            messages.error(request, first_error(form))
        return HttpResponseRedirect(reverse("campaigns:alert_rules", args=[self.location.slug]))

    def act(self, rule: AlertRule) -> str:
        raise NotImplementedError


def resolved_text(count: int) -> str:
    return f" {count} open alert{'s' * (count != 1)} resolved." if count else ""


class AlertRuleToggleView(RuleActionView):
    """Turn a rule off (its open alerts are resolved) or on again (evaluated at once)."""

    def act(self, rule: AlertRule) -> str:
        resolved = alert_rules.set_rule_active(rule=rule, active=not rule.active)
        state = "on" if rule.active else "off"
        return f"Turned {state}: {rule.description}.{resolved_text(resolved)}"


class AlertRuleDeleteView(RuleActionView):
    """Delete a rule; its open alerts are resolved and stay in the inbox's history."""

    def act(self, rule: AlertRule) -> str:
        description = rule.description
        resolved = alert_rules.delete_rule(rule=rule)
        return f"Deleted: {description}.{resolved_text(resolved)}"


def delivery_of(location, user) -> str:
    """A member's choice of alert e-mails for the location (immediately when never chosen)."""
    found = (
        AlertEmailPreference.objects.filter(location=location, user=user)
        .values_list("delivery", flat=True)
        .first()
    )
    return found or AlertEmailPreference.DEFAULT


class AlertEmailView(ManagerRequiredMixin, View):
    """A manager's own choice of alert e-mails for this location: POST ``delivery``."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = AlertEmailForm(request.POST)
        if form.is_valid():
            delivery = form.cleaned_data["delivery"]
            AlertEmailPreference.objects.update_or_create(
                location=self.location, user=request.user, defaults={"delivery": delivery}
            )
            label = AlertEmailPreference.Delivery(delivery).label
            text = f"Your alert e-mails for {self.location.name}: {label.lower()}."
            if not request.user.email and delivery != AlertEmailPreference.Delivery.NONE:
                text += " Your account has no e-mail address, so none can be sent yet."
            messages.success(request, text)
        else:
            messages.error(request, first_error(form))
        return HttpResponseRedirect(
            reverse("campaigns:alerts", args=[self.location.slug]) + "#alert-email"
        )
