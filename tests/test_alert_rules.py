"""Custom alert rules: evaluated with the built-ins (one alert per campaign and rule per
episode, in a constant number of queries), the rules page, adding, turning off and deleting a
rule, and the e-mail preference form."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from campaigns import alert_rules
from campaigns.alerts import evaluate_alerts
from campaigns.models import Alert, AlertEmailPreference, AlertRule, Campaign
from campaigns.tenancy import scope
from tests.factories import CampaignFactory, DailyMetricFactory

TODAY = date(2026, 3, 10)
#: The last complete day: a rule's window ends here, the day before today.
LAST = TODAY - timedelta(days=1)
pytestmark = pytest.mark.django_db


def campaign(location, **fields) -> Campaign:
    defaults = {"start_date": date(2026, 2, 1), "budget": Decimal("99999.00"), "end_date": None}
    return CampaignFactory(location=location, **{**defaults, **fields})


def day(c: Campaign, when: date, **numbers) -> None:
    """One recorded day with only the given numbers (everything else 0)."""
    zero = dict.fromkeys(
        ["impressions", "clicks", "leads", "qualified_leads", "hot_leads", "conversions"], 0
    )
    money = {"revenue": Decimal("0"), "spend": Decimal("0")}
    DailyMetricFactory(campaign=c, date=when, **{**zero, **money, **numbers})


def rule(location, metric="cost_per_lead", comparison="above", threshold="60", **fields):
    with scope(location):
        return alert_rules.create_rule(
            location=location,
            metric=metric,
            comparison=comparison,
            threshold=None if threshold is None else Decimal(threshold),
            window_days=fields.pop("window_days", 7),
            **fields,
        )


def open_alerts(location) -> list[Alert]:
    with scope(location):
        return list(
            Alert.objects.filter(resolved_at__isnull=True)
            .select_related("campaign")
            .order_by("campaign__name", "pk")
        )


def messages_of(location) -> list[str]:
    return [a.message for a in open_alerts(location)]


# --- Evaluation ------------------------------------------------------------------------------


def test_cpl_above_a_threshold_opens_once_and_resolves(sunrise):
    c = campaign(sunrise, name="Search")
    day(c, LAST - timedelta(days=1), spend=Decimal("724.00"), leads=10)
    cpl = rule(sunrise)

    assert evaluate_alerts(sunrise, today=TODAY) == (1, 0)
    [alert] = open_alerts(sunrise)
    assert (alert.kind, alert.rule_id, alert.campaign_id) == ("custom", cpl.pk, c.pk)
    assert alert.message == "Cost per lead $72.40 over the last 7 days is above $60.00."

    assert evaluate_alerts(sunrise, today=TODAY) == (0, 0)  # still holds: not repeated

    day(c, LAST, leads=3)  # $724 / 13 leads = $55.69
    assert evaluate_alerts(sunrise, today=TODAY) == (0, 1)
    assert open_alerts(sunrise) == []


def test_only_the_days_of_the_window_count(sunrise):
    c = campaign(sunrise, name="Search")
    day(c, LAST - timedelta(days=7), spend=Decimal("5000.00"), leads=1)  # 8 days ago: outside
    day(c, LAST - timedelta(days=6), spend=Decimal("500.00"), leads=10)  # first day inside
    day(c, LAST)  # a day of nothing: the feed is alive
    rule(sunrise)

    evaluate_alerts(sunrise, today=TODAY)
    assert open_alerts(sunrise) == []

    rule(sunrise, threshold="40", window_days=14)
    evaluate_alerts(sunrise, today=TODAY)
    assert messages_of(sunrise) == ["Cost per lead $500.00 over the last 14 days is above $40.00."]


def test_a_figure_without_a_value_does_not_alert(sunrise):
    c = campaign(sunrise, name="No leads")
    day(c, LAST, spend=Decimal("900.00"), leads=0)  # no leads: no cost per lead
    rule(sunrise)
    rule(sunrise, metric="roi", comparison="below", threshold="0")  # spend but no revenue

    evaluate_alerts(sunrise, today=TODAY)

    assert messages_of(sunrise) == ["ROI -100.0 % over the last 7 days is below 0.0 %."]


def test_roi_below_the_campaigns_target(sunrise):
    low = campaign(sunrise, name="Low ROI", target_roi=Decimal("2.5"))
    day(low, LAST, spend=Decimal("1000.00"), revenue=Decimal("2000.00"))  # ROI 100 %
    good = campaign(sunrise, name="Good ROI", target_roi=Decimal("0.5"))
    day(good, LAST, spend=Decimal("1000.00"), revenue=Decimal("2000.00"))
    untargeted = campaign(sunrise, name="No target")
    day(untargeted, LAST, spend=Decimal("1000.00"))
    rule(sunrise, metric="roi", comparison="below_target", threshold=None, window_days=30)

    evaluate_alerts(sunrise, today=TODAY)

    assert messages_of(sunrise) == [
        "ROI 100.0 % over the last 30 days is below the campaign's target of 250.0 %."
    ]


def test_a_percent_threshold_and_a_below_comparison(sunrise):
    c = campaign(sunrise, name="Banner")
    day(c, LAST, impressions=10000, clicks=150)  # CTR 1.5 %
    rule(sunrise, metric="ctr", comparison="below", threshold="0.02")  # 2 %

    evaluate_alerts(sunrise, today=TODAY)

    assert messages_of(sunrise) == ["Click-through rate 1.5 % over the last 7 days is below 2.0 %."]


def test_the_threshold_is_compared_at_the_precision_shown(sunrise):
    c = campaign(sunrise, name="Search")
    day(c, LAST, spend=Decimal("180.01"), leads=3)  # $60.0033…, shown as $60.00
    rule(sunrise)

    evaluate_alerts(sunrise, today=TODAY)

    assert open_alerts(sunrise) == []


def test_a_rule_for_chosen_campaigns_leaves_the_others_alone(sunrise):
    chosen = campaign(sunrise, name="Chosen")
    other = campaign(sunrise, name="Other")
    for c in (chosen, other):
        day(c, LAST, spend=Decimal("700.00"), leads=10)
    rule(sunrise, campaigns=[chosen])

    evaluate_alerts(sunrise, today=TODAY)

    assert [a.campaign.name for a in open_alerts(sunrise)] == ["Chosen"]


def test_only_active_campaigns_that_have_started_and_not_ended_are_checked(sunrise):
    for name, fields in {
        "Paused": {"status": Campaign.Status.PAUSED},
        "Completed": {"status": Campaign.Status.COMPLETED},
        "Ended": {"end_date": TODAY - timedelta(days=1)},
        "Active": {},
    }.items():
        day(
            campaign(sunrise, name=name, **fields),
            TODAY - timedelta(days=2),
            spend=Decimal("700"),
            leads=1,
        )
    rule(sunrise)

    evaluate_alerts(sunrise, today=TODAY)

    assert [a.campaign.name for a in open_alerts(sunrise)] == ["Active"]


def test_built_in_and_custom_alerts_of_one_campaign_are_separate_episodes(sunrise):
    c = campaign(sunrise, name="Search", budget=Decimal("500.00"))
    day(c, LAST, spend=Decimal("700.00"), leads=10)  # over budget, and CPL $70
    rule(sunrise)
    rule(sunrise, threshold="65")

    assert evaluate_alerts(sunrise, today=TODAY) == (3, 0)
    kinds = sorted((a.kind, a.rule_id is not None) for a in open_alerts(sunrise))
    assert kinds == [("custom", True), ("custom", True), ("over_budget", False)]


def test_another_locations_rules_are_not_evaluated_here(sunrise, harbor):
    day(campaign(sunrise, name="Sunrise search"), LAST, spend=Decimal("700.00"), leads=10)
    rule(harbor)

    assert evaluate_alerts(sunrise, today=TODAY) == (0, 0)


@pytest.mark.parametrize(("campaigns", "rules"), [(3, 1), (30, 12)])
def test_rules_take_a_constant_number_of_queries(
    sunrise, campaigns, rules, django_assert_num_queries
):
    made = [campaign(sunrise, name=f"C{n:02}") for n in range(campaigns)]
    for c in made:
        day(c, LAST, spend=Decimal("700.00"), leads=10)
    rule(sunrise, campaigns=made[:2])  # one rule for chosen campaigns
    for n in range(rules - 1):
        rule(sunrise, threshold=str(40 + n), window_days=[7, 14, 30, 90][n % 4])
    # campaigns, period sums, lifetime sums, funnel stages, last days, the active rules, their
    # chosen campaigns, the window sums (one grouped query for every window), open alerts, the
    # savepoint, the insert, the location's data version raised, the release
    with django_assert_num_queries(13):
        opened, _ = evaluate_alerts(sunrise, today=TODAY)
    assert opened == 2 + (rules - 1) * campaigns
    with django_assert_num_queries(11):
        assert evaluate_alerts(sunrise, today=TODAY) == (0, 0)


# --- Constraints -----------------------------------------------------------------------------


def test_one_open_alert_per_campaign_and_rule_and_per_campaign_and_built_in(sunrise):
    c = campaign(sunrise, name="Search")
    first, second = rule(sunrise), rule(sunrise, threshold="70")
    with scope(sunrise):
        Alert.objects.create(location=sunrise, campaign=c, kind="custom", rule=first, message="1")
        Alert.objects.create(location=sunrise, campaign=c, kind="custom", rule=second, message="2")
        Alert.objects.create(location=sunrise, campaign=c, kind="over_budget", message="3")
        with pytest.raises(IntegrityError), transaction.atomic():
            Alert.objects.create(
                location=sunrise, campaign=c, kind="custom", rule=first, message="4"
            )
        with pytest.raises(IntegrityError), transaction.atomic():
            Alert.objects.create(location=sunrise, campaign=c, kind="over_budget", message="5")
        with pytest.raises(IntegrityError), transaction.atomic():
            Alert.objects.create(
                location=sunrise, campaign=c, kind="no_data", rule=first, message="6"
            )
        # Resolved, the same (campaign, rule) may open again.
        Alert.objects.filter(rule=first).update(resolved_at="2026-03-10T00:00:00Z")
        Alert.objects.create(location=sunrise, campaign=c, kind="custom", rule=first, message="7")


# --- Turning off and deleting ------------------------------------------------------------------


@pytest.fixture
def breaking(sunrise):
    """A CPL rule and a campaign that breaks it, with its open alert."""
    c = campaign(sunrise, name="Search")
    day(c, LAST, spend=Decimal("700.00"), leads=10)
    cpl = rule(sunrise)
    evaluate_alerts(sunrise, today=TODAY)
    assert len(open_alerts(sunrise)) == 1
    return cpl


def test_turning_a_rule_off_resolves_its_alert_and_on_again_reopens_it(sunrise, breaking):
    with scope(sunrise):
        assert alert_rules.set_rule_active(rule=breaking, active=False) == 1
    assert open_alerts(sunrise) == []
    assert evaluate_alerts(sunrise, today=TODAY) == (0, 0)  # an inactive rule is not checked

    with scope(sunrise):
        alert_rules.set_rule_active(rule=breaking, active=True)
    assert evaluate_alerts(sunrise, today=TODAY) == (1, 0)


def test_deleting_a_rule_resolves_its_alert_and_keeps_it_in_the_history(sunrise, breaking):
    with scope(sunrise):
        assert alert_rules.delete_rule(rule=breaking) == 1
        [alert] = Alert.objects.all()
    assert alert.resolved_at is not None and alert.rule_id is None
    assert alert.message.startswith("Cost per lead $70.00")
    assert evaluate_alerts(sunrise, today=TODAY) == (0, 0)


# --- The pages -------------------------------------------------------------------------------


def rules_url(location) -> str:
    return reverse("campaigns:alert_rules", args=[location.slug])


def add_url(location) -> str:
    return reverse("campaigns:alert_rule_add", args=[location.slug])


def rules_of(location) -> list[AlertRule]:
    with scope(location):
        return list(AlertRule.objects.order_by("pk"))


def test_a_manager_adds_a_rule_and_its_alert_opens_at_once(
    client, sunrise, sunrise_manager, django_capture_on_commit_callbacks
):
    today = sunrise.today()
    c = campaign(sunrise, name="Search", start_date=today - timedelta(days=20))
    day(c, today - timedelta(days=1), spend=Decimal("724.00"), leads=10)
    client.force_login(sunrise_manager)
    form = {
        "metric": "cost_per_lead",
        "comparison": "above",
        "threshold": "$60",
        "window_days": "7",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(add_url(sunrise), form, follow=True)

    assert response.redirect_chain == [(rules_url(sunrise), 302)]
    page = response.content.decode()
    assert "Alert rule added: Cost per lead above $60.00 over the last 7 days." in page
    [saved] = rules_of(sunrise)
    assert (saved.threshold, saved.all_campaigns, saved.active) == (Decimal("60"), True, True)
    assert messages_of(sunrise) == ["Cost per lead $72.40 over the last 7 days is above $60.00."]
    inbox = client.get(reverse("campaigns:alerts", args=[sunrise.slug])).content.decode()
    assert "Cost per lead $72.40 over the last 7 days is above $60.00." in inbox


def test_a_percent_is_typed_in_percent_and_campaigns_can_be_chosen(
    client, sunrise, sunrise_manager
):
    c = campaign(sunrise, name="Banner")
    client.force_login(sunrise_manager)
    form = {
        "metric": "ctr",
        "comparison": "below",
        "threshold": "2.5 %",
        "window_days": "14",
        "campaigns": [c.pk],
    }

    assert client.post(add_url(sunrise), form).status_code == 302

    [saved] = rules_of(sunrise)
    assert saved.threshold == Decimal("0.025") and not saved.all_campaigns
    with scope(sunrise):
        assert list(saved.campaigns.all()) == [c]
    page = client.get(rules_url(sunrise)).content.decode()
    assert "Click-through rate below 2.5 % over the last 14 days" in page
    assert "Banner" in page


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"threshold": ""}, "Give the threshold for cost per lead."),
        ({"threshold": "abc"}, "Type an amount with digits and a point"),
        ({"threshold": "1e5"}, "Type an amount with digits and a point"),
        ({"threshold": "1,000"}, "no thousands separators"),
        ({"threshold": "٦٠"}, "Type an amount with digits and a point"),
        ({"threshold": "NaN"}, "Type an amount with digits and a point"),
        ({"threshold": "-5"}, "Cost per lead cannot be negative"),
        ({"threshold": "60.123"}, "at most 2 decimal places"),
        ({"threshold": "99999999999999"}, "That threshold is too large"),
        ({"metric": "leads", "threshold": "2.5"}, "Leads is a whole number"),
        ({"metric": "roi", "threshold": "-150"}, "An ROI cannot be below −100 %"),
        ({"comparison": "below_target", "threshold": ""}, "Only ROI has a campaign target"),
        ({"metric": "roi", "comparison": "below_target"}, "leave the threshold empty"),
        ({"metric": "budget_used"}, "Select a valid choice"),
        ({"window_days": "3"}, "Select a valid choice"),
    ],
)
def test_bad_input_says_why_and_saves_nothing(client, sunrise, sunrise_manager, fields, error):
    client.force_login(sunrise_manager)
    form = {"metric": "cost_per_lead", "comparison": "above", "threshold": "60", "window_days": "7"}

    response = client.post(add_url(sunrise), {**form, **fields})

    assert response.status_code == 200
    assert error in response.content.decode()
    assert rules_of(sunrise) == []


def test_another_locations_campaign_cannot_be_chosen(client, sunrise, harbor, sunrise_manager):
    theirs = campaign(harbor, name="Harbor campaign")
    client.force_login(sunrise_manager)
    form = {"metric": "spend", "comparison": "above", "threshold": "10", "window_days": "7"}

    response = client.post(add_url(sunrise), {**form, "campaigns": [theirs.pk]})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert rules_of(sunrise) == [] and rules_of(harbor) == []


def test_a_viewer_reads_the_rules_but_cannot_change_them(client, sunrise, sunrise_viewer):
    cpl = rule(sunrise)
    client.force_login(sunrise_viewer)

    page = client.get(rules_url(sunrise)).content.decode()
    assert "Cost per lead above $60.00 over the last 7 days" in page
    assert "Add rule" not in page and "Turn off" not in page
    form = {"metric": "spend", "comparison": "above", "threshold": "10", "window_days": "7"}
    assert client.post(add_url(sunrise), form).status_code == 403
    for action in ("alert_rule_toggle", "alert_rule_delete"):
        url = reverse(f"campaigns:{action}", args=[sunrise.slug])
        assert client.post(url, {"rule": cpl.pk}).status_code == 403
    assert [(r.pk, r.active) for r in rules_of(sunrise)] == [(cpl.pk, True)]


def test_turning_off_and_deleting_by_post(client, sunrise, sunrise_manager, breaking):
    client.force_login(sunrise_manager)
    toggle = reverse("campaigns:alert_rule_toggle", args=[sunrise.slug])

    page = client.post(toggle, {"rule": breaking.pk}, follow=True).content.decode()
    assert (
        "Turned off: Cost per lead above $60.00 over the last 7 days. 1 open alert resolved."
        in page
    )
    assert rules_of(sunrise)[0].active is False and open_alerts(sunrise) == []

    client.post(toggle, {"rule": breaking.pk})
    assert rules_of(sunrise)[0].active is True

    delete = reverse("campaigns:alert_rule_delete", args=[sunrise.slug])
    page = client.post(delete, {"rule": breaking.pk}, follow=True).content.decode()
    assert "Deleted: Cost per lead above $60.00 over the last 7 days." in page
    assert rules_of(sunrise) == []


@pytest.mark.parametrize("value", ["other", "", "abc", "99999999999999999999999", "-1", "٣"])
@pytest.mark.parametrize("action", ["alert_rule_toggle", "alert_rule_delete"])
def test_another_locations_rule_or_a_bad_id_changes_nothing(
    client, sunrise, harbor, sunrise_manager, action, value
):
    theirs = rule(harbor)
    client.force_login(sunrise_manager)
    url = reverse(f"campaigns:{action}", args=[sunrise.slug])

    response = client.post(url, {"rule": theirs.pk if value == "other" else value}, follow=True)

    assert response.status_code == 200
    assert "That alert rule was not found in this location." in response.content.decode()
    assert [(r.pk, r.active) for r in rules_of(harbor)] == [(theirs.pk, True)]


def test_the_rules_page_shows_only_its_locations_rules(client, sunrise, harbor, sunrise_manager):
    rule(harbor, metric="spend", threshold="4242.42")
    rule(sunrise, metric="spend", threshold="1717.17")
    client.force_login(sunrise_manager)

    page = client.get(rules_url(sunrise)).content.decode()

    assert "$1,717.17" in page and "4,242.42" not in page


# --- The e-mail preference -------------------------------------------------------------------


def email_url(location) -> str:
    return reverse("campaigns:alert_email", args=[location.slug])


def preference(location, user) -> str | None:
    with scope(location):
        found = AlertEmailPreference.objects.filter(user=user).first()
    return found and found.delivery


def test_a_manager_chooses_their_alert_emails(client, sunrise, sunrise_manager):
    sunrise_manager.email = "manager@sunrise.test"
    sunrise_manager.save()
    client.force_login(sunrise_manager)
    inbox = reverse("campaigns:alerts", args=[sunrise.slug])
    page = client.get(inbox).content.decode()
    assert 'value="immediate" id="id_delivery_0" required checked' in page  # the default

    response = client.post(email_url(sunrise), {"delivery": "digest"}, follow=True)

    assert response.redirect_chain == [(inbox + "#alert-email", 302)]
    page = response.content.decode()
    assert "Your alert e-mails for Sunrise Realty: a daily digest at 08:00" in page
    assert 'value="digest" id="id_delivery_1" required checked' in page
    assert preference(sunrise, sunrise_manager) == "digest"
    client.post(email_url(sunrise), {"delivery": "none"})
    assert preference(sunrise, sunrise_manager) == "none"


@pytest.mark.parametrize("value", ["", "weekly", "IMMEDIATE"])
def test_a_bad_email_choice_changes_nothing(client, sunrise, sunrise_manager, value):
    client.force_login(sunrise_manager)

    response = client.post(email_url(sunrise), {"delivery": value}, follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose how you want to hear of new alerts." in page or "Choose immediately" in page
    assert preference(sunrise, sunrise_manager) is None


def test_a_viewer_gets_no_email_choice(client, sunrise, sunrise_viewer):
    client.force_login(sunrise_viewer)

    page = client.get(reverse("campaigns:alerts", args=[sunrise.slug])).content.decode()

    assert "Alert e-mails go to the managers of Sunrise Realty" in page
    assert 'name="delivery"' not in page
    assert client.post(email_url(sunrise), {"delivery": "none"}).status_code == 403
    assert preference(sunrise, sunrise_viewer) is None
