"""The portfolio as a command centre: one table of every location of the user, its figures
exact to the cent, totals from sums, sort, search, the attention filter, money at risk,
pagination, the CSV, a constant number of queries, and the sparkline tag."""

import csv
import html
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch
from django.utils import timezone

from campaigns.analytics import portfolio
from campaigns.models import Alert, Campaign, DailyMetric, Location, Membership
from campaigns.periods import Period
from campaigns.tenancy import scopes_disabled
from campaigns.views import overview
from tests.factories import (
    CampaignFactory,
    DailyMetricFactory,
    LocationFactory,
    MembershipFactory,
    UserFactory,
)

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
MARCH_QUERY = "period=custom&start=2026-03-01&end=2026-03-31"


def day(campaign, when, spend, revenue, leads=0, conversions=0):
    return DailyMetricFactory(
        campaign=campaign,
        date=when,
        spend=Decimal(spend),
        revenue=Decimal(revenue),
        leads=leads,
        qualified_leads=0,
        hot_leads=0,
        conversions=conversions,
    )


@pytest.fixture
def agency(db):
    """Three locations of one manager, named so that A-to-Z is not the order of money at risk:

    * Zephyr Homes: over budget (lifetime spend 1,800.00 of a 1,000.00 budget) and a loss;
    * Maple Realty: one campaign behind on its leads target (no budget), 200.00 spent;
    * Acorn Estates: on track, 100.01 of a 5,000.00 budget.

    and a fourth location, Hidden Harbor, of somebody else.
    """
    user = UserFactory(username="agency-lead")
    zephyr = LocationFactory(name="Zephyr Homes", slug="zephyr")
    maple = LocationFactory(name="Maple Realty", slug="maple")
    acorn = LocationFactory(name="Acorn Estates", slug="acorn")
    hidden = LocationFactory(name="Hidden Harbor", slug="hidden")
    for location in (zephyr, maple, acorn):
        MembershipFactory(user=user, location=location, role=Membership.Role.MANAGER)
    MembershipFactory(user=UserFactory(username="other"), location=hidden)

    over = CampaignFactory(location=zephyr, budget=Decimal("1000.00"), start_date=date(2026, 2, 1))
    day(over, date(2026, 2, 15), "300.00", "600.00", leads=10, conversions=1)  # previous period
    day(over, date(2026, 3, 10), "1000.00", "1200.50", leads=20, conversions=2)
    day(over, date(2026, 3, 11), "500.00", "0.00", leads=5)

    behind = CampaignFactory(
        location=maple,
        budget=Decimal("0"),
        start_date=date(2026, 3, 1),
        end_date=maple.today() + timedelta(days=30),
        target_leads=10000,
    )
    day(behind, date(2026, 3, 5), "200.00", "900.00", leads=10, conversions=3)

    fine = CampaignFactory(location=acorn, budget=Decimal("5000.00"), start_date=date(2026, 3, 1))
    day(fine, date(2026, 3, 20), "100.01", "400.00", leads=4, conversions=1)

    secret = CampaignFactory(location=hidden, name="Secret Campaign")
    day(secret, date(2026, 3, 12), "777.77", "1.00", leads=1)
    return user


def maple_shortfall() -> Decimal:
    """Maple's campaign is behind on leads with no budget: the part of its $200.00 spent so
    far that bought no results, 200.00 × (1 − 10 leads ÷ the leads expected by today)."""
    today = Location.objects.get(slug="maple").today()
    elapsed = (today - date(2026, 3, 1)).days + 1
    expected = Decimal(10000) * elapsed / (elapsed + 30)
    return (Decimal("200.00") * (1 - 10 / expected)).quantize(Decimal("0.01"))


def page(client, query=""):
    response = client.get(f"/portfolio/?{MARCH_QUERY}&{query}")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def order(text):
    """The locations' slugs in the order the table lists them."""
    found = {slug: text.find(f'data-location="{slug}"') for slug in ("zephyr", "maple", "acorn")}
    return [slug for slug, at in sorted(found.items(), key=lambda i: i[1]) if at >= 0]


def rows_by_slug(user):
    locations = Location.objects.filter(memberships__user=user)
    return {r.location.slug: r for r in portfolio.portfolio_rows(locations, MARCH)}


# --- Figures ---------------------------------------------------------------------------------


