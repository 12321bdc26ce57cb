"""Write the README's sample import files for the demo as it is seeded (``make run`` runs it).

Each file previews and commits against the demo with no refused row and no campaign missing,
and leaves the reference campaign "January SMS Blast" alone:

- ``ours.csv`` (our format): the last three days of "Sample Import — Open House SMS", which the
  demo leaves unrecorded for it: three days added, with the numbers the demo planned;
- ``google_ads_daily.csv`` (a Google Ads daily campaign report, title and total rows included)
  and ``meta_ads_daily.csv`` (a Meta Ads Manager export, summary row included): the last seven
  recorded days of "Google Search — Buyers" and "Neighborhood Facebook Ads", as the platform
  reports them, with one conversion it attributed late to the latest day: that day replaced,
  the other six unchanged.

Dates come from the database (the demo's campaigns are dated from the day it was seeded), so
the files fit the demo until it is seeded again; ``make run`` writes them again each time.
"""

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from campaigns.demo_data import (
    CAMPAIGNS,
    PROFILES,
    SAMPLE_GOOGLE_ADS_CAMPAIGN,
    SAMPLE_IMPORT_CAMPAIGN,
    SAMPLE_META_CAMPAIGN,
)
from campaigns.management.commands.seed_demo import demo_term
from campaigns.models import Campaign, DailyMetric, Location
from campaigns.tenancy import scope

LOCATION = "sunrise-realty"
OURS_COLUMNS = ["date", "campaign", *DailyMetric.NUMBER_FIELDS]
#: The days of a platform export: a week, as "Last 7 days" in Google Ads and Meta.
EXPORT_DAYS = 7


class Command(BaseCommand):
    help = (
        "Write the sample import files for today's demo (ours, Google Ads, Meta Ads Manager) "
        "into a folder, var/samples/ by default."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            default=str(Path(settings.BASE_DIR) / "var" / "samples"),
            help="folder to write them into (created if needed; default: var/samples/)",
        )

    def handle(self, *args, to, **options):
        location = Location.objects.filter(slug=LOCATION).first()
        if location is None:
            raise CommandError("No demo yet: run `manage.py seed_demo` first.")
        paths = write_samples(location, Path(to))
        self.stdout.write("Sample imports for the demo (README, “Importing data”):")
        for path in paths:
            self.stdout.write(f"  {path}")


