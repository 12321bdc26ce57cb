"""Raw period-sum statements and the one tenant scope: the statements in
``campaigns.analytics.statements`` bypass the ORM, so they take their locations from the active
scope here (``tenancy.active_scope()``), as ``tenancy.ScopedManager`` does for a queryset:
``location_id IN`` the scope's locations on every table read, ``ScopeError`` outside any scope,
no location condition under ``scopes_disabled()``. A read's own limits (campaigns, locations)
narrow the scope, never widen it; both become named parameters, and only their counts are part
of a statement's shape (``Scope``)."""

from __future__ import annotations

from dataclasses import dataclass

from campaigns.tenancy import ALL_LOCATIONS, ScopeError, active_scope


def scoped_locations() -> frozenset[int] | None:
    """The active scope's location ids; None under ``scopes_disabled()`` (no condition).
    Outside any scope, ``ScopeError``, as a scoped queryset raises."""
    allowed = active_scope()
    if allowed is None:
        raise ScopeError(
            "Period sums read outside a tenant scope: run them inside "
            "campaigns.tenancy.scope(location) (or scopes_disabled() for superuser tools)."
        )
    return None if allowed is ALL_LOCATIONS else allowed


@dataclass(frozen=True)
class Filter:
    """The campaigns and locations a read is limited to (None: no such limit), within the
    scope."""

    campaigns: tuple[int, ...] | None = None
    locations: tuple[int, ...] | None = None


CAMPAIGN_FILTERS = ("campaign", "campaign_id", "campaign__pk")
LOCATION_FILTERS = ("location", "location_id", "location__pk")


def filter_of(filters: dict) -> Filter:
    """A ``Filter`` from the ORM-style filters the public functions take: ``campaign__in=[ids
    or campaigns]`` or ``campaign=id or campaign``, and the same of ``location``."""
    found = {}
    for name, value in filters.items():
        field, many = name.removesuffix("__in"), name.endswith("__in")
        kind = "campaigns" if field in CAMPAIGN_FILTERS else "locations"
        if field not in CAMPAIGN_FILTERS + LOCATION_FILTERS or kind in found:
            raise TypeError(f"Period sums filter on one campaign and one location list: {name!r}")
        found[kind] = tuple(sorted({getattr(v, "pk", v) for v in (value if many else [value])}))
    return Filter(**found)


@dataclass(frozen=True)
class Scope:
    """How many locations the statement names (None: every location) and how many campaigns
    (None: no campaign filter): part of a statement's shape."""

    locations: int | None
    campaigns: int | None

    def where(self, alias: str, *conditions: str) -> str:
        """``alias``'s rows in the scope (and the filter), and ``conditions``."""
        found = []
        if self.locations is not None:
            found.append(f'{alias}."location_id" IN ({names("l", self.locations)})')
        if self.campaigns is not None:
            found.append(f'{alias}."campaign_id" IN ({names("c", self.campaigns)})')
        return " AND ".join([*found, *conditions]) or "1 = 1"


def names(prefix: str, count: int) -> str:
    return ", ".join(f"%({prefix}{i})s" for i in range(count))


def scope_of(limit: Filter) -> tuple[Scope, dict] | None:
    """The scope of a read (the active scope's locations, narrowed by the filter's) and its
    parameters; None when it can find nothing (no location left, or no campaign asked for):
    nothing to run."""
    locations = scoped_locations()
    if limit.locations is not None:
        wanted = frozenset(limit.locations)
        locations = wanted if locations is None else locations & wanted
    if locations == frozenset() or limit.campaigns == ():
        return None
    params = {}
    if locations is not None:
        params.update({f"l{i}": pk for i, pk in enumerate(sorted(locations))})
    if limit.campaigns is not None:
        params.update({f"c{i}": pk for i, pk in enumerate(limit.campaigns)})
    return (
        Scope(
            None if locations is None else len(locations),
            None if limit.campaigns is None else len(limit.campaigns),
        ),
        params,
    )
