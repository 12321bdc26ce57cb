"""The campaign list's totals row and search, compact money on KPI cards (exact for screen
readers), the metric definitions and the page skeleton (skip link, main, live region)."""

import html
import re
from datetime import date
from decimal import Decimal

import pytest
from django.template import Context, Template

from campaigns import catalogue
from campaigns.templatetags.campaign_format import compact_metric, compact_money_text
from tests.factories import CampaignFactory, DailyMetricFactory

LIST = "/l/sunrise-realty/campaigns/"


def text(response) -> str:
    return html.unescape(response.content.decode())


def totals_row(page: str) -> str:
    match = re.search(r'<tr class="totals-row">(.*?)</tr>', page, re.S)
    assert match, "no totals row"
    return match.group(1)


def cell(row: str, key: str) -> str:
    match = re.search(rf'class="num col-{key}"[^>]*>(.*?)</td>', row, re.S)
    assert match, f"no {key} cell"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


@pytest.fixture
def odd_cents(sunrise):
    """Two campaigns whose sums need every cent: spend $1,234.56 + $0.45, revenue $3,000.10 +
    $0.01; leads 7 + 2. A third, "Winter", has no days."""
    spring = CampaignFactory(location=sunrise, name="Spring Open House", channel="sms")
    DailyMetricFactory(
        campaign=spring,
        date=date(2026, 1, 5),
        spend=Decimal("1234.56"),
        revenue=Decimal("3000.10"),
        leads=7,
        conversions=1,
    )
    summer = CampaignFactory(location=sunrise, name="Summer Email", channel="email")
    DailyMetricFactory(
        campaign=summer,
        date=date(2026, 1, 6),
        spend=Decimal("0.45"),
        revenue=Decimal("0.01"),
        leads=2,
        qualified_leads=0,
        hot_leads=0,
        conversions=0,
    )
    CampaignFactory(location=sunrise, name="Winter Posts", channel="social")
    return spring, summer


def test_the_totals_row_sums_the_campaigns_to_the_cent_and_computes_ratios_of_the_sums(
    client, sunrise_manager, odd_cents
):
    client.force_login(sunrise_manager)
    row = totals_row(text(client.get(LIST, {"period": "all"})))

    assert "3 campaigns" in row
    assert cell(row, "spend") == "$1,235.01"
    assert cell(row, "revenue") == "$3,000.11"
    assert cell(row, "leads") == "9"
    assert cell(row, "conversions") == "1"
    # ROI of the totals: (3000.11 − 1235.01) / 1235.01 = 142.9 %; the mean of the campaigns'
    # ROIs (143.0 % and −97.8 %) would be 22.6 %.
    assert cell(row, "roi") == "142.9 %"
    # CPL of the totals: 1235.01 / 9 = $137.22 (the mean of $176.37 and $0.23 would be $88.30).
    assert cell(row, "cost_per_lead") == "$137.22"


def test_the_totals_row_sums_only_the_filtered_campaigns(client, sunrise_manager, odd_cents):
    client.force_login(sunrise_manager)
    row = totals_row(text(client.get(LIST, {"period": "all", "channel": "email"})))

    assert "1 campaign)" in row
    assert cell(row, "spend") == "$0.45"
    assert cell(row, "cost_per_lead") == "$0.23"


def test_search_lists_only_campaigns_whose_name_contains_the_words(
    client, sunrise_manager, odd_cents
):
    client.force_login(sunrise_manager)
    page = text(client.get(LIST, {"period": "all", "q": "  open HOUSE "}))

    assert "Spring Open House" in page
    assert "Summer Email" not in page and "Winter Posts" not in page
    assert 'name="q" value="open HOUSE"' in page
    assert cell(totals_row(page), "spend") == "$1,234.56"


def test_search_is_kept_in_the_sort_links_and_the_period_picker(client, sunrise_manager, odd_cents):
    client.force_login(sunrise_manager)
    page = client.get(LIST, {"period": "all", "q": "Spring"}).content.decode()

    assert 'href="?period=all&amp;q=Spring&amp;sort=-name"' in page
    assert 'href="?period=7d&amp;q=Spring"' in page
    assert '<input type="hidden" name="q" value="Spring">' in page  # custom dates form


