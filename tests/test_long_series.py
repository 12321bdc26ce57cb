"""Long series grouped (campaigns/analytics/series.py): a period's points are days up to 92 days,
ISO weeks up to 731, calendar months beyond, read from the monthly rollups; the same on the
campaign page, the overview's cards, the printable report and the e-mailed report."""

import html
import json
import re
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.analytics.figures import Totals
from campaigns.analytics.series import (
    DAY,
    MONTH,
    MONTHS,
    WEEK,
    Span,
    period_series,
    unit_for,
)
from campaigns.models import DailyMetric
from campaigns.periods import Period, months_of
from campaigns.reporting.content import report_context
from campaigns.reporting.images import report_images
from campaigns.tenancy import scope
from tests.factories import CampaignFactory

#: A campaign of 2,000 days, starting and ending in the middle of a month.
START = date(2020, 6, 12)
DAYS = 2000
END = START + timedelta(days=DAYS - 1)  # 2025-12-02


def figures(n: int) -> dict:
    """The n-th day's numbers: varied, within the model's constraints. Amounts are in quarters
    (exact in binary floating point, which is how SQLite keeps money), so sums over thousands of
    days compare exactly on both databases."""
    leads = n % 13
    return {
        "impressions": 1000 + n % 101,
        "clicks": 20 + n % 17,
        "leads": leads,
        "qualified_leads": leads // 2,
        "hot_leads": leads // 4,
        "conversions": n % 5,
        "spend": Decimal(n % 97) + Decimal(n % 4) / 4,
        "revenue": Decimal(n % 89) * 2 + Decimal("0.75"),
    }


def record(campaign, start: date, days: int) -> dict[date, Totals]:
    """``days`` days from ``start``, written with one bulk insert (which keeps the monthly rollups
    equal to the days); returns each day's totals."""
    rows = [
        DailyMetric(
            location=campaign.location,
            campaign=campaign,
            date=start + timedelta(days=n),
            **figures(n),
        )
        for n in range(days)
    ]
    with scope(campaign.location):
        DailyMetric.objects.bulk_create(rows)
    return {row.date: Totals(**figures(n)) for n, row in enumerate(rows)}


def summed(days: dict[date, Totals], start: date, end: date) -> Totals:
    return sum((t for day, t in days.items() if start <= day <= end), Totals())


@pytest.fixture
def long_campaign(sunrise):
    campaign = CampaignFactory(
        location=sunrise,
        name="Evergreen Search",
        status="completed",
        start_date=START,
        end_date=END,
        budget=Decimal("900000.00"),
    )
    campaign.days = record(campaign, START, DAYS)
    return campaign


def page_url(name: str, campaign, query: str = "") -> str:
    return reverse(f"campaigns:{name}", args=[campaign.location.slug, campaign.pk]) + query


def chart(page: str, chart_id: str) -> dict:
    found = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', page)
    return json.loads(found.group(1))


def half_up(amount: Decimal) -> Decimal:
    """To the cent, half up, as the charts round a cut span's drawn value."""
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def table_rows(page: str, table_id: str) -> list[str]:
    """The body rows of the table ``table_id``, as their HTML."""
    table = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody>", 1)[1].split("</tbody>", 1)[0])


def month_sums(days: dict[date, Totals]) -> dict[date, Totals]:
    found: dict[date, Totals] = defaultdict(Totals)
    for day, totals in days.items():
        found[day.replace(day=1)] += totals
    return found


# --- granularity by length -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "unit"),
    [(1, DAY), (60, DAY), (92, DAY), (93, WEEK), (200, WEEK), (731, WEEK), (732, MONTH)],
)
def test_the_period_length_picks_days_weeks_or_months(days, unit):
    start = date(2024, 1, 1)
    assert unit_for(Period(start, start + timedelta(days=days - 1))) == unit


