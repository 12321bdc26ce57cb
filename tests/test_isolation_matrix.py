"""Tenant isolation, generated from the URLconf: every URL × role × location × method × HTMX.

Two locations, A and B, each with campaigns, days, a funnel, an API token, a staged import and
a report schedule with recipients, and each with a sentinel: a unique word in its name, its
campaigns', token's and schedule's names, its manager's username and its recipients' addresses,
and a unique amount of money in its figures. Every URL pattern that
``get_resolver()`` knows (the managers' pages, the data in and out, the settings, the accounts
pages and the JSON API; the admin is excluded by name in ``EXCLUDED``) is filled with A's
objects, with B's, and with one location's slug and the other's objects, and requested by
every role, GET and POST (and PUT where the API has it), with and without ``HX-Request``.

Each answer must be what tests/isolation_expectations.py says (its positive controls prove
the filled-in URLs are real), never a 500; no body or header may carry the sentinel of a
location the role may not read (the superuser may read both: that check is skipped for it
alone, its expected 200s are still asserted); a location's own pages must show its sentinel;
and no request may change the data of a location the role does not manage (each request runs
in a savepoint that is rolled back afterwards, so the matrix can post real changes).
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from http.cookies import SimpleCookie
from pathlib import Path
from unittest import mock
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.test import Client, TestCase, override_settings
from django.urls import URLPattern, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from campaigns import alert_rules, history, services, tokens
from campaigns.models import (
    Alert,
    AlertEmailPreference,
    AlertRule,
    AlertRuleCampaign,
    ApiToken,
    Campaign,
    Change,
    DailyMetric,
    FunnelStage,
    ImportBatch,
    Location,
    Membership,
    ReportDelivery,
    ReportRecipient,
    ReportSchedule,
    ReportScheduleCampaign,
    Source,
)
from campaigns.reporting import services as report_services
from campaigns.reporting import unsubscribe
from campaigns.tenancy import scope
from tests.factories import (
    CampaignFactory,
    DailyMetricFactory,
    FunnelStageFactory,
    LocationFactory,
    MembershipFactory,
    UserFactory,
)
from tests.isolation_expectations import (
    API_TOKEN,
    CAMPAIGN,
    CAMPAIGN_IDS,
    EXCLUDED,
    LOCATION,
    RESET_TOKEN,
    ROLES,
    STAGED_IMPORT,
    TABLE,
    USER_UID,
    Case,
    Expect,
    Redirect,
    Role,
    ToLogin,
    cases,
    excluded,
    url_patterns,
)

#: Fill kinds of the report schedule URLs (named by string in tests/isolation_expectations.py).
REPORT_SCHEDULE = "report schedule"  # the pk of one of the location's report schedules
TAMPERED_UNSUBSCRIBE = "tampered unsubscribe token"  # a recipient's link, its signature altered
IMPORT_BATCH = "import batch"  # the pk of one of the location's import batches

#: Each location's sentinel: a word found nowhere else, and an amount of money.
SENTINELS = {
    "A": ("zqa41x", Decimal("456789.13")),
    "B": ("zqb73y", Decimal("987654.32")),
}
SLUGS = {"A": "sunrise-a", "B": "harbor-b"}  # no sentinel: a URL's own path is no leak


def money_pattern(amount: Decimal) -> re.Pattern:
    """987654.32 as the pages, CSVs and JSON may write it: 987654, 987,654, 987 654, 987.654."""
    whole = str(int(amount))
    return re.compile(rf"{whole[:-3]}[,.\s\u00a0\u202f']?{whole[-3:]}")


SENTINEL_PATTERNS = {
    label: re.compile(rf"{word}|{money_pattern(money).pattern}", re.IGNORECASE)
    for label, (word, money) in SENTINELS.items()
}


def import_csv(tag: str, day) -> bytes:
    header = "date,campaign,impressions,clicks,leads,qualified_leads,hot_leads,conversions,"
    header += "revenue,spend\n"
    rows = [
        f"{day},{tag} Spring Open House,100,10,4,2,1,1,50.00,20.00",
        f"{day},{tag} Imported Newcomer,200,20,5,2,1,1,60.00,25.00",
    ]
    return (header + "\n".join(rows) + "\n").encode()


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class IsolationMatrix(TestCase):
    """The data is built once (setUpTestData); each request runs in a rolled-back savepoint."""

    @classmethod
    def setUpClass(cls):
        staging = tempfile.mkdtemp(prefix="isolation-imports-")
        cls.addClassCleanup(shutil.rmtree, staging, ignore_errors=True)
        cls.enterClassContext(override_settings(IMPORT_STAGING_DIR=staging))
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        cls.locations, cls.campaigns, cls.api_tokens, cls.managers = {}, {}, {}, {}
        cls.secrets, cls.staged = {}, {}
        cls.schedules, cls.recipients, cls.rules, cls.batches = {}, {}, {}, {}
        for label, (tag, money) in SENTINELS.items():
            location = LocationFactory(
                name=f"{label} {tag} Realty", slug=SLUGS[label], external_id=f"{tag}-crm"
            )
            today = location.today()
            manager = MembershipFactory(
                user=UserFactory(username=f"{tag}-manager", email=f"manager@{tag}.example"),
                location=location,
                role=Membership.Role.MANAGER,
            ).user
            first = CampaignFactory(
                location=location,
                name=f"{tag} Spring Open House",
                budget=money,
                start_date=today - timedelta(days=20),
            )
            second = CampaignFactory(
                location=location,
                name=f"{tag} Email Blast",
                channel=Campaign.Channel.EMAIL,
                start_date=today - timedelta(days=20),
            )
            DailyMetricFactory(campaign=first, date=today - timedelta(days=1), revenue=money)
            for campaign in (first, second):
                for days_ago in (2, 3):
                    DailyMetricFactory(campaign=campaign, date=today - timedelta(days=days_ago))
            FunnelStageFactory(campaign=first, stage="awareness", count=5000)
            token, secret = tokens.issue_token(
                location=location, name=f"{tag} nightly sync", user=manager
            )
            with scope(location):
                schedule = report_services.save_schedule(
                    location=location,
                    schedule=None,
                    data={
                        "name": f"{tag} weekly report",
                        "frequency": "weekly",
                        "weekday": 0,
                        "day_of_month": 1,
                        "hour": 8,
                        "period": "last_week",
                        "active": True,
                    },
                    campaigns=[first],
                    members=[manager],
                    addresses=[f"owner@{tag}.example"],
                    by=manager,
                )
                recipient = ReportRecipient.objects.get(schedule=schedule, user=None)
                cls.rules[label] = alert_rules.create_rule(
                    location=location,
                    metric="cost_per_lead",
                    comparison="above",
                    threshold=Decimal("60.00"),
                    window_days=7,
                    campaigns=[first],
                )
            cls.schedules[label], cls.recipients[label] = schedule, recipient
            # An import batch the manager can undo (no later write touches its day).
            with (
                scope(location),
                history.acting(Source.IMPORT, user=manager),
                transaction.atomic(),
                history.batch(location, file_name=f"{tag}-matrix.csv", platform="meta") as batch,
            ):
                services.record_days(
                    campaign=second,
                    rows=[{"date": today - timedelta(days=4), "leads": 3, "revenue": money}],
                )
            cls.batches[label] = batch
            cls.locations[label], cls.managers[label] = location, manager
            cls.campaigns[label] = [first, second]
            cls.api_tokens[label], cls.secrets[label] = token, secret

        a = cls.locations["A"]
        viewer = MembershipFactory(
            user=UserFactory(username="viewer-of-a"), location=a, role=Membership.Role.VIEWER
        ).user
        staff = MembershipFactory(
            user=UserFactory(username="staff-viewer-of-a", is_staff=True),
            location=a,
            role=Membership.Role.VIEWER,
        ).user
        staff.user_permissions.set(Permission.objects.filter(content_type__app_label="campaigns"))
        users = {
            "non_member": UserFactory(username="member-of-nothing"),
            "viewer_a": viewer,
            "manager_a": cls.managers["A"],
            "staff_viewer_a": staff,
            "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
            "manager_b": cls.managers["B"],
        }
        cls.sessions = {}
        for name, user in users.items():
            client = Client()
            client.force_login(user)
            cls.sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
        # The staged upload each location keeps through the whole matrix (its manager's).
        for label in SENTINELS:
            role = ROLES[f"manager_{label.lower()}"]
            cls.staged[label] = cls.stage_upload(cls.client_for(role), label)

    # --- Requests -----------------------------------------------------------------------------

    @classmethod
    def client_for(cls, role: Role) -> Client:
        client = Client(raise_request_exception=False)
        client.cookies = SimpleCookie()
        if role.name in cls.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = cls.sessions[role.name]
        return client

    @classmethod
    def stage_upload(cls, client: Client, label: str) -> str:
        """Upload a CSV to ``label``'s import page as the client's user; the preview's token."""
        location = cls.locations[label]
        response = client.post(
            reverse("campaigns:import", args=[location.slug]),
            {"file": cls.upload(label)},
        )
        assert response.status_code == 302, response.content.decode()[-2000:]
        return resolve(urlsplit(response["Location"]).path).kwargs["token"]

    @classmethod
    def upload(cls, label: str) -> SimpleUploadedFile:
        day = cls.locations[label].today() - timedelta(days=1)
        return SimpleUploadedFile(
            "matrix.csv", import_csv(SENTINELS[label][0], day), content_type="text/csv"
        )

    def fill(self, case: Case, entry: Expect) -> tuple[dict, dict]:
        """The URL kwargs and query parameters of ``case``."""

        def value(kind: str):
            if kind == LOCATION:
                return self.locations[case.slug_of].slug
            label = case.objects_of
            if kind == CAMPAIGN:
                return self.campaigns[label][0].pk
            if kind == CAMPAIGN_IDS:
                return ",".join(str(c.pk) for c in self.campaigns[label])
            if kind == API_TOKEN:
                return self.api_tokens[label].pk
            if kind == STAGED_IMPORT:
                # A fresh upload of one's own (a commit uses it up), else the manager's.
                if case.role.signed_in and label in case.role.manages and case.slug_of == label:
                    return self.stage_upload(self.client_for(case.role), label)
                return self.staged[label]
            if kind == USER_UID:
                return urlsafe_base64_encode(force_bytes(self.managers[label].pk))
            if kind == REPORT_SCHEDULE:
                return self.schedules[label].pk
            if kind == IMPORT_BATCH:
                return self.batches[label].pk
            if kind == TAMPERED_UNSUBSCRIBE:
                token = unsubscribe.token_for(self.recipients[label])
                return token[:-2] + ("xy" if not token.endswith("xy") else "yz")
            if kind == RESET_TOKEN:
                return "cv6rz6-0123456789abcdef0123456789abcdef"
            raise AssertionError(f"no filling for {kind!r}")

        kwargs = {name: value(kind) for name, kind in entry.fill.items()}
        query = {name: value(kind) for name, kind in entry.query.items()}
        return kwargs, query

    def body(self, case: Case) -> dict:
        """What a POST or PUT sends: a real change, so that a missing check would show."""
        label = case.slug_of or case.objects_of or case.role.token or "A"
        today = self.locations[label].today()
        campaign_fields = {
            "channel": "sms",
            "status": "active",
            "budget": "100.00",
            "start_date": (today - timedelta(days=5)).isoformat(),
        }
        day = (today - timedelta(days=1)).isoformat()
        report_schedule = {
            "name": "Matrix schedule",
            "frequency": "monthly",
            "weekday": 0,
            "day_of_month": 2,
            "hour": 7,
            "period": "last_month",
            "active": "on",
            "addresses": "matrix@client.example",
        }
        bodies = {
            "l/<slug:slug>/campaigns/new/": {"name": "Matrix new campaign", **campaign_fields},
            "l/<slug:slug>/campaigns/<int:pk>/edit/": {
                "name": "Renamed by the matrix",
                **campaign_fields,
            },
            "l/<slug:slug>/campaigns/<int:pk>/metrics/": {
                "date": day,
                "impressions": 10,
                "clicks": 5,
                "leads": 2,
                "qualified_leads": 1,
                "hot_leads": 1,
                "conversions": 1,
                "revenue": "10.00",
                "spend": "5.00",
            },
            "l/<slug:slug>/campaigns/<int:pk>/funnel/": {"awareness": 6000, "interest": 300},
            "l/<slug:slug>/import/": {"file": self.upload(label)},
            "l/<slug:slug>/import/<str:token>/": {"missing": "create", "channel": "sms"},
            "l/<slug:slug>/settings/tokens/": {"name": "Matrix token"},
            "l/<slug:slug>/settings/reports/new/": report_schedule,
            "l/<slug:slug>/settings/reports/<int:pk>/": report_schedule,
            "l/<slug:slug>/settings/reports/delete/": {"schedule": self.schedules[label].pk},
            "l/<slug:slug>/settings/reports/test/": {"schedule": self.schedules[label].pk},
            "l/<slug:slug>/alerts/rules/add/": {
                "metric": "spend",
                "comparison": "above",
                "threshold": "10",
                "window_days": "7",
            },
            "l/<slug:slug>/alerts/rules/toggle/": {"rule": self.rules[label].pk},
            "l/<slug:slug>/alerts/rules/delete/": {"rule": self.rules[label].pk},
            "l/<slug:slug>/alerts/email/": {"delivery": "none"},
            "l/<slug:slug>/imports/batches/<int:pk>/undo/": {"confirm": "yes"},
            "api/v1/campaigns": {
                "name": "Matrix API campaign",
                "channel": "email",
                "start_date": campaign_fields["start_date"],
            },
            "api/v1/campaigns/<campaign_id>/days": {"rows": [{"date": day, "impressions": 5}]},
            "api/v1/campaigns/<campaign_id>/funnel": {"awareness": 6000},
        }
        return bodies.get(case.route, {})

    def send(self, case: Case, entry: Expect, pattern: URLPattern):
        kwargs, query = self.fill(case, entry)
        path = "/" + (entry.url or case.route)
        for name, value in kwargs.items():
            path = re.sub(rf"<(\w+:)?{name}>", str(value), path)
        case.url = path + (f"?{urlencode(query)}" if query else "")
        assert resolve(path).func == pattern.callback, f"{path} does not resolve to {case.route}"
        headers = {"HX-Request": "true"} if case.htmx else {}
        if case.role.token:
            headers["Authorization"] = f"Bearer {self.secrets[case.role.token]}"
        client = self.client_for(case.role)
        if case.method == "GET":
            return client.get(case.url, headers=headers)
        body = self.body(case)
        if case.route.startswith("api/"):
            return client.generic(
                case.method,
                case.url,
                json.dumps(body),
                content_type="application/json",
                headers=headers,
            )
        assert case.method == "POST", case
        return client.post(case.url, body, headers=headers)

    @contextmanager
    def staging_rolled_back(self):
        """Like the savepoint for the database: files staged during a request are removed
        afterwards (the staged uploads of setUpTestData stay)."""
        folder = Path(settings.IMPORT_STAGING_DIR)
        before = set(folder.rglob("*"))
        try:
            yield
        finally:
            for path in sorted(set(folder.rglob("*")) - before, reverse=True):
                if path.is_dir():
                    path.rmdir()
                else:
                    path.unlink()

    # --- Checks -------------------------------------------------------------------------------

    def fingerprint(self, label: str) -> tuple:
        """Everything of a location a request could change."""
        location = self.locations[label]
        with scope(location):
            return (
                list(Location.objects.filter(pk=location.pk).values_list()),
                list(Membership.objects.filter(location=location).values_list().order_by("pk")),
                list(
                    get_user_model()
                    .objects.filter(memberships__location=location)
                    .values_list("pk", "username", "password", "email", "is_staff", "is_active")
                    .order_by("pk")
                ),
                list(Campaign.objects.filter(location=location).values_list().order_by("pk")),
                list(DailyMetric.objects.filter(location=location).values_list().order_by("pk")),
                list(FunnelStage.objects.filter(location=location).values_list().order_by("pk")),
                list(
                    ApiToken.objects.filter(location=location)
                    .values_list("pk", "name", "key_hash", "revoked_at")
                    .order_by("pk")
                ),
                *(
                    list(model.objects.filter(location=location).values_list().order_by("pk"))
                    for model in (
                        Alert,
                        AlertRule,
                        AlertRuleCampaign,
                        AlertEmailPreference,
                        ReportSchedule,
                        ReportScheduleCampaign,
                        ReportRecipient,
                        ReportDelivery,
                        Change,
                        ImportBatch,
                    )
                ),
            )

    def check_outcome(self, case: Case, want, response) -> list[str]:
        status = response.status_code
        if status == 500:
            error = getattr(response, "exc_info", None)
            detail = f": {error[0].__name__}: {error[1]}" if error else ""
            return [f"{case}: 500{detail}"]
        if isinstance(want, int):
            return [] if status == want else [f"{case}: expected {want}, got {status}"]
        if isinstance(want, ToLogin):
            target = urlsplit(response.get("Location", ""))
            next_url = parse_qs(target.query).get("next", [""])[0]
            if status == 302 and target.path == reverse("login") and next_url == case.url:
                return []
            return [f"{case}: expected {want}, got {status} {response.get('Location', '')}"]
        assert isinstance(want, Redirect)
        if case.htmx and want.htmx:
            good_status, location = status == 200, response.get("HX-Redirect", "")
        else:
            good_status, location = status == 302, response.get("Location", "")
        match = resolve(urlsplit(location).path) if location.startswith("/") else None
        slug_label = want.location or case.slug_of
        good = (
            good_status
            and match is not None
            and match.view_name == want.to
            and ("slug" not in match.kwargs or match.kwargs["slug"] == SLUGS[slug_label])
        )
        return [] if good else [f"{case}: expected {want}, got {status} {location!r}"]

    def check_sentinels(self, case: Case, entry: Expect, want, response) -> list[str]:
        content = b"".join(response.streaming_content) if response.streaming else response.content
        text = content.decode("utf-8", errors="replace")
        headers = " ".join(f"{k}: {v}" for k, v in response.items())
        problems = []
        # The superuser reads both locations: it alone is exempt (its 200s are asserted).
        for label, pattern in SENTINEL_PATTERNS.items():
            if label in case.role.reads:
                continue
            if found := pattern.search(text) or pattern.search(headers):
                problems.append(
                    f"{case}: LEAK of {label}'s sentinel {found.group()!r} "
                    f"(status {response.status_code})"
                )
        # Positive control: a location's own pages show its sentinel.
        mixed = None not in (case.slug_of, case.objects_of) and case.slug_of != case.objects_of
        if entry.shows and case.method == "GET" and not case.htmx and want == 200 and not mixed:
            home = case.slug_of or case.role.token or case.objects_of
            for label in [home] if home else sorted(case.role.reads):
                if not SENTINEL_PATTERNS[label].search(text):
                    problems.append(f"{case}: {label}'s own page does not show its sentinel")
        return problems

    # --- Tests --------------------------------------------------------------------------------

    def test_every_url_pattern_has_an_expectation_and_every_expectation_a_url(self):
        routes = url_patterns()
        missing = sorted(r for r in routes if not excluded(r) and r not in TABLE)
        stale = sorted(r for r in TABLE if r not in routes)
        unused = sorted(p for p in EXCLUDED if not any(r.startswith(p) for r in routes))
        assert not missing, (
            "URL patterns without an expectation: add them to TABLE in "
            f"tests/isolation_expectations.py: {missing}"
        )
        assert not stale, f"TABLE entries for URL patterns that no longer exist: {stale}"
        assert not unused, f"EXCLUDED prefixes that match no URL: {unused}"
        assert not any(excluded(r) for r in TABLE), "a TABLE entry is also EXCLUDED"

    def run_matrix(self, only: set[str] | None = None) -> tuple[int, list[str]]:
        """Every case of TABLE (or of the routes in ``only``): (requests made, failures)."""
        routes = url_patterns()
        if only is not None:
            routes = {route: routes[route] for route in only}
        before = {label: self.fingerprint(label) for label in SENTINELS}
        failures: list[str] = []
        count = 0
        for case, want in cases(routes):
            count += 1
            with self.staging_rolled_back(), transaction.atomic():
                entry = TABLE[case.route]
                response = self.send(case, entry, routes[case.route])
                failures += self.check_outcome(case, want, response)
                failures += self.check_sentinels(case, entry, want, response)
                # Writes are where a missing check would change data: after POST and PUT.
                if case.method != "GET" and response.status_code != 500:
                    for label in sorted(set(SENTINELS) - case.role.manages):
                        if self.fingerprint(label) != before[label]:
                            failures.append(f"{case}: CHANGED {label}'s data")
                transaction.set_rollback(True)
        return count, failures

    def test_every_url_answers_every_role_as_the_table_says_and_leaks_nothing(self):
        count, failures = self.run_matrix()
        # The staged uploads of each location were neither read nor used up by anybody else.
        for label, token in self.staged.items():
            manager = ROLES[f"manager_{label.lower()}"]
            url = reverse("campaigns:import_preview", args=[SLUGS[label], token])
            if self.client_for(manager).get(url).status_code != 200:
                failures.append(f"{label}'s staged upload was used up by another request")
        assert count > 1000, count
        assert not failures, f"{len(failures)} of {count} requests failed:\n" + "\n".join(failures)

    def test_the_matrix_reports_a_location_check_that_lets_everybody_in(self):
        """The harness itself: with membership ignored, it sees the 200s and the leaks."""

        def everybody_manages(user, slug):
            if not user.is_authenticated:
                raise Http404("No such location")
            return get_object_or_404(Location, slug=slug), Membership.Role.MANAGER

        with mock.patch("campaigns.tenancy.resolve_location", everybody_manages):
            _, failures = self.run_matrix(only={"l/<slug:slug>/campaigns/<int:pk>/edit/"})
        report = "\n".join(failures)
        assert "as non_member on B: expected 404, got 200" in report
        assert "as manager_a on B: LEAK of B's sentinel 'zqb73y'" in report
        assert "/edit/ as non_member on B: CHANGED B's data" in report


@pytest.mark.parametrize(
    "text", ["987654.32", "$987,654.32", "987 654,32", "987.654,32", "987\u202f654", "ZQB73Y"]
)
def test_the_sentinel_is_found_however_it_is_written(text):
    assert SENTINEL_PATTERNS["B"].search(f"<td>{text}</td>")
    assert not SENTINEL_PATTERNS["A"].search(f"<td>{text}</td>")
