"""The report e-mail and its PDF (campaigns/reporting), and ``manage.py send_report``."""

import http.server
import io
import threading
from datetime import date
from decimal import Decimal

import pypdf
import pytest
from django.core.management import CommandError, call_command
from django.utils.html import escape

from campaigns import services
from campaigns.periods import Period
from campaigns.reporting import build_report_email, render_report_pdf, report_period
from campaigns.reporting.content import report_context
from campaigns.reporting.pdf import OfflineFetchRefused, html_to_pdf, refuse_urls
from campaigns.reporting.periods import period_dates
from tests.conftest import SENTINEL
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

JANUARY = Period(date(2026, 1, 1), date(2026, 1, 31))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def overspent(sunrise):
    """An active campaign of Sunrise that spent three times its budget in January."""
    campaign = services.create_campaign(
        location=sunrise,
        name="Overspent Search",
        channel="paid_ads",
        status="active",
        budget=Decimal("1000.00"),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
    )
    services.record_days(
        campaign=campaign,
        rows=[{"date": date(2026, 1, 20), "clicks": 300, "leads": 10, "spend": Decimal("3000.00")}],
    )
    return campaign


def parts(message):
    html = next(content for content, mime in message.alternatives if mime == "text/html")
    [(name, pdf, mime)] = message.attachments
    return message.body, html, name, pdf, mime


def test_the_email_has_both_parts_with_the_headline_figures(reference_campaign, sunrise, overspent):
    message = build_report_email(sunrise, JANUARY, recipients=["owner@client.test"])
    text, html, name, pdf, mime = parts(message)

    assert message.subject == "Sunrise Realty report: Jan 1 – Jan 31, 2026"
    assert message.to == ["owner@client.test"]
    # Spend and revenue of both campaigns: $5,000 + $3,000 spent, $18,000 earned.
    for part in (text, html):
        assert "$8,000.00" in part
        assert "$18,000.00" in part
        assert "January SMS Blast" in part  # the best campaign by ROI
        assert "Over budget" in part  # health
    assert "- Spend: $8,000.00" in text
    assert 'data-metric="roi"' in html
    assert (name, mime) == ("sunrise-realty-report-2026-01-01-2026-01-31.pdf", "application/pdf")
    assert pdf.startswith(b"%PDF")


def test_the_email_lists_the_top_recommendations(sunrise, reference_campaign, overspent):
    expected = report_context(sunrise, JANUARY)["recommendations"]
    message = build_report_email(sunrise, JANUARY, recipients=["owner@client.test"])
    text, html, *_ = parts(message)

    assert expected and len(expected) <= 5
    assert expected[0].subject == "Overspent Search" and "over_budget" in expected[0].rules
    for rec in expected:
        assert rec.message in text
        assert escape(rec.message) in html


def test_the_pdf_has_the_reference_campaigns_figures(sunrise, reference_campaign):
    text = pdf_text(render_report_pdf(sunrise, JANUARY))

    assert "Sunrise Realty" in text
    assert "260.0 %" in text
    assert "$41.67" in text
    assert "$18,000.00" in text


def test_another_locations_campaign_never_appears(sunrise, reference_campaign, sentinel_campaign):
    message = build_report_email(sunrise, JANUARY, recipients=["owner@client.test"])
    text, html, _, pdf, _ = parts(message)

    for part in (text, html, pdf_text(pdf)):
        assert SENTINEL not in part
        assert "98,765" not in part
    # The sentinel_campaign is real: Harbor's own report does name it.
    assert SENTINEL in pdf_text(render_report_pdf(sentinel_campaign.location, JANUARY))


def test_another_locations_campaign_cannot_be_chosen(
    sunrise, reference_campaign, sentinel_campaign
):
    message = build_report_email(
        sunrise, JANUARY, campaigns=[sentinel_campaign], recipients=["owner@client.test"]
    )
    text, html, _, pdf, _ = parts(message)

    for part in (text, html, pdf_text(pdf)):
        assert SENTINEL not in part
        assert "98,765" not in part
    assert "- Revenue: $0.00" in text


