"""CSV import in a real browser: upload → preview → commit, and the dashboard changes.

Runs against the live server with the demo data (``seed_demo``); fails on any console error.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from campaigns.models import Campaign
from campaigns.tenancy import scopes_disabled
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser

SUNRISE = "/l/sunrise-realty"
OURS = Path(__file__).resolve().parents[1] / "data" / "ours.csv"


@pytest.fixture(autouse=True)
def _staging(settings, tmp_path):
    settings.IMPORT_STAGING_DIR = tmp_path / "imports"


def open_reference_campaign(page: Page) -> None:
    """From the list over all time (the January campaign has nothing in the last 30 days): the
    link keeps the window, so the campaign page shows its whole life."""
    page.locator(".site-nav").get_by_role("link", name="Campaigns", exact=True).click()
    page.locator(".period-picker").get_by_role("link", name="All time", exact=True).click()
    page.wait_for_url(re.compile(r"\?period=all$"))
    page.locator("#campaign-table").get_by_role("link", name="January SMS Blast").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("January SMS Blast")
    assert page.url.endswith("?period=all")


def test_manager_uploads_previews_and_commits_a_file_and_sees_the_numbers_change(
    page, login, screenshots
):
    login(page, "sunrise-manager")
    open_reference_campaign(page)
    leads = page.locator('#key-metrics [data-metric="leads"]')
    expect(leads).to_have_text("120")

    page.locator(".site-nav").get_by_role("link", name="Import", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import daily results")
    page.get_by_label("CSV file").set_input_files(OURS)
    page.get_by_role("button", name="Preview import").click()

    page.wait_for_url(re.compile(r"/l/sunrise-realty/import/[\w-]{32}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Import preview")
    summary = page.locator("#import-summary")
    expect(summary.locator('[data-count="added"]')).to_have_text("2")
    expect(summary.locator('[data-count="replaced"]')).to_have_text("1")
    expect(summary.locator('[data-count="missing"]')).to_have_text("1")
    expect(page.locator("#replaced-table")).to_contain_text("Leads 30 → 32")
    expect(page.locator("#missing-table")).to_contain_text("Winter Open House Email")
    page.screenshot(path=screenshots / "import-preview.png", full_page=True)

    page.get_by_label("Create the 1 campaign not found, then import").check()
    page.get_by_label("Channel of the new campaign").select_option(label="Email")
    page.get_by_role("button", name="Commit import").click()

    page.wait_for_url(re.compile(r"/l/sunrise-realty/campaigns/$"))
    expect(page.locator(".message.success")).to_have_text(
        re.compile(r"^Imported 6 days: 5 added, 1 replaced\. Created 1 campaign")
    )
    expect(page.locator("#campaign-table")).to_contain_text("Winter Open House Email")
    open_reference_campaign(page)
    expect(leads).to_have_text("175")  # 120 − 30 + 32 + 28 + 25
    with scopes_disabled():
        created = Campaign.objects.get(
            location__slug="sunrise-realty", name="Winter Open House Email"
        )
    assert created.channel == "email"


def test_a_file_with_bad_rows_shows_them_and_cannot_be_committed(page, login, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "date,campaign,leads,qualified_leads\n"
        "2026-01-15,January SMS Blast,10,3\n"
        "2026-01-16,January SMS Blast,4,9\n"
    )
    login(page, "sunrise-manager")
    page.goto(f"{SUNRISE}/import/")
    page.get_by_label("CSV file").set_input_files(bad)
    page.get_by_role("button", name="Preview import").click()

    expect(page.locator("#refused-table")).to_contain_text("Qualified leads cannot exceed leads.")
    expect(page.get_by_role("button", name="Commit import")).to_have_count(0)
    page.get_by_role("link", name="Upload a corrected file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import daily results")


def test_import_pages_fit_a_phone_and_link_the_help(page, login, screenshots):
    login(page, "sunrise-manager")
    page.goto(f"{SUNRISE}/import/help/")
    page.screenshot(path=screenshots / "import-help.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.goto(f"{SUNRISE}/import/")
    page.get_by_label("CSV file").set_input_files(OURS)
    page.get_by_role("button", name="Preview import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import preview")
    for name in ["preview", "help"]:
        if name == "help":
            page.get_by_role("link", name="Formats and column mapping").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Importing data")
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"the {name} page is wider than a phone: {widths}"
        page.screenshot(path=screenshots / f"import-{name}-phone.png", full_page=True)
