"""Django admin keeps tenants and roles apart beyond the tenant models (issue 8):

- the User admin shows staff only the people of their own locations, never a superuser, and
  lets them change (or reset the password of) only people wholly inside the locations they
  manage, who hold no permission the staff user lacks; nobody but a superuser grants staff,
  superuser, group or permission rights;
- a viewer is read-only in the admin too: the membership role is checked, not only the model
  permissions;
- django-axes' login records and Django's groups are for superusers only;
- uniqueness checks do not confirm another location's slug, external id or username.
"""

import json
import re
from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from campaigns.models import ApiToken, Campaign, Location, Membership
from campaigns.tenancy import scopes_disabled
from tests.factories import CampaignFactory, LocationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

USERS = "/admin/auth/user/"
GROUPS = "/admin/auth/group/"
CAMPAIGNS = "/admin/campaigns/campaign/"
DAILY_METRICS = "/admin/campaigns/dailymetric/"
LOCATIONS = "/admin/campaigns/location/"
MEMBERSHIPS = "/admin/campaigns/membership/"
TOKENS = "/admin/campaigns/apitoken/"
ACCESS_ATTEMPTS = "/admin/axes/accessattempt/"
AUTOCOMPLETE = "/admin/autocomplete/"

PASSWORD = "pw-for-tests-1"
NEW_PASSWORD = "Brand-new-Passphrase-42"

#: What a staff user of a location is given: every permission of the app, of users and groups
#: and of django-axes (the model permissions are not what keeps them in their locations).
STAFF_PERMISSIONS = Q(content_type__app_label__in=["campaigns", "axes"]) | Q(
    content_type__app_label="auth", content_type__model__in=["user", "group"]
)


def staff(username: str, **roles) -> object:
    """A staff user with STAFF_PERMISSIONS and a membership of each ``location=role``."""
    user = UserFactory(username=username, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(STAFF_PERMISSIONS))
    for location, role in roles.items():
        MembershipFactory(user=user, location=Location.objects.get(slug=location), role=role)
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def sunrise_staff(sunrise):
    return staff("sunrise-staff", **{"sunrise-realty": Membership.Role.MANAGER})


@pytest.fixture
def sunrise_staff_viewer(sunrise):
    """Staff with every model permission, but only a viewer of Sunrise."""
    return staff("sunrise-staff-viewer", **{"sunrise-realty": Membership.Role.VIEWER})


@pytest.fixture
def cedar(db):
    return LocationFactory(name="Cedar Lofts", slug="cedar-lofts")


@pytest.fixture
def sunrise_manager_cedar_viewer(sunrise, cedar):
    """Staff who manages Sunrise and only views Cedar."""
    return staff(
        "two-roles",
        **{"sunrise-realty": Membership.Role.MANAGER, "cedar-lofts": Membership.Role.VIEWER},
    )


def html(response) -> str:
    return response.content.decode()


def select_options(response, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html(response), re.S)
    assert select, f"no <select name={name!r}> on the page"
    labels = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))
    return [label for value, label in labels if value]


def password_form(password: str = NEW_PASSWORD) -> dict:
    return {"password1": password, "password2": password, "usable_password": "true"}


