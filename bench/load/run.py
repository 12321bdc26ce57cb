"""One load-test run on one database: `make load` runs it on SQLite and on PostgreSQL.

Builds a fresh database (DATABASE_URL, else a SQLite file in a temporary folder) with the demo
and LOAD_LOCATIONS agency clients of 20 campaigns × 365 days, the load users and API tokens;
collects the static files; serves the app with gunicorn (DEBUG=false, LOAD_WORKERS sync
workers) and runs Locust headless (bench/load/locustfile.py) in three phases:

1. the mixed browse: LOAD_USERS managers, viewers and API clients for LOAD_SECONDS;
2. the trivial view (/healthz) alone, LOAD_USERS users without think time, LOAD_SATURATION_SECONDS;
3. a signed-in page of that location without figures (the import help) alone, the same way:
   the fixed cost of any of its pages;
4. one location's overview alone, signed in, the same way.

Prints a Markdown table per phase, what statistics the database's planner has (the run, like
the bench, runs no ANALYZE of its own) and the goals of issue 20: the overview's saturation
throughput ≥ 0.5 × the page without figures', and no failed request. Exit status 1 when any
request failed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import platform
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
USERS = int(os.environ.get("LOAD_USERS", 50))
SECONDS = int(os.environ.get("LOAD_SECONDS", 60))
SATURATION_SECONDS = int(os.environ.get("LOAD_SATURATION_SECONDS", 20))
LOCATIONS = int(os.environ.get("LOAD_LOCATIONS", 6))
CAMPAIGNS, DAYS = 20, 365
WORKERS = int(os.environ.get("LOAD_WORKERS", 2 * (os.cpu_count() or 1) + 1))
PASSWORD = "load-test-password-2026"
MIXED = ["ManagerUser", "ViewerUser", "ApiUser"]
#: Issue 20: the overview's saturation throughput ÷ the signed-in page without figures'.
PAGE_RATIO_GOAL = 0.5
RAMP = 5  # seconds to start the mixed browse's users

WORKDIR = Path(tempfile.mkdtemp(prefix="cpa-load-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORKDIR}/load.sqlite3")
# The server's settings, also the builder's: collectstatic must write the manifest that
# DEBUG=false serves from.
SERVER_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1",
    # Plain HTTP on localhost: cookies marked Secure would never be sent back.
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    # The API's per-token limit (120 a minute by default) is not what is measured here.
    "API_RATE_LIMIT_REQUESTS": "1000000",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(SERVER_ENV)
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE.parent))  # bench/: dbstate

import django  # noqa: E402

django.setup()

from dbstate import database_state  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402
from django.test import Client  # noqa: E402

from campaigns import tokens  # noqa: E402
from campaigns.alerts import evaluate_alerts  # noqa: E402
from campaigns.models import (  # noqa: E402
    DAILY_MONEY_FIELDS,
    DAILY_NUMBER_FIELDS,
    Campaign,
    DailyMetric,
    LifetimeMetric,
    Location,
    Membership,
)
from campaigns.tenancy import scopes_disabled  # noqa: E402

CHANNELS = Campaign.Channel.values


# --- Data -----------------------------------------------------------------------------------


def build_location(index: int) -> tuple[Location, list[int]]:
    """An agency client: 20 campaigns of every channel over the last year, one row a day."""
    rng = random.Random(index)
    location = Location.objects.create(name=f"Load Client {index:02}", slug=f"client-{index:02}")
    today = location.today()
    start = today - timedelta(days=DAYS - 1)
    with scopes_disabled():
        campaigns = Campaign.objects.bulk_create(
            Campaign(
                location=location,
                name=f"Campaign {i:02} {CHANNELS[i % len(CHANNELS)]}",
                channel=CHANNELS[i % len(CHANNELS)],
                status="paused" if i % 9 == 4 else "active",
                budget=Decimal(rng.randrange(40_000, 90_000, 500)),
                start_date=start,
                end_date=today + timedelta(days=rng.randint(10, 120)) if i % 3 else None,
                target_leads=rng.choice([None, 4000, 6000]),
                target_conversions=rng.choice([None, 300, 500]),
                target_roi=rng.choice([None, Decimal("1.5"), Decimal("2.5")]),
            )
            for i in range(CAMPAIGNS)
        )
        days = []
        for campaign in campaigns:
            for offset in range(DAYS):
                impressions = rng.randint(1_000, 20_000)
                clicks = rng.randint(impressions // 100, impressions // 25)
                leads = rng.randint(0, max(1, clicks // 5))
                qualified = rng.randint(0, leads)
                days.append(
                    DailyMetric(
                        location=location,
                        campaign=campaign,
                        date=start + timedelta(days=offset),
                        impressions=impressions,
                        clicks=clicks,
                        leads=leads,
                        qualified_leads=qualified,
                        hot_leads=rng.randint(0, qualified),
                        conversions=rng.randint(0, leads // 4),
                        revenue=Decimal(rng.randint(0, 250_000)) / 100,
                        spend=Decimal(rng.randint(2_000, 25_000)) / 100,
                    )
                )
        # The queryset's bulk_create also fills the monthly and lifetime rollups.
        DailyMetric.objects.bulk_create(days, batch_size=5_000)
    evaluate_alerts(location)
    return location, [c.pk for c in campaigns]


def check_rollups() -> None:
    """Each campaign's lifetime rollup equals the sums of its days (money to the cent:
    SQLite sums decimals as floating point, so rollups.differences() would report
    sub-cent noise over a year of days)."""
    cents = Decimal("0.01")
    sums = {name: Sum(name) for name in DAILY_NUMBER_FIELDS}
    with scopes_disabled():
        days = DailyMetric.objects.values("campaign_id").annotate(days=Count("id"), **sums)
        stored = LifetimeMetric.objects.values("campaign_id", "days", *DAILY_NUMBER_FIELDS)
        expected = {row.pop("campaign_id"): row for row in days.order_by()}
        found = {row.pop("campaign_id"): row for row in stored}
    for row in (*expected.values(), *found.values()):
        for name in DAILY_MONEY_FIELDS:
            row[name] = Decimal(row[name]).quantize(cents)
    if expected != found:
        raise SystemExit("The lifetime rollups disagree with the days.")


def build() -> dict:
    """The data, the users and the tokens; returns the locustfile's configuration."""
    call_command("migrate", verbosity=0)
    call_command("seed_demo", password=PASSWORD, verbosity=0, stdout=io.StringIO())
    locations = [build_location(i) for i in range(1, LOCATIONS + 1)]
    with scopes_disabled():
        check_rollups()
        days = DailyMetric.objects.count()
    users = get_user_model().objects
    hashed = make_password(PASSWORD)  # hashed once: one hash is a third of a second
    managers, viewers, tokens_out, sessions = [], [], [], []
    # Managers of three clients each (the portfolio has rows), viewers of one.
    for i in range(0, LOCATIONS, 3):
        group = locations[i : i + 3]
        user = users.create(username=f"load-manager-{i // 3 + 1}", password=hashed)
        for location, _ in group:
            Membership.objects.create(user=user, location=location, role=Membership.Role.MANAGER)
        managers.append({"username": user.username, "slugs": [loc.slug for loc, _ in group]})
    for location, _ in locations:
        user = users.create(username=f"load-viewer-{location.slug}", password=hashed)
        Membership.objects.create(user=user, location=location, role=Membership.Role.VIEWER)
        viewers.append({"username": user.username, "slugs": [location.slug]})
        _, secret = tokens.issue_token(location=location, name="Load test")
        tokens_out.append({"slug": location.slug, "secret": secret})
    # The overview saturation's sessions, made here so that no sign-in is timed.
    overview = locations[0][0]
    for viewer in users.filter(username=f"load-viewer-{overview.slug}"):
        for _ in range(5):
            client = Client()
            client.force_login(viewer)
            sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return {
        "password": PASSWORD,
        "manager": managers,
        "viewer": viewers,
        "tokens": tokens_out,
        "campaigns": {loc.slug: ids for loc, ids in locations},
        "overview_slug": overview.slug,
        "overview_sessions": sessions,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "days": days,
    }


