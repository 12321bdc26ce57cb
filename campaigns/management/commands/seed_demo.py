"""Create (or refresh) the demo: two locations, their users, campaigns and 90+ days of data.

Between them the campaigns show every campaign health (not started, on track, ahead, behind,
over budget, paused, ended), each well inside its state on whatever day the demo is seeded.
Idempotent: running it again updates the same rows (and drops days a run on another day
recorded outside the campaign's days). Randomness is seeded per campaign, so a run on a given
day always writes the same numbers. Sunrise Realty also holds the reference campaign "January
SMS Blast" with exactly the numbers of PRODUCT.md.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from campaigns import history, services
from campaigns.alerts import evaluate_alerts
from campaigns.demo_data import (
    CAMPAIGNS,
    DEFAULT_PASSWORD,
    LOCATIONS,
    PROFILES,
    REFERENCE,
    REFERENCE_DAYS,
    REFERENCE_FUNNEL,
    USERS,
    Demo,
)
from campaigns.models import Campaign, DailyMetric, Location, Membership, Source
from campaigns.tenancy import scope


class Command(BaseCommand):
    help = "Create or refresh the demo locations, users, campaigns and daily data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"password of every demo user (default: {DEFAULT_PASSWORD})",
        )

    @transaction.atomic
    def handle(self, *args, password, **options):
        with history.acting(Source.COMMAND):  # the demo data's history says it was seeded
            self.seed(password)

    def seed(self, password):
        locations = {}
        for name, slug, external_id in LOCATIONS:
            locations[slug], _ = Location.objects.update_or_create(
                slug=slug, defaults={"name": name, "external_id": external_id}
            )
        users = get_user_model().objects
        for username, roles in USERS:
            user, _ = users.get_or_create(username=username)
            # An address at example.com (reserved, never delivered): "Send a test now" and
            # the alert e-mails have somewhere to go, printed by the console mailer.
            user.email = user.email or f"{username}@example.com"
            user.set_password(password)
            user.save()
            for slug, role in roles:
                Membership.objects.update_or_create(
                    user=user, location=locations[slug], defaults={"role": role}
                )
        admin, _ = users.get_or_create(username="admin", defaults={"email": "admin@example.com"})
        admin.is_staff = admin.is_superuser = True
        admin.set_password(password)
        admin.save()

        for slug, location in locations.items():
            today = location.today()
            for demo in CAMPAIGNS[slug]:
                seed_campaign(location, today, demo)
        seed_reference(locations["sunrise-realty"])
        for location in locations.values():
            evaluate_alerts(location)  # the inbox shows the demo's alerts right away

        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins (password for all):"))
        self.stdout.write(f"  password: {password}")
        for username, roles in USERS:
            where = ", ".join(f"{role} of {slug}" for slug, role in roles)
            self.stdout.write(f"  {username:<16} {where}")
        self.stdout.write("  admin            superuser (Django admin at /admin/)")


def seed_campaign(location: Location, today: date, demo: Demo) -> Campaign:
    start, end, last = demo_dates(today, demo)
    term = demo_term(location.slug, demo, start, end or last)
    rows = [row for row in term if row["date"] <= last]
    # Targets and budget: its pace so far (before it starts, its plan's) over its whole term.
    so_far = rows or term

    def over_term(field: str, percent: int) -> Decimal:
        total = Decimal(sum(row[field] for row in so_far))
        return total * len(term) / len(so_far) * 100 / percent

    def target(field: str) -> int | None:
        if end is None or demo.results is None:
            return None
        value = over_term(field, demo.results)
        return int(round(value, -1 if value >= 1000 else 0))

    fields = {
        "channel": demo.channel,
        "status": demo.status,
        "budget": Decimal(demo.budget or rounded(over_term("spend", demo.spend_pace))),
        "start_date": start,
        "end_date": end,
        "target_leads": target("leads"),
        "target_conversions": target("conversions"),
        "target_roi": Decimal(demo.roi_target) if demo.roi_target else None,
    }
    campaign = upsert_campaign(location, demo.name, fields)
    with scope(location):
        # Days recorded by a run on another day, outside this run's days: gone.
        DailyMetric.objects.filter(campaign=campaign).exclude(
            date__gte=start, date__lte=last
        ).delete()
    services.record_days(campaign=campaign, rows=rows)
    return campaign


def demo_dates(today: date, demo: Demo) -> tuple[date, date | None, date]:
    """A demo campaign's start, end (None: open-ended) and last recorded day, seeded on
    ``today``: up to yesterday, its end, the day it was paused, or its end less the days
    left for the sample import."""
    start = today - timedelta(days=demo.start_ago)
    end = today + timedelta(days=demo.end_in) if demo.end_in is not None else None
    if end is None and demo.budget is None:
        raise ValueError(f"{demo.name}: an open-ended demo campaign needs a budget of its own.")
    last = today - timedelta(days=1)  # today is not over: nothing recorded for it yet
    if end is not None:
        last = min(last, end)
    if demo.paused_ago is not None:
        last = min(last, today - timedelta(days=demo.paused_ago))
    if demo.unrecorded:
        if end is None:
            raise ValueError(f"{demo.name}: days left unrecorded need an end date.")
        last = min(last, end - timedelta(days=demo.unrecorded))
    return start, end, last


def demo_term(slug: str, demo: Demo, start: date, end: date) -> list[dict]:
    """Its days from ``start`` to ``end``, drawn with randomness seeded by its name: the same
    numbers for the same dates on every run."""
    rng = random.Random(f"{slug}/{demo.name}")
    factor = Decimal(demo.factor)
    return [
        daily_row(rng, demo.channel, factor, start + timedelta(days=offset))
        for offset in range((end - start).days + 1)
    ]


def rounded(amount: Decimal) -> int:
    """A budget as a person sets it: to the nearest $500 ($100 under $10,000)."""
    step = 500 if amount >= 10000 else 100
    return round(amount / step) * step


def upsert_campaign(location, name, fields) -> Campaign:
    with scope(location):
        campaign = Campaign.objects.for_location(location).filter(name=name).first()
        if campaign is None:
            campaign = services.create_campaign(location=location, name=name, **fields)
        else:
            for key, value in fields.items():
                setattr(campaign, key, value)
            campaign.full_clean()
            campaign.save()
        if campaign.status == Campaign.Status.COMPLETED and campaign.completed_at is None:
            campaign.status = Campaign.Status.ACTIVE
            services.complete_campaign(campaign=campaign)
    return campaign


def daily_row(rng: random.Random, channel: str, factor: Decimal, day: date) -> dict:
    impressions, ctr, lead_rate, qualified, hot, conv, revenue_each, spend = PROFILES[channel]
    weekday = Decimal("0.75") if day.weekday() >= 5 else Decimal("1")

    def jitter() -> Decimal:
        return Decimal(str(round(rng.uniform(0.7, 1.3), 3)))

    shown = int(impressions * weekday * jitter())
    clicks = int(shown * Decimal(ctr) * jitter())
    leads = int(clicks * Decimal(lead_rate) * jitter())
    qualified_leads = min(leads, int(leads * Decimal(qualified) * jitter() + Decimal("0.5")))
    hot_leads = min(qualified_leads, int(qualified_leads * Decimal(hot) * jitter()))
    conversions = int(leads * Decimal(conv) * jitter() + Decimal(str(rng.random())))
    revenue = (conversions * revenue_each * factor * jitter()).quantize(Decimal("0.01"))
    cost = (spend * weekday * jitter()).quantize(Decimal("0.01"))
    return {
        "date": day,
        "impressions": shown,
        "clicks": clicks,
        "leads": leads,
        "qualified_leads": qualified_leads,
        "hot_leads": hot_leads,
        "conversions": conversions,
        "revenue": revenue,
        "spend": cost,
    }


def seed_reference(location) -> Campaign:
    fields = {k: v for k, v in REFERENCE.items() if k != "name"}
    campaign = upsert_campaign(location, REFERENCE["name"], fields)
    columns = ["date", *DailyMetric.NUMBER_FIELDS]
    rows = [dict(zip(columns, day, strict=True)) for day in REFERENCE_DAYS]
    for row in rows:
        row["revenue"], row["spend"] = Decimal(row["revenue"]), Decimal(row["spend"])
    services.record_days(campaign=campaign, rows=rows)
    services.set_funnel(campaign=campaign, counts=REFERENCE_FUNNEL)
    return campaign
