"""The load test's users (Locust). Run by bench/load/run.py, which builds the data and writes
the JSON file named by LOAD_CONFIG (logins, locations, campaign ids, API tokens, sessions).

The mixed browse: ManagerUser, ViewerUser (each signs in through the login form, with its
CSRF token, then browses bench/load/routes.py with short think times) and ApiUser (a token).
The saturation phases, no think time: HealthUser (the trivial view) and OverviewUser (one
location's overview, with a session made beforehand so that no sign-in is timed).

Every answer other than 200 counts as a failure: a redirect (to the login page, say) is not
followed, so it cannot pass for a page.

The mixed browse starts when every user has started and signed in (a sign-in is a PBKDF2 hash,
a third of a CPU second: forty at once would queue every page behind them). Then the sign-ins'
statistics are written to LOAD_SIGN_INS (a JSON file), the statistics start again, and the
browse runs for LOAD_BROWSE_SECONDS before Locust stops.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
from pathlib import Path

import gevent
from gevent.event import Event
from locust import FastHttpUser, between, constant, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
import routes

CONFIG = json.loads(Path(os.environ["LOAD_CONFIG"]).read_text())
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
#: A brisk reader: one to five seconds between clicks.
THINK = between(1, 5)
SIGN_IN_ROWS = [("login form", "GET"), ("login", "POST")]


class Start:
    """The mixed browse's start: once every user of the run is ready."""

    ready = 0
    browse = Event()

    @classmethod
    def user_ready(cls, environment) -> None:
        cls.ready += 1
        if cls.ready < environment.parsed_options.num_users or cls.browse.is_set():
            return
        stats = environment.stats
        rows = []
        for name, method in SIGN_IN_ROWS:
            entry = stats.get(name, method)
            took = max(entry.last_request_timestamp or 0, entry.start_time) - entry.start_time
            rows.append(
                {
                    "Name": f"{name} (before the browse)",
                    "Request Count": entry.num_requests,
                    "Failure Count": entry.num_failures,
                    "Requests/s": entry.num_requests / took if took else 0,
                    **{
                        f"{p}%": entry.get_response_time_percentile(p / 100) or "N/A"
                        for p in (50, 95, 99)
                    },
                }
            )
        Path(os.environ["LOAD_SIGN_INS"]).write_text(json.dumps(rows))
        stats.reset_all()
        cls.browse.set()
        seconds = int(os.environ["LOAD_BROWSE_SECONDS"])
        gevent.spawn_later(seconds, environment.runner.quit)

    @classmethod
    def wait(cls) -> None:
        cls.browse.wait()


class Browsing(FastHttpUser):
    """Opens the paths of its routes and fails on anything but a 200."""

    abstract = True

    def open(self, route: routes.Route, headers: dict[str, str] | None = None) -> None:
        with self.client.get(
            route.path,
            name=route.name,
            headers={**route.headers, **(headers or {})},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {route.path}")

    def open_one_of(self, choices: list[routes.Route], headers=None) -> None:
        route = random.choices(choices, weights=[r.weight for r in choices])[0]
        self.open(route, headers)


class SignedIn(Browsing):
    """A person with a login: signs in through the form, then browses."""

    abstract = True
    wait_time = THINK
    kind = ""

    def on_start(self) -> None:
        self.account = random.choice(CONFIG[self.kind])
        page = self.client.get(routes.LOGIN_PATH, name="login form")
        found = CSRF_INPUT.search(page.text or "")
        with self.client.post(
            routes.LOGIN_PATH,
            data={
                "username": self.account["username"],
                "password": CONFIG["password"],
                "csrfmiddlewaretoken": found.group(1) if found else "",
            },
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # A successful sign-in redirects; the form again (200) means it was refused.
            if response.status_code != 302:
                response.failure(f"sign-in of {self.account['username']}: {response.status_code}")
        Start.user_ready(self.environment)

    def route_choices(self) -> list[routes.Route]:
        slug = random.choice(self.account["slugs"])
        campaign, other = random.sample(CONFIG["campaigns"][slug], 2)
        return getattr(routes, f"{self.kind}_routes")(slug, campaign, other)

    @task
    def browse(self) -> None:
        Start.wait()
        self.open_one_of(self.route_choices())


class ManagerUser(SignedIn):
    weight = 2
    kind = "manager"


class ViewerUser(SignedIn):
    weight = 2
    kind = "viewer"


class ApiUser(Browsing):
    weight = 1
    wait_time = THINK

    def on_start(self) -> None:
        self.token = random.choice(CONFIG["tokens"])
        self.auth = {"Authorization": f"Bearer {self.token['secret']}"}
        Start.user_ready(self.environment)

    @task
    def read(self) -> None:
        Start.wait()
        campaign, other = random.sample(CONFIG["campaigns"][self.token["slug"]], 2)
        self.open_one_of(routes.api_routes(campaign, other), self.auth)


class HealthUser(Browsing):
    """Saturation of the trivial view: no database, no login, no think time."""

    wait_time = constant(0)
    route = routes.Route("trivial view /healthz", routes.TRIVIAL_PATH)

    @task
    def health(self) -> None:
        self.open(self.route)


class OverviewUser(Browsing):
    """Saturation of one location's overview (signed in), no think time."""

    wait_time = constant(0)
    route = routes.Route("overview (saturation)", routes.overview_path(CONFIG["overview_slug"]))

    def on_start(self) -> None:
        session = random.choice(CONFIG["overview_sessions"])
        self.cookie = {"Cookie": f"{CONFIG['session_cookie']}={session}"}

    @task
    def overview(self) -> None:
        self.open(self.route, self.cookie)


class StaticPageUser(OverviewUser):
    """Saturation of a signed-in page without figures (the import help) of the same location:
    the second floor, the fixed cost of any of a location's pages."""

    route = routes.Route(
        "signed-in page without figures (saturation)",
        routes.static_page_path(CONFIG["overview_slug"]),
    )
