"""Members of a location: the members page (managers only), invitations by e-mail and their
signed, expiring link, roles and removals with the last manager kept, new client locations for
agency managers, and every change in the admin's log."""

from __future__ import annotations

import re
import smtplib
import time
from unittest import mock

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.test import override_settings
from django.urls import reverse

from campaigns import members
from campaigns.models import Invitation, Location, Membership
from campaigns.tenancy import can_create_locations, scope, scopes_disabled
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
LINK = re.compile(r"https?://[^/\s]+(/accounts/invitation/[^/\s]+/)")
PASSWORD = "a-long-new-pass-2026"


def url(name, location, *args):
    return reverse(f"campaigns:{name}", args=[location.slug, *args])


def invite(client, location, email, role="viewer"):
    return client.post(url("members", location), {"email": email, "role": role})


def link_in(message) -> str:
    return LINK.search(message.body).group(1)


def invitations(location):
    with scope(location):
        return list(Invitation.objects.filter(location=location).order_by("pk"))


def membership(location, user):
    return Membership.objects.filter(location=location, user=user).first()


def log_messages(flag=None):
    entries = LogEntry.objects.order_by("pk")
    if flag is not None:
        entries = entries.filter(action_flag=flag)
    return [entry.change_message for entry in entries]


def page_text(response) -> str:
    return response.content.decode()


@pytest.fixture
def manager_client(client, sunrise_manager):
    client.force_login(sunrise_manager)
    return client


@pytest.fixture
def invited(manager_client, sunrise):
    """A pending invitation of Sunrise to new@person.example (viewer) and its link."""
    invite(manager_client, sunrise, "New@Person.example")
    [message] = mail.outbox
    manager_client.logout()
    return invitations(sunrise)[0], link_in(message)


# --- The page and who may open it --------------------------------------------------------------


def test_managers_see_members_and_pending_invitations(manager_client, sunrise, sunrise_viewer):
    sunrise_viewer.email = "viewer@sunrise.example"
    sunrise_viewer.save()
    invite(manager_client, sunrise, "pending@sunrise.example", "manager")

    text = page_text(manager_client.get(url("members", sunrise)))

    assert "sunrise-manager" in text and "sunrise-viewer" in text
    assert "viewer@sunrise.example" in text
    assert "pending@sunrise.example" in text
    assert f'href="{url("members", sunrise)}"' in text  # the settings link in the user menu


def test_viewers_get_403_non_members_404_and_anonymous_the_sign_in(
    client, sunrise, sunrise_manager, sunrise_viewer, harbor_manager
):
    target = membership(sunrise, sunrise_manager)
    actions = [
        ("members", {"email": "x@example.com", "role": "manager"}),
        ("member_role", {"member": target.pk, "role": "viewer"}),
        ("member_remove", {"member": target.pk}),
        ("invitation_revoke", {"invitation": 1}),
    ]
    for user, status in [(sunrise_viewer, 403), (harbor_manager, 404)]:
        client.force_login(user)
        assert client.get(url("members", sunrise)).status_code == status
        for name, data in actions:
            assert client.post(url(name, sunrise), data).status_code == status
    client.logout()
    response = client.get(url("members", sunrise))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))

    assert membership(sunrise, sunrise_manager).role == Membership.Role.MANAGER
    assert invitations(sunrise) == [] and mail.outbox == [] and log_messages() == []


# --- Inviting ---------------------------------------------------------------------------------


def test_an_invitation_sends_an_e_mail_with_a_link_and_is_logged(manager_client, sunrise):
    response = invite(manager_client, sunrise, " New@Person.example ", "manager")

    assert response.status_code == 302 and response.url == url("members", sunrise)
    [invitation] = invitations(sunrise)
    assert (invitation.email, invitation.role) == ("new@person.example", "manager")
    assert invitation.invited_by.username == "sunrise-manager"
    [message] = mail.outbox
    assert message.to == ["new@person.example"]
    assert "Sunrise Realty" in message.subject
    assert "sunrise-manager invited you to join Sunrise Realty" in message.body
    assert "as a manager" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and link_in(message) in html
    assert log_messages(ADDITION) == ["Invited new@person.example to Sunrise Realty as Manager."]
    assert "Invitation sent to new@person.example" in page_text(manager_client.get(response.url))


