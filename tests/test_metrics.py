"""Each metric's definition and its undefined case (None, never 0, never an exception)."""

from decimal import Decimal

import pytest

from campaigns import catalogue, display
from campaigns import metrics as m

D = Decimal


@pytest.mark.parametrize(
    ("function", "args", "expected"),
    [
        (m.roi, (D("18000"), D("5000")), D("2.6")),
        (m.roas, (D("18000"), D("5000")), D("3.6")),
        (m.cost_per_lead, (D("5000"), 120), D("5000") / 120),
        (m.cost_per_qualified_lead, (D("5000"), 30), D("5000") / 30),
        (m.cost_per_conversion, (D("5000"), 12), D("5000") / 12),
        (m.cpc, (D("5000"), 500), D("10")),
        (m.ctr, (500, 10000), D("0.05")),
        (m.conversion_rate, (12, 120), D("0.1")),
        (m.profit_margin, (D("18000"), D("5000")), D("13000") / D("18000")),
        (m.budget_used, (D("2500"), D("5000")), D("0.5")),
        (m.achievement, (120, 150), D("0.8")),
        (m.change, (15, 10), D("0.5")),
    ],
)
def test_each_metric_follows_its_definition(function, args, expected):
    assert function(*args) == expected


@pytest.mark.parametrize(
    ("function", "args"),
    [
        (m.roi, (D("100"), D("0"))),
        (m.roas, (D("100"), D("0"))),
        (m.cost_per_lead, (D("100"), 0)),
        (m.cost_per_qualified_lead, (D("100"), 0)),
        (m.cost_per_conversion, (D("100"), 0)),
        (m.cpc, (D("100"), 0)),
        (m.ctr, (10, 0)),
        (m.conversion_rate, (3, 0)),
        (m.profit_margin, (D("0"), D("100"))),
        (m.budget_used, (D("100"), D("0"))),
        (m.break_even_conversions, (D("0"), D("100"), 0)),
        (m.break_even_conversions, (D("0"), D("100"), 5)),
        (m.achievement, (120, None)),
        (m.achievement, (120, 0)),
        (m.achievement, (None, D("2.5"))),
        (m.change, (10, 0)),
        (m.change, (10, None)),
    ],
)
def test_a_metric_with_nothing_to_divide_by_is_undefined(function, args):
    assert function(*args) is None


def test_roi_is_negative_when_spend_exceeds_revenue():
    assert m.roi(D("800"), D("1000")) == D("-0.2")


def test_profit_is_defined_even_without_spend():
    assert m.profit(D("0"), D("0")) == D("0")
    assert m.profit(D("100"), D("250")) == D("-150")


def test_break_even_revenue_is_what_is_still_needed_never_negative():
    assert m.break_even_revenue(D("18000"), D("5000")) == D("0")
    assert m.break_even_revenue(D("1000"), D("2500")) == D("1500")


def test_break_even_conversions_are_those_still_needed_at_the_current_revenue_each():
    # 3 conversions earned 900 (300 each); 1,500 more revenue needs 5 more conversions.
    assert m.break_even_conversions(D("900"), D("2400"), 3) == 5
    # A fraction of a conversion still needs a whole one.
    assert m.break_even_conversions(D("900"), D("1000"), 3) == 1
    assert m.break_even_conversions(D("18000"), D("5000"), 12) == 0


def test_money_rounds_half_up_to_the_cent():
    assert m.money(D("41.665")) == D("41.67")
    assert m.money(D("5000") / 12) == D("416.67")
    assert m.money(None) is None


def test_change_against_a_negative_previous_value_keeps_the_direction():
    # From -100 profit to +100 profit is an improvement of 200 %.
    assert m.change(D("100"), D("-100")) == D("2")


@pytest.mark.parametrize(
    ("actual", "expected", "band"),
    [
        (100, 100, "on_track"),
        (110, 100, "on_track"),
        (90, 100, "on_track"),
        (111, 100, "ahead"),
        (89, 100, "behind"),
        (0, 0, "on_track"),
        (5, 0, "ahead"),
    ],
)
def test_pacing_bands_are_ten_percent_either_side(actual, expected, band):
    assert m.pace_band(actual, expected) == band


def test_every_metric_has_one_catalogue_entry_with_label_unit_and_direction():
    for key, entry in catalogue.CATALOGUE.items():
        assert entry.key == key
        assert entry.label and entry.short_label and entry.definition
        assert entry.unit in catalogue.Unit and entry.good in catalogue.Good
    assert catalogue.CATALOGUE["spend"].good is catalogue.Good.NEUTRAL
    assert catalogue.CATALOGUE["cost_per_lead"].good is catalogue.Good.LOWER
    assert catalogue.CATALOGUE["roas"].unit is catalogue.Unit.MULTIPLE
    assert catalogue.CATALOGUE["roi"].unit is catalogue.Unit.RATIO
    assert catalogue.CATALOGUE["roi"].undefined_reason == "no spend recorded yet"


@pytest.mark.parametrize(
    ("key", "change", "tone"),
    [
        ("revenue", D("0.1"), "good"),
        ("revenue", D("-0.1"), "bad"),
        ("cost_per_lead", D("-0.1"), "good"),
        ("cost_per_lead", D("0.1"), "bad"),
        ("spend", D("-0.3"), "neutral"),  # a spend decrease is not good news
        ("spend", D("0.3"), "neutral"),
        ("roi", None, "neutral"),
    ],
)
def test_a_changes_colour_comes_from_the_metrics_good_direction(key, change, tone):
    assert catalogue.CATALOGUE[key].tone(change) == tone


def test_derived_names_keep_their_metrics_unit():
    assert catalogue.metric("expected_spend").unit is catalogue.Unit.MONEY
    assert catalogue.metric("target_roi").unit is catalogue.Unit.RATIO
    with pytest.raises(KeyError):
        catalogue.metric("no_such_metric")


def test_display_formats_money_percent_and_multiples():
    assert display.money(D("41.666")) == "$41.67"
    assert display.money(D("-1200")) == "-$1,200.00"
    assert display.money(D("13000"), "EUR") == "€13,000.00"
    assert display.money(D("5"), "CHF") == "5.00 CHF"
    assert display.percent(D("2.6")) == "260.0 %"
    assert display.percent(D("0.0012"), places=2) == "0.12 %"
    assert display.ratio_x(D("3.6")) == "3.60x"


def test_display_shows_a_dash_for_undefined():
    assert display.money(None) == "—"
    assert display.percent(None) == "—"
    assert display.ratio_x(None) == "—"
