"""Charts in a real browser: two value axes on the trends, the funnel on a log scale with every
stage labelled, the budget allocation doughnut, and each chart's table and note without
JavaScript. Every page fails on a console error or CSP violation (conftest.py)."""

import itertools
import re

import pytest
from playwright.sync_api import Page, expect

from campaigns.models import Campaign
from campaigns.tenancy import scopes_disabled
from tests.browser.conftest import DESKTOP

pytestmark = pytest.mark.browser

SUNRISE = "/l/sunrise-realty"
REFERENCE = "January SMS Blast"
ACTIVE = "Spring Listings SMS"
CAMPAIGN_DESKTOP = {"width": 1440, "height": 900}
CAMPAIGN_PHONE = {"width": 390, "height": 844}


def campaign_url(name: str) -> str:
    with scopes_disabled():
        campaign = Campaign.objects.get(location__slug="sunrise-realty", name=name)
    return f"{SUNRISE}/campaigns/{campaign.pk}/"


def chart_js(page: Page, name: str, body: str):
    """Evaluates ``body`` (an expression of ``chart``) for the chart of canvas ``name``."""
    return page.evaluate(
        f"""(name) => {{
            const chart = Chart.getChart(document.querySelector(`canvas[data-chart="${{name}}"]`));
            return {body};
        }}""",
        name,
    )


def wait_for_charts(page: Page) -> None:
    page.wait_for_function(
        """() => window.Chart && [...document.querySelectorAll('canvas[data-chart]')]
                .every((canvas) => Chart.getChart(canvas))"""
    )


def scales(page: Page, chart: str) -> dict:
    """The chart's scales as Chart.js built them: type, position, ticks."""
    return page.evaluate(
        """(name) => {
            const chart = Chart.getChart(document.querySelector(`canvas[data-chart="${name}"]`));
            const out = {};
            for (const [id, scale] of Object.entries(chart.scales)) {
                out[id] = {type: scale.type, position: scale.position,
                           ticks: scale.ticks.map((t) => t.label),
                           optionsType: chart.options.scales[id].type || null};
            }
            out._datasets = chart.data.datasets.map((d) => ({
                label: d.label, axis: d.yAxisID || d.xAxisID,
                dashed: (d.borderDash || []).length > 0}));
            return out;
        }""",
        chart,
    )


def test_the_campaign_trends_have_two_axes_and_dashed_averages(page, login, screenshots):
    page.set_viewport_size(CAMPAIGN_DESKTOP)
    login(page, "sunrise-manager")
    page.goto(campaign_url(ACTIVE) + "?period=30d")
    wait_for_charts(page)
    found = scales(page, "results-chart")
    assert found["y"]["position"] == "left" and found["yRight"]["position"] == "right"
    by_label = {d["label"]: d for d in found["_datasets"]}
    assert by_label["Leads"]["axis"] == "y"
    assert by_label["Conversions"]["axis"] == "yRight"
    # The money chart: spend and revenue on one money scale.
    money = scales(page, "money-chart")
    assert {d["axis"] for d in money["_datasets"]} == {"y"} and "yRight" not in money
    assert by_label["Conversions, 7-day average"]["dashed"] is True
    assert by_label["Conversions"]["dashed"] is False
    # Drawn: the note is gone, the table folded into "Show as table" (still in the page).
    figure = page.locator('[data-chart-figure="results-chart"]')
    expect(figure).to_have_class(re.compile(r"\bchart-drawn\b"))
    expect(figure.locator(".chart-nojs")).to_be_hidden()
    expect(figure.locator("#results-chart-table")).to_be_hidden()
    page.screenshot(path=screenshots / "campaign-desktop.png", full_page=True)
    figure.locator("summary", has_text="Show as table").click()
    expect(figure.locator("#results-chart-table")).to_be_visible()


def test_the_funnel_is_on_a_log_scale_with_one_label_per_stage(page, login):
    login(page, "sunrise-manager")
    page.goto(campaign_url(REFERENCE))
    wait_for_charts(page)
    found = scales(page, "funnel-chart")
    assert found["x"]["type"] == "logarithmic"
    stages = page.locator("#funnel-chart-table tbody tr").count()
    assert stages >= 4
    assert len(found["y"]["ticks"]) == stages
    # The stage labels do not overlap: Chart.js places each tick; their boxes are disjoint.
    # The stage labels do not overlap: each tick is at least a line of text from the next.
    found = chart_js(
        page,
        "funnel-chart",
        """{font: Chart.defaults.font.size,
            at: chart.scales.y.ticks.map((_, i) => chart.scales.y.getPixelForTick(i))}""",
    )
    for above, below in itertools.pairwise(found["at"]):
        assert below - above >= found["font"] * 1.2


