"""The judgement in a real browser: one health per campaign, targets against time, pacing pills,
merged recommendations, empty states, on the campaign page, the campaign list and the overview.

The campaigns judged here are created by the tests themselves (through ``campaigns.services``,
relative to the location's today), beside the demo data, so the assertions never depend on
which demo campaign happens to be in which state.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from campaigns import services
from campaigns.models import Campaign, Location
from campaigns.tenancy import scope

pytestmark = pytest.mark.browser

SLUG = "sunrise-realty"
MANAGER = "sunrise-manager"
D = Decimal

# The campaigns this module creates, one per state (names unlike any demo campaign's).
OVER_BUDGET = "Riverside Postcards"  # paused, $8,803.82 spent of a $3,000.00 budget
ON_TRACK = "Lakefront Leads"  # day 121 of 151, 808 of 1,000 leads, spend on plan
SPENDING_AHEAD = "Downtown Display Blitz"  # day 30 of 60, $5,000 of a $6,000 budget
NO_DATA = "Quiet Harbor Launch"  # started 10 days ago, nothing recorded
BEHIND = "Slow Burn Email"  # day 91 of 121, 300 of 1,000 leads
AHEAD = "Referral Rockets"  # day 31 of 61, 90 of 100 leads, ROI target beaten
LOSING = "Costly Clicks"  # over budget and losing money: two findings, one recommendation
PAUSED = "Paused Spring Teaser"  # paused within budget
NOT_STARTED = "Summer Preview SMS"  # starts in 10 days
ENDED = "Autumn Wrap-up Mailer"  # completed early

RANK = {"high": 0, "medium": 1, "low": 2}
#: The states the campaigns above are in, between them every health state there is.
CREATED_STATES = {
    "over_budget",
    "on_track",
    "ahead",
    "behind",
    "no_data",
    "paused",
    "not_started",
    "ended",
}


@dataclass
class Judged:
    location: Location
    today: date
    campaigns: dict[str, Campaign]

    def url(self, name: str) -> str:
        return reverse("campaigns:campaign", args=[SLUG, self.campaigns[name].pk])


def day_text(day: date) -> str:
    """A day as the pages write it: Nov 26, 2026."""
    return f"{day:%b %-d, %Y}"


def _campaign(location, today, name, *, days_ago, days_left, **fields) -> Campaign:
    values = {
        "channel": "email",
        "status": "active",
        "budget": D("3000.00"),
        "start_date": today - timedelta(days=days_ago),
        "end_date": today + timedelta(days=days_left) if days_left is not None else None,
        **fields,
    }
    return services.create_campaign(location=location, name=name, **values)


def _days(campaign, today, days_ago: list[int], **per_day) -> None:
    """Record the same numbers on each of ``days_ago`` (money as decimal strings)."""
    rows = [
        {
            "date": today - timedelta(days=n),
            **{k: D(v) if isinstance(v, str) else v for k, v in per_day.items()},
        }
        for n in days_ago
    ]
    services.record_days(campaign=campaign, rows=rows)


@pytest.fixture
def judged(demo) -> Judged:
    """The demo plus one campaign of Sunrise Realty in each state, relative to its today."""
    location = Location.objects.get(slug=SLUG)
    today = location.today()

    def new(name, **kwargs):
        campaigns[name] = _campaign(location, today, name, **kwargs)
        return campaigns[name]

    campaigns: dict[str, Campaign] = {}
    c = new(OVER_BUDGET, status="paused", days_ago=60, days_left=30)
    _days(c, today, [5], spend="8803.82", revenue="9000.00", leads=40, conversions=2)

    # 151 days (start 121 days ago, end in 29): 121 complete days, 80.1 % of the time.
    # Expected by now: 1,000 × 121/151 = 801.3 leads and $15,100 × 121/151 = $12,100 spend.
    c = new(
        ON_TRACK,
        channel="sms",
        days_ago=121,
        days_left=29,
        budget=D("15100.00"),
        target_leads=1000,
    )
    _days(c, today, [100, 70, 40, 10], leads=202, spend="3025.00", revenue="6000.00")

    # 60 days, 30 complete: $3,000 expected by now, $5,000 spent; leads exactly on plan.
    c = new(
        SPENDING_AHEAD,
        channel="paid_ads",
        days_ago=30,
        days_left=29,
        budget=D("6000.00"),
        target_leads=100,
    )
    _days(c, today, [20, 15, 10, 5, 1], spend="1000.00", revenue="1600.00", leads=10)

    new(NO_DATA, channel="social", days_ago=10, days_left=50, budget=D("6000.00"))

    # 121 days, 91 complete (75.2 %, the last quarter): 300 leads of 752 expected.
    c = new(BEHIND, days_ago=91, days_left=29, budget=D("12100.00"), target_leads=1000)
    _days(c, today, [80, 50, 20], leads=100, spend="3000.00", revenue="4000.00")

    # 61 days, 31 complete: 90 leads of 50.8 expected, spend on plan, ROI 190 % beats 100 % by
    # more than scale-up's margin (140 % needed) over 15 recorded days (14 needed).
    c = new(
        AHEAD,
        channel="organic",
        days_ago=31,
        days_left=29,
        budget=D("6100.00"),
        target_leads=100,
        target_roi=D("1.0"),
    )
    _days(c, today, list(range(1, 30, 2)), leads=6, spend="206.67", revenue="600.00")

    c = new(LOSING, channel="social", days_ago=20, days_left=40, budget=D("1500.00"))
    _days(c, today, [8, 4], spend="1000.00", revenue="250.00", leads=5)

    c = new(PAUSED, status="paused", days_ago=40, days_left=20)
    _days(c, today, [30], spend="500.00", revenue="900.00", leads=12)

    new(NOT_STARTED, channel="sms", days_ago=-10, days_left=60)

    c = new(ENDED, days_ago=40, days_left=20)
    _days(c, today, [35, 25], spend="400.00", revenue="700.00", leads=8, conversions=1)
    services.complete_campaign(campaign=c)

    with scope(location):  # what the pages read is committed and in this location
        assert Campaign.objects.filter(name__in=campaigns).count() == len(campaigns)
    return Judged(location, today, campaigns)


@pytest.fixture
def manager_page(page: Page, login, judged) -> Page:
    login(page, MANAGER)
    return page


# ------------------------------------------------------------------ helpers


def pill_label(pill: Locator) -> str:
    """The visible label of a health pill (its screen-reader reasons left out)."""
    return pill.evaluate("(el) => el.firstChild.textContent").strip()


def panel(page: Page, heading: str) -> Locator:
    """The panel whose heading starts with ``heading`` ("Pacing (lifetime to date)")."""
    return page.locator("section.panel").filter(
        has=page.get_by_role("heading", name=re.compile(rf"^{re.escape(heading)}\b"))
    )


def list_row(page: Page, name: str) -> Locator:
    return page.locator("#campaign-table tbody tr").filter(
        has=page.get_by_role("link", name=name, exact=True)
    )


def pacing_pill(page: Page, quantity: str) -> Locator:
    """The campaign page's pacing pill of "spend", "leads" or "conversions"."""
    return page.locator("p.pacing span.band").filter(has_text=quantity)


