"""The common cast: two locations, a manager and a viewer of each, and the reference campaign."""

import email
import email.policy
import socket
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from campaigns import services
from campaigns.models import Membership
from tests.factories import LocationFactory, MembershipFactory, UserFactory

#: PRODUCT.md's reference example: three days whose totals are the published figures.
REFERENCE_DAYS = [
    {
        "date": date(2026, 1, 12),
        "impressions": 4000,
        "clicks": 200,
        "leads": 50,
        "qualified_leads": 12,
        "hot_leads": 5,
        "conversions": 5,
        "revenue": Decimal("7500.00"),
        "spend": Decimal("2000.00"),
    },
    {
        "date": date(2026, 1, 13),
        "impressions": 3500,
        "clicks": 170,
        "leads": 40,
        "qualified_leads": 10,
        "hot_leads": 4,
        "conversions": 4,
        "revenue": Decimal("6000.00"),
        "spend": Decimal("1700.00"),
    },
    {
        "date": date(2026, 1, 14),
        "impressions": 2500,
        "clicks": 130,
        "leads": 30,
        "qualified_leads": 8,
        "hot_leads": 3,
        "conversions": 3,
        "revenue": Decimal("4500.00"),
        "spend": Decimal("1300.00"),
    },
]
REFERENCE_FUNNEL = {
    "awareness": 10000,
    "interest": 500,
    "consideration": 120,
    "intent": 30,
    "conversion": 12,
}


@pytest.fixture
def sunrise(db):
    return LocationFactory(name="Sunrise Realty", slug="sunrise-realty")


@pytest.fixture
def harbor(db):
    return LocationFactory(name="Harbor Homes", slug="harbor-homes")


@pytest.fixture
def sunrise_manager(sunrise):
    return MembershipFactory(
        user=UserFactory(username="sunrise-manager"), location=sunrise, role=Membership.Role.MANAGER
    ).user


@pytest.fixture
def sunrise_viewer(sunrise):
    return MembershipFactory(
        user=UserFactory(username="sunrise-viewer"), location=sunrise, role=Membership.Role.VIEWER
    ).user


@pytest.fixture
def harbor_manager(harbor):
    return MembershipFactory(
        user=UserFactory(username="harbor-manager"), location=harbor, role=Membership.Role.MANAGER
    ).user


@pytest.fixture
def reference_campaign(sunrise):
    """ "January SMS Blast" with exactly the numbers of PRODUCT.md, through the service API."""
    campaign = services.create_campaign(
        location=sunrise,
        name="January SMS Blast",
        channel="sms",
        status="completed",
        budget=Decimal("5000.00"),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 1, 31),
        target_leads=150,
        target_conversions=15,
        target_roi=Decimal("2.5"),
    )
    services.record_days(campaign=campaign, rows=REFERENCE_DAYS)
    services.set_funnel(campaign=campaign, counts=REFERENCE_FUNNEL)
    return campaign


# --- A real SMTP server -------------------------------------------------------------------------


@dataclass
class SMTPServer:
    """A local aiosmtpd server's handler: what it received (each envelope's recipients and
    parsed message); it refuses the addresses in ``refuse``."""

    port: int
    envelopes: list = field(default_factory=list)
    #: Addresses the server refuses at RCPT TO (550), as a mailbox that does not exist.
    refuse: set = field(default_factory=set)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return [
            email.message_from_bytes(e.content, policy=email.policy.default) for e in self.envelopes
        ]

    @property
    def recipients(self) -> list[list[str]]:
        return [sorted(e.rcpt_tos) for e in self.envelopes]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def smtp_settings(port: int) -> dict:
    """MAILERS sending over SMTP to 127.0.0.1:port (nobody listening there: a server down)."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free local port, and Django's default mailer pointed
    at it for the test: mail goes over the socket, not to the test outbox."""
    server = SMTPServer(port=free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    try:
        with override_settings(MAILERS=smtp_settings(server.port)):
            yield server
    finally:
        controller.stop()


# --- Another location's sentinel ----------------------------------------------------------------

#: A name that must never appear in anything of Sunrise's (reports, e-mails, alerts).
SENTINEL = "Quokkazephyr"


@pytest.fixture
def sentinel_campaign(harbor):
    """Harbor's campaign, with numbers in January and March 2026 (the periods the report tests
    use), whose name and revenue must never reach Sunrise's pages, reports or recipients."""
    campaign = services.create_campaign(
        location=harbor,
        name=f"{SENTINEL} Harbor Promo",
        channel="sms",
        status="active",
        budget=Decimal("777.00"),
        start_date=date(2026, 1, 1),
    )
    services.record_days(
        campaign=campaign,
        rows=[
            {"date": date(2026, 1, 5), "leads": 9, "revenue": Decimal("98765.00")},
            {"date": date(2026, 3, 3), "leads": 9, "revenue": Decimal("98765.00")},
        ],
    )
    return campaign


@pytest.fixture(autouse=True)
def rollups_equal_the_days(request):
    """After every test that wrote to the database, the rollups still equal the daily rows, and
    the history replays to the stored days and funnel counts: every write path of every test is
    checked, not only the ones tests/test_rollups.py and tests/test_history.py name."""
    uses_db = {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if not uses_db and not request.node.get_closest_marker("django_db"):
        yield
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in uses_db else "db")
    yield
    from campaigns import history, rollups

    assert rollups.differences() == [], "a write left the rollups different from the days"
    assert history.unrecorded() == [], "a write of days or funnel counts was not in the history"


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a rolled-back test's location ids (and data
    versions) come back in the next one, and its cached pages must not."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
