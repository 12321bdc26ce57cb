"""Large undos in the background (issue 20, item 5): an undo of a batch that changes more than
IMPORT_BACKGROUND_ROWS days is run by the task worker, all or nothing, with a page of its
progress; smaller ones stay in the request."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache.backends.filebased import FileBasedCache
from django.core.management import call_command
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Sum
from django.tasks import task_backends
from django.urls import reverse
from django.utils import timezone

from campaigns import history, imports, rollups, services, undo, undo_jobs
from campaigns.models import (
    Campaign,
    Change,
    DailyMetric,
    ImportBatch,
    ImportJob,
    MonthlyMetric,
    Source,
)
from campaigns.tasks import undo_batch_job
from campaigns.tenancy import scope
from tests.factories import MembershipFactory, UserFactory
from tests.test_tasks import child_database, finish, reset_task_backends  # noqa: F401

pytestmark = pytest.mark.django_db

State = ImportJob.State
HX = {"HX-Request": "true"}
HEADER = (
    "date,campaign,impressions,clicks,leads,qualified_leads,hot_leads,conversions,revenue,spend"
)
#: Replaces 12 and 13 Jan of the recorded campaign, adds 14 to 16 Jan and a new campaign's day:
#: 4 days added and 2 replaced, 6 days for an undo to change.
FILE = "\n".join(
    [
        HEADER,
        "2026-01-12,January SMS Blast,9999,300,60,20,9,9,9999.99,1234.56",
        "2026-01-13,January SMS Blast,8888,200,50,10,5,5,8888.88,999.99",
        "2026-01-14,January SMS Blast,100,10,2,1,0,0,0.00,10.10",
        "2026-01-15,January SMS Blast,200,20,4,2,1,1,100.00,20.20",
        "2026-01-16,January SMS Blast,300,30,6,3,1,1,150.00,30.30",
        "2026-01-15,Brand New Campaign,50,5,1,0,0,0,0.00,5.00",
    ]
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def staging_dir(settings, tmp_path):
    """Where the worker keeps an undo's progress for the page (beside the staged uploads)."""
    settings.IMPORT_STAGING_DIR = tmp_path / "imports"
    return settings.IMPORT_STAGING_DIR


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.IMPORT_BACKGROUND_ROWS = 3


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
def sms_blast(sunrise, sunrise_manager):
    """A campaign with 12 and 13 Jan recorded by a form."""
    with scope(sunrise), history.acting(Source.FORM, user=sunrise_manager):
        campaign = services.create_campaign(
            location=sunrise,
            name="January SMS Blast",
            channel="sms",
            status="active",
            budget=Decimal("5000.00"),
            start_date=date(2026, 1, 1),
        )
        services.record_days(
            campaign=campaign,
            rows=[
                {"date": date(2026, 1, 12), "impressions": 4000, "leads": 50},
                {"date": date(2026, 1, 13), "impressions": 3500, "leads": 40},
            ],
        )
    return campaign


@pytest.fixture
def before(sunrise, sms_blast):
    """The stored days before the import."""
    return stored_days(sunrise)


@pytest.fixture
def batch(sunrise, sunrise_manager, before) -> ImportBatch:
    """The file imported by the manager: 4 days added, 2 replaced, 1 campaign created."""
    with history.acting(Source.IMPORT, user=sunrise_manager):
        result = imports.commit_import(
            location=sunrise,
            parsed=imports.parse_csv(FILE.encode()),
            create_missing=True,
            channel="sms",
            file_name="january.csv",
        )
    assert (result.batch.added, result.batch.replaced) == (4, 2)
    return result.batch


def stored_days(location) -> list[tuple]:
    with scope(location):
        return list(
            DailyMetric.objects.order_by("campaign__name", "date").values_list(
                "campaign__name", "date", *DailyMetric.NUMBER_FIELDS
            )
        )


def undo_url(location, batch) -> str:
    return reverse("campaigns:batch_undo", args=[location.slug, batch.pk])


def job_url(location, batch) -> str:
    return reverse("campaigns:batch_undo_job", args=[location.slug, batch.pk])


