"""The printable report as a PDF, rendered by WeasyPrint from templates/campaigns/report_pdf.html.

WeasyPrint never touches the network here: the stylesheet is inline in the template, the chart
is inline SVG, and the ``url_fetcher`` refuses every URL, so a link or image that slipped into
the HTML (a campaign name is user input) cannot make the server fetch anything."""

from __future__ import annotations

from django.template.loader import render_to_string

from campaigns.models import Location
from campaigns.periods import Period


class OfflineFetchRefused(ValueError):
    pass


def refuse_urls(url: str, *args, **kwargs):
    """WeasyPrint's url_fetcher: report PDFs load nothing from anywhere."""
    raise OfflineFetchRefused(f"The report PDF loads no external resources (asked for {url}).")


def pdf_from_context(context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string("campaigns/report_pdf.html", context)
    return HTML(string=html, base_url=None, url_fetcher=refuse_urls).write_pdf()


def render_report_pdf(location: Location, period: Period, *, campaigns=None) -> bytes:
    """The location's printable report over ``period`` as PDF bytes."""
    from campaigns.reporting.content import report_context

    return pdf_from_context(report_context(location, period, campaigns))