def test_inviting_a_member_or_a_pending_address_says_so_and_sends_nothing(
    manager_client, sunrise, sunrise_viewer
):
    sunrise_viewer.email = "viewer@sunrise.example"
    sunrise_viewer.save()

    member = invite(manager_client, sunrise, "VIEWER@sunrise.example")
    assert "viewer@sunrise.example is already a member of this location." in page_text(member)
    assert invitations(sunrise) == [] and mail.outbox == []

    invite(manager_client, sunrise, "new@person.example")
    again = invite(manager_client, sunrise, "new@person.example", "manager")
    assert "An invitation to new@person.example is already pending" in page_text(again)
    assert len(invitations(sunrise)) == 1 and len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"email": "not-an-address", "role": "viewer"}, "Enter a valid email address."),
        ({"email": "a@b.example", "role": "owner"}, "Select a valid choice."),
    ],
)
def test_bad_invitation_input_gets_a_message_and_changes_nothing(
    manager_client, sunrise, data, error
):
    response = manager_client.post(url("members", sunrise), data)

    assert response.status_code == 200 and error in page_text(response)
    assert invitations(sunrise) == [] and mail.outbox == []


def test_a_message_that_cannot_be_sent_keeps_no_invitation(manager_client, sunrise):
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send",
        side_effect=smtplib.SMTPServerDisconnected("down"),
    ):
        response = invite(manager_client, sunrise, "new@person.example")

    assert response.status_code == 200
    assert "could not be sent: nothing was saved" in page_text(response)
    assert invitations(sunrise) == [] and log_messages() == []


def test_the_invitation_goes_out_through_a_real_smtp_server(manager_client, sunrise, smtp_server):
    response = invite(manager_client, sunrise, "new@person.example")

    assert response.status_code == 302
    assert mail.outbox == []  # not the test backend: the SMTP server got it
    assert smtp_server.recipients == [["new@person.example"]]
    [message] = smtp_server.messages
    assert message["To"] == "new@person.example"
    body = message.get_body(("plain",)).get_content()
    assert "/accounts/invitation/" in body and "Sunrise Realty" in body


# --- Accepting ----------------------------------------------------------------------------------


def test_a_new_person_accepts_sets_a_password_and_lands_signed_in_on_the_overview(
    client, sunrise, invited
):
    _, link = invited

    form = client.get(link)
    assert form.status_code == 200
    assert 'value="new"' in page_text(form)  # the username, from the e-mail
    response = client.post(
        link, {"username": "newperson", "new_password1": PASSWORD, "new_password2": PASSWORD}
    )

    assert response.status_code == 302 and response.url == url("overview", sunrise)
    user = User.objects.get(username="newperson")
    assert user.email == "new@person.example" and user.check_password(PASSWORD)
    assert membership(sunrise, user).role == Membership.Role.VIEWER
    overview = client.get(response.url)
    assert overview.status_code == 200 and "Welcome to Sunrise Realty" in page_text(overview)
    [invitation] = invitations(sunrise)
    assert invitation.accepted_at is not None
    assert log_messages(ADDITION)[-1] == (
        "newperson accepted the invitation of new@person.example and joined Sunrise Realty "
        "as Viewer."
    )
    # The link works once.
    client.logout()
    used = client.get(link)
    assert used.status_code == 410 and "has been used already" in page_text(used)
    assert client.post(link, {"username": "x2", "new_password1": PASSWORD}).status_code == 410
    assert User.objects.filter(username="x2").count() == 0


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"new_password1": "password", "new_password2": "password"}, "too common"),
        ({"new_password1": PASSWORD, "new_password2": PASSWORD + "x"}, "didn’t match"),
        ({"username": "sunrise-manager"}, "This username is not available"),
        ({"username": "no spaces allowed"}, "Enter a valid username"),
    ],
)
def test_a_bad_username_or_password_gets_a_message_and_changes_nothing(
    client, sunrise, invited, data, error
):
    _, link = invited
    body = {"username": "newperson", "new_password1": PASSWORD, "new_password2": PASSWORD}

    response = client.post(link, {**body, **data})

    assert response.status_code == 200 and error in page_text(response)
    assert not User.objects.filter(email="new@person.example").exists()
    assert invitations(sunrise)[0].accepted_at is None
    assert Membership.objects.filter(location=sunrise).count() == 1


