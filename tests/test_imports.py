"""CSV import: reading ours, Google Ads and Meta exports; the preview; the all-or-nothing commit;
the upload, preview and commit pages; the import_metrics command."""

import codecs
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import imports, services
from campaigns.imports import ImportFileError, ImportRefused, parse_count, parse_day, parse_number
from campaigns.models import Campaign, DailyMetric
from campaigns.tenancy import scopes_disabled
from tests.factories import CampaignFactory, DailyMetricFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
HEADER = (
    "date,campaign,impressions,clicks,leads,qualified_leads,hot_leads,conversions,revenue,spend"
)
GOOGLE_CAMPAIGNS = ["Google Search — Buyers", "Google Display — Sellers"]
META_CAMPAIGNS = ["Neighborhood Facebook Ads", "Instagram Home Tours"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def staging(settings, tmp_path):
    settings.IMPORT_STAGING_DIR = tmp_path / "imports"
    return settings.IMPORT_STAGING_DIR


# --- Helpers ---------------------------------------------------------------------------------


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def parse(name_or_text: str | bytes) -> imports.ParsedFile:
    if isinstance(name_or_text, str) and name_or_text.endswith((".csv", ".bin")):
        return imports.parse_csv(sample(name_or_text))
    content = name_or_text if isinstance(name_or_text, bytes) else name_or_text.encode()
    return imports.parse_csv(content)


def plan(location, source) -> imports.ImportPlan:
    return imports.plan_import(location=location, parsed=parse(source))


def commit(location, source, **options) -> imports.ImportResult:
    return imports.commit_import(location=location, parsed=parse(source), **options)


def recorded(location=None) -> dict:
    """Every recorded day (of one location, or all): (campaign name, day) → numbers."""
    with scopes_disabled():
        rows = DailyMetric.objects.all()
        if location is not None:
            rows = rows.filter(location=location)
        return {
            (r["campaign__name"], r["date"]): {f: r[f] for f in DailyMetric.NUMBER_FIELDS}
            for r in rows.values("campaign__name", "date", *DailyMetric.NUMBER_FIELDS)
        }


def campaigns_of(location) -> list[str]:
    with scopes_disabled():
        return sorted(Campaign.objects.filter(location=location).values_list("name", flat=True))


def problems(plan_or_parsed) -> list[tuple[int, str, str]]:
    found = getattr(plan_or_parsed, "refused", None)
    if found is None:
        found = plan_or_parsed.problems
    return [(p.row, p.column, p.message) for p in found]


@pytest.fixture
def winter_email(sunrise):
    return CampaignFactory(
        location=sunrise,
        name="Winter Open House Email",
        channel="email",
        start_date=date(2026, 1, 1),
    )


@pytest.fixture
def google_campaigns(sunrise):
    return [
        CampaignFactory(location=sunrise, name=n, channel="paid_ads", start_date=date(2026, 1, 1))
        for n in GOOGLE_CAMPAIGNS
    ]


@pytest.fixture
def meta_campaigns(sunrise):
    return [
        CampaignFactory(location=sunrise, name=n, channel="social", start_date=date(2026, 1, 1))
        for n in META_CAMPAIGNS
    ]


# --- Cells -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "decimal_comma", "expected"),
    [
        ("1,234", False, "1234"),
        ("$1,234.56", False, "1234.56"),
        ("1234.5", False, "1234.5"),
        ("£12", False, "12"),
        (" 1,234,567.00 ", False, "1234567.00"),
        ("--", False, "0"),
        ("", False, "0"),
        ("1.234,56", True, "1234.56"),
        ("1.234", True, "1234"),
        ("412,75 €", True, "412.75"),
        ("€ 1.234.567,89", True, "1234567.89"),
        ("1 234,50", True, "1234.50"),
    ],
)
def test_numbers_are_read_with_thousands_separators_and_currency_symbols(
    text, decimal_comma, expected
):
    assert parse_number(text, decimal_comma=decimal_comma) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "decimal_comma"),
    [("lots", False), ("1,23", False), ("5%", False), ("1.2.3", False), ("12.50", True)],
)
def test_anything_else_is_not_a_number(text, decimal_comma):
    with pytest.raises(ValueError, match="is not a number"):
        parse_number(text, decimal_comma=decimal_comma)


def test_counts_take_googles_whole_decimals_and_refuse_fractions():
    assert parse_count("12.00", "conversions") == 12
    assert parse_count("1,234", "impressions") == 1234
    with pytest.raises(ValueError, match=r"“2\.5” is not a whole number.*not rounded"):
        parse_count("2.5", "conversions")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-05", date(2026, 1, 5)),
        ("2026/01/05", date(2026, 1, 5)),
        ("01/31/2026", date(2026, 1, 31)),
        ("01/02/2026", date(2026, 1, 2)),
        ("31.01.2026", date(2026, 1, 31)),
        ("Jan 5, 2026", date(2026, 1, 5)),
        ("January 5, 2026", date(2026, 1, 5)),
        ("Mon, Jan 5, 2026", date(2026, 1, 5)),
        ("5 Jan 2026", date(2026, 1, 5)),
        ("5 Sept 2026", date(2026, 9, 5)),
    ],
)
def test_days_are_read_in_the_formats_platforms_export(text, expected):
    assert parse_day(text) == expected


