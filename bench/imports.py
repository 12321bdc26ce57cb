"""Benchmark an import of 100,000 rows: `make bench-imports` (or `python bench/imports.py`).

Builds a throwaway SQLite database (in a temporary folder) with one location of EXISTING
campaigns that already have some days recorded, and writes a CSV file in our import format of
CAMPAIGNS campaigns × DAYS days (100,000 rows by default, over four months): the EXISTING
campaigns' rows add days and replace or keep the days they have, the others name campaigns the
import creates (create-missing). Then, each run on a fresh copy of that database:

* **upload**: the web flow's upload — the file staged, read, planned, its preview kept;
* **commit**: the web flow's commit — the staged file read again, planned again, written (the
  campaigns, the days and their rollups, in one transaction);
* **raw executemany**: the same 100,000 rows written with one ``executemany`` of the import's
  own upsert statement (after inserting the new campaigns, untimed), through ``sqlite3``
  without Django: the floor.

Prints the best of REPEAT runs of each, their ratio, the peak memory traced by tracemalloc
while the file is read, planned and committed (a separate run: tracing slows Python down), the
process's peak resident memory, and checks the rollups and row counts afterwards.
BENCH_IMPORT_CAMPAIGNS, BENCH_IMPORT_EXISTING, BENCH_IMPORT_DAYS and BENCH_REPEAT change the
shape; BENCH_PROFILE=1 prints a cProfile of one commit.
"""

from __future__ import annotations

import io
import os
import random
import resource
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CAMPAIGNS = int(os.environ.get("BENCH_IMPORT_CAMPAIGNS", 1000))
EXISTING = int(os.environ.get("BENCH_IMPORT_EXISTING", 600))
DAYS = int(os.environ.get("BENCH_IMPORT_DAYS", 100))
REPEAT = int(os.environ.get("BENCH_REPEAT", 3))
FIRST_DAY = date(2026, 1, 1)
RECORDED_BEFORE = 31  # days each existing campaign has before the file's first day
RECORDED_IN_FILE = 30  # and in the file's first days: most replaced, every sixth kept

workdir = Path(tempfile.mkdtemp(prefix="cpa-bench-imports-"))
BASE = workdir / "base.sqlite3"
WORK = workdir / "work.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{WORK}"
os.environ["IMPORT_STAGING_DIR"] = str(workdir / "staging")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402

from campaigns import imports, rollups, undo  # noqa: E402
from campaigns.imports import staging, writing  # noqa: E402
from campaigns.imports.preview import Preview  # noqa: E402
from campaigns.models import Campaign, DailyMetric, Location  # noqa: E402
from campaigns.tenancy import scopes_disabled  # noqa: E402

settings.IMPORT_STAGING_DIR = workdir / "staging"
settings.IMPORT_MAX_STAGED_PER_USER = 10**6
HEADER = (
    "date,campaign,impressions,clicks,leads,qualified_leads,hot_leads,conversions,revenue,spend"
)


def numbers(rng: random.Random) -> tuple:
    leads = rng.randint(0, 40)
    qualified = rng.randint(0, leads)
    return (
        rng.randint(1000, 20000),
        rng.randint(20, 800),
        leads,
        qualified,
        rng.randint(0, qualified),
        rng.randint(0, leads),
        Decimal(rng.randint(0, 400000)) / 100,
        Decimal(rng.randint(1000, 30000)) / 100,
    )


def name(number: int) -> str:
    return f"Campaign {number:04d}"


def build_base() -> tuple[Location, dict[tuple[str, date], tuple]]:
    """The database before the import (copied to BASE), and the days it records in the file's
    range, by (campaign name, day)."""
    call_command("migrate", verbosity=0)
    location = Location.objects.create(name="Import Bench Client", slug="import-bench")
    get_user_model().objects.create_user("bench", password="bench-only-password")
    rng = random.Random(1)
    recorded = {}
    with scopes_disabled():
        campaigns = Campaign.objects.bulk_create(
            Campaign(
                location=location,
                name=name(i),
                channel=Campaign.Channel.EMAIL,
                budget=Decimal("50000"),
                start_date=FIRST_DAY - timedelta(days=RECORDED_BEFORE),
            )
            for i in range(EXISTING)
        )
        rows = []
        for campaign in campaigns:
            for offset in range(-RECORDED_BEFORE, RECORDED_IN_FILE):
                day = FIRST_DAY + timedelta(days=offset)
                values = numbers(rng)
                rows.append((location.pk, campaign.pk, day, *values))
                if offset >= 0:
                    recorded[campaign.name, day] = values
        with connection.cursor() as cursor:
            cursor.executemany(writing._upsert_sql(), rows)
        # As the app after a raw write of days: its own command (rollups, statistics).
        call_command("rollups", "--rebuild", stdout=io.StringIO())
    connection.close()
    source = sqlite3.connect(WORK)
    with sqlite3.connect(BASE) as target:
        source.backup(target)
    source.close()
    return location, recorded


