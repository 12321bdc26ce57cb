"""Render a location's report e-mail (with its PDF) and send it now, synchronously."""

import smtplib

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Location, ReportDelivery, ReportSchedule
from campaigns.periods import Period, parse_day
from campaigns.reporting import REPORT_PERIODS, build_report_email, manager_addresses
from campaigns.reporting import delivery as deliveries
from campaigns.reporting.mail import clean_addresses
from campaigns.reporting.periods import DEFAULT_REPORT_PERIOD, period_dates, report_period
from campaigns.tenancy import scope


class Command(BaseCommand):
    help = (
        "Send a location's report now: to the --to addresses; else, for each active report "
        "schedule of the location, its report to its recipients (one message each, logged in "
        "the delivery log); else to the location's managers. No worker needed."
    )

    def add_arguments(self, parser):
        parser.add_argument("location_slug")
        parser.add_argument(
            "--to",
            action="append",
            default=[],
            metavar="EMAIL",
            help="a recipient (repeat for several); default: the recipients of the location's "
            "report schedules, or its managers when no schedule has any",
        )
        parser.add_argument(
            "--period",
            choices=list(REPORT_PERIODS),
            help=f"default: each schedule's own period ({DEFAULT_REPORT_PERIOD} with --to or "
            "for the managers)",
        )
        parser.add_argument("--start", help="first day (YYYY-MM-DD), with --end: custom dates")
        parser.add_argument("--end", help="last day (YYYY-MM-DD), with --start")

    def handle(self, *args, location_slug, to, period, start, end, **options):
        location = Location.objects.filter(slug=location_slug).first()
        if location is None:
            raise CommandError(f"No location with slug “{location_slug}”.")
        try:
            chosen = self.period(location, period, start, end)
            recipients = clean_addresses(to)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if not to and self.send_to_schedules(location, chosen):
            return
        who = ""
        if not to:
            recipients = manager_addresses(location)
            who = " (the location's managers: no report schedule has recipients)"
        if not recipients:
            raise CommandError(
                f"Nobody to send the {location.name} report to: {location.name} has no manager "
                "with an e-mail address. Give the addresses with --to."
            )
        chosen = chosen or report_period(DEFAULT_REPORT_PERIOD, today=location.today())
        message = build_report_email(location, chosen, recipients=recipients)
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as error:
            raise CommandError(f"The report could not be sent: {error}") from None
        self.stdout.write(
            f"Sent the {location.name} report ({period_dates(chosen)}) to "
            f"{', '.join(recipients)}{who}"
        )

    def send_to_schedules(self, location, period: Period | None) -> bool:
        """Each active schedule's report to its current recipients; False if none has any."""
        failures = []
        sent_any = False
        with scope(location):
            schedules = ReportSchedule.objects.filter(location=location, active=True)
            for schedule in schedules.select_related("location").order_by("pk"):
                made, used = deliveries.send_now(schedule, period)
                if not made:
                    continue
                sent_any = True
                sent = [d.email for d in made if d.status == ReportDelivery.Status.SENT]
                failures += [
                    f"{d.email}: {d.last_error}"
                    for d in made
                    if d.status != ReportDelivery.Status.SENT
                ]
                if sent:
                    self.stdout.write(
                        f"Sent the {location.name} report “{schedule}” ({period_dates(used)}) "
                        f"to {', '.join(sent)} (the schedule's recipients)"
                    )
        if failures:
            raise CommandError("The report could not be sent to " + "; ".join(failures))
        return sent_any

    def period(self, location, name, start, end) -> Period | None:
        """The period asked for, or None for each schedule's own."""
        if start or end:
            return Period(parse_day(start, "start"), parse_day(end, "end")).up_to(location.today())
        return report_period(name, today=location.today()) if name else None
