"""Create (or refresh) the demo: two locations, their users, campaigns and 90+ days of data.

Idempotent: running it again updates the same rows. Randomness is seeded per campaign, so a
run on a given day always writes the same numbers. Sunrise Realty also holds the reference
campaign "January SMS Blast" with exactly the numbers of PRODUCT.md.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

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

# name, channel, status, start (days ago), end (days from now; None = open), budget,
# ambition of the leads and conversions targets (100 = exactly the channel's usual pace),
# ROI target, performance factor (revenue multiplier).
CAMPAIGNS = {
    "sunrise-realty": [
        ("Spring Listings SMS", "sms", "active", 120, 30, 25000, 95, "2.0", "1.2"),
        ("Open House Email Series", "email", "active", 110, 45, 9000, 130, "3.0", "1.3"),
        ("Neighborhood Facebook Ads", "social", "active", 100, 20, 18000, 140, "1.5", "0.6"),
        ("Google Search — Buyers", "paid_ads", "active", 130, 35, 40000, 100, "1.5", "1.0"),
        ("Blog & SEO", "organic", "active", 180, None, 6000, None, None, "1.1"),
        (
            "Winter Sellers Retargeting",
            "paid_ads",
            "completed",
            260,
            -120,
            30000,
            110,
            "1.0",
            "0.45",
        ),
        ("Holiday Newsletter", "email", "completed", 230, -130, 4000, 90, "2.0", "1.4"),
        ("Instagram Home Tours", "social", "paused", 150, 40, 12000, 120, "1.0", "0.9"),
    ],
    "harbor-homes": [
        ("Waterfront Condos SMS", "sms", "active", 95, 60, 15000, 100, "2.0", "1.0"),
        ("First-Time Buyer Guide Email", "email", "active", 125, 25, 7000, 80, "2.5", "1.2"),
        ("Harbor Lifestyle Reels", "social", "active", 105, 30, 14000, 125, "1.0", "0.8"),
        ("Search Ads — Sellers", "paid_ads", "active", 140, 20, 35000, 105, "1.5", "0.7"),
        ("Local SEO Pages", "organic", "active", 200, None, 5000, None, None, "1.2"),
        ("Autumn Open Houses", "sms", "completed", 240, -110, 10000, 100, "2.0", "1.1"),
        ("Display Retargeting", "paid_ads", "completed", 250, -120, 20000, 110, "1.0", "0.4"),
        ("Community Newsletter", "email", "paused", 160, 45, 3000, 100, "2.0", "1.3"),
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
            for spec in CAMPAIGNS[slug]:
                seed_campaign(location, today, *spec)
        seed_reference(locations["sunrise-realty"])

        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins (password for all):"))
        self.stdout.write(f"  password: {password}")
        for username, roles in USERS:
            where = ", ".join(f"{role} of {slug}" for slug, role in roles)
            self.stdout.write(f"  {username:<16} {where}")
        self.stdout.write("  admin            superuser (Django admin at /admin/)")


def seed_campaign(
    location,
    today,
    name,
    channel,
    status,
    start_ago,
    end_in,
    budget,
    ambition,
    roi_target,
    factor,
) -> Campaign:
    start = today - timedelta(days=start_ago)
    end = today + timedelta(days=end_in) if end_in is not None else None
    impressions, ctr, lead_rate, _, _, conversion_rate, _, _ = PROFILES[channel]
    leads_a_day = impressions * Decimal(ctr) * Decimal(lead_rate) * Decimal("0.93")
    days = (end - start).days + 1 if end else None

    def target(per_day):
        return int(per_day * days * ambition / 100) if days and ambition else None

    fields = {
        "channel": channel,
        "status": status,
        "budget": Decimal(budget),
        "start_date": start,
        "end_date": end,
        "target_leads": target(leads_a_day),
        "target_conversions": target(leads_a_day * Decimal(conversion_rate)),
        "target_roi": Decimal(roi_target) if roi_target else None,
    }
    campaign = upsert_campaign(location, name, fields)
    last_day = min(today - timedelta(days=1), end) if end else today - timedelta(days=1)
    rng = random.Random(f"{location.slug}/{name}")
    rows = [
        daily_row(rng, channel, Decimal(factor), start + timedelta(days=offset))
        for offset in range((last_day - start).days + 1)
    ]
    services.record_days(campaign=campaign, rows=rows)
    return campaign


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
