"""Uploads waiting for their commit (issue 8, finding 6): private files, a limit per user, a
preview read from what was kept at upload, and the clear_stale_imports command."""

import os
import re
import stat
import time
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from campaigns import imports
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def staging(settings, tmp_path):
    settings.IMPORT_STAGING_DIR = tmp_path / "imports"
    return settings.IMPORT_STAGING_DIR


def upload(client, location, name="ours.csv"):
    content = (DATA / name).read_bytes()
    return client.post(
        reverse("campaigns:import", args=[location.slug]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_staged_files_are_readable_by_the_server_only(client, sunrise, sunrise_manager, staging):
    old_umask = os.umask(0o022)  # the usual umask: files 0644, folders 0755, unless asked
    try:
        client.force_login(sunrise_manager)
        assert upload(client, sunrise).status_code == 302
    finally:
        os.umask(old_umask)

    files = sorted(staging.iterdir())
    assert {p.name.split(".", 1)[1] for p in files} == {"csv", "json", "preview.json"}
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert stat.S_IMODE(staging.stat().st_mode) == 0o700


def test_each_user_keeps_a_limited_number_of_uploads(client, sunrise, sunrise_manager, settings):
    settings.IMPORT_MAX_STAGED_PER_USER = 2
    client.force_login(sunrise_manager)
    first = upload(client, sunrise)["Location"]
    upload(client, sunrise)

    refused = upload(client, sunrise)

    assert refused.status_code == 200
    assert (
        "You have 2 uploads waiting for their commit, the most kept at a time. Commit or cancel "
        "one of them (listed below)" in text_of(refused)
    )
    assert f'href="{first}"' in refused.content.decode()  # the uploads waiting are listed
    other = MembershipFactory(user=UserFactory(username="colleague"), location=sunrise).user
    client.force_login(other)
    assert upload(client, sunrise).status_code == 302  # the limit is per user

    client.force_login(sunrise_manager)
    cancelled = client.post(first, {"missing": "refuse"}, follow=True)
    assert "Nothing was imported from ours.csv." in text_of(cancelled)
    assert upload(client, sunrise).status_code == 302


def test_the_preview_is_read_from_what_was_kept_at_upload(client, sunrise, sunrise_manager):
    client.force_login(sunrise_manager)
    preview_url = upload(client, sunrise, "google_ads_daily.csv")["Location"]

    with (
        mock.patch.object(imports, "read_csv", side_effect=AssertionError("read again")),
        mock.patch.object(imports, "parse_csv", side_effect=AssertionError("read again")),
        mock.patch.object(imports, "plan_import", side_effect=AssertionError("planned again")),
    ):
        page = client.get(preview_url)

    assert page.status_code == 200
    text = text_of(page)
    assert "14 rows: 0 added, 0 replaced, 0 unchanged, 0 refused; 2 campaigns not found" in text
    assert "Google Display — Sellers" in text and "Jan 5, 2026" in text
    assert "$1,234.56" in text  # a day's spend, from the kept preview


def test_clear_stale_imports_removes_uploads_older_than_the_age_given(
    client, sunrise, sunrise_manager, staging, capsys
):
    client.force_login(sunrise_manager)
    old_url = upload(client, sunrise)["Location"]
    fresh_url = upload(client, sunrise)["Location"]
    old_token = old_url.rstrip("/").rsplit("/", 1)[1]
    fresh_token = fresh_url.rstrip("/").rsplit("/", 1)[1]
    three_hours_ago = time.time() - 3 * 3600
    for path in staging.glob(f"{old_token}.*"):
        os.utime(path, (three_hours_ago, three_hours_ago))

    call_command("clear_stale_imports", "--older-than", "2")

    out = capsys.readouterr().out
    assert f"Removed {old_token} (ours.csv, uploaded " in out
    assert "1 staged upload older than 2 hours removed" in out
    assert {p.name.split(".", 1)[0] for p in staging.iterdir()} == {fresh_token}

    call_command("clear_stale_imports")  # default: IMPORT_STAGED_MAX_AGE_HOURS, 24
    assert "0 staged uploads older than 24 hours removed" in capsys.readouterr().out
    assert {p.name.split(".", 1)[0] for p in staging.iterdir()} == {fresh_token}


def test_clear_stale_imports_reads_its_default_age_from_the_settings(
    client, sunrise, sunrise_manager, staging, settings, capsys
):
    settings.IMPORT_STAGED_MAX_AGE_HOURS = 1
    client.force_login(sunrise_manager)
    upload(client, sunrise)
    two_hours_ago = time.time() - 2 * 3600
    for path in staging.iterdir():
        os.utime(path, (two_hours_ago, two_hours_ago))

    call_command("clear_stale_imports")

    assert "1 staged upload older than 1 hours removed" in capsys.readouterr().out
    assert list(staging.iterdir()) == []
