"""Reporting periods: inclusive calendar days, the previous period, presets and custom dates."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from campaigns.periods import Period

TODAY = date(2026, 3, 15)


def span(period: Period) -> tuple[date, date]:
    return period.start, period.end


# --- Length and previous period ---------------------------------------------------------------


def test_a_period_counts_both_its_first_and_last_day():
    assert Period(date(2026, 3, 1), date(2026, 3, 31)).days == 31
    assert Period(date(2026, 2, 1), date(2026, 2, 28)).days == 28


def test_a_single_day_period_is_one_day_long():
    assert Period(date(2026, 3, 15), date(2026, 3, 15)).days == 1


def test_the_previous_period_has_the_same_length_and_ends_the_day_before():
    march = Period(date(2026, 3, 1), date(2026, 3, 31))

    previous = march.previous()

    assert span(previous) == (date(2026, 1, 29), date(2026, 2, 28))
    assert previous.days == 31


def test_the_previous_week_is_the_seven_days_before():
    week = Period(date(2026, 3, 9), date(2026, 3, 15), "7d")

    assert span(week.previous()) == (date(2026, 3, 2), date(2026, 3, 8))


def test_the_previous_period_crosses_a_year_boundary():
    january_start = Period(date(2026, 1, 1), date(2026, 1, 10))

    assert span(january_start.previous()) == (date(2025, 12, 22), date(2025, 12, 31))


def test_the_previous_of_a_single_day_is_the_day_before():
    assert span(Period(TODAY, TODAY).previous()) == (date(2026, 3, 14), date(2026, 3, 14))


def test_a_day_is_in_a_period_from_its_start_to_its_end_inclusive():
    march = Period(date(2026, 3, 1), date(2026, 3, 31))

    assert date(2026, 3, 1) in march
    assert date(2026, 3, 31) in march
    assert date(2026, 2, 28) not in march
    assert date(2026, 4, 1) not in march


# --- Presets: complete days, ending yesterday ------------------------------------------------

YESTERDAY = date(2026, 3, 14)


@pytest.mark.parametrize(
    ("preset", "start", "days", "label"),
    [
        ("7d", date(2026, 3, 8), 7, "Last 7 days"),
        ("30d", date(2026, 2, 13), 30, "Last 30 days"),
        ("90d", date(2025, 12, 15), 90, "Last 90 days"),
        ("month", date(2026, 3, 1), 14, "This month"),
    ],
)
def test_presets_are_complete_days_ending_yesterday(preset, start, days, label):
    period = Period.preset_for(preset, today=TODAY)

    assert span(period) == (start, YESTERDAY)
    assert period.days == days
    assert period.preset == preset
    assert period.label == label
    assert not period.partial
    assert period.notice is None


def test_the_previous_of_a_preset_is_as_many_complete_days_before_it():
    week = Period.preset_for("7d", today=TODAY)

    assert span(week.previous()) == (date(2026, 3, 1), date(2026, 3, 7))


def test_today_so_far_is_a_preset_of_its_own_and_partial():
    period = Period.preset_for("today", today=TODAY)

    assert span(period) == (TODAY, TODAY)
    assert period.label == "Today so far"
    assert period.partial
    assert period.query == "?period=today"


def test_this_month_on_the_first_of_the_month_is_today_so_far_and_says_so():
    period = Period.preset_for("month", today=date(2026, 4, 1))

    assert span(period) == (date(2026, 4, 1), date(2026, 4, 1))
    assert period.partial
    assert period.notice == (
        "This month has no complete day yet: showing today so far, which is partial."
    )


def test_this_month_on_the_second_is_the_first():
    period = Period.preset_for("month", today=date(2026, 4, 2))

    assert span(period) == (date(2026, 4, 1), date(2026, 4, 1))
    assert not period.partial


def test_all_time_starts_at_the_earliest_data_and_ends_yesterday():
    period = Period.preset_for("all", today=TODAY, earliest=date(2025, 11, 3))

    assert span(period) == (date(2025, 11, 3), YESTERDAY)
    assert period.label == "All time"
    assert not period.partial


def test_all_time_without_data_is_today_so_far():
    period = Period.preset_for("all", today=TODAY)

    assert span(period) == (TODAY, TODAY)
    assert period.partial


def test_all_time_never_starts_after_today():
    period = Period.preset_for("all", today=TODAY, earliest=date(2026, 4, 1))

    assert span(period) == (TODAY, TODAY)
    assert period.partial


def test_an_unknown_preset_is_rejected_with_its_name():
    with pytest.raises(ValidationError) as error:
        Period.preset_for("fortnight", today=TODAY)

    assert error.value.messages == ["Unknown period “fortnight”."]


# --- Reading the query string -----------------------------------------------------------------


def test_without_parameters_the_period_is_the_last_30_days():
    period = Period.from_query({}, today=TODAY)

    assert span(period) == (date(2026, 2, 13), YESTERDAY)
    assert period.preset == "30d"


def test_a_preset_is_read_from_the_query():
    period = Period.from_query({"period": "7d"}, today=TODAY)

    assert span(period) == (date(2026, 3, 8), YESTERDAY)


def test_all_time_from_the_query_uses_the_earliest_data():
    period = Period.from_query({"period": "all"}, today=TODAY, earliest=date(2026, 1, 12))

    assert span(period) == (date(2026, 1, 12), YESTERDAY)


def test_custom_dates_are_read_from_the_query():
    period = Period.from_query({"start": "2026-02-01", "end": "2026-02-14"}, today=TODAY)

    assert span(period) == (date(2026, 2, 1), date(2026, 2, 14))
    assert period.preset == "custom"
    assert period.days == 14
    assert period.label == "Feb 1, 2026 – Feb 14, 2026"


def test_custom_dates_with_an_explicit_custom_preset():
    period = Period.from_query(
        {"period": "custom", "start": "2026-01-01", "end": "2026-01-01"}, today=TODAY
    )

    assert span(period) == (date(2026, 1, 1), date(2026, 1, 1))
    assert period.days == 1


def test_an_unknown_preset_in_the_query_is_rejected():
    with pytest.raises(ValidationError) as error:
        Period.from_query({"period": "yesterday"}, today=TODAY)

    assert error.value.messages == ["Unknown period “yesterday”."]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"start": "2026-02-30", "end": "2026-03-05"},
            "“2026-02-30” is not a valid start date (use YYYY-MM-DD).",
        ),
        (
            {"start": "2026-03-01", "end": "05/03/2026"},
            "“05/03/2026” is not a valid end date (use YYYY-MM-DD).",
        ),
        (
            {"start": "last tuesday", "end": "2026-03-05"},
            "“last tuesday” is not a valid start date (use YYYY-MM-DD).",
        ),
        ({"end": "2026-03-05"}, "Give a start date (YYYY-MM-DD)."),
        ({"period": "custom", "start": "2026-03-01", "end": ""}, "Give an end date (YYYY-MM-DD)."),
    ],
)
def test_bad_custom_dates_are_rejected_with_a_readable_message(params, message):
    with pytest.raises(ValidationError) as error:
        Period.from_query(params, today=TODAY)

    assert error.value.messages == [message]


def test_an_end_before_the_start_is_rejected():
    with pytest.raises(ValidationError) as error:
        Period.from_query({"start": "2026-03-10", "end": "2026-03-01"}, today=TODAY)

    assert error.value.messages == ["The period's end cannot be before its start."]


def test_a_period_cannot_be_built_backwards():
    with pytest.raises(ValidationError):
        Period(date(2026, 3, 10), date(2026, 3, 9))


# --- Never past today -------------------------------------------------------------------------


def test_a_custom_period_ending_after_today_ends_today_and_says_so():
    period = Period.from_query({"start": "2026-03-01", "end": "2026-12-31"}, today=TODAY)

    assert span(period) == (date(2026, 3, 1), TODAY)
    assert period.preset == "custom"
    assert period.notice == (
        "The period you asked for ends Dec 31, 2026, after today: "
        "showing it up to today, Mar 15, 2026, which is partial."
    )
    assert period.partial


def test_a_custom_period_ending_today_is_kept_without_a_notice_but_partial():
    period = Period.from_query({"start": "2026-03-01", "end": "2026-03-15"}, today=TODAY)

    assert span(period) == (date(2026, 3, 1), TODAY)
    assert period.notice is None
    assert period.partial


def test_a_custom_period_ending_yesterday_is_complete():
    period = Period.from_query({"start": "2026-03-01", "end": "2026-03-14"}, today=TODAY)

    assert not period.partial
    assert period.query == "?period=custom&start=2026-03-01&end=2026-03-14"


def test_a_custom_period_starting_today_and_ending_later_is_today_alone():
    period = Period.from_query({"start": "2026-03-15", "end": "2026-04-30"}, today=TODAY)

    assert span(period) == (TODAY, TODAY)
    assert period.notice is not None


def test_a_custom_period_starting_after_today_is_refused():
    with pytest.raises(ValidationError) as error:
        Period.from_query({"start": "2026-03-16", "end": "2026-04-30"}, today=TODAY)

    assert error.value.messages == [
        "The period you asked for starts Mar 16, 2026, after today (Mar 15, 2026): "
        "choose a start on or before today."
    ]


def test_presets_carry_no_notice():
    assert Period.from_query({"period": "7d"}, today=TODAY).notice is None
    assert Period.from_query({}, today=TODAY).notice is None


def test_the_previous_of_a_cut_back_period_has_its_shown_length():
    period = Period.from_query({"start": "2026-03-06", "end": "2026-12-31"}, today=TODAY)

    previous = period.previous()

    assert span(previous) == (date(2026, 2, 24), date(2026, 3, 5))
    assert previous.days == period.days == 10
    assert previous.notice is None


def test_the_notice_does_not_make_two_equal_periods_differ():
    cut_back = Period.from_query({"start": "2026-03-01", "end": "2026-12-31"}, today=TODAY)

    assert cut_back == Period(date(2026, 3, 1), TODAY)


def test_the_ten_year_limit_applies_to_the_period_shown():
    period = Period.from_query({"start": "2017-01-01", "end": "2099-12-31"}, today=TODAY)

    assert span(period) == (date(2017, 1, 1), TODAY)
    with pytest.raises(ValidationError):
        Period.from_query({"start": "2016-01-01", "end": "2099-12-31"}, today=TODAY)
