"""Exports as agencies download them (issue 12, item 3): reports broken down by ad set or device
summed into days, rows over several days and weekly reports refused with how to export by day,
campaigns matched by the platform's campaign ID, headers of the platforms' Spanish, French,
German and Portuguese interfaces, and legacy encodings."""

import codecs
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns import imports
from campaigns.imports import ImportFileError
from campaigns.imports.preview import Preview
from campaigns.models import Campaign, DailyMetric
from campaigns.tenancy import scope, scopes_disabled
from tests.factories import CampaignFactory, DailyMetricFactory, UserFactory
from tests.test_admin import CAMPAIGNS, campaign_form_data, change_form_data

pytestmark = pytest.mark.django_db

#: A Meta Ads Manager export broken down by ad set, with its summary row, as downloaded.
META_AD_SETS = """\
Reporting starts,Reporting ends,Campaign name,Campaign ID,Ad set name,Results,Result indicator,Reach,Frequency,Impressions,Amount spent (USD),Link clicks,Purchases,Purchase conversion value
2026-03-02,2026-03-03,,,,,,14020,1.95,27391,430.02,522,2,2950.00
2026-03-02,2026-03-02,Neighborhood Facebook Ads,120210000000000001,Buyers 25-44,6,actions:onsite_conversion.lead_grouped,3100,1.21,3750,60.15,71,1,1200.00
2026-03-02,2026-03-02,Neighborhood Facebook Ads,120210000000000001,Sellers 45+,4,actions:onsite_conversion.lead_grouped,2200,1.10,2420,41.30,38,,
2026-03-02,2026-03-02,Neighborhood Facebook Ads,120210000000000001,Retargeting,2,actions:onsite_conversion.lead_grouped,900,2.05,1845,22.07,19,0,0
2026-03-03,2026-03-03,Neighborhood Facebook Ads,120210000000000001,Buyers 25-44,5,actions:onsite_conversion.lead_grouped,3300,1.18,3894,58.99,66,1,1750.00
2026-03-03,2026-03-03,Neighborhood Facebook Ads,120210000000000001,Sellers 45+,3,actions:onsite_conversion.lead_grouped,2010,1.12,2251,39.01,35,,
2026-03-02,2026-03-02,Instagram Home Tours,120210000000000002,Reels,88,actions:link_click,4100,1.30,5330,50.10,88,,
2026-03-02,2026-03-02,Instagram Home Tours,120210000000000002,Stories,41,actions:link_click,1650,1.20,1980,30.05,41,,
"""  # noqa: E501

#: A Google Ads campaign report segmented by device, with its title lines and total rows.
GOOGLE_DEVICES = """\
Campaign report
"March 2, 2026 - March 3, 2026"
Day,Campaign,Campaign ID,Device,Currency code,Impr.,Clicks,Cost,Conversions,Conv. value
2026-03-02,Google Search — Buyers,20123456789,Computers,USD,"1,204",31,412.50,2.00,"1,000.00"
2026-03-02,Google Search — Buyers,20123456789,Mobile phones,USD,"2,310",57,588.25,1.00,500.00
2026-03-02,Google Search — Buyers,20123456789,Tablets,USD,190,4,35.10,0.00,0.00
2026-03-03,Google Search — Buyers,20123456789,Computers,USD,"1,118",29,398.75,1.00,500.00
2026-03-03,Google Search — Buyers,20123456789,Mobile phones,USD,"2,402",60,601.30,0.00,0.00
Total: Campaign,,,,,"7,224",181,"2,035.90",4.00,"2,000.00"
Total: Account,,,,,"7,224",181,"2,035.90",4.00,"2,000.00"
""".replace("\n", "\r\n")

#: A Meta export from the Spanish interface, saved by Excel on Windows: Windows-1252, decimal
#: commas in a comma-separated file (quoted), day-first dates.
SPANISH_META = (
    "Inicio del informe,Fin del informe,Nombre de la campaña,ID de la campaña,Resultados,"
    "Indicador de resultado,Alcance,Frecuencia,Impresiones,Importe gastado (EUR),"
    "Clics en el enlace,Compras,Valor de conversión de compras\r\n"
    "15/03/2026,15/03/2026,Campaña Año Nuevo – Sevilla,120219999000000001,14,"
    'actions:onsite_conversion.lead_grouped,"3.400","1,21","4.120","187,45",96,1,"2.350,00"\r\n'
    "16/03/2026,16/03/2026,Campaña Año Nuevo – Sevilla,120219999000000001,9,"
    'actions:onsite_conversion.lead_grouped,"2.950","1,18","3.481","162,30",81,0,"0,00"\r\n'
    "15/03/2026,15/03/2026,Pisos en Málaga,120219999000000002,57,"
    'actions:link_click,"1.200","1,50","1.800","48,05",57,0,"0,00"\r\n'
).encode("cp1252")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def parse(content: str | bytes) -> imports.ParsedFile:
    return imports.parse_csv(content.encode() if isinstance(content, str) else content)


