"""Benchmark the pages, and show they do not grow with history: `make bench` (bench/bench.sh).

Builds a throwaway database (SQLite in a temporary folder, or the PostgreSQL of
BENCH_DATABASE_URL; see bench/common.py) holding:

* the bench shape: one location of CAMPAIGNS campaigns × DAYS days (500 × 2,000 = 1,000,000
  daily rows), plus one campaign of SHORT_DAYS days (90) in the same location;
* the same CAMPAIGNS campaigns × HISTORY_DAYS days (200) in a second location, to compare;
* the agency shape: AGENCY_LOCATIONS locations × AGENCY_CAMPAIGNS campaigns × AGENCY_DAYS days
  (100 × 20 × 730 = 1,460,000 rows), all managed by one user.

The days are written raw, then `manage.py rollups --rebuild` runs, as after any bulk load: the
database is left as the app leaves it (no ANALYZE of the bench's own), and the report says
what statistics the planner has, before and after the pages are measured.

Then, signed in as a manager, it fetches whole pages through Django's test client, best of
BENCH_REPEAT runs (3), each with its query count and SQL floor (the page's own SELECT
statements executed raw): overview, campaign list, channels, campaign page, printable report
and portfolio, at "All time" and at the default period, at both shapes, **uncached**: the
cache is cleared before each run. Then the growth ratios (also uncached): all time at DAYS ÷
all time at HISTORY_DAYS for overview, list, channels and portfolio, and the campaign page of
a DAYS-day campaign ÷ a SHORT_DAYS-day one; and, **with the cache warm**, the overview beside
a signed-in page without figures (the import help, as bench/load uses). A "Goals" table
checks each goal of issue 20.

Prints a Markdown report; docs/benchmarks.md keeps the published figures. BENCH_CAMPAIGNS,
BENCH_DAYS, BENCH_HISTORY_DAYS, BENCH_SHORT_DAYS, BENCH_AGENCY_LOCATIONS,
BENCH_AGENCY_CAMPAIGNS, BENCH_AGENCY_DAYS and BENCH_REPEAT change the sizes (for a quick try).
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass

import common  # sets Django up against the throwaway database: first
from common import Browser, Measurement, ms
from dbstate import database_state
from django.core.cache import cache

CAMPAIGNS = int(os.environ.get("BENCH_CAMPAIGNS", 500))
DAYS = int(os.environ.get("BENCH_DAYS", 2000))
HISTORY_DAYS = int(os.environ.get("BENCH_HISTORY_DAYS", 200))
SHORT_DAYS = int(os.environ.get("BENCH_SHORT_DAYS", 90))
AGENCY_LOCATIONS = int(os.environ.get("BENCH_AGENCY_LOCATIONS", 100))
AGENCY_CAMPAIGNS = int(os.environ.get("BENCH_AGENCY_CAMPAIGNS", 20))
AGENCY_DAYS = int(os.environ.get("BENCH_AGENCY_DAYS", 730))
#: The growth pairs decide pass or fail: twice the runs.
PAIR_REPEAT = 2 * common.REPEAT
#: The goals of issue 20 (issue 11's campaign page pair kept): all time at DAYS ÷ at
#: HISTORY_DAYS; the campaign page of DAYS ÷ SHORT_DAYS days; the agency's portfolio at 30
#: days; each agency location page against its SQL floor (uncached); the warm overview
#: against a signed-in page without figures.
HISTORY_GOAL = 1.3
CAMPAIGN_GOAL = 2.0
PORTFOLIO_GOAL = 0.150
FLOOR_TIMES, FLOOR_PLUS = 2, 0.025
WARM_GOAL = 2.0
#: The growth pairs at all time: URL with the location's slug as {}.
GROWTH_PAGES = {
    "overview": "/l/{}/?period=all",
    "campaign list": "/l/{}/campaigns/?period=all",
    "channels": "/l/{}/channels/?period=all",
    "portfolio": "/portfolio/?period=all",
}
#: The warm pair: the overview and a signed-in page without figures.
WARM_PAGES = {
    "overview, default period": "/l/{}/",
    "signed-in page without figures (import help)": "/l/{}/import/help/",
}


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
        c.finish_load()
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
        ("channels", "Last 30 days (default)", f"{base}/channels/"),
        ("channels", "All time", f"{base}/channels/?period=all"),
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


def ms1(seconds: float) -> str:
    """Milliseconds to a tenth: a goal's limit and the time it is held to, told apart."""
    return f"{seconds * 1000:,.1f} ms"