def test_an_ambiguous_day_is_us_month_first_unless_asked_for_day_first():
    assert parse_day("01/02/2026") == date(2026, 1, 2)
    assert parse_day("01/02/2026", day_first=True) == date(2026, 2, 1)
    for bad in ["2026-02-30", "13/13/2026", "Foo 5, 2026", "yesterday"]:
        with pytest.raises(ValueError, match="not a date"):
            parse_day(bad)


# --- Reading the sample files ----------------------------------------------------------------


def test_our_format_is_read_into_its_numbers():
    parsed = parse("ours.csv")

    assert parsed.platform == "ours"
    assert parsed.problems == ()
    assert [r.row for r in parsed.rows] == [2, 3, 4, 5, 6, 7]
    first = parsed.rows[0]
    assert (first.campaign, first.day) == ("January SMS Blast", date(2026, 1, 14))
    assert first.values == {
        "impressions": 2600,
        "clicks": 135,
        "leads": 32,
        "qualified_leads": 9,
        "hot_leads": 3,
        "conversions": 3,
        "revenue": Decimal("4650.00"),
        "spend": Decimal("1320.00"),
    }


def test_google_ads_export_is_read_past_its_title_lines_and_without_its_total_rows():
    parsed = parse("google_ads_daily.csv")

    assert parsed.platform == "google_ads"
    assert parsed.header.line == 3
    assert len(parsed.rows) == 14 and parsed.problems == ()
    first = parsed.rows[0]
    assert (first.row, first.campaign, first.day) == (4, "Google Search — Buyers", date(2026, 1, 5))
    assert first.values == {
        "impressions": 1234,  # "1,234"
        "clicks": 56,
        "spend": Decimal("1234.56"),  # "1,234.56"
        "conversions": 3,  # "3.00"
        "revenue": Decimal("1500.00"),  # "1,500.00"
    }
    assert dict(parsed.columns) == {
        "Day": "Day",
        "Campaign": "Campaign",
        "Impr.": "Impressions",
        "Clicks": "Clicks",
        "Cost": "Spend",
        "Conversions": "Conversions",
        "Conv. value": "Revenue",
    }
    assert parsed.header.not_imported == (("Currency code", "not needed"),)
    assert "Skipped 4 total rows (sums of rows)." in parsed.notes
    assert sum(r.values["spend"] for r in parsed.rows) == Decimal("9823.36")  # = Total: Account


def test_meta_export_reads_results_as_leads_only_where_the_result_is_a_lead():
    parsed = parse("meta_ads_daily.csv")

    assert parsed.platform == "meta"
    assert len(parsed.rows) == 14 and parsed.problems == ()
    lead_day, traffic_day = parsed.rows[0], parsed.rows[1]
    assert lead_day.campaign == "Neighborhood Facebook Ads"
    assert lead_day.values == {
        "impressions": 12450,
        "clicks": 187,
        "leads": 14,
        "conversions": 1,
        "revenue": Decimal("2400.00"),
        "spend": Decimal("180.04"),
    }
    assert traffic_day.campaign == "Instagram Home Tours"
    assert "leads" not in traffic_day.values  # its 143 results are link clicks
    assert traffic_day.values["clicks"] == 143
    assert traffic_day.values["spend"] == Decimal("95.20")
    not_imported = dict(parsed.header.not_imported)
    assert not_imported["Reach"] == "not needed"
    assert not_imported["Cost per results"] == "not needed"
    assert not_imported["Result indicator"] == "read: says what Results count"
    assert "Skipped Meta's summary row (all campaigns together)." in parsed.notes
    assert any("actions:link_click" in note for note in parsed.notes)


def test_semicolon_file_reads_decimal_commas_and_day_first_dates():
    parsed = parse("semicolon_decimal_comma.csv")

    assert parsed.delimiter == ";" and parsed.problems == ()
    assert [r.day for r in parsed.rows] == [date(2026, 1, d) for d in (15, 16, 17)]
    assert parsed.rows[0].values["impressions"] == 2400  # "2.400"
    assert parsed.rows[0].values["spend"] == Decimal("1250.50")  # "1.250,50"
    assert parsed.rows[1].values["revenue"] == Decimal("3000.00")  # "3.000,00 €"
    assert parsed.rows[2].values["revenue"] == Decimal("1500")  # "1.500"


