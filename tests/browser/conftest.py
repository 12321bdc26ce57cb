"""Real-browser fixtures: Playwright driving Debian's Chromium against pytest-django's live server.

One Chromium per session; one fresh context (cookies, viewport) and page per test. Every page
records console errors and uncaught exceptions, and a test fails at teardown if any occurred.
The live server serves static files itself (pytest-django uses staticfiles' handler), so the
pages load the real app.css, htmx, Chart.js and charts.js.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API runs an asyncio loop in the main thread; the ORM calls of the test
# code (fixtures seeding data) would otherwise be refused as "called from an async context".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "pw-browser-1"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
TIMEOUT_MS = 5_000


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (`make test` installs it when missing)."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(f"No Chromium at {CHROMIUM}: run `make test`, or apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hashing the demo users' passwords with the real hasher takes seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(transactional_db):
    """The demo data (two locations, their users, campaigns and the reference campaign).

    The live server sees only committed data, hence transactional_db, which empties the
    tables after each test: the (idempotent) seeder runs again for every test.
    """
    call_command("seed_demo", "--password", PASSWORD, stdout=open(os.devnull, "w"))  # noqa: SIM115


class ConsoleErrors(list):
    """Console errors and uncaught exceptions of a page; ``expect`` forgives the ones a test
    provokes on purpose (a 404 page logs the failed load of its own document)."""

    def __init__(self):
        super().__init__()
        self.expected: list[re.Pattern] = []

    def expect(self, pattern: str) -> None:
        self.expected.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [e for e in self if not any(p.search(e) for p in self.expected)]


@pytest.fixture
def console_errors():
    return ConsoleErrors()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, reduced_motion="reduce"
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context, console_errors):
    page = context.new_page()

    def on_console(message):
        if message.type == "error":
            location = message.location or {}
            console_errors.append(f"console: {message.text} ({location.get('url', '?')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: console_errors.append(f"pageerror: {error}"))
    yield page
    unexpected = console_errors.unexpected()
    assert not unexpected, "errors in the browser console:\n" + "\n".join(unexpected)


@pytest.fixture
def login(demo):
    """``login(page, username)``: sign in through the real form at /accounts/login/."""

    def login(page, username: str) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        assert page.get_by_text(username).first.is_visible(), "not signed in"

    return login


@pytest.fixture(scope="session")
def screenshots():
    """The folder of this run's screenshots (test-artifacts/, git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
