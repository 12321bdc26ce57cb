"""API tokens: issued with a secret shown once and stored hashed, revoked on the managers'
settings page and in Django admin, each screen showing only the user's own locations' tokens."""

import html
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from campaigns import tokens
from campaigns.models import ApiToken, Membership
from campaigns.tenancy import ScopeError, scopes_disabled
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ADMIN_TOKENS = "/admin/campaigns/apitoken/"


def page(response) -> str:
    return html.unescape(response.content.decode())


def authenticates(client, secret: str) -> bool:
    response = client.get("/api/v1/campaigns", HTTP_AUTHORIZATION=f"Bearer {secret}")
    return response.status_code == 200


def shown_secrets(text: str) -> list[str]:
    return re.findall(r"cpa_[A-Za-z0-9_-]{40,}", text)


# --- The service ---------------------------------------------------------------------------


def test_issuing_a_token_returns_its_secret_once_and_stores_only_its_hash(sunrise, sunrise_manager):
    token, secret = tokens.issue_token(location=sunrise, name="CRM", user=sunrise_manager)

    assert re.fullmatch(r"cpa_[A-Za-z0-9_-]{43}", secret)
    assert token.prefix == secret[:8]
    assert token.created_by == sunrise_manager
    with scopes_disabled():
        stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in [str(v) for v in vars(stored).values()]
    assert tokens.authenticate(secret) == token


def test_two_tokens_never_share_a_secret(sunrise):
    secrets = {tokens.issue_token(location=sunrise, name=f"t{i}")[1] for i in range(20)}

    assert len(secrets) == 20


def test_authenticating_answers_none_for_anything_but_an_active_token(sunrise):
    token, secret = tokens.issue_token(location=sunrise, name="CRM")

    assert tokens.authenticate(secret + "x") is None
    assert tokens.authenticate(secret[:-1]) is None
    assert tokens.authenticate("") is None
    tokens.revoke_token(token)
    assert tokens.authenticate(secret) is None


def test_revoking_twice_keeps_the_first_time(sunrise):
    token, _ = tokens.issue_token(location=sunrise, name="CRM")

    first = tokens.revoke_token(token).revoked_at
    second = tokens.revoke_token(token).revoked_at

    assert first is not None
    assert second == first


def test_deleting_the_creator_keeps_the_token(sunrise, sunrise_manager):
    token, secret = tokens.issue_token(location=sunrise, name="CRM", user=sunrise_manager)

    with scopes_disabled():
        sunrise_manager.delete()
        token.refresh_from_db()

    assert token.created_by is None
    assert tokens.authenticate(secret) == token


def test_tokens_are_tenant_rows(sunrise):
    tokens.issue_token(location=sunrise, name="CRM")

    with pytest.raises(ScopeError):
        list(ApiToken.objects.all())


# --- The settings page ---------------------------------------------------------------------


def tokens_url(location) -> str:
    return reverse("campaigns:tokens", args=[location.slug])


def revoke_url(location, token) -> str:
    return reverse("campaigns:token_revoke", args=[location.slug, token.pk])


def test_a_manager_creates_a_token_and_sees_the_secret_once(client, sunrise, sunrise_manager):
    client.force_login(sunrise_manager)

    created = client.post(tokens_url(sunrise), {"name": "Nightly CRM sync"})

    assert created.status_code == 200
    assert "Copy the token now" in page(created)
    assert "no-store" in created["Cache-Control"]
    [secret] = set(shown_secrets(page(created)))
    assert authenticates(client, secret)
    listing = client.get(tokens_url(sunrise))
    assert "Nightly CRM sync" in page(listing)
    assert secret[:8] in page(listing)
    assert shown_secrets(page(listing)) == []
    with scopes_disabled():
        token = ApiToken.objects.get()
    assert (token.location, token.created_by) == (sunrise, sunrise_manager)


def test_a_token_needs_a_name(client, sunrise, sunrise_manager):
    client.force_login(sunrise_manager)

    response = client.post(tokens_url(sunrise), {"name": ""})

    assert response.status_code == 200
    assert "This field is required." in page(response)
    with scopes_disabled():
        assert not ApiToken.objects.exists()


def test_a_manager_revokes_a_token_and_it_stops_authenticating(client, sunrise, sunrise_manager):
    token, secret = tokens.issue_token(location=sunrise, name="Old script")
    client.force_login(sunrise_manager)
    listing = page(client.get(tokens_url(sunrise)))
    assert revoke_url(sunrise, token) in listing

    response = client.post(revoke_url(sunrise, token), follow=True)

    assert "Revoked the token “Old script”" in page(response)
    assert "Revoked" in page(response)
    assert revoke_url(sunrise, token) not in page(response)
    assert not authenticates(client, secret)


def test_the_page_lists_only_the_locations_own_tokens(client, sunrise, harbor, sunrise_manager):
    tokens.issue_token(location=sunrise, name="Sunrise CRM")
    tokens.issue_token(location=harbor, name="Harbor CRM")
    client.force_login(sunrise_manager)

    text = page(client.get(tokens_url(sunrise)))

    assert "Sunrise CRM" in text
    assert "Harbor CRM" not in text


