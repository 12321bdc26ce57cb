"""Large imports in the background (issue 12, item 4): a file of more than IMPORT_BACKGROUND_ROWS
lines is read, previewed and committed by the task worker; its page polls the job's row."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from asgiref.local import Local
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.tasks import task_backends
from django.urls import reverse
from django.utils import timezone

from campaigns import imports
from campaigns.imports import jobs, staging
from campaigns.models import Campaign, DailyMetric, ImportBatch, ImportJob
from campaigns.tasks import commit_import_job, read_import_job
from campaigns.tenancy import scope
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
OURS = (DATA / "ours.csv").read_bytes()  # 7 lines: a header and six days of two campaigns
State = ImportJob.State


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def staging_dir(settings, tmp_path):
    settings.IMPORT_STAGING_DIR = tmp_path / "imports"
    return settings.IMPORT_STAGING_DIR


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.IMPORT_BACKGROUND_ROWS = 3


def reset_task_backends():
    """django.tasks caches its backends and does not watch TASKS: forget them."""
    task_backends.__dict__.pop("settings", None)
    task_backends._settings = None
    task_backends._connections = Local(task_backends.thread_critical)


@pytest.fixture
def enqueued(settings):
    """Tasks are kept, not run (the dummy backend): the list of what was enqueued."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    reset_task_backends()
    yield task_backends["default"].results
    reset_task_backends()


def run(result):
    """Run an enqueued task as the worker would (its function, with its JSON arguments)."""
    return result.task.call(*result.args, **result.kwargs)


@pytest.fixture
def sms_blast(sunrise):
    with scope(sunrise):
        return Campaign.objects.create(
            location=sunrise,
            name="January SMS Blast",
            channel="sms",
            budget="5000.00",
            start_date=date(2026, 1, 1),
        )