def growth(small: Measurement, large: Measurement) -> float:
    return large.seconds / small.seconds if small.seconds else float("inf")


@dataclass(frozen=True)
class Goal:
    """One line of the Goals table."""

    goal: str
    measured: str
    target: str
    met: bool


def goals(
    results: list[tuple[str, str, str, Measurement]],
    pairs: dict[str, list[Measurement]],
    warm: dict[str, list[Measurement]],
) -> list[Goal]:
    """Each goal of issue 20 with what this run measured."""
    found = []
    for page in GROWTH_PAGES:
        ratio = growth(*pairs[page])
        label = f"{page}, all time, {DAYS:,} ÷ {HISTORY_DAYS} days, uncached"
        found.append(Goal(label, f"{ratio:.2f}×", f"≤ {HISTORY_GOAL:g}×", ratio <= HISTORY_GOAL))
    ratio = growth(*pairs["campaign page"])
    label = f"campaign page, {DAYS:,} ÷ {SHORT_DAYS} days, uncached"
    found.append(Goal(label, f"{ratio:.2f}×", f"≤ {CAMPAIGN_GOAL:g}×", ratio <= CAMPAIGN_GOAL))
    for shape, page, period, m in results:
        if shape == "agency" and page == "portfolio" and period.startswith("Last 30 days"):
            label = f"agency portfolio, last 30 days ({AGENCY_LOCATIONS} locations), uncached"
            target = f"≤ {ms(PORTFOLIO_GOAL)}"
            found.append(Goal(label, ms1(m.seconds), target, m.seconds <= PORTFOLIO_GOAL))
    for shape, page, period, m in results:
        if shape == "agency" and page != "portfolio":
            limit = FLOOR_TIMES * m.floor + FLOOR_PLUS
            label = f"agency {page}, {period.lower()} ({AGENCY_CAMPAIGNS} campaigns), uncached"
            target = f"≤ {ms1(limit)} ({FLOOR_TIMES} × floor {ms1(m.floor)} + {ms(FLOOR_PLUS)})"
            found.append(Goal(label, ms1(m.seconds), target, m.seconds <= limit))
    for shape, (overview, plain) in warm.items():
        ratio = growth(plain, overview)
        label = f"{shape} overview, cache warm ÷ signed-in page without figures"
        measured = f"{ratio:.2f}× ({ms1(overview.seconds)} ÷ {ms1(plain.seconds)})"
        found.append(Goal(label, measured, f"≤ {WARM_GOAL:g}×", ratio <= WARM_GOAL))
    return found


def goal_table(found: list[Goal]) -> list[str]:
    lines = ["| goal | measured | target | |", "| --- | ---: | ---: | --- |"]
    for g in found:
        lines.append(f"| {g.goal} | {g.measured} | {g.target} | {'✅' if g.met else '❌'} |")
    met = sum(g.met for g in found)
    lines.append(f"\n{met} of {len(found)} goals met.")
    return lines


