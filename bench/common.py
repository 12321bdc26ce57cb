"""What the benchmarks share: the throwaway database, the data, the timing and the SQL floor.

Importing this module points Django at a throwaway database and sets it up: the PostgreSQL of
``BENCH_DATABASE_URL`` when given, else a new SQLite file in a temporary folder. Import it
before anything that needs the app registry.

* ``make_locations``, ``make_campaigns``, ``write_days`` and ``finish_load`` build the data:
  the daily rows are written raw (``executemany`` on SQLite, ``COPY`` on PostgreSQL; the ORM
  would take far longer), then ``manage.py rollups --rebuild`` does what the app does after a
  raw write of days (sums their rollups, refreshes whatever statistics the app refreshes).
  The bench runs no ANALYZE or VACUUM of its own: the database is left as the app leaves it,
  and ``dbstate.database_state`` says what the planner has (sqlite_stat1, pg_stats).
* ``Browser`` signs a user in and GETs whole pages through Django's test client (middleware,
  queries, Python, templates), as a manager's browser would.
* ``measure`` times a page, best of ``REPEAT`` runs, with its query count and its SQL floor:
  the very SELECT statements the page ran, executed raw and fetched without the ORM, Python or
  templates. The floor is what the page can never be faster than; the page minus the floor is
  what the Python and the templates cost. ``before`` (e.g. ``cache.clear``) runs, untimed,
  before each run: the uncached figures.

The cache is always local memory (never the CACHE_URL of the environment): ``cache.clear()``
must empty the bench's own cache and nothing else.
"""

from __future__ import annotations

import atexit
import io
import logging
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REPEAT = int(os.environ.get("BENCH_REPEAT", 3))

_workdir = tempfile.mkdtemp(prefix="cpa-bench-")
# The SQLite file of a full run is about a gigabyte: never left behind in /tmp.
atexit.register(shutil.rmtree, _workdir, ignore_errors=True)
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{_workdir}/bench.sqlite3"
)
os.environ["CACHE_URL"] = "locmemcache://"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()
# Quiet: django-axes logs every sign-in; whitenoise misses the collectstatic folder.
logging.getLogger("axes").setLevel(logging.WARNING)
warnings.filterwarnings("ignore", message="No directory at")

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from campaigns.models import Campaign, DailyMetric, Location, Membership  # noqa: E402
from campaigns.tenancy import scopes_disabled  # noqa: E402

CHANNELS = Campaign.Channel.values
DAY_COLUMNS = ("location_id", "campaign_id", "date", *DailyMetric.NUMBER_FIELDS)


def migrate() -> None:
    """Create the tables; refuse a database that already holds locations (the benchmark
    writes millions of rows and users with a known password: never into real data)."""
    call_command("migrate", verbosity=0)
    if Location.objects.exists():
        sys.exit("The benchmark needs an empty database: BENCH_DATABASE_URL holds locations.")


def engine() -> str:
    """The database and its version, e.g. "SQLite 3.40.1" or "PostgreSQL 15.8"."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


# ------------------------------------------------------------------------ data


def make_locations(prefix: str, count: int, name: str = "Client") -> list[Location]:
    return Location.objects.bulk_create(
        Location(name=f"{name} {i:04}", slug=f"{prefix}-{i:04}") for i in range(count)
    )


def make_user(username: str, locations: list[Location]) -> object:
    """A user who manages ``locations``."""
    user = get_user_model().objects.create_user(username, password="bench-only-pw")
    Membership.objects.bulk_create(
        Membership(user=user, location=loc, role=Membership.Role.MANAGER) for loc in locations
    )
    return user


def make_campaigns(
    locations: list[Location],
    per_location: int,
    days: int,
    today: date,
    *,
    name: str = "Campaign",
    seed: int = 42,
) -> list[Campaign]:
    """``per_location`` campaigns in each location, started ``days`` days ago (today
    included), ending 30 to 365 days from today; some over budget, some behind on leads."""
    rng = random.Random(seed)
    start = today - timedelta(days=days - 1)
    with scopes_disabled():
        return Campaign.objects.bulk_create(
            Campaign(
                location=loc,
                name=f"{name} {n}",
                channel=CHANNELS[n % len(CHANNELS)],
                budget=Decimal(rng.choice([0, 20000, 40000, 80000]) * max(1, days // 365)),
                start_date=start,
                end_date=today + timedelta(days=rng.choice([30, 90, 365])),
                target_leads=rng.choice([None, 2000, 20000]),
                target_conversions=None,
                target_roi=Decimal("1.5"),
            )
            for loc in locations
            for n in range(per_location)
        )


def _figures(seed: int, count: int = 10_007) -> list[tuple]:
    """A pool of plausible days' figures (qualified ≤ leads, hot ≤ qualified): drawing rows
    from a pool is much faster than drawing each number, and just as good for timing reads."""
    rng = random.Random(seed)
    pool = []
    for _ in range(count):
        leads = rng.randrange(0, 30)
        qualified = rng.randint(0, leads)
        pool.append(
            (
                rng.randrange(1000, 20000),
                rng.randrange(20, 800),
                leads,
                qualified,
                rng.randint(0, qualified),
                rng.randint(0, leads // 3),
                f"{rng.randrange(0, 40000) / 100:.2f}",
                f"{rng.randrange(1000, 20000) / 100:.2f}",
            )
        )
    return pool


def write_days(campaigns: list[Campaign], days: int, today: date, *, seed: int = 7) -> int:
    """A row for each of the last ``days`` days (today included) of each campaign, written
    raw; returns the number of rows. Call ``finish_load`` afterwards (the rollups)."""
    pool = _figures(seed)
    dates = [(today - timedelta(days=days - 1 - d)).isoformat() for d in range(days)]
    columns = ", ".join(DAY_COLUMNS)
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY's text format, a campaign's rows at a time: far faster than INSERTs.
            figures = ["\t".join(map(str, row)) for row in pool]
            with cursor.cursor.copy(f"COPY campaigns_dailymetric ({columns}) FROM STDIN") as copy:
                for i, campaign in enumerate(campaigns):
                    key = f"{campaign.location_id}\t{campaign.pk}"
                    copy.write(
                        "".join(
                            f"{key}\t{day}\t{figures[(i * 7919 + d) % len(figures)]}\n"
                            for d, day in enumerate(dates)
                        )
                    )
                    written += days
        else:
            placeholders = ", ".join(["%s"] * len(DAY_COLUMNS))
            sql = f"INSERT INTO campaigns_dailymetric ({columns}) VALUES ({placeholders})"
            for i, campaign in enumerate(campaigns):
                key = (campaign.location_id, campaign.pk)
                cursor.executemany(
                    sql,
                    [(*key, day, *pool[(i * 7919 + d) % len(pool)]) for d, day in enumerate(dates)],
                )
                written += days
    return written


def finish_load() -> None:
    """After raw writes of days, what the app does after a bulk load, through its own path:
    ``manage.py rollups --rebuild`` (the rollups summed again, and whatever statistics refresh
    the app runs). No ANALYZE or VACUUM of the bench's own: a deployment has none; on
    PostgreSQL, autovacuum may analyze the tables while the pages are measured, as it would
    in a deployment (``dbstate.database_state`` reports it)."""
    call_command("rollups", "--rebuild", stdout=io.StringIO())


# --------------------------------------------------------------------- timing


@dataclass
class Measurement:
    """A page's best time, its query count and its SQL floor (seconds)."""

    seconds: float
    queries: int
    floor: float
    #: The floor's statements, slowest first: (best seconds, SQL, rows fetched).
    statements: list[tuple[float, str, int]] = field(default_factory=list)

    @property
    def above_floor(self) -> float:
        return self.seconds - self.floor


