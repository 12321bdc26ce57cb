"""The judgement as the pages show it: health pills, one recommendation per subject, the top
five then "show all", change colours from each metric's good direction, empty states."""

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns import services

pytestmark = pytest.mark.django_db

D = Decimal


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def subjects(page: str) -> list[str]:
    return re.findall(r'<li class="rec [^"]*" data-subject="([^"]*)"', page)


def make(location, name, days_ago=60, days_left=30, **fields):
    today = location.today()
    values = {
        "channel": "email",
        "status": "active",
        "budget": D("3000.00"),
        "start_date": today - timedelta(days=days_ago),
        "end_date": today + timedelta(days=days_left),
    }
    values.update(fields)
    return services.create_campaign(location=location, name=name, **values)


def spend(campaign, days_ago, amount, revenue="0", **numbers):
    day = campaign.location.today() - timedelta(days=days_ago)
    services.record_day(campaign=campaign, day=day, spend=D(amount), revenue=D(revenue), **numbers)


@pytest.fixture
def manager(client, sunrise_manager):
    client.force_login(sunrise_manager)
    return client


def test_a_paused_over_budget_campaign_is_red_with_one_high_recommendation(manager, sunrise):
    newsletter = make(sunrise, "Community Newsletter", status="paused")
    spend(newsletter, 5, "8803.82", revenue="9000.00")

    page = text(manager.get(reverse("campaigns:campaign", args=[sunrise.slug, newsletter.pk])))

    assert '<span class="badge health tone-bad" data-health="over_budget"' in page
    assert "Over budget by $5,803.82: spent $8,803.82 of its $3,000.00 budget (293.5 %)" in page
    assert subjects(page) == ["Community Newsletter"]
    assert '<li class="rec priority-high" data-subject="Community Newsletter"' in page
    assert "ahead on spend" not in page  # a paused campaign is not paced
    listing = text(manager.get(reverse("campaigns:campaigns", args=[sunrise.slug])))
    assert '<span class="badge health tone-bad" data-health="over_budget"' in listing
    overview = text(manager.get(reverse("campaigns:overview", args=[sunrise.slug])))
    assert 'data-health-count="over_budget">1 over budget</span>' in overview


def test_no_page_shows_two_recommendations_for_one_subject(manager, sunrise):
    # Over budget and losing money, in a channel losing money, compared with a winner.
    loser = make(sunrise, "Open House Email Series", target_roi=D("3.0"))
    spend(loser, 3, "4000.00", revenue="1000.00", leads=10)
    winner = make(sunrise, "Spring SMS", channel="sms", budget=D("20000.00"), target_roi=D("1"))
    spend(winner, 3, "2000.00", revenue="9000.00", leads=50)
    pages = [
        reverse("campaigns:overview", args=[sunrise.slug]),
        reverse("campaigns:campaign", args=[sunrise.slug, loser.pk]),
        reverse("campaigns:channels", args=[sunrise.slug]),
        reverse("campaigns:compare", args=[sunrise.slug]) + f"?ids={loser.pk},{winner.pk}",
        reverse("campaigns:report", args=[sunrise.slug, loser.pk]),
    ]
    for url in pages:
        shown = subjects(text(manager.get(url)))
        assert shown, url
        assert len(shown) == len(set(shown)), (url, shown)
    overview = text(manager.get(pages[0]))
    # The loser's findings are one sentence: over budget and losing money.
    assert (
        "“Open House Email Series” is over budget: $4,000.00 spent of its $3,000.00 budget "
        "(133.3 %, lifetime) and loses money: ROI -75.0 % on $4,000.00 spent (last 30 days). "
        "Stop its spend or raise the budget; pause or rework it."
    ) in overview


def test_the_overview_shows_five_recommendations_then_show_all(manager, sunrise):
    for n in range(7):
        c = make(sunrise, f"Loser {n}", budget=D("100000.00"))
        spend(c, 2, f"{100 + n}.00")

    page = text(manager.get(reverse("campaigns:overview", args=[sunrise.slug])))

    visible, _, hidden = page.partition('<details class="recs-more">')
    assert len(subjects(visible)) == 5
    assert "Show all 7 recommendations" in hidden
    assert len(subjects(hidden)) == 2
    # Ranked by the money at stake: the largest loss first.
    assert subjects(visible)[0] == "Loser 6"


def test_a_spend_decrease_is_not_coloured_as_good_news(manager, sunrise):
    c = make(sunrise, "Steady")
    spend(c, 40, "900.00", revenue="1000.00")  # the previous 30 days
    spend(c, 5, "300.00", revenue="1000.00")  # this period: spend down, revenue flat

    page = text(manager.get(reverse("campaigns:overview", args=[sunrise.slug])))

    card = page.split('data-metric="spend"')[1].split("</div></div>")[0]
    assert 'class="change down neutral"' in card
    assert 'class="change down good"' not in card


def test_a_campaign_with_no_data_says_what_to_do_next(manager, sunrise):
    fresh = make(sunrise, "Fresh Start", days_ago=0)

    page = text(manager.get(reverse("campaigns:campaign", args=[sunrise.slug, fresh.pk])))

    assert "No results recorded yet" in page
    for link in ("Record a day", "Import a CSV", "Push through the API"):
        assert f">{link}</a>" in page
    assert "break-even reached" not in page
    assert "data-chart=" not in page  # no empty axes
    assert 'id="key-metrics"' not in page  # no zeros to read


def test_a_period_without_data_says_so_instead_of_drawing_empty_charts(manager, sunrise):
    c = make(sunrise, "Older Push", days_ago=90)
    spend(c, 60, "500.00", revenue="900.00", leads=5)

    page = text(
        manager.get(reverse("campaigns:campaign", args=[sunrise.slug, c.pk]) + "?period=7d")
    )

    for chart in ("budget-chart", "results-chart", "money-chart"):
        assert f'data-chart-empty="{chart}"' in page
        assert f'data-chart="{chart}"' not in page
    assert "No spend or revenue in this period yet" in page
    assert "break-even reached" not in page


def test_a_running_campaigns_page_and_report_end_yesterday_not_at_the_end_date(manager, sunrise):
    running = make(sunrise, "Running", days_ago=20, days_left=40)
    yesterday = f"{sunrise.today() - timedelta(days=1):%b %-d, %Y}"

    for name in ("campaign", "report"):
        page = text(manager.get(reverse(f"campaigns:{name}", args=[sunrise.slug, running.pk])))
        assert f"– {yesterday} " in page
        assert "(complete days, compared with the 20 days before)" in page


def test_targets_and_pacing_say_the_same_on_the_page(manager, sunrise):
    # 121 complete days of 151 (it started 121 days before today) with 808 of 1,000 leads: on
    # track in the Targets panel and the pacing.
    c = make(sunrise, "Spring Push", days_ago=121, days_left=29, target_leads=1000)
    services.record_day(
        campaign=c, day=sunrise.today() - timedelta(days=30), leads=808, spend=D("2400.00")
    )

    page = text(manager.get(reverse("campaigns:campaign", args=[sunrise.slug, c.pk])))

    assert "80.8 % of target, 80.1 % of time elapsed — on track" in page
    assert '<span class="band tone-good" data-band="on_track">on track for leads</span>' in page
    assert 'data-status="behind"' not in page
