"""Undoing an import batch (issue 12, item 2): exactly the values before it, all or nothing, and
refused (changing nothing) when a later write touched one of its days."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns import history, imports, rollups, services, tokens, undo
from campaigns.alerts import evaluate_alerts
from campaigns.models import Alert, Campaign, DailyMetric, ImportBatch, Source
from campaigns.tenancy import scope, scopes_disabled
from tests.factories import CampaignFactory, LocationFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "date,campaign,impressions,clicks,leads,qualified_leads,hot_leads,conversions,revenue,spend"
)
#: Replaces 13 Jan of the reference campaign, adds 15 and 16 Jan, and a new campaign's day.
FILE = "\n".join(
    [
        HEADER,
        "2026-01-13,January SMS Blast,9999,300,60,20,9,9,9999.99,1234.56",
        "2026-01-14,January SMS Blast,2500,130,30,8,3,3,4500.00,1300.00",
        "2026-01-15,January SMS Blast,100,10,2,1,0,0,0.00,10.10",
        "2026-01-16,January SMS Blast,200,20,4,2,1,1,100.00,20.20",
        "2026-01-15,Brand New Campaign,50,5,1,0,0,0,0.00,5.00",
    ]
)


def report_json(client, campaign) -> bytes:
    """The campaign's report JSON as the API answers it (its whole life)."""
    _, secret = tokens.issue_token(location=campaign.location, name=f"reader {campaign.pk}")
    response = client.get(
        f"/api/v1/campaigns/{campaign.pk}/report", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 200
    return response.content


def import_file(location, user, text: str = FILE) -> ImportBatch:
    with history.acting(Source.FORM, user=user):
        result = imports.commit_import(
            location=location,
            parsed=imports.parse_csv(text.encode()),
            create_missing=True,
            channel="sms",
            file_name="january.csv",
        )
    return result.batch


def stored_days(location) -> list[tuple]:
    with scope(location):
        return list(
            DailyMetric.objects.order_by("campaign_id", "date").values_list(
                "campaign_id", "date", *DailyMetric.NUMBER_FIELDS
            )
        )


def test_undo_restores_the_report_json_of_the_campaigns_it_touched_byte_for_byte(
    client, sunrise, sunrise_manager, reference_campaign
):
    before = report_json(client, reference_campaign)
    days_before = stored_days(sunrise)
    batch = import_file(sunrise, sunrise_manager)
    assert (batch.added, batch.replaced, batch.unchanged, batch.campaigns_created) == (3, 1, 1, 1)
    assert report_json(client, reference_campaign) != before

    result = undo.undo_batch(batch, user=sunrise_manager)

    assert report_json(client, reference_campaign) == before
    assert stored_days(sunrise) == days_before
    with scope(sunrise):
        assert not Campaign.objects.filter(name="Brand New Campaign").exists()
    assert result.message == (
        f"Undid batch {batch.pk}: 3 days removed, 1 day restored, "
        "1 campaign removed (“Brand New Campaign”)."
    )
    with scope(sunrise):
        batch.refresh_from_db()
    assert batch.undone_at is not None
    assert (batch.undone_by, batch.undone_by_name) == (sunrise_manager, "sunrise-manager")


def test_the_undo_is_recorded_in_the_history_of_its_batch(
    sunrise, sunrise_manager, reference_campaign
):
    batch = import_file(sunrise, sunrise_manager)

    undo.undo_batch(batch, user=sunrise_manager)

    with scope(sunrise):
        undone = batch.changes.filter(source=Source.UNDO).order_by("pk")
        actions = sorted((c.kind, c.action, str(c.day or "")) for c in undone)
    assert actions == [
        ("campaign", "deleted", ""),
        ("day", "changed", "2026-01-13"),
        ("day", "deleted", "2026-01-15"),  # the new campaign's day, removed before it
        ("day", "deleted", "2026-01-15"),
        ("day", "deleted", "2026-01-16"),
    ]
    deleted = next(c for c in undone if c.kind == "campaign")
    assert set(deleted.fields) <= set(Campaign.HISTORY_FIELDS)
    assert deleted.fields["name"] == ["Brand New Campaign", None]


def test_undo_is_refused_after_a_later_write_to_one_of_its_days(
    sunrise, sunrise_manager, reference_campaign
):
    batch = import_file(sunrise, sunrise_manager)
    with history.acting(Source.FORM, user=sunrise_manager):
        services.record_day(
            campaign=reference_campaign,
            day=date(2026, 1, 15),
            impressions=150,
            clicks=10,
            leads=2,
            spend=Decimal("10.10"),
        )
    days = stored_days(sunrise)

    with pytest.raises(undo.UndoRefused) as refused:
        undo.undo_batch(batch, user=sunrise_manager)

    assert refused.value.message.startswith(
        f"Batch {batch.pk} cannot be undone: what it wrote was changed since "
        "(“January SMS Blast” on 15 Jan 2026 changed by sunrise-manager (Form, "
    )
    assert [(c.campaign_name, c.day) for c in refused.value.conflicts] == [
        ("January SMS Blast", date(2026, 1, 15))
    ]
    assert stored_days(sunrise) == days
    with scope(sunrise):
        batch.refresh_from_db()
    assert batch.undone_at is None
    assert undo.later_changes(batch) == refused.value.conflicts


def test_a_later_write_to_other_days_does_not_block_the_undo(
    sunrise, sunrise_manager, reference_campaign
):
    batch = import_file(sunrise, sunrise_manager)
    services.record_day(campaign=reference_campaign, day=date(2026, 1, 20), leads=1)

    undo.undo_batch(batch, user=sunrise_manager)

    with scope(sunrise):
        assert DailyMetric.objects.filter(date=date(2026, 1, 20)).exists()
        assert not DailyMetric.objects.filter(date=date(2026, 1, 15)).exists()


def test_an_undone_batch_cannot_be_undone_again(sunrise, sunrise_manager, reference_campaign):
    batch = import_file(sunrise, sunrise_manager)
    undo.undo_batch(batch, user=sunrise_manager)

    with pytest.raises(
        undo.UndoRefused, match=rf"Batch {batch.pk} was already undone on .* by sunrise-manager\."
    ):
        undo.undo_batch(batch, user=sunrise_manager)


def test_a_created_campaign_that_something_else_refers_to_is_kept(
    sunrise, sunrise_manager, reference_campaign
):
    batch = import_file(sunrise, sunrise_manager)
    with scope(sunrise):
        created = Campaign.objects.get(name="Brand New Campaign")
    services.set_funnel(campaign=created, counts={"awareness": 10})

    result = undo.undo_batch(batch, user=sunrise_manager)

    assert result.campaigns_kept == ("Brand New Campaign",)
    assert "kept “Brand New Campaign”: other data refers to it" in result.message
    with scope(sunrise):
        assert not DailyMetric.objects.filter(campaign=created).exists()


def test_a_campaign_deleted_since_blocks_the_undo(sunrise, sunrise_manager, reference_campaign):
    batch = import_file(sunrise, sunrise_manager)
    with scope(sunrise):
        Campaign.objects.get(pk=reference_campaign.pk).delete()

    with pytest.raises(undo.UndoRefused, match="campaign “January SMS Blast” deleted"):
        undo.undo_batch(batch, user=sunrise_manager)


def test_an_api_push_is_undone_like_an_import(client, sunrise, reference_campaign):
    before = report_json(client, reference_campaign)
    _, secret = tokens.issue_token(location=sunrise, name="nightly")
    row = {
        "date": "2026-01-12",
        "impressions": 1,
        "clicks": 1,
        "leads": 1,
        "qualified_leads": 0,
        "hot_leads": 0,
        "conversions": 0,
        "revenue": "0.00",
        "spend": "1.00",
    }
    response = client.post(
        f"/api/v1/campaigns/{reference_campaign.pk}/days",
        {"rows": [row, {**row, "date": "2026-01-20"}]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    with scope(sunrise):
        batch = ImportBatch.objects.get(pk=response.json()["batch"])
    assert (batch.source, batch.actor, batch.added, batch.replaced) == (
        "api",
        "API token “nightly”",
        1,
        1,
    )

    undo.undo_batch(batch)

    assert report_json(client, reference_campaign) == before


def test_undo_import_command_undoes_and_refuses_with_the_reason(
    sunrise, sunrise_manager, reference_campaign
):
    first = import_file(sunrise, sunrise_manager)
    out = StringIO()

    call_command("undo_import", str(first.pk), stdout=out)

    assert out.getvalue().startswith(f"Sunrise Realty: Undid batch {first.pk}: 3 days removed")
    with pytest.raises(CommandError, match=f"Batch {first.pk} was already undone"):
        call_command("undo_import", str(first.pk))
    with pytest.raises(CommandError, match=r"No import batch 999999\."):
        call_command("undo_import", "999999")
    with scopes_disabled():
        assert ImportBatch.objects.get(pk=first.pk).undone_by_name.startswith("command")


# --- Any import, undone -------------------------------------------------------------------------

day_numbers = st.tuples(
    st.integers(0, 5000),  # impressions
    st.integers(0, 300),  # clicks
    st.integers(0, 50),  # leads
    st.decimals(min_value=0, max_value=5000, places=2),  # revenue
    st.decimals(min_value=0, max_value=900, places=2),  # spend
)
days_of = st.dictionaries(st.integers(0, 20), day_numbers, max_size=8)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    recorded=days_of,
    imported=st.dictionaries(st.integers(0, 20), day_numbers, min_size=1, max_size=8),
    new_campaign=days_of,
)
def test_undoing_any_import_gives_back_exactly_the_days_before(recorded, imported, new_campaign):
    location = LocationFactory()
    campaign = CampaignFactory(location=location, name="Kept", start_date=date(2026, 1, 1))
    for offset, numbers in recorded.items():
        services.record_day(campaign=campaign, day=date(2026, 1, 1 + offset), **as_day(numbers))
    before = stored_days(location)
    lines = [HEADER]
    for name, rows in (("Kept", imported), ("New", new_campaign)):
        for offset, (impressions, clicks, leads, revenue, spend) in rows.items():
            lines.append(
                f"2026-01-{1 + offset:02d},{name},{impressions},{clicks},{leads},0,0,0,"
                f"{revenue},{spend}"
            )
    result = imports.commit_import(
        location=location,
        parsed=imports.parse_csv("\n".join(lines).encode()),
        create_missing=True,
        channel="email",
    )
    if result.batch is None:  # the file changed nothing
        assert stored_days(location) == before
        return

    undo.undo_batch(result.batch)

    assert stored_days(location) == before
    with scope(location):
        assert list(Campaign.objects.values_list("name", flat=True)) == ["Kept"]
    assert rollups.differences(location.pk) == []
    assert history.unrecorded() == []


def as_day(numbers) -> dict:
    impressions, clicks, leads, revenue, spend = numbers
    return {
        "impressions": impressions,
        "clicks": clicks,
        "leads": leads,
        "revenue": revenue,
        "spend": spend,
    }


def test_alerts_raised_about_a_created_campaign_do_not_keep_it(
    sunrise, sunrise_manager, reference_campaign
):
    # Its one day five days ago: created active (not past), and its feed is stale after three.
    day = sunrise.today() - timedelta(days=5)
    text = f"{HEADER}\n{day:%Y-%m-%d},Brand New Campaign,50,5,1,0,0,0,0.00,5.00\n"
    batch = import_file(sunrise, sunrise_manager, text)
    with scope(sunrise):
        created = Campaign.objects.get(name="Brand New Campaign")
    assert created.status == Campaign.Status.ACTIVE
    opened, _ = evaluate_alerts(sunrise)
    with scope(sunrise):
        assert Alert.objects.get(campaign=created).kind == Alert.Kind.NO_DATA
    assert opened >= 1

    result = undo.undo_batch(batch, user=sunrise_manager)

    assert result.campaigns_removed == ("Brand New Campaign",)
    with scope(sunrise):
        assert not Campaign.objects.filter(pk=created.pk).exists()
        assert not Alert.objects.filter(campaign_id=created.pk).exists()
