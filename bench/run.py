"""Benchmark the pages, and show they do not grow with history: `make bench` (bench/bench.sh).

Builds a throwaway database (SQLite in a temporary folder, or the PostgreSQL of
BENCH_DATABASE_URL; see bench/common.py) holding:

* the bench shape: one location of CAMPAIGNS campaigns × DAYS days (500 × 2,000 = 1,000,000
  daily rows), plus one campaign of SHORT_DAYS days (90) in the same location;
* the same CAMPAIGNS campaigns × HISTORY_DAYS days (200) in a second location, to compare;
* the agency shape: AGENCY_LOCATIONS locations × AGENCY_CAMPAIGNS campaigns × AGENCY_DAYS days
  (100 × 20 × 730 = 1,460,000 rows), all managed by one user.

Then, signed in as a manager, it fetches whole pages through Django's test client, best of
BENCH_REPEAT runs (3), each with its query count and SQL floor (the page's own SELECT
statements executed raw): overview, campaign list, campaign page, printable report and
portfolio, at "All time" and at the default period, at both shapes. Finally the growth
ratios: all time at DAYS ÷ all time at HISTORY_DAYS for overview, list and portfolio (goal
≤ 1.5), and the campaign page of a DAYS-day campaign ÷ a SHORT_DAYS-day one (goal ≤ 2).

Prints a Markdown report; docs/benchmarks.md keeps the published figures. BENCH_CAMPAIGNS,
BENCH_DAYS, BENCH_HISTORY_DAYS, BENCH_SHORT_DAYS, BENCH_AGENCY_LOCATIONS,
BENCH_AGENCY_CAMPAIGNS, BENCH_AGENCY_DAYS and BENCH_REPEAT change the sizes (for a quick try).
"""

from __future__ import annotations

import os
import re
import time

import common  # sets Django up against the throwaway database: first
from common import Browser, Measurement, ms

CAMPAIGNS = int(os.environ.get("BENCH_CAMPAIGNS", 500))
DAYS = int(os.environ.get("BENCH_DAYS", 2000))
HISTORY_DAYS = int(os.environ.get("BENCH_HISTORY_DAYS", 200))
SHORT_DAYS = int(os.environ.get("BENCH_SHORT_DAYS", 90))
AGENCY_LOCATIONS = int(os.environ.get("BENCH_AGENCY_LOCATIONS", 100))
AGENCY_CAMPAIGNS = int(os.environ.get("BENCH_AGENCY_CAMPAIGNS", 20))
AGENCY_DAYS = int(os.environ.get("BENCH_AGENCY_DAYS", 730))
#: The growth pairs decide pass or fail: twice the runs.
PAIR_REPEAT = 2 * common.REPEAT
#: The goals of issue 11.
HISTORY_GOAL = 1.5
CAMPAIGN_GOAL = 2.0


class Data:
    """The locations, users and campaigns the pages are fetched for."""

    def __init__(self, today) -> None:
        c = common
        self.bench = c.make_locations("bench", 1, "Bench")[0]
        self.history = c.make_locations("history", 1, "History")[0]
        self.agency = c.make_locations("agency", AGENCY_LOCATIONS, "Agency client")
        big = c.make_campaigns([self.bench], CAMPAIGNS, DAYS, today, seed=1)
        short = c.make_campaigns([self.bench], 1, SHORT_DAYS, today, name="Short", seed=2)
        history = c.make_campaigns([self.history], CAMPAIGNS, HISTORY_DAYS, today, seed=3)
        agency = c.make_campaigns(self.agency, AGENCY_CAMPAIGNS, AGENCY_DAYS, today, seed=4)
        self.long_campaign, self.short_campaign = big[0], short[0]
        self.agency_campaign = agency[0]
        self.bench_user = c.make_user("bench-manager", [self.bench])
        self.history_user = c.make_user("history-manager", [self.history])
        self.agency_user = c.make_user("agency-manager", self.agency)

        started = time.perf_counter()
        self.rows = c.write_days(big, DAYS, today, seed=1)
        self.rows += c.write_days(short, SHORT_DAYS, today, seed=2)
        self.rows += c.write_days(history, HISTORY_DAYS, today, seed=3)
        self.rows += c.write_days(agency, AGENCY_DAYS, today, seed=4)
        self.written = time.perf_counter() - started
        started = time.perf_counter()
        c.finish_load([self.bench, self.history, *self.agency])
        self.rolled_up = time.perf_counter() - started