def test_file_with_a_bom_capitalised_headers_and_written_out_dates():
    assert sample("ours_bom.csv").startswith(codecs.BOM_UTF8)
    parsed = parse("ours_bom.csv")

    assert parsed.platform == "ours" and parsed.encoding == "UTF-8"
    assert [r.day for r in parsed.rows] == [date(2026, 1, 15), date(2026, 1, 16)]
    assert parsed.rows[0].values["revenue"] == Decimal("4200.00")  # "$4,200.00"
    assert parsed.rows[0].values["impressions"] == 2400


def test_a_day_after_the_twelfth_makes_the_whole_file_day_first():
    parsed = parse("date,campaign,leads\n25/01/2026,A,1\n01/02/2026,A,2\n")

    assert [r.day for r in parsed.rows] == [date(2026, 1, 25), date(2026, 2, 1)]
    assert any("day first" in note for note in parsed.notes)


def test_ambiguous_days_are_month_first_and_the_preview_says_so():
    parsed = parse("date,campaign,leads\n01/02/2026,A,1\n")

    assert parsed.rows[0].day == date(2026, 1, 2)
    assert any("month first (US order" in note for note in parsed.notes)


def test_columns_that_cannot_be_mapped_are_listed_not_guessed():
    parsed = parse("Date,Campaign,Clicks,Favourite colour,Leeds\n2026-01-05,A,3,blue,4\n")

    assert parsed.rows[0].values == {"clicks": 3}
    assert parsed.header.not_imported == (
        ("Favourite colour", "not recognised"),
        ("Leeds", "not recognised"),
    )


def test_meta_results_without_a_result_indicator_are_not_imported():
    parsed = parse("Reporting starts,Campaign name,Results\n2026-01-05,A,14\n")

    assert parsed.rows[0].values == {}
    [(column, reason)] = parsed.header.not_imported
    assert column == "Results" and "unknown" in reason


def test_meta_row_over_several_days_is_refused():
    parsed = parse(
        "Reporting starts,Reporting ends,Campaign name,Impressions\n2026-01-01,2026-01-31,A,12000\n"
    )

    assert problems(parsed) == [
        (
            2,
            "Reporting ends",
            "The row covers 2026-01-01 to 2026-01-31: export one row per day "
            "(in Ads Manager, Breakdown → By time → Day).",
        )
    ]


def test_amount_spent_in_another_currency_is_read_and_noted(sunrise):
    text = 'Day,Campaign name,Amount spent (EUR)\n2026-01-05,A,"1,234.50"\n'

    assert parse(text).rows[0].values == {"spend": Decimal("1234.50")}
    assert any("amounts are in EUR" in n for n in plan(sunrise, text).notes)


def test_a_windows_1252_file_is_read_with_a_note():
    parsed = parse(f"{HEADER}\n2026-01-05,Café Ads,1,0,0,0,0,0,0,0\n".encode("cp1252"))

    assert parsed.rows[0].campaign == "Café Ads"
    assert parsed.encoding == "Windows-1252"
    assert any("not UTF-8" in note for note in parsed.notes)


def test_google_csv_for_excel_utf16_with_tabs_is_read():
    text = "Campaign report\nDay\tCampaign\tImpr.\n2026-01-05\tA\t1,234\n"
    parsed = parse(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))

    assert parsed.delimiter == "\t" and parsed.rows[0].values == {"impressions": 1234}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (sample("empty.csv"), "The file is empty."),
        (b"  \r\n\r\n", "The file is empty."),
        (sample("not_csv.bin"), "This is not a CSV file: it contains binary data."),
        (b"PK\x03\x04\x14\x00\x06\x00", "This is not a CSV file"),
        (b"Hello,world\nthis,is not a report\n", "No header row found"),
        (f"{HEADER}\n".encode(), "The file has a header row but no rows of data."),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_a_clear_message(content, message):
    with pytest.raises(ImportFileError) as error:
        imports.parse_csv(content)
    assert error.value.messages[0].startswith(message)


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportFileError, match=r"The file is 480 bytes; files up to 100 bytes"):
        parse("ours.csv")


# --- Preview ---------------------------------------------------------------------------------


def test_preview_sorts_rows_into_added_and_replaced_and_writes_nothing(
    reference_campaign, winter_email
):
    before = recorded()
    preview = plan(reference_campaign.location, "ours.csv")

    assert recorded() == before
    assert [(d.campaign_name, d.day) for d in preview.replaced] == [
        ("January SMS Blast", date(2026, 1, 14))
    ]
    assert preview.replaced[0].differences == [
        ("Impressions", "count", 2500, 2600),
        ("Clicks", "count", 130, 135),
        ("Leads", "count", 30, 32),
        ("Qualified leads", "count", 8, 9),
        ("Revenue", "money", Decimal("4500.00"), Decimal("4650.00")),
        ("Spend", "money", Decimal("1300.00"), Decimal("1320.00")),
    ]
    assert [d.row for d in preview.added] == [3, 4, 5, 6, 7]
    assert preview.refused == () and preview.missing == () and preview.can_commit
    assert preview.summary() == "6 rows: 5 added, 1 replaced, 0 unchanged, 0 refused."


