"""Navigation for every page: the locations the signed-in user can switch to, and the header's
alert badge: the current location's open, unacknowledged alerts on a location's pages, the
total across the user's locations elsewhere (the portfolio's pages).

On a location's page both come with the location's row (``tenancy.resolve_location`` reads the
user's membership version and the badge in that statement): the locations are the user's
cached entry for that version (``campaigns.membership_cache``), no query once cached. Elsewhere
the locations are one query, and the badge one COUNT if the template shows it.
"""

from django.utils.functional import SimpleLazyObject

from campaigns.membership_cache import memberships_of
from campaigns.tenancy import active_scope, locations_for, user_scope

#: Methods that write nothing: the badge read before the view ran is still the count.
SAFE_METHODS = ("GET", "HEAD")


def _open_alerts(slug: str) -> int:
    """One COUNT query, through the scoped manager: pages under /l/<slug>/ render inside the
    location's scope (LocationRequiredMixin); outside a scope (a 404 for a non-member) it is 0."""
    from campaigns.models import Alert

    if active_scope() is None:
        return 0
    return Alert.objects.filter(
        location__slug=slug, resolved_at__isnull=True, acknowledged_at__isnull=True
    ).count()


def open_alerts_across(user) -> int:
    """Open, unacknowledged alerts of every location the user belongs to: one COUNT query
    (the scope's locations are a subquery), read only if a template shows it."""
    from campaigns.models import Alert

    with user_scope(user):
        return Alert.objects.filter(
            location__in=locations_for(user), resolved_at__isnull=True, acknowledged_at__isnull=True
        ).count()


def navigation(request):
    user = request.user
    if not user.is_authenticated:
        return {}
    location = getattr(request, "location", None)
    version = getattr(location, "membership_version", None)
    context = {
        "user_locations": SimpleLazyObject(lambda: list(memberships_of(user, version).locations))
    }
    match = getattr(request, "resolver_match", None)
    slug = match.kwargs.get("slug") if match else None
    if slug:
        counted = getattr(location, "open_alert_count", None)
        if counted is not None and location.slug == slug and request.method in SAFE_METHODS:
            context["open_alert_count"] = counted
        else:
            context["open_alert_count"] = SimpleLazyObject(lambda: _open_alerts(slug))
    else:
        context["portfolio_alert_count"] = SimpleLazyObject(lambda: open_alerts_across(user))
    return context
