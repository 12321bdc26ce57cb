"""The managers' pages in a real browser: HTMX swaps, charts, forms, roles, phones, screenshots.

Every test runs against the live server with the demo data (``seed_demo``) and fails if the
browser logs a console error or an uncaught exception (see conftest.py).
"""

import re

import pytest
from playwright.sync_api import Page, expect

from campaigns.models import Campaign
from campaigns.tenancy import scopes_disabled
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser

SUNRISE = "/l/sunrise-realty"
REFERENCE = "January SMS Blast"
ACTIVE = "Spring Listings SMS"
#: Controls only a manager may see (the campaign page's actions and the overview's button).
MANAGER_CONTROLS = ["Record a day", "Set funnel counts", "Edit", "Complete…", "New campaign"]


# ------------------------------------------------------------------ helpers


def campaign_url(name: str, slug: str = "sunrise-realty") -> str:
    with scopes_disabled():
        campaign = Campaign.objects.get(location__slug=slug, name=name)
    return f"/l/{slug}/campaigns/{campaign.pk}/"


def nav(page: Page, name: str) -> None:
    """Follow a link of the location's navigation (Overview, Campaigns, Compare, Channels)."""
    page.locator(".site-nav").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()


def open_campaign(page: Page, name: str, period: str | None = None) -> None:
    """Through the campaign list (over ``period``, a preset's label), as a user would: the
    link keeps the list's period."""
    nav(page, "Campaigns")
    if period:
        page.locator(".period-picker").get_by_role("link", name=period, exact=True).click()
        expect(page.locator(".period-picker .chip.is-active")).to_have_text(period)
    page.locator("#campaign-table").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def charts_drawn(page: Page) -> list[dict]:
    """Waits until every ``canvas[data-chart]`` has its Chart.js chart, then describes them."""
    page.wait_for_function(
        """() => window.Chart && [...document.querySelectorAll('canvas[data-chart]')]
                .every((canvas) => Chart.getChart(canvas))"""
    )
    return page.evaluate(
        """() => [...document.querySelectorAll('canvas[data-chart]')].map((canvas) => {
            const box = canvas.getBoundingClientRect();
            const chart = Chart.getChart(canvas);
            return {name: canvas.dataset.chart, width: box.width, height: box.height,
                    chart: Boolean(chart), type: chart ? chart.config.type : null};
        })"""
    )


def assert_every_chart_drawn(page: Page, at_least: int) -> None:
    charts = charts_drawn(page)
    assert len(charts) >= at_least, f"{page.url}: expected {at_least} charts, found {charts}"
    for chart in charts:
        assert chart["chart"], f"{page.url}: no Chart.js chart on {chart['name']}"
        assert chart["width"] > 0 and chart["height"] > 0, f"{page.url}: empty canvas {chart}"


def compare_two(page: Page, first: str, second: str) -> None:
    """On the compare page: tick two campaigns and compare them (an HTMX swap of #report)."""
    nav(page, "Compare")
    picker = page.locator(".campaign-picker")
    picker.get_by_label(first, exact=True).check()
    picker.get_by_label(second, exact=True).check()
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page.locator("#comparison-table")).to_contain_text(first)
    expect(page.locator("#comparison-table")).to_contain_text(second)


def overflowing(page: Page) -> list[str]:
    """Elements sticking out to the right of the viewport that no ancestor clips: what makes
    the page scroll sideways. An absolutely positioned element is clipped by an ``overflow``
    ancestor only if its containing block is inside that ancestor."""
    return page.evaluate(
        """() => {
            const clips = (el) => getComputedStyle(el).overflowX !== 'visible';
            const unclipped = (el) => {
                const position = getComputedStyle(el).position;
                const absolute = position === 'absolute' || position === 'fixed';
                const block = absolute ? el.offsetParent : el.parentElement;
                for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
                    if (clips(a) && (!absolute || (block && a.contains(block)))) return false;
                }
                return true;
            };
            const describe = (el) => {
                const classes = typeof el.className === 'string' && el.className.trim()
                    ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
                const parent = el.parentElement.tagName.toLowerCase();
                const text = el.textContent.trim().slice(0, 30);
                const right = Math.round(el.getBoundingClientRect().right);
                const tag = el.tagName.toLowerCase();
                return `${tag}${classes} in ${parent} "${text}" right=${right}`;
            };
            return [...document.querySelectorAll('body *')]
                .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
                .filter(unclipped)
                .slice(0, 6)
                .map(describe);
        }"""
    )


