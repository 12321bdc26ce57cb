"""Numbers that never mislead: presets of complete days ending yesterday, today so far as its
own partial preset, links that keep the window, one meaning of "budget used", the "no data
yet" state, one alert per campaign for over budget, and a change that rounds to 0.0 % shown
without arrow or colour."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.template import Context, Template

from campaigns import alert_rules, catalogue, services, tokens
from campaigns.alerts import evaluate_alerts
from campaigns.analytics.reports import campaign_report
from campaigns.models import Alert
from campaigns.tenancy import scope

pytestmark = pytest.mark.django_db

D = Decimal


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def campaign(location, name, days_ago=60, days_left=30, **fields):
    today = location.today()
    values = {
        "channel": "email",
        "status": "active",
        "budget": D("100000.00"),
        "start_date": today - timedelta(days=days_ago),
        "end_date": today + timedelta(days=days_left) if days_left is not None else None,
    }
    values.update(fields)
    return services.create_campaign(location=location, name=name, **values)


def day(c, days_ago: int, **numbers) -> None:
    services.record_day(campaign=c, day=c.location.today() - timedelta(days=days_ago), **numbers)


def card(shown: str, key: str) -> str:
    """The KPI card of ``key``: its value and its change, as the page shows them."""
    found = re.search(
        rf'data-metric="{key}">(.*?)</div>\s*(?:<div class="card-note">(.*?)</div>)?', shown, re.S
    )
    assert found, key
    return re.sub(r"<[^>]+>", "", found.group(1)).strip(), found.group(2) or ""


@pytest.fixture
def manager(client, sunrise_manager):
    client.force_login(sunrise_manager)
    return client


# --- Complete days ------------------------------------------------------------------------------


@pytest.fixture
def steady(sunrise):
    """10 leads a day in the 7 days up to yesterday, 8 a day in the 7 before them, and today,
    which has barely begun, 1 lead."""
    c = campaign(sunrise, "Steady Email")
    for ago in range(1, 15):
        day(c, ago, leads=10 if ago <= 7 else 8, spend=D("50.00"))
    day(c, 0, leads=1, spend=D("3.00"))
    return c


def test_the_7_day_preset_ends_yesterday_and_its_change_is_over_complete_days(
    manager, sunrise, steady
):
    shown = page(manager, "/l/sunrise-realty/?period=7d")

    yesterday = sunrise.today() - timedelta(days=1)
    start = yesterday - timedelta(days=6)
    assert f"{start:%b %-d, %Y} – {yesterday:%b %-d, %Y}" in shown
    assert "(complete days, compared with the 7 days before)" in shown
    # 70 leads in the 7 complete days, against 56 in the 7 before: +25.0 %, whatever today holds.
    value, change = card(shown, "leads")
    assert value == "70"
    assert "▲ 25.0 %" in change


def test_the_api_default_period_is_the_last_30_complete_days(client, sunrise, steady):
    _, secret = tokens.issue_token(location=sunrise, name="CRM")

    body = client.get(
        f"/api/v1/campaigns/{steady.pk}/report",
        {"period": "30d"},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    ).json()

    yesterday = sunrise.today() - timedelta(days=1)
    assert body["period"] == {
        "start": (yesterday - timedelta(days=29)).isoformat(),
        "end": yesterday.isoformat(),
        "partial": False,
    }
    assert body["totals"]["leads"] == 126  # 7 × 10 + 7 × 8, not today's 1


def test_today_so_far_is_its_own_preset_labelled_partial_and_never_compared(
    manager, sunrise, steady
):
    shown = page(manager, "/l/sunrise-realty/?period=today")

    assert 'class="chip is-active" href="?period=today"' in shown
    assert "Today so far" in shown
    assert "today is partial" in shown
    value, change = card(shown, "leads")
    assert value == "1"
    assert "▲" not in change and "▼" not in change
    assert "today is partial: not compared" in change


def test_a_custom_range_that_includes_today_says_today_is_partial(manager, sunrise, steady):
    today = sunrise.today()
    start = today - timedelta(days=3)

    shown = page(manager, f"/l/sunrise-realty/?period=custom&start={start}&end={today}")

    assert "today is partial" in shown
    assert "today is partial: not compared" in card(shown, "spend")[1]


def test_no_sparkline_or_daily_chart_ends_in_a_dive_to_today(manager, sunrise, steady):
    shown = page(manager, f"/l/sunrise-realty/campaigns/{steady.pk}/?period=30d")

    spend_data = re.search(r'id="money-chart"[^>]*>(.*?)</script>', shown, re.S).group(1)
    labels = re.search(r'"labels": \[(.*?)\]', spend_data).group(1)
    yesterday = sunrise.today() - timedelta(days=1)
    assert labels.rstrip().endswith(f'"{yesterday.day} {yesterday:%b}"')
    # The last point drawn is yesterday's $50.00, not today's $3.00.
    data = re.search(r'"data": \[(.*?)\]', spend_data).group(1).split(", ")
    assert data[-1] == "50.0"


def test_alert_rule_windows_end_yesterday(sunrise):
    c = campaign(sunrise, "Search")
    day(c, 0, spend=D("900.00"), leads=1)  # today so far: not in the window
    day(c, 1, spend=D("100.00"), leads=10)
    with scope(sunrise):
        alert_rules.create_rule(
            location=sunrise,
            metric="cost_per_lead",
            comparison="above",
            threshold=D("60"),
            window_days=7,
        )

    evaluate_alerts(sunrise)

    with scope(sunrise):
        assert not Alert.objects.filter(kind=Alert.Kind.CUSTOM).exists()  # $10 a lead, not $90.91


# --- Drill-down keeps the window ----------------------------------------------------------------


def test_links_from_the_list_overview_and_compare_carry_the_period(manager, sunrise, steady):
    other = campaign(sunrise, "Other Email")
    day(other, 2, leads=3, spend=D("10.00"), revenue=D("5.00"))
    target = f"/l/sunrise-realty/campaigns/{steady.pk}/?period=90d"

    assert f'href="{target}"' in page(manager, "/l/sunrise-realty/campaigns/?period=90d")
    assert f'href="{target}"' in page(manager, "/l/sunrise-realty/?period=90d")
    compare = page(manager, f"/l/sunrise-realty/compare/?ids={steady.pk},{other.pk}&period=90d")
    assert f'href="{target}"' in compare

    start, end = date(2026, 1, 5), sunrise.today() - timedelta(days=2)
    custom = f"period=custom&start={start}&end={end}"
    listed = page(manager, f"/l/sunrise-realty/campaigns/?{custom}")
    assert f'href="/l/sunrise-realty/campaigns/{steady.pk}/?{custom}"' in listed.replace(
        "&amp;", "&"
    )


def test_the_portfolio_links_to_each_location_with_its_period(client, sunrise, harbor):
    from tests.factories import MembershipFactory, UserFactory

    agent = UserFactory(username="agent")
    for location in (sunrise, harbor):
        MembershipFactory(user=agent, location=location, role="manager")
    client.force_login(agent)

    shown = page(client, "/portfolio/?period=90d")

    assert 'href="/l/sunrise-realty/?period=90d"' in shown


def test_an_alerts_link_opens_the_campaign_over_the_window_it_is_about(manager, sunrise):
    c = campaign(sunrise, "Search", budget=D("100.00"))
    day(c, 1, spend=D("700.00"), leads=10)
    with scope(sunrise):
        alert_rules.create_rule(
            location=sunrise,
            metric="cost_per_lead",
            comparison="above",
            threshold=D("60"),
            window_days=14,
        )
    evaluate_alerts(sunrise)

    shown = page(manager, "/l/sunrise-realty/alerts/")

    assert f'href="/l/sunrise-realty/campaigns/{c.pk}/?period=14d"' in shown  # the rule's window
    assert f'href="/l/sunrise-realty/campaigns/{c.pk}/?period=all"' in shown  # over budget
    # The 14-day window the link opens is the rule's: the last 14 complete days.
    opened = page(manager, f"/l/sunrise-realty/campaigns/{c.pk}/?period=14d")
    yesterday = sunrise.today() - timedelta(days=1)
    assert f"{yesterday - timedelta(days=13):%b %-d, %Y} – {yesterday:%b %-d, %Y}" in opened
    assert "$70.00" in opened  # the cost per lead the alert names


# --- One meaning of "budget used" ---------------------------------------------------------------


def test_budget_used_is_lifetime_spend_over_budget_in_the_api_csv_and_pages(
    client, manager, sunrise
):
    c = campaign(sunrise, "Budgeted", budget=D("1000.00"), days_ago=100)
    day(c, 90, spend=D("600.00"))  # outside the last 30 days
    day(c, 5, spend=D("150.00"))
    _, secret = tokens.issue_token(location=sunrise, name="CRM")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    report = client.get(f"/api/v1/campaigns/{c.pk}/report", {"period": "30d"}, **auth).json()
    assert report["lifetime"]["budget_used"] == 0.75
    assert "budget_used" not in report["metrics"]
    assert report["metrics"]["budget_spent_in_period"] == 0.15

    portfolio_csv = manager.get("/portfolio/export.csv", {"period": "30d"})
    rows = list(csv.DictReader(io.StringIO(portfolio_csv.content.decode("utf-8-sig"))))
    assert rows[0]["budget_used"] == "0.750000"

    shown = page(manager, f"/l/sunrise-realty/campaigns/{c.pk}/?period=30d")
    assert re.search(r"Budget used.*?\(lifetime\).*?75\.0 %", shown, re.S)
    assert catalogue.CATALOGUE["budget_used"].definition.startswith("Lifetime spend / budget")


# --- Words that cannot be misread ---------------------------------------------------------------


def test_a_started_campaign_without_data_has_no_data_yet_not_behind(manager, sunrise):
    c = campaign(sunrise, "Fresh Launch", days_ago=5, target_leads=500, target_roi=D("1.5"))

    report = campaign_report(c)
    assert report.health.state == "no_data"
    assert report.health.label == "No data yet"
    assert report.health.tone == "neutral"
    shown = page(manager, f"/l/sunrise-realty/campaigns/{c.pk}/")
    assert 'data-health="no_data"' in shown
    assert 'data-health="behind"' not in shown


def test_the_roi_target_reads_as_an_roi_against_a_target(sunrise):
    c = campaign(sunrise, "Thin Margin", target_roi=D("1.5"))
    day(c, 3, spend=D("1000.00"), revenue=D("1083.00"))

    report = campaign_report(c)

    assert report.targets["roi"].sentence == "ROI 8.3 % against a 150.0 % target — behind"
    assert "ROI 8.3 % against a 150.0 % target — behind." in report.health.reasons
    assert not any("of target" in reason and "ROI:" in reason for reason in report.health.reasons)


def test_over_budget_supersedes_spending_ahead_of_plan_in_the_alerts(sunrise):
    c = campaign(sunrise, "Fast Spender", budget=D("3000.00"), days_ago=9, days_left=20)
    day(c, 2, spend=D("2000.00"))  # day 10 of 30: $1,000 expected, spending ahead of plan

    evaluate_alerts(sunrise)
    with scope(sunrise):
        assert list(Alert.objects.filter(resolved_at__isnull=True).values_list("kind", flat=True))
        assert Alert.objects.get(resolved_at__isnull=True, kind="pacing_ahead")

    day(c, 1, spend=D("1500.00"))  # $3,500 of $3,000: over budget
    evaluate_alerts(sunrise)

    with scope(sunrise):
        open_kinds = set(
            Alert.objects.filter(campaign=c, resolved_at__isnull=True).values_list(
                "kind", flat=True
            )
        )
        assert open_kinds == {"over_budget"}
        assert Alert.objects.get(kind="pacing_ahead").resolved_at is not None


@pytest.mark.parametrize(
    ("value", "shown", "arrow"),
    [
        (D("0"), "0.0 %", False),
        (D("-0.0004"), "0.0 %", False),
        (D("0.0004"), "0.0 %", False),
        (D("-0.0005"), "▼ 0.1 %", True),
        (D("0.25"), "▲ 25.0 %", True),
    ],
)
def test_a_change_that_rounds_to_zero_has_no_arrow_and_no_colour(value, shown, arrow):
    rendered = Template("{% load campaign_format %}{% change value 'leads' %}").render(
        Context({"value": value})
    )

    assert shown in rendered
    if arrow:
        tone = "good" if value > 0 else "bad"  # more leads is good news
        assert f'class="change {"up" if value > 0 else "down"} {tone}"' in rendered
    else:
        assert 'class="change flat"' in rendered
        assert "▲" not in rendered and "▼" not in rendered


# --- Health beside a period's figures says its window -------------------------------------------


def test_health_beside_period_figures_says_it_is_lifetime(manager, sunrise):
    winner = campaign(sunrise, "Winner", target_roi=D("0.5"))
    loser = campaign(sunrise, "Loser", target_roi=D("0.5"))
    for ago in (2, 3):
        day(winner, ago, spend=D("100.00"), revenue=D("400.00"), leads=5)
        day(loser, ago, spend=D("100.00"), revenue=D("50.00"), leads=5)

    overview = page(manager, "/l/sunrise-realty/?period=7d")
    compare = page(manager, f"/l/sunrise-realty/compare/?ids={winner.pk},{loser.pk}&period=7d")
    listed = page(manager, "/l/sunrise-realty/campaigns/?period=7d")

    pill = re.compile(r'data-health="(\w+)"[^>]*>lifetime: ([a-z ]+)<')
    # The winner is ahead on its ROI target, the loser behind: the overview's best and worst,
    # and compare's table, say both states as lifetime ones.
    assert pill.findall(overview) == [("ahead", "ahead"), ("behind", "behind")]
    assert sorted(pill.findall(compare)) == [("ahead", "ahead"), ("behind", "behind")]
    assert "Health (lifetime)" in listed
    assert 'Health <span class="muted">(lifetime)</span>' in compare


# --- E-mails link over the report's days --------------------------------------------------------


def test_the_report_email_links_each_campaign_and_the_overview_over_its_days(sunrise):
    from campaigns.periods import Period
    from campaigns.reporting import build_report_email

    c = campaign(sunrise, "Mailed", target_roi=D("2.0"))
    day(c, 3, spend=D("100.00"), revenue=D("150.00"), leads=5)  # ROI 50 %: below its target
    yesterday = sunrise.today() - timedelta(days=1)
    week = Period(yesterday - timedelta(days=6), yesterday)

    body = build_report_email(sunrise, week, recipients=["owner@client.test"]).body

    days = f"?period=custom&start={week.start}&end={week.end}"
    assert f"/l/sunrise-realty/campaigns/{c.pk}/{days}" in body
    link = f"http://127.0.0.1:8000/l/sunrise-realty/{days}"
    assert f"The same figures in the app (sign-in needed): {link}" in body
    assert "1. Mailed: ROI 50.0 % against a 200.0 % target" in body
    assert "(lifetime: behind)" in body


# --- Share of spend, share of budget ------------------------------------------------------------


def test_the_channels_page_and_csv_name_both_shares(manager, sunrise):
    running = campaign(sunrise, "Running SMS", channel="sms", budget=D("3000.00"), days_ago=14)
    day(running, 2, spend=D("100.00"))

    shown = page(manager, "/l/sunrise-realty/channels/?period=7d")
    assert "Share of spend" in shown
    assert "Share of budget against share of profit" in shown
    assert catalogue.CATALOGUE["budget_share"].definition in shown
    exported = manager.get("/l/sunrise-realty/channels/export.csv?period=7d")
    [sms, total] = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    # $3,000 over 45 days (14 before today, today, 30 after): 7 of them are the period's.
    assert sms["period_budget"] == total["period_budget"] == "466.67"
    assert sms["budget_share"] == "1.000000"
    assert sms["spend_share"] == "1.000000"


# --- The portfolio's sparklines -------------------------------------------------------------------


def test_the_portfolio_sparkline_draws_a_cut_run_or_month_at_its_daily_average(sunrise):
    from campaigns.analytics import portfolio
    from campaigns.periods import Period

    c = campaign(sunrise, "Steady", days_ago=200, days_left=10)
    yesterday = sunrise.today() - timedelta(days=1)
    services.record_days(
        campaign=c,
        rows=[{"date": yesterday - timedelta(days=n), "spend": D("10.00")} for n in range(190)],
    )

    # 91 days in runs of 2: the last run holds 1 day, drawn as 2 days' worth.
    days = Period(yesterday - timedelta(days=90), yesterday)
    [row] = portfolio.portfolio_rows([sunrise], days)
    portfolio.fill_series([row], days)
    assert len(row.spend_series) == 46
    assert set(row.spend_series) == {D("20.00")}

    # 150 days by month: the two cut months are drawn as whole months at $10 a day.
    months = Period(yesterday - timedelta(days=149), yesterday)
    [row] = portfolio.portfolio_rows([sunrise], months)
    portfolio.fill_series([row], months)
    month_lengths = [
        (date(m.year + m.month // 12, m.month % 12 + 1, 1) - m).days
        for m in (
            date(months.start.year, months.start.month, 1),
            date(months.end.year, months.end.month, 1),
        )
    ]
    assert row.spend_series[0] == D(10 * month_lengths[0])
    assert row.spend_series[-1] == D(10 * month_lengths[1])


def test_pages_and_emails_show_a_change_the_same_way():
    from campaigns import display

    assert display.change(D("0.25")) == ("up", "▲ 25.0 %")
    assert display.change(D("-0.0004")) == (None, "0.0 %")
    assert display.change(None) == (None, "—")