def test_each_rows_figures_are_the_hand_sums_to_the_cent(agency):
    rows = rows_by_slug(agency)
    zephyr, maple, acorn = rows["zephyr"], rows["maple"], rows["acorn"]

    assert zephyr.current.totals.spend == Decimal("1500.00")
    assert zephyr.current.totals.revenue == Decimal("1200.50")
    assert zephyr.current.metrics.profit == Decimal("-299.50")
    assert zephyr.current.metrics.roi == Decimal("-299.50") / Decimal("1500.00")
    assert zephyr.current.metrics.cost_per_lead == Decimal("60.00")
    assert (zephyr.current.totals.leads, zephyr.current.totals.conversions) == (25, 2)
    assert zephyr.changes["spend"] == Decimal("4")  # 300.00 → 1,500.00
    assert zephyr.budget_used == Decimal("1.8")  # lifetime 1,800.00 of 1,000.00
    assert (zephyr.over_budget, zephyr.behind, zephyr.on_track) == (1, 0, 0)
    assert zephyr.money_at_risk == Decimal("800.00")

    assert maple.current.totals.spend == Decimal("200.00")
    assert maple.budget_used is None  # no campaign with a budget
    assert (maple.over_budget, maple.behind, maple.on_track) == (0, 1, 0)
    assert maple.money_at_risk == maple_shortfall()
    assert maple.changes["spend"] is None  # nothing the month before

    assert acorn.current.metrics.profit == Decimal("299.99")
    assert acorn.budget_used == Decimal("100.01") / Decimal("5000.00")
    assert (acorn.over_budget, acorn.behind, acorn.on_track) == (0, 0, 1)
    assert acorn.money_at_risk == 0
    assert not acorn.needs_attention and zephyr.needs_attention and maple.needs_attention


def test_the_totals_row_is_computed_from_sums_not_averages_of_ratios(agency):
    rows = list(rows_by_slug(agency).values())
    [total] = portfolio.totals_rows(rows, MARCH)
    assert total.name == "All 3 locations"
    assert total.current.totals.spend == Decimal("1800.01")
    assert total.current.totals.revenue == Decimal("2500.50")
    assert total.current.metrics.profit == Decimal("700.49")
    assert total.current.metrics.roi == Decimal("700.49") / Decimal("1800.01")
    assert total.current.metrics.cost_per_lead == Decimal("1800.01") / 39
    assert total.budget_used == Decimal("1900.01") / Decimal("6000.00")
    assert (total.over_budget, total.behind, total.on_track) == (1, 1, 1)
    assert total.money_at_risk == Decimal("800.00") + maple_shortfall()


def test_locations_in_other_currencies_get_their_own_totals_row(agency):
    Location.objects.filter(slug="acorn").update(currency="EUR")
    rows = list(rows_by_slug(agency).values())
    eur, usd = portfolio.totals_rows(rows, MARCH)
    assert (eur.currency, eur.current.totals.spend) == ("EUR", Decimal("100.01"))
    assert (usd.currency, usd.current.totals.spend) == ("USD", Decimal("1700.00"))
    assert usd.name == "All 2 locations in USD"


def test_the_page_shows_the_figures_changes_and_totals(client, agency):
    client.force_login(agency)
    text = page(client)
    assert "$1,500.00" in text  # Zephyr's spend
    assert "-$299.50" in text or "−$299.50" in text  # its loss
    assert "▲ 400.0 %" in text  # its spend against February
    assert "180.0 %" in text  # its budget used
    assert "$800.00" in text  # its money at risk
    assert "All 3 locations" in text
    assert "$1,800.01" in text and "$2,500.50" in text  # the totals
    assert "38.9 %" in text  # ROI of the totals: 700.49 / 1,800.01
    assert "$46.15" in text  # cost per lead of the totals: 1,800.01 / 39
    assert "Money at risk</strong> (the default order" in text
    assert 'class="sparkline"' in text and 'aria-hidden="true"' in text


def test_a_user_sees_only_their_own_locations(client, agency):
    viewer = UserFactory(username="two-of-three")
    for slug in ("maple", "acorn"):
        MembershipFactory(
            user=viewer, location=Location.objects.get(slug=slug), role=Membership.Role.VIEWER
        )
    client.force_login(viewer)
    text = page(client)
    assert order(text) == ["maple", "acorn"]
    assert "Zephyr" not in text and "Hidden Harbor" not in text and "777.77" not in text
    assert "All 2 locations" in text
    assert "$300.01" in text  # 200.00 + 100.01: the totals hold only the viewer's locations
    csv_text = client.get(f"/portfolio/export.csv?{MARCH_QUERY}").content.decode()
    assert "Zephyr" not in csv_text and "Hidden" not in csv_text


