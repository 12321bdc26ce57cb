"""Print a campaign's performance report as text or as the report JSON."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from campaigns.analytics.reports import campaign_report, lifetime_period
from campaigns.analytics.results import CampaignReport
from campaigns.display import money, percent, ratio_x
from campaigns.models import Campaign, Location
from campaigns.periods import Period, parse_day
from campaigns.serialize import report_dict
from campaigns.tenancy import scope


class Command(BaseCommand):
    help = "Show a campaign's report: CAMPAIGN is its id or exact name within the location."

    def add_arguments(self, parser):
        parser.add_argument("location_slug")
        parser.add_argument("campaign", help="campaign id or exact name")
        parser.add_argument("--start", help="first day (YYYY-MM-DD); default: campaign start")
        parser.add_argument(
            "--end",
            help="last day (YYYY-MM-DD); default: campaign end or today, whichever is earlier",
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, location_slug, campaign, start, end, format, **options):
        location = Location.objects.filter(slug=location_slug).first()
        if location is None:
            raise CommandError(f"No location with slug “{location_slug}”.")
        with scope(location):
            found = Campaign.objects.for_location(location).filter(name=campaign).first()
            if found is None and campaign.isdigit():
                found = Campaign.objects.for_location(location).filter(pk=int(campaign)).first()
            if found is None:
                raise CommandError(f"No campaign “{campaign}” in {location.name}.")
            try:
                whole = lifetime_period(found)
                period = Period(
                    parse_day(start, "start") if start else whole.start,
                    parse_day(end, "end") if end else whole.end,
                ).up_to(location.today())
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            if period.notice:
                self.stderr.write(period.notice)
            report = campaign_report(found, period)
        if format == "json":
            self.stdout.write(json.dumps(report_dict(report), indent=2))
        else:
            self.stdout.write(render_text(report, location.currency))


def render_text(report: CampaignReport, currency: str) -> str:
    c, t, mx = report.campaign, report.totals, report.metrics
    lines = [
        f"{c.name} ({c.get_channel_display()}, {c.get_status_display().lower()})",
        f"Health:              {report.health.label}",
        *(f"  {reason}" for reason in report.health.reasons),
        f"Period: {report.period.start} to {report.period.end}",
        "",
        f"Budget:              {money(c.budget, currency)} "
        f"({percent(report.budget_used)} used, lifetime)",
        f"Spend / revenue:     {money(t.spend, currency)} / {money(t.revenue, currency)}",
        f"Profit:              {money(mx.profit, currency)} (margin {percent(mx.profit_margin)})",
        f"Leads:               {t.leads:,} ({t.qualified_leads:,} qualified, {t.hot_leads:,} hot)",
        f"Conversions:         {t.conversions:,}",
        f"Lead-to-conversion:  {percent(mx.conversion_rate)}",
        f"Cost per lead:       {money(mx.cost_per_lead, currency)}",
        f"Cost per conversion: {money(mx.cost_per_conversion, currency)}",
        f"ROI:                 {percent(mx.roi)} (ROAS {ratio_x(mx.roas)})",
        f"Funnel efficiency:   {percent(report.funnel.overall_efficiency, places=2)}"
        f" ({report.funnel.source})",
    ]
    if report.funnel.summary:
        lines.append(f"Funnel steps:        {report.funnel.summary}")
    lines.append("Targets (lifetime to date):")
    for target in report.targets.values():
        if target.target is None:
            lines.append(f"  {target.name:<12} no target set")
            continue
        if target.name == "roi":
            lines.append(f"  {target.name:<12} {target.sentence or target.why_not}")
            continue
        text = f"{target.actual:,} of {target.target:,}"
        detail = target.sentence or percent(target.achievement, places=0)
        lines.append(f"  {target.name:<12} {text} ({detail})")
    if report.pacing:
        lines.append(f"Pacing:              {report.pacing.sentence}")
    if report.recommendations:
        lines.append("Recommendations:")
        lines.extend(f"  [{r.priority}] {r.message}" for r in report.recommendations)
    return "\n".join(lines)
