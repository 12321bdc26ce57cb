"""Built-in alerts: each condition opens one alert per episode, which resolves when the condition
stops; the inbox, its badge and acknowledging; evaluation after a write and by the daily checks."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from campaigns import alert_rules, imports, services, tokens
from campaigns.alerts import evaluate_alerts
from campaigns.models import Alert, AlertRule, Campaign, Location, Membership
from campaigns.tasks import run_daily_checks
from campaigns.tenancy import scope, scopes_disabled
from tests.factories import CampaignFactory, DailyMetricFactory, MembershipFactory, UserFactory

TODAY = date(2026, 3, 10)
User = get_user_model()


def campaign(location, **fields) -> Campaign:
    defaults = {"start_date": date(2026, 3, 1), "budget": Decimal("1000.00"), "end_date": None}
    return CampaignFactory(location=location, **{**defaults, **fields})


def spent(c: Campaign, amount: str, day: date = date(2026, 3, 9), **numbers) -> None:
    numbers = {"leads": 0, "qualified_leads": 0, "hot_leads": 0, "conversions": 0, **numbers}
    numbers.setdefault("revenue", Decimal("0"))
    DailyMetricFactory(campaign=c, date=day, spend=Decimal(amount), **numbers)


def alerts(location, **filters) -> list[Alert]:
    with scope(location):
        return list(Alert.objects.filter(**filters).select_related("campaign").order_by("pk"))


def evaluations(callbacks) -> list:
    """The after-commit evaluations among the callbacks (not the alert e-mails they enqueue)."""
    return [c for c in callbacks if getattr(c, "alerts_for", None) is not None]


def kinds(location) -> set[tuple[str, str]]:
    return {(a.campaign.name, a.kind) for a in alerts(location, resolved_at__isnull=True)}


# --- Conditions ---------------------------------------------------------------------------


def test_over_budget_opens_an_alert_once_and_resolves_when_the_budget_is_raised(sunrise):
    c = campaign(sunrise, name="Open house")
    spent(c, "1500.00")

    assert evaluate_alerts(sunrise, today=TODAY) == (1, 0)
    [alert] = alerts(sunrise)
    assert (alert.kind, alert.campaign_id, alert.resolved_at) == ("over_budget", c.pk, None)
    assert "Over budget by $500.00" in alert.message

    # The condition still holds: nothing new, nothing repeated.
    assert evaluate_alerts(sunrise, today=TODAY) == (0, 0)
    assert alerts(sunrise) == [alert]

    services.update_campaign(campaign=c, budget=Decimal("2000.00"))
    assert evaluate_alerts(sunrise, today=TODAY) == (0, 1)
    [alert] = alerts(sunrise)
    assert alert.resolved_at is not None

    # Over again later: a new episode, a new alert.
    spent(c, "900.00", date(2026, 3, 10))
    assert evaluate_alerts(sunrise, today=TODAY) == (1, 0)
    assert [a.resolved_at is None for a in alerts(sunrise)] == [False, True]


def test_a_paused_campaign_over_budget_alerts_a_completed_one_does_not(sunrise):
    spent(campaign(sunrise, name="Paused", status=Campaign.Status.PAUSED), "1500.00")
    spent(campaign(sunrise, name="Done", status=Campaign.Status.COMPLETED), "1500.00")

    evaluate_alerts(sunrise, today=TODAY)

    assert kinds(sunrise) == {("Paused", "over_budget")}


def test_spending_more_than_ten_percent_ahead_of_plan_alerts(sunrise):
    # Day 10 of 30 with a $3,000 budget: $1,000 expected by now.
    ahead = campaign(sunrise, name="Ahead", end_date=date(2026, 3, 30), budget=Decimal("3000"))
    spent(ahead, "1150.00")
    on_plan = campaign(sunrise, name="On plan", end_date=date(2026, 3, 30), budget=Decimal("3000"))
    spent(on_plan, "1090.00")

    evaluate_alerts(sunrise, today=TODAY + timedelta(days=1))  # the morning after day 10

    assert kinds(sunrise) == {("Ahead", "pacing_ahead")}
    [alert] = alerts(sunrise)
    assert alert.message.startswith("Spending ahead of plan: $1,150.00 of $1,000.00")


def test_behind_on_results_alerts_only_in_the_last_third(sunrise):
    # Day 38 of 40: 95 leads expected by now, 10 recorded.
    late = campaign(
        sunrise,
        name="Late",
        start_date=date(2026, 2, 1),
        end_date=date(2026, 3, 12),
        budget=Decimal("10000"),
        target_leads=100,
    )
    spent(late, "9400.00", leads=10)
    # Day 10 of 61: as far behind, but early.
    early = campaign(sunrise, name="Early", end_date=date(2026, 4, 30), target_leads=1000)
    spent(early, "160.00", leads=1)

    evaluate_alerts(sunrise, today=TODAY + timedelta(days=1))  # 38 and 10 complete days

    assert kinds(sunrise) == {("Late", "behind_late")}
    [alert] = alerts(sunrise)
    assert "Day 38 of 40" in alert.message and "Leads" in alert.message


@pytest.mark.parametrize(
    ("last_day", "start", "stale"),
    [
        (date(2026, 3, 6), date(2026, 2, 1), True),  # 4 days without data
        (date(2026, 3, 7), date(2026, 2, 1), False),  # 3 days: not yet
        (None, date(2026, 3, 6), True),  # nothing since it started 4 days ago
        (None, date(2026, 3, 8), False),
        (None, date(2026, 3, 20), False),  # not started
    ],
)
def test_no_data_for_n_days_alerts(sunrise, last_day, start, stale):
    c = campaign(sunrise, name="Feed", start_date=start, budget=Decimal("99999"))
    if last_day:
        spent(c, "10.00", last_day)

    evaluate_alerts(sunrise, today=TODAY)

    assert kinds(sunrise) == ({("Feed", "no_data")} if stale else set())


def test_raising_the_budget_in_the_edit_form_resolves_the_alert_at_once(
    client, sunrise, sunrise_manager, django_capture_on_commit_callbacks
):
    # Paused: over budget is judged, a stale feed is not (only of active campaigns).
    c = campaign(sunrise, name="Open house", start_date=date(2026, 1, 1), status="paused")
    spent(c, "1500.00", date(2026, 1, 9))
    evaluate_alerts(sunrise)
    assert kinds(sunrise) == {("Open house", "over_budget")}
    client.force_login(sunrise_manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("campaigns:edit", args=[sunrise.slug, c.pk]),
            {
                "name": "Open house",
                "channel": c.channel,
                "status": c.status,
                "budget": "2000.00",
                "start_date": "2026-01-01",
            },
        )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert kinds(sunrise) == set()


def test_the_stale_feed_window_is_a_setting_and_data_resolves_it(sunrise, settings):
    c = campaign(sunrise, name="Feed", start_date=date(2026, 2, 1))
    spent(c, "10.00", date(2026, 3, 1))
    settings.ALERT_NO_DATA_DAYS = 10
    assert evaluate_alerts(sunrise, today=TODAY) == (0, 0)

    settings.ALERT_NO_DATA_DAYS = 3
    assert evaluate_alerts(sunrise, today=TODAY) == (1, 0)
    assert "No data received for 9 days" in alerts(sunrise)[0].message

    spent(c, "10.00", date(2026, 3, 9))
    assert evaluate_alerts(sunrise, today=TODAY) == (0, 1)


def test_a_paused_campaign_without_data_does_not_alert(sunrise):
    campaign(sunrise, name="Paused", start_date=date(2026, 1, 1), status=Campaign.Status.PAUSED)
    assert evaluate_alerts(sunrise, today=TODAY) == (0, 0)


def test_evaluation_touches_only_its_location(sunrise, harbor):
    spent(campaign(harbor, name="Harbor over"), "5000.00")
    assert evaluate_alerts(sunrise, today=TODAY) == (0, 0)
    assert alerts(harbor) == []


@pytest.mark.parametrize("count", [3, 30])
def test_evaluation_takes_a_constant_number_of_queries(sunrise, count, django_assert_num_queries):
    for n in range(count):
        spent(campaign(sunrise, name=f"Over {n:02}"), "1500.00")
    # campaigns, period sums, lifetime sums, funnel stages, last days, the active custom rules
    # (none), open alerts, the savepoint and its release, the insert of the new alerts, the
    # location's data version raised (the portfolio counts its open alerts)
    with django_assert_num_queries(11):
        assert evaluate_alerts(sunrise, today=TODAY) == (count, 0)
    with django_assert_num_queries(9):
        assert evaluate_alerts(sunrise, today=TODAY) == (0, 0)
    with scopes_disabled():
        Campaign.objects.filter(location=sunrise).update(budget=Decimal("5000"))
    with django_assert_num_queries(11):  # … the one update resolving them all, the version
        assert evaluate_alerts(sunrise, today=TODAY) == (0, count)


# --- Evaluated after writes and daily ------------------------------------------------------


def test_recording_a_day_through_the_form_opens_an_alert(
    client, sunrise, sunrise_manager, django_capture_on_commit_callbacks
):
    today = sunrise.today()
    c = campaign(sunrise, name="Postcards", start_date=today - timedelta(days=5))
    client.force_login(sunrise_manager)
    numbers = dict.fromkeys(
        ["impressions", "clicks", "leads", "qualified_leads", "hot_leads", "conversions"], "0"
    )
    day = {**numbers, "revenue": "0", "spend": "1200.00", "date": str(today - timedelta(days=1))}

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("campaigns:metrics", args=[sunrise.slug, c.pk]), day)

    assert response.status_code == 302
    assert len(evaluations(callbacks)) == 1
    assert kinds(sunrise) == {("Postcards", "over_budget")}


def test_a_batch_of_days_evaluates_once_after_commit(sunrise, django_capture_on_commit_callbacks):
    today = sunrise.today()
    c = campaign(sunrise, name="Pushed", start_date=today - timedelta(days=5))
    rows = [{"date": today - timedelta(days=d), "spend": Decimal("600")} for d in (1, 2)]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.record_days(campaign=c, rows=rows)  # what the API's push calls
        services.record_days(campaign=c, rows=rows)

    # One evaluation per transaction, however many writes.
    assert len(evaluations(callbacks)) == 1
    assert kinds(sunrise) == {("Pushed", "over_budget")}


def test_a_refused_write_evaluates_nothing(sunrise, django_capture_on_commit_callbacks):
    c = campaign(sunrise, name="Refused")
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        services.record_day(campaign=c, day=date(2026, 3, 2), spend=Decimal("-1"))
    assert callbacks == []


def test_the_daily_checks_evaluate_the_alerts(sunrise, harbor):
    spent(campaign(sunrise, name="Over", start_date=sunrise.today()), "1500.00", sunrise.today())
    spent(campaign(harbor, name="Harbor over", start_date=harbor.today()), "1500", harbor.today())

    assert run_daily_checks.call(sunrise.pk) == 1

    assert kinds(sunrise) == {("Over", "over_budget")}
    assert alerts(harbor) == []


# --- The inbox, its badge, acknowledging ---------------------------------------------------


def inbox(location) -> str:
    return reverse("campaigns:alerts", args=[location.slug])


def acknowledge(location) -> str:
    return reverse("campaigns:alert_acknowledge", args=[location.slug])


def badge(page: str) -> int | None:
    found = re.search(r'>Alerts <span class="badge"[^>]*>(\d+)</span>', page)
    return int(found.group(1)) if found else None


@pytest.fixture
def two_alerts(sunrise):
    spent(campaign(sunrise, name="Open house"), "1500.00")
    spent(campaign(sunrise, name="Stale feed", start_date=date(2026, 2, 1)), "10", date(2026, 3, 1))
    evaluate_alerts(sunrise, today=TODAY)
    return alerts(sunrise)


def test_the_inbox_lists_open_alerts_and_the_badge_counts_them(client, sunrise_viewer, two_alerts):
    client.force_login(sunrise_viewer)
    page = client.get(inbox(two_alerts[0].location)).content.decode()

    assert "Open house" in page and "Stale feed" in page
    assert "Over budget" in page and "No data received" in page
    assert badge(page) == 2
    assert "Acknowledge</button>" not in page  # a viewer reads only


def test_a_manager_acknowledges_and_the_badge_drops(client, sunrise, sunrise_manager, two_alerts):
    client.force_login(sunrise_manager)
    first = two_alerts[0]

    response = client.post(acknowledge(sunrise), {"alert": first.pk})

    assert response.status_code == 302 and response["Location"] == inbox(sunrise)
    [alert] = alerts(sunrise, pk=first.pk)
    assert alert.acknowledged_at is not None and alert.acknowledged_by == sunrise_manager
    assert alert.resolved_at is None  # still open until its condition stops
    overview = client.get(reverse("campaigns:overview", args=[sunrise.slug])).content.decode()
    assert badge(overview) == 1


def test_a_viewer_cannot_acknowledge(client, sunrise, sunrise_viewer, two_alerts):
    client.force_login(sunrise_viewer)

    assert client.post(acknowledge(sunrise), {"alert": two_alerts[0].pk}).status_code == 403
    assert all(a.acknowledged_at is None for a in alerts(sunrise))


@pytest.mark.parametrize("value", ["other", "", "abc", "99999999999999999999999", "-1"])
def test_another_locations_alert_or_a_bad_id_changes_nothing(
    client, sunrise, harbor, sunrise_manager, value
):
    spent(campaign(harbor, name="Harbor over"), "5000.00")
    evaluate_alerts(harbor, today=TODAY)
    [theirs] = alerts(harbor)
    client.force_login(sunrise_manager)

    response = client.post(
        acknowledge(sunrise), {"alert": theirs.pk if value == "other" else value}, follow=True
    )

    assert response.status_code == 200
    assert "That alert was not found in this location." in response.content.decode()
    assert alerts(harbor)[0].acknowledged_at is None


def test_the_inbox_shows_only_its_locations_alerts(
    client, sunrise, harbor, sunrise_manager, harbor_manager
):
    spent(campaign(harbor, name="HARBOR-SENTINEL"), "5000.00")
    spent(campaign(sunrise, name="SUNRISE-SENTINEL"), "5000.00")
    evaluate_alerts(harbor, today=TODAY)
    evaluate_alerts(sunrise, today=TODAY)

    client.force_login(sunrise_manager)
    page = client.get(inbox(sunrise)).content.decode()
    assert "SUNRISE-SENTINEL" in page and "HARBOR-SENTINEL" not in page
    assert badge(page) == 1

    client.force_login(harbor_manager)
    page = client.get(inbox(harbor)).content.decode()
    assert "HARBOR-SENTINEL" in page and "SUNRISE-SENTINEL" not in page


def test_resolved_alerts_are_listed_after_the_open_ones(client, sunrise, sunrise_viewer):
    c = campaign(sunrise, name="Was over")
    spent(c, "1500.00")
    evaluate_alerts(sunrise, today=TODAY)
    services.update_campaign(campaign=c, budget=Decimal("5000"))
    evaluate_alerts(sunrise, today=TODAY)
    client.force_login(sunrise_viewer)

    page = client.get(inbox(sunrise)).content.decode()

    assert "No open alert" in page
    resolved = page.split("Resolved in the last 30 days")[1]
    assert "Was over" in resolved
    assert badge(page) is None


def test_committing_an_import_evaluates_the_alerts(sunrise, django_capture_on_commit_callbacks):
    today = sunrise.today()
    campaign(sunrise, name="Imported", start_date=today - timedelta(days=5))
    header = "date,campaign,impressions,clicks,leads,qualified_leads,hot_leads,conversions,revenue"
    csv = f"{header},spend\n{today - timedelta(days=1)},Imported,100,10,0,0,0,0,0.00,1500.00\n"

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = imports.commit_import(location=sunrise, parsed=imports.parse_csv(csv.encode()))

    assert result.message.startswith("Imported 1 day")
    assert len(evaluations(callbacks)) == 1
    assert kinds(sunrise) == {("Imported", "over_budget")}


def test_the_demo_inbox_shows_its_over_budget_campaign_right_after_seeding(db, client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=StringIO())
    harbor = Location.objects.get(slug="harbor-homes")

    assert ("Community Newsletter", "over_budget") in kinds(harbor)
    assert ("Waterfront Condos SMS", "pacing_ahead") in kinds(harbor)
    client.force_login(User.objects.get(username="admin"))
    page = client.get(inbox(harbor)).content.decode()
    assert "Community Newsletter" in page and badge(page) == len(kinds(harbor))


def test_a_push_through_the_api_evaluates_the_alerts(
    client, sunrise, django_capture_on_commit_callbacks
):
    today = sunrise.today()
    c = campaign(sunrise, name="Pushed by CRM", start_date=today - timedelta(days=5))
    _, secret = tokens.issue_token(location=sunrise, name="CRM")
    numbers = dict.fromkeys(
        ["impressions", "clicks", "leads", "qualified_leads", "hot_leads", "conversions"], 0
    )
    row = {**numbers, "date": str(today - timedelta(days=1)), "revenue": "0", "spend": "1500.00"}

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            f"/api/v1/campaigns/{c.pk}/days",
            json.dumps({"rows": [row]}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )

    assert response.status_code == 200, response.content
    assert len(evaluations(callbacks)) == 1
    assert kinds(sunrise) == {("Pushed by CRM", "over_budget")}


# --- Django admin ----------------------------------------------------------------------------

ADMIN_ALERTS = "/admin/campaigns/alert/"
ADMIN_RULES = "/admin/campaigns/alertrule/"


def staff(username: str, location, role=Membership.Role.MANAGER):
    """A staff user with every permission of the app and one membership."""
    user = UserFactory(username=username, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="campaigns"))
    MembershipFactory(user=user, location=location, role=role)
    return user


@pytest.fixture
def both_inboxes(sunrise, harbor):
    spent(campaign(sunrise, name="SUNRISE-SENTINEL"), "1500.00")
    spent(
        campaign(sunrise, name="Sunrise stale", start_date=date(2026, 2, 1)), "1", date(2026, 3, 1)
    )
    spent(campaign(harbor, name="HARBOR-SENTINEL"), "5000.00")
    evaluate_alerts(sunrise, today=TODAY)
    evaluate_alerts(harbor, today=TODAY)


def test_staff_see_only_their_locations_alerts_and_filter_them(client, sunrise, both_inboxes):
    client.force_login(staff("sunrise-staff", sunrise))

    page = client.get(ADMIN_ALERTS).content.decode()
    assert "SUNRISE-SENTINEL" in page and "Sunrise stale" in page
    assert "HARBOR-SENTINEL" not in page
    by_kind = client.get(ADMIN_ALERTS, {"kind": "no_data"}).content.decode()
    assert "Sunrise stale" in by_kind and "SUNRISE-SENTINEL" not in by_kind
    resolved = client.get(ADMIN_ALERTS, {"open": "no"}).content.decode()
    assert "Sunrise stale" not in resolved and "0 alerts" in resolved
    [theirs] = alerts(Location.objects.get(slug="harbor-homes"))
    assert client.get(f"{ADMIN_ALERTS}{theirs.pk}/change/").status_code == 302  # not found


def test_a_managing_staff_user_acknowledges_in_the_admin(client, sunrise, harbor, both_inboxes):
    user = staff("sunrise-staff", sunrise)
    client.force_login(user)
    ids = [a.pk for a in alerts(sunrise)] + [a.pk for a in alerts(harbor)]

    response = client.post(
        ADMIN_ALERTS, {"action": "acknowledge", "_selected_action": ids}, follow=True
    )

    assert "2 alert(s) acknowledged." in response.content.decode()
    assert all(a.acknowledged_by == user for a in alerts(sunrise))
    assert all(a.acknowledged_at is None for a in alerts(harbor))


def test_a_viewing_staff_user_cannot_acknowledge_in_the_admin(client, sunrise, both_inboxes):
    client.force_login(staff("sunrise-staff-viewer", sunrise, Membership.Role.VIEWER))
    ids = [a.pk for a in alerts(sunrise)]

    page = client.get(ADMIN_ALERTS).content.decode()
    assert "SUNRISE-SENTINEL" in page and 'value="acknowledge"' not in page
    client.post(ADMIN_ALERTS, {"action": "acknowledge", "_selected_action": ids})

    assert all(a.acknowledged_at is None for a in alerts(sunrise))


def test_rules_in_the_admin_are_scoped_and_turning_off_resolves_their_alerts(
    client, sunrise, harbor
):
    c = campaign(sunrise, name="Search", start_date=date(2026, 2, 1))
    spent(c, "700.00", TODAY - timedelta(days=1), leads=10)  # the window's last day
    with scope(sunrise):
        mine = alert_rules.create_rule(
            location=sunrise,
            metric="spend",
            comparison="above",
            threshold=Decimal("500"),
            window_days=7,
        )
    with scope(harbor):
        theirs = alert_rules.create_rule(
            location=harbor,
            metric="spend",
            comparison="above",
            threshold=Decimal("4242.42"),
            window_days=7,
        )
    evaluate_alerts(sunrise, today=TODAY)
    assert len(alerts(sunrise, rule=mine)) == 1
    client.force_login(staff("sunrise-staff", sunrise))

    page = client.get(ADMIN_RULES).content.decode()
    assert "Spend above $500.00 over the last 7 days" in page and "4,242.42" not in page
    assert client.get(f"{ADMIN_RULES}{theirs.pk}/change/").status_code == 302  # not found

    response = client.post(
        ADMIN_RULES, {"action": "turn_off", "_selected_action": [mine.pk, theirs.pk]}, follow=True
    )

    assert "1 rule(s) turned off." in response.content.decode()
    assert [a.resolved_at is not None for a in alerts(sunrise, rule=mine)] == [True]
    with scope(harbor):
        assert AlertRule.objects.get(pk=theirs.pk).active is True