def batch_url(location, batch) -> str:
    return reverse("campaigns:batch", args=[location.slug, batch.pk])


def jobs_of(location) -> list[ImportJob]:
    with scope(location):
        return list(ImportJob.objects.filter(kind=ImportJob.Kind.UNDO).order_by("pk"))


def refreshed(batch: ImportBatch) -> ImportBatch:
    with scope(batch.location_id):
        return ImportBatch.objects.get(pk=batch.pk)


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def undo_changes(location) -> int:
    with scope(location):
        return Change.objects.filter(source=Source.UNDO).count()


# --- Enqueued, not done in the request -----------------------------------------------------------


def test_an_undo_above_the_threshold_is_enqueued_and_not_done_in_the_request(
    client, sunrise, sunrise_manager, batch, enqueued
):
    imported = stored_days(sunrise)
    client.force_login(sunrise_manager)
    page = client.get(batch_url(sunrise, batch))
    assert "It changes 6 days: the background worker undoes it" in text_of(page)

    response = client.post(undo_url(sunrise, batch), {"confirm": "yes"})

    assert response.status_code == 302
    assert response["Location"] == job_url(sunrise, batch)
    [job] = jobs_of(sunrise)
    assert (job.state, job.batch_id, job.user, job.rows_total, job.file_name) == (
        State.QUEUED,
        batch.pk,
        sunrise_manager,
        6,
        "january.csv",
    )
    assert [(r.task.name, r.args) for r in enqueued] == [
        (undo_batch_job.name, [sunrise.pk, job.pk])
    ]
    assert stored_days(sunrise) == imported  # nothing undone in the request
    assert refreshed(batch).undone_at is None
    shown = client.get(response["Location"])
    html = shown.content.decode()
    assert shown.status_code == 200 and "<html" in html
    assert f"Undo of batch {batch.pk} january.csv" in text_of(shown)
    assert "Waiting for the background worker…" in text_of(shown)
    assert "6 days to undo" in text_of(shown)
    assert f'hx-get="{job_url(sunrise, batch)}"' in html and 'hx-trigger="every 1s"' in html
    assert "Reload this page</a> to see where the undo is" in html  # without JavaScript


def test_an_undo_up_to_the_threshold_still_runs_in_the_request(
    client, sunrise, sunrise_manager, before, batch, enqueued, settings
):
    settings.IMPORT_BACKGROUND_ROWS = 6  # the batch changes 6 days: not more
    client.force_login(sunrise_manager)

    response = client.post(undo_url(sunrise, batch), {"confirm": "yes"})

    assert response["Location"] == batch_url(sunrise, batch)
    assert enqueued == [] and jobs_of(sunrise) == []
    assert stored_days(sunrise) == before
    assert refreshed(batch).undone_at is not None


# --- The worker ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_undoes_the_batch_whole_and_the_rollups_equal_the_days(
    client, sunrise, sunrise_manager, before, batch, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    reset_task_backends()
    try:
        client.force_login(sunrise_manager)
        client.post(undo_url(sunrise, batch), {"confirm": "yes"})
        assert refreshed(batch).undone_at is None  # waiting for the worker
        handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
        try:
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
    finally:
        reset_task_backends()

    assert stored_days(sunrise) == before
    with scope(sunrise):
        assert list(Campaign.objects.values_list("name", flat=True)) == ["January SMS Blast"]
        january = MonthlyMetric.objects.get(month=date(2026, 1, 1))
        assert (january.impressions, january.leads) == (7500, 90)
        assert DailyMetric.objects.aggregate(Sum("leads")) == {"leads__sum": 90}
    assert rollups.differences(sunrise.pk) == []
    undone = refreshed(batch)
    assert undone.undone_at is not None and undone.undone_by == sunrise_manager
    [job] = jobs_of(sunrise)
    assert job.state == State.DONE
    assert job.result == (
        f"Undid batch {batch.pk}: 4 days removed, 2 days restored, "
        "1 campaign removed (“Brand New Campaign”)."
    )
    done = client.get(job_url(sunrise, batch), headers=HX)
    assert f"Undid batch {batch.pk}: 4 days removed, 2 days restored" in text_of(done)
    assert f'href="{batch_url(sunrise, batch)}">Back to batch {batch.pk}</a>' in (
        done.content.decode()
    )
    assert "hx-trigger" not in done.content.decode()  # the polling stops
    assert "Undone on" in text_of(client.get(batch_url(sunrise, batch)))