# --- Order, search, filter -------------------------------------------------------------------


def test_the_default_order_is_most_money_at_risk_first(client, agency):
    client.force_login(agency)
    assert order(page(client)) == ["zephyr", "maple", "acorn"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sort=name", ["acorn", "maple", "zephyr"]),
        ("sort=name&dir=desc", ["zephyr", "maple", "acorn"]),
        ("sort=roi&dir=desc", ["maple", "acorn", "zephyr"]),
        ("sort=-roi", ["maple", "acorn", "zephyr"]),
        ("sort=roi&dir=asc", ["zephyr", "acorn", "maple"]),
        ("sort=spend&dir=asc", ["acorn", "maple", "zephyr"]),
        ("sort=cost_per_lead", ["zephyr", "acorn", "maple"]),  # 60.00, 25.00, 20.00
        ("sort=budget_used&dir=asc", ["acorn", "zephyr", "maple"]),  # no budget: last
        ("sort=behind", ["maple", "acorn", "zephyr"]),
    ],
)
def test_sorting_by_a_column(client, agency, query, expected):
    client.force_login(agency)
    assert order(page(client, query)) == expected


def test_an_unknown_sort_says_so_and_keeps_the_default_order(client, agency):
    client.force_login(agency)
    text = page(client, "sort=password&dir=sideways")
    assert "“password” is not a column to sort by." in text
    assert order(text) == ["zephyr", "maple", "acorn"]


def test_search_by_name(client, agency):
    client.force_login(agency)
    assert order(page(client, "q=MAPLE")) == ["maple"]
    text = page(client, "q=nowhere")
    assert order(text) == []
    assert "No location matches “nowhere”" in text


def test_the_attention_filter_keeps_over_budget_behind_and_loss_making_locations(client, agency):
    client.force_login(agency)
    assert order(page(client, "attention=1")) == ["zephyr", "maple"]
    assert order(page(client, "attention=1&q=zep")) == ["zephyr"]


def test_a_location_losing_money_needs_attention_without_unhealthy_campaigns(client, agency):
    acorn = Location.objects.get(slug="acorn")
    day(CampaignFactory(location=acorn, budget=0), date(2026, 3, 21), "900.00", "0.00")
    client.force_login(agency)
    assert order(page(client, "attention=1")) == ["zephyr", "maple", "acorn"]


# --- Pagination and queries -------------------------------------------------------------------


def add_locations(user, count):
    """``count`` more locations of ``user``, each with a campaign and a day in March."""
    locations = Location.objects.bulk_create(
        Location(name=f"Bulk {i:03}", slug=f"bulk-{i:03}") for i in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=user, location=loc, role=Membership.Role.MANAGER) for loc in locations
    )
    with scopes_disabled():
        campaigns = Campaign.objects.bulk_create(
            Campaign(
                location=loc,
                name="Bulk campaign",
                channel="sms",
                budget=Decimal("100.00"),
                start_date=date(2026, 3, 1),
            )
            for loc in locations
        )
        DailyMetric.objects.bulk_create(
            DailyMetric(
                location_id=c.location_id,
                campaign=c,
                date=date(2026, 3, 2),
                spend=Decimal("10.00") + i,
                revenue=Decimal("5.00"),
                leads=1,
            )
            for i, c in enumerate(campaigns)
        )


def test_pagination_50_locations_a_page(client, agency):
    add_locations(agency, 117)  # 120 in all
    client.force_login(agency)
    first = page(client, "sort=name")
    assert first.count("data-location=") == 50
    assert "Page 1 of 3 (120 locations)" in first
    assert "All 120 locations" in first  # the totals are of every page
    last = page(client, "sort=name&page=3")
    assert last.count("data-location=") == 20
    assert 'data-location="zephyr"' in last
    assert "All 120 locations" in last


#: Session, user, locations, earliest start, campaigns, period sums (by location), lifetime
#: sums (by campaign), the page's daily series (by location and day), the header's locations,
#: and the open alerts (by location): each row's count and, from the same query, the header's
#: badge across all the user's locations (the view passes it, so the badge's own query is not run).
QUERIES = 10


@pytest.mark.parametrize("extra", [0, 117])
def test_the_page_runs_the_same_queries_for_3_and_120_locations(
    client, agency, django_assert_num_queries, extra
):
    add_locations(agency, extra)
    client.force_login(agency)
    with django_assert_num_queries(QUERIES):
        assert client.get(f"/portfolio/?{MARCH_QUERY}").status_code == 200


