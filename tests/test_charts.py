"""Chart data (campaigns/charts.py, campaigns/analytics/series.py): 7-day averages, weekly and
monthly points, axes by unit, the funnel on a log scale, budget allocation, and the
no-JavaScript table."""

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from campaigns import catalogue, charts
from campaigns.analytics.channels import channel_analytics
from campaigns.analytics.figures import Totals
from campaigns.analytics.reports import campaign_report, lifetime_period
from campaigns.analytics.series import DAY, MONTH, WEEK, Series, Span, day_label, moving_average
from campaigns.periods import Period
from tests.factories import CampaignFactory, DailyMetricFactory


def days(start: date, spends: list[str], conversions: list[int] | None = None) -> Series:
    """A daily series held in memory: one span a day from ``start``."""
    conversions = conversions or [0] * len(spends)
    spans = []
    for i, (spend, conv) in enumerate(zip(spends, conversions, strict=True)):
        day = start + timedelta(days=i)
        totals = Totals(spend=Decimal(spend), conversions=conv, leads=conv * 10)
        spans.append(Span(DAY, day, day, totals))
    return Series(DAY, spans)


# --- 7-day moving average --------------------------------------------------------------------


def test_the_7_day_average_starts_on_the_seventh_day_and_is_exact_to_the_cent():
    values = [Decimal(v) for v in ("10", "20", "30", "40", "50", "60", "70", "80.01", "0")]
    assert moving_average(values) == [None] * 6 + [
        Decimal("40.00"),  # (10+…+70)/7
        Decimal("50.00"),  # (20+…+80.01)/7 = 50.0014… → 50.00
        Decimal("47.14"),  # (30+…+80.01+0)/7 = 47.1442…
    ]


def test_the_7_day_average_rounds_half_up_and_averages_counts_too():
    assert moving_average([1, 1, 1, 1, 1, 1, 0]) == [None] * 6 + [Decimal("0.86")]
    # 0.125 exactly: half up to 0.13
    assert moving_average([Decimal("0.875")] + [0] * 6) == [None] * 6 + [Decimal("0.13")]


def test_a_series_shorter_than_a_week_has_no_average():
    assert moving_average([5, 5, 5]) == [None, None, None]


# --- days, weeks and months -------------------------------------------------------------------


def test_periods_up_to_92_days_are_daily_with_dashed_averages():
    short = charts.trend_charts(days(date(2026, 1, 1), ["7.00"] * 92), "USD")["money"]
    assert len(short["labels"]) == 92 and short["labels"][0] == "1 Jan"
    spend, spend_average = short["datasets"][0], short["datasets"][1]
    assert spend["label"] == "Spend" and "dashed" not in spend
    assert spend_average == {
        "label": "Spend, 7-day average",
        "data": [None] * 6 + [7.0] * 86,
        "kind": "money",
        "axis": "left",
        "colour": charts.METRIC_COLOURS["spend"],
        "dashed": True,
    }
    assert short["note"] == "Dashed lines: 7-day average."
    assert short["title"] == "Spend and revenue per day"


def test_weekly_and_monthly_charts_draw_one_point_per_span_without_an_average():
    week = Series(
        WEEK,
        [
            Span(WEEK, date(2026, 1, 1), date(2026, 1, 4), Totals(spend=Decimal("28.00"))),
            Span(WEEK, date(2026, 1, 5), date(2026, 1, 11), Totals(spend=Decimal("49.00"))),
        ],
    )
    weekly = charts.trend_charts(week, "USD")["money"]
    # 2026-01-01 is a Thursday: its week is labelled by its Monday, and says it is cut.
    assert weekly["labels"] == ["Week of 29 Dec (4 of 7 days)", "Week of 5 Jan"]
    assert [d["label"] for d in weekly["datasets"]] == ["Spend", "Revenue"]
    # $28 over 4 days is $7 a day, as the full week's $49: drawn as $49, not as a collapse.
    spend = weekly["datasets"][0]
    assert spend["data"] == [49.0, 49.0]
    assert spend["hollow"] == [True, False]
    assert spend["notes"] == ["4 of 7 days: $28.00 recorded, drawn as $49.00", ""]
    assert weekly["title"] == "Spend and revenue per week"
    assert weekly["note"].startswith("Hollow points: a week cut by the period")

    month = Series(
        MONTH,
        [
            Span(MONTH, date(2024, 10, 12), date(2024, 10, 31), Totals(leads=20)),
            Span(MONTH, date(2024, 11, 1), date(2024, 11, 30), Totals(leads=30)),
        ],
    )
    results = charts.trend_charts(month, "USD")["results"]
    assert results["labels"] == ["12–31 Oct 2024 (20 of 31 days)", "Nov 2024"]
    assert [d["label"] for d in results["datasets"]] == ["Leads", "Conversions"]
    # 20 leads in 20 days of October's 31 are drawn as 31.
    assert results["datasets"][0]["data"] == [31.0, 30]
    assert results["title"] == "Leads (left axis) and conversions (right axis) per month"
    assert day_label(date(2027, 1, 4)) == "4 Jan"


