"""The model's rules on the days an import would write, checked for a whole file at once: each
number's own rules (its field's validators, from bounds.py) per distinct value of a column, the
day's rules (``DailyMetric.clean``) per row on one unsaved DailyMetric. Needs no database."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator, MaxValueValidator, MinValueValidator

from campaigns.models import DailyMetric, Location

NUMBER_FIELDS = DailyMetric.NUMBER_FIELDS


def invalid_rows(location: Location, rows: list[tuple]) -> dict[int, dict[str, list[str]]]:
    """The model's rules on each (day, numbers, campaign): index → field → messages, as
    ``DailyMetric.full_clean`` gives them. Each number's own rules (its field's validators, from
    bounds.py) run once per distinct value of the field; the day's rules (``DailyMetric.clean``:
    the funnel order, the campaign's dates) run on one unsaved DailyMetric that takes each row in
    turn, so that a large file makes no model object per row."""
    if not rows:
        return {}
    fields = [DailyMetric._meta.get_field(name) for name in NUMBER_FIELDS]
    metric = DailyMetric(location_id=location.pk)
    columns = list(zip(*(numbers for _, numbers, _ in rows), strict=True))
    # Per field, the messages of each value refused, by its repr (1.000 is not 1.00 to the
    # validators of a Decimal); the fields none of whose values is refused are not looked at again.
    refused = []
    for position, (field, column) in enumerate(zip(fields, columns, strict=True)):
        if messages := _refused_values(field, column, metric):
            refused.append((field.name, position, messages))
    attnames = [field.attname for field in fields]
    metric_campaign = None
    bad = {}
    for index, (day, numbers, campaign) in enumerate(rows):
        errors: dict[str, list[str]] = {}
        for name, position, messages in refused:
            if found := messages.get(repr(numbers[position])):
                errors[name] = list(found)
        for attname, value in zip(attnames, numbers, strict=True):
            setattr(metric, attname, value)
        if campaign is not metric_campaign:  # rows come campaign by campaign: set it on change
            metric.campaign = metric_campaign = campaign
        metric.date = day
        try:
            metric.clean()
        except ValidationError as error:
            for name, found in error.message_dict.items():
                errors.setdefault(name, []).extend(found)
        if errors:
            bad[index] = errors
    return bad


def _refused_values(field, column, instance) -> dict[str, list[str]]:
    """The messages of each value of ``column`` that ``field.clean`` refuses, by repr.

    A file has about as many distinct amounts as rows, so a column is first seen to pass
    whole when it can be: when the field's validators are bounds (MinValueValidator,
    MaxValueValidator) and Decimal places (DecimalValidator), and its least and greatest value
    and one value of each shape (exponent, number of digits, zero or not: all that the
    DecimalValidator looks at) pass ``field.clean``, every value passes it. Otherwise each
    distinct value is cleaned, and each refused one has its own messages."""
    kinds = {type(value) for value in column}
    if len(kinds) == 1 and kinds <= {int, Decimal} and _bounds_and_places(field):
        samples = {}
        if kinds == {Decimal}:
            for value in column:
                _sign, digits, exponent = value.as_tuple()
                samples.setdefault((exponent, len(digits), digits == (0,)), value)
        if all(isinstance(exponent, int) for exponent, _, _ in samples):  # no NaN, no infinity
            samples.update(least=min(column), greatest=max(column))
            if not any(_messages(field, value, instance) for value in samples.values()):
                return {}
    found = {}
    for key, value in dict(zip(map(repr, column), column, strict=True)).items():
        if messages := _messages(field, value, instance):
            found[key] = messages
    return found


def _bounds_and_places(field) -> bool:
    return not field.choices and all(
        isinstance(v, (MinValueValidator, MaxValueValidator, DecimalValidator))
        for v in field.validators
    )


def _messages(field, value, instance) -> list[str]:
    try:
        field.clean(value, instance)
    except ValidationError as error:
        return error.messages
    return []
