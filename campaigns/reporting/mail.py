"""The report e-mail: an HTML part, a plain-text part and the printable report as a PDF."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.utils.text import slugify

from campaigns.models import Location, Membership
from campaigns.periods import Period
from campaigns.reporting.content import report_context
from campaigns.reporting.pdf import pdf_from_context


def report_subject(location: Location, period: Period) -> str:
    from campaigns.reporting.periods import period_dates

    return f"{location.name} report: {period_dates(period)}"


def pdf_filename(location: Location, period: Period) -> str:
    return f"{slugify(location.name)}-report-{period.start:%Y-%m-%d}-{period.end:%Y-%m-%d}.pdf"


def clean_addresses(addresses) -> list[str]:
    """The addresses, stripped and without repeats; ValidationError naming a bad one."""
    cleaned: list[str] = []
    for address in addresses:
        address = address.strip()
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(f"“{address}” is not a valid e-mail address.") from None
        if address.lower() not in {a.lower() for a in cleaned}:
            cleaned.append(address)
    return cleaned


def manager_addresses(location: Location) -> list[str]:
    """The e-mail addresses of the location's managers (those who have one), in a stable order."""
    emails = (
        Membership.objects.filter(location=location, role=Membership.Role.MANAGER)
        .exclude(user__email="")
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )
    return list(dict.fromkeys(emails))


def build_report_email(
    location: Location, period: Period, *, campaigns=None, recipients
) -> EmailMultiAlternatives:
    """The location's report over ``period`` (of only ``campaigns`` if given) for
    ``recipients``: rendered inside the location's scope, ready to ``send()``."""
    recipients = clean_addresses(recipients)
    if not recipients:
        raise ValidationError("Give at least one address to send the report to.")
    context = report_context(location, period, campaigns)
    message = EmailMultiAlternatives(
        subject=report_subject(location, period),
        body=render_to_string("campaigns/email/report.txt", context),
        to=recipients,
    )
    message.attach_alternative(
        render_to_string("campaigns/email/report.html", context), "text/html"
    )
    message.attach(pdf_filename(location, period), pdf_from_context(context), "application/pdf")
    return message