def test_the_page_shows_the_days_undone_while_the_worker_undoes(
    client, sunrise, sunrise_manager, before, batch, enqueued, monkeypatch
):
    monkeypatch.setattr(undo, "CHUNK", 2)  # three statements: 2 days removed, 2, 2 restored
    monkeypatch.setattr(undo_jobs, "PROGRESS_EVERY", 0)  # told after each statement
    client.force_login(sunrise_manager)
    client.post(undo_url(sunrise, batch), {"confirm": "yes"})
    seen, asking = [], []

    def look_at_the_page(execute, sql, params, many, context):
        """Before each write of days, the page as a poll sees it then (a request of its own)."""
        writes_days = re.match(r'(DELETE FROM|INSERT INTO) "campaigns_dailymetric"', sql)
        if writes_days and not asking:
            asking.append(True)
            try:
                seen.append(text_of(client.get(job_url(sunrise, batch), headers=HX)))
            finally:
                asking.clear()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(look_at_the_page):
        assert run(enqueued[0]) == State.DONE

    shown = [re.search(r"Undoing….*?(undone|undo)\.", text).group(0) for text in seen]
    assert shown == [
        "Undoing… 6 days to undo.",  # the first statement: nothing told yet
        "Undoing… 33 % 2 of 6 days undone.",
        "Undoing… 66 % 4 of 6 days undone.",
        "Undoing… 100 % 6 of 6 days undone.",  # then the campaign it created is removed
    ]
    assert stored_days(sunrise) == before
    assert progress_kept() == []  # forgotten once the undo ended


def progress_kept() -> list[str]:
    """The progress files the worker left beside the staged uploads."""
    folder = Path(settings.IMPORT_STAGING_DIR) / "progress"
    return sorted(p.name for p in folder.glob("*.djcache")) if folder.is_dir() else []


# --- One undo of a batch at a time ------------------------------------------------------------


def test_a_second_undo_request_shows_the_running_one_and_enqueues_nothing_more(
    client, sunrise, sunrise_manager, before, batch, enqueued
):
    colleague = MembershipFactory(
        user=UserFactory(username="colleague"), location=sunrise, role="manager"
    ).user
    client.force_login(sunrise_manager)
    client.post(undo_url(sunrise, batch), {"confirm": "yes"})

    again = client.post(undo_url(sunrise, batch), {"confirm": "yes"})  # a second tab
    client.force_login(colleague)
    page = client.get(batch_url(sunrise, batch))
    theirs = client.post(undo_url(sunrise, batch), {"confirm": "yes"})

    assert again["Location"] == theirs["Location"] == job_url(sunrise, batch)
    assert len(jobs_of(sunrise)) == 1 and len(enqueued) == 1
    assert "This batch is being undone by the background worker." in text_of(page)
    assert f'<a href="{job_url(sunrise, batch)}">See its progress</a>' in page.content.decode()
    assert 'name="confirm"' not in page.content.decode()
    assert "Waiting for the background worker…" in text_of(client.get(job_url(sunrise, batch)))
    # The worker undoes it once; asked again, the undo is refused as already done.
    assert run(enqueued[0]) == State.DONE
    assert stored_days(sunrise) == before
    late = client.post(undo_url(sunrise, batch), {"confirm": "yes"})
    assert late.status_code == 409 and f"Batch {batch.pk} was already undone" in text_of(late)
    assert len(jobs_of(sunrise)) == 1 and len(enqueued) == 1


