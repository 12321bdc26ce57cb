"""Render a location's report e-mail (with its PDF) and send it now, synchronously."""

import smtplib

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Location
from campaigns.periods import Period, parse_day
from campaigns.reporting import REPORT_PERIODS, build_report_email, manager_addresses
from campaigns.reporting.mail import clean_addresses
from campaigns.reporting.periods import DEFAULT_REPORT_PERIOD, period_dates, report_period


class Command(BaseCommand):
    help = (
        "Send a location's report now: to the --to addresses, or else to the location's "
        "managers. No worker needed."
    )

    def add_arguments(self, parser):
        parser.add_argument("location_slug")
        parser.add_argument(
            "--to",
            action="append",
            default=[],
            metavar="EMAIL",
            help="a recipient (repeat for several); default: the location's managers",
        )
        parser.add_argument("--period", choices=list(REPORT_PERIODS), default=DEFAULT_REPORT_PERIOD)
        parser.add_argument("--start", help="first day (YYYY-MM-DD), with --end: custom dates")
        parser.add_argument("--end", help="last day (YYYY-MM-DD), with --start")

    def handle(self, *args, location_slug, to, period, start, end, **options):
        location = Location.objects.filter(slug=location_slug).first()
        if location is None:
            raise CommandError(f"No location with slug “{location_slug}”.")
        try:
            chosen = self.period(location, period, start, end)
            recipients = clean_addresses(to) if to else manager_addresses(location)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if not recipients:
            raise CommandError(
                f"Nobody to send the {location.name} report to: {location.name} has no manager "
                "with an e-mail address. Give the addresses with --to."
            )
        message = build_report_email(location, chosen, recipients=recipients)
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as error:
            raise CommandError(f"The report could not be sent: {error}") from None
        self.stdout.write(
            f"Sent the {location.name} report ({period_dates(chosen)}) to {', '.join(recipients)}"
        )

    def period(self, location, name, start, end) -> Period:
        if start or end:
            return Period(parse_day(start, "start"), parse_day(end, "end")).up_to(location.today())
        return report_period(name, today=location.today())