def warm_table(warm: dict[str, list[Measurement]]) -> list[str]:
    lines = [
        "| shape | page | page, cache warm | SQL floor | queries |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for shape, measured in warm.items():
        for page, m in zip(WARM_PAGES, measured, strict=True):
            lines.append(f"| {shape} | {page} | {ms(m.seconds)} | {ms(m.floor)} | {m.queries} |")
    return lines


def taking_turns(*fetches: tuple[Browser, str], before=None) -> list[Measurement]:
    """Each (browser, URL) measured, taking turns run by run (see measure_together)."""
    reads = [lambda who=who, url=url: who.get(url) for who, url in fetches]
    return common.measure_together(*reads, repeat=PAIR_REPEAT, before=before)


def main() -> None:
    from django.utils import timezone

    common.migrate()
    today = timezone.localdate()
    data = Data(today)
    bench, history, agency = data.bench, data.history, data.agency[0]
    state_before = database_state()
    results: list[tuple[str, str, str, Measurement]] = []
    started = time.perf_counter()
    with common.page_settings():
        browser = Browser(data.bench_user)
        # The process warmed once (modules imported, templates compiled), as a server's
        # would be: otherwise a quick try's single run would time that too.
        for _, _, url in location_pages(bench.slug, data.long_campaign.pk):
            browser.get(url)
        # Uncached: the cache is emptied before each run of each page (and of each pair).
        for page, period, url in location_pages(bench.slug, data.long_campaign.pk):
            results.append(("bench", page, period, browser.measure(url, before=cache.clear)))
        agency_browser = Browser(data.agency_user)
        for page, period, url in location_pages(agency.slug, data.agency_campaign.pk):
            m = agency_browser.measure(url, before=cache.clear)
            results.append(("agency", page, period, m))
        # The growth ratios: each pair measured taking turns (see measure_together).
        history_browser = Browser(data.history_user)
        pairs = {
            page: taking_turns(
                (history_browser, url.format(history.slug)),
                (browser, url.format(bench.slug)),
                before=cache.clear,
            )
            for page, url in GROWTH_PAGES.items()
        }
        campaigns = f"/l/{bench.slug}/campaigns"
        pairs["campaign page"] = taking_turns(
            (browser, f"{campaigns}/{data.short_campaign.pk}/"),
            (browser, f"{campaigns}/{data.long_campaign.pk}/"),
            before=cache.clear,
        )
        # Warm: each page fetched once untimed, then the pair taking turns, the cache kept.
        warm = {}
        for shape, who, slug in (
            ("bench", browser, bench.slug),
            ("agency", agency_browser, agency.slug),
        ):
            urls = [url.format(slug) for url in WARM_PAGES.values()]
            for url in urls:
                who.get(url)
            warm[shape] = taking_turns(*((who, url) for url in urls))
    measured = time.perf_counter() - started
    state_after = database_state()

    print(f"## {common.engine()}\n")
    print(f"{common.machine()}.\n")
    print(
        f"{data.rows:,} daily rows written raw in {data.written:.0f} s, then "
        f"`manage.py rollups --rebuild` (the app's own path after a bulk load; the bench runs no "
        f"ANALYZE or VACUUM) in {data.rolled_up:.0f} s; pages measured in {measured:.0f} s, "
        f"each the best of {common.REPEAT} runs, uncached (the cache emptied before each run) "
        f"unless marked warm.\n"
    )
    print(f"* Before the pages were measured: {state_before}")
    print(f"* After: {state_after}\n")
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
    print("### Goals (issue 20)\n")
    print("\n".join(goal_table(goals(results, pairs, warm))))
    print("\n### Pages, uncached\n")
    print("\n".join(page_table(results)))
    print("\n### Growth with history, uncached\n")
    print(
        f"All time with {DAYS:,} days of history ÷ all time with {HISTORY_DAYS} days (the same "
        f"{CAMPAIGNS} campaigns in another location), and the campaign page of a {DAYS:,}-day "
        f"campaign ÷ that of a {SHORT_DAYS}-day one in the same location; each pair measured "
        f"taking turns, run by run, so that the machine's load weighs on both alike, best of "
        f"{PAIR_REPEAT} runs, the cache emptied before each. The ratio is of the whole pages; "
        f"the floor ratio of their SQL.\n"
    )
    print("| page | shorter | longer | ratio | floor ratio | goal | |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for page in GROWTH_PAGES:
        label = f"{page}, all time, {DAYS:,} ÷ {HISTORY_DAYS} days"
        print(ratio_line(label, *pairs[page], HISTORY_GOAL))
    label = f"campaign page, {DAYS:,} ÷ {SHORT_DAYS} days"
    print(ratio_line(label, *pairs["campaign page"], CAMPAIGN_GOAL))
    print("\n### Cache warm\n")
    print(
        f"The overview (default period) and a signed-in page without figures (the import help, "
        f"as bench/load uses: session, user, membership, the base template) of the same "
        f"location, each fetched once first, then taking turns, best of {PAIR_REPEAT} runs, "
        f"the cache kept.\n"
    )
    print("\n".join(warm_table(warm)))
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
