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
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from campaigns import services
from campaigns.models import Campaign, DailyMetric, Location, Membership
from campaigns.tenancy import scope

DEFAULT_PASSWORD = "demo-password-2026"

LOCATIONS = [
    ("Sunrise Realty", "sunrise-realty", "location_sunrise01"),
    ("Harbor Homes", "harbor-homes", "location_harbor01"),
]
USERS = [
    ("sunrise-manager", [("sunrise-realty", "manager")]),
    ("sunrise-viewer", [("sunrise-realty", "viewer")]),
    ("harbor-manager", [("harbor-homes", "manager")]),
    ("harbor-viewer", [("harbor-homes", "viewer")]),
    ("agency-manager", [("sunrise-realty", "manager"), ("harbor-homes", "manager")]),
]

# Per channel: impressions a day, CTR, leads per click, qualified share, hot share of
# qualified, conversions per lead, revenue per conversion, spend a day.
PROFILES = {
    "sms": (3000, "0.05", "0.22", "0.3", "0.4", "0.10", 150, 160),
    "email": (5000, "0.03", "0.15", "0.35", "0.4", "0.12", 90, 60),
    "social": (12000, "0.012", "0.10", "0.25", "0.3", "0.06", 300, 140),
    "paid_ads": (9000, "0.02", "0.12", "0.3", "0.35", "0.07", 400, 260),
    "organic": (2500, "0.04", "0.08", "0.3", "0.3", "0.08", 200, 25),
}


class Demo(NamedTuple):
    """One demo campaign, its dates counted from the location's today, built to show ``state``.

    Its days are drawn with randomness seeded by its name, and recorded up to yesterday (or its
    end, or the day it was paused). Its targets and budget are its pace over those days carried
    over its whole term (before it starts, its plan's), so ``results`` and ``spend_pace`` say
    where it lands: 75 is a quarter behind what its targets expect by now, 125 a quarter ahead,
    well clear of the ±10 % bands whatever the day the demo is seeded on.
    """

    name: str
    channel: str
    status: str
    start_ago: int  # starts this many days before today (negative: in the future)
    end_in: int | None  # ends this many days after today (negative: it has ended; None: open)
    state: str  # the health it shows
    results: int | None = None  # leads and conversions, % of what targets expect
    roi_target: str | None = None  # as a multiple: 2.0 is an ROI of 200 %
    factor: str = "1.0"  # revenue per conversion against the channel's usual
    spend_pace: int = 100  # spend, % of what the budget plans for (it sizes the budget)
    budget: int | None = None  # a budget of its own (needed when open-ended)
    paused_ago: int | None = None  # paused this many days ago: nothing recorded since


ACTIVE, PAUSED, COMPLETED = "active", "paused", "completed"

