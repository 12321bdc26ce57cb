"""The signed-in fixed cost: what every page of a location pays before its own figures.

Session, user, and one statement for the location, the user's role in it, their membership
version and the header's alert badge (it was five queries: the membership and the badge and
the navigation's locations each on their own). The navigation's locations come from the user's
cached entry (campaigns.membership_cache), keyed by the membership version that every write
changing it raises in its own transaction: a revoked membership, a new role, a renamed location
are seen by the very next request.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.test import RequestFactory, override_settings
from django.urls import resolve

from campaigns import members, versions
from campaigns.context_processors import navigation
from campaigns.membership_cache import Memberships, cache_key, memberships_of, read_memberships
from campaigns.models import Alert, Location, Membership, MembershipVersion
from campaigns.tenancy import resolve_location, scope, scopes_disabled
from tests.factories import LocationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent


def help_page(location) -> str:
    """A signed-in page without figures (bench/load/routes.py static_page_path)."""
    return f"/l/{location.slug}/import/help/"


def version_of(user) -> int:
    row = MembershipVersion.objects.filter(user_id=user.pk).first()
    return row.version if row else 0


def switcher(response) -> str:
    """The location switcher of the page's header."""
    page = response.content.decode()
    start = page.index('<details class="location-switcher" data-menu>')
    return page[start : page.index("</details>", start)]


@pytest.fixture
def member(sunrise, harbor):
    """A manager of Sunrise and a viewer of Harbor."""
    user = UserFactory(username="member")
    MembershipFactory(user=user, location=sunrise, role=Membership.Role.MANAGER)
    MembershipFactory(user=user, location=harbor, role=Membership.Role.VIEWER)
    return user


def open_alert(location) -> Alert:
    with scope(location):
        return Alert.objects.create(location=location, kind="no_data", message="No data")


# --- The count ----------------------------------------------------------------------------


def test_a_page_without_figures_takes_session_user_and_one_statement_for_the_location(
    client, member, sunrise, django_assert_num_queries
):
    open_alert(sunrise)
    client.force_login(member)
    client.get(help_page(sunrise))  # the entry is cached by the first page
    with django_assert_num_queries(3) as queries:
        response = client.get(help_page(sunrise))
    assert response.status_code == 200
    read = [q["sql"].split('"')[1] for q in queries.captured_queries]  # each one's table
    assert read == ["django_session", "auth_user", "campaigns_membership"]
    # … and the page has all it had: both locations to switch to, the badge, the manager's link
    assert "Sunrise Realty" in switcher(response) and "Harbor Homes" in switcher(response)
    assert 'title="Open alerts not yet acknowledged">1</span>' in response.content.decode()
    assert "Manager of Sunrise Realty" in response.content.decode()


def test_signing_in_caches_the_users_locations_for_the_first_page(
    client, member, sunrise, harbor, django_assert_num_queries
):
    client.force_login(member)
    with django_assert_num_queries(3):
        client.get(help_page(sunrise))
    cache.clear()  # evicted, or cached by another process only
    with django_assert_num_queries(4):  # … and the user's locations, cached again
        client.get(help_page(sunrise))
    with django_assert_num_queries(3):
        client.get(help_page(harbor))


def test_a_page_elsewhere_reads_the_locations_in_one_query_and_caches_them(
    client, member, sunrise, django_assert_num_queries
):
    client.force_login(member)
    client.get("/portfolio/alerts/")
    with django_assert_num_queries(3):
        client.get(help_page(sunrise))


def test_a_superusers_page_takes_the_same_three_queries(
    client, sunrise, harbor, django_user_model, django_assert_num_queries
):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-123")
    client.force_login(root)
    client.get(help_page(harbor))
    with django_assert_num_queries(3):
        response = client.get(help_page(harbor))
    assert "Sunrise Realty" in switcher(response) and "Harbor Homes" in switcher(response)


@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cached_db")
def test_with_sessions_in_a_shared_cache_the_page_takes_two_queries(
    client, member, sunrise, django_assert_num_queries
):
    client.force_login(member)
    client.get(help_page(sunrise))
    with django_assert_num_queries(2):  # the user, the location
        assert client.get(help_page(sunrise)).status_code == 200


def settings_with(cache_url: str) -> str:
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CACHE_URL": cache_url,
    }
    code = "from django.conf import settings; print(settings.SESSION_ENGINE)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_sessions_are_read_from_the_cache_only_when_every_process_shares_it():
    assert settings_with("locmemcache://") == "django.contrib.sessions.backends.db"
    assert settings_with("redis://127.0.0.1:6379/1") == (
        "django.contrib.sessions.backends.cached_db"
    )


