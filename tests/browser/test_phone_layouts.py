"""The agency's main tables on a 390 px phone and the portfolio on a 1440 px screen.

On a phone the portfolio, channels, compare, alerts and activity tables become cards (as the
campaign list does): each row shows the figures that matter, under their names, inside the
screen, with no sideways scrolling of the page or of the table's own region, and the browser
still exposes a table (rows, row headers, cells). The printable report fits the phone too. At
1440 px the portfolio's default order, money at risk, is in view without scrolling.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from campaigns.models import Alert, Campaign
from campaigns.tenancy import scopes_disabled
from tests.browser.test_browser import charts_drawn, overflowing

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
SUNRISE = "/l/sunrise-realty"
MONEY = re.compile(r"^-?\$[\d,]+\.\d\d")
PERCENT = re.compile(r"^(-?[\d,]+\.\d %|—)")
NUMBER = re.compile(r"^[\d,]+")


def campaign_ids(*names: str) -> list[int]:
    with scopes_disabled():
        campaigns = Campaign.objects.filter(location__slug="sunrise-realty", name__in=names)
        return list(campaigns.values_list("pk", flat=True))


def fits_the_phone(page: Page, table: str) -> None:
    """Neither the page nor the table's own scroll region scrolls sideways."""
    scroll_width, inner_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"scrolls sideways ({scroll_width}): {overflowing(page)}"
    region = page.locator(table).locator("xpath=..")
    scroll, client = region.evaluate("(el) => [el.scrollWidth, el.clientWidth]")
    assert scroll <= client, f"{table}'s region scrolls sideways ({scroll} in {client})"


def shows(cell, pattern: re.Pattern | str | None = None) -> str:
    """The cell is visible, inside the phone's width, under its own name (its data-label drawn
    before it); returns its text without that name."""
    expect(cell).to_be_visible()
    box = cell.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    label = cell.get_attribute("data-label")
    before = cell.evaluate("(el) => getComputedStyle(el, '::before').content")
    assert before == f'"{label}"', (label, before)
    text = cell.inner_text().strip()
    if pattern is not None:
        assert re.search(pattern, text), f"{label}: {text!r}"
    return text


def too_wide(page: Page) -> list[str]:
    """The visible elements of the report's sheet that reach past either edge of the screen."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.report-sheet *')]
            .filter((el) => {
                const box = el.getBoundingClientRect();
                return el.checkVisibility() && box.width > 0
                    && (box.left < 0 || box.right > window.innerWidth);
            })
            .map((el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className}`)"""
    )


def is_a_card(row) -> None:
    assert row.evaluate("(tr) => getComputedStyle(tr).display") == "grid"


def table_roles(page: Page, table: str) -> dict[str, list[str]]:
    """What Chromium's accessibility tree exposes inside ``table``: names by role."""
    cdp = page.context.new_cdp_session(page)
    handle = cdp.send("Runtime.evaluate", {"expression": f"document.querySelector('{table}')"})
    found = {}
    for role in ("table", "row", "rowheader", "columnheader", "cell"):
        nodes = cdp.send(
            "Accessibility.queryAXTree", {"objectId": handle["result"]["objectId"], "role": role}
        )["nodes"]
        found[role] = [(n.get("name") or {}).get("value", "") for n in nodes if not n["ignored"]]
    cdp.detach()
    return found


@pytest.fixture
def phone(page, login):
    """The demo's agency manager (both locations) on a 390×844 phone."""
    page.set_viewport_size(PHONE)
    login(page, "agency-manager")
    return page


def test_the_portfolio_is_a_card_per_location_with_money_at_risk_beside_its_name(
    phone, screenshots
):
    phone.goto("/portfolio/")
    rows = phone.locator("#portfolio-table tbody tr")
    expect(rows).to_have_count(2)
    for row in [*rows.all(), phone.locator("#portfolio-table tfoot tr").first]:
        is_a_card(row)
        name = row.locator("th[scope=row]")
        expect(name).to_be_visible()
        risk = row.locator('td[data-label="Money at risk"]')
        shows(risk, MONEY)
        # Beside the name: on its first line, to its right.
        name_box, risk_box = name.bounding_box(), risk.bounding_box()
        assert risk_box["y"] < name_box["y"] + name_box["height"], (name_box, risk_box)
        assert risk_box["x"] >= name_box["x"] + name_box["width"] - 1, (name_box, risk_box)
        # Spend, ROI and leads, each with its change against the previous period.
        for label, value in [("Spend", MONEY), ("ROI", PERCENT), ("Leads", NUMBER)]:
            cell = row.locator(f'td[data-label="{label}"]')
            shows(cell, value)
            expect(cell.locator(".change, .undefined").first).to_be_visible()
        for label in ["Over budget", "Behind", "On track"]:
            shows(row.locator(f'td[data-label="{label}"]'), r"^\d+$")
        for left_off in ["Revenue", "Profit", "Budget used"]:
            expect(row.locator(f'td[data-label="{left_off}"]')).to_be_hidden()
    # The header row is a row of sort links for the columns a card shows, the order marked.
    expect(phone.locator('#portfolio-table thead a[data-sort="money_at_risk"]')).to_be_visible()
    expect(phone.locator("#portfolio-table th[aria-sort=descending]")).to_contain_text(
        "Money at risk"
    )
    fits_the_phone(phone, "#portfolio-table")
    # Still a table for assistive technology: a row per location, the total and the header.
    roles = table_roles(phone, "#portfolio-table")
    assert len(roles["table"]) == 1 and len(roles["row"]) == 4  # header, 2 locations, total
    headers = " | ".join(roles["rowheader"])
    for name in ["Sunrise Realty", "Harbor Homes", "All 2 locations"]:
        assert name in headers, headers
    assert sum(name.startswith("Money at risk $") for name in roles["cell"]) == 3, roles["cell"]
    phone.screenshot(path=screenshots / "phone-portfolio.png", full_page=True)