def test_a_search_that_matches_nothing_says_so_and_offers_all_campaigns(
    client, sunrise_manager, odd_cents
):
    client.force_login(sunrise_manager)
    page = text(client.get(LIST, {"period": "all", "q": "Autumn"}))

    assert "No campaign matches these filters and the search “Autumn”." in page
    assert "Show all campaigns" in page
    assert "totals-row" not in page


def test_an_overlong_search_is_cut_not_refused(client, sunrise_manager, odd_cents):
    client.force_login(sunrise_manager)
    response = client.get(LIST, {"period": "all", "q": "Spring" + "x" * 500})

    assert response.status_code == 200
    assert 'value="Spring' + "x" * 94 + '"' in response.content.decode()


def test_the_search_is_scoped_to_the_location(client, sunrise_manager, harbor, odd_cents):
    CampaignFactory(location=harbor, name="Spring at the Harbor")
    client.force_login(sunrise_manager)
    page = text(client.get(LIST, {"period": "all", "q": "Spring"}))

    assert "Spring Open House" in page
    assert "Spring at the Harbor" not in page


# --- Compact money ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("21412.50", "USD", "$21.4K"),
        ("1234567.89", "USD", "$1.2M"),
        ("-1234567.89", "USD", "-$1.2M"),
        ("-21412.50", "USD", "-$21.4K"),
        ("999.99", "USD", "$999.99"),
        ("-412.5", "USD", "-$412.50"),
        ("0", "USD", "$0.00"),
        ("1000", "USD", "$1K"),
        ("214123", "USD", "$214K"),
        ("999950", "USD", "$1M"),  # not "$1000K"
        ("2500000000", "EUR", "€2.5B"),
        ("21412.50", "CHF", "21.4K CHF"),
        (None, "USD", "—"),
    ],
)
def test_compact_money(amount, currency, expected):
    value = Decimal(amount) if amount is not None else None
    assert compact_money_text(value, currency) == expected


def test_compact_money_keeps_the_exact_value_for_screen_readers():
    rendered = str(compact_metric(Decimal("21412.50"), "spend", "USD"))

    assert rendered == (
        '<span aria-hidden="true">$21.4K</span><span class="sr-only">$21,412.50</span>'
    )


def test_compact_money_under_a_thousand_and_other_units_are_shown_once():
    assert str(compact_metric(Decimal("412.50"), "spend", "USD")) == "$412.50"
    assert str(compact_metric(Decimal("2.6"), "roi", "USD")) == "260.0 %"
    assert str(compact_metric(12345, "leads", "USD")) == "12,345"


def test_a_kpi_card_shows_compact_money_with_the_exact_value_on_hover(
    client, sunrise_manager, reference_campaign
):
    client.force_login(sunrise_manager)
    page = client.get("/l/sunrise-realty/", {"period": "all"}).content.decode()

    card = re.search(r'class="card-value" title="([^"]+)" data-metric="spend">(.*?)</div>', page)
    assert card, "no spend card with a title"
    exact, shown = card.groups()
    assert re.fullmatch(r"\$\d{1,3}(,\d{3})*\.\d\d", exact)
    assert f'<span class="sr-only">{exact}</span>' in shown
    assert re.search(r'<span aria-hidden="true">\$[\d.]+K</span>', shown)


def test_a_kpi_card_defines_its_metric_in_a_disclosure_not_only_a_title(
    client, sunrise_manager, reference_campaign
):
    client.force_login(sunrise_manager)
    page = text(client.get("/l/sunrise-realty/", {"period": "all"}))

    assert (
        '<details class="define"><summary title="What is ROI?">'
        '<span aria-hidden="true">?</span><span class="sr-only">What is ROI?</span></summary>'
        '<p class="define-text">Return on investment: (revenue − spend) / spend.</p></details>'
    ) in page


def test_the_definition_tag_renders_the_catalogue_definition():
    rendered = Template("{% load campaign_format %}{% definition 'cost_per_lead' %}").render(
        Context()
    )

    assert '<span class="sr-only">What is Cost per lead?</span>' in rendered
    assert '<p class="define-text">Cost per lead (CPL): spend / leads.</p>' in rendered


# --- The page skeleton ------------------------------------------------------------------------


def test_every_page_starts_with_a_skip_link_to_the_main_content(
    client, sunrise_manager, reference_campaign
):
    client.force_login(sunrise_manager)
    page = client.get(LIST).content.decode()

    body = page[page.index("<body") :]
    first_link = re.search(r"<(a|button|input|select|summary)\b[^>]*>", body)
    assert first_link.group(0) == '<a class="skip-link" href="#content">'
    assert '<main class="container" id="content" tabindex="-1">' in page
    assert 'id="live-region" aria-live="polite"' in page
    assert "campaigns/app.js" in page