def test_a_viewer_may_not_open_or_change_tokens(client, sunrise, sunrise_viewer):
    token, secret = tokens.issue_token(location=sunrise, name="CRM")
    client.force_login(sunrise_viewer)

    assert client.get(tokens_url(sunrise)).status_code == 403
    assert client.post(tokens_url(sunrise), {"name": "Mine"}).status_code == 403
    assert client.post(revoke_url(sunrise, token)).status_code == 403
    assert authenticates(client, secret)
    with scopes_disabled():
        assert ApiToken.objects.count() == 1


def test_another_locations_manager_gets_404(client, sunrise, harbor, harbor_manager):
    token, secret = tokens.issue_token(location=sunrise, name="CRM")
    client.force_login(harbor_manager)

    assert client.get(tokens_url(sunrise)).status_code == 404
    assert client.post(revoke_url(sunrise, token)).status_code == 404
    # Harbor's own URL with Sunrise's token id: the same 404 as a missing token.
    assert client.post(revoke_url(harbor, token)).status_code == 404
    assert authenticates(client, secret)


def test_revoking_needs_a_post(client, sunrise, sunrise_manager):
    token, secret = tokens.issue_token(location=sunrise, name="CRM")
    client.force_login(sunrise_manager)

    assert client.get(revoke_url(sunrise, token)).status_code == 405
    assert authenticates(client, secret)


def test_anonymous_visitors_are_sent_to_sign_in(client, sunrise):
    response = client.get(tokens_url(sunrise))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Django admin --------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def sunrise_staff(sunrise):
    """Staff with every permission of the campaigns app, but a member of Sunrise only."""
    user = UserFactory(username="sunrise-staff", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="campaigns"))
    MembershipFactory(user=user, location=sunrise, role=Membership.Role.MANAGER)
    return user


def test_a_superuser_creates_a_token_in_admin_and_sees_the_secret_once(client, superuser, harbor):
    client.force_login(superuser)

    response = client.post(
        f"{ADMIN_TOKENS}add/",
        {"location": harbor.pk, "name": "Harbor CRM", "_save": "Save"},
        follow=True,
    )

    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    [secret] = [s for m in messages for s in shown_secrets(m)]
    assert any("copy it now" in m for m in messages)
    assert authenticates(client, secret)
    with scopes_disabled():
        token = ApiToken.objects.get()
    assert (token.location, token.created_by, token.prefix) == (harbor, superuser, secret[:8])
    again = client.get(ADMIN_TOKENS)
    assert "Harbor CRM" in page(again)
    assert shown_secrets(page(again)) == []


def test_the_admin_revoke_action(client, superuser, sunrise, harbor):
    sunrise_token, sunrise_secret = tokens.issue_token(location=sunrise, name="A")
    _, harbor_secret = tokens.issue_token(location=harbor, name="B")
    client.force_login(superuser)

    response = client.post(
        ADMIN_TOKENS,
        {"action": "revoke", "_selected_action": [sunrise_token.pk]},
        follow=True,
    )

    assert "1 token(s) revoked." in page(response)
    assert not authenticates(client, sunrise_secret)
    assert authenticates(client, harbor_secret)


def test_the_admin_filters_tokens_by_status(client, superuser, sunrise):
    old, _ = tokens.issue_token(location=sunrise, name="Old script")
    tokens.issue_token(location=sunrise, name="Current script")
    tokens.revoke_token(old)
    client.force_login(superuser)

    revoked = page(client.get(ADMIN_TOKENS, {"status": "revoked"}))
    active = page(client.get(ADMIN_TOKENS, {"status": "active"}))

    assert "Old script" in revoked and "Current script" not in revoked
    assert "Current script" in active and "Old script" not in active


def test_staff_see_and_offer_only_their_own_locations_tokens(
    client, sunrise_staff, sunrise, harbor
):
    tokens.issue_token(location=sunrise, name="Sunrise CRM")
    harbor_token, _ = tokens.issue_token(location=harbor, name="Harbor CRM")
    client.force_login(sunrise_staff)

    listing = page(client.get(ADMIN_TOKENS))
    add_form = page(client.get(f"{ADMIN_TOKENS}add/"))

    assert "Sunrise CRM" in listing
    assert "Harbor CRM" not in listing
    assert "Harbor Homes" not in listing
    assert "Sunrise Realty" in add_form
    assert "Harbor Homes" not in add_form
    change = client.get(f"{ADMIN_TOKENS}{harbor_token.pk}/change/")
    assert change.status_code == 302  # "does not exist" for another location's token


def test_staff_cannot_create_a_token_for_another_location(client, sunrise_staff, harbor):
    client.force_login(sunrise_staff)

    response = client.post(
        f"{ADMIN_TOKENS}add/", {"location": harbor.pk, "name": "Sneaky", "_save": "Save"}
    )

    assert response.status_code == 200
    assert "Select a valid choice" in page(response)
    with scopes_disabled():
        assert not ApiToken.objects.exists()


def test_a_tokens_location_cannot_be_changed_in_admin(client, superuser, sunrise, harbor):
    token, _ = tokens.issue_token(location=sunrise, name="CRM")
    client.force_login(superuser)

    client.post(
        f"{ADMIN_TOKENS}{token.pk}/change/",
        {"location": harbor.pk, "name": "Renamed", "_save": "Save"},
    )

    with scopes_disabled():
        token.refresh_from_db()
    assert (token.location, token.name) == (sunrise, "Renamed")