def compare_url(*names: str) -> str:
    with scopes_disabled():
        ids = Campaign.objects.filter(location__slug="sunrise-realty", name__in=names)
        return f"{SUNRISE}/compare/?" + "&".join(
            f"ids={pk}" for pk in ids.values_list("pk", flat=True)
        )


# ------------------------------------------------------------------ tests


def test_manager_reads_the_reference_campaigns_roi_cpl_and_conversion_rate(page, login):
    login(page, "sunrise-manager")
    # January's campaign has nothing in the last 30 days: the list over all time links to its
    # page over all time, its whole life.
    open_campaign(page, REFERENCE, period="All time")
    expect(page.locator(".period-picker .chip.is-active")).to_have_text("All time")

    key_metrics = page.locator("#key-metrics")
    expect(key_metrics.locator('[data-metric="roi"]')).to_have_text("260.0 %")
    expect(key_metrics.locator('[data-metric="cost_per_lead"]')).to_have_text("$41.67")
    expect(key_metrics.locator('[data-metric="conversion_rate"]')).to_have_text("10.0 %")
    expect(key_metrics.locator('[data-metric="leads"]')).to_have_text("120")
    expect(key_metrics.locator('[data-metric="conversions"]')).to_have_text("12")


def test_changing_the_period_swaps_the_report_without_a_page_load_and_pushes_the_url(page, login):
    login(page, "sunrise-manager")
    page.goto(f"{SUNRISE}/")
    report = page.locator("#report")
    expect(report.locator(".chip.is-active")).to_have_text("Last 30 days")
    label_before = report.locator(".period-label").inner_text()
    page.evaluate("window.__marker = 1")

    report.get_by_role("link", name="Last 7 days").click()

    page.wait_for_url(re.compile(r"[?&]period=7d"))
    expect(report.locator(".chip.is-active")).to_have_text("Last 7 days")
    expect(report.locator(".period-label")).not_to_have_text(label_before)
    assert page.evaluate("window.__marker") == 1, "the page was reloaded instead of swapped"
    # The swap replaced the fragment only: one header, one #report, the charts drawn again.
    expect(page.locator(".site-header")).to_have_count(1)
    expect(page.locator("#report")).to_have_count(1)
    assert_every_chart_drawn(page, at_least=1)

    page.go_back()

    page.wait_for_url(re.compile(r"/l/sunrise-realty/$"))
    assert "period=7d" not in page.url
    # Back shows the whole overview again (header, title, 30-day report), not a bare fragment.
    expect(page.get_by_role("heading", level=1)).to_have_text("Sunrise Realty")
    expect(page.locator(".site-header")).to_have_count(1)
    expect(page.locator("#report .chip.is-active")).to_have_text("Last 30 days")