def test_the_database_keeps_one_running_undo_a_batch(sunrise, sunrise_manager, batch, enqueued):
    first = undo_jobs.start(batch, user=sunrise_manager)
    with scope(sunrise):
        # As a second request would, had it not seen the first one's job.
        racing = ImportJob(
            location=sunrise,
            kind=ImportJob.Kind.UNDO,
            token="another-token",
            batch=batch,
            user=sunrise_manager,
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            racing.save()

    assert undo_jobs.start(batch, user=sunrise_manager) == first
    assert len(enqueued) == 1


# --- Whose job ------------------------------------------------------------------------------------


def test_another_locations_undo_and_its_page_are_not_found(
    client, sunrise, sunrise_manager, harbor, harbor_manager, batch, enqueued
):
    client.force_login(sunrise_manager)
    client.post(undo_url(sunrise, batch), {"confirm": "yes"})
    client.force_login(harbor_manager)

    own_slug = client.get(job_url(harbor, batch))  # Sunrise's batch under Harbor's address
    poll = client.get(job_url(harbor, batch), headers=HX)
    their_slug = client.get(job_url(sunrise, batch))
    undo_there = client.post(undo_url(harbor, batch), {"confirm": "yes"})

    assert [r.status_code for r in (own_slug, poll, their_slug, undo_there)] == [404] * 4
    assert "january.csv" not in own_slug.content.decode()
    assert len(jobs_of(sunrise)) == 1 and len(enqueued) == 1


def test_a_viewer_cannot_start_an_undo_nor_see_its_page(
    client, sunrise, sunrise_manager, sunrise_viewer, batch, enqueued
):
    imported = stored_days(sunrise)
    client.force_login(sunrise_viewer)

    response = client.post(undo_url(sunrise, batch), {"confirm": "yes"})

    assert response.status_code == 403
    assert jobs_of(sunrise) == [] and enqueued == []
    assert stored_days(sunrise) == imported
    client.force_login(sunrise_manager)
    client.post(undo_url(sunrise, batch), {"confirm": "yes"})
    client.force_login(sunrise_viewer)
    assert client.get(job_url(sunrise, batch)).status_code == 403


def test_the_page_of_a_batch_never_undone_in_the_background_is_the_batchs_page(
    client, sunrise, sunrise_manager, batch
):
    client.force_login(sunrise_manager)

    page = client.get(job_url(sunrise, batch))
    poll = client.get(job_url(sunrise, batch), headers=HX)

    assert page.status_code == 302 and page["Location"] == batch_url(sunrise, batch)
    assert poll["HX-Redirect"] == batch_url(sunrise, batch)


# --- Failures: nothing changed ------------------------------------------------------------------


def test_an_undo_refused_by_the_worker_changes_nothing_and_says_why(
    client, sunrise, sunrise_manager, sms_blast, batch, enqueued
):
    client.force_login(sunrise_manager)
    client.post(undo_url(sunrise, batch), {"confirm": "yes"})
    with history.acting(Source.FORM, user=sunrise_manager):  # meanwhile, a day is corrected
        services.record_day(campaign=sms_blast, day=date(2026, 1, 15), leads=7)
    written = stored_days(sunrise)

    assert run(enqueued[0]) == State.FAILED

    assert stored_days(sunrise) == written
    assert refreshed(batch).undone_at is None and undo_changes(sunrise) == 0
    [job] = jobs_of(sunrise)
    assert job.message.startswith(
        f"Batch {batch.pk} cannot be undone: what it wrote was changed since "
        "(“January SMS Blast” on 15 Jan 2026 changed by sunrise-manager (Form, "
    )
    assert "Nothing was changed." in job.message
    page = client.get(job_url(sunrise, batch))
    assert f"Batch {batch.pk} was not undone" in text_of(page)
    assert "Nothing was changed." in text_of(page)
    assert f'href="{batch_url(sunrise, batch)}">Back to batch {batch.pk}</a>' in (
        page.content.decode()
    )
    assert "hx-trigger" not in page.content.decode()
    assert progress_kept() == []


def test_an_error_halfway_leaves_every_day_as_it_was_and_the_undo_can_be_run_again(
    client, sunrise, sunrise_manager, before, batch, enqueued, monkeypatch
):
    monkeypatch.setattr(undo, "CHUNK", 2)
    imported = stored_days(sunrise)
    client.force_login(sunrise_manager)
    client.post(undo_url(sunrise, batch), {"confirm": "yes"})
    deletes = []

    def fail_on_the_second_delete(execute, sql, params, many, context):
        """The database fails after the first 2 days were removed (a disk full, a lost link)."""
        if sql.startswith('DELETE FROM "campaigns_dailymetric"'):
            deletes.append(sql)
            if len(deletes) == 2:
                raise OperationalError("disk I/O error")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail_on_the_second_delete), pytest.raises(OperationalError):
        run(enqueued[0])

    assert stored_days(sunrise) == imported  # the first 2 days are back: rolled back
    assert rollups.differences(sunrise.pk) == []
    assert refreshed(batch).undone_at is None and undo_changes(sunrise) == 0
    [job] = jobs_of(sunrise)
    assert job.state == State.FAILED
    assert job.message.startswith("The undo stopped because of an unexpected error, so nothing ")
    page = client.get(job_url(sunrise, batch))
    assert "so nothing was changed" in text_of(page) and "hx-trigger" not in page.content.decode()
    assert progress_kept() == []
    # The failed job does not block the undo: asked again, it runs.
    again = client.post(undo_url(sunrise, batch), {"confirm": "yes"})
    assert again["Location"] == job_url(sunrise, batch)
    assert len(jobs_of(sunrise)) == 2
    assert run(enqueued[1]) == State.DONE
    assert stored_days(sunrise) == before
    assert "Undid batch" in text_of(client.get(job_url(sunrise, batch)))


