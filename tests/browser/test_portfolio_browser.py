"""The portfolio in a real browser: the demo's agency manager, and 120 locations; sort by a
column header, search, the attention filter, at 1440×900 and 390×844 without the page
scrolling sideways (the table sits in its own focusable scroll region; on a phone its rows are
cards, tests/browser/test_phone_layouts.py)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from campaigns.models import Campaign, DailyMetric, Location, Membership
from campaigns.tenancy import scopes_disabled
from tests.browser.test_browser import overflowing

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def page_width(page: Page) -> tuple[int, int]:
    return tuple(page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]"))


def row_names(page: Page) -> list[str]:
    return page.locator("#portfolio-table tbody th[scope=row] a").all_inner_texts()


def wait_for_table(page: Page) -> None:
    expect(page.locator("#portfolio-table")).to_be_visible()
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_portfolio_fits_the_screen_and_the_table_scrolls_in_its_region(
    page, login, screenshots, size
):
    page.set_viewport_size(DESKTOP if size == "desktop" else PHONE)
    login(page, "agency-manager")
    page.goto("/portfolio/")
    wait_for_table(page)
    assert sorted(row_names(page)) == ["Harbor Homes", "Sunrise Realty"]
    region = page.get_by_role("region", name="Locations, scrollable")
    expect(region).to_have_attribute("tabindex", "0")
    scroll_width, inner_width = page_width(page)
    assert scroll_width <= inner_width, f"scrolls sideways ({scroll_width}): {overflowing(page)}"
    # The totals row and a sparkline per location.
    expect(page.locator("tfoot tr.totals th")).to_have_text("All 2 locations")
    assert page.locator("tbody .sparkline svg[aria-hidden=true]").count() == 2
    page.wait_for_function(
        """() => [...document.querySelectorAll('canvas[data-chart]')]
                .every((canvas) => window.Chart && Chart.getChart(canvas))"""
    )
    page.screenshot(path=screenshots / f"portfolio-{size}.png", full_page=True)


def test_sorting_by_clicking_a_column_header(page, login):
    login(page, "agency-manager")
    page.goto("/portfolio/")
    wait_for_table(page)
    page.locator("#portfolio-table thead a[data-sort=name]").click()
    expect(page).to_have_url(re.compile(r"sort=name&dir=asc"))
    expect(page.locator("#portfolio-table tbody th[scope=row] a").first).to_have_text(
        "Harbor Homes"
    )
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Location")
    page.locator("#portfolio-table thead a[data-sort=name]").click()
    expect(page).to_have_url(re.compile(r"sort=name&dir=desc"))
    expect(page.locator("#portfolio-table tbody th[scope=row] a").first).to_have_text(
        "Sunrise Realty"
    )


def test_searching_and_the_attention_filter(page, login):
    login(page, "agency-manager")
    page.goto("/portfolio/")
    wait_for_table(page)
    page.get_by_label("Search").fill("harbor")
    page.get_by_label("Search").press("Enter")
    expect(page).to_have_url(re.compile(r"q=harbor"))
    expect(page.locator("#portfolio-table tbody tr")).to_have_count(1)
    assert row_names(page) == ["Harbor Homes"]

    page.goto("/portfolio/")
    wait_for_table(page)
    page.get_by_label("Needs attention only").check()
    expect(page).to_have_url(re.compile(r"attention=1"))
    page.wait_for_load_state("networkidle")
    rows = page.locator("#portfolio-table tbody tr")
    for i in range(rows.count()):
        expect(rows.nth(i)).to_have_class("needs-attention")
    if rows.count() == 0:
        expect(page.get_by_text("No location matches")).to_be_visible()


def add_locations(count: int) -> None:
    """``count`` more locations for the demo's agency manager, with a campaign and a day each."""
    manager = get_user_model().objects.get(username="agency-manager")
    locations = Location.objects.bulk_create(
        Location(name=f"Client {i:03}", slug=f"client-{i:03}") for i in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=manager, location=loc, role=Membership.Role.MANAGER) for loc in locations
    )
    today = locations[0].today()
    with scopes_disabled():
        campaigns = Campaign.objects.bulk_create(
            Campaign(
                location=loc,
                name="Spring push",
                channel="email",
                budget=Decimal("500.00"),
                start_date=today - timedelta(days=20),
            )
            for loc in locations
        )
        DailyMetric.objects.bulk_create(
            DailyMetric(
                location_id=c.location_id,
                campaign=c,
                date=today - timedelta(days=n),
                spend=Decimal("20.00") + i,
                revenue=Decimal("35.50") * (i % 3),
                leads=3,
                conversions=i % 2,
            )
            for i, c in enumerate(campaigns)
            for n in (1, 2, 3)
        )


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_120_locations_page_by_50_without_scrolling_sideways(page, login, size):
    login(page, "agency-manager")
    add_locations(118)  # and the demo's two
    page.set_viewport_size(DESKTOP if size == "desktop" else PHONE)
    page.goto("/portfolio/")
    wait_for_table(page)
    expect(page.locator("#portfolio-table tbody tr")).to_have_count(50)
    expect(page.get_by_text("Page 1 of 3 (120 locations)")).to_be_visible()
    expect(page.locator("tfoot tr.totals th")).to_have_text("All 120 locations")
    scroll_width, inner_width = page_width(page)
    assert scroll_width <= inner_width, f"scrolls sideways ({scroll_width}): {overflowing(page)}"
    page.get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.get_by_text("Page 2 of 3 (120 locations)")).to_be_visible()
    # Sorting starts again at page 1.
    page.locator("#portfolio-table thead a[data-sort=name]").click()
    expect(page).to_have_url(re.compile(r"sort=name&dir=asc$"))
    expect(page.locator("#portfolio-table tbody th[scope=row] a").first).to_have_text("Client 000")