def test_someone_with_an_account_signs_in_and_accepts(client, sunrise, harbor_manager, invited):
    _, link = invited
    harbor_manager.email = "new@person.example"
    harbor_manager.save()

    anonymous = client.get(link)
    assert "sign in to accept" in page_text(anonymous)
    assert client.post(link, {}).status_code == 403
    assert membership(sunrise, harbor_manager) is None

    client.force_login(harbor_manager)
    assert "Accept the invitation" in page_text(client.get(link))
    response = client.post(link)

    assert response.status_code == 302 and response.url == url("overview", sunrise)
    assert membership(sunrise, harbor_manager).role == Membership.Role.VIEWER
    assert client.get(url("overview", sunrise)).status_code == 200


def test_someone_signed_in_with_another_address_cannot_accept(
    client, sunrise, harbor_manager, invited
):
    _, link = invited
    client.force_login(harbor_manager)

    assert "Sign out, then open the link again" in page_text(client.get(link))
    response = client.post(
        link, {"username": "newperson", "new_password1": PASSWORD, "new_password2": PASSWORD}
    )

    assert response.status_code == 403
    assert membership(sunrise, harbor_manager) is None
    assert not User.objects.filter(username="newperson").exists()
    assert invitations(sunrise)[0].accepted_at is None


def test_an_expired_link_says_so_and_changes_nothing(client, sunrise, invited, monkeypatch):
    _, link = invited
    now = time.time()

    monkeypatch.setattr(signing.time, "time", lambda: now + 6 * 86400)
    assert client.get(link).status_code == 200  # six days: still valid
    monkeypatch.setattr(signing.time, "time", lambda: now + 7 * 86400 + 60)
    expired = client.get(link)
    posted = client.post(
        link, {"username": "newperson", "new_password1": PASSWORD, "new_password2": PASSWORD}
    )

    assert expired.status_code == 410 and "This invitation has expired." in page_text(expired)
    assert posted.status_code == 410
    assert not User.objects.filter(username="newperson").exists()
    assert invitations(sunrise)[0].accepted_at is None


@override_settings(INVITATION_MAX_AGE_DAYS=1)
def test_the_link_lifetime_is_a_setting(client, invited, monkeypatch):
    _, link = invited
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now + 86400 + 60)

    assert client.get(link).status_code == 410


def test_a_tampered_link_is_refused(client, sunrise, invited):
    _, link = invited
    token = link.split("/")[-2]
    tampered = link.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))

    response = client.get(tampered)

    assert response.status_code == 400 and "not valid" in page_text(response)
    assert client.post(tampered, {}).status_code == 400
    assert client.get("/accounts/invitation/not-a-token/").status_code == 400
    assert invitations(sunrise)[0].accepted_at is None


def test_a_revoked_invitation_is_logged_and_its_link_stops_working(
    manager_client, sunrise, sunrise_manager
):
    invite(manager_client, sunrise, "new@person.example")
    [invitation] = invitations(sunrise)
    link = link_in(mail.outbox[0])

    response = manager_client.post(url("invitation_revoke", sunrise), {"invitation": invitation.pk})

    assert response.status_code == 302
    page = page_text(manager_client.get(response.url))
    assert "Revoked the invitation to new@person.example." in page
    assert "No pending invitation." in page
    assert invitations(sunrise)[0].revoked_at is not None
    assert log_messages(CHANGE) == ["Revoked the invitation of new@person.example."]
    manager_client.logout()
    gone = manager_client.get(link)
    assert gone.status_code == 410 and "withdrawn" in page_text(gone)
    # Revoking again: no longer pending, nothing logged twice.
    manager_client.force_login(sunrise_manager)
    manager_client.post(url("invitation_revoke", sunrise), {"invitation": invitation.pk})
    assert len(log_messages(CHANGE)) == 1


