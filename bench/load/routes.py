"""What each kind of load-test user requests: plain data, no Locust, so that
tests/test_load_routes.py can check every route answers 200 for the user who browses it.

A route is a path with the name of its row in the results table, whether it is an HTMX
fragment (sent with ``HX-Request: true``: the page's ``#report`` block, as the period picker,
the filters and the sortable headings request it) and a weight (how often it is picked).
The paths are those of campaigns/urls.py and the API (config/urls.py, campaigns/api.py).
"""

from __future__ import annotations

from dataclasses import dataclass

#: The header HTMX sends with each request it makes.
HTMX_HEADERS = {"HX-Request": "true"}
LOGIN_PATH = "/accounts/login/"
TRIVIAL_PATH = "/healthz"


@dataclass(frozen=True)
class Route:
    name: str
    path: str
    htmx: bool = False
    weight: int = 1

    @property
    def headers(self) -> dict[str, str]:
        return dict(HTMX_HEADERS) if self.htmx else {}


def overview_path(slug: str) -> str:
    return f"/l/{slug}/"


def static_page_path(slug: str) -> str:
    """A signed-in page without figures (the import help): the fixed cost of any page of a
    location (session, user, membership, the base template with its navigation)."""
    return f"/l/{slug}/import/help/"


def location_routes(slug: str, campaign: int, other: int) -> list[Route]:
    """What managers and viewers alike read in a location: its overview, campaign list and a
    campaign's page, each as a full page and as the fragment a period or sort change loads."""
    base = f"/l/{slug}"
    return [
        Route("overview", f"{base}/", weight=4),
        Route("overview · fragment 90d", f"{base}/?period=90d", htmx=True, weight=2),
        Route("campaign list 30d", f"{base}/campaigns/?period=30d", weight=3),
        Route(
            "campaign list · fragment sort/filter",
            f"{base}/campaigns/?period=90d&sort=-roi&status=active",
            htmx=True,
            weight=2,
        ),
        Route("campaign page", f"{base}/campaigns/{campaign}/", weight=3),
        Route(
            "campaign page · fragment 30d",
            f"{base}/campaigns/{campaign}/?period=30d",
            htmx=True,
            weight=2,
        ),
        Route("channels 90d", f"{base}/channels/?period=90d"),
        Route("compare 2 campaigns", f"{base}/compare/?ids={campaign},{other}&period=30d"),
    ]


def manager_routes(slug: str, campaign: int, other: int) -> list[Route]:
    """A manager of several locations: the portfolio, a location's pages, and the forms and
    settings only managers open (read, never submitted: the load test writes nothing)."""
    base = f"/l/{slug}"
    return [
        Route("portfolio", "/portfolio/", weight=2),
        Route("portfolio · fragment sort", "/portfolio/?sort=roi&dir=desc", htmx=True),
        *location_routes(slug, campaign, other),
        Route("campaign edit form", f"{base}/campaigns/{campaign}/edit/"),
        Route("alerts", f"{base}/alerts/"),
    ]


def viewer_routes(slug: str, campaign: int, other: int) -> list[Route]:
    """A viewer of one location: its pages only."""
    return location_routes(slug, campaign, other)


def api_routes(campaign: int, other: int) -> list[Route]:
    """An integration reading its location through the JSON API with its token."""
    return [
        Route("api campaigns", "/api/v1/campaigns", weight=2),
        Route(
            "api campaign report 30d", f"/api/v1/campaigns/{campaign}/report?period=30d", weight=2
        ),
        Route("api channels 30d", "/api/v1/channels?period=30d"),
        Route("api compare", f"/api/v1/compare?ids={campaign},{other}"),
    ]
