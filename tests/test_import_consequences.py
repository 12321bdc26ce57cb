"""Imports tell their consequences (issue 19, item 7): the preview says which campaigns change
health and which it would create; a created campaign takes its dates from the file, is completed
when past, has no budget and raises no stale-feed alert; a budget of 0 reads "no budget"."""

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse

from campaigns import charts, history, imports, rollups, services, tokens, undo
from campaigns.alerts import evaluate_alerts
from campaigns.analytics.reports import campaign_report
from campaigns.imports.creating import PAST_CAMPAIGN_DAYS, is_past
from campaigns.imports.preview import Preview
from campaigns.models import Alert, Campaign, Source
from campaigns.tenancy import scope
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
HEADER = (
    "date,campaign,impressions,clicks,leads,qualified_leads,hot_leads,conversions,revenue,spend"
)
#: The README's sample pushes the completed reference campaign from $5,000 to $7,420 spent:
#: 14 Jan replaced ($1,300.00 → $1,320.00), 15 and 16 Jan added ($1,250.00 and $1,150.00).
OVER_BUDGET = "Pushes “January SMS Blast” over budget: $7,420.00 of $5,000.00"
#: Its other campaign, not in the location: 15 to 17 Jan 2026, long past.
WINTER = (
    "Creates “Winter Open House Email”, completed: Jan 15, 2026 – Jan 17, 2026 (its last day "
    "is more than 7 days ago), no budget"
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def staging(settings, tmp_path):
    settings.IMPORT_STAGING_DIR = tmp_path / "imports"


def csv_of(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows, ""]).encode()


def plan(location, content: bytes) -> imports.ImportPlan:
    return imports.plan_import(location=location, parsed=imports.parse_csv(content))


def commit(location, content: bytes, **options) -> imports.ImportResult:
    with history.acting(Source.COMMAND):
        return imports.commit_import(
            location=location, parsed=imports.parse_csv(content), **options
        )


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def row(day: date, campaign: str, leads=0, spend="0.00", revenue="0.00") -> str:
    return f"{day:%Y-%m-%d},{campaign},100,10,{leads},0,0,0,{revenue},{spend}"


# --- The preview names the health changes --------------------------------------------------


def test_the_readme_sample_preview_says_it_pushes_the_reference_campaign_over_budget(
    reference_campaign,
):
    preview = Preview.of(plan(reference_campaign.location, (DATA / "ours.csv").read_bytes()))

    assert [c["sentence"] for c in preview.health_changes] == [OVER_BUDGET]
    [change] = preview.health_changes
    assert (change["before"]["state"], change["after"]["state"]) == ("ended", "over_budget")
    assert (change["after"]["label"], change["tone"]) == ("Over budget", "bad")
    assert [m["creation"] for m in preview.missing] == [WINTER]
    # Kept as JSON beside the staged file, and read back the same.
    again = Preview.from_json(preview.to_json())
    assert (again.health_changes, again.missing) == (preview.health_changes, preview.missing)


def test_the_preview_page_lists_the_health_changes_and_the_campaigns_it_would_create(
    client, sunrise_manager, reference_campaign
):
    sunrise = reference_campaign.location
    client.force_login(sunrise_manager)
    upload = SimpleUploadedFile("ours.csv", (DATA / "ours.csv").read_bytes())
    response = client.post(reverse("campaigns:import", args=[sunrise.slug]), {"file": upload})

    page = client.get(response["Location"])

    text = text_of(page)
    assert f"Over budget {OVER_BUDGET}." in text
    assert f"{WINTER}." in text
    assert 'data-health-after="over_budget"' in page.content.decode()
    assert "completed, ends Jan 17, 2026" in text  # the table of campaigns not found


def test_the_command_prints_the_same_consequences(reference_campaign, capsys):
    path = str(DATA / "ours.csv")
    call_command(
        "import_metrics",
        "sunrise-realty",
        path,
        "--dry-run",
        "--create-missing",
        "--channel",
        "email",
    )

    out = capsys.readouterr().out
    assert f"Campaign health after the commit:\n  {OVER_BUDGET}.\n" in out
    assert f"If the campaigns not found are created (--create-missing):\n  {WINTER}.\n" in out


def test_days_that_catch_up_on_a_target_move_a_campaign_from_behind_to_on_track(sunrise):
    today = sunrise.today()
    campaign = CampaignFactory(
        location=sunrise,
        name="Spring Leads",
        budget=Decimal("0"),
        start_date=today - timedelta(days=20),
        end_date=today + timedelta(days=9),
        target_leads=300,  # 21 of 30 days elapsed: 210 leads expected by now
    )
    services.record_day(campaign=campaign, day=today - timedelta(days=10), leads=100)

    preview = Preview.of(plan(sunrise, csv_of(row(today - timedelta(days=1), "Spring Leads", 110))))

    assert [c["sentence"] for c in preview.health_changes] == [
        "Moves “Spring Leads” from behind to on track"
    ]