# --- Server and load ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
            "--error-logfile",
            str(WORKDIR / "gunicorn.log"),
        ],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}: see {WORKDIR}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return server
        except urllib.error.HTTPError as error:  # it answers, wrongly: no use waiting
            server.terminate()
            server.wait(timeout=30)
            log = (WORKDIR / "gunicorn.log").read_text(errors="replace")
            message = f"/healthz answered {error.code}; gunicorn's log ends:\n{log[-2000:]}"
            raise SystemExit(message) from None
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def settle(port: int) -> None:
    """Wait until the server is idle again: when Locust stops, the requests already queued
    at gunicorn are still served, and must not slow the next phase down."""
    deadline = time.monotonic() + 120
    quick = 0
    while quick < 3 and time.monotonic() < deadline:
        started = time.monotonic()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=60):
            pass
        quick = quick + 1 if time.monotonic() - started < 0.05 else 0
        time.sleep(0.5)


def locust(name: str, port: int, classes: list[str], seconds: int, *, rate: int) -> list[dict]:
    """Run Locust headless; the rows of its stats CSV (the last is "Aggregated")."""
    prefix = WORKDIR / name
    command = [
        str(BIN / "locust"),
        "-f",
        str(HERE / "locustfile.py"),
        "--headless",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "-u",
        str(USERS),
        "-r",
        str(rate),
        "-t",
        f"{seconds}s",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(prefix),
        *classes,
    ]
    env = {
        **os.environ,
        "LOAD_CONFIG": str(WORKDIR / "load.json"),
        "LOAD_SIGN_INS": str(WORKDIR / "sign-ins.json"),
        "LOAD_BROWSE_SECONDS": str(SECONDS),
    }
    with open(WORKDIR / f"{name}.log", "w") as log:
        subprocess.run(command, env=env, cwd=ROOT, stdout=log, stderr=log, check=False)
    settle(port)
    with open(f"{prefix}_stats.csv", newline="") as f:
        return list(csv.DictReader(f))