def test_clear_stale_imports_ends_a_killed_workers_undo_saying_nothing_was_changed(
    client, sunrise, sunrise_manager, batch, enqueued, capsys
):
    imported = stored_days(sunrise)
    client.force_login(sunrise_manager)
    client.post(undo_url(sunrise, batch), {"confirm": "yes"})
    [job] = jobs_of(sunrise)
    with scope(sunrise):  # the worker took it, then was killed (its transaction rolled back)
        ImportJob.objects.filter(pk=job.pk).update(
            state=State.COMMITTING, updated_at=timezone.now() - timedelta(minutes=16)
        )
    polled = client.get(job_url(sunrise, batch), headers=HX)
    assert "Undoing… 6 days to undo." in text_of(polled)

    call_command("clear_stale_imports")

    assert "1 stalled background undo ended as failed (nothing was changed)." in (
        capsys.readouterr().out
    )
    assert stored_days(sunrise) == imported and refreshed(batch).undone_at is None
    page = client.get(job_url(sunrise, batch))
    assert "The background worker stopped while undoing this batch, so nothing was changed" in (
        text_of(page)
    )
    assert 'hx-trigger="every 1s"' not in page.content.decode()
    # A worker that comes back does not run the failed job; a new undo can be started.
    assert run(enqueued[0]) == ""
    assert client.post(undo_url(sunrise, batch), {"confirm": "yes"}).status_code == 302
    assert len(enqueued) == 2 and jobs_of(sunrise)[-1].state == State.QUEUED


# --- A worker killed halfway (kill -9) --------------------------------------------------------

