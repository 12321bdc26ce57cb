"""Imports at the speed of the database (issue 11, item 5): the file is read as a stream in one
pass, rows share their names and days, a commit writes in a fixed number of statements however
many rows it has, and the rollups equal the days afterwards. The timings are in
bench/imports.py (`make bench-imports`), not here."""

import io
import re
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns import imports, rollups
from campaigns.models import Campaign, DailyMetric, MonthlyMetric
from campaigns.tenancy import scopes_disabled
from tests.factories import CampaignFactory

HEADER = (
    "date,campaign,impressions,clicks,leads,qualified_leads,hot_leads,conversions,revenue,spend"
)


def ours(rows: int, *, campaigns: int = 50, first: date = date(2026, 1, 1), slashed=False):
    """A file in our format of ``rows`` rows: ``campaigns`` campaigns, one day each in turn."""
    lines = [HEADER]
    for n in range(rows):
        day = first + timedelta(days=n // campaigns)
        text = f"{day:%d/%m/%Y}" if slashed else str(day)
        lines.append(f"{text},Campaign {n % campaigns},{1000 + n},{n % 97},9,4,1,2,{n}.25,12.50")
    return ("\n".join(lines) + "\n").encode()


class Recording(io.BytesIO):
    """A binary file that counts the bytes each read returns."""

    def __init__(self, content: bytes):
        super().__init__(content)
        self.reads: list[int] = []

    def _seen(self, data):
        self.reads.append(len(data))
        return data

    def read(self, size=-1):
        return self._seen(super().read(size))

    def read1(self, size=-1):
        return self._seen(super().read1(size))

    def readline(self, size=-1):
        return self._seen(super().readline(size))

    def __next__(self):
        return self._seen(super().__next__())

    def getvalue(self):  # pragma: no cover - the point is that nothing calls it
        raise AssertionError("the reader took the whole file")

    def getbuffer(self):  # pragma: no cover
        raise AssertionError("the reader took the whole file")


def test_a_large_file_is_read_as_a_stream_in_one_pass_after_the_encoding_check():
    content = ours(30_000)
    stream = Recording(content)

    parsed = imports.read_csv(stream)

    assert len(parsed.rows) == 30_000 and parsed.problems == ()
    # Never the whole file at once: lines to find the encoding, then chunks of text.
    assert max(stream.reads) < 100_000 < len(content)
    # The encoding check, the header, then the rows once: not once for the dates and again for
    # the rows (three times the file before).
    assert sum(stream.reads) < 2.2 * len(content)


def test_a_file_found_day_first_at_its_last_row_is_read_again_day_first():
    # Every date but the last could be month first: the rows read that way are read again.
    content = ours(9_600, campaigns=800, slashed=True)  # January 1 to 12, written 01/01/2026…
    content += b"13/11/2026,Campaign 0,1,1,1,0,0,0,0,0\n"
    stream = Recording(content)

    parsed = imports.read_csv(stream)

    assert parsed.problems == ()
    assert [r.day for r in parsed.rows[799:801]] == [date(2026, 1, 1), date(2026, 1, 2)]
    assert parsed.rows[-2].day == date(2026, 1, 12)  # 12/01/2026, not December 1
    assert parsed.rows[-1].day == date(2026, 11, 13)
    assert any("day first" in note for note in parsed.notes)
    assert 2.5 * len(content) < sum(stream.reads) < 3.3 * len(content)


def test_the_rows_of_a_file_share_their_campaign_names_and_days():
    parsed = imports.parse_csv(ours(1_000, campaigns=10))

    first, same_name, same_day = parsed.rows[0], parsed.rows[10], parsed.rows[1]
    assert first.campaign == same_name.campaign == "Campaign 0"
    assert first.campaign is same_name.campaign  # one string per name, not one per row
    assert first.day == same_day.day == date(2026, 1, 1)
    assert first.day is same_day.day  # one date per cell text, parsed once
    assert first.values == {
        "impressions": 1000,
        "clicks": 0,
        "leads": 9,
        "qualified_leads": 4,
        "hot_leads": 1,
        "conversions": 2,
        "revenue": Decimal("0.25"),
        "spend": Decimal("12.50"),
    }


def test_reading_holds_the_rows_and_little_else():
    """While a file is read, memory holds its rows and a few chunks of it: never its whole text,
    nor every row's cells besides the rows (a traced peak above what stays would show them)."""
    content = ours(20_000)
    tracemalloc.start()
    try:
        parsed = imports.parse_csv(content)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert len(parsed.rows) == 20_000
    assert peak - kept < len(content) / 3
    assert kept / len(parsed.rows) < 600  # bytes per row: a tuple of numbers, not a dict


def commit(location, content: bytes, **options):
    return imports.commit_import(
        location=location, parsed=imports.parse_csv(content), create_missing=True, **options
    )


def test_a_commit_takes_the_same_statements_for_300_rows_as_for_3000(sunrise, harbor):
    counts = []
    for location, days in ((sunrise, 10), (harbor, 100)):
        for n in range(3):
            CampaignFactory(location=location, name=f"Campaign {n}", start_date=date(2025, 1, 1))
        content = ours(30 * days, campaigns=30, first=date(2026, 1, 1))
        with CaptureQueriesContext(connection) as queries:
            result = commit(location, content, channel="email")
        assert result.added == 30 * days and len(result.created) == 27
        counts.append(len(queries))
        # The days: one executemany of every row (the debug cursor logs it "N times: …").
        writes = [
            q["sql"]
            for q in queries
            if re.search(r"INSERT INTO \S*campaigns_dailymetric", q["sql"])
        ]
        assert [w.split(":")[0] for w in writes] == [f"{30 * days} times"]
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_rollups_equal_the_days_after_an_import_that_adds_and_replaces_across_months(sunrise):
    kept = CampaignFactory(location=sunrise, name="Campaign 0", start_date=date(2025, 12, 1))
    other = CampaignFactory(location=sunrise, name="Campaign 1", start_date=date(2025, 12, 1))
    with scopes_disabled():
        DailyMetric.objects.bulk_create(
            DailyMetric(location=sunrise, campaign=c, date=day, leads=3, spend=Decimal("7.00"))
            for c in (kept, other)
            for day in (date(2025, 12, 31), date(2026, 1, 1), date(2026, 2, 15))
        )
    # Campaigns 0 and 1 exist (their Jan 1 and Feb 15 replaced), 2 and 3 are created; from
    # January 1 to March 16.
    result = commit(sunrise, ours(300, campaigns=4), channel="sms")

    assert (result.added, result.replaced, len(result.created)) == (296, 4, 2)
    assert rollups.differences() == []
    with scopes_disabled():
        assert DailyMetric.objects.filter(location=sunrise).count() == 302
        months = dict(MonthlyMetric.objects.filter(campaign=kept).values_list("month", "leads"))
        assert Campaign.objects.filter(location=sunrise).count() == 4
    assert months == {
        date(2025, 12, 1): 3,  # not in the file: as it was
        date(2026, 1, 1): 9 * 31,
        date(2026, 2, 1): 9 * 28,
        date(2026, 3, 1): 9 * 16,
    }


@pytest.mark.django_db
def test_a_bad_amount_among_thousands_of_good_ones_is_refused_with_its_own_message(sunrise):
    """Columns are validated whole when they can be; a value out of bounds or with too many
    decimal places still refuses its row, with its field's message, naming row and column."""
    lines = ours(3_000, campaigns=30).decode().splitlines()
    lines[1_000] = lines[1_000].replace(",12.50", ",10000000000.01")  # row 1,001: spend too big
    # Row 2,001: a tenth of a cent, in a revenue neither the least nor the greatest.
    lines[2_000] = lines[2_000].replace(",1999.25,", ",1999.255,")
    lines[2_500] = lines[2_500].replace(",3499,", ",1000000001,")  # row 2,501: impressions
    plan = imports.plan_import(
        location=sunrise, parsed=imports.parse_csv(("\n".join(lines) + "\n").encode())
    )

    refused = [(p.row, p.column, p.message) for p in plan.refused if p.column != "campaign"]
    assert refused == [
        (1_001, "spend", "Ensure this value is less than or equal to 10000000000."),
        (2_001, "revenue", "Ensure that there are no more than 2 decimal places."),
        (2_501, "impressions", "Ensure this value is less than or equal to 1000000000."),
    ]
