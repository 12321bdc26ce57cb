"""The printable report as a PDF, rendered by WeasyPrint from templates/campaigns/report_pdf.html.

WeasyPrint never touches the network here: the stylesheet is inline in the template, the chart
is inline SVG, and the ``url_fetcher`` refuses every URL, so a link or image that slipped into
the HTML (a campaign name is user input) cannot make the server fetch anything."""

from __future__ import annotations

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from campaigns.models import Location
from campaigns.periods import Period
from campaigns.reporting.content import report_context


class OfflineFetchRefused(ValueError):
    """WeasyPrint catches it, logs a warning and leaves the resource out."""


class RefuseEveryURL(URLFetcher):
    """WeasyPrint 70's url_fetcher (a URLFetcher subclass): report PDFs load nothing from
    anywhere, neither the network nor the disk."""

    def fetch(self, url, headers=None):
        raise OfflineFetchRefused(f"The report PDF loads no external resources (asked for {url}).")


def refuse_urls(url: str):
    return RefuseEveryURL().fetch(url)


def html_to_pdf(html: str) -> bytes:
    """A self-contained HTML document as PDF bytes, with every URL in it refused."""
    return HTML(string=html, base_url=None, url_fetcher=RefuseEveryURL()).write_pdf()


def pdf_from_context(context: dict) -> bytes:
    return html_to_pdf(render_to_string("campaigns/report_pdf.html", context))


def render_report_pdf(location: Location, period: Period, *, campaigns=None) -> bytes:
    """The location's printable report over ``period`` as PDF bytes."""
    return pdf_from_context(report_context(location, period, campaigns))
