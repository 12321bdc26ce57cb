"""Rollups: the monthly and lifetime sums stay equal to the days through every write path, and
any period read through them (whole months from the rollups, its ends from the days) equals
the plain sum of its days. Runs on SQLite and PostgreSQL."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns import history, rollups, services
from campaigns.analytics.figures import (
    Totals,
    grouped_totals,
    monthly_totals,
    totals_by_campaign,
)
from campaigns.analytics.statements import Parts, parts
from campaigns.models import DailyMetric, LifetimeMetric, MonthlyMetric
from campaigns.periods import Period, month_of
from campaigns.tenancy import scope, scopes_disabled
from tests.factories import CampaignFactory, DailyMetricFactory, LocationFactory

FIRST = date(2024, 11, 1)
SPAN = 500  # days: about 17 months, so periods have whole months and ends


def day(n: int) -> date:
    return FIRST + timedelta(days=n)


def plain_sums(rows, period: Period | None = None) -> Totals:
    """What a period's figures must be: its days, summed one by one in Python."""
    return sum(
        (
            Totals.from_values({name: getattr(r, name) for name in DailyMetric.NUMBER_FIELDS})
            for r in rows
            if period is None or r.date in period
        ),
        Totals(),
    )


def test_a_period_is_its_whole_months_plus_the_days_at_its_ends():
    split = parts(Period(date(2025, 1, 20), date(2025, 4, 3)))
    assert split.months == (date(2025, 2, 1), date(2025, 3, 1))
    assert split.partial == (
        (date(2025, 1, 20), date(2025, 1, 31)),
        (date(2025, 4, 1), date(2025, 4, 3)),
    )
    assert parts(Period(date(2025, 2, 1), date(2025, 2, 28))).partial == ()
    assert parts(Period(date(2025, 2, 1), date(2025, 2, 27))).months is None
    assert parts(Period(date(2025, 1, 20), date(2025, 2, 10))) == Parts(
        partial=((date(2025, 1, 20), date(2025, 1, 31)), (date(2025, 2, 1), date(2025, 2, 10))),
        months=None,
    )
    assert parts(Period(date(2024, 12, 15), date(2025, 1, 31))).months == (
        date(2025, 1, 1),
        date(2025, 1, 1),
    )


# --- The property: random writes through every path, random periods -------------------------

numbers = st.fixed_dictionaries(
    {
        "impressions": st.integers(0, 10**9),
        "clicks": st.integers(0, 10**6),
        "leads": st.integers(0, 1000),
        "conversions": st.integers(0, 1000),
        "revenue": st.decimals(0, 10**9, places=2),
        "spend": st.decimals(0, 10**6, places=2),
    }
)
record = st.tuples(
    st.just("record"), st.integers(0, 1), st.lists(st.integers(0, SPAN - 1), max_size=40), numbers
)
save = st.tuples(st.just("save"), st.integers(0, 1), st.integers(0, SPAN - 1), numbers)
move = st.tuples(st.just("move"), st.integers(0, 1), st.integers(0, SPAN - 1), numbers)
update = st.tuples(st.just("update"), st.integers(0, 1), st.integers(0, SPAN - 1), numbers)
delete = st.tuples(st.just("delete"), st.integers(0, 1), st.integers(0, SPAN - 1), numbers)
remove = st.tuples(st.just("remove"), st.integers(0, 1), st.integers(0, SPAN - 1), numbers)
writes = st.lists(st.one_of(record, save, move, update, delete, remove), min_size=1, max_size=8)
periods = st.tuples(st.integers(-40, SPAN + 40), st.integers(0, SPAN + 80)).map(
    lambda p: Period(day(p[0]), day(p[0] + p[1]))
)