@pytest.mark.parametrize("extra", [0, 117])
def test_the_csv_runs_the_same_queries_for_3_and_120_locations(
    client, agency, django_assert_num_queries, extra
):
    add_locations(agency, extra)
    client.force_login(agency)
    with django_assert_num_queries(QUERIES - 3):  # no sparklines, no header, no alert counts
        assert client.get(f"/portfolio/export.csv?{MARCH_QUERY}").status_code == 200


# --- CSV ---------------------------------------------------------------------------------------


def read_csv(client, query=""):
    response = client.get(f"/portfolio/export.csv?{MARCH_QUERY}&{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "portfolio-2026-03-01-to-2026-03-31.csv" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_csv_holds_the_table_with_totals(client, agency):
    client.force_login(agency)
    rows = read_csv(client)
    assert [r["location"] for r in rows] == [
        "Zephyr Homes",
        "Maple Realty",
        "Acorn Estates",
        "All 3 locations",
    ]
    zephyr, total = rows[0], rows[3]
    assert zephyr["slug"] == "zephyr"
    assert (zephyr["period_start"], zephyr["period_end"]) == ("2026-03-01", "2026-03-31")
    assert zephyr["spend"] == "1500.00"
    assert zephyr["spend_change"] == "4.000000"
    assert zephyr["profit"] == "-299.50"
    assert zephyr["roi"] == "-0.199667"
    assert zephyr["cost_per_lead"] == "60.00"
    assert zephyr["budget_used"] == "1.800000"
    assert zephyr["campaigns_over_budget"] == "1"
    assert zephyr["money_at_risk"] == "800.00"
    assert rows[1]["budget_used"] == "" and rows[1]["spend_change"] == ""
    assert total["spend"] == "1800.01"
    assert total["roi"] == "0.389159"  # 700.49 / 1800.01
    assert total["cost_per_lead"] == "46.15"


def test_the_csv_applies_search_filter_and_sort(client, agency):
    client.force_login(agency)
    assert [r["location"] for r in read_csv(client, "attention=1&sort=name")] == [
        "Maple Realty",
        "Zephyr Homes",
        "All 2 locations",
    ]
    assert [r["location"] for r in read_csv(client, "q=acorn")] == [
        "Acorn Estates",
        "All 1 location",
    ]


def test_the_csv_defuses_a_formula_in_a_location_name(client, agency):
    Location.objects.filter(slug="acorn").update(name="=HYPERLINK(1)")
    client.force_login(agency)
    names = [r["location"] for r in read_csv(client)]
    assert "'=HYPERLINK(1)" in names


def test_the_csv_refuses_an_unknown_sort(client, agency):
    client.force_login(agency)
    response = client.get("/portfolio/export.csv?sort=nope")
    assert response.status_code == 400
    assert "is not a column to sort by" in response.content.decode()


# --- The chart and the "New client location" button --------------------------------------------


def test_the_roi_chart_has_the_biggest_spenders_best_roi_first(client, agency):
    client.force_login(agency)
    chart = client.get(f"/portfolio/?{MARCH_QUERY}").context["roi_chart"]
    assert chart["labels"] == ["Maple Realty", "Acorn Estates", "Zephyr Homes"]
    assert chart["horizontal"] is True
    assert chart["datasets"][0]["kind"] == "percent"
    assert chart["datasets"][0]["data"][0] == pytest.approx(3.5)


def test_the_new_location_button_is_for_managers_of_two_or_more_locations(monkeypatch, agency):
    def fake_reverse(name, *args, **kwargs):
        if name == "campaigns:location_new":
            return "/locations/new/"
        raise NoReverseMatch(name)

    monkeypatch.setattr(overview, "reverse", fake_reverse)
    mine = list(Location.objects.filter(memberships__user=agency).annotate(user_role=_role()))
    assert overview.new_location_url(agency, mine) == "/locations/new/"

    one = UserFactory(username="one-place-manager")
    MembershipFactory(user=one, location=mine[0], role=Membership.Role.MANAGER)
    MembershipFactory(user=one, location=mine[1], role=Membership.Role.VIEWER)
    theirs = list(Location.objects.filter(memberships__user=one).annotate(user_role=_role()))
    assert overview.new_location_url(one, theirs) is None

    boss = UserFactory(username="boss", is_superuser=True)
    assert overview.new_location_url(boss, []) == "/locations/new/"


def _role():
    from django.db.models import F

    return F("memberships__role")


def test_the_new_location_button_waits_for_its_page(client, agency):
    """Until the URL ``campaigns:location_new`` exists the page renders without the button."""
    try:
        from django.urls import reverse

        href = reverse("campaigns:location_new")
    except NoReverseMatch:
        href = None
    client.force_login(agency)
    text = page(client)
    if href is None:
        assert "New client location" not in text
    else:
        assert f'href="{href}">New client location' in text


# --- The sparkline tag ----------------------------------------------------------------------------


def render(source, **context):
    return Template("{% load sparklines %}" + source).render(Context(context))


def test_a_sparkline_is_an_aria_hidden_svg_with_a_text_alternative():
    out = render(
        '{% sparkline a b label="Spend and revenue" names="Spend,Revenue" width=100 height=20 %}',
        a=[Decimal("1"), Decimal("3"), Decimal("2")],
        b=[0, 5, 10],
    )
    assert 'aria-hidden="true"' in out
    assert 'width="100" height="20"' in out
    assert out.count("<path") == 2
    assert "Spend and revenue: Spend from 1 to 2, lowest 1, highest 3; Revenue from 0 to 10" in out
    # Both series share one scale: the highest value (10) is at the top edge, 0 at the bottom.
    assert 'd="M2.0 18.0 l0 0 L50.0 10.0 L98.0 2.0"' in out


def test_a_gap_breaks_the_line():
    out = render("{% sparkline v %}", v=[1, None, 2, 3])
    path = out.split(' d="')[1].split('"')[0]
    assert path.count("M") == 2


def test_a_sparkline_without_values_draws_no_line():
    out = render('{% sparkline v label="Nothing" %}', v=[None, None])
    assert "<path" not in out
    assert "Nothing: series 1 no values." in out


# --- Open alerts across the portfolio ----------------------------------------------------------


def raise_alert(location, name: str, acknowledged: bool = False) -> None:
    with scopes_disabled():
        campaign = CampaignFactory(location=location, name=name)
        Alert.objects.create(
            location=location,
            campaign=campaign,
            kind="over_budget",
            message=f"{name} is over budget",
            acknowledged_at=timezone.now() if acknowledged else None,
        )


def header_badge(page: str) -> int | None:
    found = re.search(r'>Alerts <span class="badge"[^>]*>(\d+)</span>', page)
    return int(found.group(1)) if found else None


def test_each_location_shows_its_open_alerts_and_the_header_their_total(client, agency):
    zephyr, maple, hidden = (Location.objects.get(slug=s) for s in ("zephyr", "maple", "hidden"))
    raise_alert(zephyr, "Zephyr one")
    raise_alert(zephyr, "Zephyr two", acknowledged=True)
    raise_alert(maple, "Maple one")
    raise_alert(hidden, "HIDDEN-SENTINEL")
    client.force_login(agency)

    page = client.get(f"/portfolio/?{MARCH_QUERY}").content.decode()

    cells = re.findall(r'data-alerts="(\d+)" href="/l/([a-z]+)/alerts/"', page)
    assert {slug: int(n) for n, slug in cells} == {"zephyr": 2, "maple": 1}
    assert "2 open alerts of Zephyr Homes" in page
    assert 'href="/l/acorn/alerts/"' not in page  # no open alert, no link
    assert header_badge(page) == 2  # not yet acknowledged, across the user's locations
    assert "HIDDEN-SENTINEL" not in page


def test_the_portfolio_alerts_page_lists_open_alerts_of_the_users_locations_only(client, agency):
    zephyr, hidden = Location.objects.get(slug="zephyr"), Location.objects.get(slug="hidden")
    raise_alert(zephyr, "Zephyr one")
    raise_alert(hidden, "HIDDEN-SENTINEL")
    client.force_login(agency)

    page = client.get("/portfolio/alerts/").content.decode()

    assert "Zephyr one is over budget" in page and 'href="/l/zephyr/alerts/"' in page
    assert "HIDDEN-SENTINEL" not in page and "Hidden Harbor" not in page
    assert header_badge(page) == 1
    # The header badge on other pages outside a location counts the same.
    assert header_badge(client.get("/accounts/password_change/").content.decode()) == 1


def test_the_portfolio_alerts_page_has_a_constant_number_of_queries(
    client, agency, django_assert_num_queries
):
    for location in Location.objects.exclude(slug="hidden"):
        raise_alert(location, f"{location.slug} one")
    client.force_login(agency)
    # session, user, the user's locations, the open alerts, the header's locations
    with django_assert_num_queries(5):
        assert client.get("/portfolio/alerts/").status_code == 200