def write_file(recorded: dict) -> tuple[Path, list[tuple]]:
    """The CSV file, and its rows as (campaign name, day, *numbers)."""
    rng = random.Random(2)
    path = workdir / "import.csv"
    rows = []
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write(HEADER + "\n")
        for i in range(CAMPAIGNS):
            for offset in range(DAYS):
                day = FIRST_DAY + timedelta(days=offset)
                kept = recorded.get((name(i), day))
                values = kept if kept is not None and offset % 6 == 5 else numbers(rng)
                rows.append((name(i), day, *values))
                file.write(f"{day},{name(i)},{','.join(str(v) for v in values)}\n")
    return path, rows


def fresh(path: Path) -> None:
    """Make ``path`` a copy of the base database (Django's connection closed first)."""
    for alias in connections:
        connections[alias].close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    source = sqlite3.connect(BASE)
    with sqlite3.connect(path) as target:
        source.backup(target)
    source.close()


WRITES: list[float] = []  # seconds of each write transaction (writing._write)
_write = writing._write


def _timed_write(*args, **kwargs):
    started = time.perf_counter()
    try:
        return _write(*args, **kwargs)
    finally:
        WRITES.append(time.perf_counter() - started)


writing._write = _timed_write


def import_like_the_web(path: Path, location: Location, user) -> tuple[float, float, float, object]:
    """Upload (stage, read, plan, keep the preview) then commit (read, plan, write), as
    campaigns.views.imports does; returns the seconds of each, the commit's CPU seconds (of this
    process: SQLite runs in it) and the result."""
    started = time.perf_counter()
    upload = SimpleUploadedFile("import.csv", path.read_bytes(), content_type="text/csv")
    staged = staging.stage_upload(upload.chunks(), location=location, user=user, filename="x")
    with staged.open() as file:
        parsed = imports.read_csv(file)
    staged.save_preview(Preview.of(imports.plan_import(location=location, parsed=parsed)))
    uploaded = time.perf_counter()
    del parsed, upload
    cpu = time.process_time()
    with staged.open() as file:
        parsed = imports.read_csv(file)
    result = imports.commit_import(
        location=location, parsed=parsed, create_missing=True, channel="email"
    )
    staging.discard_staged(staged.token)
    committed, cpu = time.perf_counter(), time.process_time() - cpu
    return uploaded - started, committed - uploaded, cpu, result


def commit_only(path: Path, location: Location):
    """Read, plan and commit the file (the command's path without its printout)."""
    with path.open("rb") as file:
        parsed = imports.read_csv(file)
    return imports.commit_import(
        location=location, parsed=parsed, create_missing=True, channel="email"
    )


def raw_executemany(rows: list[tuple], location: Location) -> float:
    """Seconds to write the same rows with one executemany of the upsert, on a fresh copy."""
    path = workdir / "raw.sqlite3"
    fresh(path)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    campaign_table = Campaign._meta.db_table
    ids = dict(db.execute(f"SELECT name, id FROM {campaign_table}"))
    db.execute("BEGIN IMMEDIATE")
    new = [n for n in dict.fromkeys(r[0] for r in rows) if n not in ids]
    db.executemany(
        f"INSERT INTO {campaign_table} (location_id, name, channel, budget, start_date, "
        "status, google_ads_id, meta_id, created_at, updated_at) VALUES (?, ?, 'email', "
        "'0.00', ?, 'active', '', '', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
        [(location.pk, n, FIRST_DAY.isoformat()) for n in new],
    )
    ids = dict(db.execute(f"SELECT name, id FROM {campaign_table}"))
    db.execute("COMMIT")
    parameters = [
        (location.pk, ids[n], day.isoformat(), *values[:6], str(values[6]), str(values[7]))
        for n, day, *values in rows
    ]
    sql = writing._upsert_sql().replace("%s", "?")
    started = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    db.executemany(sql, parameters)
    db.execute("COMMIT")
    seconds = time.perf_counter() - started
    db.close()
    return seconds


