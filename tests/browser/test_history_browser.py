"""History and undo in a real browser: a manager imports a file, finds its batch, undoes it, and
the campaign's numbers and its History panel say so. Fails on any console error."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from campaigns.models import Campaign
from campaigns.tenancy import scopes_disabled

pytestmark = pytest.mark.browser

SUNRISE = "/l/sunrise-realty"
OURS = Path(__file__).resolve().parents[1] / "data" / "ours.csv"


@pytest.fixture(autouse=True)
def _staging(settings, tmp_path):
    settings.IMPORT_STAGING_DIR = tmp_path / "imports"


def test_a_manager_undoes_an_import_and_the_history_panel_shows_both(page, login, screenshots):
    login(page, "sunrise-manager")
    page.goto(f"{SUNRISE}/import/")
    page.get_by_label("CSV file").set_input_files(OURS)
    page.get_by_role("button", name="Preview import").click()
    page.get_by_label("Create the 1 campaign not found, then import").check()
    page.get_by_label("Channel of the new campaign").select_option(label="Email")
    page.get_by_role("button", name="Commit import").click()
    page.wait_for_url(re.compile(r"/l/sunrise-realty/campaigns/$"))

    page.goto(f"{SUNRISE}/imports/batches/")
    batch_row = page.locator("#batch-table tbody tr").first
    expect(batch_row).to_contain_text("ours.csv")
    expect(batch_row).to_contain_text("sunrise-manager")
    batch_row.get_by_role("link", name="ours.csv").click()
    expect(page.locator("#batch-changes")).to_contain_text("January SMS Blast")
    expect(page.locator("#batch-changes")).to_contain_text("Winter Open House Email")
    page.screenshot(path=screenshots / "import-batch.png", full_page=True)

    page.get_by_label(re.compile(r"Yes, undo batch \d+")).check()
    page.get_by_role("button", name="Undo this import").click()

    expect(page.locator(".message.success")).to_contain_text(
        "5 days removed, 1 day restored, 1 campaign removed (“Winter Open House Email”)"
    )
    expect(page.locator("#batch-undone")).to_contain_text("by sunrise-manager")
    with scopes_disabled():
        assert not Campaign.objects.filter(name="Winter Open House Email").exists()

    page.locator(".site-nav").get_by_role("link", name="Campaigns", exact=True).click()
    # January's campaign: the list over all time links to its page over all time.
    page.locator(".period-picker").get_by_role("link", name="All time", exact=True).click()
    page.wait_for_url(re.compile(r"\?period=all$"))
    page.locator("#campaign-table").get_by_role("link", name="January SMS Blast").click()
    expect(page.locator('#key-metrics [data-metric="leads"]')).to_have_text("120")
    panel = page.locator("#history-panel")
    panel.scroll_into_view_if_needed()
    expect(panel.locator("table")).to_contain_text("Undo of an import")
    expect(panel.locator("table")).to_contain_text("Import")
    expect(panel.locator("table")).to_contain_text("Leads")
    page.screenshot(path=screenshots / "campaign-history.png", full_page=True)
