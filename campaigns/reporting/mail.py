"""The report e-mail: an HTML part, a plain-text part and the printable report as a PDF."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.utils.text import slugify

from campaigns.models import Location, Membership
from campaigns.periods import Period
from campaigns.reporting.content import report_context
from campaigns.reporting.images import EmailWithInlineImages, InlineImage, report_images
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


@dataclass(frozen=True)
class RenderedReport:
    """A report rendered once (its figures and its PDF), to be sent to each recipient in a
    message of their own: ``report_message`` adds the parts that differ per recipient."""

    location: Location
    period: Period
    context: dict
    pdf: bytes
    charts: list[InlineImage]

    @property
    def subject(self) -> str:
        return report_subject(self.location, self.period)

    @property
    def filename(self) -> str:
        return pdf_filename(self.location, self.period)


def render_report(location: Location, period: Period, *, campaigns=None) -> RenderedReport:
    """The location's report over ``period`` (of only ``campaigns`` if given), rendered inside
    its scope: the context of the e-mail's parts, the PDF and the charts as images."""
    context = report_context(location, period, campaigns)
    return RenderedReport(
        location, period, context, pdf_from_context(context), report_images(context)
    )


def report_message(
    report: RenderedReport, recipients: list[str], *, unsubscribe_url: str | None = None
) -> EmailMultiAlternatives:
    """One message of ``report`` to ``recipients``; with ``unsubscribe_url`` (a scheduled
    report's recipient), the link in both parts and the RFC 8058 one-click headers."""
    context = {**report.context, "charts": report.charts, "unsubscribe_url": unsubscribe_url}
    headers = {}
    if unsubscribe_url:
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    message = EmailWithInlineImages(
        subject=report.subject,
        body=render_to_string("campaigns/email/report.txt", context),
        to=recipients,
        headers=headers,
        inline_images=report.charts,
    )
    message.attach_alternative(
        render_to_string("campaigns/email/report.html", context), "text/html"
    )
    message.attach(report.filename, report.pdf, "application/pdf")
    return message


def build_report_email(
    location: Location, period: Period, *, campaigns=None, recipients, unsubscribe_url=None
) -> EmailMultiAlternatives:
    """The location's report over ``period`` (of only ``campaigns`` if given) for
    ``recipients``: rendered inside the location's scope, ready to ``send()``."""
    recipients = clean_addresses(recipients)
    if not recipients:
        raise ValidationError("Give at least one address to send the report to.")
    report = render_report(location, period, campaigns=campaigns)
    return report_message(report, recipients, unsubscribe_url=unsubscribe_url)