def charts_drawn(page: Page) -> None:
    page.wait_for_function(
        """() => window.Chart && [...document.querySelectorAll('canvas[data-chart]')]
                .every((canvas) => Chart.getChart(canvas))"""
    )


def full_page_screenshot(page: Page, folder, name: str) -> None:
    charts_drawn(page)
    path = folder / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000, f"{name} is only {path.stat().st_size} bytes"


# ------------------------------------------------------------------ the campaign page


def test_a_paused_campaign_over_budget_is_red_with_one_high_recommendation(
    manager_page, judged, screenshots
):
    page = manager_page
    page.goto(judged.url(OVER_BUDGET))
    expect(page.get_by_role("heading", level=1)).to_have_text(OVER_BUDGET)

    pill = page.locator(".page-header span.health")
    expect(pill).to_have_attribute("data-health", "over_budget")
    expect(pill).to_have_class("badge health tone-bad")
    assert pill_label(pill) == "Over budget"
    reasons = page.locator("#health-reasons li")
    expect(reasons.first).to_contain_text(
        "Over budget by $5,803.82: spent $8,803.82 of its $3,000.00 budget (293.5 %)"
    )
    expect(page.locator("#health-reasons")).to_contain_text("Paused.")
    # Paused: no pacing line, no spend advice beside the overspend.
    expect(page.locator("p.pacing")).to_have_count(0)

    recs = panel(page, "Recommendations").locator("li.rec")
    expect(recs).to_have_count(1)
    expect(recs).to_have_attribute("data-subject", OVER_BUDGET)
    expect(recs).to_have_attribute("data-rule", "over_budget")
    expect(recs).to_have_class("rec priority-high")
    expect(recs.locator("strong")).to_have_text("High")
    expect(recs).to_contain_text("is over budget: $8,803.82 spent of its $3,000.00 budget")
    full_page_screenshot(page, screenshots, "judgement-campaign-over-budget.png")

    page.goto(reverse("campaigns:campaigns", args=[SLUG]))
    row_pill = list_row(page, OVER_BUDGET).locator("span.health")
    expect(row_pill).to_have_attribute("data-health", "over_budget")
    expect(row_pill).to_have_class("badge health tone-bad")
    assert pill_label(row_pill) == "Over budget"
    full_page_screenshot(page, screenshots, "judgement-campaign-list.png")


