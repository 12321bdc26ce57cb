"""Benchmark the portfolio page on a large agency: `make bench-portfolio`.

Builds a throwaway database (SQLite, or the PostgreSQL of BENCH_DATABASE_URL; see
bench/common.py) holding LOCATIONS locations × CAMPAIGNS campaigns × DAYS days of daily rows
(500 × 20 × 365 = 3,650,000 rows by default), signs in a manager of every location and times,
best of BENCH_REPEAT runs, with the query count and the SQL floor (the page's own SELECT
statements executed raw):

* the whole page (GET /portfolio/ through Django's test client: middleware, queries, Python,
  the template of 50 rows with sparklines and the chart), default period and a year;
* the CSV of every location.

Prints a Markdown table; docs/benchmarks.md ("## Portfolio") keeps the published figures.
BENCH_PF_LOCATIONS, BENCH_PF_CAMPAIGNS, BENCH_PF_DAYS and BENCH_REPEAT change the size.
`make bench` (bench/run.py) covers the portfolio at the agency shape on both databases.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta

import common  # sets Django up against the throwaway database: first
from common import Browser, ms

LOCATIONS = int(os.environ.get("BENCH_PF_LOCATIONS", 500))
CAMPAIGNS = int(os.environ.get("BENCH_PF_CAMPAIGNS", 20))
DAYS = int(os.environ.get("BENCH_PF_DAYS", 365))


def main() -> None:
    from django.utils import timezone

    common.migrate()
    today = timezone.localdate()
    started = time.perf_counter()
    locations = common.make_locations("client", LOCATIONS)
    user = common.make_user("bench-manager", locations)
    campaigns = common.make_campaigns(locations, CAMPAIGNS, DAYS, today)
    rows = common.write_days(campaigns, DAYS, today)
    common.finish_load()
    built = time.perf_counter() - started

    reads = [
        (f"portfolio page, 30 days ({min(50, LOCATIONS)} of {LOCATIONS} rows)", "/portfolio/"),
        (
            "portfolio page, 1 year",
            f"/portfolio/?period=custom&start={today - timedelta(days=364)}&end={today}",
        ),
        ("portfolio page, needs attention, by ROI", "/portfolio/?attention=1&sort=roi"),
        ("portfolio CSV, 30 days (every location)", "/portfolio/export.csv"),
    ]
    print(
        f"{LOCATIONS} locations × {CAMPAIGNS} campaigns × {DAYS} days = {rows:,} daily rows "
        f"on {common.engine()} (built in {built:.0f} s), best of {common.REPEAT}\n"
    )
    print(f"{common.machine()}.\n")
    print("| read | page | SQL floor | page − floor | queries |")
    print("| --- | ---: | ---: | ---: | ---: |")
    with common.page_settings():
        browser = Browser(user)
        for label, url in reads:
            m = browser.measure(url)
            print(
                f"| {label} | {ms(m.seconds)} | {ms(m.floor)} | {ms(m.above_floor)} | {m.queries} |"
            )


if __name__ == "__main__":
    main()