def apply(write, campaigns) -> None:
    """One write through one of the paths the app uses."""
    kind, which, n, values = write
    campaign = campaigns[which]
    rows = DailyMetric.objects.filter(campaign=campaign)
    if kind == "record":  # services.record_days: the bulk upsert of forms, the API and imports
        services.record_days(
            campaign=campaign, rows=[{"date": day(i), **values} for i in sorted(set(n))]
        )
    elif kind == "save":  # a form or the admin saving one day
        found = rows.filter(date=day(n)).first() or DailyMetric(campaign=campaign, date=day(n))
        for name, value in values.items():
            setattr(found, name, value)
        found.save()
    elif kind == "move":  # the admin changing a day's date (to a day not yet recorded)
        found = rows.filter(date__gte=day(n)).first()
        target = day((n * 7 + 13) % SPAN)
        if found and not rows.filter(date=target).exists():
            found.date = target
            found.save()
    elif kind == "update":  # a queryset update of a run of days
        rows.filter(date__gte=day(n), date__lt=day(n + 45)).update(
            spend=values["spend"], clicks=F("clicks") + 1
        )
    elif kind == "delete":  # the admin's bulk delete of a run of days
        rows.filter(date__gte=day(n), date__lt=day(n + 30)).delete()
    else:  # deleting one day
        found = rows.filter(date__gte=day(n)).first()
        if found:
            found.delete()


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(writes=writes, asked=st.lists(periods, min_size=1, max_size=3))
def test_rollups_equal_the_days_after_any_writes_and_any_period_reads_the_same(writes, asked):
    location = LocationFactory()
    campaigns = [CampaignFactory(location=location, start_date=FIRST) for _ in range(2)]
    ids = [c.pk for c in campaigns]
    with scope(location):
        for write in writes:
            apply(write, campaigns)
        assert rollups.differences(location.pk) == []
        assert history.unrecorded() == []  # every path also recorded its history
        days = list(DailyMetric.objects.filter(campaign__in=ids))
        by_campaign = {c: [r for r in days if r.campaign_id == c] for c in ids}
        named = {f"p{i}": period for i, period in enumerate(asked)}
        found = totals_by_campaign(ids, {**named, "life": None})
        for c in ids:
            assert found[c]["life"] == plain_sums(by_campaign[c])
            for name, period in named.items():
                assert found[c][name] == plain_sums(by_campaign[c], period), (period, name)
        by_location = grouped_totals("location_id", named)
        for name, period in named.items():
            expected = plain_sums(days, period)
            assert by_location.get(location.pk, {}).get(name, Totals()) == expected
            months = monthly_totals("campaign_id", period)
            for c in ids:
                for month in {month_of(r.date) for r in by_campaign[c] if r.date in period}:
                    in_month = [r for r in by_campaign[c] if month_of(r.date) == month]
                    assert months[(c, month)] == plain_sums(in_month, period)
            location_months = monthly_totals("location_id", period)
            for month in {month_of(r.date) for r in days if r.date in period}:
                in_month = [r for r in days if month_of(r.date) == month]
                assert location_months[(location.pk, month)] == plain_sums(in_month, period)


# --- Each path, by name ------------------------------------------------------------------------


@pytest.fixture
def campaign(db):
    return CampaignFactory(start_date=date(2025, 1, 1))


def rollup_rows(campaign):
    with scope(campaign.location):
        months = dict(MonthlyMetric.objects.filter(campaign=campaign).values_list("month", "spend"))
        life = LifetimeMetric.objects.filter(campaign=campaign).values_list("days", "spend")
        return months, life.first()


def test_a_saved_day_and_a_moved_day_update_both_months(campaign):
    metric = DailyMetricFactory(campaign=campaign, date=date(2025, 1, 31), spend=Decimal("10"))
    DailyMetricFactory(campaign=campaign, date=date(2025, 2, 1), spend=Decimal("5"))
    assert rollup_rows(campaign) == (
        {date(2025, 1, 1): Decimal("10.00"), date(2025, 2, 1): Decimal("5.00")},
        (2, Decimal("15.00")),
    )
    with scope(campaign.location):
        moved = DailyMetric.objects.get(pk=metric.pk)
        moved.date = date(2025, 3, 3)
        moved.save()
    assert rollup_rows(campaign) == (
        {date(2025, 2, 1): Decimal("5.00"), date(2025, 3, 1): Decimal("10.00")},
        (2, Decimal("15.00")),
    )
    with scope(campaign.location):
        DailyMetric.objects.filter(campaign=campaign).delete()
    assert rollup_rows(campaign) == ({}, None)


