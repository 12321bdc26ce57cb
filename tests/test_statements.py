"""The period-sum statements (campaigns/analytics/statements.py) and the planner's statistics
(campaigns/db_stats.py): one arm per cut month, weeks without a Python function per row,
statements built once per shape, the tenant scope applied by the raw SQL itself, results equal
to summing the days (a property test, on SQLite and PostgreSQL), statistics refreshed after
migrate, a rebuild, a large import and the daily checks."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns import db_stats, services
from campaigns.analytics import statements
from campaigns.analytics.figures import (
    Totals,
    grouped_totals,
    lifetime_totals,
    monthly_totals,
    totals_by_campaign,
)
from campaigns.analytics.series import period_series
from campaigns.models import Campaign, DailyMetric, LocationDailyMetric
from campaigns.periods import Period, month_of
from campaigns.tasks import run_daily_checks
from campaigns.tenancy import ScopeError, scope, scopes_disabled
from tests.factories import CampaignFactory, LocationFactory

FIRST = date(2024, 10, 20)
SPAN = 420  # days: about 14 months, so periods have whole months and cut ones


def day(n: int) -> date:
    return FIRST + timedelta(days=n)


def plain(rows, first: date, last: date) -> Totals:
    """The days of ``rows`` from ``first`` to ``last``, summed one by one in Python."""
    total = Totals()
    for r in rows:
        if first <= r.date <= last:
            values = {name: getattr(r, name) for name in DailyMetric.NUMBER_FIELDS}
            total += Totals.from_values({**values, "days": 1})
    return total


def numbers(n: int) -> dict:
    leads = n % 13
    return {
        "impressions": 1000 + n % 101,
        "clicks": 20 + n % 17,
        "leads": leads,
        "qualified_leads": leads // 2,
        "conversions": n % 5,
        "spend": Decimal(n % 97) + Decimal(n % 100) / 100,
        "revenue": Decimal(n % 89) * 2 + Decimal("0.07"),
    }


@pytest.fixture
def two_locations(db):
    """Sunrise with two campaigns (one of a few days, one of 14 months), Harbor with one."""
    sunrise, harbor = LocationFactory(), LocationFactory()
    short = CampaignFactory(location=sunrise, start_date=FIRST)
    long = CampaignFactory(location=sunrise, start_date=FIRST)
    other = CampaignFactory(location=harbor, start_date=FIRST)
    services.record_days(campaign=short, rows=[{"date": day(n), **numbers(n)} for n in (40, 45)])
    for campaign in (long, other):
        services.record_days(
            campaign=campaign, rows=[{"date": day(n), **numbers(n)} for n in range(0, SPAN, 3)]
        )
    return sunrise, harbor, short, long, other


THIRTY = Period(day(300), day(329))  # 2025-08-16 – 2025-09-14: two cut months, no whole one
LONG = Period(day(20), day(330))  # cut months at both ends, whole months between


# --- One arm per cut month --------------------------------------------------------------------


def date_ranges(sql: str) -> list[tuple[date, date]]:
    """The ranges of dates each arm of a statement reads from the days (its outer table)."""
    ranges = []
    for arm in sql.split(" UNION ALL "):
        lows = re.findall(r't\."date" >= \'(\d{4}-\d\d-\d\d)', arm)
        highs = re.findall(r't\."date" <= \'(\d{4}-\d\d-\d\d)', arm)
        assert len(lows) == len(highs) <= 1, arm
        ranges += [
            (date.fromisoformat(low), date.fromisoformat(high))
            for low, high in zip(lows, highs, strict=True)
        ]
    return ranges


def test_every_read_has_one_arm_per_cut_month_and_no_or(two_locations):
    sunrise, harbor, short, long, _ = two_locations
    with scope(sunrise, harbor), CaptureQueriesContext(connection) as queries:
        grouped_totals("location_id", {"cur": THIRTY, "prev": THIRTY.previous(), "long": LONG})
        totals_by_campaign([short.pk, long.pk], {"cur": THIRTY, "long": LONG})
        monthly_totals("location_id", LONG)
        monthly_totals("campaign_id", LONG, campaign__in=[long.pk])
    assert len(queries) == 4
    for query in queries:
        sql = query["sql"]
        assert " OR " not in sql.upper(), sql
        ranges = date_ranges(sql)
        assert ranges, sql
        for low, high in ranges:
            assert month_of(low) == month_of(high), sql  # never more than one month's days
    # By location the cut months' days come from the location's daily rollup, not the days.
    assert 'FROM "campaigns_dailymetric"' not in queries[0]["sql"]
    assert 'FROM "campaigns_locationdailymetric"' in queries[0]["sql"]
    assert 'FROM "campaigns_dailymetric"' in queries[1]["sql"]


def test_weekly_series_group_by_an_integer_week_not_a_python_function(two_locations):
    sunrise, _, short, long, _ = two_locations
    period = Period(day(3), day(200))
    with scope(sunrise), CaptureQueriesContext(connection) as queries:
        series = period_series([short.pk, long.pk], period)
    assert series.unit == "week"
    [query] = queries
    assert "django_date_trunc" not in query["sql"]
    assert "date_trunc" not in query["sql"].lower()
    with scope(sunrise):
        rows = list(DailyMetric.objects.filter(campaign__in=[short.pk, long.pk]))
    for span in series.spans:
        assert span.totals == plain(rows, span.start, span.end), span.label
    assert sum((s.totals for s in series.spans), Totals()) == plain(rows, period.start, period.end)


# --- Built once per shape -------------------------------------------------------------------


def test_a_statement_is_built_once_per_shape(two_locations):
    sunrise, harbor, *_ = two_locations
    first = Period(day(100), day(129))
    later = Period(day(160), day(189))  # another 30 days that cut two months: the same shape
    sent = []

    def record(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with scope(sunrise, harbor), connection.execute_wrapper(record):
        grouped_totals("location_id", {"cur": first})
        built = statements.statement.cache_info()
        grouped_totals("location_id", {"cur": later})
        again = statements.statement.cache_info()
    assert again.misses == built.misses  # not built again ...
    assert again.hits == built.hits + 1  # ... but found
    [(sql, params), (same_sql, other_params)] = sent
    assert same_sql is sql  # the very same text, run with the other period's dates
    assert params["p0s"] == first.start and other_params["p0s"] == later.start


# --- The tenant scope, applied by the raw statements themselves ----------------------------------


def test_the_statements_refuse_to_run_outside_a_scope(two_locations):
    _, _, short, *_ = two_locations
    reads = [
        lambda: grouped_totals("location_id", {"cur": THIRTY}),
        lambda: grouped_totals("campaign_id", {"cur": THIRTY}, campaign__in=[short.pk]),
        lambda: monthly_totals("location_id", LONG),
        lambda: lifetime_totals(),
        lambda: totals_by_campaign([short.pk], {"cur": THIRTY, "life": None}),
        lambda: period_series([short.pk], THIRTY),
        lambda: period_series([short.pk], LONG),
        lambda: period_series([short.pk], Period(day(0), day(SPAN + 400))),
    ]
    for read in reads:
        with pytest.raises(ScopeError), CaptureQueriesContext(connection) as queries:
            read()
        assert len(queries) == 0


def test_inside_a_scope_no_statement_returns_another_locations_rows(two_locations):
    sunrise, harbor, short, long, other = two_locations
    periods = {"cur": THIRTY, "long": LONG}
    with scope(sunrise), CaptureQueriesContext(connection) as queries:
        assert set(grouped_totals("location_id", periods)) == {sunrise.pk}
        assert set(grouped_totals("campaign_id", periods)) == {short.pk, long.pk}
        # Asking for another location's campaign or location finds nothing.
        assert grouped_totals("campaign_id", periods, campaign__in=[other.pk]) == {}
        assert grouped_totals("location_id", periods, location=harbor) == {}
        assert monthly_totals("campaign_id", LONG, campaign__in=[other.pk]) == {}
        assert {key for key, _ in monthly_totals("location_id", LONG)} == {sunrise.pk}
        assert set(lifetime_totals()) == {short.pk, long.pk}
        assert lifetime_totals(campaign__in=[other.pk]) == {}
        assert lifetime_totals(location=harbor) == {}
        for period in (THIRTY, LONG, Period(day(0), day(SPAN + 400))):
            assert all(s.totals.is_empty for s in period_series([other.pk], period).spans)
    for query in queries:
        sql = query["sql"]
        tables = len(re.findall(r'(?:FROM|JOIN) "campaigns_\w+"', sql))
        assert tables and sql.count('"location_id" IN (') == tables, sql
        assert not re.search(rf'"location_id" IN \([^)]*\b{harbor.pk}\b', sql), sql
    with scopes_disabled():  # a superuser's tools: every location
        assert set(grouped_totals("location_id", periods)) == {sunrise.pk, harbor.pk}
        assert set(lifetime_totals()) >= {short.pk, long.pk, other.pk}


def test_an_empty_scope_or_filter_reads_nothing(two_locations):
    sunrise, *_ = two_locations
    with scope(), CaptureQueriesContext(connection) as queries:
        assert grouped_totals("location_id", {"cur": THIRTY}) == {}
        assert lifetime_totals() == {}
    with scope(sunrise):
        assert grouped_totals("campaign_id", {"cur": THIRTY}, campaign__in=[]) == {}
    assert len(queries) == 0


def test_a_filter_the_statements_cannot_apply_is_refused(two_locations):
    sunrise, *_ = two_locations
    with scope(sunrise), pytest.raises(TypeError):
        grouped_totals("campaign_id", {"cur": THIRTY}, status="active")


# --- Equal to the days: every read, random days, random periods ----------------------------------

amounts = st.decimals(0, 10**7, places=2)
written = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, SPAN - 1), st.integers(0, 10**6), amounts),
    max_size=50,
)
periods = st.tuples(st.integers(-40, SPAN + 40), st.integers(0, 800)).map(
    lambda p: Period(day(p[0]), day(p[0] + p[1]))
)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(days=written, asked=st.lists(periods, min_size=1, max_size=3))
def test_every_read_equals_the_sum_of_its_days(days, asked):
    sunrise, harbor = LocationFactory(), LocationFactory()
    campaigns = [
        *(CampaignFactory(location=sunrise, start_date=FIRST) for _ in range(3)),
        CampaignFactory(location=harbor, start_date=FIRST),
    ]
    by_campaign: dict[Campaign, dict] = {}
    for which, n, clicks, spend in days:
        row = {**numbers(n), "clicks": clicks, "spend": spend, "revenue": spend * 3}
        by_campaign.setdefault(campaigns[which], {})[day(n)] = row
    for campaign, rows in by_campaign.items():
        services.record_days(campaign=campaign, rows=[{"date": d, **r} for d, r in rows.items()])
    ids = [c.pk for c in campaigns]
    some = [campaigns[0].pk, campaigns[3].pk]
    named = {f"p{i}": period for i, period in enumerate(asked)}
    with scope(sunrise, harbor):
        rows = list(DailyMetric.objects.all())
        of = {
            "location": lambda key: [r for r in rows if r.location_id == key],
            "campaign": lambda key: [r for r in rows if r.campaign_id == key],
        }
        reads = [
            ("location", grouped_totals("location_id", named), [sunrise.pk, harbor.pk]),
            ("campaign", grouped_totals("campaign_id", named, campaign__in=ids), ids),
            ("campaign", grouped_totals("campaign_id", named), ids),
        ]
        by_location_of_some = grouped_totals("location_id", named, campaign__in=some)
        for kind, found, keys in reads:
            for key in keys:
                for name, period in named.items():
                    expected = plain(of[kind](key), period.start, period.end)
                    got = found.get(key, {}).get(name, Totals())
                    assert got == expected, (kind, key, period)
                    assert got.days == expected.days, (kind, key, period)
        for key in (sunrise.pk, harbor.pk):
            mine = [r for r in of["location"](key) if r.campaign_id in some]
            for name, period in named.items():
                got = by_location_of_some.get(key, {}).get(name, Totals())
                assert got == plain(mine, period.start, period.end)
        for period in asked:
            for group, kind, filters, keys in (
                ("location_id", "location", {}, [sunrise.pk, harbor.pk]),
                ("campaign_id", "campaign", {"campaign__in": ids}, ids),
            ):
                found = monthly_totals(group, period, **filters)
                for key in keys:
                    for month in {month_of(r.date) for r in of[kind](key) if r.date in period}:
                        first = max(month, period.start)
                        last = min(_month_end(month), period.end)
                        assert found[(key, month)] == plain(of[kind](key), first, last)
                assert set(found) <= {(k, m) for k in keys for m in _months(period)}
            series = period_series(some, period)
            mine = [r for r in rows if r.campaign_id in some]
            for span in series.spans:
                assert span.totals == plain(mine, span.start, span.end), (period, span.label)


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _months(period: Period) -> set[date]:
    found, month = set(), month_of(period.start)
    while month <= period.end:
        found.add(month)
        month = _month_end(month) + timedelta(days=1)
    return found


# --- The location's daily rollup through the write paths -----------------------------------------


def location_days(location) -> dict[date, tuple[int, Decimal]]:
    with scope(location):
        return {
            row.date: (row.days, row.spend)
            for row in LocationDailyMetric.objects.filter(location=location)
        }


def test_the_location_days_follow_every_write_of_days(db):
    location = LocationFactory()
    one, two = (CampaignFactory(location=location, start_date=FIRST) for _ in range(2))
    services.record_days(
        campaign=one, rows=[{"date": day(n), "spend": Decimal("1.25")} for n in (0, 1, 12)]
    )
    services.record_day(campaign=two, day=day(1), spend=Decimal("2.50"))
    assert location_days(location) == {
        day(0): (1, Decimal("1.25")),
        day(1): (2, Decimal("3.75")),
        day(12): (1, Decimal("1.25")),
    }
    with scope(location):
        moved = DailyMetric.objects.get(campaign=one, date=day(12))
        moved.date = day(60)  # into another month: both months' days are summed again
        moved.save()
        DailyMetric.objects.filter(campaign=one, date=day(0)).update(spend=Decimal("4.00"))
        DailyMetric.objects.filter(campaign=one, date=day(1)).delete()
    assert location_days(location) == {
        day(0): (1, Decimal("4.00")),
        day(1): (1, Decimal("2.50")),
        day(60): (1, Decimal("1.25")),
    }
    with scope(location):
        Campaign.objects.get(pk=two.pk).delete()  # its days go; the location's are summed again
    assert location_days(location) == {day(0): (1, Decimal("4.00")), day(60): (1, Decimal("1.25"))}


# --- The planner's statistics ---------------------------------------------------------------


def analyzed_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return set()
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        return {row[0] for row in cursor.fetchall()}


def forget_statistics() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sqlite_stat1")


sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite keeps no statistics until ANALYZE"
)


@sqlite_only
def test_migrate_and_a_rebuild_leave_statistics_on_sqlite(two_locations):
    forget_statistics()
    call_command("migrate", verbosity=0)  # nothing to apply: the statistics are refreshed
    assert set(db_stats.read_tables()) <= analyzed_tables()
    forget_statistics()
    call_command("rollups", "--rebuild", stdout=None)
    assert set(db_stats.read_tables()) <= analyzed_tables()


@sqlite_only
def test_the_daily_checks_analyze_what_has_no_statistics_then_only_optimize(two_locations):
    sunrise, *_ = two_locations
    forget_statistics()
    run_daily_checks.call(sunrise.pk)
    assert set(db_stats.read_tables()) <= analyzed_tables()
    assert db_stats.refresh_statistics(light=True) == "PRAGMA optimize"
    assert db_stats.refresh_statistics() == "ANALYZE"


@sqlite_only
def test_a_large_write_refreshes_the_statistics_after_it_commits(
    two_locations, django_capture_on_commit_callbacks
):
    forget_statistics()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        db_stats.after_large_write(db_stats.LARGE_WRITE - 1)
    assert callbacks == [] and analyzed_tables() == set()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        db_stats.after_large_write(db_stats.LARGE_WRITE)
    assert len(callbacks) == 1
    assert set(db_stats.read_tables()) <= analyzed_tables()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own refresh")
def test_postgresql_analyzes_the_read_tables_and_leaves_the_rest_to_autovacuum(db):
    assert db_stats.refresh_statistics(light=True) == ""
    ran = db_stats.refresh_statistics()
    assert ran.startswith("ANALYZE ") and '"campaigns_dailymetric"' in ran


# --- A lifetime less the days after the period -----------------------------------------------


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (day(0), day(419)),  # "all time" ending the day before the last recorded day
        (day(0), day(417)),  # its last days, in the last month, are taken from the lifetime
        (day(40), day(40)),  # the short campaign's first day: its second is taken off
        (day(38), day(44)),  # starts before the short campaign, ends before its last day
        (day(0), day(60)),  # ends on the last day of a month: the next month's days go
        (day(1), day(419)),  # starts after the long campaign's first day: months, as before
    ],
)
def test_a_period_that_holds_a_campaigns_start_reads_its_lifetime_less_the_days_after(
    two_locations, first, last
):
    """A campaign whose days start in the period and end by the end of the next day's month is
    read as its lifetime less the days after the period: the same sums as the days, by
    campaign and by location, and the current period's beside the previous one's."""
    sunrise, _, short, long, _ = two_locations
    services.record_day(campaign=long, day=day(420), **numbers(420))  # "today"
    period = Period(first, last)
    with scope(sunrise):
        rows = list(DailyMetric.objects.filter(campaign__in=[short.pk, long.pk]))
        found = totals_by_campaign([short.pk, long.pk], {"cur": period, "prev": period.previous()})
        by_location = grouped_totals(
            "location_id", {"cur": period}, campaign__in=[short.pk, long.pk]
        )
    for campaign in (short, long):
        mine = [r for r in rows if r.campaign_id == campaign.pk]
        assert found[campaign.pk]["cur"] == plain(mine, first, last)
        previous = period.previous()
        assert found[campaign.pk]["prev"] == plain(mine, previous.start, previous.end)
    assert by_location[sunrise.pk]["cur"] == plain(rows, first, last)
