"""The campaigns an import creates for the names it does not find: how they are made (their
dates from the file, no budget, completed when their last day is past) and what the plan says
of each. Planning builds unsaved stand-ins with ``new_campaign`` so the model's rules run on
their rows; writing saves them the same way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from campaigns.models import Campaign, Location

#: A campaign an import creates is completed, and ends on its last day in the file, when that
#: day is more than this many days before the location's today: a running campaign's export
#: ends a day or a few before it is made, while a week without a day is a campaign that ended.
#: A more recent one is active with no end date, so that its next days can still be imported.
PAST_CAMPAIGN_DAYS = 7


def is_past(last_day: date, today: date) -> bool:
    """Whether a campaign whose last day in the file is ``last_day`` is created completed."""
    return last_day < today - timedelta(days=PAST_CAMPAIGN_DAYS)


def new_campaign(
    *,
    location: Location,
    name: str,
    channel: str,
    first_day: date,
    last_day: date,
    completed: bool,
) -> Campaign:
    """A campaign an import creates (unsaved): from its first day in the file, with no budget
    (0: "no budget set"); completed and ending on its last day in the file when that is past."""
    return Campaign(
        location=location,
        name=name,
        channel=channel,
        budget=Decimal("0.00"),
        start_date=first_day,
        end_date=last_day if completed else None,
        status=Campaign.Status.COMPLETED if completed else Campaign.Status.ACTIVE,
        completed_at=timezone.now() if completed else None,
    )


@dataclass(frozen=True)
class MissingCampaign:
    """A campaign the file names that the location does not have."""

    name: str
    rows: tuple[int, ...]
    first_day: date
    similar: str = ""  # a campaign whose name differs only in case
    platform_id: str = ""  # the file's Campaign ID of it, stored on the campaign if created
    last_day: date | None = None  # its last day in the file
    completed: bool = False  # created completed: its last day is past (``is_past``)
