"""Benchmark the analytics on a large data set: `make bench` (or `python bench/run.py`).

Builds a throwaway database (SQLite in a temporary folder by default; set BENCH_DATABASE_URL for
PostgreSQL) with one location of CAMPAIGNS campaigns × DAYS days of daily rows (1,000,000 rows
by default) beside a small second location, then times the reads the pages make and counts their
queries. Prints a Markdown table; docs/benchmarks.md keeps the published figures.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CAMPAIGNS = int(os.environ.get("BENCH_CAMPAIGNS", 500))
DAYS = int(os.environ.get("BENCH_DAYS", 2000))
REPEAT = int(os.environ.get("BENCH_REPEAT", 3))

workdir = tempfile.mkdtemp(prefix="cpa-bench-")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from campaigns.analytics.channels import channel_analytics  # noqa: E402
from campaigns.analytics.comparison import compare_campaigns  # noqa: E402
from campaigns.analytics.locations import location_overview, location_summaries  # noqa: E402
from campaigns.analytics.reports import campaign_report, campaign_reports  # noqa: E402
from campaigns.analytics.series import daily_series  # noqa: E402
from campaigns.models import Campaign, DailyMetric, Location  # noqa: E402
from campaigns.periods import Period  # noqa: E402
from campaigns.tenancy import scope, scopes_disabled  # noqa: E402

CHANNELS = Campaign.Channel.values


def build(location: Location, campaigns: int, days: int, today) -> None:
    rng = random.Random(location.slug)
    start = today - timedelta(days=days)
    with scopes_disabled():
        created = Campaign.objects.bulk_create(
            Campaign(
                location=location,
                name=f"{location.slug} campaign {i}",
                channel=CHANNELS[i % len(CHANNELS)],
                budget=Decimal("50000"),
                start_date=start,
                end_date=today + timedelta(days=30),
                target_leads=5000,
                target_conversions=400,
                target_roi=Decimal("1.5"),
            )
            for i in range(campaigns)
        )
        batch = []
        for campaign in created:
            for offset in range(days):
                leads = rng.randint(5, 40)
                qualified = rng.randint(0, leads)
                batch.append(
                    DailyMetric(
                        location=location,
                        campaign=campaign,
                        date=start + timedelta(days=offset),
                        impressions=rng.randint(1000, 20000),
                        clicks=rng.randint(20, 800),
                        leads=leads,
                        qualified_leads=qualified,
                        hot_leads=rng.randint(0, qualified),
                        conversions=rng.randint(0, leads),
                        revenue=Decimal(rng.randint(0, 400000)) / 100,
                        spend=Decimal(rng.randint(1000, 30000)) / 100,
                    )
                )
                if len(batch) >= 20000:
                    DailyMetric.objects.bulk_create(batch)
                    batch = []
        DailyMetric.objects.bulk_create(batch)


def measure(label: str, read) -> tuple[str, float, int]:
    timings = []
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            read()
            timings.append(time.perf_counter() - started)
    return label, min(timings), len(queries.captured_queries)


def main() -> None:
    call_command("migrate", verbosity=0)
    big = Location.objects.create(name="Big Agency Client", slug="big")
    small = Location.objects.create(name="Small Client", slug="small")
    today = big.today()
    started = time.perf_counter()
    build(big, CAMPAIGNS, DAYS, today)
    build(small, max(1, CAMPAIGNS // 10), min(DAYS, 365), today)
    built = time.perf_counter() - started
    with scopes_disabled():
        rows = DailyMetric.objects.count()

    month = Period.preset_for("30d", today=today)
    year = Period(today - timedelta(days=364), today)
    with scope(big):
        one = Campaign.objects.for_location(big).order_by("pk").first()
        ids = list(Campaign.objects.for_location(big).values_list("pk", flat=True)[:10])
        every = Campaign.objects.for_location(big)
        results = [
            measure("campaign report, whole life (1 campaign)", lambda: campaign_report(one)),
            measure("campaign daily series, 1 year", lambda: daily_series([one.pk], year)),
            measure(
                f"campaign list, 30 days ({CAMPAIGNS} campaigns)",
                lambda: campaign_reports(every, month),
            ),
            measure(
                f"campaign list, 1 year ({CAMPAIGNS} campaigns)",
                lambda: campaign_reports(every, year),
            ),
            measure("compare 10 campaigns, 1 year", lambda: compare_campaigns(big, ids, year)),
            measure("channel analytics, 1 year", lambda: channel_analytics(big, year)),
            measure("location overview, 30 days", lambda: location_overview(big, month)),
            measure(
                "portfolio of 2 locations, 30 days",
                lambda: location_summaries([big, small], month),
            ),
        ]
    engine = connection.vendor
    print(
        f"\n{rows:,} daily rows ({CAMPAIGNS} campaigns × {DAYS} days + a small location) on "
        f"{engine}, built in {built:.0f} s; best of {REPEAT} runs.\n"
    )
    print("| read | time | queries |")
    print("| --- | ---: | ---: |")
    for label, seconds, queries in results:
        print(f"| {label} | {seconds * 1000:,.0f} ms | {queries} |")


if __name__ == "__main__":
    main()