def commit(location, parsed, **options):
    return imports.commit_import(location=location, parsed=parsed, **options)


def stored(location) -> dict:
    """(campaign name, day) → the day's numbers, as stored."""
    with scopes_disabled():
        rows = DailyMetric.objects.filter(location=location).values(
            "campaign__name", "date", *DailyMetric.NUMBER_FIELDS
        )
        return {
            (r["campaign__name"], r["date"]): {f: r[f] for f in DailyMetric.NUMBER_FIELDS}
            for r in rows
        }


def day(impressions, clicks, leads, conversions, revenue, spend):
    return {
        "impressions": impressions,
        "clicks": clicks,
        "leads": leads,
        "qualified_leads": 0,
        "hot_leads": 0,
        "conversions": conversions,
        "revenue": Decimal(revenue),
        "spend": Decimal(spend),
    }


def campaign(location, name, **fields):
    return CampaignFactory(
        location=location, name=name, channel="social", start_date=date(2026, 1, 1), **fields
    )


# --- Breakdowns ------------------------------------------------------------------------------


def test_a_meta_export_by_ad_set_imports_its_rows_summed_into_days(sunrise):
    for name in ("Neighborhood Facebook Ads", "Instagram Home Tours"):
        campaign(sunrise, name)
    parsed = parse(META_AD_SETS)

    plan = imports.plan_import(location=sunrise, parsed=parsed)
    preview = Preview.from_json(Preview.of(plan).to_json())
    commit(sunrise, parsed)

    note = (
        "7 rows of ad sets summed into 3 days (one per campaign and day; reach and frequency "
        "are not imported)."
    )
    assert note in preview.notes
    assert preview.summary == "7 rows: 3 added, 0 replaced, 0 unchanged, 0 refused."
    assert [(d["row"], d["campaign_name"], d["day"]) for d in preview.new_days] == [
        (3, "Neighborhood Facebook Ads", date(2026, 3, 2)),
        (6, "Neighborhood Facebook Ads", date(2026, 3, 3)),
        (8, "Instagram Home Tours", date(2026, 3, 2)),
    ]
    assert dict(parsed.header.not_imported)["Ad set name"] == (
        "read: the rows of a campaign's day are summed"
    )
    # Reach (3,100 + 2,200 + 900) and frequency are not summed into anything.
    assert stored(sunrise) == {
        ("Neighborhood Facebook Ads", date(2026, 3, 2)): day(
            3750 + 2420 + 1845, 71 + 38 + 19, 6 + 4 + 2, 1, "1200.00", "123.52"
        ),
        ("Neighborhood Facebook Ads", date(2026, 3, 3)): day(
            3894 + 2251, 66 + 35, 5 + 3, 1, "1750.00", "98.00"
        ),
        # Its results are link clicks, not leads: no leads imported.
        ("Instagram Home Tours", date(2026, 3, 2)): day(5330 + 1980, 88 + 41, 0, 0, "0", "80.15"),
    }


def test_the_preview_page_says_which_rows_were_summed(
    client, sunrise, sunrise_manager, settings, tmp_path
):
    settings.IMPORT_STAGING_DIR = tmp_path / "imports"
    for name in ("Neighborhood Facebook Ads", "Instagram Home Tours"):
        campaign(sunrise, name)
    client.force_login(sunrise_manager)

    response = client.post(
        reverse("campaigns:import", args=["sunrise-realty"]),
        {"file": SimpleUploadedFile("ad-sets.csv", META_AD_SETS.encode(), "text/csv")},
        follow=True,
    )

    page = response.content.decode()
    assert "7 rows of ad sets summed into 3 days" in page
    assert 'data-count="added">3<' in page