def test_targets_and_pacing_judge_leads_against_elapsed_time_and_agree(
    manager_page, judged, screenshots
):
    page = manager_page
    page.goto(judged.url(ON_TRACK))

    pill = page.locator(".page-header span.health")
    expect(pill).to_have_attribute("data-health", "on_track")
    expect(pill).to_have_class("badge health tone-good")

    leads = page.locator(".target[data-target=leads]")
    expect(leads.locator("[data-status]")).to_have_attribute("data-status", "on_track")
    expect(leads.locator("[data-status]")).to_have_text("on track")
    # 808 of 1,000 leads = 80.8 %; day 121 of 151 = 80.1 % of the time; 801 expected by now.
    expect(leads.locator(".target-figures")).to_contain_text("808 of 1,000")
    expect(leads.locator(".target-figures")).to_contain_text("801 expected by now")
    expect(leads.locator(".target-figures")).to_contain_text(
        "80.8 % of target, 80.1 % of time elapsed — on track"
    )
    expect(page.locator("p.pacing")).to_contain_text("day 121 of 151")
    expect(pacing_pill(page, "leads")).to_have_text("on track for leads")
    expect(pacing_pill(page, "leads")).to_have_attribute("data-band", "on_track")
    expect(pacing_pill(page, "spend")).to_have_text("on track for spend")
    expect(pacing_pill(page, "spend")).to_have_class("band tone-good")

    full_page_screenshot(page, screenshots, "judgement-campaign-on-track.png")

    # Targets and pacing never disagree, whichever way a campaign leans.
    for name, band in [(ON_TRACK, "on_track"), (BEHIND, "behind"), (AHEAD, "ahead")]:
        page.goto(judged.url(name))
        status = page.locator(".target[data-target=leads] [data-status]")
        expect(status).to_have_attribute("data-status", band)
        expect(pacing_pill(page, "leads")).to_have_attribute("data-band", band)


def test_the_campaign_page_period_ends_yesterday_not_at_the_campaigns_end_date(
    manager_page, judged
):
    page = manager_page
    campaign = judged.campaigns[ON_TRACK]
    assert campaign.end_date > judged.today
    yesterday = judged.today - timedelta(days=1)
    page.goto(judged.url(ON_TRACK))

    label = page.locator(".period-label")
    expect(label).to_contain_text(f"{day_text(campaign.start_date)} – {day_text(yesterday)}")
    expect(label).to_contain_text("complete days")
    expect(label).not_to_contain_text(day_text(campaign.end_date))
    expect(page.get_by_label("to", exact=True)).to_have_value(yesterday.isoformat())
    expect(page.locator(".period-picker .chip.is-active")).to_have_text("All time")


