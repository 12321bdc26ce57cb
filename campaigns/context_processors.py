"""Navigation for every page: the locations the signed-in user can switch to, and the header's
alert badge: the current location's open, unacknowledged alerts on a location's pages, the
total across the user's locations elsewhere (the portfolio's pages)."""

from django.utils.functional import SimpleLazyObject

from campaigns.tenancy import active_scope, locations_for, user_scope


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
    if not request.user.is_authenticated:
        return {}
    context = {"user_locations": locations_for(request.user).only("name", "slug")}
    match = getattr(request, "resolver_match", None)
    slug = match.kwargs.get("slug") if match else None
    if slug:
        context["open_alert_count"] = SimpleLazyObject(lambda: _open_alerts(slug))
    else:
        user = request.user
        context["portfolio_alert_count"] = SimpleLazyObject(lambda: open_alerts_across(user))
    return context
