"""A large import in a real browser: its page polls the job, shows the bar, turns into the preview
when the file is read, and shows the notice when the commit is written.

The worker's part is played by the test itself: it calls the tasks' bodies (campaigns.imports.jobs)
while the browser polls, as `manage.py db_worker` would run them beside the server.
"""

import re
from pathlib import Path

import pytest
from asgiref.local import Local
from django.tasks import task_backends
from playwright.sync_api import expect

from campaigns.imports import jobs
from campaigns.models import ImportJob
from campaigns.tenancy import scopes_disabled

pytestmark = pytest.mark.browser

SUNRISE = "/l/sunrise-realty"
OURS = Path(__file__).resolve().parents[1] / "data" / "ours.csv"


def reset_task_backends():
    task_backends.__dict__.pop("settings", None)
    task_backends._settings = None
    task_backends._connections = Local(task_backends.thread_critical)


@pytest.fixture(autouse=True)
def _background(settings, tmp_path):
    """Every file is large; enqueued tasks are kept, not run: the test runs them."""
    settings.IMPORT_STAGING_DIR = tmp_path / "imports"
    settings.IMPORT_BACKGROUND_ROWS = 3
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    reset_task_backends()
    yield
    reset_task_backends()


def the_job() -> ImportJob:
    with scopes_disabled():
        return ImportJob.objects.get()


def test_a_large_import_shows_its_progress_then_its_preview_then_its_result(
    page, login, screenshots
):
    login(page, "sunrise-manager")
    page.goto(f"{SUNRISE}/import/")
    page.get_by_label("CSV file").set_input_files(OURS)
    page.get_by_role("button", name="Preview import").click()

    page.wait_for_url(re.compile(r"/l/sunrise-realty/import/[\w-]{32}/progress/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Import of ours.csv")
    expect(page.locator("#import-job")).to_contain_text("Waiting for the background worker")
    job = the_job()

    # The worker reads half of it: the polled fragment moves the bar.
    with scopes_disabled():
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportJob.State.READING, bytes_done=job.bytes_total // 2
        )
    expect(page.locator("#import-percent")).to_have_text("50 %")
    expect(page.locator("#import-job progress")).to_have_attribute("value", "50")
    page.screenshot(path=screenshots / "import-background-reading.png", full_page=True)
    page.reload()  # the state is the job's row: a reload shows the same
    expect(page.locator("#import-percent")).to_have_text("50 %")

    with scopes_disabled():
        ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.QUEUED, bytes_done=0)
    assert jobs.read(location_id=job.location_id, job_id=job.pk) == ImportJob.State.PREVIEWED

    page.wait_for_url(re.compile(r"/l/sunrise-realty/import/[\w-]{32}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Import preview")
    expect(page.locator('#import-summary [data-count="missing"]')).to_have_text("1")
    page.get_by_label("Create the 1 campaign not found, then import").check()
    page.get_by_label("Channel of the new campaign").select_option(label="Email")
    page.get_by_role("button", name="Commit import").click()

    page.wait_for_url(re.compile(r"/progress/$"))
    expect(page.locator("#import-job")).to_contain_text("Writing…")
    assert (
        jobs.commit(
            location_id=job.location_id, job_id=job.pk, create_missing=True, channel="email"
        )
        == ImportJob.State.DONE
    )

    result = page.locator("#import-result")
    expect(result).to_contain_text(re.compile(r"^Imported 6 days: 5 added, 1 replaced\."))
    batch = the_job().batch_id
    expect(result.get_by_role("link", name="See what it changed")).to_have_attribute(
        "href", f"{SUNRISE}/imports/batches/{batch}/"
    )
    expect(page.locator("#import-job")).not_to_have_attribute("hx-trigger", re.compile("."))
    page.screenshot(path=screenshots / "import-background-done.png", full_page=True)
