"""What a user may do in the admin beyond Django's model permissions: the membership role.

Model permissions say which screens a staff user opens; the queryset (the tenant scope of
admin_site.py) says which rows they see; these mixins say which of those rows they may change:
only those of a location they manage. A viewer keeps reading what it is allowed to read.
"""

from __future__ import annotations

from campaigns.models import Campaign
from campaigns.tenancy import managed_locations_for


def manages(request, location_id: int | None = None) -> bool:
    """Whether the signed-in user manages the location (any location when ``location_id`` is
    None). Superusers manage every location. Looked up once per request."""
    if request.user.is_superuser:
        return True
    if not hasattr(request, "_managed_location_ids"):
        request._managed_location_ids = frozenset(
            managed_locations_for(request.user).values_list("pk", flat=True)
        )
    ids = request._managed_location_ids
    return bool(ids) if location_id is None else location_id in ids


class ManagerWritesMixin:
    """Adds, changes and deletes are for managers of the object's location; viewing is left to
    the model permissions. For an inline, ``obj`` is the parent object, which has a location too.
    """

    def object_location_id(self, obj) -> int:
        return obj.location_id

    def manages_object(self, request, obj=None) -> bool:
        return manages(request, None if obj is None else self.object_location_id(obj))

    def has_add_permission(self, request, *obj):  # ModelAdmin: (request); inline: (request, obj)
        return super().has_add_permission(request, *obj) and self.manages_object(request, *obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.manages_object(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.manages_object(request, obj)


class LocationChoicesMixin:
    """Offers only the locations the user manages wherever a location (or a campaign) is
    chosen: a viewer's locations are not a place to write to."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "location":
            kwargs["queryset"] = managed_locations_for(request.user)
        elif db_field.name == "campaign":
            kwargs["queryset"] = Campaign.objects.filter(
                location__in=managed_locations_for(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SuperuserOnlyMixin:
    """For agency-wide screens that no location owns (groups of permissions, login records)."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *obj):
        return request.user.is_superuser and super().has_add_permission(request, *obj)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)