# --- axes by unit ------------------------------------------------------------------------------


def test_leads_and_conversions_each_get_their_own_axis():
    results = charts.trend_charts(days(date(2026, 1, 1), ["5.00"] * 10, [1] * 10), "USD")["results"]
    axes = {d["label"]: (d["kind"], d["axis"]) for d in results["datasets"]}
    assert axes == {
        "Leads": ("count", "left"),
        "Leads, 7-day average": ("count", "left"),
        "Conversions": ("count", "right"),
        "Conversions, 7-day average": ("count", "right"),
    }
    assert results["axis_titles"] == {"left": "Leads", "right": "Conversions"}
    assert results["datasets"][2]["data"] == [1] * 10


def test_money_goes_on_the_left_axis_and_counts_on_the_right():
    chart = charts._chart(
        "line", ["a"], [charts._dataset("conversions", [1]), charts._dataset("spend", [2])]
    )
    assert [(d["kind"], d["axis"]) for d in chart["datasets"]] == [
        ("count", "right"),
        ("money", "left"),
    ]


@pytest.mark.parametrize(
    ("unit", "axis"),
    [
        (catalogue.Unit.MONEY, "left"),
        (catalogue.Unit.COUNT, "right"),
        (catalogue.Unit.RATIO, "right"),
    ],
)
def test_the_axis_of_each_catalogue_unit(unit, axis):
    key = next(k for k, metric in catalogue.CATALOGUE.items() if metric.unit is unit)
    assert charts._dataset(key, [1])["axis"] == axis


def test_a_chart_of_counts_only_draws_them_on_the_left():
    chart = charts._chart("bar", ["a"], [charts._dataset("leads", [1])])
    assert chart["datasets"][0]["axis"] == "left"


# --- funnel ------------------------------------------------------------------------------------


def test_the_funnel_is_horizontal_bars_on_a_log_scale_with_stage_rates(reference_campaign):
    report = campaign_report(reference_campaign, lifetime_period(reference_campaign))
    chart = charts.funnel_chart(report.funnel)
    assert chart["type"] == "bar" and chart["horizontal"] is True and chart["scale"] == "log"
    assert chart["labels"] == [s.label for s in report.funnel.stages]
    (dataset,) = chart["datasets"]
    assert dataset["data"] == [10000, 500, 120, 30, 12]
    assert dataset["notes"][0] == ""
    assert dataset["notes"][1] == f"5.0 % of {report.funnel.stages[0].label.lower()}"
    assert dataset["notes"][4] == f"40.0 % of {report.funnel.stages[3].label.lower()}"
    table = chart.table
    assert table["columns"] == ["Count", "From the previous stage"]
    assert table["rows"][1] == {
        "label": report.funnel.stages[1].label,
        "cells": ["500", dataset["notes"][1]],
    }


# --- budget allocation -------------------------------------------------------------------------


def test_spend_shares_add_up_to_exactly_100_percent():
    shares = charts.spend_shares([Decimal("1.00"), Decimal("1.00"), Decimal("1.00")])
    assert shares == [Decimal("0.334"), Decimal("0.333"), Decimal("0.333")]
    assert sum(shares) == 1
    assert charts.spend_shares([Decimal(0), Decimal(0)]) == [Decimal(0), Decimal(0)]


@pytest.fixture
def three_channels(sunrise):
    today = sunrise.today()
    for channel, spend in (
        ("sms", "100.00"),
        ("email", "200.00"),
        ("social", "0.00"),
        ("organic", "33.33"),
    ):
        DailyMetricFactory(
            campaign=CampaignFactory(
                location=sunrise, channel=channel, start_date=today - timedelta(days=5)
            ),
            date=today - timedelta(days=1),
            spend=Decimal(spend),
        )
    return sunrise


