"""Alert rules in a real browser (issue 10): a manager adds "Cost per lead above $12 over the
last 7 days", which the demo's Google Search campaign breaks, sees its alert in the inbox at
once, and switches their alert e-mails to the daily digest; no console error on the way."""

import pytest
from playwright.sync_api import expect

from campaigns.models import AlertEmailPreference, Location
from campaigns.tenancy import scope

pytestmark = pytest.mark.browser


def test_a_manager_adds_a_rule_sees_its_alert_and_chooses_the_digest(page, login, screenshots):
    login(page, "sunrise-manager")
    page.goto("/l/sunrise-realty/alerts/")
    page.get_by_role("link", name="Alert rules").click()
    expect(page.get_by_role("heading", name="Alert rules", exact=True)).to_be_visible()

    # A threshold that is not a number is refused with a reason, and nothing is saved.
    page.locator("#id_metric").select_option("cost_per_lead")
    page.locator("#id_comparison").select_option("above")
    page.get_by_label("Threshold").fill("12,5")
    page.get_by_role("button", name="Add rule").click()
    expect(page.get_by_text("no thousands separators")).to_be_visible()
    expect(page.get_by_text("No alert rule yet.")).to_be_visible()

    page.get_by_label("Threshold").fill("$12")
    page.locator("#id_window_days").select_option("7")
    page.get_by_role("button", name="Add rule").click()
    rule = "Cost per lead above $12.00 over the last 7 days"
    expect(page.get_by_text(f"Alert rule added: {rule}.")).to_be_visible()
    expect(page.locator("#alert-rules")).to_contain_text(rule)
    expect(page.locator("#alert-rules")).to_contain_text("All active campaigns")
    page.screenshot(path=screenshots / "alert-rules.png", full_page=True)

    page.get_by_role("link", name="Back to the alerts").click()
    row = page.locator("#open-alerts tr", has_text="Google Search — Buyers").filter(
        has_text="Custom rule"
    )
    expect(row).to_contain_text("over the last 7 days is above $12.00.")
    expect(row).to_contain_text("Cost per lead $")
    expect(page.locator(".site-nav .badge")).to_be_visible()

    page.get_by_label("A daily digest at 08:00 (the location's time)").check()
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text(
            "Your alert e-mails for Sunrise Realty: a daily digest at 08:00 (the location's time)."
        )
    ).to_be_visible()
    expect(page.get_by_label("A daily digest at 08:00 (the location's time)")).to_be_checked()
    page.screenshot(path=screenshots / "alerts-rule-and-digest.png", full_page=True)

    sunrise = Location.objects.get(slug="sunrise-realty")
    with scope(sunrise):
        [choice] = AlertEmailPreference.objects.filter(user__username="sunrise-manager")
    assert choice.delivery == "digest"
