"""Background work: the scheduler's once-only guard, catch-up, the daily-checks task in its
location's scope, run_scheduler --once --sync, and one task through the real database worker."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID, uuid4

import pytest
from asgiref.local import Local
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.tasks import TaskResultStatus, task_backends
from django.tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult

from campaigns import scheduling
from campaigns.models import Campaign, Membership, ScheduledRun
from campaigns.tasks import run_daily_checks
from tests.factories import CampaignFactory, LocationFactory, MembershipFactory, UserFactory

# 2026-03-10 11:30 UTC is 07:30 in New York (EDT): the day's 06:00 check (10:00 UTC) is due.
NOW = datetime(2026, 3, 10, 11, 30, tzinfo=UTC)
DUE_TODAY = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
DUE_YESTERDAY = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)


def reset_task_backends():
    """django.tasks caches its backends and does not watch TASKS: forget them."""
    task_backends.__dict__.pop("settings", None)
    task_backends._settings = None
    task_backends._connections = Local(task_backends.thread_critical)


@pytest.fixture(autouse=True)
def only_the_daily_checks(monkeypatch):
    """These tests are about the scheduler itself, seen through its built-in source; the other
    sources (report schedules, alert digests) have their own tests."""
    monkeypatch.setattr(
        scheduling, "load_sources", lambda: {"daily_checks": scheduling.daily_checks}
    )


@pytest.fixture
def database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    reset_task_backends()
    yield
    reset_task_backends()


@pytest.fixture
def finished():
    """The results of the tasks that finished (run by the immediate backend or the worker)."""
    results = []

    def collect(sender, task_result, **kwargs):
        results.append(task_result)

    task_finished.connect(collect)
    yield results
    task_finished.disconnect(collect)


@pytest.fixture
def new_york(db):
    location = LocationFactory(slug="ny-homes", time_zone="America/New_York")
    CampaignFactory.create_batch(2, location=location)
    CampaignFactory(location=location, status=Campaign.Status.PAUSED)
    return location


@pytest.fixture
def other(db):
    location = LocationFactory(slug="other-homes", time_zone="America/New_York")
    CampaignFactory.create_batch(5, location=location)
    return location


def test_scheduler_enqueues_a_due_daily_check_once(new_york, finished):
    outcome = scheduling.run_due_work(NOW)

    assert [(w.kind, w.key, w.due_at) for w in outcome.enqueued] == [
        ("daily_checks", str(new_york.pk), DUE_TODAY)
    ]
    run = ScheduledRun.objects.get(skipped=False)
    assert (run.kind, run.key, run.due_at) == ("daily_checks", str(new_york.pk), DUE_TODAY)
    assert run.task_id
    # The immediate backend ran it: two active campaigns checked (the paused one is not).
    assert [(r.status, r.return_value, r.args) for r in finished] == [
        (TaskResultStatus.SUCCESSFUL, 2, [new_york.pk])
    ]


def test_next_check_not_due_before_six_local_time(new_york, finished):
    scheduling.run_due_work(DUE_YESTERDAY + timedelta(minutes=1))
    # 09:59 UTC is 05:59 in New York: today's check is not due yet, yesterday's is done.
    outcome = scheduling.run_due_work(DUE_TODAY - timedelta(minutes=1))
    assert outcome.enqueued == []
    assert [r.args for r in finished] == [[new_york.pk]]


def test_second_pass_and_restarted_scheduler_enqueue_nothing_more(new_york, finished):
    scheduling.run_due_work(NOW)
    again = scheduling.run_due_work(NOW)
    restarted = scheduling.run_due_work(NOW + timedelta(minutes=7))

    assert again.enqueued == [] and restarted.enqueued == []
    assert again.already_done == 2 and restarted.already_done == 2  # today's, yesterday's skip
    assert ScheduledRun.objects.filter(skipped=False).count() == 1
    assert len(finished) == 1


@pytest.fixture
def child_database(tmp_path):
    """A database of its own for child processes, on the engine the suite runs on: a SQLite
    file, or a throwaway database on the suite's PostgreSQL server (dropped afterwards).
    Yields (DATABASE_URL, query) where ``query(sql)`` returns the rows of a SELECT."""
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        db_file = tmp_path / "scheduler.sqlite3"

        def query(sql):
            with closing(sqlite3.connect(db_file)) as db:
                return db.execute(sql).fetchall()

        yield f"sqlite:///{db_file}", query
        return

    import psycopg

    server = urlsplit(os.environ["DATABASE_URL"])
    name = f"cpa_children_{uuid4().hex[:12]}"
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(server._replace(path=f"/{name}"))

    def query(sql):
        with psycopg.connect(url) as db:
            return db.execute(sql).fetchall()

    try:
        yield url, query
    finally:
        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def run_manage(database_url, *args, timeout=60):
    """``manage.py ARGS`` in a new process on the database ``database_url``, tasks in it."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "DEBUG": "false",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(process, timeout=60):
    out, _ = process.communicate(timeout=timeout)
    assert process.returncode == 0, out
    return out


