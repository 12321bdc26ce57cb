"""The one tenant-scoping mechanism.

Tenant-owned models (Campaign, DailyMetric, FunnelStage, ApiToken) use ``ScopedManager``: a
queryset built inside ``scope(...)`` is filtered to the scope's locations; one built outside
any scope (and outside ``scopes_disabled()``) raises ``ScopeError`` as soon as it would touch the
database, so that forms and modules can still declare querysets at import time. A forgotten
filter therefore fails loudly in tests instead of leaking another location's rows: the
django-scopes idea, as pretix uses it, in a few lines of our own that follow Django 6.1.

Scopes nest by intersection: an inner scope can narrow, never widen, the outer one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.sql import Query
from django.http import Http404

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from campaigns.models import Location


class ScopeError(RuntimeError):
    """A tenant-owned model was queried outside any scope."""


class _AllLocations:
    """Marker state of ``scopes_disabled()``: no location filter."""

    def __repr__(self) -> str:
        return "<all locations>"


ALL_LOCATIONS = _AllLocations()

# None: no scope active (queries raise); ALL_LOCATIONS: disabled; frozenset: allowed location ids.
_active: ContextVar[frozenset[int] | _AllLocations | None] = ContextVar(
    "campaigns_tenant_scope", default=None
)


def _location_id(location: Location | int) -> int:
    return location if isinstance(location, int) else location.pk


@contextmanager
def scope(*locations: Location | int) -> Iterator[frozenset[int]]:
    """Limit tenant queries inside the block to ``locations``, within any outer scope."""
    wanted = frozenset(_location_id(loc) for loc in locations)
    outer = _active.get()
    allowed = wanted & outer if isinstance(outer, frozenset) else wanted
    token = _active.set(allowed)
    try:
        yield allowed
    finally:
        _active.reset(token)


@contextmanager
def scopes_disabled() -> Iterator[None]:
    """Allow queries over every location: for superusers, data migrations and the demo seeder."""
    token = _active.set(ALL_LOCATIONS)
    try:
        yield
    finally:
        _active.reset(token)


def active_scope() -> frozenset[int] | _AllLocations | None:
    """The allowed location ids, ALL_LOCATIONS, or None outside any scope."""
    return _active.get()


class UnscopedQuery(Query):
    """The query of a queryset built outside any scope: it refuses to run, update or delete."""

    def _refuse(self):
        return ScopeError(
            f"{self.model.__name__} queried outside a tenant scope: build the queryset inside "
            "campaigns.tenancy.scope(location) (or scopes_disabled() for superuser tools)."
        )

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        raise self._refuse()

    def chain(self, klass=None):
        if klass is not None and not issubclass(klass, UnscopedQuery):  # update() / delete()
            raise self._refuse()
        return super().chain(klass)


class ScopedManager(models.Manager):
    """Default manager of tenant-owned models: filtered to the active scope, loud outside it."""

    def get_queryset(self) -> models.QuerySet:
        allowed = _active.get()
        if allowed is None:
            return self._queryset_class(
                model=self.model,
                query=UnscopedQuery(self.model),
                using=self._db,
                hints=self._hints,
            )
        queryset = super().get_queryset()
        if allowed is ALL_LOCATIONS:
            return queryset
        return queryset.filter(location_id__in=allowed)


def locations_for(user: AbstractBaseUser | AnonymousUser) -> models.QuerySet[Location]:
    """The locations a user may open: all for a superuser, else those with a membership."""
    from campaigns.models import Location

    if not user.is_authenticated or not user.is_active:
        return Location.objects.none()
    if user.is_superuser:
        return Location.objects.all()
    return Location.objects.filter(memberships__user=user)


def managed_locations_for(user: AbstractBaseUser | AnonymousUser) -> models.QuerySet[Location]:
    """The locations whose data a user may change: all for a superuser, else those where they
    are a manager (a viewer's locations are read-only)."""
    from campaigns.models import Location, Membership

    if not user.is_authenticated or not user.is_active:
        return Location.objects.none()
    if user.is_superuser:
        return Location.objects.all()
    return Location.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.MANAGER
    )