def write_samples(location: Location, folder: Path) -> list[Path]:
    """Write the three sample files into ``folder``; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    with scope(location):
        samples = {
            "ours.csv": ours_sample(location),
            "google_ads_daily.csv": google_ads_sample(location),
            "meta_ads_daily.csv": meta_ads_sample(location),
        }
    paths = []
    for name, text in samples.items():
        path = folder / name
        path.write_text(text, encoding="utf-8", newline="")
        paths.append(path)
    return paths


def demo_campaign(location: Location, name: str) -> Campaign:
    campaign = Campaign.objects.for_location(location).filter(name=name).first()
    if campaign is None:
        raise CommandError(f"The demo has no “{name}”: run `manage.py seed_demo` again.")
    return campaign


def ours_sample(location: Location) -> str:
    """The days the demo left unrecorded at the end of the sample campaign, as it planned them."""
    campaign = demo_campaign(location, SAMPLE_IMPORT_CAMPAIGN)
    [demo] = [d for d in CAMPAIGNS[location.slug] if d.name == SAMPLE_IMPORT_CAMPAIGN]
    term = demo_term(location.slug, demo, campaign.start_date, campaign.end_date)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(OURS_COLUMNS)
    for row in term[-demo.unrecorded :]:
        writer.writerow(
            [row["date"].isoformat(), campaign.name]
            + [row[field] for field in DailyMetric.NUMBER_FIELDS]
        )
    return out.getvalue()


def exported_days(location: Location, campaign: Campaign) -> list[dict]:
    """The campaign's last recorded days before today, oldest first, as a platform reports
    them: our numbers, and one conversion more on the latest day (attributed late)."""
    days = list(
        DailyMetric.objects.filter(campaign=campaign, date__lt=location.today())
        .order_by("-date")
        .values("date", *DailyMetric.NUMBER_FIELDS)[:EXPORT_DAYS]
    )
    if not days:
        raise CommandError(f"The demo has no days of “{campaign.name}”: seed it again.")
    days.reverse()
    [demo] = [d for d in CAMPAIGNS[location.slug] if d.name == campaign.name]
    value = (PROFILES[demo.channel][6] * Decimal(demo.factor)).quantize(Decimal("0.01"))
    days[-1]["conversions"] += 1
    days[-1]["revenue"] += value
    return days


def money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def google_ads_sample(location: Location) -> str:
    """A Google Ads daily campaign report: title lines, a row per day, total rows."""
    campaign = demo_campaign(location, SAMPLE_GOOGLE_ADS_CAMPAIGN)
    days = exported_days(location, campaign)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Campaign report"])
    writer.writerow([f"{long_date(days[0]['date'])} - {long_date(days[-1]['date'])}"])
    header = ["Day", "Campaign", "Currency code", "Impr.", "Clicks", "Cost"]
    writer.writerow([*header, "Conversions", "Conv. value"])
    for day in days:
        writer.writerow(google_row(day["date"].isoformat(), campaign.name, day))
    totals = {f: sum(day[f] for day in days) for f in DailyMetric.NUMBER_FIELDS}
    writer.writerow(google_row("Total: Account", "--", totals))
    writer.writerow(google_row("Total: Search", "--", totals))
    return out.getvalue()


def google_row(first: str, name: str, day: dict) -> list[str]:
    return [
        first,
        name,
        "USD",
        f"{day['impressions']:,}",
        f"{day['clicks']:,}",
        money(day["spend"]),
        f"{day['conversions']:.2f}",
        money(day["revenue"]),
    ]


def long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def meta_ads_sample(location: Location) -> str:
    """A Meta Ads Manager export by day: its summary row first, then a row per day."""
    campaign = demo_campaign(location, SAMPLE_META_CAMPAIGN)
    days = exported_days(location, campaign)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "Reporting starts",
            "Reporting ends",
            "Campaign name",
            "Campaign delivery",
            "Attribution setting",
            "Results",
            "Result indicator",
            "Reach",
            "Impressions",
            "Cost per results",
            "Amount spent (USD)",
            "Link clicks",
            "Purchases",
            "Purchase conversion value",
            "Ends",
        ]
    )
    totals = {f: sum(day[f] for day in days) for f in DailyMetric.NUMBER_FIELDS}
    first, last = days[0]["date"], days[-1]["date"]
    ends = campaign.end_date.isoformat() if campaign.end_date else "Ongoing"
    writer.writerow(meta_row(first, last, "", totals, ends=""))
    for day in days:
        writer.writerow(meta_row(day["date"], day["date"], campaign.name, day, ends=ends))
    return out.getvalue()


def meta_row(start: date, end: date, name: str, day: dict, *, ends: str) -> list:
    """A row of the export; without a campaign name, its summary row (totals, no results)."""
    summary = not name
    leads, spend = day["leads"], day["spend"]
    return [
        start.isoformat(),
        end.isoformat(),
        name,
        "" if summary else "active",
        "" if summary else "7-day click or 1-day view",
        "" if summary else leads,
        "" if summary else "actions:onsite_conversion.lead_grouped",
        day["impressions"] * 7 // 10,  # reach: people, fewer than impressions
        day["impressions"],
        "" if summary or not leads else f"{spend / leads:.2f}",
        f"{spend:.2f}",
        day["clicks"],
        day["conversions"] or "",
        f"{day['revenue']:.2f}" if day["revenue"] else "",
        ends,
    ]