CAMPAIGNS = {
    "sunrise-realty": [
        # Leads and conversions on plan, ROI above its target: on track.
        Demo(
            "Spring Listings SMS",
            "sms",
            ACTIVE,
            start_ago=120,
            end_in=30,
            state="on_track",
            results=100,
            roi_target="2.0",
            factor="1.2",
        ),
        # A strong ROI, but leads and conversions a quarter short: behind, time to recover.
        Demo(
            "Open House Email Series",
            "email",
            ACTIVE,
            start_ago=110,
            end_in=45,
            state="behind",
            results=75,
            roi_target="3.0",
            factor="1.3",
        ),
        # Short on everything in its last weeks: behind, red, a high recommendation.
        Demo(
            "Neighborhood Facebook Ads",
            "social",
            ACTIVE,
            start_ago=100,
            end_in=20,
            state="behind",
            results=70,
            roi_target="1.5",
            factor="0.6",
        ),
        # A quarter ahead on leads and conversions, ROI above its target: ahead.
        Demo(
            "Google Search — Buyers",
            "paid_ads",
            ACTIVE,
            start_ago=130,
            end_in=35,
            state="ahead",
            results=125,
            roi_target="1.0",
            factor="1.1",
        ),
        # Open-ended, no targets: on track, with nothing to judge it against.
        Demo(
            "Blog & SEO",
            "organic",
            ACTIVE,
            start_ago=180,
            end_in=None,
            state="on_track",
            budget=6000,
        ),
        # Starts in ten days: nothing recorded yet.
        Demo(
            "New Construction Launch",
            "paid_ads",
            ACTIVE,
            start_ago=-10,
            end_in=70,
            state="not_started",
            results=100,
            roi_target="1.5",
        ),
        # Paused three weeks ago, well within its budget.
        Demo(
            "Instagram Home Tours",
            "social",
            PAUSED,
            start_ago=150,
            end_in=40,
            state="paused",
            results=85,
            roi_target="1.0",
            factor="0.9",
            paused_ago=21,
        ),
        # Ended: one missed its targets and barely broke even, one met them.
        Demo(
            "Winter Sellers Retargeting",
            "paid_ads",
            COMPLETED,
            start_ago=260,
            end_in=-120,
            state="ended",
            results=90,
            roi_target="1.0",
            factor="0.45",
            spend_pace=97,
        ),
        Demo(
            "Holiday Newsletter",
            "email",
            COMPLETED,
            start_ago=230,
            end_in=-130,
            state="ended",
            results=110,
            roi_target="2.0",
            factor="1.4",
            spend_pace=90,
        ),
    ],
    "harbor-homes": [
        # Results on plan, but spending a quarter faster than its budget allows: a warning.
        Demo(
            "Waterfront Condos SMS",
            "sms",
            ACTIVE,
            start_ago=95,
            end_in=60,
            state="on_track",
            results=100,
            roi_target="1.7",
            spend_pace=125,
        ),
        Demo(
            "First-Time Buyer Guide Email",
            "email",
            ACTIVE,
            start_ago=125,
            end_in=25,
            state="ahead",
            results=125,
            roi_target="2.5",
            factor="1.2",
        ),
        Demo(
            "Harbor Lifestyle Reels",
            "social",
            ACTIVE,
            start_ago=105,
            end_in=30,
            state="behind",
            results=80,
            roi_target="1.0",
            factor="0.8",
        ),
        Demo(
            "Search Ads — Sellers",
            "paid_ads",
            ACTIVE,
            start_ago=140,
            end_in=20,
            state="on_track",
            results=100,
            roi_target="0.55",
            factor="0.7",
        ),
        Demo(
            "Local SEO Pages",
            "organic",
            ACTIVE,
            start_ago=200,
            end_in=None,
            state="on_track",
            budget=6000,
        ),
        Demo(
            "Autumn Open Houses",
            "sms",
            COMPLETED,
            start_ago=240,
            end_in=-110,
            state="ended",
            results=105,
            roi_target="2.0",
            factor="1.1",
            spend_pace=95,
        ),
        Demo(
            "Display Retargeting",
            "paid_ads",
            COMPLETED,
            start_ago=250,
            end_in=-120,
            state="ended",
            results=85,
            roi_target="1.0",
            factor="0.4",
            spend_pace=95,
        ),
        # Paused a month ago, after spending well over twice its $3,000 budget: over budget.
        Demo(
            "Community Newsletter",
            "email",
            PAUSED,
            start_ago=160,
            end_in=45,
            state="over_budget",
            results=100,
            roi_target="2.0",
            factor="1.3",
            budget=3000,
            paused_ago=30,
        ),
    ],
}

REFERENCE = {
    "name": "January SMS Blast",
    "channel": "sms",
    "status": "completed",
    "budget": Decimal("5000.00"),
    "start_date": date(2026, 1, 1),
    "end_date": date(2026, 1, 31),
    "target_leads": 150,
    "target_conversions": 15,
    "target_roi": Decimal("2.5"),
}
# Three days whose totals are PRODUCT.md's reference example.
REFERENCE_DAYS = [
    (date(2026, 1, 12), 4000, 200, 50, 12, 5, 5, "7500.00", "2000.00"),
    (date(2026, 1, 13), 3500, 170, 40, 10, 4, 4, "6000.00", "1700.00"),
    (date(2026, 1, 14), 2500, 130, 30, 8, 3, 3, "4500.00", "1300.00"),
]
REFERENCE_FUNNEL = {
    "awareness": 10000,
    "interest": 500,
    "consideration": 120,
    "intent": 30,
    "conversion": 12,
}


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
        locations = {}
        for name, slug, external_id in LOCATIONS:
            locations[slug], _ = Location.objects.update_or_create(
                slug=slug, defaults={"name": name, "external_id": external_id}
            )
        users = get_user_model().objects
        for username, roles in USERS:
            user, _ = users.get_or_create(username=username)
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

        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins (password for all):"))
        self.stdout.write(f"  password: {password}")
        for username, roles in USERS:
            where = ", ".join(f"{role} of {slug}" for slug, role in roles)
            self.stdout.write(f"  {username:<16} {where}")
        self.stdout.write("  admin            superuser (Django admin at /admin/)")


def seed_campaign(location: Location, today: date, demo: Demo) -> Campaign:
    start = today - timedelta(days=demo.start_ago)
    end = today + timedelta(days=demo.end_in) if demo.end_in is not None else None
    if end is None and demo.budget is None:
        raise ValueError(f"{demo.name}: an open-ended demo campaign needs a budget of its own.")
    last = today - timedelta(days=1)  # today is not over: nothing recorded for it yet
    if end is not None:
        last = min(last, end)
    if demo.paused_ago is not None:
        last = min(last, today - timedelta(days=demo.paused_ago))
    rng = random.Random(f"{location.slug}/{demo.name}")
    factor = Decimal(demo.factor)
    term = [
        daily_row(rng, demo.channel, factor, start + timedelta(days=offset))
        for offset in range(((end or last) - start).days + 1)
    ]
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
