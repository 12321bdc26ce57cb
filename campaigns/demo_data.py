"""The demo's data: locations, users, channel profiles, the campaigns (one or more in every
campaign health) and the reference campaign of PRODUCT.md. ``seed_demo`` writes them."""

from datetime import date
from decimal import Decimal
from typing import NamedTuple

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
    end, or the day it was paused, or ``unrecorded`` days before its end). Its targets and
    budget are its pace over those days carried over its whole term (before it starts, its
    plan's), so ``results`` and ``spend_pace`` say where it lands: 75 is a quarter behind what
    its targets expect by now, 125 a quarter ahead, well clear of the ±10 % bands whatever the
    day the demo is seeded on.
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
    unrecorded: int = 0  # its last days left out: the README's sample import brings them


ACTIVE, PAUSED, COMPLETED = "active", "paused", "completed"

#: The demo campaigns the README's sample files (``manage.py demo_samples``) are made for, in
#: Sunrise Realty: ours, a Google Ads export and a Meta Ads Manager export.
SAMPLE_IMPORT_CAMPAIGN = "Sample Import — Open House SMS"
SAMPLE_GOOGLE_ADS_CAMPAIGN = "Google Search — Buyers"
SAMPLE_META_CAMPAIGN = "Neighborhood Facebook Ads"

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
        # Paused 70 days ago, well within its budget.
        Demo(
            "Instagram Home Tours",
            "social",
            PAUSED,
            start_ago=170,
            end_in=40,
            state="paused",
            results=85,
            roi_target="1.0",
            factor="0.9",
            paused_ago=70,  # before the last 60 days: the 30-day changes are the running ones
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
        # Made for the README's sample import (``manage.py demo_samples``): ended 75 days ago,
        # its last three days not recorded yet. The sample adds them and it stays within budget.
        # It ended before the last 60 days, so the location's 7- and 30-day changes are the
        # running campaigns' own, not the sample's end or gap.
        Demo(
            SAMPLE_IMPORT_CAMPAIGN,
            "sms",
            COMPLETED,
            start_ago=180,
            end_in=-75,
            state="ended",
            results=100,
            roi_target="2.0",
            factor="1.1",
            spend_pace=90,
            unrecorded=3,
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
        # Paused 70 days ago, after spending well over twice its $3,000 budget: over budget.
        Demo(
            "Community Newsletter",
            "email",
            PAUSED,
            start_ago=190,
            end_in=45,
            state="over_budget",
            results=100,
            roi_target="2.0",
            factor="1.3",
            budget=3000,
            paused_ago=70,
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