def test_a_campaign_without_data_says_how_to_bring_it_in_instead_of_empty_charts(
    manager_page, judged, screenshots
):
    page = manager_page
    page.goto(judged.url(NO_DATA))

    no_data = page.locator("#no-data")
    expect(no_data).to_be_visible()
    expect(no_data.get_by_role("heading")).to_have_text("No results recorded yet")
    pk = judged.campaigns[NO_DATA].pk
    for link, href in [
        ("Record a day", reverse("campaigns:metrics", args=[SLUG, pk])),
        ("Import a CSV", reverse("campaigns:import", args=[SLUG])),
        ("Push through the API", reverse("campaigns:tokens", args=[SLUG])),
    ]:
        expect(no_data.get_by_role("link", name=link, exact=True)).to_have_attribute("href", href)

    # Nothing to draw and no zeros to read: no charts, no metric cards, only the next steps
    # (and the targets the campaign will be judged against).
    expect(page.locator("canvas[data-chart]")).to_have_count(0)
    expect(page.locator("#key-metrics")).to_have_count(0)
    expect(page.locator(".target[data-target=leads]")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("break-even reached")
    page.screenshot(path=str(screenshots / "judgement-campaign-no-data.png"), full_page=True)


def test_spending_ahead_of_plan_is_a_warning_never_good_news(manager_page, judged, screenshots):
    page = manager_page
    page.goto(judged.url(SPENDING_AHEAD))

    spend = pacing_pill(page, "spend")
    expect(spend).to_have_text("ahead on spend")
    expect(spend).to_have_attribute("data-band", "ahead")
    expect(spend).to_have_class("band tone-warning")
    expect(pacing_pill(page, "leads")).to_have_class("band tone-good")
    # Results on plan, spend not: on track, in a warning colour.
    pill = page.locator(".page-header span.health")
    expect(pill).to_have_attribute("data-health", "on_track")
    expect(pill).to_have_class("badge health tone-warning")
    expect(page.locator("#health-reasons")).to_contain_text(
        "Spending ahead of plan: $5,000.00 of $3,000.00 expected by now"
    )
    recs = panel(page, "Recommendations").locator("li.rec")
    expect(recs).to_have_count(1)
    expect(recs).to_have_attribute("data-rule", "spending_ahead")
    full_page_screenshot(page, screenshots, "judgement-campaign-spending-ahead.png")

    # The overview's pacing panel colours it the same way.
    page.goto(reverse("campaigns:overview", args=[SLUG]))
    warning = (
        panel(page, "Pacing")
        .locator("li")
        .filter(has=page.get_by_role("link", name=SPENDING_AHEAD, exact=True))
    )
    expect(warning.locator("[data-band=ahead]")).to_have_class("band tone-warning")


# ------------------------------------------------------------------ the overview


def test_the_overviews_change_in_spend_is_coloured_neither_good_nor_bad(manager_page, judged):
    """More spend is not good news, less is not bad news: the spend card's change is muted."""
    page = manager_page
    page.goto(reverse("campaigns:overview", args=[SLUG]))

    change = (
        page.locator(".card").filter(has=page.locator("[data-metric=spend]")).locator(".change")
    )
    expect(change).to_have_class(re.compile(r"\bneutral\b"))  # what the server means
    colours = change.evaluate(
        """(el) => {
            const probe = (name) => {
                const span = document.createElement('span');
                span.style.color = `var(${name})`;
                document.body.append(span);
                const colour = getComputedStyle(span).color;
                span.remove();
                return colour;
            };
            return {shown: getComputedStyle(el).color, good: probe('--good'),
                    bad: probe('--bad'), text: el.textContent};
        }"""
    )
    assert colours["shown"] not in (colours["good"], colours["bad"]), colours


def test_the_overview_gives_one_recommendation_per_subject_and_counts_every_health(
    manager_page, judged, screenshots
):
    page = manager_page
    page.goto(reverse("campaigns:overview", args=[SLUG]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sunrise Realty")

    recs = panel(page, "Recommendations")
    items = recs.locator("li.rec")
    subjects = items.evaluate_all("(els) => els.map((el) => el.dataset.subject)")
    assert all(subjects), f"a recommendation without a subject: {subjects}"
    assert len(subjects) == len(set(subjects)), f"a subject twice: {subjects}"
    # Ours alone make six, so "show all" is there; the top five only are visible.
    for name in (OVER_BUDGET, LOSING, BEHIND, SPENDING_AHEAD, AHEAD):
        assert name in subjects, f"no recommendation for {name}: {subjects}"
    assert len(subjects) > 5
    top = recs.locator(":scope > ul.recs > li.rec")
    expect(top).to_have_count(5)
    more = recs.locator("details.recs-more")
    expect(more.locator("summary")).to_have_text(f"Show all {len(subjects)} recommendations")
    expect(more.locator("li.rec").first).to_be_hidden()
    assert sum(item.is_visible() for item in items.all()) == 5
    # High first: the two over-budget campaigns lead, each one sentence merging its findings.
    priorities = items.evaluate_all("(els) => els.map((el) => el.className)")
    ranks = [RANK[p.removeprefix("rec priority-")] for p in priorities]
    assert ranks == sorted(ranks), priorities
    losing = items.filter(has_text=f"“{LOSING}”")
    expect(losing).to_have_count(1)
    expect(losing).to_contain_text("is over budget")
    expect(losing).to_contain_text("and loses money")
    more.locator("summary").click()
    expect(more.locator("li.rec").first).to_be_visible()
    more.locator("summary").click()

    # The health counts list every state present, most urgent first, and add up.
    counts = page.locator(".health-summary [data-health-count]")
    shown = counts.evaluate_all(
        "(els) => els.map((el) => [el.dataset.healthCount, el.textContent.trim()])"
    )
    states = [state for state, _ in shown]
    assert set(states) >= CREATED_STATES, shown
    order = [
        "over_budget",
        "behind",
        "no_data",
        "ahead",
        "on_track",
        "paused",
        "not_started",
        "ended",
    ]
    assert states == [s for s in order if s in states], shown
    over = dict(shown)["over_budget"]
    assert over.endswith("over budget") and int(over.split()[0]) >= 2, shown
    expect(page.locator(".health-summary [data-health-count=over_budget]")).to_have_class(
        "badge tone-bad"
    )
    full_page_screenshot(page, screenshots, "judgement-overview.png")

    # The same states, as many times, as the campaign list's pills.
    page.goto(reverse("campaigns:campaigns", args=[SLUG]))
    pills = page.locator("#campaign-table tbody span.health").evaluate_all(
        "(els) => els.map((el) => el.dataset.health)"
    )
    assert {s: pills.count(s) for s in set(pills)} == {
        state: int(text.split()[0]) for state, text in shown
    }