def test_commit_writes_every_row_and_importing_again_changes_nothing(
    reference_campaign, winter_email
):
    sunrise = reference_campaign.location
    result = commit(sunrise, "ours.csv")

    assert result.message == "Imported 6 days: 5 added, 1 replaced."
    after = recorded(sunrise)
    assert after["January SMS Blast", date(2026, 1, 14)]["leads"] == 32
    assert after["January SMS Blast", date(2026, 1, 13)]["leads"] == 40  # not in the file
    assert after["Winter Open House Email", date(2026, 1, 17)]["spend"] == Decimal("50.00")
    assert len(after) == 8

    again = plan(sunrise, "ours.csv")
    assert (len(again.added), len(again.replaced), len(again.unchanged)) == (0, 0, 6)
    assert commit(sunrise, "ours.csv").message == (
        "Nothing to import: 6 days already recorded with these numbers."
    )
    assert recorded(sunrise) == after


def test_every_sample_format_imports_and_then_changes_nothing(
    reference_campaign, google_campaigns, meta_campaigns
):
    sunrise = reference_campaign.location
    for name in ["google_ads_daily.csv", "meta_ads_daily.csv", "semicolon_decimal_comma.csv"]:
        commit(sunrise, name)
        before = recorded(sunrise)
        again = plan(sunrise, name)
        assert again.to_write == 0 and len(again.unchanged) == len(again.source.rows), name
        commit(sunrise, name)
        assert recorded(sunrise) == before, name


def test_mixed_good_and_bad_rows_refuse_the_whole_file_with_row_column_and_reason(
    reference_campaign,
):
    sunrise = reference_campaign.location
    before = recorded()
    preview = plan(sunrise, "mixed_good_and_bad.csv")

    assert problems(preview) == [
        (3, "impressions", "“lots” is not a number: numbers are written 1,234.56 (or 1234.56)."),
        (4, "qualified_leads", "Qualified leads cannot exceed leads."),
        (5, "date", "2026-02-03 is after the campaign ended (2026-01-31)."),
        (6, "conversions", preview.refused[3].message),
        (
            7,
            "date",
            "“January SMS Blast” on 2026-01-15 is also on row 2: give each campaign's day once "
            "(export without a breakdown by ad set, ad or placement).",
        ),
        (8, "date", "“2026-01-32” is not a date in the calendar."),
    ]
    assert "not a whole number" in preview.refused[3].message
    assert preview.refused_rows == 6 and not preview.can_commit
    assert [d.row for d in preview.added] == [2, 9]  # good rows, still not written

    with pytest.raises(ImportRefused, match=r"6 rows of the file are refused, so nothing was"):
        commit(sunrise, "mixed_good_and_bad.csv")
    assert recorded() == before


def test_model_rules_apply_future_days_and_hot_leads(reference_campaign, winter_email):
    sunrise = reference_campaign.location
    tomorrow = sunrise.today() + timedelta(days=1)
    text = (
        f"{HEADER}\n"
        f"{tomorrow},Winter Open House Email,1,1,1,0,0,0,0,0\n"
        "2026-01-20,Winter Open House Email,1,1,5,2,3,0,0,0\n"
        "2025-12-31,Winter Open House Email,1,1,1,0,0,0,0,0\n"
        "2026-01-21,Winter Open House Email,1,1,1,0,0,0,0,-5\n"
    )

    refused = problems(plan(sunrise, text))

    assert refused == [
        (2, "date", f"{tomorrow} has not happened yet."),
        (3, "hot_leads", "Hot leads cannot exceed qualified leads."),
        (4, "date", "2025-12-31 is before the campaign started (2026-01-01)."),
        (5, "spend", "Ensure this value is greater than or equal to 0."),
    ]


def test_columns_the_file_lacks_keep_the_days_recorded_numbers(sunrise, google_campaigns):
    search = google_campaigns[0]
    DailyMetricFactory(campaign=search, date=date(2026, 1, 5), leads=9, qualified_leads=4)

    preview = plan(sunrise, "google_ads_daily.csv")
    [replaced] = preview.replaced
    assert [label for label, *_ in replaced.differences] == [
        "Impressions",
        "Clicks",
        "Conversions",
        "Revenue",
        "Spend",
    ]
    commit(sunrise, "google_ads_daily.csv")

    day = recorded(sunrise)["Google Search — Buyers", date(2026, 1, 5)]
    assert (day["leads"], day["qualified_leads"], day["hot_leads"]) == (9, 4, 1)
    assert (day["impressions"], day["spend"]) == (1234, Decimal("1234.56"))


def test_a_merged_day_still_obeys_the_models_rules(sunrise, meta_campaigns):
    ads = meta_campaigns[0]
    DailyMetricFactory(campaign=ads, date=date(2026, 1, 5), leads=40, qualified_leads=30)

    refused = problems(plan(sunrise, "meta_ads_daily.csv"))

    assert refused == [
        (
            3,
            "Qualified leads (recorded)",
            "Qualified leads cannot exceed leads. Qualified leads recorded for the day: 30.",
        )
    ]