def test_a_failed_write_leaves_the_rollups_as_they_were(campaign):
    services.record_day(campaign=campaign, day=date(2025, 1, 5), spend=Decimal("7.00"))
    with pytest.raises(services.BatchValidationError):
        services.record_days(
            campaign=campaign,
            rows=[
                {"date": date(2025, 1, 6), "spend": Decimal("100.00")},
                {"date": date(2025, 1, 7), "leads": -1},
            ],
        )
    assert rollup_rows(campaign) == ({date(2025, 1, 1): Decimal("7.00")}, (1, Decimal("7.00")))


def test_deleting_a_campaign_deletes_its_rollups(campaign):
    DailyMetricFactory(campaign=campaign, date=date(2025, 1, 5))
    with scope(campaign.location):
        campaign.delete()
    with scopes_disabled():
        assert not MonthlyMetric.objects.exists()
        assert not LifetimeMetric.objects.exists()


def test_the_command_finds_a_wrong_rollup_and_rebuilds_it(campaign):
    DailyMetricFactory(campaign=campaign, date=date(2025, 1, 5), spend=Decimal("10.00"))
    DailyMetricFactory(campaign=campaign, date=date(2025, 2, 5), spend=Decimal("20.00"))
    out = StringIO()
    call_command("rollups", "--check", stdout=out)
    assert "equal the sums of the daily rows" in out.getvalue()

    with scopes_disabled():  # a raw fix of the days that bypassed the rollups
        MonthlyMetric.objects.filter(month=date(2025, 2, 1)).update(spend=Decimal("1.00"))
        LifetimeMetric.objects.all().delete()
    out = StringIO()
    with pytest.raises(CommandError, match="2 rollup rows differ"):
        call_command("rollups", stdout=out)
    assert "month" in out.getvalue() and "lifetime" in out.getvalue()

    call_command("rollups", "--rebuild", "--location", campaign.location.slug, stdout=StringIO())
    assert rollups.differences() == []
    assert rollup_rows(campaign)[1] == (2, Decimal("30.00"))


def test_the_command_refuses_an_unknown_location(db):
    with pytest.raises(CommandError, match="No location with the slug “nowhere”"):
        call_command("rollups", "--location", "nowhere")


def test_a_partial_month_whose_days_all_lie_in_the_period_is_read_from_its_rollup(campaign):
    """The current month of "last 30 days" (and the first month of "all time") need not be
    read day by day: its rollup's first and last dates show all its days are in the period."""
    for n in (3, 10, 20):
        DailyMetricFactory(campaign=campaign, date=date(2025, 3, n), spend=Decimal("1.00"))
    DailyMetricFactory(campaign=campaign, date=date(2025, 2, 10), spend=Decimal("5.00"))
    with scope(campaign.location):  # a day changed behind the rollups' back: shows which is read
        MonthlyMetric.objects.filter(month=date(2025, 3, 1)).update(spend=Decimal("100.00"))
        read = totals_by_campaign(
            [campaign.pk], {"a": Period(date(2025, 2, 20), date(2025, 3, 25))}
        )
        cut = totals_by_campaign([campaign.pk], {"b": Period(date(2025, 3, 5), date(2025, 3, 25))})
    # March's days (3rd to 20th) all lie in Feb 20 – Mar 25: its rollup is read (100.00);
    # February's one day (10th) is outside: nothing of February is counted.
    assert read[campaign.pk]["a"].spend == Decimal("100.00")
    # From Mar 5 the 3rd is outside: March is read day by day (10th and 20th).
    assert cut[campaign.pk]["b"].spend == Decimal("2.00")
    rollups.rebuild(campaign.location_id)  # put the rollup right again for the suite's check