def test_the_allocation_chart_shares_spend_by_channel_in_channel_colours(three_channels):
    location = three_channels
    period = Period(location.today() - timedelta(days=29), location.today(), "30d")
    chart = charts.allocation_chart(channel_analytics(location, period), location.currency)
    assert chart["type"] == "doughnut" and chart["empty"] is False
    # A channel that spent nothing has no slice.
    assert chart["labels"] == ["SMS", "Email", "Organic"]
    (dataset,) = chart["datasets"]
    assert dataset["kind"] == "percent"
    assert dataset["data"] == [0.3, 0.6, 0.1]  # 100/333.33 = 30.0 %, 60.0 %, 10.0 %
    assert sum(Decimal(str(v)) for v in dataset["data"]) == 1
    assert dataset["colours"] == [charts.CHANNEL_COLOURS[c] for c in ("sms", "email", "organic")]
    assert dataset["notes"] == ["$100.00", "$200.00", "$33.33"]
    assert chart.table["rows"][0] == {"label": "SMS", "cells": ["30.0 %", "$100.00"]}


def test_no_spend_no_allocation_chart(sunrise):
    CampaignFactory(location=sunrise)
    period = Period(sunrise.today() - timedelta(days=29), sunrise.today(), "30d")
    assert charts.allocation_chart(channel_analytics(sunrise, period), "USD")["empty"] is True


def test_the_channels_page_shows_the_allocation_chart_and_its_table(
    client, sunrise_manager, three_channels
):
    client.force_login(sunrise_manager)
    html = client.get("/l/sunrise-realty/channels/?period=30d").content.decode()
    assert 'data-chart="allocation-chart"' in html
    assert 'id="allocation-table"' in html
    spec = json.loads(
        re.search(r'id="allocation-chart" type="application/json">(.*?)</script>', html).group(1)
    )
    assert spec["labels"] == ["SMS", "Email", "Organic"]
    assert ">30.0 %<" in html


# --- the chart's table, without JavaScript ------------------------------------------------------


def test_every_chart_on_the_campaign_page_carries_its_table_and_the_note(
    client, sunrise_manager, reference_campaign
):
    client.force_login(sunrise_manager)
    html = client.get(
        f"/l/sunrise-realty/campaigns/{reference_campaign.pk}/?period=all"
    ).content.decode()
    for chart in ("budget-chart", "funnel-chart", "results-chart", "money-chart"):
        figure = re.search(
            rf'<figure class="chart-figure" data-chart-figure="{chart}">(.*?)</figure>', html, re.S
        )
        assert figure, chart
        body = figure.group(1)
        assert "Turn on JavaScript to see this as a chart." in body
        assert f'<table class="data" id="{chart}-table">' in body
        assert "<summary>Show as table</summary>" in body
    # The daily trend table (January 1-31): Jan 14 spent $1,300.00; its 7-day average is
    # (2,000 + 1,700 + 1,300) / 7 = $714.29.
    trend = re.search(r'id="money-chart-table">(.*?)</table>', html, re.S).group(1)
    row = re.search(r'<tr><th scope="row">14 Jan</th>(.*?)</tr>', trend).group(1)
    assert re.findall(r'<td class="num">(.*?)</td>', row)[:2] == ["$1,300.00", "$714.29"]
    assert trend.count("<tr>") == 1 + 31


def test_a_chart_table_formats_like_its_tooltips():
    chart = charts._chart(
        "line",
        ["1 Jan", "2 Jan"],
        [
            charts._dataset("spend", [Decimal("1234.5"), None]),
            charts._dataset("leads", [Decimal("2.43"), 3]),
            charts._dataset("roi", [Decimal("0.25"), None]),
        ],
        currency="EUR",
    )
    assert chart.table == {
        "columns": ["Spend", "Leads", catalogue.CATALOGUE["roi"].label],
        "rows": [
            {"label": "1 Jan", "cells": ["€1,234.50", "2.43", "25.0 %"]},
            {"label": "2 Jan", "cells": ["—", "3", "—"]},
        ],
    }
    # The table is no part of the JSON.
    assert "table" not in json.loads(json.dumps(chart))