def test_the_campaign_page_on_a_phone(page, login, screenshots):
    page.set_viewport_size(CAMPAIGN_PHONE)
    login(page, "sunrise-manager")
    page.goto(campaign_url(ACTIVE) + "?period=30d")
    wait_for_charts(page)
    for name in ("results-chart", "money-chart", "funnel-chart"):
        box = page.locator(f'canvas[data-chart="{name}"]').bounding_box()
        assert box and 0 < box["width"] <= CAMPAIGN_PHONE["width"] and box["height"] > 150
    page.screenshot(path=screenshots / "campaign-phone.png", full_page=True)


def test_a_long_period_is_charted_by_week(page, login):
    login(page, "sunrise-manager")
    page.goto(campaign_url(ACTIVE) + "?period=all")
    wait_for_charts(page)
    labels = chart_js(page, "money-chart", "chart.data.labels")
    days = page.evaluate(
        """() => JSON.parse(document.getElementById('money-chart').textContent).labels.length"""
    )
    if days and labels[0].startswith("Week of"):
        assert all(label.startswith("Week of ") for label in labels)
    else:  # the demo campaign is young: a daily chart, by day
        assert not labels[0].startswith("Week")


def test_the_channels_page_shows_the_budget_allocation(page, login, screenshots):
    page.set_viewport_size(CAMPAIGN_DESKTOP)
    login(page, "sunrise-manager")
    page.goto(f"{SUNRISE}/channels/")
    wait_for_charts(page)
    chart = chart_js(
        page,
        "allocation-chart",
        """{type: chart.config.type, labels: chart.data.labels,
            colours: chart.data.datasets[0].backgroundColor}""",
    )
    assert chart["type"] == "doughnut"
    assert all(re.search(r"\d%$", label) for label in chart["labels"])
    assert len(set(chart["colours"])) == len(chart["labels"])
    expect(page.locator("#allocation-table")).to_be_visible()
    page.screenshot(path=screenshots / "channels-desktop.png", full_page=True)


def test_without_javascript_each_chart_shows_its_table_and_a_note(browser, live_server, demo):
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("sunrise-manager")
        page.get_by_label("Password").fill("pw-browser-1")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.goto(campaign_url(REFERENCE))
        for name in ("budget-chart", "funnel-chart", "results-chart", "money-chart"):
            figure = page.locator(f'[data-chart-figure="{name}"]')
            expect(figure.get_by_text("Turn on JavaScript to see this as a chart")).to_be_visible()
            expect(figure.locator(f"#{name}-table")).to_be_visible()
            # No empty box where the chart would be.
            expect(figure.locator(".chart")).to_be_hidden()
        page.goto(f"{SUNRISE}/channels/")
        figure = page.locator('[data-chart-figure="allocation-chart"]')
        expect(figure.get_by_text("Turn on JavaScript to see this as a chart")).to_be_visible()
        expect(page.locator("#allocation-table")).to_be_visible()
    finally:
        context.close()


def test_the_printed_report_keeps_every_funnel_label_and_drops_the_table_folds(
    page, login, screenshots
):
    login(page, "sunrise-manager")
    page.goto(campaign_url(REFERENCE) + "report/")
    wait_for_charts(page)
    page.emulate_media(media="print")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    page.wait_for_function(
        """() => {
            const canvas = document.querySelector('canvas[data-chart="funnel-chart"]');
            return Math.abs(Chart.getChart(canvas).width - canvas.parentNode.clientWidth) <= 1;
        }"""
    )
    found = chart_js(
        page,
        "funnel-chart",
        """{font: Chart.defaults.font.size, labels: chart.scales.y.ticks.map((t) => t.label),
            at: chart.scales.y.ticks.map((_, i) => chart.scales.y.getPixelForTick(i))}""",
    )
    assert len(found["labels"]) == page.locator("#funnel-table tbody tr").count()
    for above, below in itertools.pairwise(found["at"]):
        assert below - above >= found["font"] * 1.2
    # On paper a drawn chart is the chart: no "Show as table" fold, no note.
    expect(page.locator(".chart-figure .chart-data").first).to_be_hidden()
    expect(page.locator(".chart-figure .chart-nojs").first).to_be_hidden()
    page.screenshot(path=screenshots / "report-print.png", full_page=True)
