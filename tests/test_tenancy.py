"""Tenant scoping: an unscoped query is loud, a scope shows one location, non-members get 404."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.views import View

from campaigns.models import Campaign, DailyMetric, FunnelStage
from campaigns.tenancy import (
    LocationRequiredMixin,
    ManagerRequiredMixin,
    ScopeError,
    locations_for,
    resolve_location,
    scope,
    scopes_disabled,
    user_scope,
)
from tests.factories import CampaignFactory, DailyMetricFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_campaigns(sunrise, harbor):
    return CampaignFactory(location=sunrise, name="Sunrise SMS"), CampaignFactory(
        location=harbor, name="Harbor Email"
    )


@pytest.mark.parametrize("model", [Campaign, DailyMetric, FunnelStage])
def test_an_unscoped_query_raises(model, two_campaigns):
    with pytest.raises(ScopeError, match="outside a tenant scope"):
        list(model.objects.all())
    with pytest.raises(ScopeError):
        model.objects.count()
    with pytest.raises(ScopeError):
        model.objects.filter(pk=1).exists()


def test_an_unscoped_update_or_delete_raises(two_campaigns):
    with pytest.raises(ScopeError):
        Campaign.objects.filter(name="Harbor Email").update(name="Stolen")
    with pytest.raises(ScopeError):
        Campaign.objects.filter(name="Harbor Email").delete()
    with scopes_disabled():
        assert Campaign.objects.filter(name="Harbor Email").exists()


def test_related_access_outside_a_scope_raises(sunrise, two_campaigns):
    with pytest.raises(ScopeError):
        list(sunrise.campaigns.all())
    metric = DailyMetricFactory(campaign=two_campaigns[0])
    with scopes_disabled():
        metric = DailyMetric.objects.get(pk=metric.pk)
    with pytest.raises(ScopeError):
        metric.campaign  # noqa: B018  (the forward relation is scoped too)


def test_a_scope_shows_only_its_locations_rows(sunrise, two_campaigns):
    with scope(sunrise):
        assert [c.name for c in Campaign.objects.all()] == ["Sunrise SMS"]
        assert not Campaign.objects.filter(name="Harbor Email").exists()
        assert Campaign.objects.filter(pk=two_campaigns[1].pk).update(name="Stolen") == 0


def test_a_queryset_built_in_a_scope_stays_filtered_when_evaluated_later(sunrise, two_campaigns):
    with scope(sunrise):
        queryset = Campaign.objects.order_by("name")
    assert [c.name for c in queryset] == ["Sunrise SMS"]


def test_an_inner_scope_cannot_widen_the_outer_one(sunrise, harbor, two_campaigns):
    with scope(sunrise), scope(harbor):
        assert not Campaign.objects.exists()
    with scope(sunrise, harbor), scope(harbor):
        assert [c.name for c in Campaign.objects.all()] == ["Harbor Email"]


def test_scopes_disabled_sees_every_location(two_campaigns):
    with scopes_disabled():
        assert Campaign.objects.count() == 2


def test_a_member_resolves_the_location_and_role(sunrise, sunrise_manager, sunrise_viewer):
    assert resolve_location(sunrise_manager, "sunrise-realty") == (sunrise, "manager")
    assert resolve_location(sunrise_viewer, "sunrise-realty") == (sunrise, "viewer")


@pytest.mark.parametrize("slug", ["harbor-homes", "no-such-location"])
def test_a_non_member_gets_the_same_404_as_for_a_missing_location(sunrise_manager, harbor, slug):
    with pytest.raises(Http404) as error:
        resolve_location(sunrise_manager, slug)
    assert str(error.value) == "No such location"


def test_anonymous_and_inactive_users_resolve_nothing(sunrise, sunrise_manager):
    with pytest.raises(Http404):
        resolve_location(AnonymousUser(), "sunrise-realty")
    sunrise_manager.is_active = False
    with pytest.raises(Http404):
        resolve_location(sunrise_manager, "sunrise-realty")


def test_a_superuser_is_a_manager_of_every_location(harbor):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert resolve_location(admin, "harbor-homes") == (harbor, "manager")
    assert set(locations_for(admin)) == {harbor}


def test_user_scope_covers_only_the_users_locations(sunrise_manager, two_campaigns):
    with user_scope(sunrise_manager):
        assert [c.name for c in Campaign.objects.all()] == ["Sunrise SMS"]
    with user_scope(AnonymousUser()):
        assert not Campaign.objects.exists()


class CampaignNames(LocationRequiredMixin, View):
    """A minimal location page: lists the campaigns its scope lets it see."""

    def get(self, request, *args, **kwargs):
        names = ",".join(Campaign.objects.order_by("name").values_list("name", flat=True))
        return HttpResponse(f"{self.location.slug}:{self.role}:{names}")

    def post(self, request, *args, **kwargs):
        return HttpResponse("changed")


class ChangeCampaigns(ManagerRequiredMixin, CampaignNames):
    pass


def call(view, user, slug, method="get"):
    request = getattr(RequestFactory(), method)(f"/l/{slug}/")
    request.user = user
    return view.as_view()(request, slug=slug)


def test_the_location_mixin_runs_the_view_inside_the_members_scope(sunrise_viewer, two_campaigns):
    response = call(CampaignNames, sunrise_viewer, "sunrise-realty")
    assert response.content.decode() == "sunrise-realty:viewer:Sunrise SMS"


def test_the_location_mixin_answers_404_to_a_non_member(sunrise_manager, two_campaigns):
    with pytest.raises(Http404):
        call(CampaignNames, sunrise_manager, "harbor-homes")


def test_the_location_mixin_sends_anonymous_users_to_login(two_campaigns):
    response = call(CampaignNames, AnonymousUser(), "sunrise-realty")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=/l/sunrise-realty/")


def test_the_manager_mixin_refuses_a_viewer_and_admits_a_manager(
    sunrise_viewer, sunrise_manager, two_campaigns
):
    with pytest.raises(PermissionDenied):
        call(ChangeCampaigns, sunrise_viewer, "sunrise-realty", "post")
    assert call(ChangeCampaigns, sunrise_manager, "sunrise-realty", "post").content == b"changed"