def test_the_report_of_chosen_campaigns_leaves_the_others_out(
    sunrise, reference_campaign, overspent
):
    message = build_report_email(
        sunrise, JANUARY, campaigns=[reference_campaign], recipients=["owner@client.test"]
    )
    text, html, _, pdf, _ = parts(message)

    assert "Overspent Search" not in text + html + pdf_text(pdf)
    assert "- Spend: $5,000.00" in text


def test_a_bad_address_is_refused(sunrise):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="not a valid e-mail address"):
        build_report_email(sunrise, JANUARY, recipients=["not-an-address"])


def test_weasyprint_fetches_no_url():
    """An image or stylesheet that slipped into the HTML is not requested: a local web server
    started here sees no request, and the PDF is still made."""
    requests = []

    class Count(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Count)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        pdf = html_to_pdf(
            f'<link rel="stylesheet" href="{base}/x.css"><p>Figures</p><img src="{base}/x.png">'
        )
    finally:
        server.shutdown()
        server.server_close()

    assert requests == []
    assert "Figures" in pdf_text(pdf)
    with pytest.raises(OfflineFetchRefused):
        refuse_urls(f"{base}/x.png")


@pytest.mark.parametrize(
    ("name", "start", "end"),
    [
        ("last_week", date(2026, 11, 16), date(2026, 11, 22)),
        ("last_month", date(2026, 10, 1), date(2026, 10, 31)),
        ("month_to_date", date(2026, 11, 1), date(2026, 11, 26)),
        ("last_30_days", date(2026, 10, 28), date(2026, 11, 26)),
    ],
)
def test_named_report_periods_are_complete_days(name, start, end):
    period = report_period(name, today=date(2026, 11, 27))  # a Friday
    assert (period.start, period.end) == (start, end)


def test_month_to_date_sent_on_the_first_is_the_month_just_ended():
    period = report_period("month_to_date", today=date(2026, 12, 1))
    assert (period.start, period.end) == (date(2026, 11, 1), date(2026, 11, 30))


def test_last_week_on_a_monday_is_the_week_before():
    period = report_period("last_week", today=date(2026, 11, 23))
    assert (period.start, period.end) == (date(2026, 11, 16), date(2026, 11, 22))
    assert period_dates(period) == "Nov 16 – Nov 22, 2026"


# --- A real SMTP server ---------------------------------------------------------------------


