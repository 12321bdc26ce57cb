"""axe-core on every main page, at 1440×900 and at 390×844: zero violations of WCAG 2.0/2.1 A
and AA and of axe's best practices.

axe is vendored for the tests only (tests/browser/vendor/, version and licences beside it) and
injected into the page: this test's own browser context bypasses the page's CSP so that the
injected script runs. The app's CSP is never relaxed (the other browser tests run with it).

``SCREENSHOTS_TO_DOCS=1`` also copies the README's screenshots, which the other browser tests
save under test-artifacts/screenshots/, into docs/screenshots/ when the session ends, so the
README never shows stale pages.
"""

import os
import shutil
from pathlib import Path

import pytest

from campaigns.models import Campaign
from campaigns.tenancy import scopes_disabled
from tests.browser.conftest import SCREENSHOTS, TIMEOUT_MS, ConsoleErrors

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
#: The screenshots the README shows, saved by the other browser tests under these names.
README_SCREENSHOTS = [
    f"{page}-{width}.png"
    for page in ["portfolio", "overview", "campaigns", "campaign"]
    for width in ["desktop", "phone"]
]
VIEWPORTS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
SUNRISE = "/l/sunrise-realty"
DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="session", autouse=True)
def _screenshots_to_docs():
    """At the end of the session, with SCREENSHOTS_TO_DOCS=1: the README's screenshots into
    docs/screenshots/ (those this run produced; the others are left as they are)."""
    yield
    if os.environ.get("SCREENSHOTS_TO_DOCS") != "1":
        return
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name in README_SCREENSHOTS:
        if (SCREENSHOTS / name).exists():
            shutil.copyfile(SCREENSHOTS / name, DOCS_SCREENSHOTS / name)


@pytest.fixture(autouse=True)
def _staging(settings, tmp_path):
    """The import preview's upload is staged in the test's own folder, never in var/."""
    settings.IMPORT_STAGING_DIR = tmp_path / "imports"


@pytest.fixture
def axe_page(browser, live_server):
    """A page whose context bypasses CSP (for the injected axe only), with its console errors."""
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, reduced_motion="reduce"
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors = ConsoleErrors()
    page.on("console", lambda m: m.type == "error" and errors.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    page.console_errors = errors
    yield page
    context.close()


def violations(page) -> list[dict]:
    """axe's violations on the page as it is now (after its scripts and charts ran)."""
    page.wait_for_load_state("networkidle")
    if page.locator("canvas[data-chart]").count():
        page.wait_for_function(
            """() => window.Chart && [...document.querySelectorAll('canvas[data-chart]')]
                    .every((canvas) => Chart.getChart(canvas))"""
        )
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (rules) => {
            const results = await axe.run(document, {runOnly: rules});
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => n.target.join(' ')),
            }));
        }""",
        RULES,
    )


def describe(found: dict[str, list[dict]]) -> str:
    lines = []
    for name, items in found.items():
        for v in items:
            lines.append(f"{name}: {v['id']} ({v['impact']}) {v['help']}")
            lines.extend(f"    {node}" for node in v["nodes"])
    return "\n".join(lines)


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def campaign_pk(name: str) -> int:
    with scopes_disabled():
        return Campaign.objects.get(location__slug="sunrise-realty", name=name).pk


@pytest.mark.parametrize("width", sorted(VIEWPORTS))
def test_axe_finds_no_violation_on_any_main_page(axe_page, demo, width):
    from tests.browser.conftest import PASSWORD

    page = axe_page
    page.set_viewport_size(VIEWPORTS[width])
    found: dict[str, list[dict]] = {}
    visited = []

    def check(name: str, url: str | None = None, status: int = 200) -> None:
        if url is not None:
            response = page.goto(url)
            assert response.status == status, f"{name} ({url}): {response.status}"
        visited.append(name)
        result = violations(page)
        if result:
            found[f"{name} ({page.url})"] = result

    # Signed out.
    check("sign-in", "/accounts/login/")
    check("password reset", "/accounts/password_reset/")
    page.console_errors.expect(r"status of 404")
    check("404 page", "/no-such-page/", status=404)

    sign_in(page, "agency-manager", PASSWORD)
    reference, active = campaign_pk("January SMS Blast"), campaign_pk("Spring Listings SMS")
    campaign = f"{SUNRISE}/campaigns/{reference}"
    check("portfolio", "/portfolio/")
    check("overview", f"{SUNRISE}/")
    check("campaign list", f"{SUNRISE}/campaigns/")
    check("campaign page", f"{campaign}/")
    check("new campaign form", f"{SUNRISE}/campaigns/new/")
    check("edit form", f"{campaign}/edit/")
    check("record day form", f"{SUNRISE}/campaigns/{active}/metrics/")
    check("funnel form", f"{campaign}/funnel/")
    check("compare", f"{SUNRISE}/compare/?ids={reference},{active}")
    check("channels", f"{SUNRISE}/channels/")
    check("alerts", f"{SUNRISE}/alerts/")
    check("portfolio alerts", "/portfolio/alerts/")
    check("import", f"{SUNRISE}/import/")
    check("import help", f"{SUNRISE}/import/help/")
    page.goto(f"{SUNRISE}/import/")
    page.get_by_label("CSV file").set_input_files(str(DATA / "ours.csv"))
    page.get_by_role("button", name="Preview import").click()
    page.wait_for_url(lambda url: url.rstrip("/").rsplit("/", 1)[-1] not in ("import", ""))
    check("import preview")
    page.get_by_label("Create the 1 campaign not found, then import").check()
    page.get_by_label("Channel of the new campaign").select_option(label="Email")
    page.get_by_role("button", name="Commit import").click()
    page.wait_for_url(lambda url: url.endswith("/campaigns/"))
    check("import batches", f"{SUNRISE}/imports/batches/")
    page.locator("#batch-table tbody tr").first.get_by_role("link", name="ours.csv").click()
    check("import batch")
    check("activity", f"{SUNRISE}/activity/")
    check("campaign history", f"{campaign}/history/")
    check("tokens settings", f"{SUNRISE}/settings/tokens/")
    check("members settings", f"{SUNRISE}/settings/members/")
    check("printable report", f"{campaign}/report/")

    assert len(visited) == 25
    # The positive control: axe did run, and a nameless button on the last page is reported.
    page.evaluate("() => document.body.append(document.createElement('button'))")
    assert "button-name" in {v["id"] for v in violations(page)}
    assert not found, f"axe at {width} ({VIEWPORTS[width]}):\n" + describe(found)
    unexpected = page.console_errors.unexpected()
    assert not unexpected, "errors in the browser console:\n" + "\n".join(unexpected)