def test_two_scheduler_processes_then_the_real_worker(child_database):
    """Two schedulers started together on one database (SQLite or PostgreSQL, as the suite)
    enqueue the day's check once; the real worker (``db_worker --batch``, another process)
    runs it: SUCCESSFUL, its value kept."""
    database_url, query = child_database
    finish(run_manage(database_url, "migrate", "-v0"))
    finish(
        run_manage(
            database_url,
            "shell",
            "-c",
            "from tests.factories import LocationFactory, CampaignFactory;"
            "CampaignFactory.create_batch(4, location=LocationFactory(slug='twin'))",
        )
    )

    first, second = (
        run_manage(database_url, "run_scheduler", "--once"),
        run_manage(database_url, "run_scheduler", "--once"),
    )
    outputs = [finish(first), finish(second)]
    enqueued = [int(re.search(r"Scheduler: enqueued (\d+),", out)[1]) for out in outputs]

    worker = finish(
        run_manage(database_url, "db_worker", "--batch", "--no-startup-delay", "--no-reload")
    )
    assert "state=SUCCESSFUL" in worker

    claims = query("SELECT kind, task_id FROM campaigns_scheduledrun WHERE NOT skipped")
    tasks = {
        str(UUID(str(id))): (status, json.loads(str(value)))
        for id, status, value in query(
            "SELECT id, status, return_value FROM django_tasks_database_dbtaskresult"
        )
    }
    # Between them the two enqueued each due occurrence once: one claim and one task each
    # (tasks may enqueue more: alert e-mails), every task run by the worker.
    assert sum(enqueued) == len(claims) >= 1
    assert {str(UUID(task_id)) for _, task_id in claims} <= set(tasks)
    assert {status for status, _ in tasks.values()} == {"SUCCESSFUL"}
    # The day's check of the location ran once and checked its 4 campaigns (SQLite keeps the
    # JSON value as text, PostgreSQL as jsonb, read back as a number: both load to 4).
    [check] = [task_id for kind, task_id in claims if kind == "daily_checks"]
    assert tasks[str(UUID(check))] == ("SUCCESSFUL", 4)


def test_catch_up_after_downtime_enqueues_once_and_skips_older(new_york, finished, caplog):
    # The scheduler was down from the 8th (its last claim); it comes back on the 10th at 11:30 UTC.
    ScheduledRun.objects.create(
        kind="daily_checks", key=str(new_york.pk), due_at=DUE_YESTERDAY - timedelta(days=1)
    )
    with caplog.at_level(logging.WARNING, logger="campaigns.scheduling"):
        outcome = scheduling.run_due_work(NOW)

    assert [w.due_at for w in outcome.enqueued] == [DUE_TODAY]
    assert [w.due_at for w in outcome.skipped] == [DUE_YESTERDAY]  # 25.5 h late
    assert "1 occurrence(s) more than 1 day, 0:00:00 late were skipped" in caplog.text
    assert ScheduledRun.objects.get(skipped=True).due_at == DUE_YESTERDAY
    assert ScheduledRun.objects.get(skipped=True).task_id == ""
    assert len(finished) == 1
    # Nothing older than the look-back is even considered (the 8th's check is only the old claim).
    assert ScheduledRun.objects.filter(due_at__lt=DUE_YESTERDAY).count() == 1
    # Later passes neither run the skipped one nor log it again.
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="campaigns.scheduling"):
        later = scheduling.run_due_work(NOW + timedelta(hours=1))
    assert later.enqueued == [] and later.skipped == []
    assert "skipped" not in caplog.text
    assert len(finished) == 1


def test_each_pass_deletes_claims_older_than_a_month_and_keeps_the_rest(new_york, finished):
    old = ScheduledRun.objects.create(kind="daily_checks", key="1", due_at=NOW - timedelta(days=31))
    kept = ScheduledRun.objects.create(
        kind="daily_checks", key="1", due_at=NOW - timedelta(days=29)
    )

    outcome = scheduling.run_due_work(NOW)

    assert outcome.pruned == 1
    assert not ScheduledRun.objects.filter(pk=old.pk).exists()
    assert ScheduledRun.objects.filter(pk=kept.pk).exists()
    assert "old claims deleted 1" in str(outcome)