def test_the_location_is_read_with_its_current_data_version(member, sunrise):
    versions.bump([sunrise.pk])
    location, _ = resolve_location(member, sunrise.slug)
    assert location.data_version == Location.objects.get(pk=sunrise.pk).data_version == 1


# --- Seen on the very next request ----------------------------------------------------------


def test_a_removed_member_is_refused_on_the_very_next_request(client, member, sunrise, harbor):
    client.force_login(member)
    assert client.get(help_page(harbor)).status_code == 200
    assert "Harbor Homes" in switcher(client.get(help_page(sunrise)))

    members.remove(Membership.objects.get(user=member, location=harbor), by=member)

    assert "Harbor Homes" not in switcher(client.get(help_page(sunrise)))
    assert client.get(help_page(harbor)).status_code == 404


def test_a_changed_role_counts_on_the_very_next_request(client, member, sunrise, sunrise_manager):
    client.force_login(member)
    assert client.get(f"/l/{sunrise.slug}/import/").status_code == 200

    mine = Membership.objects.get(user=member, location=sunrise)
    members.change_role(mine, Membership.Role.VIEWER, by=sunrise_manager)

    assert client.get(f"/l/{sunrise.slug}/import/").status_code == 403
    assert "Viewer of Sunrise Realty" in client.get(help_page(sunrise)).content.decode()


def test_a_renamed_location_is_seen_in_the_navigation_at_once(client, member, sunrise, harbor):
    client.force_login(member)
    assert "Harbor Homes" in switcher(client.get(help_page(sunrise)))

    harbor.name = "Harbor Homes & Lofts"
    harbor.save()

    assert "Harbor Homes &amp; Lofts" in switcher(client.get(help_page(sunrise)))


def test_a_new_slug_is_seen_in_the_navigation_at_once(client, member, sunrise, harbor):
    client.force_login(member)
    client.get(help_page(sunrise))
    harbor.slug = "harbor-lofts"
    harbor.save(update_fields=["slug"])
    assert 'href="/l/harbor-lofts/"' in switcher(client.get(help_page(sunrise)))


def test_an_accepted_invitation_is_listed_at_once(client, member, sunrise, sunrise_manager):
    bay = LocationFactory(name="Bay Estates", slug="bay-estates")
    client.force_login(member)
    assert "Bay Estates" not in switcher(client.get(help_page(sunrise)))
    with scope(bay):
        from campaigns.models import Invitation

        invitation = Invitation.objects.create(
            location=bay, email="member@example.com", invited_by=sunrise_manager
        )
    members.accept(invitation, member)
    assert "Bay Estates" in switcher(client.get(help_page(sunrise)))
    assert client.get(help_page(bay)).status_code == 200


def test_becoming_a_superuser_or_ceasing_to_be_counts_at_once(client, member, sunrise):
    bay = LocationFactory(name="Bay Estates", slug="bay-estates")
    client.force_login(member)
    assert "Bay Estates" not in switcher(client.get(help_page(sunrise)))
    assert client.get(help_page(bay)).status_code == 404

    member.is_superuser = True
    member.save()
    assert "Bay Estates" in switcher(client.get(help_page(sunrise)))
    assert client.get(help_page(bay)).status_code == 200

    member.is_superuser = False
    member.save()
    assert "Bay Estates" not in switcher(client.get(help_page(sunrise)))
    assert client.get(help_page(bay)).status_code == 404