def test_a_replaced_day_that_lowers_spend_moves_a_campaign_back_within_budget(sunrise):
    day = sunrise.today() - timedelta(days=3)
    campaign = CampaignFactory(
        location=sunrise, name="Open House", budget=Decimal("1000.00"), start_date=day
    )
    services.record_day(campaign=campaign, day=day, spend=Decimal("1200.00"))

    preview = Preview.of(plan(sunrise, csv_of(row(day, "Open House", spend="800.00"))))

    assert [c["sentence"] for c in preview.health_changes] == [
        "Moves “Open House” from over budget to on track: $800.00 of $1,000.00"
    ]


def test_a_started_campaigns_first_days_move_it_from_no_data_yet(sunrise):
    day = sunrise.today() - timedelta(days=3)
    CampaignFactory(location=sunrise, name="Open House", budget=Decimal("1000.00"), start_date=day)

    preview = Preview.of(plan(sunrise, csv_of(row(day, "Open House", spend="10.00"))))

    assert [c["sentence"] for c in preview.health_changes] == [
        "Moves “Open House” from no data yet to on track"
    ]


def test_days_that_change_no_health_are_not_listed(client, sunrise, sunrise_manager):
    day = sunrise.today() - timedelta(days=3)
    campaign = CampaignFactory(
        location=sunrise, name="Open House", budget=Decimal("1000.00"), start_date=day
    )
    services.record_day(campaign=campaign, day=day, spend=Decimal("100.00"))
    content = csv_of(row(day + timedelta(days=1), "Open House", spend="10.00"))

    preview = Preview.of(plan(sunrise, content))

    assert preview.health_changes == [] and preview.counts["to_write"] == 1
    client.force_login(sunrise_manager)
    upload = SimpleUploadedFile("open-house.csv", content)
    response = client.post(reverse("campaigns:import", args=[sunrise.slug]), {"file": upload})
    assert "No campaign's health changes" in text_of(client.get(response["Location"]))


def test_the_preview_is_built_in_the_same_queries_for_any_file_size(
    sunrise, django_assert_num_queries
):
    first = date(2026, 3, 1)

    def file_of(campaigns: int, days: int) -> bytes:
        rows = []
        for number in range(campaigns):
            name = f"Campaign {number}"
            campaign = CampaignFactory(
                location=sunrise, name=name, budget=Decimal("500.00"), start_date=first
            )
            services.record_day(campaign=campaign, day=first, spend=Decimal("400.00"))
            rows += [row(first + timedelta(days=d), name, spend="60.00") for d in range(days)]
        return csv_of(*rows)

    small = file_of(1, 2)
    with django_assert_num_queries(3):  # the plan's campaigns and days; the lifetime totals
        preview = Preview.of(plan(sunrise, small))
    assert preview.counts["health_changes"] == 0
    with scope(sunrise):
        Campaign.objects.all().delete()

    large = file_of(40, 30)
    with django_assert_num_queries(3):
        preview = Preview.of(plan(sunrise, large))
    assert (preview.counts["replaced"], preview.counts["added"]) == (40, 1160)
    assert preview.counts["health_changes"] == 40  # from on track: $1,800.00 spent of $500.00
    assert preview.health_changes[0]["sentence"] == (
        "Pushes “Campaign 0” over budget: $1,800.00 of $500.00"
    )


# --- A created campaign --------------------------------------------------------------------


def test_past_means_more_than_a_week_before_the_locations_today():
    today = date(2026, 12, 7)
    assert PAST_CAMPAIGN_DAYS == 7
    assert not is_past(today - timedelta(days=7), today)
    assert is_past(today - timedelta(days=8), today)


def test_a_campaign_created_from_past_days_is_completed_between_its_first_and_last_day(sunrise):
    content = csv_of(
        row(date(2026, 1, 9), "Postcards", spend="20.00"),
        row(date(2026, 1, 5), "Postcards", spend="10.00"),
    )

    result = commit(sunrise, content, create_missing=True, channel="email")

    with scope(sunrise):
        created = Campaign.objects.get(name="Postcards")
    assert (created.start_date, created.end_date) == (date(2026, 1, 5), date(2026, 1, 9))
    assert created.status == Campaign.Status.COMPLETED and created.completed_at is not None
    assert created.budget == Decimal("0.00")
    assert result.message == (
        "Imported 2 days: 2 added, 0 replaced. Created 1 campaign (“Postcards”) with no budget; "
        "“Postcards” is completed: its last day is more than 7 days ago."
    )
    assert campaign_report(created).health.state == "ended"