def test_missing_campaigns_are_listed_and_refused_unless_created(sunrise):
    preview = plan(sunrise, "google_ads_daily.csv")

    assert [(m.name, m.first_day, len(m.rows)) for m in preview.missing] == [
        ("Google Display — Sellers", date(2026, 1, 5), 7),
        ("Google Search — Buyers", date(2026, 1, 5), 7),
    ]
    assert preview.missing[1].rows == (4, 6, 8, 10, 12, 14, 16)
    assert len(preview.pending) == 14 and preview.can_commit
    with pytest.raises(ImportRefused, match="2 campaigns not found"):
        commit(sunrise, "google_ads_daily.csv")
    assert campaigns_of(sunrise) == [] and recorded(sunrise) == {}

    result = commit(sunrise, "google_ads_daily.csv", create_missing=True)

    assert result.message.startswith("Imported 14 days: 14 added, 0 replaced. Created 2 campaigns")
    with scopes_disabled():
        created = Campaign.objects.get(location=sunrise, name="Google Search — Buyers")
    assert (created.channel, created.budget, created.start_date) == (
        "paid_ads",
        Decimal("0.00"),
        date(2026, 1, 5),
    )
    assert len(recorded(sunrise)) == 14


def test_campaigns_created_from_our_format_need_a_channel(sunrise):
    text = f"{HEADER}\n2026-01-05,Postcards,100,5,1,0,0,0,0,10.00\n"

    with pytest.raises(ImportRefused, match="Choose the channel"):
        commit(sunrise, text, create_missing=True)
    assert campaigns_of(sunrise) == []

    commit(sunrise, text, create_missing=True, channel="email")
    with scopes_disabled():
        assert Campaign.objects.get(location=sunrise, name="Postcards").channel == "email"


def test_a_missing_campaigns_rows_are_checked_before_it_is_created(sunrise):
    future = sunrise.today() + timedelta(days=3)
    text = f"{HEADER}\n2026-01-05,Postcards,1,1,1,0,0,0,0,0\n{future},Postcards,1,1,1,0,0,0,0,0\n"

    preview = plan(sunrise, text)

    assert problems(preview) == [(3, "date", f"{future} has not happened yet.")]
    with pytest.raises(ImportRefused):
        commit(sunrise, text, create_missing=True, channel="sms")
    assert campaigns_of(sunrise) == []


def test_campaigns_are_found_by_id_in_our_format(reference_campaign):
    sunrise = reference_campaign.location
    text = f"{HEADER}\n2026-01-20,{reference_campaign.pk},10,1,1,0,0,0,0,5.00\n"

    preview = plan(sunrise, text)

    assert [(d.campaign_name, d.day) for d in preview.added] == [
        ("January SMS Blast", date(2026, 1, 20))
    ]


def test_another_locations_campaign_is_not_found_by_name_or_id(sunrise, harbor):
    theirs = CampaignFactory(location=harbor, name="Harbor Reels", start_date=date(2026, 1, 1))
    harbor_before = recorded(harbor)
    text = (
        f"{HEADER}\n"
        f"2026-01-05,{theirs.pk},1,1,1,0,0,0,0,0\n"
        "2026-01-05,Harbor Reels,1,1,1,0,0,0,0,0\n"
    )

    preview = plan(sunrise, text)

    assert problems(preview) == [
        (
            2,
            "campaign",
            f"Campaign “{theirs.pk}” not found in Sunrise Realty: no campaign has this id or name.",
        )
    ]
    assert [m.name for m in preview.missing] == ["Harbor Reels"]
    with pytest.raises(ImportRefused):
        commit(sunrise, text, create_missing=True, channel="social")
    assert recorded(harbor) == harbor_before
    assert campaigns_of(sunrise) == []


def csv_for(campaigns, days: int) -> str:
    lines = [HEADER]
    for campaign in campaigns:
        for offset in range(days):
            day = date(2026, 1, 2) + timedelta(days=offset)
            lines.append(f"{day},{campaign.name},100,10,2,1,0,1,50.00,20.00")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("size", [5, 50])
def test_planning_takes_two_queries_whatever_the_number_of_rows_and_campaigns(
    sunrise, size, django_assert_num_queries
):
    campaigns = [
        CampaignFactory(location=sunrise, name=f"C{i}", start_date=date(2026, 1, 1))
        for i in range(size)
    ]
    for campaign in campaigns:
        DailyMetricFactory(campaign=campaign, date=date(2026, 1, 2))
    parsed = parse(csv_for(campaigns, days=2))

    with django_assert_num_queries(2):
        preview = imports.plan_import(location=sunrise, parsed=parsed)

    assert (len(preview.replaced), len(preview.added)) == (size, size)


