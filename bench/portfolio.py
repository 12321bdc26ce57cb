"""Benchmark the portfolio page on a large agency: `python bench/portfolio.py`.

Builds a throwaway SQLite file (or the PostgreSQL of BENCH_DATABASE_URL) holding LOCATIONS
locations × CAMPAIGNS campaigns × DAYS days of daily rows (500 × 20 × 365 = 3,650,000 rows by
default; the rows are written with raw executemany, the ORM would take far longer), signs in a
manager of every location and times, best of REPEAT runs:

* the whole page (GET /portfolio/ through Django's test client: middleware, queries, Python,
  the template of 50 rows with sparklines and the chart), default period and a year;
* the CSV of every location;
* the SQL floor: the very SQL statements the page ran, executed raw and fetched, without the
  ORM, Python or templates: what the page can never be faster than.

Prints a Markdown table; docs/benchmarks.md ("## Portfolio") keeps the published figures.
BENCH_PF_LOCATIONS, BENCH_PF_CAMPAIGNS, BENCH_PF_DAYS and BENCH_REPEAT change the size.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
LOCATIONS = int(os.environ.get("BENCH_PF_LOCATIONS", 500))
CAMPAIGNS = int(os.environ.get("BENCH_PF_CAMPAIGNS", 20))
DAYS = int(os.environ.get("BENCH_PF_DAYS", 365))
REPEAT = int(os.environ.get("BENCH_REPEAT", 3))

workdir = tempfile.mkdtemp(prefix="cpa-bench-portfolio-")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from campaigns.models import Campaign, Location, Membership  # noqa: E402
from campaigns.tenancy import scopes_disabled  # noqa: E402

CHANNELS = Campaign.Channel.values
COLUMNS = (
    "location_id, campaign_id, date, impressions, clicks, leads, qualified_leads, hot_leads, "
    "conversions, revenue, spend"
)


def build(today) -> int:
    """The locations, a manager of them all, the campaigns, and the daily rows (raw)."""
    locations = Location.objects.bulk_create(
        Location(name=f"Client {i:04}", slug=f"client-{i:04}") for i in range(LOCATIONS)
    )
    user = get_user_model().objects.create_user("bench-manager", password="bench-only-pw")
    Membership.objects.bulk_create(
        Membership(user=user, location=loc, role=Membership.Role.MANAGER) for loc in locations
    )
    start = today - timedelta(days=DAYS - 1)
    rng = random.Random(42)
    with scopes_disabled():
        campaigns = Campaign.objects.bulk_create(
            Campaign(
                location=loc,
                name=f"Campaign {n}",
                channel=CHANNELS[n % len(CHANNELS)],
                # Some over budget, some behind on leads, most on track.
                budget=rng.choice([0, 20000, 40000, 80000]),
                start_date=start,
                end_date=today + timedelta(days=rng.choice([30, 90, 365])),
                target_leads=rng.choice([None, 2000, 20000]),
                target_conversions=None,
            )
            for loc in locations
            for n in range(CAMPAIGNS)
        )
    days = [(start + timedelta(days=d)).isoformat() for d in range(DAYS)]
    sql = f"INSERT INTO campaigns_dailymetric ({COLUMNS}) VALUES ({', '.join(['%s'] * 11)})"
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for campaign in campaigns:
            batch = []
            for day in days:
                leads = rng.randrange(0, 30)
                qualified = leads // 2
                batch.append(
                    (
                        campaign.location_id,
                        campaign.pk,
                        day,
                        rng.randrange(1000, 20000),
                        rng.randrange(20, 800),
                        leads,
                        qualified,
                        qualified // 2,
                        leads // 5,
                        f"{rng.randrange(0, 40000) / 100:.2f}",
                        f"{rng.randrange(1000, 20000) / 100:.2f}",
                    )
                )
            cursor.executemany(sql, batch)
            written += len(batch)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return written


def timed(read) -> tuple[float, int, list[str]]:
    """Best time of REPEAT runs, the query count and the SQL of the last run."""
    best, queries = None, None
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            read()
            elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
        queries = captured.captured_queries
    return best, len(queries), [q["sql"] for q in queries]


def floor(statements: list[str]) -> float:
    """Best time of running ``statements`` raw, fetching every row."""
    best = None
    for _ in range(REPEAT):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best


def main() -> None:
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    started = time.perf_counter()
    rows = build(today)
    built = time.perf_counter() - started
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-manager"))

    def get(url: str) -> None:
        response = client.get(url, secure=True)
        assert response.status_code == 200, (url, response.status_code)

    reads = [
        ("portfolio page, 30 days (50 of 500 rows)", "/portfolio/"),
        (
            "portfolio page, 1 year",
            f"/portfolio/?period=custom&start={today - timedelta(days=364)}&end={today}",
        ),
        ("portfolio page, needs attention, by ROI", "/portfolio/?attention=1&sort=roi"),
        ("portfolio CSV, 30 days (every location)", "/portfolio/export.csv"),
    ]
    print(
        f"{LOCATIONS} locations × {CAMPAIGNS} campaigns × {DAYS} days = {rows:,} daily rows "
        f"on {connection.vendor} (built in {built:.0f} s), best of {REPEAT}\n"
    )
    print("| read | page | SQL floor | page − floor | queries |")
    print("| --- | ---: | ---: | ---: | ---: |")
    # The test client's host, and static URLs without a collectstatic manifest.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(ALLOWED_HOSTS=["*"], STORAGES=storages):
        for label, url in reads:
            elapsed, count, statements = timed(lambda url=url: get(url))
            sql = floor(statements)
            print(
                f"| {label} | {elapsed * 1000:.0f} ms | {sql * 1000:.0f} ms | "
                f"{(elapsed - sql) * 1000:.0f} ms | {count} |"
            )


if __name__ == "__main__":
    main()