def failures(name: str) -> list[dict]:
    with open(WORKDIR / f"{name}_failures.csv", newline="") as f:
        return list(csv.DictReader(f))


# --- Report ---------------------------------------------------------------------------------


def database() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} CPUs, {memory:.0f} GiB, Python {platform.python_version()}, "
        f"{database()}, gunicorn {WORKERS} sync workers"
    )


def table(rows: list[dict]) -> str:
    lines = [
        "| Request | Requests | Failures | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if row["Request Count"] in (0, "0"):
            continue  # the sign-ins' rows in the browse's statistics, reset before it
        name = "**all**" if row["Name"] == "Aggregated" else row["Name"]
        lines.append(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} "
            f"| {float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} |"
        )
    return "\n".join(lines)


def mark(met: bool) -> str:
    return "✅" if met else "❌"


def main() -> int:
    started = time.monotonic()
    load_before = os.getloadavg()[0]  # other work on the machine shares its CPUs
    config = build()
    (WORKDIR / "load.json").write_text(json.dumps(config))
    call_command("collectstatic", interactive=False, verbosity=0)
    description = machine()
    state_built = database_state()
    connection.close()  # the server's workers are the database's clients from here
    built = time.monotonic() - started
    port = free_port()
    server = start_server(port)
    try:
        # Locust stops itself LOAD_SECONDS after the last sign-in (bench/load/locustfile.py).
        mixed = locust("mixed", port, MIXED, SECONDS + 180, rate=max(1, USERS // RAMP))
        trivial = locust("trivial", port, ["HealthUser"], SATURATION_SECONDS, rate=USERS)
        page = locust("page", port, ["StaticPageUser"], SATURATION_SECONDS, rate=USERS)
        overview = locust("overview", port, ["OverviewUser"], SATURATION_SECONDS, rate=USERS)
    finally:
        server.terminate()
        server.wait(timeout=30)
    state_run = database_state()
    trivial_rps = float(trivial[0]["Requests/s"])
    overview_rps = float(overview[0]["Requests/s"])
    ratio = overview_rps / trivial_rps if trivial_rps else 0.0
    page_rps = float(page[0]["Requests/s"])
    page_ratio = overview_rps / page_rps if page_rps else 0.0
    failed = {
        name: int(rows[-1]["Failure Count"])
        for name, rows in (
            ("mixed", mixed),
            ("trivial", trivial),
            ("page", page),
            ("overview", overview),
        )
    }
    # Written when every user was ready: missing, some user never got as far as browsing.
    signed = WORKDIR / "sign-ins.json"
    sign_ins = json.loads(signed.read_text()) if signed.exists() else []
    failed["sign-in"] = sum(int(row["Failure Count"]) for row in sign_ins) if sign_ins else 1
    if not sign_ins:
        print("Not every user signed in and started browsing: see mixed.log (LOAD_KEEP=1).")
    print(f"\n### {database()}\n")
    print(
        f"{description}; data: the demo and {LOCATIONS} clients × {CAMPAIGNS} campaigns × "
        f"{DAYS} days ({config['days']:,} daily rows); built in {built:.0f} s; "
        f"load average {load_before:.1f} before the run.\n"
    )
    print(
        f"Mixed browse: {USERS} users (managers 2 : viewers 2 : API 1), 1–5 s between "
        f"requests, {SECONDS} s from the moment all are started and signed in.\n"
    )
    print(table(mixed))
    print("\nBefore the browse (not in the table above), the managers and viewers signed in:\n")
    print(table(sign_ins))
    print(f"\nSaturation, {USERS} users without think time, {SATURATION_SECONDS} s each:\n")
    print(table([trivial[0], page[0], overview[0]]))
    print(f"\nDatabase after the build: {state_built}")
    print(f"After the run: {state_run}")
    print(f"\nGoals (issue 20), {database()}:\n")
    print("| goal | measured | target | |")
    print("| --- | ---: | ---: | --- |")
    print(
        f"| overview ÷ signed-in page without figures, saturation req/s | **{page_ratio:.2f}** "
        f"({overview_rps:.1f} ÷ {page_rps:.1f}) | ≥ {PAGE_RATIO_GOAL:g} "
        f"| {mark(page_ratio >= PAGE_RATIO_GOAL)} |"
    )
    total = sum(failed.values())
    print(f"| failed requests, every phase and sign-in | **{total}** | 0 | {mark(total == 0)} |")
    print(f"\nOverview ÷ trivial view: {ratio:.1%} (issue 11's goal ≥ 40 %; for reference).")
    for name, count in failed.items():
        if count and name != "sign-in":
            for row in failures(name):
                what = f"{row['Method']} {row['Name']}: {row['Error']}"
                print(f"  {name}: {row['Occurrences']} × {what}")
    log = (WORKDIR / "gunicorn.log").read_text(errors="replace").strip()
    if log:
        print(f"\ngunicorn's log:\n{log[-3000:]}")
    if os.environ.get("LOAD_KEEP"):
        print(f"\nKept {WORKDIR}")
    else:
        shutil.rmtree(WORKDIR, ignore_errors=True)
    return 1 if any(failed.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