def upload(client, location, content=OURS, name="ours.csv"):
    return client.post(
        reverse("campaigns:import", args=[location.slug]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def progress_url(location, token):
    return reverse("campaigns:import_job", args=[location.slug, token])


def preview_url(location, token):
    return reverse("campaigns:import_preview", args=[location.slug, token])


def only_job(location) -> ImportJob:
    with scope(location):
        return ImportJob.objects.get()


def refresh(job: ImportJob) -> None:
    with scope(job.location_id):
        job.refresh_from_db()


def days_of(location) -> list[tuple[str, date, int]]:
    with scope(location):
        return list(
            DailyMetric.objects.order_by("campaign__name", "date").values_list(
                "campaign__name", "date", "impressions"
            )
        )


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def read_in_background(client, location, enqueued, content=OURS):
    """Upload a large file, run its reading: the job."""
    response = upload(client, location, content)
    job = only_job(location)
    assert response["Location"] == progress_url(location, job.token)
    [reading] = enqueued
    run(reading)
    enqueued.clear()
    refresh(job)
    return job


# --- Upload and reading -------------------------------------------------------------------------


def test_a_large_upload_goes_to_the_worker_instead_of_its_preview(
    client, sunrise, sunrise_manager, enqueued, staging_dir
):
    client.force_login(sunrise_manager)

    response = upload(client, sunrise)

    job = only_job(sunrise)
    assert response.status_code == 302
    assert response["Location"] == progress_url(sunrise, job.token)
    assert (job.state, job.file_name, job.user, job.bytes_done) == (
        State.QUEUED,
        "ours.csv",
        sunrise_manager,
        0,
    )
    assert job.bytes_total == 2 * len(OURS)  # once for its encoding, once for its rows
    assert [(r.task.name, r.args) for r in enqueued] == [
        (read_import_job.name, [sunrise.pk, job.pk])
    ]
    staged = staging.load_staged(job.token, location=sunrise, user=sunrise_manager)
    assert staged is not None and staged.load_preview() is None  # nothing read in the request


def test_a_file_up_to_the_threshold_is_previewed_in_the_request(
    client, sunrise, sunrise_manager, enqueued, settings
):
    settings.IMPORT_BACKGROUND_ROWS = 7  # ours.csv has 7 lines: not more
    client.force_login(sunrise_manager)

    response = upload(client, sunrise)

    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    assert response["Location"] == preview_url(sunrise, token)
    assert enqueued == []
    with scope(sunrise):
        assert not ImportJob.objects.exists()


def test_reading_goes_through_reading_to_previewed_with_its_preview_saved(
    client, sunrise, sunrise_manager, sms_blast, enqueued, monkeypatch
):
    client.force_login(sunrise_manager)
    upload(client, sunrise)
    job = only_job(sunrise)
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 0)  # save the progress at every read
    seen = []
    real_read_csv = imports.read_csv

    def read_csv(stream):
        parsed = real_read_csv(stream)
        with scope(sunrise):
            seen.append(ImportJob.objects.values_list("state", "bytes_done").get())
        return parsed

    monkeypatch.setattr(imports, "read_csv", read_csv)

    assert run(enqueued[0]) == State.PREVIEWED

    [(state, bytes_done)] = seen
    assert state == State.READING and bytes_done >= len(OURS)  # its bytes as they were read
    refresh(job)
    assert (job.state, job.percent, job.message) == (State.PREVIEWED, 100, "")
    staged = staging.load_staged(job.token, location=sunrise, user=sunrise_manager)
    preview = staged.load_preview()
    assert preview.counts["added"] == 3 and preview.counts["missing"] == 1
    # Its page is now the preview: a plain request is sent there, a poll is told to go there.
    page = client.get(progress_url(sunrise, job.token))
    assert page.status_code == 302 and page["Location"] == preview_url(sunrise, job.token)
    poll = client.get(progress_url(sunrise, job.token), headers={"HX-Request": "true"})
    assert poll.status_code == 200 and poll["HX-Redirect"] == preview_url(sunrise, job.token)
    shown = client.get(preview_url(sunrise, job.token))
    assert shown.status_code == 200
    assert "Winter Open House Email" in text_of(shown)
    assert "it is written in the background" in text_of(shown)


def test_the_progress_fragment_shows_the_bar_and_polls_until_the_end(
    client, sunrise, sunrise_manager, sms_blast, enqueued
):
    client.force_login(sunrise_manager)
    upload(client, sunrise)
    job = only_job(sunrise)
    url = progress_url(sunrise, job.token)
    with scope(sunrise):
        ImportJob.objects.filter(pk=job.pk).update(
            state=State.READING, bytes_done=420, bytes_total=1000
        )

    fragment = client.get(url, headers={"HX-Request": "true"})

    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert "<html" not in html and "<nav" not in html  # the fragment only
    assert '<progress max="100" value="42"' in html
    assert "Reading the file… 42 %" in text_of(fragment)
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 1s"' in html

    with scope(sunrise):
        ImportJob.objects.filter(pk=job.pk).update(state=State.FAILED, message="It broke.")
    ended = client.get(url, headers={"HX-Request": "true"})
    assert "It broke." in text_of(ended)
    assert "hx-trigger" not in ended.content.decode()  # the polling stops


def test_a_reload_shows_the_current_state_of_the_job(
    client, sunrise, sunrise_manager, sms_blast, enqueued
):
    client.force_login(sunrise_manager)
    upload(client, sunrise)
    job = only_job(sunrise)
    url = progress_url(sunrise, job.token)

    queued = client.get(url)
    assert queued.status_code == 200 and "<html" in queued.content.decode()
    assert "Import of ours.csv" in text_of(queued)
    assert "Waiting for the background worker" in text_of(queued)
    assert 'hx-trigger="every 1s"' in queued.content.decode()

    with scope(sunrise):
        ImportJob.objects.filter(pk=job.pk).update(state=State.READING, bytes_done=3, bytes_total=4)
    assert "Reading the file… 75 %" in text_of(client.get(url))

    with scope(sunrise):
        ImportJob.objects.filter(pk=job.pk).update(state=State.COMMITTING)
    writing = client.get(url)
    assert "Writing…" in text_of(writing) and 'hx-trigger="every 1s"' in writing.content.decode()


# --- Commit -----------------------------------------------------------------------------------


def test_the_commit_runs_in_the_background_writes_the_days_and_links_its_batch(
    client, sunrise, sunrise_manager, sms_blast, enqueued, staging_dir
):
    client.force_login(sunrise_manager)
    job = read_in_background(client, sunrise, enqueued)

    response = client.post(
        preview_url(sunrise, job.token), {"missing": "create", "channel": "email"}
    )

    assert response.status_code == 302
    assert response["Location"] == progress_url(sunrise, job.token)
    assert days_of(sunrise) == []  # not written in the request
    refresh(job)
    assert job.state == State.COMMITTING
    assert [(r.task.name, r.args) for r in enqueued] == [
        (commit_import_job.name, [sunrise.pk, job.pk, True, "email"])
    ]
    writing = client.get(progress_url(sunrise, job.token))
    assert "Writing…" in text_of(writing)
    # A second click while it is written does not commit it twice.
    again = client.post(preview_url(sunrise, job.token), {"missing": "create", "channel": "email"})
    assert again["Location"] == progress_url(sunrise, job.token) and len(enqueued) == 1

    assert run(enqueued[0]) == State.DONE

    assert days_of(sunrise) == [
        ("January SMS Blast", date(2026, 1, 14), 2600),
        ("January SMS Blast", date(2026, 1, 15), 2400),
        ("January SMS Blast", date(2026, 1, 16), 2200),
        ("Winter Open House Email", date(2026, 1, 15), 5200),
        ("Winter Open House Email", date(2026, 1, 16), 4900),
        ("Winter Open House Email", date(2026, 1, 17), 4100),
    ]
    refresh(job)
    with scope(sunrise):
        batch = ImportBatch.objects.get()
    assert (job.state, job.batch_id, batch.file_name, batch.user_id) == (
        State.DONE,
        batch.pk,
        "ours.csv",
        sunrise_manager.pk,
    )
    assert job.result.startswith("Imported 6 days: 6 added, 0 replaced.")
    assert list(staging_dir.iterdir()) == []  # the staged file is deleted
    done = client.get(progress_url(sunrise, job.token), headers={"HX-Request": "true"})
    batch_url = reverse("campaigns:batch", kwargs={"slug": sunrise.slug, "pk": batch.pk})
    assert f'<a href="{batch_url}">See what it changed</a>' in done.content.decode()
    assert "Imported 6 days: 6 added" in text_of(done)
    assert "hx-trigger" not in done.content.decode()
    # The preview of a committed job is its page (the result), not the preview again.
    assert client.get(preview_url(sunrise, job.token))["Location"] == progress_url(
        sunrise, job.token
    )


def test_a_commit_without_a_choice_for_missing_campaigns_is_asked_again_not_enqueued(
    client, sunrise, sunrise_manager, sms_blast, enqueued
):
    client.force_login(sunrise_manager)
    job = read_in_background(client, sunrise, enqueued)

    response = client.post(preview_url(sunrise, job.token), {"missing": "create", "channel": ""})

    assert response.status_code == 200
    assert "Choose the channel of the campaigns to create." in text_of(response)
    assert enqueued == []
    refresh(job)
    assert job.state == State.PREVIEWED


def test_a_commit_refused_by_the_worker_ends_failed_and_writes_nothing(
    client, sunrise, sunrise_manager, sms_blast, enqueued, staging_dir
):
    only_sms = b"\n".join(OURS.splitlines()[:4]) + b"\n"  # January SMS Blast's three days
    client.force_login(sunrise_manager)
    job = read_in_background(client, sunrise, enqueued, only_sms)
    client.post(preview_url(sunrise, job.token), {})  # nothing to choose: no campaign missing
    with scope(sunrise):
        sms_blast.delete()  # meanwhile, the campaign is deleted

    assert run(enqueued[0]) == State.FAILED

    refresh(job)
    assert job.message == (
        "Nothing was imported: 1 campaign not found (“January SMS Blast”). Create them first, "
        "or choose to create them with the import."
    )
    assert days_of(sunrise) == []
    with scope(sunrise):
        assert not Campaign.objects.exists() and not ImportBatch.objects.exists()
    assert list(staging_dir.iterdir()) == []
    page = client.get(progress_url(sunrise, job.token))
    assert "1 campaign not found" in text_of(page) and "Upload a file" in text_of(page)


def test_a_file_that_cannot_be_read_ends_failed_with_its_reason(
    client, sunrise, sunrise_manager, enqueued, staging_dir
):
    client.force_login(sunrise_manager)

    job = read_in_background(client, sunrise, enqueued, b"\x00\x01\x02 binary\n" * 10)

    assert job.state == State.FAILED
    assert job.message.startswith("This is not a CSV file: it contains binary data.")
    assert job.message.endswith("Nothing was imported.")
    assert list(staging_dir.iterdir()) == []  # nothing kept
    assert days_of(sunrise) == []
    page = client.get(progress_url(sunrise, job.token))
    assert page.status_code == 200
    assert "This is not a CSV file" in text_of(page)
    assert "hx-trigger" not in page.content.decode()


def test_cancelling_a_previewed_job_deletes_its_file_and_the_job(
    client, sunrise, sunrise_manager, sms_blast, enqueued, staging_dir
):
    client.force_login(sunrise_manager)
    job = read_in_background(client, sunrise, enqueued)

    response = client.post(preview_url(sunrise, job.token), {"missing": "refuse"})

    assert response["Location"] == reverse("campaigns:import", args=[sunrise.slug])
    assert list(staging_dir.iterdir()) == []
    with scope(sunrise):
        assert not ImportJob.objects.exists()
    assert client.get(progress_url(sunrise, job.token)).status_code == 404


# --- Whose job ----------------------------------------------------------------------------------


def test_another_users_or_locations_job_is_not_found(
    client, sunrise, sunrise_manager, harbor, harbor_manager, sms_blast, enqueued
):
    client.force_login(sunrise_manager)
    upload(client, sunrise)
    job = only_job(sunrise)
    colleague = MembershipFactory(
        user=UserFactory(username="colleague"), location=sunrise, role="manager"
    ).user

    client.force_login(colleague)
    assert client.get(progress_url(sunrise, job.token)).status_code == 404
    poll = client.get(progress_url(sunrise, job.token), headers={"HX-Request": "true"})
    assert poll.status_code == 404
    client.force_login(harbor_manager)
    assert client.get(progress_url(harbor, job.token)).status_code == 404
    assert client.get(progress_url(sunrise, job.token)).status_code == 404

    # Nor can they commit it.
    run(enqueued[0])
    client.force_login(colleague)
    client.post(preview_url(sunrise, job.token), {"missing": "create", "channel": "email"})
    refresh(job)
    assert job.state == State.PREVIEWED and len(enqueued) == 1


# --- The synchronous commit --------------------------------------------------------------------


def test_a_small_files_commit_names_its_batch_and_links_to_it(
    client, sunrise, sunrise_manager, sms_blast, settings
):
    settings.IMPORT_BACKGROUND_ROWS = 50_000
    client.force_login(sunrise_manager)
    token = upload(client, sunrise)["Location"].rstrip("/").rsplit("/", 1)[1]

    response = client.post(
        preview_url(sunrise, token), {"missing": "create", "channel": "email"}, follow=True
    )

    with scope(sunrise):
        batch = ImportBatch.objects.get()
    assert batch.file_name == "ours.csv"
    batch_url = reverse("campaigns:batch", kwargs={"slug": sunrise.slug, "pk": batch.pk})
    assert f'<a href="{batch_url}">See what it changed</a>' in response.content.decode()


# --- A worker that died -----------------------------------------------------------------------


def test_clear_stale_imports_ends_stalled_jobs_with_what_happened_and_deletes_old_ones(
    client, sunrise, sunrise_manager, sms_blast, enqueued, capsys
):
    client.force_login(sunrise_manager)
    for _ in range(4):
        upload(client, sunrise)
    with scope(sunrise):
        queued, reading, writing, moving = ImportJob.objects.order_by("pk")
        ImportJob.objects.filter(pk=reading.pk).update(state=State.READING)
        ImportJob.objects.filter(pk=writing.pk).update(state=State.COMMITTING)
        ImportJob.objects.filter(pk=moving.pk).update(state=State.READING)
        long_ago = timezone.now() - timedelta(minutes=16)
        ImportJob.objects.exclude(pk=moving.pk).update(updated_at=long_ago)
        old = ImportJob.objects.create(
            location=sunrise,
            user=sunrise_manager,
            token="old-token",
            file_name="old.csv",
            state=State.DONE,
            created_at=timezone.now() - timedelta(hours=25),
        )

    call_command("clear_stale_imports")

    assert "3 stalled background imports ended as failed; 1 import job older than 24 hours" in (
        capsys.readouterr().out
    )
    with scope(sunrise):
        states = dict(ImportJob.objects.values_list("pk", "state"))
        messages = dict(ImportJob.objects.values_list("pk", "message"))
    assert old.pk not in states
    assert states == {
        queued.pk: State.FAILED,
        reading.pk: State.FAILED,
        writing.pk: State.FAILED,
        moving.pk: State.READING,  # its worker saved progress a moment ago
    }
    assert messages[queued.pk].startswith("No background worker took this file")
    assert messages[reading.pk].startswith("The background worker stopped while reading")
    assert "Import batches page" in messages[writing.pk]
    page = client.get(progress_url(sunrise, reading.token))
    assert "The background worker stopped while reading this file" in text_of(page)
    assert 'hx-trigger="every 1s"' not in page.content.decode()
    # A worker that comes back later does not read the failed job.
    assert jobs.read(location_id=sunrise.pk, job_id=queued.pk) == ""
    refresh(queued)
    assert queued.state == State.FAILED
