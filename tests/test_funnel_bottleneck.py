"""The funnel's bottleneck: a step named only where its rate is unusually low against a
reference (the median of the channel's campaigns in the location over the period, else the
campaign's own previous period), the reference said on the page and in the JSON; "no stage
stands out" otherwise; and the lowest step, judged against nothing, when there is no reference."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from campaigns import services
from campaigns.analytics.funnel import MIN_EXPECTED, UNUSUALLY_LOW
from campaigns.analytics.locations import location_overview
from campaigns.analytics.reports import campaign_report
from campaigns.periods import Period
from campaigns.serialize import report_dict

pytestmark = pytest.mark.django_db

D = Decimal
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
TODAY = date(2026, 4, 1)


def social(location, name, *, clicks, impressions=100_000, channel="social", day=None):
    """A social campaign with one day in March: these impressions and clicks, then 10 % of
    clicks to leads, 40 % of leads qualified, 25 % of those converting."""
    campaign = services.create_campaign(
        location=location,
        name=name,
        channel=channel,
        status="active",
        budget=D("5000.00"),
        start_date=date(2026, 2, 1),
        end_date=None,
    )
    leads = clicks // 10
    services.record_day(
        campaign=campaign,
        day=day or date(2026, 3, 10),
        impressions=impressions,
        clicks=clicks,
        leads=leads,
        qualified_leads=leads * 4 // 10,
        conversions=leads // 10,
        spend=D("100.00"),
        revenue=D("300.00"),
    )
    return campaign


def funnel_of(campaign, period=MARCH):
    return campaign_report(campaign, period, today=TODAY).funnel


def test_a_normal_social_click_rate_is_not_a_bottleneck(sunrise):
    """The demo's social campaigns click at about 1.2 %: against the channel, nothing stands
    out, although awareness → interest is the funnel's lowest step."""
    reels = social(sunrise, "Reels", clicks=1200)  # 1.2 %
    social(sunrise, "Stories", clicks=1300)  # 1.3 %
    social(sunrise, "Carousel", clicks=1250)  # 1.25 %

    funnel = funnel_of(reels)

    assert funnel.bottleneck is None
    assert funnel.reference.kind == "channel_median"
    assert funnel.stages[1].rate_from_previous == D("0.012")
    assert funnel.stages[1].reference_rate == D("0.0125")  # the median of the three
    assert not any(step.unusually_low for step in funnel.stages)
    assert funnel.summary == (
        "No stage stands out against the median of 3 social campaigns in this location: no "
        "step falls below 70 % of its reference rate on enough volume to tell."
    )


def test_a_click_rate_far_below_the_channels_median_is_the_bottleneck(sunrise):
    weak = social(sunrise, "Weak Reels", clicks=400)  # 0.4 %
    social(sunrise, "Stories", clicks=1300)
    social(sunrise, "Carousel", clicks=1200)

    funnel = funnel_of(weak)

    b = funnel.bottleneck
    assert (b.from_stage, b.to_stage, b.rate, b.reference_rate) == (
        "awareness",
        "interest",
        D("0.004"),
        D("0.012"),
    )
    assert b.judged
    assert [s.unusually_low for s in funnel.stages] == [False, True, False, False, False]
    assert funnel.summary == (
        "Bottleneck: Awareness → interest is unusually low against the median of 3 social "
        "campaigns in this location: 0.4 % vs 1.2 % (below 70 % of it)."
    )


def test_a_step_exactly_at_the_threshold_does_not_stand_out(sunrise):
    # Median 1.0 %: 0.7 % is exactly 70 % of it, not below.
    edge = social(sunrise, "Edge", clicks=700)
    social(sunrise, "Stories", clicks=1000)
    social(sunrise, "Carousel", clicks=1100)

    assert D("0.7") == UNUSUALLY_LOW
    assert funnel_of(edge).bottleneck is None


def test_a_shortfall_on_too_few_to_tell_is_not_a_bottleneck(sunrise):
    # 100 impressions at the channel's 10 % would bring 10 clicks (< MIN_EXPECTED): 2 is chance.
    tiny = social(sunrise, "Tiny Test", impressions=100, clicks=2)
    social(sunrise, "Stories", impressions=1000, clicks=100)
    social(sunrise, "Carousel", impressions=1000, clicks=100)

    funnel = funnel_of(tiny)

    assert 100 * D("0.1") < MIN_EXPECTED
    assert funnel.stages[1].reference_rate == D("0.1")
    assert funnel.bottleneck is None


def test_campaigns_of_other_channels_and_locations_are_not_the_reference(sunrise, harbor):
    weak = social(sunrise, "Weak Reels", clicks=400)
    social(sunrise, "Texts", clicks=5000, channel="sms")
    social(harbor, "Harbor Stories", clicks=1300)
    social(harbor, "Harbor Carousel", clicks=1200)

    funnel = funnel_of(weak)

    # No other social campaign in Sunrise, and nothing in February: only the lowest step.
    assert funnel.reference is None
    assert funnel.bottleneck.judged is False