def test_a_google_ads_export_by_device_imports_its_rows_summed_into_days(sunrise):
    CampaignFactory(location=sunrise, name="Google Search — Buyers", start_date=date(2026, 1, 1))
    parsed = parse(GOOGLE_DEVICES)

    plan = imports.plan_import(location=sunrise, parsed=parsed)
    result = commit(sunrise, parsed)

    assert "5 rows of devices summed into 2 days" in " ".join(plan.notes)
    assert "Skipped 2 total rows (sums of rows)." in plan.notes
    assert (result.added, result.replaced) == (2, 0)
    assert stored(sunrise) == {
        ("Google Search — Buyers", date(2026, 3, 2)): day(
            1204 + 2310 + 190, 31 + 57 + 4, 0, 3, "1500.00", "1035.85"
        ),
        ("Google Search — Buyers", date(2026, 3, 3)): day(
            1118 + 2402, 29 + 60, 0, 1, "500.00", "1000.05"
        ),
    }
    # The sums are exact: they equal the export's own Total row.
    total = sum(d["spend"] for d in stored(sunrise).values())
    assert total == Decimal("2035.90")


def test_rows_summed_are_several_breakdowns_at_once_and_keep_their_first_row_number(sunrise):
    campaign(sunrise, "A")
    parsed = parse(
        "Day,Campaign name,Ad set name,Placement,Impressions,Amount spent (EUR)\n"
        "2026-03-02,A,One,Feed,10,1.10\n"
        "2026-03-02,A,One,Stories,20,2.20\n"
        "2026-03-02,A,Two,Feed,30,3.30\n"
        "2026-03-02,A,Two,Stories,12 views,0\n"
        "2026-03-03,A,One,Feed,7,0.70\n"
    )

    plan = imports.plan_import(location=sunrise, parsed=parsed)

    assert plan.notes[0].startswith("4 rows of ad sets and placements summed into 2 days")
    # A row refused keeps its own row number; a summed day is numbered by its first row.
    assert [(p.row, p.column) for p in plan.refused] == [(5, "Impressions")]
    assert [(r.row, r.values) for r in parsed.rows] == [
        (2, {"impressions": 60, "spend": Decimal("6.60")}),
        (6, {"impressions": 7, "spend": Decimal("0.70")}),
    ]


def test_a_file_without_a_breakdown_column_still_refuses_a_duplicated_day(sunrise):
    campaign(sunrise, "A")
    parsed = parse(
        "Reporting starts,Reporting ends,Campaign name,Impressions\n"
        "2026-03-02,2026-03-02,A,100\n"
        "2026-03-02,2026-03-02,A,200\n"
    )

    plan = imports.plan_import(location=sunrise, parsed=parsed)

    assert [(p.row, p.message) for p in plan.refused] == [
        (
            3,
            "“A” on 2026-03-02 is also on row 2: give each campaign's day once (export "
            "without a breakdown by ad set, ad or placement).",
        )
    ]
    assert not any("summed" in note for note in plan.notes)
    with pytest.raises(imports.ImportRefused):
        commit(sunrise, parsed)
    assert stored(sunrise) == {}


# --- Rows over several days ------------------------------------------------------------------


def test_a_meta_row_over_several_days_is_refused_with_how_to_export_by_day(sunrise):
    campaign(sunrise, "A")
    parsed = parse(
        "Inicio del informe,Fin del informe,Nombre de la campaña,Ad set name,Impresiones\n"
        "2026-03-02,2026-03-02,A,One,100\n"
        "2026-03-02,2026-03-08,A,Two,700\n"
    )

    plan = imports.plan_import(location=sunrise, parsed=parsed)

    assert [(p.row, p.column, p.message) for p in plan.refused] == [
        (
            3,
            "Fin del informe",
            "The row covers 2026-03-02 to 2026-03-08: export one row per day (in Ads Manager, "
            "Breakdown → By time → Day).",
        )
    ]


@pytest.mark.parametrize(
    ("column", "length"),
    [("Week", "week"), ("Month", "month"), ("Semana", "week"), ("Monat", "month")],
)
def test_a_weekly_or_monthly_google_ads_report_is_refused_with_how_to_export_by_day(column, length):
    content = (
        "Campaign report\n"
        '"March 2, 2026 - March 29, 2026"\n'
        f"{column},Campaign,Impr.,Clicks,Cost\n"
        '2026-03-02,Google Search — Buyers,"5,210",120,900.00\n'
    )

    with pytest.raises(ImportFileError) as error:
        parse(content)

    message = error.value.messages[0]
    assert message.startswith(
        f"The report has one row per campaign and {length} (its “{column}” column), not per day"
    )
    assert "in Google Ads, Segment → Time → Day" in message
    assert "Breakdown → By time → Day" in message


