"""The first five minutes of a new user: `make run PORT=…` e-mails links to its own port, the
console mailer prints links whole, the README's sample imports fit today's demo and leave its
figures as seeded, a form's POST URL opened as a page answers a page, and the README's page
table names every page."""

import io
import os
import re
import subprocess
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import CommandError, call_command
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from campaigns import imports
from campaigns.analytics.reports import campaign_report
from campaigns.demo_data import (
    SAMPLE_GOOGLE_ADS_CAMPAIGN,
    SAMPLE_IMPORT_CAMPAIGN,
    SAMPLE_META_CAMPAIGN,
)
from campaigns.management.commands.demo_samples import write_samples
from campaigns.members import token_for
from campaigns.middleware import answers_get
from campaigns.models import Campaign, DailyMetric, Invitation, Location
from campaigns.tenancy import scope
from config.settings import mailers_from
from tests.test_seed_demo import INTENDED, demo_reports, states

BASE_DIR = Path(settings.BASE_DIR)
README = (BASE_DIR / "README.md").read_text()


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- make run PORT=… --------------------------------------------------------------------------


def make_run_dry(folder: Path, *args: str, environment: dict | None = None) -> list[str]:
    """The commands `make run` would run from ``folder`` (where a .env would be), not run."""
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "MAKEFLAGS", "MFLAGS")}
    skip = ["-o", ".venv/.installed-base", "-o", "pdf-deps"]  # install nothing: print
    result = subprocess.run(
        ["make", "-n", "-f", str(BASE_DIR / "Makefile"), *skip, "run", *args],
        cwd=folder,
        env=env | (environment or {}),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [line for line in result.stdout.splitlines() if "manage.py" in line]


def test_make_run_on_another_port_gives_its_processes_that_port_as_site_url(tmp_path):
    commands = make_run_dry(tmp_path, "PORT=8123")

    servers = [c for c in commands if re.search(r"runserver|db_worker|run_scheduler", c)]
    assert len(servers) == 3
    assert all('SITE_URL="http://127.0.0.1:8123"' in c for c in commands)
    assert any(c.endswith("runserver 127.0.0.1:8123") for c in commands)


@pytest.mark.parametrize(
    ("dot_env", "environment"),
    [
        ("SITE_URL=https://analytics.example.com\n", {}),
        ("DEBUG=true\nexport SITE_URL=https://analytics.example.com\n", {}),
        ("", {"SITE_URL": "https://analytics.example.com"}),
    ],
    ids=["in .env", "exported in .env", "in the environment"],
)
def test_make_run_leaves_a_site_url_the_user_set_alone(tmp_path, dot_env, environment):
    if dot_env:
        (tmp_path / ".env").write_text(dot_env)

    commands = make_run_dry(tmp_path, "PORT=8123", environment=environment)

    assert any("runserver 127.0.0.1:8123" in c for c in commands)
    assert not any("SITE_URL" in c for c in commands)


def test_a_site_url_commented_out_in_dot_env_is_not_one_the_user_set(tmp_path):
    (tmp_path / ".env").write_text("# SITE_URL=https://analytics.example.com\n")

    commands = make_run_dry(tmp_path, "PORT=8123")

    assert all('SITE_URL="http://127.0.0.1:8123"' in c for c in commands)


# --- The console mailer -----------------------------------------------------------------------


@pytest.fixture
def console(settings):
    """The development mailer (EMAIL_URL=consolemail://) writing into a string."""
    stream = io.StringIO()
    config = mailers_from({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"})
    config["default"]["OPTIONS"] = {"stream": stream}
    settings.MAILERS = config
    return stream


def test_consolemail_is_our_console_mailer():
    config = mailers_from({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"})
    assert config == {"default": {"BACKEND": "campaigns.console_mail.EmailBackend", "OPTIONS": {}}}


def test_the_console_prints_an_invitation_link_whole(client, console, sunrise, sunrise_manager):
    client.force_login(sunrise_manager)

    response = client.post(
        reverse("campaigns:members", args=[sunrise.slug]),
        {"email": "new.colleague@example.com", "role": "viewer"},
    )

    assert response.status_code == 302
    with scope(sunrise):
        invitation = Invitation.objects.get(email="new.colleague@example.com")
    printed = console.getvalue()
    # On a line of its own, to copy; signed with the time it was sent, so read it back.
    [link] = re.findall(r"\n(http://testserver/accounts/invitation/\S+)\n", printed)
    assert len(link) > 78  # longer than a quoted-printable line
    path = link.removeprefix("http://testserver")
    expected = reverse("campaigns:accept_invitation", args=[token_for(invitation)])
    assert path.split(":")[0] == expected.split(":")[0]  # the same invitation, signed
    assert "quoted-printable" not in printed
    assert client.get(path).status_code == 200


def test_the_console_prints_a_long_link_in_a_non_ascii_body_and_subject_as_they_are(console):
    link = "http://127.0.0.1:8001/reports/unsubscribe/" + "x" * 120 + "/"
    message = EmailMultiAlternatives(
        subject="Report — Sunrise Realty",
        body=f"Your report — last week.\n\nUnsubscribe: {link}\n",
        to=["client@example.com"],
    )
    message.attach_alternative(
        f'<p>Your report — <a href="{link}">unsubscribe</a></p>', "text/html"
    )

    assert mail.mailers.default.send_messages([message]) == 1

    printed = console.getvalue()
    assert f"Unsubscribe: {link}\n" in printed
    assert f'<a href="{link}">' in printed
    assert "Subject: Report — Sunrise Realty" in printed
    assert "Content-Transfer-Encoding: 8bit" in printed
    assert "quoted-printable" not in printed


def test_djangos_own_console_backend_would_cut_that_link(settings):
    """Why the app has its own: the same message through Django's console backend."""
    stream = io.StringIO()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.console.EmailBackend",
            "OPTIONS": {"stream": stream},
        }
    }
    link = "http://127.0.0.1:8001/accounts/invitation/" + "x" * 120 + "/"

    mail.mailers.default.send_messages(
        [EmailMultiAlternatives(subject="Invited", body=f"{link}\n", to=["a@example.com"])]
    )

    assert link not in stream.getvalue()
    assert "Content-Transfer-Encoding: quoted-printable" in stream.getvalue()


# --- The README's sample imports --------------------------------------------------------------

SAMPLES = ["ours.csv", "google_ads_daily.csv", "meta_ads_daily.csv"]


@pytest.fixture
def demo(db, fast_passwords):
    call_command("seed_demo", stdout=io.StringIO())
    return Location.objects.get(slug="sunrise-realty")


@pytest.fixture
def samples(demo, tmp_path) -> Path:
    out = io.StringIO()
    call_command("demo_samples", "--to", str(tmp_path), stdout=out)
    assert out.getvalue().splitlines()[1:] == [f"  {tmp_path / name}" for name in SAMPLES]
    return tmp_path


def read(path: Path) -> imports.ParsedFile:
    with path.open("rb") as file:
        return imports.read_csv(file)


def test_the_readme_imports_the_files_demo_samples_writes():
    commands = re.findall(r"manage\.py import_metrics sunrise-realty (\S+)", README)

    assert set(commands) == {f"var/samples/{name}" for name in SAMPLES}


@pytest.mark.parametrize(
    ("name", "campaign", "added", "replaced", "unchanged"),
    [
        ("ours.csv", SAMPLE_IMPORT_CAMPAIGN, 3, 0, 0),
        ("google_ads_daily.csv", SAMPLE_GOOGLE_ADS_CAMPAIGN, 0, 1, 6),
        ("meta_ads_daily.csv", SAMPLE_META_CAMPAIGN, 0, 1, 6),
    ],
)
def test_each_readme_sample_commits_into_todays_demo_without_a_refused_row(
    demo, samples, name, campaign, added, replaced, unchanged
):
    parsed = read(samples / name)
    plan = imports.plan_import(location=demo, parsed=parsed)

    assert not plan.refused and not plan.missing
    assert {day.campaign_name for day in plan.added + plan.replaced + plan.unchanged} == {campaign}
    result = imports.commit_import(location=demo, parsed=parsed, file_name=name)
    assert (result.added, result.replaced, result.unchanged) == (added, replaced, unchanged)
    assert result.created == () and result.batch is not None


def test_the_sample_of_our_format_fills_the_days_the_demo_left_for_it(demo, samples):
    with scope(demo):
        campaign = Campaign.objects.for_location(demo).get(name=SAMPLE_IMPORT_CAMPAIGN)
        recorded = set(DailyMetric.objects.filter(campaign=campaign).values_list("date", flat=True))
    lines = (samples / "ours.csv").read_text().splitlines()
    days = [date.fromisoformat(line.split(",")[0]) for line in lines[1:]]
    end = campaign.end_date

    assert campaign.status == Campaign.Status.COMPLETED and end < demo.today()
    assert days == [end - timedelta(days=2), end - timedelta(days=1), end]
    assert max(recorded) == end - timedelta(days=3)


def test_importing_every_readme_sample_leaves_the_reference_and_every_health_as_seeded(
    demo, samples
):
    for name in SAMPLES:
        imports.commit_import(location=demo, parsed=read(samples / name), file_name=name)

    assert states(demo_reports()) == INTENDED
    with scope(demo):
        reference = Campaign.objects.for_location(demo).get(name="January SMS Blast")
    report = campaign_report(reference)
    assert (report.totals.leads, report.totals.conversions) == (120, 12)
    assert (report.totals.revenue, report.totals.spend) == (Decimal("18000.00"), Decimal("5000.00"))
    assert f"{report.metrics.cost_per_lead:.2f}" == "41.67"
    assert report.metrics.roi * 100 == 260


def test_the_samples_need_the_demo(db, tmp_path):
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("demo_samples", "--to", str(tmp_path))


def test_the_samples_written_days_later_still_fit_the_demo_as_seeded(demo, tmp_path, monkeypatch):
    """Dated from the campaigns' rows, not the clock: written days after the seeding (the
    server left running), they are the same files, and still commit cleanly."""
    first = [path.read_text() for path in write_samples(demo, tmp_path / "first")]
    later = demo.today() + timedelta(days=3)
    monkeypatch.setattr(Location, "today", lambda self: later)

    paths = write_samples(demo, tmp_path / "later")

    assert [path.read_text() for path in paths] == first
    for path in paths:
        plan = imports.plan_import(location=demo, parsed=read(path))
        assert not plan.refused and not plan.missing
        assert len(plan.added + plan.replaced) in (1, 3)  # 3 added (ours) or 1 replaced


# --- A form's POST URL opened as a page: the 405 page -----------------------------------------

#: Every URL of the app that takes only POST: the actions of a page's forms.
POST_ONLY = {
    "logout": "/",
    "campaigns:token_revoke": "campaigns:tokens",
    "campaigns:member_role": "campaigns:members",
    "campaigns:member_remove": "campaigns:members",
    "campaigns:invitation_revoke": "campaigns:members",
    "campaigns:alert_acknowledge": "campaigns:alerts",
    "campaigns:alert_email": "campaigns:alerts",
    "campaigns:alert_rule_add": "campaigns:alert_rules",
    "campaigns:alert_rule_toggle": "campaigns:alert_rules",
    "campaigns:alert_rule_delete": "campaigns:alert_rules",
    "campaigns:report_schedule_delete": "campaigns:report_schedules",
    "campaigns:report_test": "campaigns:report_schedules",
    "campaigns:batch_undo": "campaigns:batch",
}


def url_patterns(patterns=None, prefix="", namespace=""):
    """(namespace, route as written, "namespace:name", view class or None, its keyword names)
    of every URL pattern, included ones too."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            yield from url_patterns(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            view_class = getattr(pattern.callback, "view_class", None)
            keywords = re.findall(r"<(?:\w+:)?(\w+)>", route)
            yield namespace, route, name, view_class, keywords


def app_patterns():
    """The patterns of our pages and the accounts' (the admin and the API answer their own)."""
    return [p[1:] for p in url_patterns() if p[0] not in ("admin", "api-v1")]


def example_url(name: str) -> str:
    [keywords] = {tuple(k) for _, n, _, k in app_patterns() if n == name}
    values = {"slug": "sunrise-realty", "pk": 1, "token": "abc"}
    return reverse(name, kwargs={k: values[k] for k in keywords})


def test_the_post_only_urls_are_every_url_that_answers_no_get():
    post_only = {name for _, name, view, _ in app_patterns() if view and not answers_get(view)}

    assert post_only == set(POST_ONLY)


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_a_get_on_a_post_only_url_answers_the_not_a_page_page(client, sunrise_manager, name):
    client.force_login(sunrise_manager)

    response = client.get(example_url(name))

    assert response.status_code == 405
    assert response["Allow"] in ("POST", "POST, OPTIONS")
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert "<h1>Not a page</h1>" in page
    assert "This address takes POST only" in page and "Opening it as a page (GET)" in page
    assert '<header class="site-header">' in page  # the app's layout
    back = POST_ONLY[name]
    back_url = back if back.startswith("/") else example_url(back)
    assert f'<a class="btn" href="{back_url}">' in page
    assert "Content-Security-Policy" in response and "private" in response["Cache-Control"]


def test_the_link_back_from_a_post_only_url_opens_a_page(client, sunrise_manager):
    client.force_login(sunrise_manager)
    page = client.get(example_url("campaigns:member_role")).content.decode()

    [back] = re.findall(r'<a class="btn" href="([^"]+)">Back to the page</a>', page)

    assert back == "/l/sunrise-realty/settings/members/"
    assert client.get(back).status_code == 200


def test_the_api_keeps_its_json_for_a_method_it_does_not_take(client, reference_campaign):
    response = client.get(f"/api/v1/campaigns/{reference_campaign.pk}/days")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json() == {
        "errors": [{"field": None, "message": "This path answers POST only."}]
    }


# --- The README's page table ------------------------------------------------------------------

#: URLs that are not pages: downloads, a frame's content, the load balancer's check.
NOT_PAGES = {
    "campaigns:healthz",
    "campaigns:portfolio_csv",
    "campaigns:campaigns_csv",
    "campaigns:days_csv",
    "campaigns:compare_csv",
    "campaigns:channels_csv",
    "campaigns:activity_csv",
    "campaigns:import_template",
    "campaigns:report_preview_pdf",
    "campaigns:report_preview_email",  # the e-mail's HTML inside the preview page's frame
}


def readme_page_table() -> set[str]:
    """The URLs in the first column of the README's `| URL | page |` table, query strings off."""
    table = re.search(r"^\| URL \| page \|\n\| --- \| --- \|\n((?:\|.*\n)+)", README, re.M)
    assert table, "the README has no | URL | page | table"
    urls = set()
    for row in table[1].splitlines():
        first_cell = row.split(" | ")[0]
        urls |= {url.split("?")[0] for url in re.findall(r"`([^`]+)`", first_cell)}
    return urls


def as_in_readme(route: str) -> str:
    """``l/<slug:slug>/campaigns/<int:pk>/`` → ``/l/<slug>/campaigns/<id>/``."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", route).replace("<pk>", "<id>")


def test_the_readme_page_table_names_every_page():
    pages = {
        as_in_readme(route)
        for route, name, _, _ in app_patterns()
        if name not in NOT_PAGES and name not in POST_ONLY
    }

    assert pages - readme_page_table() == set()


def test_every_url_in_the_readme_page_table_is_a_page():
    for url in readme_page_table():
        example = url.replace("<slug>", "sunrise-realty").replace("<id>", "1")
        match = resolve(example.replace("<token>", "abc").replace("<uidb64>", "MQ"))
        assert match.view_name not in NOT_PAGES | set(POST_ONLY), url