def test_labels_of_days_weeks_and_months():
    t = Totals()
    assert Span(DAY, date(2025, 11, 3), date(2025, 11, 3), t).label == "3 Nov"
    # A week cut by the period's start is still named by its Monday, and says it is cut.
    assert (
        Span(WEEK, date(2025, 11, 5), date(2025, 11, 9), t).label == "Week of 3 Nov (5 of 7 days)"
    )
    assert Span(WEEK, date(2025, 11, 3), date(2025, 11, 9), t).label == "Week of 3 Nov"
    assert Span(MONTH, date(2024, 11, 1), date(2024, 11, 30), t).label == "Nov 2024"
    assert Span(MONTH, date(2024, 2, 1), date(2024, 2, 29), t).label == "Feb 2024"
    assert (
        Span(MONTH, date(2024, 11, 12), date(2024, 11, 30), t).label
        == "12–30 Nov 2024 (19 of 30 days)"
    )
    assert Span(MONTH, date(2024, 12, 1), date(2024, 12, 10), t).label == (
        "1–10 Dec 2024 (10 of 31 days)"
    )
    assert Span(MONTH, date(2024, 12, 1), date(2024, 12, 1), t).label == "1 Dec 2024 (1 of 31 days)"
    assert Span(DAY, date(2025, 11, 3), date(2025, 11, 3), t, today=True).label == (
        "3 Nov (today so far)"
    )
    assert Span(MONTH, date(2024, 11, 12), date(2024, 11, 30), t).whole is False
    assert Span(MONTH, date(2024, 11, 1), date(2024, 11, 30), t).whole is True


# --- the campaign page over 2,000 days ---------------------------------------------------------


def test_a_2000_day_campaign_page_charts_one_point_per_month_summing_its_days(
    client, sunrise_manager, long_campaign
):
    client.force_login(sunrise_manager)
    page = html.unescape(client.get(page_url("campaign", long_campaign)).content.decode())

    months = months_of(Period(START, END))
    expected = month_sums(long_campaign.days)
    money, results = chart(page, "money-chart"), chart(page, "results-chart")
    assert len(months) == 67 and len(money["labels"]) == 67
    assert money["labels"][:3] == ["12–30 Jun 2020 (19 of 30 days)", "Jul 2020", "Aug 2020"]
    assert money["labels"][-2:] == ["Nov 2025", "1–2 Dec 2025 (2 of 31 days)"]
    assert money["title"] == "Spend and revenue per month"
    assert money["note"].startswith("Hollow points: a month cut by the period")
    spend, revenue = money["datasets"]
    # Whole months are drawn as recorded; the two cut months at their daily average × their
    # length (June: 19 of 30 days, December: 2 of 31), hollow, so neither end reads as a dive.
    whole = months[1:-1]
    assert [Decimal(str(v)) for v in spend["data"][1:-1]] == [expected[m].spend for m in whole]
    assert [Decimal(str(v)) for v in revenue["data"][1:-1]] == [expected[m].revenue for m in whole]
    first = months[0]
    assert Decimal(str(spend["data"][0])) == half_up(expected[first].spend * 30 / 19)
    # December's 2 days of 31 are too few to stand for a month: left off the line.
    assert spend["data"][-1] is None
    assert spend["hollow"] == [True] + [False] * 66
    assert spend["notes"][-1].startswith("2 of 31 days: $") and spend["notes"][-1].endswith(
        "recorded, not drawn"
    )
    assert spend["notes"][0].startswith("19 of 30 days: $")
    leads, conversions = results["datasets"]
    assert leads["data"][1:-1] == [expected[m].leads for m in whole]
    assert conversions["data"][1:-1] == [expected[m].conversions for m in whole]
    assert leads["data"][0] == float(half_up(Decimal(expected[first].leads) * 30 / 19))
    # The page's table groups the same way: one row per month, no per-day links.
    # The table keeps the recorded sums, and says which rows are cut.
    rows = table_rows(page, "daily-table")
    assert len(rows) == 67
    assert rows[0].startswith(
        '<td>Jun 12 – Jun 30, 2020 <span class="muted">(19 of 30 days)</span></td>'
    )
    assert rows[1].startswith("<td>Jul 2020</td>")
    everything = summed(long_campaign.days, START, END)
    assert sum(expected[m].spend for m in months) == everything.spend
    assert ">Correct<" not in page


def daily_ranges(sql: str) -> list[tuple[date, date]]:
    """The (from, to) date bounds of a query of the daily table, in the order written."""
    lows = re.findall(r'"date" >= \'(\d{4}-\d\d-\d\d)', sql)
    highs = re.findall(r'"date" <= \'(\d{4}-\d\d-\d\d)', sql)
    assert len(lows) == len(highs) and lows, sql
    return [
        (date.fromisoformat(low), date.fromisoformat(high))
        for low, high in zip(lows, highs, strict=True)
    ]