def test_the_channels_are_a_card_per_channel_with_spend_share_roi_and_cpl(phone, screenshots):
    phone.goto(f"{SUNRISE}/channels/")
    charts_drawn(phone)
    rows = phone.locator("#channel-table tbody tr, #channel-table tfoot tr")
    assert rows.count() >= 3
    for row in rows.all():
        is_a_card(row)
        expect(row.locator("th[scope=row]")).to_be_visible()
        shows(row.locator('td[data-label="Spend"]'), MONEY)
        shows(row.locator('td[data-label="Spend share"]'), PERCENT)
        shows(row.locator('td[data-label="ROI"]'), PERCENT)
        shows(row.locator('td[data-label="CPL"]'), r"^(\$[\d,]+\.\d\d|—)")
        expect(row.locator('td[data-label="Revenue"]')).to_be_hidden()
    expect(phone.locator("#channel-table tfoot th[scope=row]")).to_have_text("All channels")
    fits_the_phone(phone, "#channel-table")
    roles = table_roles(phone, "#channel-table")
    assert len(roles["rowheader"]) == rows.count()
    phone.screenshot(path=screenshots / "phone-channels.png", full_page=True)


def test_compare_is_a_card_per_campaign_with_roi_conversion_cpl_and_spend(phone):
    ids = campaign_ids("Spring Listings SMS", "Open House Email Series", "Blog & SEO")
    phone.goto(f"{SUNRISE}/compare/?" + "&".join(f"ids={pk}" for pk in ids))
    rows = phone.locator("#comparison-table tbody tr")
    expect(rows).to_have_count(3)
    for row in rows.all():
        is_a_card(row)
        expect(row.locator("th[scope=row]").get_by_role("link")).to_be_visible()
        expect(row.locator(".health")).to_be_visible()
        shows(row.locator('td[data-label="ROI"]'), PERCENT)
        shows(row.locator('td[data-label="Lead → conv."]'), PERCENT)
        shows(row.locator('td[data-label="CPL"]'), MONEY)
        shows(row.locator('td[data-label="Spend"]'), MONEY)
        expect(row.locator('td[data-label="Revenue"]')).to_be_hidden()
    fits_the_phone(phone, "#comparison-table")


def test_alerts_show_their_why_when_and_state_on_a_phone(phone, screenshots):
    with scopes_disabled():
        alerts = Alert.objects.filter(location__slug="sunrise-realty", campaign__isnull=False)
        resolved = alerts.select_related("campaign").first()
        Alert.objects.filter(pk=resolved.pk).update(resolved_at=timezone.now())
        open_alerts = {(a.campaign.name, a.message) for a in alerts.filter(resolved_at=None)}
    assert open_alerts, "the demo has no other open alert"

    phone.goto(f"{SUNRISE}/alerts/")
    rows = phone.locator("#open-alerts tbody tr")
    expect(rows).to_have_count(len(open_alerts))
    shown = set()
    for row in rows.all():
        is_a_card(row)
        campaign = row.locator("td.card-title").get_by_role("link")
        expect(campaign).to_be_visible()
        shown.add((campaign.inner_text(), shows(row.locator('td[data-label="Why"]'))))
        shows(row.locator('td[data-label="Since"]'), r"\d{4} \d\d:\d\d")
        # Acknowledged on a date, or the button that does it.
        shows(row.locator('td[data-label="Acknowledged"]'), r"Acknowledge|\d{4}")
    assert shown == open_alerts
    fits_the_phone(phone, "#open-alerts")

    row = phone.locator("#resolved-alerts tbody tr")
    expect(row).to_have_count(1)
    expect(row.get_by_role("link")).to_have_text(resolved.campaign.name)
    assert shows(row.locator('td[data-label="Why"]')) == resolved.message
    shows(row.locator('td[data-label="Opened"]'), r"\d{4} \d\d:\d\d")
    shows(row.locator('td[data-label="Resolved"]'), r"\d{4} \d\d:\d\d")
    fits_the_phone(phone, "#resolved-alerts")
    phone.screenshot(path=screenshots / "phone-alerts.png", full_page=True)

    # The portfolio's open alerts: every location's, each with its location and its why.
    phone.goto("/portfolio/alerts/")
    rows = phone.locator("#portfolio-alerts tbody tr")
    assert rows.count() >= len(open_alerts)
    for row in rows.all():
        is_a_card(row)
        shows(row.locator('td[data-label="Location"]'), r"Sunrise Realty|Harbor Homes")
        shows(row.locator('td[data-label="Campaign"]'))
        assert len(shows(row.locator('td[data-label="Why"]'))) > 10
        shows(row.locator('td[data-label="Since"]'), r"\d{4} \d\d:\d\d")
        shows(row.locator('td[data-label="Acknowledged"]'), r"not yet|\d{4}")
    fits_the_phone(phone, "#portfolio-alerts")