def test_a_campaign_created_from_recent_days_is_active_with_no_end_date(sunrise):
    today = sunrise.today()
    last_week = today - timedelta(days=PAST_CAMPAIGN_DAYS)

    commit(
        sunrise,
        csv_of(row(last_week, "Reels", spend="5.00")),
        create_missing=True,
        channel="social",
    )

    with scope(sunrise):
        created = Campaign.objects.get(name="Reels")
    assert (created.start_date, created.end_date) == (last_week, None)
    assert (created.status, created.completed_at) == (Campaign.Status.ACTIVE, None)
    # It runs on: its next days import.
    result = commit(sunrise, csv_of(row(today - timedelta(days=1), "Reels", spend="5.00")))
    assert (result.added, result.created) == (1, ())


def test_a_past_campaign_created_by_an_import_raises_no_stale_feed_alert(sunrise):
    commit(
        sunrise,
        csv_of(row(date(2026, 1, 15), "Winter Open House Email", spend="60.00")),
        create_missing=True,
        channel="email",
    )

    evaluate_alerts(sunrise)

    with scope(sunrise):
        assert not Alert.objects.filter(kind=Alert.Kind.NO_DATA).exists()
        assert not Alert.objects.exists()


def test_undoing_an_import_removes_the_completed_campaign_it_created(
    sunrise, sunrise_manager, reference_campaign
):
    result = commit(sunrise, (DATA / "ours.csv").read_bytes(), create_missing=True, channel="email")
    with scope(sunrise):
        created = Campaign.objects.get(name="Winter Open House Email")
    assert created.status == Campaign.Status.COMPLETED

    undone = undo.undo_batch(result.batch, user=sunrise_manager)

    assert undone.campaigns_removed == ("Winter Open House Email",)
    with scope(sunrise):
        assert list(Campaign.objects.values_list("name", flat=True)) == ["January SMS Blast"]
    assert campaign_report(reference_campaign).lifetime.spend == Decimal("5000.00")
    assert rollups.differences(sunrise.pk) == []


# --- A budget of 0 reads "no budget" -------------------------------------------------------


def render(template: str, **context) -> str:
    return Template("{% load campaign_format %}" + template).render(Context(context))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("0.00"), "no budget"),
        (Decimal("0"), "no budget"),
        (Decimal("5000.00"), "$5,000.00"),
        (None, "—"),
    ],
)
def test_a_budget_of_0_is_shown_as_no_budget(value, expected):
    assert render("{{ value|budget:'USD' }}", value=value) == expected


@pytest.fixture
def unbudgeted(sunrise):
    """A campaign with no budget (0) and a day of spend."""
    day = sunrise.today() - timedelta(days=2)
    campaign = CampaignFactory(
        location=sunrise, name="Imported", budget=Decimal("0"), start_date=day
    )
    services.record_day(campaign=campaign, day=day, spend=Decimal("42.00"))
    return campaign


def test_the_campaign_page_and_printable_report_say_no_budget(client, sunrise_manager, unbudgeted):
    client.force_login(sunrise_manager)
    slug, pk = unbudgeted.location.slug, unbudgeted.pk

    for name in ("campaign", "report"):
        response = client.get(reverse(f"campaigns:{name}", args=[slug, pk]) + "?period=all")
        table = re.search(
            r'<table class="data" id="financial-table">.*?</table>', response.content.decode(), re.S
        ).group(0)
        assert re.search(r"Budget</th><td class=\"num\">no budget</td>", table), name
        assert "No budget ·" in text_of(response)
        assert response.context["budget_chart"]["labels"] == ["Spend", "Revenue"]


def test_the_budget_chart_draws_a_budget_only_when_there_is_one(reference_campaign, unbudgeted):
    chart = charts.budget_chart(campaign_report(reference_campaign), "USD")
    assert chart["labels"] == ["Budget", "Spend", "Revenue"]
    assert chart["datasets"][0]["data"] == [5000.0, 5000.0, 18000.0]
    assert chart["label"] == "Budget, spend and revenue"

    chart = charts.budget_chart(campaign_report(unbudgeted), "USD")
    assert chart["labels"] == ["Spend", "Revenue"]
    assert chart["datasets"][0]["data"] == [42.0, 0.0]
    assert chart["label"] == "Spend and revenue"  # what a screen reader is told is drawn


def test_csv_and_api_keep_a_budget_of_0_as_a_number(client, sunrise_manager, unbudgeted):
    sunrise = unbudgeted.location
    client.force_login(sunrise_manager)
    response = client.get(reverse("campaigns:campaigns_csv", args=[sunrise.slug]))
    [exported] = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    assert exported["budget"] == "0.00"

    _, secret = tokens.issue_token(location=sunrise, name="reader")
    answer = client.get(
        f"/api/v1/campaigns/{unbudgeted.pk}/report", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert answer.json()["campaign"]["budget"] == "0.00"


def test_the_import_help_says_how_a_campaign_is_created(client, sunrise_manager, sunrise):
    client.force_login(sunrise_manager)
    page = text_of(client.get(reverse("campaigns:import_help", args=[sunrise.slug])))
    assert (
        "you choose to create them (no budget, starting on their first day in the file, "
        "completed and ending on their last day when that is more than 7 days ago," in page
    )