def test_the_2000_day_page_reads_only_the_days_of_partial_months(
    client, sunrise_manager, long_campaign
):
    client.force_login(sunrise_manager)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page_url("campaign", long_campaign))
    assert response.status_code == 200
    daily = [q["sql"] for q in queries if 'FROM "campaigns_dailymetric"' in q["sql"]]
    assert daily
    first_month_end = date(2020, 6, 30)
    last_month_start = date(2025, 12, 1)
    for sql in daily:
        for low, high in daily_ranges(sql):
            # Never more than the days of one month ...
            assert (low.year, low.month) == (high.year, high.month), sql
            # ... and inside the period only its first and last (partial) months.
            if low <= END and high >= START:
                assert high <= first_month_end or low >= last_month_start, sql


def test_the_printable_report_has_one_row_per_month_at_2000_days(
    client, sunrise_manager, long_campaign
):
    client.force_login(sunrise_manager)
    page = html.unescape(client.get(page_url("report", long_campaign)).content.decode())

    rows = table_rows(page, "daily-table")
    assert len(rows) == 67
    assert '<h2 id="daily-title">Monthly numbers' in page
    assert "<th>Month</th>" in page
    july = month_sums(long_campaign.days)[date(2020, 7, 1)]
    cells = re.findall(r'<td class="num">(.*?)</td>', rows[1])
    assert rows[1].startswith("<td>Jul 2020</td>")
    assert cells[0] == f"{july.impressions:,}"
    assert cells[5] == f"${july.spend:,.2f}"
    assert rows[-1].startswith(
        '<td>Dec 1 – Dec 2, 2025 <span class="muted">(2 of 31 days)</span></td>'
    )
    assert chart(page, "money-chart")["labels"][1] == "Jul 2020"


# --- months cut by the period, weeks, days -----------------------------------------------------


def test_a_month_cut_by_the_period_sums_only_its_days_in_the_period(long_campaign):
    period = Period(date(2020, 6, 20), date(2023, 1, 10))
    with scope(long_campaign.location):
        series = period_series([long_campaign.pk], period)

    assert series.unit == MONTH and len(series.spans) == 32
    first, second, last = series.spans[0], series.spans[1], series.spans[-1]
    assert (first.start, first.end, first.label) == (
        date(2020, 6, 20),
        date(2020, 6, 30),
        "20–30 Jun 2020 (11 of 30 days)",
    )
    assert (first.partial, second.partial, last.partial) == (True, False, True)
    days = long_campaign.days
    assert first.totals == summed(days, date(2020, 6, 20), date(2020, 6, 30))
    assert first.totals != summed(days, date(2020, 6, 12), date(2020, 6, 30))
    assert second.totals == summed(days, date(2020, 7, 1), date(2020, 7, 31))
    assert (last.start, last.end, last.label) == (
        date(2023, 1, 1),
        date(2023, 1, 10),
        "1–10 Jan 2023 (10 of 31 days)",
    )
    assert last.totals == summed(days, date(2023, 1, 1), date(2023, 1, 10))
    everything = sum((s.totals for s in series.spans), Totals())
    assert everything == summed(days, period.start, period.end)


def test_about_200_days_give_iso_weeks_summing_their_days(client, sunrise_manager, long_campaign):
    # Thursday 2024-01-04 to Sunday 2024-07-21: a cut week, then 28 whole ISO weeks.
    query = "?period=custom&start=2024-01-04&end=2024-07-21"
    client.force_login(sunrise_manager)
    page = html.unescape(client.get(page_url("campaign", long_campaign, query)).content.decode())

    money = chart(page, "money-chart")
    assert len(money["labels"]) == 29
    assert money["labels"][:2] == ["Week of 1 Jan (4 of 7 days)", "Week of 8 Jan"]
    assert money["title"] == "Spend and revenue per week"
    days = long_campaign.days
    spend = [Decimal(str(v)) for v in money["datasets"][0]["data"]]
    # The cut week is drawn at its daily average × 7; the whole weeks as recorded.
    cut = summed(days, date(2024, 1, 4), date(2024, 1, 7)).spend
    assert spend[0] == half_up(cut * 7 / 4)
    assert spend[1] == summed(days, date(2024, 1, 8), date(2024, 1, 14)).spend
    assert sum(spend[1:]) == summed(days, date(2024, 1, 8), date(2024, 7, 21)).spend
    rows = table_rows(page, "daily-table")
    assert len(rows) == 29
    assert rows[0].startswith('<td>Jan 4 – Jan 7, 2024 <span class="muted">(4 of 7 days)</span>')
    assert f"${cut:,.2f}" in rows[0]