def test_the_activity_shows_when_who_and_what_changed_on_a_phone(phone):
    phone.goto(f"{SUNRISE}/activity/")
    rows = phone.locator("#activity-table tbody tr")
    assert rows.count() >= 5
    for row in rows.all()[:10]:
        is_a_card(row)
        shows(row.locator('td[data-label="When"]'), r"\d{4} \d\d:\d\d")
        shows(row.locator('td[data-label="Who"]'))
        shows(row.locator('td[data-label="What"]'), r"Created|Changed|Deleted")
        shows(row.locator('td[data-label="Changes"]'))
    fits_the_phone(phone, "#activity-table")
    # The same rows on a campaign's own history.
    (reference,) = campaign_ids("January SMS Blast")
    phone.goto(f"{SUNRISE}/campaigns/{reference}/history/")
    first = phone.locator("#history-table tbody tr").first
    is_a_card(first)
    shows(first.locator('td[data-label="Changes"]'))
    fits_the_phone(phone, "#history-table")


def test_the_printable_report_fits_a_phone(phone, screenshots):
    (reference,) = campaign_ids("January SMS Blast")
    phone.goto(f"{SUNRISE}/campaigns/{reference}/report/?period=all")
    charts_drawn(phone)
    scroll_width, inner_width = phone.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"scrolls sideways ({scroll_width}): {overflowing(phone)}"
    # No chart, table, list or line of the sheet is wider than the screen, clipped or not;
    # nor are the charts' tables once unfolded ("Show as table").
    assert not too_wide(phone)
    for fold in phone.locator(".report-sheet details.chart-data").all():
        fold.locator("summary").click()
        expect(fold.locator("table")).to_be_visible()
    assert not too_wide(phone)
    # Each day's figures under their names, the period on a line of its own.
    day = phone.locator("#daily-table tbody tr").first
    assert day.evaluate("(tr) => getComputedStyle(tr).display") == "grid"
    spend = day.locator("td").nth(6)
    assert spend.evaluate("(td) => getComputedStyle(td, '::before').content") == '"Spend"'
    assert MONEY.search(spend.inner_text())
    # A definition is read under its term, not squeezed beside it.
    definition = phone.locator(".report-definitions dd").first.bounding_box()
    assert definition["width"] > inner_width * 0.7, definition
    phone.screenshot(path=screenshots / "phone-report.png", full_page=True)


def test_at_1440px_the_portfolios_money_at_risk_is_in_view_without_scrolling(page, login):
    page.set_viewport_size(DESKTOP)
    login(page, "agency-manager")
    page.goto("/portfolio/")
    header = page.locator('#portfolio-table thead th[data-col="money_at_risk"]')
    expect(header).to_have_attribute("aria-sort", "descending")
    cells = page.locator('#portfolio-table td[data-col="money_at_risk"]')
    expect(cells).to_have_count(3)  # two locations and their total
    region = page.get_by_role("region", name="Locations, scrollable")
    assert region.evaluate("(el) => el.scrollLeft") == 0
    assert page.evaluate("() => window.scrollX") == 0
    expect(header).to_contain_text("Money at risk")
    for element in [header, *cells.all()]:
        expect(element).to_be_visible()
        box = element.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= DESKTOP["width"], box
    for cell in cells.all():
        assert MONEY.search(cell.inner_text()), cell.inner_text()
    # The desktop table keeps its sort links and every column.
    expect(page.locator("#portfolio-table thead th")).to_have_count(15)
    expect(page.locator('#portfolio-table td[data-col="revenue"]').first).to_be_visible()