# --- Campaign IDs ----------------------------------------------------------------------------


def test_rows_match_the_campaign_that_stores_their_meta_campaign_id_whatever_its_name(
    sunrise, harbor
):
    campaign(sunrise, "Spring — Neighborhood", meta_id="120210000000000001")
    # Google's IDs are another platform's, and another location's campaigns are never matched.
    campaign(sunrise, "Tours on Google", google_ads_id="120210000000000002")
    campaign(harbor, "Harbor Tours", meta_id="120210000000000002")
    campaign(sunrise, "Instagram Home Tours")
    parsed = parse(META_AD_SETS)

    plan = imports.plan_import(location=sunrise, parsed=parsed)
    commit(sunrise, parsed)

    assert plan.missing == ()
    assert [d.campaign_name for d in plan.added] == [
        "Spring — Neighborhood",
        "Spring — Neighborhood",
        "Instagram Home Tours",
    ]
    assert set(stored(sunrise)) == {
        ("Spring — Neighborhood", date(2026, 3, 2)),
        ("Spring — Neighborhood", date(2026, 3, 3)),
        ("Instagram Home Tours", date(2026, 3, 2)),
    }
    assert stored(sunrise)["Spring — Neighborhood", date(2026, 3, 2)]["leads"] == 12


def test_a_campaign_the_import_creates_stores_the_files_campaign_id(sunrise):
    campaign(sunrise, "Neighborhood Facebook Ads", meta_id="120210000000000001")
    parsed = parse(META_AD_SETS)

    commit(sunrise, parsed, create_missing=True, channel="social")

    with scopes_disabled():
        created = Campaign.objects.get(location=sunrise, name="Instagram Home Tours")
    assert (created.meta_id, created.google_ads_id) == ("120210000000000002", "")
    # The next export matches it by the ID, whatever its name becomes.
    with scope(sunrise):
        Campaign.objects.filter(pk=created.pk).update(name="IG Tours (renamed)")
    plan = imports.plan_import(location=sunrise, parsed=parse(META_AD_SETS))
    assert plan.missing == ()
    assert {d.campaign.name for d in plan.unchanged} == {
        "Neighborhood Facebook Ads",
        "IG Tours (renamed)",
    }


def test_the_commit_plans_again_when_a_campaign_id_changed_after_planning(sunrise):
    moved = campaign(sunrise, "Old", meta_id="77")
    target = campaign(sunrise, "Target")
    parsed = parse("Day,Campaign name,Campaign ID,Impressions\n2026-03-02,Other,77,5\n")
    plan = imports.plan_import(location=sunrise, parsed=parsed)
    assert plan.state.unchanged(sunrise)

    with scopes_disabled():
        Campaign.objects.filter(pk=moved.pk).update(meta_id="")
        Campaign.objects.filter(pk=target.pk).update(meta_id="77")

    assert not plan.state.unchanged(sunrise)
    commit(sunrise, parsed)
    assert set(stored(sunrise)) == {("Target", date(2026, 3, 2))}


def edit_url(campaign) -> str:
    return reverse("campaigns:edit", args=[campaign.location.slug, campaign.pk])


def test_the_campaign_form_sets_the_platform_ids(client, sunrise, sunrise_manager):
    target = campaign(sunrise, "Neighborhood Facebook Ads")
    client.force_login(sunrise_manager)
    page = client.get(edit_url(target)).content.decode()
    assert 'name="google_ads_id"' in page and 'name="meta_id"' in page

    response = client.post(
        edit_url(target),
        {
            "name": "Neighborhood Facebook Ads",
            "channel": "social",
            "status": "active",
            "budget": "1000.00",
            "start_date": "2026-01-01",
            "google_ads_id": " 20123456789 ",
            "meta_id": "120210000000000001",
        },
    )

    assert response.status_code == 302
    with scopes_disabled():
        target.refresh_from_db()
    assert (target.google_ads_id, target.meta_id) == ("20123456789", "120210000000000001")