def location_pages(slug: str, campaign_pk: int) -> list[tuple[str, str, str]]:
    """(page, period, URL) of one location's pages."""
    base = f"/l/{slug}"
    return [
        ("overview", "Last 30 days (default)", f"{base}/"),
        ("overview", "All time", f"{base}/?period=all"),
        ("campaign list", "Last 30 days (default)", f"{base}/campaigns/"),
        ("campaign list", "All time", f"{base}/campaigns/?period=all"),
        ("campaign page", "All time (default)", f"{base}/campaigns/{campaign_pk}/"),
        ("printable report", "All time (default)", f"{base}/campaigns/{campaign_pk}/report/"),
        ("portfolio", "Last 30 days (default)", "/portfolio/"),
        ("portfolio", "All time", "/portfolio/?period=all"),
    ]


def page_table(rows: list[tuple[str, str, str, Measurement]]) -> list[str]:
    lines = [
        "| shape | page | period | page | SQL floor | page − floor | queries |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for shape, page, period, m in rows:
        lines.append(
            f"| {shape} | {page} | {period} | {ms(m.seconds)} | {ms(m.floor)} | "
            f"{ms(m.above_floor)} | {m.queries} |"
        )
    return lines


def ratio_line(label: str, small: Measurement, large: Measurement, goal: float) -> str:
    ratio = large.seconds / small.seconds if small.seconds else float("inf")
    floor_ratio = large.floor / small.floor if small.floor else float("inf")
    mark = "✅ met" if ratio <= goal else "❌ not met"
    return (
        f"| {label} | {ms(small.seconds)} | {ms(large.seconds)} | **{ratio:.2f}** | "
        f"{floor_ratio:.2f} | ≤ {goal:g} | {mark} |"
    )


def statement_shape(sql: str) -> str:
    """A statement without the length of its IN lists: the same query for another size."""
    return re.sub(r"%s(, %s)+", "%s, …", " ".join(sql.split()))


def outer_from(text: str) -> int:
    """Where the statement's own FROM is (not a subquery's); -1 when it has none."""
    depth = 0
    for at, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and text.startswith(" FROM ", at):
            return at
    return -1


def statement_text(sql: str, width: int = 220) -> str:
    """What a statement reads, filters and groups by: from its FROM on, columns unqualified,
    IN lists collapsed, shortened."""
    text = statement_shape(sql).replace('"', "")
    text = re.sub(r"\b(campaigns|auth|django)_(\w+)\.", "", text)
    at = outer_from(text)
    if at > 0:
        head = "SELECT trunc(date), … " if "trunc" in text[:at].lower() else "SELECT … "
        text = head + text[at + 1 :]
    text = (text[:width] + " …") if len(text) > width else text
    return text.replace("|", "\\|")


def slowest_of_each(results: list[tuple[str, str, str, Measurement]]) -> list[str]:
    """The slowest statement of each page of the page table."""
    lines = [
        "| shape | page | period | slowest statement | its floor | rows |",
        "| --- | --- | --- | --- | ---: | ---: |",
    ]
    for shape, page, period, m in results:
        if m.statements:
            seconds, sql, rows = m.statements[0]
            lines.append(
                f"| {shape} | {page} | {period} | `{statement_text(sql)}` | {ms(seconds)} | "
                f"{rows:,} |"
            )
    return lines


def slowest_statements(pairs: dict[str, list[Measurement]], top: int = 2) -> list[str]:
    """The ``top`` slowest statements of each page of each pair, each beside the same
    statement's time on the other page of the pair."""
    lines = [
        f"| page | statement | at {HISTORY_DAYS} / {SHORT_DAYS} days | at {DAYS:,} days | rows |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for page, (short, long) in pairs.items():
        times, counts, texts = [{}, {}], [{}, {}], {}
        for i, m in enumerate((short, long)):
            for seconds, sql, count in m.statements:
                times[i].setdefault(statement_shape(sql), seconds)
                counts[i].setdefault(statement_shape(sql), count)
                texts[statement_shape(sql)] = sql
        shapes = dict.fromkeys(
            statement_shape(sql) for m in (long, short) for _, sql, _ in m.statements[:top]
        )
        for shape in shapes:
            before, after = (ms(t[shape]) if shape in t else "—" for t in times)
            rows = " / ".join(f"{c[shape]:,}" if shape in c else "—" for c in counts)
            text = statement_text(texts[shape])
            lines.append(f"| {page} | `{text}` | {before} | {after} | {rows} |")
    return lines


def main() -> None:
    from django.utils import timezone

    common.migrate()
    today = timezone.localdate()
    data = Data(today)
    bench, history, agency = data.bench, data.history, data.agency[0]
    results: list[tuple[str, str, str, Measurement]] = []
    started = time.perf_counter()
    with common.page_settings():
        browser = Browser(data.bench_user)
        for page, period, url in location_pages(bench.slug, data.long_campaign.pk):
            results.append(("bench", page, period, browser.measure(url)))
        agency_browser = Browser(data.agency_user)
        for page, period, url in location_pages(agency.slug, data.agency_campaign.pk):
            results.append(("agency", page, period, agency_browser.measure(url)))
        # The growth ratios: each pair measured taking turns (see measure_together).
        history_browser = Browser(data.history_user)
        pairs = {
            page: common.measure_together(
                lambda url=short: history_browser.get(url),
                lambda url=long: browser.get(url),
                repeat=PAIR_REPEAT,
            )
            for page, short, long in (
                ("overview", f"/l/{history.slug}/?period=all", f"/l/{bench.slug}/?period=all"),
                (
                    "campaign list",
                    f"/l/{history.slug}/campaigns/?period=all",
                    f"/l/{bench.slug}/campaigns/?period=all",
                ),
                ("portfolio", "/portfolio/?period=all", "/portfolio/?period=all"),
            )
        }
        pairs["campaign page"] = common.measure_together(
            lambda: browser.get(f"/l/{bench.slug}/campaigns/{data.short_campaign.pk}/"),
            lambda: browser.get(f"/l/{bench.slug}/campaigns/{data.long_campaign.pk}/"),
            repeat=PAIR_REPEAT,
        )
    measured = time.perf_counter() - started

    print(f"## {common.engine()}\n")
    print(f"{common.machine()}.\n")
    print(
        f"{data.rows:,} daily rows written raw in {data.written:.0f} s, rollups rebuilt and "
        f"statistics refreshed in {data.rolled_up:.0f} s; pages measured in {measured:.0f} s, "
        f"each the best of {common.REPEAT} runs.\n"
    )
    print(
        f"* **bench**: one location, {CAMPAIGNS} campaigns × {DAYS:,} days and one campaign of "
        f"{SHORT_DAYS} days; its manager manages only it (so its portfolio has one row); the "
        f"campaign page and report are of a {DAYS:,}-day campaign."
    )
    print(
        f"* **agency**: {AGENCY_LOCATIONS} locations × {AGENCY_CAMPAIGNS} campaigns × "
        f"{AGENCY_DAYS} days, one manager of all of them; the location pages are of one "
        f"location ({AGENCY_CAMPAIGNS} campaigns), the portfolio of all {AGENCY_LOCATIONS}.\n"
    )
    print("### Pages\n")
    print("\n".join(page_table(results)))
    print("\n### Growth with history\n")
    print(
        f"All time with {DAYS:,} days of history ÷ all time with {HISTORY_DAYS} days (the same "
        f"{CAMPAIGNS} campaigns in another location), and the campaign page of a {DAYS:,}-day "
        f"campaign ÷ that of a {SHORT_DAYS}-day one in the same location; each pair measured "
        f"taking turns, run by run, so that the machine's load weighs on both alike, best of "
        f"{PAIR_REPEAT} runs. The ratio is of the whole pages; the floor ratio of their SQL.\n"
    )
    print("| page | shorter | longer | ratio | floor ratio | goal | |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for page in ("overview", "campaign list", "portfolio"):
        label = f"{page}, all time, {DAYS:,} ÷ {HISTORY_DAYS} days"
        print(ratio_line(label, *pairs[page], HISTORY_GOAL))
    label = f"campaign page, {DAYS:,} ÷ {SHORT_DAYS} days"
    print(ratio_line(label, *pairs["campaign page"], CAMPAIGN_GOAL))
    print("\n### What the floors are made of\n")
    print(
        "The two slowest statements of each page of the growth table (of its SQL floor), beside "
        "the same statement on the other page of the pair (—: that page sent none like it, "
        "e.g. it read days where the other reads weeks or months); rows fetched by each.\n"
    )
    print("\n".join(slowest_statements(pairs)))
    print("\n### The slowest statement of each page\n")
    print("\n".join(slowest_of_each(results)))
    print()


if __name__ == "__main__":
    main()