def _is_read(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


class Recorder:
    """Records each statement sent (SQL and parameters), as ``connection.execute_wrapper``."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append((sql, None if many else params))
        return execute(sql, params, many, context)


def floor(statements: list[tuple[str, object]]) -> tuple[float, list[tuple[float, str, int]]]:
    """Best time of running the SELECT ``statements`` (SQL, parameters) raw, fetching every
    row, and each statement's own (best time, SQL, rows), slowest first. Writes and
    transaction control are left out: running them again would change the data (or fail)."""
    reads = [(sql, params) for sql, params in statements if _is_read(sql)]
    best_total, best_each, rows = None, [None] * len(reads), [0] * len(reads)
    for _ in range(REPEAT):
        total = 0.0
        with connection.cursor() as cursor:
            for i, (sql, params) in enumerate(reads):
                started = time.perf_counter()
                cursor.execute(sql, params)
                rows[i] = len(cursor.fetchall())
                elapsed = time.perf_counter() - started
                total += elapsed
                best_each[i] = elapsed if best_each[i] is None else min(best_each[i], elapsed)
        best_total = total if best_total is None else min(best_total, total)
    sqls = (sql for sql, _ in reads)
    ranked = sorted(zip(best_each, sqls, rows, strict=True), key=lambda s: -s[0])
    return best_total or 0.0, ranked


def measure_together(*reads, repeat: int = REPEAT, before=None) -> list[Measurement]:
    """Each of ``reads`` (callables) timed, best of ``repeat`` runs, with the statements its
    last run sent and their floor; ``before`` (a callable, e.g. ``cache.clear``) runs untimed
    before each run. The reads take turns run by run, so that a change in the machine's load
    hits them alike: the ratio of two is fairer than from separate runs."""
    best: list[float | None] = [None] * len(reads)
    statements: list[list[tuple[str, object]]] = [[] for _ in reads]
    for _ in range(repeat):
        for i, read in enumerate(reads):
            if before is not None:
                before()
            recorder = Recorder()
            with connection.execute_wrapper(recorder):
                started = time.perf_counter()
                read()
                elapsed = time.perf_counter() - started
            best[i] = elapsed if best[i] is None else min(best[i], elapsed)
            statements[i] = recorder.statements
    measurements = []
    for seconds, sent in zip(best, statements, strict=True):
        floor_seconds, ranked = floor(sent)
        measurements.append(Measurement(seconds, len(sent), floor_seconds, ranked))
    return measurements


def measure(read, *, before=None) -> Measurement:
    return measure_together(read, before=before)[0]


class Browser:
    """Django's test client signed in as ``user``: ``get(url)`` fetches a whole page and
    fails unless it answers 200."""

    def __init__(self, user) -> None:
        self.client = Client()
        self.client.force_login(user)

    def get(self, url: str) -> None:
        response = self.client.get(url, secure=True)
        assert response.status_code == 200, (url, response.status_code)

    def measure(self, url: str, *, before=None) -> Measurement:
        return measure(lambda: self.get(url), before=before)


def page_settings():
    """The test client's host, and static URLs without a collectstatic manifest."""
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return override_settings(ALLOWED_HOSTS=["*"], STORAGES=storages)


# --------------------------------------------------------------------- output


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def machine() -> str:
    """One line: cores, CPU model, memory, Python, the database, the commit."""
    cpu = "unknown CPU"
    memory = "? GB"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GB"
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        commit += " (with uncommitted changes)" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory} memory, Python {platform.python_version()}, "
        f"{engine()}, commit {commit}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"load average {load} (1, 5, 15 min)"
    )