def user_form(user, **overrides) -> dict:
    """The User admin's change form as a superuser would post it."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": f"{user.date_joined:%Y-%m-%d}",
        "date_joined_1": f"{user.date_joined:%H:%M:%S}",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def can_sign_in(client, username: str, password: str) -> bool:
    client.logout()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302


# --- The User admin: whom staff see ---------------------------------------------------------


def test_staff_see_only_the_users_of_their_own_locations(
    client, sunrise_staff, sunrise_viewer, harbor_manager, superuser
):
    client.force_login(sunrise_staff)

    response = client.get(USERS)

    assert response.status_code == 200
    assert "sunrise-viewer" in html(response)
    assert "sunrise-staff" in html(response)
    assert "harbor-manager" not in html(response)
    assert "root" not in re.sub(r"<header.*?</header>", "", html(response), flags=re.S)
    client.force_login(superuser)
    assert "harbor-manager" in html(client.get(USERS))  # a superuser sees everyone


def test_staff_never_see_a_superuser_even_one_who_is_a_member(
    client, sunrise, sunrise_staff, superuser
):
    MembershipFactory(user=superuser, location=sunrise, role=Membership.Role.MANAGER)
    client.force_login(sunrise_staff)

    listing = client.get(USERS)
    change = client.get(f"{USERS}{superuser.pk}/change/", follow=True)

    assert ">root<" not in html(listing)
    assert 'value="root"' not in html(change)
    assert "doesn’t exist" in html(change)


def test_staff_cannot_open_another_locations_user(client, sunrise_staff, harbor_manager):
    client.force_login(sunrise_staff)

    response = client.get(f"{USERS}{harbor_manager.pk}/change/", follow=True)

    assert "harbor-manager" not in html(response)
    assert "doesn’t exist" in html(response)


def test_the_membership_user_autocomplete_offers_only_users_of_own_locations(
    client, sunrise_staff, sunrise_viewer, harbor_manager, superuser
):
    client.force_login(sunrise_staff)

    response = client.get(
        AUTOCOMPLETE,
        {"app_label": "campaigns", "model_name": "membership", "field_name": "user", "term": ""},
    )

    assert response.status_code == 200
    offered = {row["text"] for row in json.loads(response.content)["results"]}
    assert offered == {"sunrise-staff", "sunrise-viewer"}


# --- The User admin: passwords --------------------------------------------------------------


def test_staff_cannot_reset_another_locations_managers_password(
    client, sunrise_staff, harbor_manager, sunrise_viewer
):
    client.force_login(sunrise_staff)
    url = f"{USERS}{harbor_manager.pk}/password/"

    opened = client.get(url)
    posted = client.post(url, password_form())
    own = client.post(f"{USERS}{sunrise_viewer.pk}/password/", password_form())

    assert (opened.status_code, posted.status_code) == (404, 404)
    harbor_manager.refresh_from_db()
    assert harbor_manager.check_password(PASSWORD)
    assert not can_sign_in(client, "harbor-manager", NEW_PASSWORD)
    assert own.status_code == 302  # a viewer of the manager's own location: allowed
    sunrise_viewer.refresh_from_db()
    assert sunrise_viewer.check_password(NEW_PASSWORD)


def test_staff_cannot_reset_a_superusers_password(client, sunrise, sunrise_staff, superuser):
    MembershipFactory(user=superuser, location=sunrise, role=Membership.Role.VIEWER)
    client.force_login(sunrise_staff)

    response = client.post(f"{USERS}{superuser.pk}/password/", password_form())

    assert response.status_code == 404
    superuser.refresh_from_db()
    assert superuser.check_password(PASSWORD)


def test_staff_cannot_reset_the_password_of_someone_who_also_belongs_to_another_location(
    client, sunrise, harbor, sunrise_staff
):
    """Signing in as them would open the other location: they are shown, not changed."""
    both = UserFactory(username="both-places")
    MembershipFactory(user=both, location=sunrise, role=Membership.Role.VIEWER)
    MembershipFactory(user=both, location=harbor, role=Membership.Role.MANAGER)
    client.force_login(sunrise_staff)

    change = client.get(f"{USERS}{both.pk}/change/")
    response = client.post(f"{USERS}{both.pk}/password/", password_form())

    assert change.status_code == 200
    assert 'name="email"' not in html(change)  # shown read-only
    assert response.status_code == 403
    both.refresh_from_db()
    assert both.check_password(PASSWORD)


def test_staff_cannot_reset_the_password_of_a_colleague_with_more_permissions(
    client, sunrise, sunrise_staff
):
    colleague = UserFactory(username="sunrise-admin", is_staff=True)
    colleague.user_permissions.set(Permission.objects.filter(codename="add_permission"))
    MembershipFactory(user=colleague, location=sunrise, role=Membership.Role.MANAGER)
    colleague.is_active = False  # an inactive user's permissions count all the same
    colleague.save()
    client.force_login(sunrise_staff)

    response = client.post(f"{USERS}{colleague.pk}/password/", password_form())

    assert response.status_code == 403
    colleague.refresh_from_db()
    assert colleague.check_password(PASSWORD)


def test_a_viewer_cannot_reset_anyones_password(client, sunrise_staff_viewer, sunrise_viewer):
    client.force_login(sunrise_staff_viewer)

    response = client.post(f"{USERS}{sunrise_viewer.pk}/password/", password_form())

    assert response.status_code == 403
    sunrise_viewer.refresh_from_db()
    assert sunrise_viewer.check_password(PASSWORD)


# --- The User admin: no escalation ----------------------------------------------------------


def test_staff_cannot_grant_superuser_staff_groups_or_permissions(
    client, sunrise_staff, sunrise_viewer
):
    group = Group.objects.create(name="Everything")
    group.permissions.set(Permission.objects.all())
    client.force_login(sunrise_staff)
    url = f"{USERS}{sunrise_viewer.pk}/change/"

    page = client.get(url)
    response = client.post(
        url,
        user_form(
            sunrise_viewer,
            first_name="Vera",
            is_staff="on",
            is_superuser="on",
            groups=[group.pk],
            user_permissions=list(Permission.objects.values_list("pk", flat=True)),
        ),
    )

    for field in ["is_superuser", "is_staff", "groups", "user_permissions", "username"]:
        assert f'name="{field}"' not in html(page)
    assert response.status_code == 302
    sunrise_viewer.refresh_from_db()
    assert sunrise_viewer.first_name == "Vera"  # what staff may change is saved
    assert not sunrise_viewer.is_superuser
    assert not sunrise_viewer.is_staff
    assert not sunrise_viewer.groups.exists()
    assert not sunrise_viewer.user_permissions.exists()


def test_only_a_superuser_makes_a_superuser(client, superuser, sunrise_staff, sunrise_viewer):
    url = f"{USERS}{sunrise_viewer.pk}/change/"
    promote = user_form(sunrise_viewer, is_staff="on", is_superuser="on")
    client.force_login(sunrise_staff)
    client.post(url, promote)
    sunrise_viewer.refresh_from_db()
    assert not sunrise_viewer.is_superuser

    client.force_login(superuser)
    response = client.post(url, promote)

    assert response.status_code == 302
    sunrise_viewer.refresh_from_db()
    assert sunrise_viewer.is_superuser and sunrise_viewer.is_staff


def test_staff_cannot_promote_themselves(client, sunrise_staff):
    client.force_login(sunrise_staff)

    client.post(
        f"{USERS}{sunrise_staff.pk}/change/",
        user_form(sunrise_staff, is_staff="on", is_superuser="on"),
    )

    sunrise_staff.refresh_from_db()
    assert not sunrise_staff.is_superuser


def test_only_a_superuser_adds_users(client, sunrise_staff, superuser):
    """A new user belongs to no location yet, so it would be outside the staff user's scope
    (and its username check would say which names other locations use)."""
    client.force_login(sunrise_staff)
    refused = client.post(
        f"{USERS}add/",
        {"username": "newcomer", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    client.force_login(superuser)
    allowed = client.get(f"{USERS}add/")

    assert refused.status_code == 403
    assert allowed.status_code == 200
    assert not UserFactory._meta.model.objects.filter(username="newcomer").exists()


def test_groups_are_for_superusers_only(client, sunrise_staff, superuser):
    """A group bundles any permissions: editing one would grant what the editor lacks."""
    group = Group.objects.create(name="Sunrise editors")
    sunrise_staff.groups.add(group)
    client.force_login(sunrise_staff)

    listing = client.get(GROUPS)
    everything = list(Permission.objects.values_list("pk", flat=True))
    change = client.post(
        f"{GROUPS}{group.pk}/change/", {"name": "Sunrise editors", "permissions": everything}
    )
    client.force_login(superuser)

    assert (listing.status_code, change.status_code) == (403, 403)
    assert not group.permissions.exists()
    assert client.get(GROUPS).status_code == 200


# --- Viewers are read-only in the admin -----------------------------------------------------


@pytest.fixture
def sunrise_campaign(sunrise):
    return CampaignFactory(location=sunrise, name="Open House Week", budget=Decimal("1000.00"))


def campaign_data(campaign, **overrides) -> dict:
    data = {
        "location": campaign.location_id,
        "name": campaign.name,
        "channel": campaign.channel,
        "status": campaign.status,
        "budget": str(campaign.budget),
        "start_date": campaign.start_date.isoformat(),
        "funnel_stages-TOTAL_FORMS": "0",
        "funnel_stages-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def test_a_viewer_sees_a_campaign_read_only_and_cannot_change_its_budget(
    client, sunrise_staff_viewer, sunrise_campaign
):
    client.force_login(sunrise_staff_viewer)
    url = f"{CAMPAIGNS}{sunrise_campaign.pk}/change/"

    page = client.get(url)
    response = client.post(url, campaign_data(sunrise_campaign, budget="999999.00"))

    assert page.status_code == 200
    assert "Open House Week" in html(page)
    assert "Open House Week" in html(client.get(CAMPAIGNS))  # a viewer still lists them
    assert 'name="budget"' not in html(page)
    assert response.status_code == 403
    with scopes_disabled():
        sunrise_campaign.refresh_from_db()
    assert sunrise_campaign.budget == Decimal("1000.00")


def test_a_viewer_cannot_add_or_delete_campaigns_or_days(
    client, sunrise, sunrise_staff_viewer, sunrise_campaign
):
    client.force_login(sunrise_staff_viewer)

    added = client.post(f"{CAMPAIGNS}add/", campaign_data(sunrise_campaign, name="New one"))
    deleted = client.post(f"{CAMPAIGNS}{sunrise_campaign.pk}/delete/", {"post": "yes"})
    client.post(
        CAMPAIGNS,
        {"action": "delete_selected", "_selected_action": [sunrise_campaign.pk], "post": "yes"},
    )
    day = client.post(
        f"{DAILY_METRICS}add/",
        {"campaign": sunrise_campaign.pk, "date": "2026-01-05", "leads": "3", "_save": "Save"},
    )

    assert (added.status_code, deleted.status_code, day.status_code) == (403, 403, 403)
    assert 'value="delete_selected"' not in html(client.get(CAMPAIGNS))
    with scopes_disabled():
        assert list(Campaign.objects.values_list("name", flat=True)) == ["Open House Week"]
        assert not sunrise_campaign.daily_metrics.exists()


def test_a_viewer_cannot_complete_a_campaign_by_action(
    client, sunrise_staff_viewer, sunrise_campaign
):
    client.force_login(sunrise_staff_viewer)

    client.post(CAMPAIGNS, {"action": "mark_completed", "_selected_action": [sunrise_campaign.pk]})

    with scopes_disabled():
        sunrise_campaign.refresh_from_db()
    assert sunrise_campaign.status == Campaign.Status.ACTIVE


def test_a_viewer_cannot_promote_itself_to_manager(client, sunrise, sunrise_staff_viewer):
    membership = Membership.objects.get(user=sunrise_staff_viewer)
    client.force_login(sunrise_staff_viewer)

    changed = client.post(
        f"{MEMBERSHIPS}{membership.pk}/change/",
        {"location": sunrise.pk, "user": sunrise_staff_viewer.pk, "role": "manager"},
    )
    added = client.post(
        f"{MEMBERSHIPS}add/",
        {"location": sunrise.pk, "user": sunrise_staff_viewer.pk, "role": "manager"},
    )

    assert (changed.status_code, added.status_code) == (403, 403)
    membership.refresh_from_db()
    assert membership.role == Membership.Role.VIEWER
    assert Membership.objects.count() == 1


def test_a_viewer_cannot_create_an_api_token(client, sunrise, sunrise_staff_viewer):
    client.force_login(sunrise_staff_viewer)

    response = client.post(f"{TOKENS}add/", {"location": sunrise.pk, "name": "Mine"})

    assert response.status_code == 403
    with scopes_disabled():
        assert not ApiToken.objects.exists()


def test_a_viewer_cannot_rename_the_location(client, sunrise, sunrise_staff_viewer):
    client.force_login(sunrise_staff_viewer)

    response = client.post(
        f"{LOCATIONS}{sunrise.pk}/change/",
        {"name": "Renamed", "currency": "USD", "time_zone": "UTC", "_save": "Save"},
    )

    assert response.status_code == 403
    sunrise.refresh_from_db()
    assert sunrise.name == "Sunrise Realty"


def test_forms_offer_only_the_locations_a_user_manages(
    client, sunrise_manager_cedar_viewer, sunrise, cedar
):
    CampaignFactory(location=sunrise, name="Sunrise Launch")
    CampaignFactory(location=cedar, name="Cedar Launch")
    client.force_login(sunrise_manager_cedar_viewer)

    assert select_options(client.get(f"{CAMPAIGNS}add/"), "location") == ["Sunrise Realty"]
    assert select_options(client.get(f"{MEMBERSHIPS}add/"), "location") == ["Sunrise Realty"]
    assert select_options(client.get(f"{TOKENS}add/"), "location") == ["Sunrise Realty"]
    assert select_options(client.get(f"{DAILY_METRICS}add/"), "campaign") == ["Sunrise Launch"]


def test_a_manager_of_one_location_only_reads_the_one_it_views(
    client, sunrise_manager_cedar_viewer, cedar, sunrise_campaign
):
    cedar_campaign = CampaignFactory(location=cedar, name="Cedar Launch")
    client.force_login(sunrise_manager_cedar_viewer)
    url = f"{CAMPAIGNS}{cedar_campaign.pk}/change/"

    page = client.get(url)
    response = client.post(url, campaign_data(cedar_campaign, budget="5.00"))
    managed = client.post(
        f"{CAMPAIGNS}{sunrise_campaign.pk}/change/",
        campaign_data(sunrise_campaign, budget="2500.00"),
    )

    assert 'name="budget"' not in html(page)
    assert (response.status_code, managed.status_code) == (403, 302)
    with scopes_disabled():
        cedar_campaign.refresh_from_db()
        sunrise_campaign.refresh_from_db()
    assert cedar_campaign.budget == Decimal("1000.00")
    assert sunrise_campaign.budget == Decimal("2500.00")


# --- django-axes' records are for superusers ------------------------------------------------


def test_only_superusers_see_the_login_records(client, sunrise_staff, superuser, harbor_manager):
    AccessAttempt.objects.create(
        username="harbor-manager", ip_address="10.0.0.9", failures_since_start=3
    )
    client.force_login(sunrise_staff)

    refused = client.get(ACCESS_ATTEMPTS)
    index = client.get("/admin/")
    client.force_login(superuser)
    allowed = client.get(ACCESS_ATTEMPTS)

    assert refused.status_code == 403
    assert "Access attempts" not in html(index)
    assert allowed.status_code == 200
    assert "harbor-manager" in html(allowed)


# --- Uniqueness checks do not reveal other locations ----------------------------------------


def test_the_location_form_says_a_taken_slug_is_not_available_without_naming_its_owner(
    client, superuser, sunrise, harbor
):
    client.force_login(superuser)

    response = client.post(
        f"{LOCATIONS}{sunrise.pk}/change/",
        {
            "name": "Sunrise Realty",
            "slug": "harbor-homes",
            "external_id": "",
            "currency": "USD",
            "time_zone": "UTC",
        },
    )

    assert response.status_code == 200
    assert "This slug is not available" in html(response)
    assert "already exists" not in html(response)
    sunrise.refresh_from_db()
    assert sunrise.slug == "sunrise-realty"


def test_the_location_form_says_a_taken_external_id_is_not_available(
    client, superuser, sunrise, harbor
):
    harbor.external_id = "loc_harbor_77"
    harbor.save()
    client.force_login(superuser)

    response = client.post(
        f"{LOCATIONS}{sunrise.pk}/change/",
        {
            "name": "Sunrise Realty",
            "slug": "sunrise-realty",
            "external_id": "loc_harbor_77",
            "currency": "USD",
            "time_zone": "UTC",
        },
    )

    assert response.status_code == 200
    assert "This external id is not available" in html(response)
    assert "location_external_id_unique" not in html(response)
    sunrise.refresh_from_db()
    assert sunrise.external_id == ""


def test_staff_cannot_probe_other_locations_slugs_or_external_ids(
    client, sunrise_staff, sunrise, harbor
):
    """Slug and external id are the agency's keys: staff see them, only superusers change them,
    so no answer of the form can tell whether another location uses a value."""
    harbor.external_id = "loc_harbor_77"
    harbor.save()
    client.force_login(sunrise_staff)
    url = f"{LOCATIONS}{sunrise.pk}/change/"

    page = client.get(url)
    response = client.post(
        url,
        {
            "name": "Sunrise Realty Group",
            "slug": "harbor-homes",
            "external_id": "loc_harbor_77",
            "currency": "USD",
            "time_zone": "UTC",
            "_save": "Save",
        },
        follow=True,
    )

    assert 'name="slug"' not in html(page)
    assert 'name="external_id"' not in html(page)
    for leak in ["harbor-homes", "loc_harbor_77", "already exists", "not available"]:
        assert leak not in html(response)
    sunrise.refresh_from_db()
    assert (sunrise.name, sunrise.slug, sunrise.external_id) == (
        "Sunrise Realty Group",
        "sunrise-realty",
        "",
    )


def test_staff_cannot_probe_usernames_of_other_locations(
    client, sunrise_staff, sunrise_viewer, harbor_manager
):
    client.force_login(sunrise_staff)

    response = client.post(
        f"{USERS}{sunrise_viewer.pk}/change/",
        user_form(sunrise_viewer, username="harbor-manager"),
        follow=True,
    )

    assert "already exists" not in html(response)
    assert "harbor-manager" not in html(response)
    sunrise_viewer.refresh_from_db()
    assert sunrise_viewer.username == "sunrise-viewer"


def test_a_campaign_name_of_a_location_one_only_views_is_not_checked(
    client, sunrise_manager_cedar_viewer, cedar
):
    """The location is refused before the (location, name) check could run against it."""
    CampaignFactory(location=cedar, name="Cedar Launch")
    client.force_login(sunrise_manager_cedar_viewer)

    response = client.post(
        f"{CAMPAIGNS}add/",
        {
            "location": cedar.pk,
            "name": "Cedar Launch",
            "channel": "email",
            "status": "active",
            "budget": "10.00",
            "start_date": "2026-03-01",
            "funnel_stages-TOTAL_FORMS": "0",
            "funnel_stages-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "Select a valid choice" in html(response)
    assert "already has a campaign" not in html(response)