#: In the child processes: 2,000 days of one campaign imported, and their undo enqueued.
IMPORT_AND_START = """
from datetime import date, timedelta
from campaigns import history, imports, undo_jobs
from campaigns.models import Source
from tests.factories import LocationFactory, MembershipFactory, UserFactory
from tests.test_undo_background import HEADER
location = LocationFactory(slug="killed")
user = MembershipFactory(user=UserFactory(username="boss"), location=location, role="manager").user
lines = [HEADER] + [
    f"{date(2020, 1, 1) + timedelta(days=i)},Big Import,100,10,2,1,0,0,10.00,5.00"
    for i in range(2000)
]
with history.acting(Source.IMPORT, user=user):
    result = imports.commit_import(
        location=location, parsed=imports.parse_csv("\\n".join(lines).encode()),
        create_missing=True, channel="sms", file_name="big.csv",
    )
undo_jobs.start(result.batch, user=user)
"""
#: The worker, told its progress after every 10 days (so that it is seen well before the end).
SLOW_WORKER = """
import django
django.setup()
from campaigns import undo, undo_jobs
undo.CHUNK, undo_jobs.PROGRESS_EVERY = 10, 0
from django.core.management import call_command
call_command("db_worker", "--no-startup-delay", "--no-reload")
"""
#: After the kill: the stalled job ended by clear_stale_imports, and the undo started again.
CLEAR_AND_START_AGAIN = """
from datetime import timedelta
from django.core.management import call_command
from django.utils import timezone
from campaigns import undo_jobs
from campaigns.models import ImportJob
from campaigns.tenancy import scopes_disabled
with scopes_disabled():
    ImportJob.objects.update(updated_at=timezone.now() - timedelta(minutes=16))
    call_command("clear_stale_imports")
    job = ImportJob.objects.select_related("batch", "user").get()
undo_jobs.start(job.batch, user=job.user)
"""
CHECK_ROLLUPS = "from campaigns import rollups; print('differences', rollups.differences())"


def child(database_url, staging, *args):
    """``python ARGS`` in the project, on the database ``database_url``, its tasks in it."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "IMPORT_BACKGROUND_ROWS": "100",
        "IMPORT_STAGING_DIR": str(staging),
        "DEBUG": "false",
    }
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_worker_killed_halfway_leaves_the_batch_whole_and_the_undo_runs_again(
    child_database,  # noqa: F811 (the fixture of tests/test_tasks.py)
    tmp_path,
):
    database_url, query = child_database
    staging = tmp_path / "child-imports"
    finish(child(database_url, staging, "manage.py", "migrate", "-v0"))
    finish(child(database_url, staging, "manage.py", "shell", "-c", IMPORT_AND_START))
    [(token,)] = query("SELECT token FROM campaigns_importjob")
    progress = FileBasedCache(staging / "progress", {})

    worker = child(database_url, staging, "-c", SLOW_WORKER)
    try:
        deadline = time.monotonic() + 120
        while progress.get(f"undo-{token}") is None and worker.poll() is None:
            assert time.monotonic() < deadline, "the worker never started the undo"
            time.sleep(0.005)
        assert worker.poll() is None, "the worker ended before it was killed"
        worker.send_signal(signal.SIGKILL)  # kill -9, halfway
    finally:
        worker.kill()
        worker.communicate(timeout=60)
    undone_when_killed = progress.get(f"undo-{token}")

    assert worker.returncode == -signal.SIGKILL
    assert 0 < undone_when_killed < 2000  # it was killed halfway
    assert query("SELECT COUNT(*) FROM campaigns_dailymetric") == [(2000,)]
    assert query("SELECT undone_at FROM campaigns_importbatch") == [(None,)]
    assert query("SELECT COUNT(*) FROM campaigns_change WHERE source = 'undo'") == [(0,)]
    assert query("SELECT state FROM campaigns_importjob") == [("committing",)]

    out = finish(child(database_url, staging, "manage.py", "shell", "-c", CLEAR_AND_START_AGAIN))
    assert "1 stalled background undo ended as failed (nothing was changed)." in out
    finish(child(database_url, staging, "manage.py", "db_worker", "--batch", "--no-startup-delay"))

    jobs = query("SELECT state, message FROM campaigns_importjob ORDER BY id")
    assert [state for state, _ in jobs] == ["failed", "done"]
    assert jobs[0][1].startswith("The background worker stopped while undoing this batch, so ")
    assert query("SELECT COUNT(*) FROM campaigns_dailymetric") == [(0,)]
    assert query("SELECT COUNT(*) FROM campaigns_importbatch WHERE undone_at IS NULL") == [(0,)]
    checked = finish(child(database_url, staging, "manage.py", "shell", "-c", CHECK_ROLLUPS))
    assert "differences []" in checked