def test_the_campaign_form_refuses_an_id_another_campaign_of_the_location_has(
    client, sunrise, harbor, sunrise_manager
):
    campaign(sunrise, "Holder", meta_id="555")
    campaign(harbor, "Elsewhere", google_ads_id="777")  # another location: not taken here
    target = campaign(sunrise, "Target")
    client.force_login(sunrise_manager)
    data = {
        "name": "Target",
        "channel": "social",
        "status": "active",
        "budget": "1000.00",
        "start_date": "2026-01-01",
        "google_ads_id": "777",
        "meta_id": "555",
    }

    edited = client.post(edit_url(target), data)
    created = client.post(
        reverse("campaigns:new", args=["sunrise-realty"]), {**data, "name": "Brand New"}
    )

    message = (
        "“Holder” already has this Meta campaign ID: an ID can belong to one campaign of the "
        "location only. Remove it there first."
    )
    for response in (edited, created):
        assert response.status_code == 200
        assert response.context["form"].errors == {"meta_id": [message]}
    with scopes_disabled():
        target.refresh_from_db()
        assert target.meta_id == ""
        assert not Campaign.objects.filter(name="Brand New").exists()


def test_the_admin_edits_the_platform_ids_and_refuses_a_taken_one(client, sunrise):
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    campaign(sunrise, "Holder", google_ads_id="20123456789")
    target = campaign(sunrise, "Target")
    client.force_login(superuser)
    url = f"{CAMPAIGNS}{target.pk}/change/"
    page = client.get(url)
    assert "Platform campaign IDs" in page.content.decode()

    data = change_form_data(page)
    saved = client.post(url, {**data, "meta_id": "120210000000000009"})
    taken = client.post(url, {**data, "google_ads_id": "20123456789"})
    added = client.post(
        f"{CAMPAIGNS}add/", campaign_form_data(sunrise, google_ads_id="20123456789")
    )

    assert saved.status_code == 302
    with scopes_disabled():
        target.refresh_from_db()
    assert (target.google_ads_id, target.meta_id) == ("", "120210000000000009")
    message = (
        "“Holder” already has this Google Ads campaign ID: an ID can belong to one campaign "
        "of the location only. Remove it there first."
    )
    for response in (taken, added):
        assert response.status_code == 200
        form = response.context["adminform"].form
        assert form.errors == {"google_ads_id": [message]}


# --- Other languages -------------------------------------------------------------------------


def test_a_spanish_meta_export_in_windows_1252_with_decimal_commas_imports(sunrise):
    campaign(sunrise, "Campaña Año Nuevo – Sevilla")
    content = SPANISH_META
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    parsed = imports.parse_csv(content)

    result = commit(sunrise, parsed, create_missing=True)

    assert (parsed.platform, parsed.encoding, parsed.delimiter) == ("meta", "Windows-1252", ",")
    assert any("decimal comma" in note for note in parsed.notes)
    assert result.created == ("Pisos en Málaga",)
    assert stored(sunrise) == {
        # "4.120" impressions, "187,45" EUR, "2.350,00" of purchases; 15/03/2026 day first.
        ("Campaña Año Nuevo – Sevilla", date(2026, 3, 15)): day(
            4120, 96, 14, 1, "2350.00", "187.45"
        ),
        ("Campaña Año Nuevo – Sevilla", date(2026, 3, 16)): day(3481, 81, 9, 0, "0.00", "162.30"),
        # Its Resultados are link clicks: no leads.
        ("Pisos en Málaga", date(2026, 3, 15)): day(1800, 57, 0, 0, "0.00", "48.05"),
    }


LOCALIZED = {
    "fr": (
        "Jour,Campagne,Impr.,Clics,Coût,Conversions,Valeur de conv.",
        "Début des rapports,Fin des rapports,Nom de la campagne,Impressions,"
        "Montant dépensé (EUR),Clics sur un lien,Achats,Valeur de conversion des achats",
    ),
    "de": (
        "Tag,Kampagne,Impr.,Klicks,Kosten,Conversions,Conv.-Wert",
        "Berichtsbeginn,Berichtsende,Kampagnenname,Impressionen,Ausgegebener Betrag (EUR),"
        "Link-Klicks,Käufe,Conversion-Wert für Käufe",
    ),
    "pt": (
        "Dia,Campanha,Impr.,Cliques,Custo,Conversões,Valor de conv.",
        "Início dos relatórios,Término dos relatórios,Nome da campanha,Impressões,"
        "Valor usado (BRL),Cliques no link,Compras,Valor de conversão da compra",
    ),
    "es": (
        "Día,Campaña,Impr.,Clics,Coste,Conversiones,Valor de conversión",
        "Inicio del informe,Fin del informe,Nombre de la campaña,Impresiones,"
        "Importe gastado (EUR),Clics en el enlace,Compras,Valor de conversión de compras",
    ),
}
OUR_FIELDS = [
    "Day",
    "Campaign",
    "Impressions",
    "Clicks",
    "Conversions",
    "Revenue",
    "Spend",
]