def test_weeks_across_new_year_stay_apart(long_campaign):
    # 2024-12-30 is the Monday of ISO week 1 of 2025; 2020-12-28 starts ISO week 53 of 2020.
    with scope(long_campaign.location):
        series = period_series([long_campaign.pk], Period(date(2020, 12, 28), date(2021, 4, 4)))
    assert series.unit == WEEK
    assert [(s.start, s.end) for s in series.spans[:2]] == [
        (date(2020, 12, 28), date(2021, 1, 3)),
        (date(2021, 1, 4), date(2021, 1, 10)),
    ]
    assert series.spans[0].label == "Week of 28 Dec"
    assert series.spans[0].totals == summed(
        long_campaign.days, date(2020, 12, 28), date(2021, 1, 3)
    )


def test_about_60_days_give_one_point_a_day_with_its_average(
    client, sunrise_manager, long_campaign
):
    query = "?period=custom&start=2024-03-01&end=2024-04-29"
    client.force_login(sunrise_manager)
    page = html.unescape(client.get(page_url("campaign", long_campaign, query)).content.decode())

    money = chart(page, "money-chart")
    assert len(money["labels"]) == 60 and money["labels"][:2] == ["1 Mar", "2 Mar"]
    assert [d["label"] for d in money["datasets"]] == [
        "Spend",
        "Spend, 7-day average",
        "Revenue",
        "Revenue, 7-day average",
    ]
    day = long_campaign.days[date(2024, 3, 2)]
    assert Decimal(str(money["datasets"][0]["data"][1])) == day.spend
    rows = table_rows(page, "daily-table")
    assert len(rows) == 60 and ">Correct</a>" in rows[0]


def test_months_without_days_are_zero_points(long_campaign):
    # Two and a half years before the campaign began: every month there, all zeros.
    with scope(long_campaign.location):
        series = period_series([long_campaign.pk], Period(date(2017, 1, 1), date(2019, 6, 30)))
    assert series.unit == MONTH and len(series.spans) == 30
    assert all(s.totals == Totals() for s in series.spans) and series.spans[0].label == "Jan 2017"


# --- the same points everywhere ------------------------------------------------------------------


def test_the_overview_and_the_emailed_report_use_the_same_months(
    client, sunrise_manager, long_campaign
):
    location = long_campaign.location
    query = f"?period=custom&start={START:%Y-%m-%d}&end={END:%Y-%m-%d}"
    client.force_login(sunrise_manager)
    detail = client.get(page_url("campaign", long_campaign, query)).context["series"]
    overview = client.get(reverse("campaigns:overview", args=[location.slug]) + query)
    emailed = report_context(location, Period(START, END), today=END)["daily"]

    assert detail.unit == MONTH
    assert overview.context["series"] == detail.spans == emailed


def test_the_cards_and_the_emailed_picture_name_months_not_days(
    client, sunrise_manager, long_campaign
):
    location = long_campaign.location
    query = f"?period=custom&start={START:%Y-%m-%d}&end={END:%Y-%m-%d}"
    client.force_login(sunrise_manager)
    page = client.get(reverse("campaigns:overview", args=[location.slug]) + query).content.decode()
    assert "month by month" in page and "day by day" not in page
    first = f"{MONTHS[START.month - 1]} {START.year}"
    assert f" in {first}," in page or f" in {START.day}" in page

    picture = report_images(report_context(location, Period(START, END), today=END))
    [trend] = [image for image in picture if image.cid.startswith("chart-daily")]
    assert trend.alt.startswith("Spend and revenue by month from ")


def test_a_span_under_half_its_bucket_is_left_off_the_line_but_kept_in_the_table():
    one_day = Span(WEEK, date(2026, 1, 4), date(2026, 1, 4), Totals(leads=34))
    half = Span(WEEK, date(2026, 1, 1), date(2026, 1, 4), Totals(leads=40))

    assert one_day.partial and not one_day.drawn
    assert one_day.plotted("leads") is None
    assert one_day.value("leads") == 34  # the table's sum
    assert half.drawn and half.plotted("leads") == Decimal("70.00")  # 40 in 4 days of 7
