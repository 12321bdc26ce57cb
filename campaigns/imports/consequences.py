"""What committing an import would change in campaign health, said before the commit: each
campaign whose one health the file's days change (before → after), and each campaign it would
create.

"After" is the lifetime rollup (``figures.lifetime_totals``) plus the plan's differences (a day
added adds its numbers; a day replaced adds new − old), judged by ``analytics.judgement`` as
every page judges it: one query whatever the size of the file, and no second notion of health.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from campaigns.analytics import judgement
from campaigns.analytics.figures import Totals, lifetime_totals
from campaigns.analytics.results import OVER_BUDGET, Health
from campaigns.display import money
from campaigns.imports.creating import PAST_CAMPAIGN_DAYS, MissingCampaign
from campaigns.imports.planning import NUMBER_FIELDS, ImportPlan, PlannedDay
from campaigns.models import Campaign
from campaigns.tenancy import scope


@dataclass(frozen=True)
class HealthChange:
    """A campaign whose health the commit would change, with its lifetime spend after it."""

    campaign: str
    before: Health
    after: Health
    spend: Decimal
    budget: Decimal
    currency: str

    @property
    def sentence(self) -> str:
        """ "Pushes “January SMS Blast” over budget: $7,420.00 of $5,000.00", "Moves “X” from
        behind to on track"."""
        spent = f"{money(self.spend, self.currency)} of {money(self.budget, self.currency)}"
        if self.after.state == OVER_BUDGET:
            return f"Pushes “{self.campaign}” over budget: {spent}"
        text = (
            f"Moves “{self.campaign}” from {self.before.label.lower()} to "
            f"{self.after.label.lower()}"
        )
        return f"{text}: {spent}" if self.before.state == OVER_BUDGET else text


def health_changes(plan: ImportPlan, *, today: date | None = None) -> list[HealthChange]:
    """The campaigns whose health the plan's days added and replaced change, by name: their
    lifetime totals in one query, the plan's differences added in Python."""
    location = plan.location
    by_campaign: dict[int, list[PlannedDay]] = defaultdict(list)
    for day in (*plan.added, *plan.replaced):
        by_campaign[day.campaign.pk].append(day)
    if location is None or not by_campaign:
        return []
    today = today or location.today()
    with scope(location):
        lifetime = lifetime_totals(location=location, campaign__in=list(by_campaign))
    changes = []
    for pk, days in by_campaign.items():
        campaign = days[0].campaign
        before = lifetime.get(pk, Totals())
        after = before + _difference(days)
        old, new = _health(campaign, before, today), _health(campaign, after, today)
        if old.state != new.state:
            changes.append(
                HealthChange(
                    campaign.name, old, new, after.spend, campaign.budget, location.currency
                )
            )
    return sorted(changes, key=lambda change: change.campaign)


def _difference(days: list[PlannedDay]) -> Totals:
    """What the days change in a campaign's lifetime totals: new − old, summed per number."""
    new = [sum(column) for column in zip(*(d.numbers for d in days), strict=True)]
    recorded = [d.recorded for d in days if d.recorded is not None]
    old = [sum(column) for column in zip(*recorded, strict=True)] if recorded else [0] * len(new)
    return Totals(**{name: a - b for name, a, b in zip(NUMBER_FIELDS, new, old, strict=True)})


def _health(campaign: Campaign, lifetime: Totals, today: date) -> Health:
    pacing = judgement.pacing(campaign, lifetime, today)
    targets = judgement.targets(campaign, lifetime, today)
    return judgement.health(campaign, lifetime, pacing, targets, today)


def creation(missing: MissingCampaign) -> str:
    """How a campaign the import would create is created, in a sentence."""
    first = f"{missing.first_day:%b %-d, %Y}"
    if missing.completed:
        return (
            f"Creates “{missing.name}”, completed: {first} – {missing.last_day:%b %-d, %Y} (its "
            f"last day is more than {PAST_CAMPAIGN_DAYS} days ago), no budget"
        )
    return f"Creates “{missing.name}”, active from {first} with no end date, no budget"