@pytest.mark.parametrize("language", LOCALIZED)
def test_google_ads_headers_in_other_languages_are_mapped(language):
    header = LOCALIZED[language][0]
    parsed = parse(f'{header}\n2026-03-02,A,"1.234",56,"1.234,56","3,00","150,50"\n')

    assert parsed.platform == "google_ads"
    assert sorted(label for _, label in parsed.columns) == sorted(OUR_FIELDS)
    assert parsed.header.not_imported == ()
    assert parsed.rows[0].values == {
        "impressions": 1234,
        "clicks": 56,
        "conversions": 3,
        "revenue": Decimal("150.50"),
        "spend": Decimal("1234.56"),
    }


@pytest.mark.parametrize("language", LOCALIZED)
def test_meta_headers_in_other_languages_are_mapped(language):
    header = LOCALIZED[language][1]
    parsed = parse(f'{header}\n2026-03-02,2026-03-02,A,1200,"45,10",31,1,"99,90"\n')

    assert parsed.platform == "meta"
    assert sorted(label for _, label in parsed.columns) == sorted(OUR_FIELDS)
    assert [why for _, why in parsed.header.not_imported] == [
        "read: checks that each row is one day"
    ]
    assert parsed.header.currency in ("EUR", "BRL")
    assert parsed.rows[0].values == {
        "impressions": 1200,
        "clicks": 31,
        "conversions": 1,
        "revenue": Decimal("99.90"),
        "spend": Decimal("45.10"),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 de marzo de 2026", date(2026, 3, 15)),
        ("15 mars 2026", date(2026, 3, 15)),
        ("15. März 2026", date(2026, 3, 15)),
        ("1 de set. de 2026", date(2026, 9, 1)),
        ("3 févr. 2026", date(2026, 2, 3)),
        ("dic 24, 2026", date(2026, 12, 24)),
    ],
)
def test_month_names_of_the_other_languages_are_read(text, expected):
    assert imports.parse_day(text) == expected


def test_the_help_page_lists_the_headers_of_each_language(client, sunrise_viewer):
    client.force_login(sunrise_viewer)
    page = client.get(reverse("campaigns:import_help", args=["sunrise-realty"])).content.decode()

    for text in [
        'id="languages-table"',
        "Nombre de la campaña",
        "Nom de la campagne",
        "Kampagnenname",
        "Nome da campanha",
        "Importe gastado (EUR)",
        "Valor de conv.",
        "Portuguese",
        "Ad set name",
        "Segment → Time → Day",
        "Mac Roman",
    ]:
        assert text in page, text


# --- Encodings -------------------------------------------------------------------------------

SPANISH = "Día,Nombre de la campaña,Impresiones\n2026-03-02,Campaña Año Nuevo – Pequeño,12\n"


@pytest.mark.parametrize(
    ("codec", "label", "text"),
    [
        ("mac_roman", "Mac Roman", SPANISH),
        ("cp1252", "Windows-1252", SPANISH),
        (
            "iso8859_15",
            "ISO-8859-15",
            "Jour,Nom de la campagne,Coût\n2026-03-02,Fête € d’été,12\n".replace("’", "'"),
        ),
    ],
)
def test_legacy_western_encodings_are_detected(codec, label, text):
    parsed = parse(text.encode(codec))

    assert parsed.encoding == label
    assert parsed.rows[0].campaign == text.splitlines()[1].split(",")[1]
    assert any(f"read as {label}" in note for note in parsed.notes)


def test_excel_unicode_text_utf16_with_tabs_is_read():
    text = SPANISH.replace(",", "\t").replace("\n", "\r\n")

    with_bom = parse(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    without_bom = parse(text.encode("utf-16-le"))

    for parsed in (with_bom, without_bom):
        assert (parsed.encoding, parsed.delimiter) == ("UTF-16", "\t")
        assert parsed.rows[0].campaign == "Campaña Año Nuevo – Pequeño"
        assert parsed.rows[0].values == {"impressions": 12}


def test_a_breakdown_export_replaces_days_with_the_sums(sunrise):
    target = campaign(sunrise, "Google Search — Buyers")
    DailyMetricFactory(campaign=target, date=date(2026, 3, 2), impressions=1, spend=Decimal(1))

    plan = imports.plan_import(location=sunrise, parsed=parse(GOOGLE_DEVICES))

    [replaced] = plan.replaced
    assert (replaced.row, replaced.numbers[0]) == (4, 3704)
