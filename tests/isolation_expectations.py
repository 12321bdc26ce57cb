"""What every URL of the app answers to whom: the table behind tests/test_isolation_matrix.py.

The matrix walks ``get_resolver()`` and fails when a URL pattern has no entry here (or an entry
names a pattern that no longer exists), so whoever adds a URL adds one line to ``TABLE``:

* ``access``: who may open the URL at all (the rules are in ``expected`` below);
* ``ok``: what a user who may open it gets, by method, on the objects of its own location;
* ``fill``: what each URL kwarg is filled with (a location's slug, a campaign's pk, ...);
* ``query``: query-string parameters filled the same way (``compare?ids=``);
* ``mixed``: what a user gets on their own location's URL with the OTHER location's objects
  (only for URLs that take an object);
* ``shows``: the location's own page shows its name: the positive control of the sentinel;
* ``url``: for a ``re_path`` route only, a path that it matches (``"api/v1/no-such-path"``).

Outcomes are a status code, ``LOGIN`` (302 to the sign-in page with ?next=), or a ``Redirect`` to
a named URL (``htmx=True``: an HTMX request gets 200 with ``HX-Redirect`` instead).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

# --- Outcomes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Redirect:
    """302 to the URL named ``to`` (its slug, if any, the request's location or ``location``);
    with ``htmx=True`` an HTMX request gets 200 and ``HX-Redirect`` to it (views.base.redirect)."""

    to: str
    htmx: bool = False
    location: str | None = None

    def __str__(self) -> str:
        return f"redirect to {self.to}" + (f" of {self.location}" if self.location else "")


@dataclass(frozen=True)
class ToLogin:
    """302 to the sign-in page, coming back to the requested URL (?next=)."""

    def __str__(self) -> str:
        return "redirect to login"


LOGIN = ToLogin()
Outcome = int | Redirect | ToLogin

# --- Who may open a URL -----------------------------------------------------------------------

PUBLIC = "public"  # anyone: the sign-in and password reset pages, the API's schema
SIGNED_IN = "signed in"  # any signed-in user: home, portfolio, password change
MEMBER = "member"  # a member of the URL's location, any role (LocationRequiredMixin)
MANAGER = "manager"  # a manager of the URL's location (ManagerRequiredMixin)
TOKEN = "token"  # an API token; the token, not the URL, says which location

# --- What URL kwargs and query parameters are filled with -------------------------------------

LOCATION = "location"  # the location's slug
CAMPAIGN = "campaign"  # the pk of one of the location's campaigns
CAMPAIGN_IDS = "campaign ids"  # "pk1,pk2": two of the location's campaigns
API_TOKEN = "api token"  # the pk of one of the location's API tokens
STAGED_IMPORT = "staged import"  # a CSV upload staged for the location (its preview token)
USER_UID = "user uid"  # the base64 pk of the location's manager
RESET_TOKEN = "reset token"  # a password reset token that is not valid


@dataclass(frozen=True)
class Expect:
    access: str
    ok: dict[str, Outcome]
    fill: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    mixed: dict[str, Outcome] | None = None
    anonymous: dict[str, Outcome] | None = None  # PUBLIC: a signed-out visitor, if not ``ok``
    by_role: dict[str, dict[str, Outcome]] = field(default_factory=dict)
    shows: bool = False
    url: str | None = None  # a regular-expression route: a path it matches, to request


#: URLs left out of the generated matrix, by prefix, and why. Listed, never silent.
EXCLUDED = {
    "admin/": "The Django admin has its own scope tests (tests/test_admin.py): every changelist, "
    "change form, autocomplete and action is checked there per staff role and location.",
}

PAGE = {"GET": 200, "POST": 405}  # a page that only reads
TO_CAMPAIGN = Redirect("campaigns:campaign", htmx=True)
TO_IMPORT = Redirect("campaigns:import", htmx=True)

TABLE: dict[str, Expect] = {
    # --- Accounts (django.contrib.auth; the login route is declared twice, the first wins) ---
    "accounts/login/": Expect(
        PUBLIC,
        anonymous={"GET": 200, "POST": 200},  # POST without credentials: the form's errors
        ok={"GET": Redirect("campaigns:home"), "POST": Redirect("campaigns:home")},
    ),
    "accounts/logout/": Expect(PUBLIC, ok={"GET": 405, "POST": Redirect("login")}),
    "accounts/password_change/": Expect(SIGNED_IN, ok={"GET": 200, "POST": 200}),
    "accounts/password_change/done/": Expect(SIGNED_IN, ok=PAGE),
    "accounts/password_reset/": Expect(PUBLIC, ok={"GET": 200, "POST": 200}),
    "accounts/password_reset/done/": Expect(PUBLIC, ok=PAGE),
    "accounts/reset/<uidb64>/<token>/": Expect(
        PUBLIC,
        fill={"uidb64": USER_UID, "token": RESET_TOKEN},
        ok={"GET": 200, "POST": 200},  # "this link is not valid", for anybody's uid
    ),
    "accounts/reset/done/": Expect(PUBLIC, ok=PAGE),
    # --- JSON API (django-ninja: a route answers 405 to other methods before authenticating) ---
    "api/v1/": Expect(PUBLIC, ok={"GET": 404, "POST": 404}),  # no docs page (CSP)
    # The schema is a plain function view: any method gets it (it is public and tenant-free).
    "api/v1/openapi.json": Expect(PUBLIC, ok={"GET": 200, "POST": 200}),
    "api/v1/campaigns": Expect(TOKEN, ok={"GET": 200, "POST": 201}, shows=True),
    "api/v1/campaigns/<campaign_id>/days": Expect(
        TOKEN,
        fill={"campaign_id": CAMPAIGN},
        ok={"GET": 405, "POST": 200},
        mixed={"GET": 405, "POST": 404},
    ),
    "api/v1/campaigns/<campaign_id>/funnel": Expect(
        TOKEN,
        fill={"campaign_id": CAMPAIGN},
        ok={"GET": 405, "POST": 405, "PUT": 200},
        mixed={"GET": 405, "POST": 405, "PUT": 404},
    ),
    "api/v1/campaigns/<campaign_id>/report": Expect(
        TOKEN,
        fill={"campaign_id": CAMPAIGN},
        ok={"GET": 200, "POST": 405},
        mixed={"GET": 404, "POST": 405},
        shows=True,
    ),
    "api/v1/compare": Expect(
        TOKEN,
        query={"ids": CAMPAIGN_IDS},
        ok={"GET": 200, "POST": 405},
        mixed={"GET": 404, "POST": 405},
        shows=True,
    ),
    "api/v1/channels": Expect(TOKEN, ok=PAGE),
    # Any other path under the API: its JSON 404, for anybody.
    "api/v1/^": Expect(PUBLIC, url="api/v1/no-such-path", ok={"GET": 404, "POST": 404}),
    # --- Pages --------------------------------------------------------------------------------
    "": Expect(
        SIGNED_IN,
        ok={"GET": 200, "POST": 405},  # no location: "you have no locations yet"
        by_role={
            # One location: straight to its overview; several: the portfolio.
            "viewer_a": {"GET": Redirect("campaigns:overview", location="A"), "POST": 405},
            "manager_a": {"GET": Redirect("campaigns:overview", location="A"), "POST": 405},
            "staff_viewer_a": {"GET": Redirect("campaigns:overview", location="A"), "POST": 405},
            "manager_b": {"GET": Redirect("campaigns:overview", location="B"), "POST": 405},
            "superuser": {"GET": Redirect("campaigns:portfolio"), "POST": 405},
        },
    ),
    "portfolio/": Expect(SIGNED_IN, ok=PAGE, shows=True),
    "portfolio/export.csv": Expect(SIGNED_IN, ok=PAGE, shows=True),
    "l/<slug:slug>/": Expect(MEMBER, fill={"slug": LOCATION}, ok=PAGE, shows=True),
    "l/<slug:slug>/campaigns/": Expect(MEMBER, fill={"slug": LOCATION}, ok=PAGE, shows=True),
    "l/<slug:slug>/campaigns/new/": Expect(
        MANAGER, fill={"slug": LOCATION}, ok={"GET": 200, "POST": TO_CAMPAIGN}, shows=True
    ),
    "l/<slug:slug>/campaigns/<int:pk>/": Expect(
        MEMBER,
        fill={"slug": LOCATION, "pk": CAMPAIGN},
        ok=PAGE,
        mixed={"GET": 404, "POST": 405},
        shows=True,
    ),
    "l/<slug:slug>/campaigns/<int:pk>/edit/": Expect(
        MANAGER,
        fill={"slug": LOCATION, "pk": CAMPAIGN},
        ok={"GET": 200, "POST": TO_CAMPAIGN},
        mixed={"GET": 404, "POST": 404},
        shows=True,
    ),
    "l/<slug:slug>/campaigns/<int:pk>/metrics/": Expect(
        MANAGER,
        fill={"slug": LOCATION, "pk": CAMPAIGN},
        ok={"GET": 200, "POST": TO_CAMPAIGN},
        mixed={"GET": 404, "POST": 404},
        shows=True,
    ),
    "l/<slug:slug>/campaigns/<int:pk>/funnel/": Expect(
        MANAGER,
        fill={"slug": LOCATION, "pk": CAMPAIGN},
        ok={"GET": 200, "POST": TO_CAMPAIGN},
        mixed={"GET": 404, "POST": 404},
        shows=True,
    ),
    "l/<slug:slug>/campaigns/<int:pk>/complete/": Expect(
        MANAGER,
        fill={"slug": LOCATION, "pk": CAMPAIGN},
        ok={"GET": 200, "POST": TO_CAMPAIGN},
        mixed={"GET": 404, "POST": 404},
        shows=True,
    ),
    "l/<slug:slug>/compare/": Expect(
        MEMBER,
        fill={"slug": LOCATION},
        query={"ids": CAMPAIGN_IDS},
        ok=PAGE,
        mixed=PAGE,  # the other location's ids are "not found": nothing compared
        shows=True,
    ),
    "l/<slug:slug>/channels/": Expect(MEMBER, fill={"slug": LOCATION}, ok=PAGE, shows=True),
    # --- Data in: imports ---
    "l/<slug:slug>/import/": Expect(
        MANAGER,
        fill={"slug": LOCATION},
        ok={"GET": 200, "POST": Redirect("campaigns:import_preview", htmx=True)},
        shows=True,
    ),
    "l/<slug:slug>/import/help/": Expect(MEMBER, fill={"slug": LOCATION}, ok=PAGE, shows=True),
    "l/<slug:slug>/import/template.csv": Expect(MEMBER, fill={"slug": LOCATION}, ok=PAGE),
    "l/<slug:slug>/import/<str:token>/": Expect(
        MANAGER,
        fill={"slug": LOCATION, "token": STAGED_IMPORT},
        ok={"GET": 200, "POST": Redirect("campaigns:campaigns", htmx=True)},
        # Another location's staged file is "expired" here: upload again, nothing read.
        mixed={"GET": TO_IMPORT, "POST": TO_IMPORT},
        shows=True,
    ),
    # A large import's progress (issue 12): a small upload has no job, so its preview; another
    # location's or user's upload is not found.
    "l/<slug:slug>/import/<str:token>/progress/": Expect(
        MANAGER,
        fill={"slug": LOCATION, "token": STAGED_IMPORT},
        ok={"GET": Redirect("campaigns:import_preview", htmx=True), "POST": 405},
        mixed={"GET": 404, "POST": 405},
    ),
    # --- Data out: exports and the printable report ---
    "l/<slug:slug>/campaigns/export.csv": Expect(
        MEMBER, fill={"slug": LOCATION}, ok=PAGE, shows=True
    ),
    "l/<slug:slug>/campaigns/<int:pk>/days.csv": Expect(
        MEMBER,
        fill={"slug": LOCATION, "pk": CAMPAIGN},
        ok=PAGE,
        mixed={"GET": 404, "POST": 405},
        shows=True,
    ),
    "l/<slug:slug>/campaigns/<int:pk>/report/": Expect(
        MEMBER,
        fill={"slug": LOCATION, "pk": CAMPAIGN},
        ok=PAGE,
        mixed={"GET": 404, "POST": 405},
        shows=True,
    ),
    "l/<slug:slug>/compare/export.csv": Expect(
        MEMBER,
        fill={"slug": LOCATION},
        query={"ids": CAMPAIGN_IDS},
        ok=PAGE,
        # The other location's ids are not found here: nothing to compare, as with no ids.
        mixed={"GET": 400, "POST": 405},
        shows=True,
    ),
    "l/<slug:slug>/channels/export.csv": Expect(MEMBER, fill={"slug": LOCATION}, ok=PAGE),
    # --- Settings: API tokens ---
    "l/<slug:slug>/settings/tokens/": Expect(
        MANAGER, fill={"slug": LOCATION}, ok={"GET": 200, "POST": 200}, shows=True
    ),
    "l/<slug:slug>/settings/tokens/<int:pk>/revoke/": Expect(
        MANAGER,
        fill={"slug": LOCATION, "pk": API_TOKEN},
        ok={"GET": 405, "POST": Redirect("campaigns:tokens")},
        mixed={"GET": 405, "POST": 404},
    ),
    # --- Settings: members (the member or invitation is a POST field: an unknown one, or
    # another location's, is "not found" in a message on the members page; tests/test_members.py)
    "l/<slug:slug>/settings/members/": Expect(
        MANAGER, fill={"slug": LOCATION}, ok={"GET": 200, "POST": 200}, shows=True
    ),
    "l/<slug:slug>/settings/members/role/": Expect(
        MANAGER, fill={"slug": LOCATION}, ok={"GET": 405, "POST": Redirect("campaigns:members")}
    ),
    "l/<slug:slug>/settings/members/remove/": Expect(
        MANAGER, fill={"slug": LOCATION}, ok={"GET": 405, "POST": Redirect("campaigns:members")}
    ),
    "l/<slug:slug>/settings/members/invitations/revoke/": Expect(
        MANAGER, fill={"slug": LOCATION}, ok={"GET": 405, "POST": Redirect("campaigns:members")}
    ),
    # --- Alerts (the alert is a POST field: an unknown one, or another location's, is "not
    # found" in a message on the inbox; tests/test_alerts.py)
    "l/<slug:slug>/alerts/": Expect(MEMBER, fill={"slug": LOCATION}, ok=PAGE, shows=True),
    "l/<slug:slug>/alerts/acknowledge/": Expect(
        MANAGER, fill={"slug": LOCATION}, ok={"GET": 405, "POST": Redirect("campaigns:alerts")}
    ),
    # --- Alert rules and alert e-mail preferences (issue 10) ---
    # The rule is a POST field (an unknown one, or another location's, is "not found" in a
    # message on the rules page); a new rule with errors answers the page again (200);
    # tests/test_alert_rules.py.
    "l/<slug:slug>/alerts/rules/": Expect(MEMBER, fill={"slug": LOCATION}, ok=PAGE, shows=True),
    "l/<slug:slug>/alerts/rules/add/": Expect(
        MANAGER, fill={"slug": LOCATION}, ok={"GET": 405, "POST": Redirect("campaigns:alert_rules")}
    ),
    "l/<slug:slug>/alerts/rules/toggle/": Expect(
        MANAGER,
        fill={"slug": LOCATION},
        ok={"GET": 405, "POST": Redirect("campaigns:alert_rules")},
    ),
    "l/<slug:slug>/alerts/rules/delete/": Expect(
        MANAGER,
        fill={"slug": LOCATION},
        ok={"GET": 405, "POST": Redirect("campaigns:alert_rules")},
    ),
    "l/<slug:slug>/alerts/email/": Expect(
        MANAGER, fill={"slug": LOCATION}, ok={"GET": 405, "POST": Redirect("campaigns:alerts")}
    ),
    # Open alerts across the user's own locations (each signed-in user sees only theirs).
    "portfolio/alerts/": Expect(SIGNED_IN, ok=PAGE),
    # --- Report schedules, delivery log and unsubscribe (issue 10) ---
    # The schedule is a URL kwarg (another location's: 404) or, to delete it or send a test, a
    # POST field (another location's is "not found" in a message; tests/reports/).
    "l/<slug:slug>/settings/reports/": Expect(
        MANAGER, fill={"slug": LOCATION}, ok=PAGE, shows=True
    ),
    "l/<slug:slug>/settings/reports/new/": Expect(
        MANAGER,
        fill={"slug": LOCATION},
        ok={"GET": 200, "POST": Redirect("campaigns:report_schedules")},
        shows=True,
    ),
    "l/<slug:slug>/settings/reports/<int:pk>/": Expect(
        MANAGER,
        fill={"slug": LOCATION, "pk": "report schedule"},
        ok={"GET": 200, "POST": Redirect("campaigns:report_schedules")},
        mixed={"GET": 404, "POST": 404},
        shows=True,
    ),
    "l/<slug:slug>/settings/reports/<int:pk>/preview/": Expect(
        MANAGER,
        fill={"slug": LOCATION, "pk": "report schedule"},
        ok=PAGE,
        mixed={"GET": 404, "POST": 405},
        shows=True,
    ),
    "l/<slug:slug>/settings/reports/<int:pk>/preview/email/": Expect(
        MANAGER,
        fill={"slug": LOCATION, "pk": "report schedule"},
        ok=PAGE,
        mixed={"GET": 404, "POST": 405},
        shows=True,
    ),
    "l/<slug:slug>/settings/reports/<int:pk>/preview/report.pdf": Expect(
        MANAGER,
        fill={"slug": LOCATION, "pk": "report schedule"},
        ok=PAGE,
        mixed={"GET": 404, "POST": 405},
    ),
    "l/<slug:slug>/settings/reports/delete/": Expect(
        MANAGER,
        fill={"slug": LOCATION},
        ok={"GET": 405, "POST": Redirect("campaigns:report_schedules")},
    ),
    "l/<slug:slug>/settings/reports/test/": Expect(
        MANAGER,
        fill={"slug": LOCATION},
        ok={"GET": 405, "POST": Redirect("campaigns:report_schedules")},
    ),
    "l/<slug:slug>/settings/reports/log/": Expect(
        MANAGER, fill={"slug": LOCATION}, ok=PAGE, shows=True
    ),
    # An unsubscribe link whose signature was tampered with: 400 for anybody, nothing changed
    # (a valid link is the recipient's own: tests/reports/).
    "reports/unsubscribe/<str:token>/": Expect(
        PUBLIC, fill={"token": "tampered unsubscribe token"}, ok={"GET": 400, "POST": 400}
    ),
    # --- History of every change and import batches (issue 12) ---
    # A campaign's History panel (an HTMX fragment; without HTMX a page of its own).
    "l/<slug:slug>/campaigns/<int:pk>/history/": Expect(
        MEMBER,
        fill={"slug": LOCATION, "pk": CAMPAIGN},
        ok=PAGE,
        mixed={"GET": 404, "POST": 405},
        shows=True,
    ),
    "l/<slug:slug>/activity/": Expect(MANAGER, fill={"slug": LOCATION}, ok=PAGE, shows=True),
    "l/<slug:slug>/activity.csv": Expect(MANAGER, fill={"slug": LOCATION}, ok=PAGE, shows=True),
    "l/<slug:slug>/imports/batches/": Expect(MANAGER, fill={"slug": LOCATION}, ok=PAGE, shows=True),
    "l/<slug:slug>/imports/batches/<int:pk>/": Expect(
        MANAGER,
        fill={"slug": LOCATION, "pk": "import batch"},
        ok=PAGE,
        mixed={"GET": 404, "POST": 405},
        shows=True,
    ),
    "l/<slug:slug>/imports/batches/<int:pk>/undo/": Expect(
        MANAGER,
        fill={"slug": LOCATION, "pk": "import batch"},
        ok={"GET": 405, "POST": Redirect("campaigns:batch", htmx=True)},
        mixed={"GET": 405, "POST": 404},
    ),
    # The worker's undo of a large batch (issue 20): a batch it never undid sends to its page.
    "l/<slug:slug>/imports/batches/<int:pk>/undo/progress/": Expect(
        MANAGER,
        fill={"slug": LOCATION, "pk": "import batch"},
        ok={"GET": Redirect("campaigns:batch", htmx=True), "POST": 405},
        mixed={"GET": 404, "POST": 405},
    ),
    # The health check of load balancers and the load test (issue 11): no data, no login.
    "healthz": Expect(PUBLIC, ok={"GET": 200, "POST": 405}),
    # An invitation link that is not valid: 400 for anybody, signed in or not.
    "accounts/invitation/<str:token>/": Expect(
        PUBLIC, fill={"token": RESET_TOKEN}, ok={"GET": 400, "POST": 400}
    ),
    # A new client location: superusers and agency managers (who manage 2+ locations; nobody
    # in the matrix but the superuser).
    "portfolio/locations/new/": Expect(
        SIGNED_IN,
        ok={"GET": 403, "POST": 403},
        by_role={"superuser": {"GET": 200, "POST": 200}},  # POST without fields: the errors
    ),
}


# --- The rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Role:
    """Who asks: a session's user (``reads``/``manages``: location labels) or an API token."""

    name: str
    signed_in: bool = False
    reads: frozenset[str] = frozenset()
    manages: frozenset[str] = frozenset()
    token: str | None = None  # the location of the API token sent, if any


#: Who asks, in every row of the matrix. A and B are the two locations.
ROLES = {
    role.name: role
    for role in [
        Role("anonymous"),
        Role("non_member", signed_in=True),
        Role("viewer_a", signed_in=True, reads=frozenset("A")),
        Role("manager_a", signed_in=True, reads=frozenset("A"), manages=frozenset("A")),
        Role("staff_viewer_a", signed_in=True, reads=frozenset("A")),
        Role("superuser", signed_in=True, reads=frozenset("AB"), manages=frozenset("AB")),
        Role("manager_b", signed_in=True, reads=frozenset("B"), manages=frozenset("B")),
        Role("token_a", reads=frozenset("A"), manages=frozenset("A"), token="A"),
        Role("token_b", reads=frozenset("B"), manages=frozenset("B"), token="B"),
    ]
}


def expected(
    entry: Expect, role: Role, method: str, slug_of: str | None, objects_of: str | None
) -> Outcome:
    """What ``role`` gets from ``method`` on the URL of ``entry`` filled with the slug of
    location ``slug_of`` and the objects (pks, ids, tokens) of location ``objects_of``."""
    ok = entry.by_role.get(role.name, entry.ok)[method]
    if entry.access == PUBLIC:
        return ok if role.signed_in else (entry.anonymous or entry.ok)[method]
    if entry.access == SIGNED_IN:
        return ok if role.signed_in else LOGIN
    if entry.access in (MEMBER, MANAGER):
        if not role.signed_in:
            return LOGIN
        if slug_of not in role.reads:
            return 404  # a non-member gets the 404 of a location that does not exist
        if entry.access == MANAGER and slug_of not in role.manages:
            return 403
        if objects_of not in (None, slug_of):
            return entry.mixed[method]
        return ok
    if entry.access == TOKEN:
        if entry.ok[method] == 405:
            return 405
        if role.token is None:
            return 401
        if objects_of not in (None, role.token):
            return entry.mixed[method]
        return ok
    raise AssertionError(f"unknown access {entry.access!r}")


# --- The matrix: every case of the table ----------------------------------------------------


def url_patterns() -> dict[str, URLPattern]:
    """Every URL pattern of the project by its full route (the first of a route wins, as in
    resolving), walked recursively through includes and namespaces."""
    found: dict[str, URLPattern] = {}

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            else:
                found.setdefault(route, pattern)

    walk(get_resolver().url_patterns, "")
    return found


def excluded(route: str) -> bool:
    return any(route.startswith(prefix) for prefix in EXCLUDED)


def kinds(entry: Expect) -> set[str]:
    return set(entry.fill.values()) | set(entry.query.values())


def targets(entry: Expect) -> list[tuple[str | None, str | None]]:
    """(location of the slug, location of the objects) to fill the URL with."""
    has_slug = LOCATION in kinds(entry)
    has_objects = bool(kinds(entry) - {LOCATION})
    if has_slug and has_objects:
        return [("A", "A"), ("B", "B"), ("A", "B"), ("B", "A")]
    if has_slug:
        return [("A", None), ("B", None)]
    if has_objects:
        return [(None, "A"), (None, "B")]
    return [(None, None)]


@dataclass
class Case:
    route: str
    role: Role
    method: str
    htmx: bool
    slug_of: str | None
    objects_of: str | None
    url: str = ""

    def __str__(self) -> str:
        where = {
            (None, None): "",
            ("A", "A"): " on A",
            ("B", "B"): " on B",
        }.get((self.slug_of, self.objects_of))
        if where is None:
            parts = []
            if self.slug_of:
                parts.append(f"{self.slug_of}'s slug")
            if self.objects_of:
                parts.append(f"{self.objects_of}'s objects")
            where = " with " + " and ".join(parts)
        hx = " [HX-Request]" if self.htmx else ""
        return f"{self.method} {self.url}{hx} as {self.role.name}{where}"


def cases(routes: dict[str, URLPattern]):
    """Every (case, expected outcome) of TABLE for the routes that exist."""
    for route, entry in TABLE.items():
        if route not in routes:
            continue  # a stale entry is reported by the coverage test
        for slug_of, objects_of in targets(entry):
            for role in ROLES.values():
                for method in entry.ok:
                    want = expected(entry, role, method, slug_of, objects_of)
                    for htmx in (False, True):
                        yield Case(route, role, method, htmx, slug_of, objects_of), want
