"""The history of every change (issue 12, item 1): each write of a campaign, a day's numbers or a
funnel count, from a form, the admin, an import, the API or a command, records who, when,
through what, and the old and new value of each field it changed; bulk writes too."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from campaigns import history, imports, services, tokens
from campaigns.models import Campaign, Change, DailyMetric, ImportBatch, Source
from campaigns.tenancy import ScopeError, scope, scopes_disabled
from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db

NUMBERS = {
    "impressions": 1000,
    "clicks": 50,
    "leads": 10,
    "qualified_leads": 4,
    "hot_leads": 1,
    "conversions": 2,
    "revenue": Decimal("400.00"),
    "spend": Decimal("120.50"),
}


@pytest.fixture
def spring(sunrise):
    return CampaignFactory(
        location=sunrise,
        name="Spring Open House",
        channel="email",
        budget=Decimal("5000.00"),
        start_date=date(2026, 1, 1),
        end_date=None,
    )


@pytest.fixture
def spring_day(spring):
    with history.acting(Source.SYSTEM):
        return services.record_day(campaign=spring, day=date(2026, 1, 5), **NUMBERS)


def changes(location, **filters) -> list[Change]:
    with scope(location):
        return list(Change.objects.filter(**filters).order_by("pk"))


def latest(location, **filters) -> Change:
    return changes(location, **filters)[-1]


# --- Through each entry point -------------------------------------------------------------------


def test_a_form_edit_records_the_user_and_each_changed_field(client, sunrise_manager, spring):
    client.force_login(sunrise_manager)
    url = reverse("campaigns:edit", args=[spring.location.slug, spring.pk])
    data = {
        "name": "Spring Open House",
        "channel": "email",
        "status": "active",
        "budget": "6250.00",
        "start_date": "2026-01-01",
        "end_date": "",
        "target_leads": "120",
        "target_conversions": "",
        "target_roi": "",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    change = latest(spring.location, kind="campaign")
    assert (change.source, change.action, change.user, change.actor) == (
        "form",
        "changed",
        sunrise_manager,
        "sunrise-manager",
    )
    assert (change.campaign_ref, change.campaign_name) == (spring.pk, "Spring Open House")
    assert change.fields == {"budget": ["5000.00", "6250.00"], "target_leads": [None, 120]}


def test_a_day_form_records_old_and_new_numbers(client, sunrise_manager, spring_day):
    spring = spring_day.campaign
    client.force_login(sunrise_manager)
    url = reverse("campaigns:metrics", args=[spring.location.slug, spring.pk])
    data = {"date": "2026-01-05", **{k: str(v) for k, v in NUMBERS.items()}, "spend": "99.00"}

    assert client.post(url, data).status_code == 302

    change = latest(spring.location, kind="day")
    assert (change.source, change.action, change.day) == ("form", "changed", date(2026, 1, 5))
    assert change.user == sunrise_manager
    assert change.fields == {"spend": ["120.50", "99.00"]}


def test_an_admin_edit_records_the_admin_as_source(client, spring_day):
    superuser = UserFactory(username="root-admin", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    url = reverse("admin:campaigns_dailymetric_change", args=[spring_day.pk])
    data = {
        "campaign": spring_day.campaign_id,
        "date": "2026-01-05",
        **{k: str(v) for k, v in NUMBERS.items()},
        "leads": "12",
        "revenue": "450.00",
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    change = latest(spring_day.campaign.location, kind="day")
    assert (change.source, change.user, change.actor) == ("admin", superuser, "root-admin")
    assert change.fields == {"leads": [10, 12], "revenue": ["400.00", "450.00"]}


def test_an_import_records_each_day_in_its_batch(sunrise, sunrise_manager, spring_day):
    csv = (
        "date,campaign,impressions,clicks,leads,qualified_leads,hot_leads,conversions,revenue,spend\n"
        "2026-01-05,Spring Open House,1000,50,10,4,1,2,400.00,130.00\n"
        "2026-01-06,Spring Open House,800,40,8,2,1,1,300.00,90.00\n"
    )
    with history.acting(Source.FORM, user=sunrise_manager):
        result = imports.commit_import(
            location=sunrise, parsed=imports.parse_csv(csv.encode()), file_name="january.csv"
        )

    batch = result.batch
    assert (batch.file_name, batch.platform, batch.source, batch.user) == (
        "january.csv",
        "ours",
        "import",
        sunrise_manager,
    )
    assert (batch.added, batch.replaced, batch.unchanged) == (1, 1, 0)
    replaced, added = sorted(changes(sunrise, batch=batch), key=lambda c: c.day)
    assert (replaced.source, replaced.action, replaced.day) == (
        "import",
        "changed",
        date(2026, 1, 5),
    )
    assert replaced.fields == {"spend": ["120.50", "130.00"]}
    assert (added.action, added.day, added.actor) == (
        "created",
        date(2026, 1, 6),
        "sunrise-manager",
    )
    assert added.fields["revenue"] == [None, "300.00"]
    assert added.fields["leads"] == [None, 8]


def test_an_api_push_records_the_token_and_old_and_new_values(client, spring_day):
    spring = spring_day.campaign
    token, secret = tokens.issue_token(location=spring.location, name="CRM sync")
    row = {"date": "2026-01-05", **{k: str(v) for k, v in NUMBERS.items()}, "conversions": 3}
    row.update({k: v for k, v in NUMBERS.items() if k not in DailyMetric.MONEY_FIELDS})
    row["conversions"] = 3

    response = client.post(
        f"/api/v1/campaigns/{spring.pk}/days",
        json.dumps({"rows": [row]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )

    assert response.status_code == 200, response.content
    change = latest(spring.location, kind="day")
    assert (change.source, change.token_id, change.user_id, change.actor) == (
        "api",
        token.pk,
        None,
        "API token “CRM sync”",
    )
    assert change.fields == {"conversions": [2, 3]}
    assert change.batch_id == response.json()["batch"]


def test_a_command_import_prints_its_batch_and_records_the_command(tmp_path, sunrise, spring):
    path = tmp_path / "week.csv"
    path.write_text(
        "date,campaign,impressions,clicks,leads,qualified_leads,hot_leads,conversions,revenue,spend\n"
        "2026-01-07,Spring Open House,10,1,1,0,0,0,0.00,5.00\n"
    )
    out = StringIO()

    call_command("import_metrics", sunrise.slug, str(path), stdout=out)

    with scopes_disabled():
        batch = ImportBatch.objects.get()
    assert f"batch {batch.pk}" in out.getvalue()
    assert batch.file_name == "week.csv"
    change = latest(sunrise, kind="day")
    assert change.source == "import" and change.actor.startswith("command")


def test_funnel_counts_record_old_and_new(spring):
    with history.acting(Source.SYSTEM):
        services.set_funnel(campaign=spring, counts={"awareness": 1000, "interest": 100})
        services.set_funnel(campaign=spring, counts={"interest": 80})

    interest = changes(spring.location, kind="funnel", stage="interest")
    assert [(c.action, c.fields) for c in interest] == [
        ("created", {"count": [None, 100]}),
        ("changed", {"count": [100, 80]}),
    ]


# --- Bulk writes ----------------------------------------------------------------------------------


def test_bulk_update_and_delete_through_querysets_are_recorded(spring_day):
    location = spring_day.campaign.location
    with scope(location):
        DailyMetric.objects.filter(pk=spring_day.pk).update(clicks=70)
        DailyMetric.objects.filter(pk=spring_day.pk).delete()

    updated, deleted = changes(location, kind="day")[-2:]
    assert (updated.action, updated.fields) == ("changed", {"clicks": [50, 70]})
    assert deleted.action == "deleted"
    assert deleted.fields["clicks"] == [70, None]
    assert deleted.fields["spend"] == ["120.50", None]


def test_a_write_that_changes_nothing_records_nothing(spring_day):
    before = len(changes(spring_day.campaign.location))

    services.record_day(campaign=spring_day.campaign, day=date(2026, 1, 5), **NUMBERS)

    assert len(changes(spring_day.campaign.location)) == before


# --- Kept, and scoped -----------------------------------------------------------------------------


def test_history_outlives_the_campaign_and_the_user(client, sunrise_manager, spring_day):
    spring = spring_day.campaign
    with history.acting(Source.FORM, user=sunrise_manager):
        services.record_day(campaign=spring, day=date(2026, 1, 5), **{**NUMBERS, "leads": 11})
    with scope(spring.location):
        Campaign.objects.get(pk=spring.pk).delete()
    with scopes_disabled():  # as the admin deletes a user
        sunrise_manager.delete()

    kept = changes(spring.location)
    assert [(c.kind, c.action) for c in kept][-2:] == [("day", "changed"), ("campaign", "deleted")]
    edit = kept[-2]
    assert (edit.user, edit.actor, edit.campaign_name) == (
        None,
        "sunrise-manager",
        "Spring Open House",
    )


def test_history_is_tenant_data_reached_only_through_a_scope(spring_day, harbor):
    with pytest.raises(ScopeError):
        list(Change.objects.all())
    with scope(harbor):
        assert not Change.objects.exists()
    with scope(spring_day.campaign.location):
        assert Change.objects.exists()


def test_a_queryset_delete_of_campaigns_records_each_with_its_fields(spring):
    with scope(spring.location):
        Campaign.objects.filter(pk=spring.pk).delete()

    deleted = latest(spring.location, kind="campaign")
    assert (deleted.action, deleted.campaign_ref) == ("deleted", spring.pk)
    assert set(deleted.fields) <= set(Campaign.HISTORY_FIELDS)
    assert deleted.fields["budget"] == ["5000.00", None]
