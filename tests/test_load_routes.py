"""Every route the load test (bench/load) requests answers 200 for the user who requests it, so
`make load` cannot silently measure 404s, redirects to the login page or full pages where it
means fragments."""

import importlib.util
import sys
from pathlib import Path

import pytest

from campaigns import tokens
from campaigns.models import Campaign, Membership
from campaigns.tenancy import scopes_disabled
from tests.factories import LocationFactory, MembershipFactory, UserFactory, add_campaigns

ROUTES = Path(__file__).resolve().parents[1] / "bench" / "load" / "routes.py"
spec = importlib.util.spec_from_file_location("load_routes", ROUTES)
routes = sys.modules["load_routes"] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(routes)


@pytest.fixture
def site(db):
    """Two small locations; a manager of both, a viewer of the first; the first's token."""
    first = LocationFactory(slug="load-a")
    second = LocationFactory(slug="load-b")
    add_campaigns(first, 4, first=1)
    add_campaigns(second, 2, first=5)
    manager = UserFactory(username="load-manager")
    viewer = UserFactory(username="load-viewer")
    for location in (first, second):
        MembershipFactory(user=manager, location=location, role=Membership.Role.MANAGER)
    MembershipFactory(user=viewer, location=first, role=Membership.Role.VIEWER)
    _, secret = tokens.issue_token(location=first, name="Load test")
    with scopes_disabled():
        ids = list(
            Campaign.objects.filter(location=first).order_by("pk").values_list("pk", flat=True)
        )
    return {"slug": first.slug, "ids": ids, "manager": manager, "viewer": viewer, "secret": secret}


def assert_route(response, route):
    assert response.status_code == 200, (route, response.status_code)
    body = response.content.decode()
    if route.htmx:
        # The #report block alone, not the page around it.
        assert "<html" not in body, route
        assert body.strip(), route
    else:
        assert "<html" in body, route


@pytest.mark.parametrize(
    ("kind", "user", "expected"),
    [
        ("manager", "manager", {"portfolio", "campaign edit form", "alerts"}),
        ("viewer", "viewer", set()),
    ],
)
def test_pages_answer_200_for_their_user(client, site, kind, user, expected):
    route_list = getattr(routes, f"{kind}_routes")(site["slug"], site["ids"][0], site["ids"][1])
    assert {r.name for r in route_list} >= expected | {"overview", "campaign page"}
    assert any(r.htmx for r in route_list)
    client.force_login(site[user])
    for route in route_list:
        assert_route(client.get(route.path, headers=route.headers), route)


def test_the_managers_form_is_refused_to_a_viewer(client, site):
    """The manager's edit form really is a manager's page: the test above proves the manager's
    session reaches it, this one that a viewer's would not."""
    client.force_login(site["viewer"])
    (route,) = [
        r
        for r in routes.manager_routes(site["slug"], *site["ids"][:2])
        if r.name == "campaign edit form"
    ]
    assert client.get(route.path).status_code in (403, 404)


def test_api_routes_answer_200_with_the_token(client, site):
    for route in routes.api_routes(site["ids"][0], site["ids"][1]):
        response = client.get(route.path, headers={"Authorization": f"Bearer {site['secret']}"})
        assert response.status_code == 200, (route, response.status_code, response.content[:300])
        assert response.headers["Content-Type"].startswith("application/json")


def test_login_and_the_trivial_view(client, site):
    """The locustfile's login (a POST with the form's CSRF token) and the trivial floor."""
    client = type(client)(enforce_csrf_checks=True)
    page = client.get(routes.LOGIN_PATH)
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value
    response = client.post(
        routes.LOGIN_PATH,
        {"username": "load-viewer", "password": "pw-for-tests-1", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert client.get(routes.overview_path(site["slug"])).status_code == 200
    assert client.get(routes.static_page_path(site["slug"])).status_code == 200
    health = client.get(routes.TRIVIAL_PATH)
    assert health.status_code == 200
    assert health.content == b"ok"


def test_a_wrong_route_fails_the_check(client, site):
    """The check is real: a path that does not exist is caught."""
    client.force_login(site["manager"])
    wrong = routes.Route("nowhere", f"/l/{site['slug']}/campaigns/999999/")
    with pytest.raises(AssertionError):
        assert_route(client.get(wrong.path), wrong)