def test_another_locations_invitations_are_invisible_and_unusable(
    client, sunrise, harbor, sunrise_manager, harbor_manager
):
    client.force_login(harbor_manager)
    client.get(invite(client, harbor, "harbor-guest@example.com", "manager").url)  # its message
    [harbors] = invitations(harbor)
    harbor_link = link_in(mail.outbox[0])
    client.force_login(sunrise_manager)

    assert "harbor-guest@example.com" not in page_text(client.get(url("members", sunrise)))
    response = client.post(url("invitation_revoke", sunrise), {"invitation": harbors.pk})
    assert "That invitation is no longer pending." in page_text(client.get(response.url))
    assert invitations(harbor)[0].revoked_at is None
    # A link naming Harbor's invitation with Sunrise (validly signed) grants nothing.
    forged = signing.dumps({"i": harbors.pk, "l": sunrise.pk}, salt=members.SALT, compress=True)
    client.logout()
    assert client.get(f"/accounts/invitation/{forged}/").status_code == 410
    # Harbor's own link grants Harbor, never Sunrise.
    client.post(
        harbor_link, {"username": "guest", "new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    guest = User.objects.get(username="guest")
    assert list(Membership.objects.filter(user=guest).values_list("location__slug", "role")) == [
        ("harbor-homes", "manager")
    ]


# --- Roles and removals -----------------------------------------------------------------------


def test_a_manager_changes_a_role_and_it_is_logged(manager_client, sunrise, sunrise_viewer):
    viewer = membership(sunrise, sunrise_viewer)

    response = manager_client.post(
        url("member_role", sunrise), {"member": viewer.pk, "role": "manager"}
    )

    assert response.status_code == 302
    assert membership(sunrise, sunrise_viewer).role == Membership.Role.MANAGER
    assert "sunrise-viewer is now a Manager." in page_text(manager_client.get(response.url))
    assert log_messages(CHANGE) == [
        "Changed the role of sunrise-viewer in Sunrise Realty from Viewer to Manager."
    ]


def test_the_last_manager_is_neither_demoted_nor_removed(
    client, sunrise, sunrise_manager, sunrise_viewer, django_user_model
):
    last = membership(sunrise, sunrise_manager)
    root = django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-123")
    for user in (sunrise_manager, root):
        client.force_login(user)
        for name, data in [
            ("member_role", {"member": last.pk, "role": "viewer"}),
            ("member_remove", {"member": last.pk}),
        ]:
            response = client.post(url(name, sunrise), data)
            assert response.status_code == 302 and response.url == url("members", sunrise)
            assert (
                "sunrise-manager is the last manager of Sunrise Realty: make another member a "
                "manager first." in page_text(client.get(response.url))
            )
    assert membership(sunrise, sunrise_manager).role == Membership.Role.MANAGER
    assert log_messages() == []


def test_a_manager_removes_a_member_and_the_member_loses_access(
    client, manager_client, sunrise, sunrise_viewer
):
    viewer = membership(sunrise, sunrise_viewer)

    response = manager_client.post(url("member_remove", sunrise), {"member": viewer.pk})

    assert "Removed sunrise-viewer from Sunrise Realty." in page_text(
        manager_client.get(response.url)
    )
    assert membership(sunrise, sunrise_viewer) is None
    assert log_messages(DELETION) == ["Removed sunrise-viewer (Viewer) from Sunrise Realty."]
    manager_client.force_login(sunrise_viewer)
    assert manager_client.get(url("overview", sunrise)).status_code == 404


def test_a_manager_may_leave_when_another_manager_remains(manager_client, sunrise, sunrise_viewer):
    Membership.objects.filter(user=sunrise_viewer).update(role=Membership.Role.MANAGER)
    me = Membership.objects.get(location=sunrise, user__username="sunrise-manager")

    response = manager_client.post(url("member_remove", sunrise), {"member": me.pk})

    assert response.status_code == 302 and response.url == reverse("campaigns:home")
    assert not Membership.objects.filter(pk=me.pk).exists()


def test_another_locations_member_cannot_be_changed_or_removed(
    manager_client, sunrise, harbor_manager, harbor
):
    theirs = membership(harbor, harbor_manager)
    for name, data in [
        ("member_role", {"member": theirs.pk, "role": "viewer"}),
        ("member_remove", {"member": theirs.pk}),
    ]:
        response = manager_client.post(url(name, sunrise), data)
        assert "That person is not a member of this location." in page_text(
            manager_client.get(response.url)
        )
    assert membership(harbor, harbor_manager).role == Membership.Role.MANAGER
    assert "harbor-manager" not in page_text(manager_client.get(url("members", sunrise)))
    assert log_messages() == []


def test_member_since_comes_from_the_log(manager_client, sunrise, invited):
    _, link = invited
    manager_client.post(
        link, {"username": "newperson", "new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    joined = Membership.objects.get(user__username="newperson")
    entry = LogEntry.objects.get(object_id=str(joined.pk), action_flag=ADDITION)

    since = members.member_since(Membership.objects.filter(location=sunrise))

    assert since == {joined.pk: entry.action_time}


# --- New client locations ---------------------------------------------------------------------

NEW = {
    "name": "Lakeside Lofts",
    "slug": "",
    "currency": "eur",
    "time_zone": "Europe/Berlin",
    "external_id": "",
}


@pytest.fixture
def agency_manager(sunrise_manager, harbor):
    MembershipFactory(user=sunrise_manager, location=harbor, role=Membership.Role.MANAGER)
    return sunrise_manager


def test_agency_managers_and_superusers_may_create_locations(
    sunrise_manager, sunrise_viewer, harbor, django_user_model
):
    assert not can_create_locations(sunrise_manager)  # one location
    MembershipFactory(user=sunrise_viewer, location=harbor, role=Membership.Role.VIEWER)
    assert not can_create_locations(sunrise_viewer)  # reads two, manages none
    MembershipFactory(user=sunrise_manager, location=harbor, role=Membership.Role.MANAGER)
    assert can_create_locations(sunrise_manager)
    root = django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-123")
    assert can_create_locations(root)
    sunrise_manager.is_active = False
    assert not can_create_locations(sunrise_manager)


def test_an_agency_manager_creates_a_location_and_becomes_its_manager(client, agency_manager):
    client.force_login(agency_manager)
    assert client.get(reverse("campaigns:location_new")).status_code == 200

    response = client.post(reverse("campaigns:location_new"), NEW)

    location = Location.objects.get(slug="lakeside-lofts")
    assert response.status_code == 302 and response.url == url("overview", location)
    assert (location.name, location.currency, location.time_zone) == (
        "Lakeside Lofts",
        "EUR",
        "Europe/Berlin",
    )
    assert membership(location, agency_manager).role == Membership.Role.MANAGER
    assert client.get(response.url).status_code == 200
    assert "Created the location Lakeside Lofts (lakeside-lofts)." in log_messages(ADDITION)


def test_others_may_not_create_locations(client, sunrise_manager, sunrise_viewer):
    for user in (sunrise_manager, sunrise_viewer):
        client.force_login(user)
        assert client.get(reverse("campaigns:location_new")).status_code == 403
        assert client.post(reverse("campaigns:location_new"), NEW).status_code == 403
    client.logout()
    anonymous = client.post(reverse("campaigns:location_new"), NEW)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))
    assert not Location.objects.filter(name="Lakeside Lofts").exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"slug": "harbor-homes"}, "This slug is not available: choose another."),
        ({"name": "Harbor Homes"}, "This slug is not available: choose another."),
        ({"external_id": "harbor-crm"}, "This external id is not available: check it in the CRM."),
        ({"time_zone": "Mars/Olympus"}, "is not a known time zone"),
        ({"currency": "e1r"}, "Use a three-letter ISO code such as USD."),
        ({"currency": "euro"}, "at most 3 characters"),
        ({"name": "!!!"}, "Give a slug: the name has no letters or digits to use."),
        ({"name": ""}, "This field is required."),
    ],
)
def test_bad_location_input_gets_a_message_that_names_no_other_tenant(
    client, agency_manager, harbor, data, error
):
    Location.objects.filter(pk=harbor.pk).update(external_id="harbor-crm")
    client.force_login(agency_manager)
    before = Location.objects.count()

    response = client.post(reverse("campaigns:location_new"), {**NEW, **data})

    text = page_text(response)
    assert response.status_code == 200 and error in text
    assert "already exists" not in text and "Location with this" not in text
    assert Location.objects.count() == before


# --- Admin ------------------------------------------------------------------------------------


def test_invitations_are_read_only_in_the_admin_and_for_superusers_only(
    client, sunrise, sunrise_manager, django_user_model
):
    with scopes_disabled():
        invitation = Invitation.objects.create(
            location=sunrise, email="guest@example.com", invited_by=sunrise_manager
        )
    changelist = "/admin/campaigns/invitation/"
    root = django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-123")
    client.force_login(root)
    assert "guest@example.com" in page_text(client.get(changelist))
    change = client.get(f"{changelist}{invitation.pk}/change/")
    assert change.status_code == 200 and 'name="email"' not in page_text(change)
    assert client.get(f"{changelist}add/").status_code == 403

    staff = UserFactory(username="staff", is_staff=True)
    MembershipFactory(user=staff, location=sunrise, role=Membership.Role.MANAGER)
    client.force_login(staff)
    assert client.get(changelist).status_code == 403
