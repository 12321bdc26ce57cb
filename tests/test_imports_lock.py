"""An import does not hold the database's write lock while it reads and plans a file (issue 8,
finding 1): on SQLite, another location's write and a login go through meanwhile.

The scenario needs two real connections to one SQLite file, so it runs in a child process with
its own database (the test database of pytest-django is in memory); running this file as a
script is that child. Its busy timeout is one second, so a write that had to wait for the lock
fails at once with "database is locked" instead of waiting twenty.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_another_locations_write_and_a_login_proceed_while_an_import_plans(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "IMPORT_STAGING_DIR": str(tmp_path / "imports"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "a key for this test's child process only",
    }
    done = subprocess.run(
        [sys.executable, __file__],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])

    assert report["paused_in_planning"] is True
    assert report["other_write"] == "ok"
    assert report["login"] == 302
    assert report["import"] == "Imported 40 days: 40 added, 0 replaced. Created 4 campaigns"
    assert report["days"] == 40


# --------------------------------------------------------------------------- the child process


def _scenario() -> dict:
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    # Before the first connection: wait one second for a lock, not twenty.
    options = settings.DATABASES["default"].setdefault("OPTIONS", {})
    options["timeout"] = 1
    options["init_command"] = options.get("init_command", "").replace(
        "busy_timeout=20000", "busy_timeout=1000"
    )
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from datetime import date, timedelta
    from unittest import mock

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from campaigns import imports, services
    from campaigns.imports import planning
    from campaigns.models import DailyMetric, Location, Membership
    from campaigns.tenancy import scopes_disabled
    from tests.factories import CampaignFactory, LocationFactory, MembershipFactory, UserFactory

    setup_test_environment()
    call_command("migrate", verbosity=0)
    assert connection.vendor == "sqlite" and "memory" not in str(connection.settings_dict["NAME"])
    sunrise = LocationFactory(name="Sunrise Realty", slug="sunrise-realty")
    harbor = LocationFactory(name="Harbor Homes", slug="harbor-homes")
    with scopes_disabled():
        reels = CampaignFactory(location=harbor, name="Harbor Reels", start_date=date(2026, 1, 1))
    user = UserFactory(username="harbor-manager")
    user.set_password("a long passphrase")
    user.save()
    MembershipFactory(user=user, location=harbor, role=Membership.Role.MANAGER)
    lines = ["date,campaign,impressions,clicks,leads"]
    for number in range(4):
        for offset in range(10):
            lines.append(f"{date(2026, 1, 2) + timedelta(days=offset)},Spring {number},100,5,1")
    parsed = imports.parse_csv(("\n".join(lines) + "\n").encode())
    connection.close()  # the import's thread and this one each open their own connection

    paused, resume, outcome = threading.Event(), threading.Event(), {}
    currency_notes = planning._currency_notes

    def pause_in_planning(*args, **kwargs):
        # Called by plan_import after it has read the location's campaigns and days.
        if not paused.is_set():
            paused.set()
            resume.wait(timeout=60)
        return currency_notes(*args, **kwargs)

    def run_import():
        try:
            result = imports.commit_import(
                location=Location.objects.get(pk=sunrise.pk),
                parsed=parsed,
                create_missing=True,
                channel="email",
            )
            outcome["import"] = result.message.split(" (")[0]
        except Exception as error:  # reported, not raised: the thread must end
            outcome["import"] = repr(error)
        finally:
            connection.close()

    report = {}
    with mock.patch.object(planning, "_currency_notes", pause_in_planning):
        importer = threading.Thread(target=run_import)
        importer.start()
        report["paused_in_planning"] = paused.wait(timeout=60)
        try:
            services.record_day(
                campaign=reels, day=date(2026, 1, 5), impressions=10, clicks=1, leads=1
            )
            report["other_write"] = "ok"
        except Exception as error:
            report["other_write"] = repr(error)
        try:
            response = Client().post(
                "/accounts/login/",
                {"username": "harbor-manager", "password": "a long passphrase"},
            )
            report["login"] = response.status_code
        except Exception as error:
            report["login"] = repr(error)
        resume.set()
        importer.join(timeout=120)
    report["import"] = outcome.get("import")
    with scopes_disabled():
        report["days"] = DailyMetric.objects.filter(location=sunrise).count()
    return report


if __name__ == "__main__":
    print(json.dumps(_scenario()))