def test_coming_back_to_a_pushed_period_url_after_leaving_shows_the_whole_page(page, login):
    """The URL an HTMX swap pushed served a fragment; a later history navigation (or the
    browser's cache) must not show that fragment as the whole page."""
    login(page, "sunrise-manager")
    page.goto(f"{SUNRISE}/")
    page.locator("#report").get_by_role("link", name="Last 7 days").click()
    page.wait_for_url(re.compile(r"[?&]period=7d"))
    expect(page.locator("#report .chip.is-active")).to_have_text("Last 7 days")

    nav(page, "Campaigns")
    expect(page.get_by_role("heading", level=1)).to_have_text("Campaigns")
    page.go_back()

    page.wait_for_url(re.compile(r"/l/sunrise-realty/\?period=7d$"))
    expect(page.locator(".site-header")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sunrise Realty")
    expect(page.locator("#report .chip.is-active")).to_have_text("Last 7 days")


def test_manager_creates_a_campaign_then_records_a_day_and_sees_its_leads(page, login):
    login(page, "sunrise-manager")
    nav(page, "Campaigns")
    page.get_by_role("link", name="New campaign").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New campaign")

    page.get_by_label("Name").fill("Browser Test Postcards")
    page.get_by_label("Channel").select_option(label="Email")
    page.get_by_label("Budget").fill("2500")
    page.get_by_label("Start date").fill("2026-11-01")
    page.get_by_label("End date").fill("2026-12-31")
    page.get_by_role("button", name="Create campaign").click()

    page.wait_for_url(re.compile(r"/l/sunrise-realty/campaigns/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Browser Test Postcards")
    # Nothing recorded yet: the page says how to bring data in rather than showing zeros.
    expect(page.locator("#no-data")).to_contain_text("No results recorded yet")
    expect(page.locator('[data-metric="leads"]')).to_have_count(0)
    # An active campaign: its manager sees every action, "Complete…" included.
    actions = page.locator(".page-header .actions")
    for control in ["Record a day", "Set funnel counts", "Edit", "Complete…"]:
        expect(actions.get_by_role("link", name=control, exact=True)).to_be_visible()
    campaign_page = page.url

    actions.get_by_role("link", name="Record a day").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a day")
    numbers = {
        "Impressions": "5000",
        "Clicks": "250",
        "Leads": "37",
        "Qualified leads": "12",
        "Hot leads": "5",
        "Conversions": "4",
        "Revenue": "3200.00",
        "Spend": "400.00",
    }
    for label, value in numbers.items():
        page.get_by_label(re.compile(rf"^{label}:?$")).fill(value)  # "Leads", not "Hot leads"
    page.get_by_role("button", name="Save the day").click()

    page.wait_for_url(campaign_page)
    expect(page.locator('[data-metric="leads"]')).to_have_text("37")
    expect(page.locator('[data-metric="conversions"]')).to_have_text("4")
    expect(page.locator('[data-metric="cost_per_lead"]')).to_have_text("$10.81")
    expect(page.get_by_role("status")).to_contain_text("Recorded")


def test_every_chart_is_drawn_on_campaign_overview_compare_and_channels(page, login):
    login(page, "sunrise-manager")

    page.goto(campaign_url(REFERENCE))
    assert_every_chart_drawn(page, at_least=4)

    page.goto(f"{SUNRISE}/")
    assert_every_chart_drawn(page, at_least=1)

    compare_two(page, ACTIVE, "Open House Email Series")
    assert_every_chart_drawn(page, at_least=1)

    nav(page, "Channels")
    assert_every_chart_drawn(page, at_least=2)


def test_viewer_sees_no_record_edit_new_or_complete_controls(page, login):
    login(page, "sunrise-viewer")

    page.goto(f"{SUNRISE}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sunrise Realty")
    page.goto(campaign_url(ACTIVE))  # active: a manager would see "Complete…" here
    expect(page.get_by_role("heading", level=1)).to_have_text(ACTIVE)
    for url in [f"{SUNRISE}/", campaign_url(ACTIVE), f"{SUNRISE}/campaigns/"]:
        page.goto(url)
        expect(page.locator("#report")).to_be_visible()
        for control in MANAGER_CONTROLS:
            expect(page.get_by_role("link", name=control)).to_have_count(0)
            expect(page.get_by_role("button", name=control)).to_have_count(0)
        expect(page.get_by_role("link", name="Correct")).to_have_count(0)


def test_no_page_scrolls_sideways_on_a_375px_phone(page, login):
    login(page, "sunrise-manager")
    page.set_viewport_size(PHONE)
    pages = {
        "overview": f"{SUNRISE}/",
        "campaign list": f"{SUNRISE}/campaigns/",
        "campaign page": campaign_url(REFERENCE),
        "compare": compare_url(ACTIVE, REFERENCE),
        "channels": f"{SUNRISE}/channels/",
    }
    too_wide = {}
    for name, url in pages.items():
        page.goto(url)
        charts_drawn(page)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            too_wide[name] = (widths, overflowing(page))
    assert not too_wide, f"pages wider than the phone (scrollWidth, innerWidth): {too_wide}"


def test_the_campaigns_roi_analysis_figures_are_visible_on_a_phone(page, login):
    """A two-column table of figures (label, value) must fit the phone: its values are the
    point, they must not hide to the right of a table that scrolls sideways."""
    login(page, "sunrise-manager")
    page.set_viewport_size(PHONE)
    page.goto(campaign_url(REFERENCE))
    table = page.locator("#financial-table")
    table_width, wrap_width = table.evaluate(
        "(t) => [t.getBoundingClientRect().width, t.parentElement.clientWidth]"
    )
    assert table_width <= wrap_width + 0.5, (
        f"#financial-table is {table_width:.0f}px wide in a {wrap_width}px box: "
        "its values are off screen"
    )


def test_sunrise_manager_gets_the_404_page_for_harbor_homes_urls(page, login, console_errors):
    login(page, "sunrise-manager")
    with scopes_disabled():
        harbor_campaign = Campaign.objects.filter(location__slug="harbor-homes").first()
    urls = [
        "/l/harbor-homes/",
        "/l/harbor-homes/campaigns/",
        f"/l/harbor-homes/campaigns/{harbor_campaign.pk}/",
        f"/l/harbor-homes/campaigns/{harbor_campaign.pk}/metrics/",
        "/l/harbor-homes/channels/",
        # Another location's campaign id under one's own location is not found either.
        f"/l/sunrise-realty/campaigns/{harbor_campaign.pk}/",
    ]
    # The browser logs the 404 of the document itself; that is what this test provokes.
    console_errors.expect(r"status of 404 .*/l/(harbor-homes|sunrise-realty/campaigns/\d+)/")
    for url in urls:
        response = page.goto(url)
        assert response.status == 404, f"{url}: {response.status}"
        expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
        expect(page.locator(".site-header")).to_be_visible()  # the site's own 404 page
        content = page.content()
        assert "Harbor" not in content, f"{url} shows Harbor Homes data"
        assert harbor_campaign.name not in content


def test_pages_load_app_css_htmx_chartjs_and_charts_js(page, login):
    """The live server runs with DEBUG off; the assets must still be served (and applied)."""
    statuses = {}
    page.on("response", lambda r: statuses.update({r.url.split("/static/")[-1]: r.status}))
    login(page, "sunrise-manager")
    page.goto(f"{SUNRISE}/")
    charts_drawn(page)
    for asset in [
        "campaigns/app.css",
        "vendor/htmx/htmx.min.js",
        "vendor/chartjs/chart.umd.min.js",
        "campaigns/charts.js",
    ]:
        assert statuses.get(asset) in (200, 304), f"{asset}: {statuses.get(asset)}"
    assert page.evaluate("() => Boolean(window.htmx && window.Chart && window.drawCharts)")
    # The stylesheet is applied: the body does not keep the browser's default 8px margin.
    assert page.evaluate("() => getComputedStyle(document.body).margin") != "8px"


def test_screenshots_of_every_main_page(page, login, screenshots):
    """Saved on each run under test-artifacts/screenshots/ for a person to look at."""
    for old in screenshots.glob("*.png"):
        old.unlink()

    def shot(name: str) -> None:
        if page.locator("canvas[data-chart]").count():
            charts_drawn(page)
        page.screenshot(path=screenshots / f"{name}.png", full_page=True)
        assert (screenshots / f"{name}.png").stat().st_size > 10_000

    page.goto("/accounts/login/")
    shot("01-login")

    login(page, "agency-manager")
    expect(page.get_by_role("heading", level=1)).to_have_text("Portfolio")
    shot("02-portfolio")

    page.goto(f"{SUNRISE}/")
    shot("03-overview")
    nav(page, "Campaigns")
    shot("04-campaign-list")
    page.goto(campaign_url(REFERENCE))
    shot("05-campaign")
    page.goto(compare_url(ACTIVE, "Open House Email Series"))
    shot("06-compare")
    nav(page, "Channels")
    shot("07-channels")
    page.goto(f"{SUNRISE}/campaigns/new/")
    shot("08-campaign-form")

    page.set_viewport_size(PHONE)
    page.goto(campaign_url(REFERENCE))
    shot("09-campaign-phone")