def test_committing_writes_with_one_upsert_not_a_query_per_row(sunrise):
    counts = []
    for size in (5, 50):
        campaigns = [
            CampaignFactory(location=sunrise, name=f"S{size}-{i}", start_date=date(2026, 1, 1))
            for i in range(size)
        ]
        parsed = parse(csv_for(campaigns, days=2))
        with CaptureQueriesContext(connection) as queries:
            imports.commit_import(location=sunrise, parsed=parsed)
        counts.append(len(queries))
        assert len(recorded(sunrise)) == sum(2 * n for n in (5, 50)[: len(counts)])
    assert counts[0] == counts[1]


def test_exported_days_import_back_unchanged(client, sunrise_manager, reference_campaign):
    sunrise = reference_campaign.location
    client.force_login(sunrise_manager)
    before = recorded(sunrise)
    exported = client.get(reverse("campaigns:days_csv", args=[sunrise.slug, reference_campaign.pk]))
    assert exported.status_code == 200
    assert exported.content.decode().startswith(HEADER)

    preview = plan(sunrise, exported.content)

    assert (len(preview.unchanged), preview.to_write, preview.refused) == (3, 0, ())
    commit(sunrise, exported.content)
    assert recorded(sunrise) == before


def test_a_name_the_export_guarded_against_formulas_imports_back(sunrise):
    campaign = CampaignFactory(location=sunrise, name="=Promo", start_date=date(2026, 1, 1))
    text = f"{HEADER}\n2026-01-05,'=Promo,1,1,1,0,0,0,0,0\n"

    assert plan(sunrise, text).added[0].campaign == campaign


def test_an_import_and_a_service_write_agree(reference_campaign):
    """A day recorded through the services is replaced by the file's numbers."""
    sunrise = reference_campaign.location
    services.record_day(campaign=reference_campaign, day=date(2026, 1, 16), leads=1)

    commit(sunrise, "ours_bom.csv")

    assert recorded(sunrise)["January SMS Blast", date(2026, 1, 16)]["leads"] == 25


# --- Pages -----------------------------------------------------------------------------------


def upload(client, location, name_or_bytes, filename="export.csv"):
    content = sample(name_or_bytes) if isinstance(name_or_bytes, str) else name_or_bytes
    return client.post(
        reverse("campaigns:import", args=[location.slug]),
        {"file": SimpleUploadedFile(filename, content, content_type="text/csv")},
    )


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_upload_preview_and_commit_through_the_pages(
    client, sunrise_manager, reference_campaign, winter_email, staging
):
    sunrise = reference_campaign.location
    client.force_login(sunrise_manager)
    page = client.get(reverse("campaigns:import", args=[sunrise.slug]))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    assert reverse("campaigns:import_help", args=[sunrise.slug]) in page.content.decode()

    response = upload(client, sunrise, "ours.csv", "ours.csv")

    assert response.status_code == 302
    preview_url = response["Location"]
    token = preview_url.rstrip("/").rsplit("/", 1)[1]
    assert (staging / f"{token}.csv").read_bytes() == sample("ours.csv")
    preview = client.get(preview_url)
    text = text_of(preview)
    assert 'data-count="added">5<' in preview.content.decode()
    assert 'data-count="replaced">1<' in preview.content.decode()
    assert "Leads 30 → 32" in text and "Spend $1,300.00 → $1,320.00" in text
    assert "Commit import" in text
    assert recorded(sunrise)["January SMS Blast", date(2026, 1, 14)]["leads"] == 30

    done = client.post(preview_url, follow=True)

    assert done.redirect_chain[-1][0] == reverse("campaigns:campaigns", args=[sunrise.slug])
    assert "Imported 6 days: 5 added, 1 replaced." in text_of(done)
    assert recorded(sunrise)["January SMS Blast", date(2026, 1, 14)]["leads"] == 32
    assert list(staging.iterdir()) == []  # deleted after the commit
    again = client.get(preview_url, follow=True)
    assert "This upload has expired or was already imported." in text_of(again)


def test_preview_page_lists_refused_rows_and_offers_no_commit(
    client, sunrise_manager, reference_campaign
):
    client.force_login(sunrise_manager)
    response = upload(client, reference_campaign.location, "mixed_good_and_bad.csv")
    preview = client.get(response["Location"])
    text = text_of(preview)

    assert "6 rows of the file are refused, so nothing can be imported" in text
    assert "3 impressions “lots” is not a number" in text
    assert "Commit import" not in text and "Upload a corrected file" in text
    before = recorded()
    client.post(response["Location"])
    assert recorded() == before


def test_preview_page_lists_columns_not_imported(client, sunrise_manager, meta_campaigns):
    client.force_login(sunrise_manager)
    sunrise = meta_campaigns[0].location
    preview = client.get(upload(client, sunrise, "meta_ads_daily.csv")["Location"])
    text = text_of(preview)

    assert "read as Meta Ads Manager" in text
    assert "Reach not needed" in text and "Amount spent (USD) → Spend" in text


