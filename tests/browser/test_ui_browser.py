"""KPI cards, the campaign list on a phone, and keyboard focus, in a real browser.

The demo data (``seed_demo``) signed in as Sunrise Realty's manager. Screenshots of the
overview and the campaign list at both widths are saved for the README.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from campaigns.models import Campaign
from campaigns.tenancy import scopes_disabled

pytestmark = pytest.mark.browser

SUNRISE = "/l/sunrise-realty"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 640}


def no_page_overflow(page: Page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def card_values(page: Page) -> list[dict]:
    """Each KPI card's value: its height against one line, and whether all of it shows."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.card-value')].map((el) => {
            const style = getComputedStyle(el);
            return {
                metric: el.dataset.metric,
                text: el.innerText,
                height: el.getBoundingClientRect().height,
                line: parseFloat(style.lineHeight),
                clipped: el.scrollWidth > el.clientWidth + 1,
            };
        })"""
    )


def test_the_campaign_list_is_a_column_of_cards_on_a_phone(page, login, screenshots):
    login(page, "sunrise-manager")
    page.goto(f"{SUNRISE}/campaigns/?period=all")
    page.screenshot(path=screenshots / "campaigns-desktop.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.reload()

    rows = page.locator("#campaign-table tbody tr")
    assert rows.count() >= 3
    first = rows.first
    assert first.evaluate("(row) => getComputedStyle(row).display") == "grid"
    for label in ["Spend", "ROI", "CPL"]:
        cell = first.locator(f'td[data-label="{label}"]')
        expect(cell).to_be_visible()
        label_text = cell.evaluate("(td) => getComputedStyle(td, '::before').content")
        assert label_text == f'"{label}"'
    expect(first.locator(".health")).to_be_visible()
    expect(first.get_by_role("link")).to_be_visible()
    expect(first.locator('td[data-label="Revenue"]')).to_be_hidden()
    expect(page.locator("#campaign-table .totals-row")).to_contain_text("Total")
    assert no_page_overflow(page), "the page scrolls sideways at 390 px"
    page.screenshot(path=screenshots / "campaigns-phone.png", full_page=True)


def test_the_campaign_list_searches_and_keeps_the_search_when_sorting(page, login):
    login(page, "sunrise-manager")
    page.goto(f"{SUNRISE}/campaigns/?period=all")

    search = page.get_by_role("searchbox", name="Search")
    search.fill("SMS")
    search.press("Enter")
    page.wait_for_url(re.compile(r"[?&]q=SMS"))
    names = page.locator("#campaign-table tbody th.col-name a").all_inner_texts()
    assert names and all("SMS" in name.upper() for name in names)

    page.locator("#campaign-table thead").get_by_role("link", name="Spend").click()
    page.wait_for_url(re.compile(r"sort=spend"))
    assert "q=SMS" in page.url
    assert page.locator("#campaign-table tbody th.col-name a").count() == len(names)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE, NARROW], ids=["1440", "390", "320"])
def test_kpi_card_numbers_never_wrap(page, login, screenshots, viewport):
    login(page, "sunrise-manager")
    page.set_viewport_size(viewport)
    with scopes_disabled():
        campaign = Campaign.objects.get(location__slug="sunrise-realty", name="January SMS Blast")
    for url in [f"{SUNRISE}/?period=all", f"{SUNRISE}/campaigns/{campaign.pk}/"]:
        page.goto(url)
        values = card_values(page)
        assert len(values) >= 5, url
        for value in values:
            assert value["height"] <= value["line"] + 1, (viewport, url, value)
            assert not value["clipped"], (viewport, url, value)
        heights = page.locator(".cards .card").evaluate_all(
            "(cards) => cards.map((card) => card.getBoundingClientRect().height)"
        )
        assert max(heights) - min(heights) < 1, f"cards of unequal height: {heights}"
        assert no_page_overflow(page), (viewport, url)
    if viewport in (DESKTOP, PHONE):
        page.goto(f"{SUNRISE}/?period=all")
        name = "desktop" if viewport is DESKTOP else "phone"
        page.screenshot(path=screenshots / f"overview-{name}.png", full_page=True)


def test_a_spend_card_shows_compact_money_with_the_exact_amount_on_hover(page, login):
    login(page, "sunrise-manager")
    page.goto(f"{SUNRISE}/?period=all")

    spend = page.locator('.card-value[data-metric="spend"]')
    assert re.fullmatch(r"\$[\d.]+[KM]", spend.locator('[aria-hidden="true"]').inner_text())
    assert re.fullmatch(r"\$\d{1,3}(,\d{3})+\.\d\d", spend.get_attribute("title"))
    expect(spend.locator(".sr-only")).to_have_text(spend.get_attribute("title"))


def test_after_changing_the_period_focus_is_on_the_regions_heading(page, login):
    login(page, "sunrise-manager")
    page.goto(f"{SUNRISE}/")

    page.locator("#report").get_by_role("link", name="Last 7 days").click()
    page.wait_for_url(re.compile(r"[?&]period=7d"))
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.matches('#report h2')"
    )
    focused = page.evaluate(
        "() => [document.activeElement.innerText, document.activeElement.dataset.focusAfterSwap]"
    )
    assert focused == ["Figures: Last 7 days", ""]
    expect(page.locator("#live-region")).to_have_text("Updated: Figures: Last 7 days")


def test_the_first_tab_reaches_skip_to_content_which_focuses_main(page, login):
    login(page, "sunrise-manager")
    page.goto(f"{SUNRISE}/campaigns/")

    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Skip to content")
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["height"] > 10, "the focused skip link is off screen"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "content"
    assert page.evaluate("() => document.activeElement.tagName") == "MAIN"


def test_menus_close_on_escape_and_outside_click_one_open_at_a_time(page, login):
    login(page, "agency-manager")
    page.goto(f"{SUNRISE}/")
    locations, user = page.locator("details[data-menu]").all()

    locations.locator("summary").click()
    expect(locations).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    expect(locations).not_to_have_attribute("open", "")
    expect(locations.locator("summary")).to_be_focused()

    locations.locator("summary").click()
    user.locator("summary").click()
    expect(user).to_have_attribute("open", "")
    expect(locations).not_to_have_attribute("open", "")

    page.locator("h1").click()
    expect(user).not_to_have_attribute("open", "")


def test_a_metric_definition_opens_with_the_keyboard(page, login):
    login(page, "sunrise-manager")
    page.goto(f"{SUNRISE}/?period=all")
    roi = page.locator(".card").filter(has=page.locator('[data-metric="roi"]'))
    define = roi.locator("details.define")
    text = define.locator(".define-text")
    expect(text).to_be_hidden()

    define.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(text).to_be_visible()
    expect(text).to_have_text("Return on investment: (revenue − spend) / spend.")
    page.keyboard.press("Escape")
    expect(text).to_be_hidden()

    cpl = page.locator(".card").filter(has=page.locator('[data-metric="cost_per_lead"]'))
    cpl.locator("details.define summary").focus()
    page.keyboard.press("Space")
    expect(cpl.locator(".define-text")).to_have_text("Cost per lead (CPL): spend / leads.")