def test_without_peers_the_campaigns_own_previous_period_is_the_reference(sunrise):
    campaign = social(  # February: 120 of 480 qualified leads convert (25 %)
        sunrise, "Reels", impressions=1_000_000, clicks=12_000, day=date(2026, 2, 10)
    )
    services.record_day(  # March: 20 of 480 (4.2 %)
        campaign=campaign,
        day=date(2026, 3, 10),
        impressions=1_000_000,
        clicks=12_000,
        leads=1200,
        qualified_leads=480,
        conversions=20,
        spend=D("100.00"),
        revenue=D("300.00"),
    )
    february = Period(date(2026, 1, 29), date(2026, 2, 28))  # MARCH.previous()

    funnel = funnel_of(campaign)

    assert MARCH.previous() == february
    assert funnel.reference.kind == "previous_period"
    b = funnel.bottleneck
    assert (b.from_stage, b.to_stage) == ("intent", "conversion")
    assert (b.rate, b.reference_rate) == (D(20) / 480, D("0.25"))
    assert funnel.summary == (
        "Bottleneck: Intent → conversion is unusually low against its own previous period "
        "(Jan 29, 2026 – Feb 28, 2026): 4.2 % vs 25.0 % (below 70 % of it)."
    )


def test_with_no_reference_the_lowest_step_is_named_but_not_judged(reference_campaign):
    """PRODUCT.md's reference campaign is alone on its channel and its funnel is recorded
    (whole-life counts, no previous period): its lowest step is shown as such."""
    report = campaign_report(reference_campaign)
    funnel = report.funnel

    b = funnel.bottleneck
    assert (b.from_stage, b.to_stage, b.rate) == ("awareness", "interest", D("0.05"))
    assert b.judged is False and funnel.reference is None
    assert [s.rate_from_previous for s in funnel.stages[1:]] == [
        D("0.05"),
        D("0.24"),
        D("0.25"),
        D("0.4"),
    ]
    assert funnel.summary == (
        "Lowest step: Awareness → interest (5.0 %); nothing to judge it against: no other SMS "
        "campaign of this location has funnel figures in this period."
    )
    data = report_dict(report)["funnel"]
    assert data["bottleneck"] == {"from": "awareness", "to": "interest", "rate": 0.05}
    assert data["reference"] is None


def test_the_report_json_carries_the_reference(sunrise):
    weak = social(sunrise, "Weak Reels", clicks=400)
    social(sunrise, "Stories", clicks=1300)
    social(sunrise, "Carousel", clicks=1200)

    data = report_dict(campaign_report(weak, MARCH, today=TODAY))["funnel"]

    assert data["bottleneck"] == {"from": "awareness", "to": "interest", "rate": 0.004}
    assert data["reference"] == {
        "kind": "channel_median",
        "description": "the median of 3 social campaigns in this location",
        "campaigns": 3,
        "bottleneck_rate": 0.012,
    }
    assert data["stages"][1]["reference_rate"] == 0.012
    assert [s["unusually_low"] for s in data["stages"]] == [False, True, False, False, False]
    assert data["summary"].startswith("Bottleneck: Awareness → interest is unusually low")


def test_the_campaign_page_and_the_overview_judge_the_same_funnel(sunrise):
    weak = social(sunrise, "Weak Reels", clicks=400)
    social(sunrise, "Stories", clicks=1300)
    social(sunrise, "Carousel", clicks=1200)

    alone = funnel_of(weak)
    [among] = [
        r.funnel
        for r in location_overview(sunrise, MARCH, today=TODAY).reports
        if r.campaign == weak
    ]

    assert alone == among


def test_one_campaigns_report_reads_its_channels_funnels_in_a_constant_number_of_queries(
    sunrise, django_assert_num_queries
):
    weak = social(sunrise, "Weak Reels", clicks=400)
    for n in range(6):
        social(sunrise, f"Peer {n}", clicks=1200 + n)

    with django_assert_num_queries(4):  # campaigns and peers, period sums, lifetime, stages
        funnel = funnel_of(weak)

    assert funnel.reference.campaigns == 7


def test_the_campaign_page_says_what_the_funnel_is_judged_against(client, sunrise, sunrise_manager):
    location = sunrise
    day = location.today() - timedelta(days=2)
    weak = social(location, "Weak Reels", clicks=400, day=day)
    social(location, "Stories", clicks=1300, day=day)
    social(location, "Carousel", clicks=1200, day=day)
    client.force_login(sunrise_manager)

    text = client.get(f"/l/{location.slug}/campaigns/{weak.pk}/?period=30d").content.decode()

    assert "is unusually low against the median of 3 social campaigns in this location" in text
    assert 'class="is-bottleneck" data-stage="interest"' in text
    assert ">Reference</th>" in text
    assert "unusually low</span>" in text


def test_the_campaign_page_says_when_no_stage_stands_out(client, sunrise, sunrise_manager):
    location = sunrise
    day = location.today() - timedelta(days=2)
    reels = social(location, "Reels", clicks=1200, day=day)
    social(location, "Stories", clicks=1300, day=day)
    client.force_login(sunrise_manager)

    text = client.get(f"/l/{location.slug}/campaigns/{reels.pk}/?period=30d").content.decode()

    assert "No stage stands out against the median of 2 social campaigns" in text
    assert "is-bottleneck" not in text