def test_missing_campaigns_are_created_on_request_or_the_import_refused(client, sunrise_manager):
    sunrise = sunrise_manager.memberships.get().location
    client.force_login(sunrise_manager)
    preview_url = upload(client, sunrise, "google_ads_daily.csv")["Location"]
    page = client.get(preview_url).content.decode()
    assert "Campaigns not found" in page and "Google Display — Sellers" in page
    assert '<option value="paid_ads" selected>' in page

    no_choice = client.post(preview_url)
    assert "2 campaigns not found" in text_of(no_choice)
    assert campaigns_of(sunrise) == []

    done = client.post(preview_url, {"missing": "create", "channel": "social"}, follow=True)
    assert "Imported 14 days: 14 added, 0 replaced. Created 2 campaigns" in text_of(done)
    with scopes_disabled():
        assert set(Campaign.objects.filter(location=sunrise).values_list("channel", flat=True)) == {
            "social"
        }


def test_refusing_missing_campaigns_writes_nothing(client, sunrise_manager):
    sunrise = sunrise_manager.memberships.get().location
    client.force_login(sunrise_manager)
    preview_url = upload(client, sunrise, "google_ads_daily.csv")["Location"]

    done = client.post(preview_url, {"missing": "refuse"}, follow=True)

    assert "Nothing was imported from export.csv." in text_of(done)
    assert campaigns_of(sunrise) == [] and recorded(sunrise) == {}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (sample("not_csv.bin"), "This is not a CSV file"),
        (b"", "The submitted file is empty."),
        (b"just some words\n", "No header row found"),
    ],
)
def test_upload_page_refuses_unreadable_files(client, sunrise_manager, content, message, staging):
    client.force_login(sunrise_manager)
    response = upload(client, sunrise_manager.memberships.get().location, content)

    assert response.status_code == 200
    assert message in text_of(response)
    assert not staging.exists() or list(staging.iterdir()) == []


def test_upload_page_refuses_files_over_the_limit(client, sunrise_manager, settings):
    settings.IMPORT_MAX_BYTES = 200
    client.force_login(sunrise_manager)
    response = upload(client, sunrise_manager.memberships.get().location, "ours.csv")

    assert "The file is 480 bytes; files up to 200 bytes can be imported." in text_of(response)


def test_viewers_may_not_import_and_other_locations_do_not_exist(
    client, sunrise, sunrise_viewer, harbor_manager, sunrise_manager
):
    url = reverse("campaigns:import", args=[sunrise.slug])
    client.force_login(sunrise_viewer)
    assert client.get(url).status_code == 403
    assert upload(client, sunrise, "ours.csv").status_code == 403
    assert client.get(reverse("campaigns:import_help", args=[sunrise.slug])).status_code == 200

    client.force_login(harbor_manager)
    assert client.get(url).status_code == 404
    assert upload(client, sunrise, "ours.csv").status_code == 404
    assert client.get(reverse("campaigns:import_help", args=[sunrise.slug])).status_code == 404

    client.force_login(sunrise_manager)
    preview_url = upload(client, sunrise, "ours.csv")["Location"]
    client.force_login(harbor_manager)
    assert client.post(preview_url).status_code == 404
    client.force_login(sunrise_viewer)
    assert client.post(preview_url).status_code == 403


def test_a_staged_upload_belongs_to_its_uploader(client, sunrise, sunrise_manager):
    from tests.factories import MembershipFactory, UserFactory

    other = MembershipFactory(user=UserFactory(username="other-manager"), location=sunrise).user
    client.force_login(sunrise_manager)
    preview_url = upload(client, sunrise, "ours.csv")["Location"]

    client.force_login(other)
    response = client.post(preview_url, follow=True)

    assert "This upload has expired or was already imported." in text_of(response)
    client.force_login(sunrise_manager)
    for token in ["help-me", "x" * 32, "..%2F..%2Fetc"]:
        response = client.get(f"/l/{sunrise.slug}/import/{token}/")
        assert response.status_code in (302, 404)


def test_old_staged_uploads_expire(client, sunrise_manager, staging):
    import os
    import time

    sunrise = sunrise_manager.memberships.get().location
    client.force_login(sunrise_manager)
    preview_url = upload(client, sunrise, "ours.csv")["Location"]
    two_days_ago = time.time() - 2 * 24 * 3600
    for item in staging.iterdir():
        os.utime(item, (two_days_ago, two_days_ago))

    assert "has expired" in text_of(client.get(preview_url, follow=True))
    assert list(staging.iterdir()) == []