def users_visible_to(user: AbstractBaseUser | AnonymousUser) -> models.QuerySet:
    """The people a user may see in the admin: every user for a superuser, else the members of
    the user's own locations, never a superuser."""
    from django.contrib.auth import get_user_model

    from campaigns.models import Membership

    users = get_user_model().objects.all()
    if not user.is_authenticated or not user.is_active:
        return users.none()
    if user.is_superuser:
        return users
    members = Membership.objects.filter(location__in=locations_for(user)).values("user_id")
    return users.filter(is_superuser=False, pk__in=members)


def resolve_location(user, slug: str) -> tuple[Location, str]:
    """The location with ``slug`` and the user's role in it; 404 for a non-member.

    A non-member gets the same 404 as for a slug that does not exist, so that a location's
    existence does not leak. One statement reads the location's row, the user's membership
    (every request: a revoked membership or a new role counts at once) and what the page's
    header needs with them: the user's membership version, the key of their navigation's
    cached entry (``campaigns.membership_cache``), as ``location.membership_version``; and the
    location's open, unacknowledged alerts, as ``location.open_alert_count``.
    """
    from campaigns.membership_cache import open_alert_count
    from campaigns.models import Location, Membership, MembershipVersion

    if not user.is_authenticated or not user.is_active:
        raise Http404("No such location")
    header = {"membership_version": MembershipVersion.of(user.pk)}
    if user.is_superuser:
        location = (
            Location.objects.filter(slug=slug)
            .annotate(**header, open_alert_count=open_alert_count("pk"))
            .first()
        )
        role = Membership.Role.MANAGER
    else:
        membership = (
            Membership.objects.select_related("location")
            .filter(user=user, location__slug=slug)
            .annotate(**header, open_alert_count=open_alert_count("location_id"))
            .first()
        )
        location, role = (membership.location, membership.role) if membership else (None, None)
        if location is not None:
            location.membership_version = membership.membership_version
            location.open_alert_count = membership.open_alert_count
    if location is None:
        raise Http404("No such location")
    return location, role


def user_scope(user) -> Iterable:
    """A context manager scoping queries to what ``user`` may see (all of it for a superuser)."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return scopes_disabled()
    return scope(*locations_for(user).values_list("pk", flat=True))


class LocationRequiredMixin:
    """For views under ``/l/<slug>/``: resolves the location from the URL and the user's
    membership (anonymous users go to the login page, a non-member gets 404) and runs the
    view, rendering included, inside ``scope(location)``. Sets ``self.location`` and
    ``self.role``, and ``request.location`` for the navigation."""

    location_url_kwarg = "slug"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.location, self.role = resolve_location(request.user, kwargs[self.location_url_kwarg])
        request.location = self.location
        self.check_role()
        with scope(self.location):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    def check_role(self) -> None:
        """Members of any role may read."""

    @property
    def is_manager(self) -> bool:
        from campaigns.models import Membership

        return self.role == Membership.Role.MANAGER

    def get_context_data(self, **kwargs):
        kwargs.setdefault("location", self.location)
        kwargs.setdefault("role", self.role)
        kwargs.setdefault("is_manager", self.is_manager)
        return super().get_context_data(**kwargs)


class ManagerRequiredMixin(LocationRequiredMixin):
    """Like LocationRequiredMixin, and a viewer (a member who may only read) gets 403."""

    def check_role(self) -> None:
        if not self.is_manager:
            raise PermissionDenied("Only a manager of this location can change its data.")


def can_create_locations(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether a user may add a client location: a superuser, or an "agency manager" (a user who
    manages two or more locations). The creator becomes the new location's manager."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return managed_locations_for(user)[:2].count() >= 2