@pytest.mark.parametrize(
    ("url", "tables"),
    [
        (LIST, ["campaign-table"]),
        ("/l/sunrise-realty/", ["overview-channel-table"]),
        ("/l/sunrise-realty/campaigns/{pk}/", ["financial-table", "daily-table"]),
        ("/l/sunrise-realty/channels/", ["channel-table"]),
        ("/l/sunrise-realty/compare/?ids={pk},{other}", ["comparison-table"]),
    ],
)
def test_scrolling_tables_are_focusable_named_regions(
    client, sunrise_manager, reference_campaign, url, tables
):
    other = CampaignFactory(location=reference_campaign.location, name="Other")
    client.force_login(sunrise_manager)
    url = url.format(pk=reference_campaign.pk, other=other.pk)
    page = client.get(url + ("&" if "?" in url else "?") + "period=all").content.decode()

    for table in tables:
        wrap = re.search(
            rf'(<div class="table-wrap"[^>]*>)\s*<table class="data[^"]*"'
            rf' id="{table}"',
            page,
        )
        assert wrap, table
        assert 'tabindex="0"' in wrap.group(1) and 'role="region"' in wrap.group(1), wrap.group(1)
        assert re.search(r'aria-label(ledby)?="[^"]+"', wrap.group(1)), wrap.group(1)


# --- Sparklines and colours of the cards ------------------------------------------------------


def test_a_campaigns_kpi_cards_draw_the_periods_days_from_the_charts_series(
    client, sunrise_manager, reference_campaign
):
    client.force_login(sunrise_manager)
    url = f"/l/sunrise-realty/campaigns/{reference_campaign.pk}/"
    page = text(client.get(url, {"period": "custom", "start": "2026-01-12", "end": "2026-01-14"}))

    cards = re.search(r'<div class="cards" id="key-metrics">(.*?)\n  </div>', page, re.S).group(1)
    assert cards.count('<svg class="sparkline-svg"') == 5
    # Three days: a path of three points, and the first and last day in words.
    leads = cards[cards.index('data-metric="leads"') : cards.index('data-metric="conversions"')]
    assert re.search(r'd="M[\d.]+ [\d.]+ l0 0 L[\d.]+ [\d.]+ L[\d.]+ [\d.]+"', leads)
    assert re.search(r"Leads day by day: [\d,]+ on Jan 12, [\d,]+ on Jan 14\.", leads)


def test_an_overviews_kpi_cards_draw_the_locations_days(
    client, sunrise_manager, reference_campaign
):
    client.force_login(sunrise_manager)
    page = text(
        client.get(
            "/l/sunrise-realty/",
            {"period": "custom", "start": "2026-01-12", "end": "2026-01-14"},
        )
    )

    assert page.count('<svg class="sparkline-svg"') == len(catalogue.HEADLINE)  # one per card
    assert "Spend day by day: $2,000.00 on Jan 12, $1,300.00 on Jan 14." in page


def test_a_spend_change_is_neutral_and_a_cost_change_is_coloured_by_its_good_direction():
    rendered = Template(
        "{% load campaign_format %}{% change up 'spend' %}|{% change up 'cost_per_lead' %}|"
        "{% change up 'leads' %}"
    ).render(Context({"up": Decimal("0.2")}))
    spend, cpl, leads = rendered.split("|")

    assert 'class="change up neutral"' in spend
    assert 'class="change up bad"' in cpl
    assert 'class="change up good"' in leads


@pytest.mark.parametrize("page", ["/l/sunrise-realty/", "/l/sunrise-realty/channels/"])
def test_a_tables_columns_are_defined_in_a_glossary_not_only_in_titles(
    client, sunrise_manager, reference_campaign, page
):
    client.force_login(sunrise_manager)
    body = text(client.get(page, {"period": "all"}))

    glossary = re.search(r'<details class="glossary">(.*?)</details>', body, re.S).group(1)
    assert "<summary>What these columns mean</summary>" in glossary
    definition = html.escape(catalogue.metric("cost_per_lead").definition)
    assert f"<dt>Cost per lead</dt><dd>{definition}</dd>" in glossary