def test_help_page_maps_each_platforms_columns_and_states_attribution(client, sunrise_viewer):
    client.force_login(sunrise_viewer)
    response = client.get(reverse("campaigns:import_help", args=["sunrise-realty"]))
    text = text_of(response)

    assert response.status_code == 200
    assert "as reported by the platform" in text
    for name in ["Impr.", "Conv. value", "Amount spent (USD)", "Link clicks", "Reporting starts"]:
        assert name in text
    assert "Up to 20.0 MB per file." in text
    assert "01/02/2026" in text and "month first" in text
    assert "Import a file" not in text  # viewers cannot import


def test_managers_see_the_import_link_and_viewers_do_not(client, sunrise_manager, sunrise_viewer):
    url = reverse("campaigns:campaigns", args=["sunrise-realty"])
    link = f'href="{reverse("campaigns:import", args=["sunrise-realty"])}"'
    client.force_login(sunrise_manager)
    assert link in client.get(url).content.decode()
    client.force_login(sunrise_viewer)
    assert link not in client.get(url).content.decode()


# --- Command ---------------------------------------------------------------------------------


def test_command_dry_run_prints_the_preview_and_writes_nothing(
    reference_campaign, winter_email, capsys
):
    before = recorded()
    call_command("import_metrics", "sunrise-realty", str(DATA / "ours.csv"), "--dry-run")
    out = capsys.readouterr().out

    assert "6 rows: 5 added, 1 replaced, 0 unchanged, 0 refused." in out
    assert "replace row 2: January SMS Blast 2026-01-14: Impressions 2500 → 2600" in out
    assert "Dry run: nothing was written." in out
    assert recorded() == before


def test_command_imports_and_a_second_run_changes_nothing(reference_campaign, winter_email, capsys):
    call_command("import_metrics", "sunrise-realty", str(DATA / "ours.csv"))
    assert "Imported 6 days: 5 added, 1 replaced." in capsys.readouterr().out
    after = recorded()

    call_command("import_metrics", "sunrise-realty", str(DATA / "ours.csv"))

    assert "Nothing to import: 6 days already recorded" in capsys.readouterr().out
    assert recorded() == after


def test_command_refuses_bad_rows_with_a_non_zero_exit(reference_campaign, capsys):
    before = recorded()
    with pytest.raises(CommandError, match=r"6 row\(s\) refused .*nothing was imported"):
        call_command("import_metrics", "sunrise-realty", str(DATA / "mixed_good_and_bad.csv"))

    out = capsys.readouterr().out
    assert "refused row 3, impressions: “lots” is not a number" in out
    assert recorded() == before


def test_command_refuses_missing_campaigns_unless_told_to_create_them(sunrise, capsys):
    path = str(DATA / "meta_ads_daily.csv")
    with pytest.raises(CommandError, match="Campaigns not found in Sunrise Realty"):
        call_command("import_metrics", "sunrise-realty", path)
    assert campaigns_of(sunrise) == []

    call_command("import_metrics", "sunrise-realty", path, "--create-missing")

    assert campaigns_of(sunrise) == sorted(META_CAMPAIGNS)
    with scopes_disabled():
        assert set(Campaign.objects.values_list("channel", flat=True)) == {"social"}


def test_command_needs_a_channel_to_create_campaigns_from_our_format(sunrise, tmp_path):
    path = tmp_path / "new.csv"
    path.write_text(f"{HEADER}\n2026-01-05,Postcards,1,1,1,0,0,0,0,0\n")

    with pytest.raises(CommandError, match="--channel"):
        call_command("import_metrics", "sunrise-realty", str(path), "--create-missing")
    call_command(
        "import_metrics", "sunrise-realty", str(path), "--create-missing", "--channel", "email"
    )
    assert campaigns_of(sunrise) == ["Postcards"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere", str(DATA / "ours.csv")], "No location with slug “nowhere”."),
        (["sunrise-realty", str(DATA / "missing.csv")], "Cannot read"),
        (["sunrise-realty", str(DATA / "not_csv.bin")], "This is not a CSV file"),
        (["sunrise-realty", str(DATA / "empty.csv")], "The file is empty."),
    ],
)
def test_command_errors_are_clear(sunrise, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("import_metrics", *args)


def test_command_refuses_files_over_the_limit(sunrise, settings):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(CommandError, match="files up to 100 bytes"):
        call_command("import_metrics", "sunrise-realty", str(DATA / "ours.csv"))


def test_a_name_that_differs_only_in_case_is_not_matched_but_suggested(reference_campaign):
    text = f"{HEADER}\n2026-01-20,january sms blast,1,1,1,0,0,0,0,0\n"

    [missing] = plan(reference_campaign.location, text).missing

    assert (missing.name, missing.similar) == ("january sms blast", "January SMS Blast")


def test_names_with_accents_match_exactly(sunrise):
    campaign = CampaignFactory(location=sunrise, name="Über Café Ads", start_date=date(2026, 1, 1))
    text = f"{HEADER}\n2026-01-20,Über Café Ads,1,1,1,0,0,0,0,0\n"

    assert plan(sunrise, text).added[0].campaign == campaign
