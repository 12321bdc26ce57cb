"""The activity CSV: one line per field changed, the page's filters, streamed, in the location's
time, and text cells defused against spreadsheet formulas."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns import history, services
from campaigns.models import Change, Source
from campaigns.tenancy import scope
from tests.test_history_pages import DAY, import_days, make_campaign, record

HEADER = [
    "when",
    "source",
    "actor",
    "batch",
    "campaign_id",
    "campaign_name",
    "kind",
    "day",
    "stage",
    "action",
    "field",
    "old",
    "new",
]


def download(client, location, **query):
    url = reverse("campaigns:activity_csv", args=[location.slug])
    response = client.get(url, query)
    assert response.status_code == 200, response
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode()
    return response, list(csv.reader(io.StringIO(body)))


@pytest.fixture
def campaign(sunrise, sunrise_manager):
    return make_campaign(sunrise, sunrise_manager)


def test_one_line_per_field_changed_newest_first(client, sunrise, sunrise_manager, campaign):
    record(sunrise, sunrise_manager, campaign, leads=5, spend=Decimal("12.50"))
    record(sunrise, sunrise_manager, campaign, leads=7, spend=Decimal("12.50"))
    client.force_login(sunrise_manager)

    response, lines = download(client, sunrise)

    assert lines[0] == HEADER
    assert response["Content-Disposition"].startswith(
        'attachment; filename="sunrise-realty-activity-'
    )
    changed = [line for line in lines[1:] if line[9] == "changed"]
    created_day = [line for line in lines[1:] if line[6] == "day" and line[9] == "created"]
    created_campaign = [line for line in lines[1:] if line[6] == "campaign"]
    assert lines[1] == changed[0]  # newest first
    assert [line[10:] for line in changed] == [["leads", "5", "7"]]  # only what changed
    assert changed[0][1:10] == [
        "form",
        "sunrise-manager",
        "",
        str(campaign.pk),
        "Spring Open House",
        "day",
        "2026-03-04",
        "",
        "changed",
    ]
    assert ["spend", "", "12.50"] in [line[10:] for line in created_day]  # money as stored
    assert ["leads", "", "5"] in [line[10:] for line in created_day]
    assert ["start_date", "", "2026-03-01"] in [line[10:] for line in created_campaign]
    assert ["budget", "", "1000.00"] in [line[10:] for line in created_campaign]
    assert len(lines) == 1 + 1 + len(created_day) + len(created_campaign)


def test_times_are_iso_in_the_locations_time_zone_and_batches_named(
    client, sunrise, sunrise_manager, campaign
):
    sunrise.time_zone = "Europe/Paris"
    sunrise.save()
    batch = import_days(sunrise, sunrise_manager, campaign, [{"date": DAY, "leads": 2}])
    with scope(sunrise):
        Change.objects.update(created_at=datetime(2026, 7, 1, 22, 30, tzinfo=UTC))
    client.force_login(sunrise_manager)

    _, lines = download(client, sunrise, source="import")

    assert {line[0] for line in lines[1:]} == {"2026-07-02T00:30:00+02:00"}
    assert {line[1] for line in lines[1:]} == {"import"}
    assert {line[3] for line in lines[1:]} == {str(batch.pk)}


def test_the_filters_of_the_page_apply(client, sunrise, sunrise_manager, campaign):
    other = make_campaign(sunrise, sunrise_manager, name="Email Blast")
    record(sunrise, sunrise_manager, campaign, leads=3)
    record(sunrise, sunrise_manager, other, leads=4, source=Source.API)
    with scope(sunrise), history.acting(Source.FORM, user=sunrise_manager):
        services.set_funnel(campaign=campaign, counts={"awareness": 900})
    client.force_login(sunrise_manager)

    _, days = download(client, sunrise, kind="day")
    _, api = download(client, sunrise, source="api")
    _, of_one = download(client, sunrise, campaign=other.pk)
    _, funnel = download(client, sunrise, kind="funnel", campaign=campaign.pk)

    assert {line[6] for line in days[1:]} == {"day"}
    assert {line[4] for line in days[1:]} == {str(campaign.pk), str(other.pk)}
    assert {(line[1], line[5]) for line in api[1:]} == {("api", "Email Blast")}
    assert {line[4] for line in of_one[1:]} == {str(other.pk)}
    assert [line[6:] for line in funnel[1:]] == [
        ["funnel", "", "awareness", "created", "count", "", "900"]
    ]


def test_text_cells_are_defused_against_formulas_and_numbers_are_not(
    client, sunrise, sunrise_manager
):
    evil = make_campaign(
        sunrise, sunrise_manager, name='=HYPERLINK("http://x.example","Click")', target_roi=None
    )
    with scope(sunrise), history.acting(Source.FORM, user=sunrise_manager):
        services.update_campaign(campaign=evil, name="@SUM(A1)", target_roi=Decimal("-0.5"))
    client.force_login(sunrise_manager)

    _, lines = download(client, sunrise)

    renamed = next(line for line in lines[1:] if line[10] == "name" and line[9] == "changed")
    assert renamed[5] == "'@SUM(A1)"  # the campaign's name when changed
    assert renamed[11:] == ['\'=HYPERLINK("http://x.example","Click")', "'@SUM(A1)"]
    roi = next(line for line in lines[1:] if line[10] == "target_roi")
    assert roi[11] == "" and roi[12].startswith("-0.5")  # a negative number stays a number


def test_an_empty_csv_still_has_its_header(client, sunrise, sunrise_manager):
    client.force_login(sunrise_manager)

    _, lines = download(client, sunrise)

    assert lines == [HEADER]


def test_viewers_get_403_and_other_locations_changes_are_never_in_it(
    client, sunrise, harbor, sunrise_manager, sunrise_viewer, harbor_manager, campaign
):
    theirs = make_campaign(harbor, harbor_manager, name="Harbor Secret")
    record(harbor, harbor_manager, theirs, leads=9, revenue=Decimal("98765.00"))
    url = reverse("campaigns:activity_csv", args=[sunrise.slug])

    client.force_login(sunrise_viewer)
    assert client.get(url).status_code == 403
    client.force_login(harbor_manager)
    assert client.get(url).status_code == 404
    client.force_login(sunrise_manager)
    _, lines = download(client, sunrise, campaign=theirs.pk)
    assert lines == [HEADER]
    _, everything = download(client, sunrise)
    text = repr(everything)
    assert "Harbor Secret" not in text and "98765" not in text
    assert {line[4] for line in everything[1:]} == {str(campaign.pk)}


def test_the_day_cell_is_iso(client, sunrise, sunrise_manager, campaign):
    record(sunrise, sunrise_manager, campaign, day=date(2026, 3, 9), leads=1)
    client.force_login(sunrise_manager)

    _, lines = download(client, sunrise, kind="day")

    assert {line[7] for line in lines[1:]} == {"2026-03-09"}


def test_a_filter_that_is_not_one_of_the_list_is_refused_with_its_reason(
    client, sunrise, sunrise_manager, campaign
):
    client.force_login(sunrise_manager)
    url = reverse("campaigns:activity_csv", args=[sunrise.slug])

    response = client.get(url, {"source": "nonsense", "campaign": "x1"})

    assert response.status_code == 400
    assert response.content.decode() == (
        "That source is not one of the list. That campaign is not one of the list."
    )
