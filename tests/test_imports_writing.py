"""Committing an import (issue 8, finding 1): campaigns and days written with bulk statements in
one short transaction after the plan; a change made meanwhile is seen, never overwritten."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns import imports
from campaigns.imports import planning
from campaigns.models import Campaign, DailyMetric
from campaigns.tenancy import scopes_disabled
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "date,campaign,impressions,clicks,leads,qualified_leads,hot_leads,conversions,revenue,spend"
)


def new_campaigns_file(prefix: str, campaigns: int, days: int) -> imports.ParsedFile:
    lines = [HEADER]
    for number in range(campaigns):
        for offset in range(days):
            day = date(2026, 1, 2) + timedelta(days=offset)
            lines.append(f"{day},{prefix} {number},100,10,2,1,0,1,50.00,20.00")
    return imports.parse_csv(("\n".join(lines) + "\n").encode())


def test_creating_campaigns_takes_the_same_statements_for_5_or_50(sunrise):
    counts = []
    for size in (5, 50):
        parsed = new_campaigns_file(f"S{size}", size, days=3)
        with CaptureQueriesContext(connection) as queries:
            result = imports.commit_import(
                location=sunrise, parsed=parsed, create_missing=True, channel="email"
            )
        assert result.message.startswith(f"Imported {3 * size} days: {3 * size} added")
        counts.append(len(queries))

    assert counts[0] == counts[1]
    with scopes_disabled():
        assert Campaign.objects.filter(location=sunrise).count() == 55
        day = DailyMetric.objects.get(campaign__name="S50 49", date=date(2026, 1, 4))
    assert (day.impressions, day.revenue, day.location_id) == (100, Decimal("50.00"), sunrise.pk)
    # The campaigns to create are validated (before the write lock): one bad name, none written.
    parsed = imports.parse_csv(f"{HEADER}\n2026-01-05,{'N' * 201},1,1,1,0,0,0,0,0\n".encode())
    with pytest.raises(imports.ImportRefused, match=r"cannot be created: .*at most 200"):
        imports.commit_import(location=sunrise, parsed=parsed, create_missing=True, channel="sms")
    with scopes_disabled():
        assert Campaign.objects.filter(location=sunrise).count() == 55


def test_a_change_made_while_the_file_is_planned_is_seen_before_writing(sunrise):
    campaign = CampaignFactory(location=sunrise, name="Postcards", start_date=date(2026, 1, 1))
    parsed = imports.parse_csv(
        f"{HEADER}\n2026-01-05,Postcards,1,1,1,0,0,0,0,0\n2026-01-20,Postcards,1,1,1,0,0,0,0,0\n".encode()
    )
    notes = planning._currency_notes
    calls = []

    def someone_ends_the_campaign_meanwhile(*args):
        # The first plan has read the campaign; now someone else ends it on Jan 10.
        if not calls:
            with scopes_disabled():
                Campaign.objects.filter(pk=campaign.pk).update(end_date=date(2026, 1, 10))
        calls.append(1)
        return notes(*args)

    planning._currency_notes = someone_ends_the_campaign_meanwhile
    try:
        with pytest.raises(imports.ImportRefused, match="1 row of the file is refused") as error:
            imports.commit_import(location=sunrise, parsed=parsed)
    finally:
        planning._currency_notes = notes

    assert len(calls) == 2  # planned again after the check under the write lock
    [problem] = error.value.plan.refused
    assert problem.message == "2026-01-20 is after the campaign ended (2026-01-10)."
    with scopes_disabled():
        assert not DailyMetric.objects.filter(campaign=campaign).exists()
