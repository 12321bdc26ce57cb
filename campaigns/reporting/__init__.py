"""Report e-mails and PDFs of a location (issue 10, item 3): see docs/architecture.md."""

from campaigns.reporting.mail import build_report_email, manager_addresses
from campaigns.reporting.pdf import render_report_pdf
from campaigns.reporting.periods import REPORT_PERIODS, report_period

__all__ = [
    "REPORT_PERIODS",
    "build_report_email",
    "manager_addresses",
    "render_report_pdf",
    "report_period",
]
