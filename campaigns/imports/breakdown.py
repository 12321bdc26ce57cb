"""Exports broken down by ad set, ad, placement, age, gender, device or network have several rows
per campaign and day: they are summed into the campaign's day. Counts and money are summed
exactly (int and Decimal); reach and frequency, which cannot be summed, are never imported.
Needs no database."""

from __future__ import annotations

from campaigns.imports.rows import ParsedRow, plural


def sum_breakdown(rows: list[ParsedRow], kinds: tuple[str, ...]) -> tuple[list[ParsedRow], str]:
    """The rows of each campaign and day summed into one (numbered by its first row, in the
    order of the file), and the note that says so. A campaign is its platform ID when the file
    has one, else its name. A number no row of the day gives stays None."""
    days: dict[tuple[str, str, object], ParsedRow] = {}
    for row in rows:
        key = (row.campaign_id, row.campaign if not row.campaign_id else "", row.day)
        summed = days.get(key)
        if summed is None:
            days[key] = ParsedRow(row.row, row.campaign, row.day, row.numbers, row.campaign_id)
            continue
        summed.numbers = tuple(
            a if b is None else b if a is None else a + b
            for a, b in zip(summed.numbers, row.numbers, strict=True)
        )
    what = " and ".join([", ".join(kinds[:-1]), kinds[-1]] if len(kinds) > 1 else kinds)
    if len(days) == len(rows):
        note = (
            f"The file is broken down by {what}, with one row per campaign and day: "
            "nothing needed summing."
        )
    else:
        note = (
            f"{plural(len(rows), 'row')} of {what} summed into {plural(len(days), 'day')} "
            "(one per campaign and day; reach and frequency are not imported)."
        )
    return list(days.values()), note
