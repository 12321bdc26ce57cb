"""The report e-mail's charts as PNG images (campaigns/reporting/images.py)."""

import email
import email.policy
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from PIL import Image

from campaigns import services
from campaigns.analytics.figures import Totals
from campaigns.analytics.series import DAY, Span
from campaigns.periods import Period
from campaigns.reporting.content import report_context
from campaigns.reporting.images import (
    REVENUE,
    SCALE,
    SPEND,
    EmailWithInlineImages,
    channel_bars_png,
    daily_trend_png,
    nice_ceiling,
    report_images,
)
from tests.report_support import make_schedule

JANUARY = Period(date(2026, 1, 1), date(2026, 1, 31))


def day(when, totals):
    """One day's point, as the report's series gives it."""
    return Span(DAY, when, when, totals)


def picture(chart):
    return Image.open(io.BytesIO(chart.png)).convert("RGB")


def has_colour(image, colour) -> bool:
    return any(pixel == colour for pixel in image.get_flattened_data())


@pytest.fixture
def two_channels(sunrise):
    sms = services.create_campaign(
        location=sunrise,
        name="Texts",
        channel="sms",
        status="active",
        budget=Decimal("500"),
        start_date=date(2026, 1, 1),
    )
    ads = services.create_campaign(
        location=sunrise,
        name="Search",
        channel="paid_ads",
        status="active",
        budget=Decimal("5000"),
        start_date=date(2026, 1, 1),
    )
    services.record_days(
        campaign=sms,
        rows=[{"date": date(2026, 1, 3), "spend": Decimal("120.00"), "revenue": Decimal("0")}],
    )
    services.record_days(
        campaign=ads,
        rows=[
            {"date": date(2026, 1, 10), "spend": Decimal("900.00"), "revenue": Decimal("2500.00")},
            {"date": date(2026, 1, 11), "spend": Decimal("300.00"), "revenue": Decimal("400.00")},
        ],
    )
    return sms, ads


@pytest.mark.django_db
def test_a_report_has_a_channel_chart_and_a_daily_chart_whose_alt_texts_carry_the_figures(
    sunrise, two_channels
):
    context = report_context(sunrise, JANUARY)
    channels, daily = report_images(context)

    assert channels.cid == "chart-channels@report"
    assert channels.alt == (
        "Spend and revenue per channel: SMS spend $120.00, revenue $0.00; "
        "Paid ads spend $1,200.00, revenue $2,900.00."
    )
    assert daily.alt == (
        "Spend and revenue by day from 1 Jan to 31 Jan: spend $1,320.00, revenue $2,900.00 in all."
    )
    for chart in (channels, daily):
        image = picture(chart)
        assert image.size == (chart.width * SCALE, chart.height * SCALE)
        assert has_colour(image, SPEND) and has_colour(image, REVENUE)


@pytest.mark.django_db
def test_a_period_with_nothing_spent_or_earned_has_no_charts(sunrise, two_channels):
    context = report_context(sunrise, Period(date(2026, 2, 1), date(2026, 2, 28)))

    assert report_images(context) == []


def test_the_daily_chart_needs_two_days_and_some_money():
    one = [day(date(2026, 1, 1), Totals(spend=Decimal("5")))]
    idle = [day(date(2026, 1, 1) + timedelta(days=n), Totals()) for n in range(7)]

    assert daily_trend_png(one, "USD") is None
    assert daily_trend_png(idle, "USD") is None


@pytest.mark.django_db
def test_the_largest_amount_has_the_longest_bar(sunrise, two_channels):
    chart = channel_bars_png(report_context(sunrise, JANUARY)["overview"].channels, "USD")
    revenue_pixels = sum(1 for pixel in picture(chart).get_flattened_data() if pixel == REVENUE)

    # Only Paid ads earned: its revenue bar is the whole room (600 - 120 labels - 110 for the
    # amount = 370 px, 13 px high, drawn at 2x), plus the legend's 10 px square.
    legend = (10 * SCALE + 1) ** 2
    bar = (370 * SCALE + 1) * 13 * SCALE
    assert revenue_pixels == legend + bar


def test_the_html_part_becomes_related_to_its_images_and_the_attachment_stays_outside(settings):
    settings.DEFAULT_FROM_EMAIL = "reports@example.com"
    series = [
        day(date(2026, 1, 1), Totals(spend=Decimal("10"), revenue=Decimal("30"))),
        day(date(2026, 1, 2), Totals(spend=Decimal("20"), revenue=Decimal("5"))),
    ]
    chart = daily_trend_png(series, "EUR")
    message = EmailWithInlineImages(
        subject="Report", body="text part", to=["client@example.com"], inline_images=[chart]
    )
    message.attach_alternative(f'<p>Chart</p><img src="{chart.src}" alt="">', "text/html")
    message.attach("report.pdf", b"%PDF-1.7 fake", "application/pdf")

    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)

    assert parsed.get_content_type() == "multipart/mixed"
    alternative, attachment = parsed.iter_parts()
    assert attachment.get_filename() == "report.pdf"
    text, related = alternative.iter_parts()
    assert text.get_content() == "text part\n"
    assert related.get_content_type() == "multipart/related"
    html, image = related.iter_parts()
    assert 'src="cid:chart-daily@report"' in html.get_content()
    assert image.get_content_type() == "image/png"
    assert image["Content-ID"] == "<chart-daily@report>"
    assert image.get_content_disposition() == "inline"
    assert image.get_content() == chart.png


@pytest.mark.parametrize(
    ("amount", "top"),
    [("2943.68", "3000"), ("1200", "1500"), ("2000", "2000"), ("0.3", "0.3"), ("810", "1000")],
)
def test_the_daily_chart_axis_ends_on_a_round_amount(amount, top):
    assert nice_ceiling(Decimal(amount)) == Decimal(top)


@pytest.mark.django_db
def test_the_preview_frame_shows_the_charts_as_data_uris(client, sunrise, sunrise_manager):
    last_month = sunrise.today().replace(day=1) - timedelta(days=1)
    campaign = services.create_campaign(
        location=sunrise,
        name="Search",
        channel="paid_ads",
        status="active",
        budget=Decimal("5000"),
        start_date=last_month.replace(day=1),
    )
    services.record_days(
        campaign=campaign,
        rows=[
            {"date": last_month.replace(day=1), "spend": Decimal("90"), "revenue": Decimal("250")},
            {"date": last_month, "spend": Decimal("30"), "revenue": Decimal("40")},
        ],
    )
    schedule = make_schedule(sunrise, addresses=["owner@client.test"], period="last_month")
    client.force_login(sunrise_manager)

    frame = client.get(
        reverse("campaigns:report_preview_email", args=[sunrise.slug, schedule.pk])
    ).content.decode()

    assert frame.count('src="data:image/png;base64,') == 2
    assert "cid:" not in frame
    assert 'alt="Spend and revenue per channel: Paid ads spend $120.00, revenue $290.00."' in frame
    assert (
        "img-src 'self' data:"
        in client.get(reverse("campaigns:report_preview_email", args=[sunrise.slug, schedule.pk]))[
            "Content-Security-Policy"
        ]
    )