def test_a_new_location_is_listed_for_superusers_at_once(client, sunrise, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-123")
    client.force_login(root)
    client.get(help_page(sunrise))
    LocationFactory(name="Bay Estates", slug="bay-estates")
    assert "Bay Estates" in switcher(client.get(help_page(sunrise)))


def test_a_deactivated_user_is_signed_out(client, member, sunrise):
    client.force_login(member)
    client.get(help_page(sunrise))
    member.is_active = False
    member.save()
    assert client.get(help_page(sunrise)).status_code == 302


# --- Every write path raises the version ----------------------------------------------------


def test_every_kind_of_membership_write_raises_the_users_version(member, sunrise, harbor):
    other = UserFactory(username="other")
    bay = LocationFactory(name="Bay Estates", slug="bay-estates")
    seen = {user.pk: {version_of(user)} for user in (member, other)}

    def raised(user) -> bool:
        version = version_of(user)
        new = version not in seen[user.pk]
        seen[user.pk].add(version)
        return new

    Membership.objects.filter(user=member, location=harbor).update(role="manager")
    assert raised(member)
    Membership.objects.bulk_create([Membership(user=member, location=bay)])
    assert raised(member)
    row = Membership.objects.get(user=member, location=bay)
    row.role = "manager"
    Membership.objects.bulk_update([row], ["role"])
    assert raised(member)
    Membership.objects.filter(user=member, location=bay).update(user=other)  # moved
    assert raised(member) and raised(other)
    moved = Membership.objects.get(user=other, location=bay)
    moved.user = member
    moved.save()  # as the admin's form does
    assert raised(member) and raised(other)
    Membership.objects.filter(user=member, location=bay).delete()
    assert raised(member)
    with scopes_disabled():
        harbor.delete()  # the cascade deletes the membership
    assert raised(member)
    assert [loc.name for loc in read_memberships(member).locations] == ["Sunrise Realty"]


def test_settings_that_do_not_show_in_the_navigation_raise_nothing(member, harbor):
    before = version_of(member)
    harbor.currency = "EUR"
    harbor.save(update_fields=["currency"])
    versions.bump([harbor.pk])  # new figures
    assert version_of(member) == before


def test_a_deleted_users_version_goes_with_them(member):
    assert MembershipVersion.objects.filter(user_id=member.pk).exists()
    pk = member.pk
    with scopes_disabled():  # the user's report recipients go with them
        member.delete()
    assert not MembershipVersion.objects.filter(user_id=pk).exists()


def test_a_write_that_rolls_back_leaves_the_version_and_its_version_is_never_given_again(
    member, sunrise
):
    bay = LocationFactory(name="Bay Estates", slug="bay-estates")
    before = version_of(member)
    with pytest.raises(RuntimeError), transaction.atomic():
        MembershipFactory(user=member, location=bay)
        rolled_back = version_of(member)
        # A request inside the transaction caches the entry of the state that never was.
        assert "Bay Estates" in [loc.name for loc in memberships_of(member).locations]
        raise RuntimeError
    assert version_of(member) == before
    assert "Bay Estates" not in [loc.name for loc in memberships_of(member, before).locations]

    Membership.objects.filter(user=member, location=sunrise).update(role="viewer")
    assert version_of(member) not in (before, rolled_back)
    names = [loc.name for loc in memberships_of(member, version_of(member)).locations]
    assert "Bay Estates" not in names


# --- One user's entry --------------------------------------------------------------------------


def test_a_users_entry_never_serves_another_user(client, member, sunrise, harbor):
    neighbour = UserFactory(username="neighbour")
    MembershipFactory(user=neighbour, location=harbor)
    client.force_login(member)
    client.get(help_page(harbor))
    client.force_login(neighbour)
    response = client.get(help_page(harbor))
    assert "Harbor Homes" in switcher(response) and "Sunrise Realty" not in switcher(response)

    # Even an entry of the member stored under the neighbour's key is not served.
    version = version_of(neighbour)
    cache.set(cache_key(neighbour, version), memberships_of(member, version_of(member)))
    assert [loc.name for loc in memberships_of(neighbour, version).locations] == ["Harbor Homes"]
    assert "Sunrise Realty" not in switcher(client.get(help_page(harbor)))


def test_an_entry_of_another_superuser_state_or_version_is_not_served(member):
    entry = read_memberships(member)
    assert entry.serves(member, entry.version)
    assert not entry.serves(member, entry.version + 1)
    member.is_superuser = True
    assert not entry.serves(member, entry.version)
    assert memberships_of(AnonymousUser()) == Memberships(None, False, None)


def test_a_non_member_gets_the_same_404_as_for_a_missing_location(client, sunrise, harbor):
    outsider = UserFactory(username="outsider")
    MembershipFactory(user=outsider, location=harbor)
    client.force_login(outsider)
    assert client.get(help_page(sunrise)).status_code == 404
    assert client.get("/l/no-such-place/import/help/").status_code == 404


# --- The badge ------------------------------------------------------------------------------


def test_a_request_that_may_write_counts_the_badge_afresh(member, sunrise):
    """The badge read with the location is as of the request's start: a POST that renders a
    page (after acknowledging, say) counts the alerts again."""
    open_alert(sunrise)
    location, _ = resolve_location(member, sunrise.slug)
    assert location.open_alert_count == 1
    with scope(sunrise):
        Alert.objects.update(acknowledged_at="2026-01-01T00:00:00Z")
    for method, shown in [("get", 1), ("post", 0)]:
        request = getattr(RequestFactory(), method)(help_page(sunrise))
        request.user, request.location = member, location
        request.resolver_match = resolve(help_page(sunrise))
        with scope(sunrise):
            assert navigation(request)["open_alert_count"] == shown