def test_the_report_goes_through_a_real_smtp_server(sunrise, reference_campaign, smtp_server):
    build_report_email(
        sunrise, JANUARY, recipients=["owner@client.test", "boss@client.test"]
    ).send()

    assert smtp_server.recipients == [["boss@client.test", "owner@client.test"]]
    [received] = smtp_server.messages
    assert received["Subject"] == "Sunrise Realty report: Jan 1 – Jan 31, 2026"
    assert received["To"] == "owner@client.test, boss@client.test"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "- ROI: 260.0 %" in text
    assert "$41.67" in html
    [attachment] = list(received.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "sunrise-realty-report-2026-01-01-2026-01-31.pdf"
    assert "260.0 %" in pdf_text(attachment.get_content())
    assert "$41.67" in pdf_text(attachment.get_content())
    # The charts: PNG images inside the HTML part's multipart/related, shown by cid.
    related = next(p for p in received.walk() if p.get_content_type() == "multipart/related")
    images = [p for p in related.iter_parts() if p.get_content_type() == "image/png"]
    assert [p["Content-ID"] for p in images] == ["<chart-channels@report>", "<chart-daily@report>"]
    assert 'src="cid:chart-channels@report"' in html and 'src="cid:chart-daily@report"' in html
    assert all(p.get_content().startswith(b"\x89PNG") for p in images)


# --- manage.py send_report ------------------------------------------------------------------


def test_send_report_to_given_addresses(sunrise, reference_campaign, mailoutbox, capsys):
    call_command(
        "send_report",
        "sunrise-realty",
        "--to",
        "a@x.test",
        "--to",
        "b@y.test",
        "--start",
        "2026-01-01",
        "--end",
        "2026-01-31",
    )

    [message] = mailoutbox
    assert message.to == ["a@x.test", "b@y.test"]
    assert "- ROI: 260.0 %" in message.body
    assert capsys.readouterr().out.strip() == (
        "Sent the Sunrise Realty report (Jan 1 – Jan 31, 2026) to a@x.test, b@y.test"
    )


def test_send_report_defaults_to_the_managers(sunrise, mailoutbox, capsys):
    for name, role, address in [
        ("m1", "manager", "m1@sunrise.test"),
        ("m2", "manager", ""),  # no address: left out
        ("v1", "viewer", "viewer@sunrise.test"),  # a viewer: left out
    ]:
        MembershipFactory(
            user=UserFactory(username=name, email=address), location=sunrise, role=role
        )
    MembershipFactory(user=UserFactory(username="h1", email="h1@harbor.test"))  # elsewhere

    call_command("send_report", "sunrise-realty", "--period", "last_month")

    [message] = mailoutbox
    assert message.to == ["m1@sunrise.test"]
    period = report_period("last_month", today=sunrise.today())
    assert f"({period_dates(period)}) to m1@sunrise.test" in capsys.readouterr().out


def test_send_report_refuses_an_unknown_slug(db, mailoutbox):
    with pytest.raises(CommandError, match="No location with slug “nowhere”"):
        call_command("send_report", "nowhere", "--to", "a@x.test")
    assert mailoutbox == []


def test_send_report_refuses_a_bad_address(sunrise, mailoutbox):
    with pytest.raises(CommandError, match="“a@” is not a valid e-mail address"):
        call_command("send_report", "sunrise-realty", "--to", "ok@x.test", "--to", "a@")
    assert mailoutbox == []


def test_send_report_needs_somebody_to_send_to(sunrise, sunrise_manager, mailoutbox):
    assert sunrise_manager.email == ""
    with pytest.raises(CommandError, match="Nobody to send the Sunrise Realty report to"):
        call_command("send_report", "sunrise-realty")
    assert mailoutbox == []


def test_a_recipients_message_carries_its_unsubscribe_link_and_one_click_headers(
    sunrise, reference_campaign, smtp_server
):
    """Read back from a real SMTP server: the RFC 8058 headers and the link in both parts."""
    link = "http://127.0.0.1:8000/reports/unsubscribe/abc:def/"
    build_report_email(
        sunrise, JANUARY, recipients=["owner@client.test"], unsubscribe_url=link
    ).send()

    [received] = smtp_server.messages
    assert received["List-Unsubscribe"] == f"<{link}>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Unsubscribe: {link}" in received.get_body(("plain",)).get_content()
    assert f'href="{link}"' in received.get_body(("html",)).get_content()


def test_a_report_without_a_recipient_link_has_no_unsubscribe_parts(sunrise):
    message = build_report_email(sunrise, JANUARY, recipients=["owner@client.test"])
    text, html, *_ = parts(message)
    assert "List-Unsubscribe" not in message.extra_headers
    assert "Unsubscribe" not in text and "Unsubscribe" not in html


def test_the_report_is_rendered_once_for_many_recipients(sunrise, reference_campaign, monkeypatch):
    from campaigns.reporting import mail

    renders = []
    real = mail.pdf_from_context
    monkeypatch.setattr(mail, "pdf_from_context", lambda c: renders.append(1) or real(c))
    report = mail.render_report(sunrise, JANUARY)
    messages = [
        mail.report_message(report, [address], unsubscribe_url=f"http://x.test/u/{i}/")
        for i, address in enumerate(["a@x.test", "b@x.test", "c@x.test"])
    ]

    assert len(renders) == 1
    assert [m.to for m in messages] == [["a@x.test"], ["b@x.test"], ["c@x.test"]]
    assert [m.extra_headers["List-Unsubscribe"] for m in messages] == [
        "<http://x.test/u/0/>",
        "<http://x.test/u/1/>",
        "<http://x.test/u/2/>",
    ]
    assert all(m.attachments[0][1] == messages[0].attachments[0][1] for m in messages)