def check(location: Location, expected_days: int, expected_campaigns: int = CAMPAIGNS) -> None:
    with scopes_disabled():
        days = DailyMetric.objects.filter(location=location).count()
        campaigns = Campaign.objects.filter(location=location).count()
    problems = rollups.differences(location.pk)
    assert days == expected_days, (days, expected_days)
    assert campaigns == expected_campaigns, (campaigns, expected_campaigns)
    assert problems == [], problems[:3]


def main() -> None:
    location, recorded = build_base()
    path, rows = write_file(recorded)
    user = get_user_model().objects.get(username="bench")
    expected_days = EXISTING * RECORDED_BEFORE + CAMPAIGNS * DAYS
    unchanged = sum(1 for n, day, *values in rows if recorded.get((n, day)) == tuple(values))
    size = path.stat().st_size

    uploads, commits, cpus, raws = [], [], [], []
    for _ in range(REPEAT):
        fresh(WORK)
        upload, commit, cpu, result = import_like_the_web(path, location, user)
        check(location, expected_days)
        uploads.append(upload)
        commits.append(commit)
        cpus.append(cpu)
        raws.append(raw_executemany(rows, location))
    assert result.unchanged == unchanged, (result.unchanged, unchanged)

    # Undo the last run's import: the days and campaigns before it come back.
    started, cpu = time.perf_counter(), time.process_time()
    if os.environ.get("BENCH_PROFILE_UNDO"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        undone = profile.runcall(undo.undo_batch, result.batch)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(35)
    else:
        undone = undo.undo_batch(result.batch)
    undo_seconds, undo_cpu = time.perf_counter() - started, time.process_time() - cpu
    check(location, EXISTING * RECORDED_BEFORE + len(recorded), EXISTING)

    fresh(WORK)
    tracemalloc.start()
    commit_only(path, location)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    check(location, expected_days)

    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        fresh(WORK)
        profile = cProfile.Profile()
        profile.runcall(commit_only, path, location)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)

    best_commit, best_raw = min(commits), min(raws)
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\n{len(rows):,} rows ({size / 1e6:.1f} MB, {CAMPAIGNS} campaigns × {DAYS} days, "
        f"{CAMPAIGNS - EXISTING} created, {result.replaced:,} days replaced, "
        f"{result.unchanged:,} unchanged) on SQLite {sqlite3.sqlite_version}, "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; best of {REPEAT} runs.\n"
    )
    print("| step | time |")
    print("| --- | ---: |")
    print(f"| upload: stage, read, plan, keep the preview | {min(uploads):.2f} s |")
    print(f"| commit: read, plan again, write days and rollups | {best_commit:.2f} s |")
    print(f"| of which the write transaction (check, write, rollups) | {min(WRITES):.2f} s |")
    both = min(u + c for u, c in zip(uploads, commits, strict=True))
    print(f"| upload + commit, end to end | {both:.2f} s |")
    print(f"| raw executemany of the same rows (floor) | {best_raw:.2f} s |")
    print(f"| commit ÷ raw executemany | {best_commit / best_raw:.1f}× |")
    print(f"| write transaction ÷ raw executemany | {min(WRITES) / best_raw:.1f}× |")
    print(f"| commit, CPU time of the process | {min(cpus):.2f} s |")
    print(
        f"| undo of the import ({undone.removed:,} days removed, {undone.restored:,} restored, "
        f"{len(undone.campaigns_removed)} campaigns removed), CPU {undo_cpu:.2f} s "
        f"| {undo_seconds:.2f} s |"
    )
    print(f"\nPeak traced memory of read + plan + commit: {peak / 1e6:.0f} MB")
    print(f"Peak resident memory of the process (ru_maxrss): {maxrss:.0f} MB")
    print(
        "Rollups equal the days (rollups.differences() == []); row counts as expected, after "
        "each import and after the undo."
    )
    print(
        f"Load average at the end (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )


if __name__ == "__main__":
    main()