def test_catch_up_within_a_day_still_runs(new_york, finished):
    # Down from 09:00 to 04:00 UTC the next day: the 10:00 UTC check is 18 h late, still run.
    outcome = scheduling.run_due_work(datetime(2026, 3, 11, 4, 0, tzinfo=UTC))
    assert [w.due_at for w in outcome.enqueued] == [DUE_TODAY]
    assert len(finished) == 1


def test_daily_check_runs_in_its_locations_scope_only(new_york, other):
    # The other location has five active campaigns: none of them is counted.
    assert run_daily_checks.call(new_york.pk) == 2
    assert run_daily_checks.call(other.pk) == 5


def test_daily_check_of_a_deleted_location_checks_nothing(db):
    assert run_daily_checks.call(987654) == 0


def test_run_scheduler_once_sync_runs_in_process(new_york, database_backend, capsys, caplog):
    # With the database backend configured, --sync still runs the task here, enqueuing nothing.
    with caplog.at_level(logging.INFO):
        call_command("run_scheduler", "--once", "--sync")
    assert "Scheduler: enqueued 0, ran 1, failed 0, already done 0" in capsys.readouterr().out
    assert "Daily checks for ny-homes: 2 active campaign(s) checked" in caplog.text
    assert not DBTaskResult.objects.exists()
    run = ScheduledRun.objects.get(skipped=False)
    assert run.task_id == ""

    call_command("run_scheduler", "--once", "--sync")
    assert "ran 0, failed 0, already done" in capsys.readouterr().out
    assert ScheduledRun.objects.filter(skipped=False).count() == 1


def test_run_scheduler_once_enqueues_for_the_worker(new_york, database_backend, capsys):
    call_command("run_scheduler", "--once")
    assert "Scheduler: enqueued 1, ran 0" in capsys.readouterr().out
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "campaigns.tasks.run_daily_checks"
    assert queued.status == TaskResultStatus.READY
    assert ScheduledRun.objects.get(skipped=False).task_id == str(queued.id)


@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_an_enqueued_task_end_to_end(database_backend):
    location = LocationFactory(slug="worked", time_zone="UTC")
    CampaignFactory.create_batch(3, location=location)
    result = run_daily_checks.enqueue(location.pk)
    assert result.status == TaskResultStatus.READY

    handlers = {
        sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    }
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 3
    assert result.worker_ids


SCHEDULED_RUNS = "/admin/campaigns/scheduledrun/"
TASK_RESULTS = "/admin/django_tasks_database/dbtaskresult/"


def test_admin_shows_background_work_to_superusers_only_and_read_only(client, new_york, sunrise):
    scheduling.run_due_work(NOW)
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    # Staff with every permission there is, but no superuser: task rows and runs stay hidden.
    staff = UserFactory(username="staff", is_staff=True)
    staff.user_permissions.set(Permission.objects.all())
    MembershipFactory(user=staff, location=sunrise, role=Membership.Role.MANAGER)

    client.force_login(staff)
    assert client.get(SCHEDULED_RUNS).status_code == 403
    assert client.get(TASK_RESULTS).status_code == 403

    client.force_login(root)
    page = client.get(SCHEDULED_RUNS)
    assert page.status_code == 200
    assert "daily_checks" in page.content.decode()
    assert client.get(TASK_RESULTS).status_code == 200
    run = ScheduledRun.objects.get(key=str(new_york.pk), skipped=False)
    assert client.get(f"{SCHEDULED_RUNS}add/").status_code == 403
    assert client.post(f"{SCHEDULED_RUNS}{run.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ScheduledRun.objects.filter(pk=run.pk).exists()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_scheduler_loop_stops_cleanly_on_a_signal(child_database, stop):
    database_url, _ = child_database
    finish(run_manage(database_url, "migrate", "-v0"))
    loop = run_manage(database_url, "run_scheduler")
    first_pass = ""
    while "Scheduler: enqueued" not in first_pass:  # the first pass's outcome, then a nap
        first_pass = loop.stdout.readline()
        assert first_pass, "the scheduler ended before its first pass"
    loop.send_signal(stop)
    out = finish(loop, timeout=30)  # it stops within a nap (0.5 s); slack for a loaded machine
    assert out.strip().endswith("Scheduler stopped.")


def test_the_first_pass_of_a_new_installation_skips_old_work_without_a_warning(
    new_york, finished, caplog
):
    # No claim at all yet: yesterday's check was "missed" only because nothing was running.
    with caplog.at_level(logging.INFO, logger="campaigns.scheduling"):
        outcome = scheduling.run_due_work(NOW)

    assert [w.due_at for w in outcome.skipped] == [DUE_YESTERDAY]
    assert [w.due_at for w in outcome.enqueued] == [DUE_TODAY]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "first pass; 1 occurrence(s) from before it started are not run" in caplog.text
