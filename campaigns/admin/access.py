"""Who may do what, in Django admin: users, memberships, API tokens, groups, login records.

Staff of a location see the people of their locations (never a superuser) and change only those
wholly inside the locations they manage who hold no permission the staff user lacks: otherwise
a password reset would be a way into another location or to more rights. Staff, superuser,
group and permission flags are a superuser's to give.
"""

from __future__ import annotations

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from campaigns import tokens
from campaigns.admin.roles import (
    LocationChoicesMixin,
    ManagerWritesMixin,
    SuperuserOnlyMixin,
    manages,
)
from campaigns.models import ApiToken, Invitation, Membership, ScheduledRun
from campaigns.tenancy import locations_for, managed_locations_for, users_visible_to

User = get_user_model()


def permission_names(user) -> set[str]:
    """A user's permissions as "app_label.codename", from the user and its groups, whether or
    not the user is active (Django counts none for an inactive user, who can be reactivated)."""
    rows = (
        Permission.objects.filter(Q(user=user) | Q(group__user=user))
        .values_list("content_type__app_label", "codename")
        .distinct()
    )
    return {f"{app_label}.{codename}" for app_label, codename in rows}


def may_change_user(request, user) -> bool:
    """Whether the signed-in staff user may change ``user``: its details, its password, its
    deletion. Only someone whose every location the staff user manages and who holds no
    permission the staff user lacks; never a superuser."""
    if request.user.is_superuser:
        return True
    if user.is_superuser:
        return False
    location_ids = set(Membership.objects.filter(user=user).values_list("location_id", flat=True))
    if not location_ids or not all(manages(request, pk) for pk in location_ids):
        return False
    return permission_names(user) <= request.user.get_all_permissions()


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    #: What only a superuser changes: the rights themselves, and the username (unique across
    #: the agency, so its check would say which names other locations use).
    superuser_fields = [
        "username",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
        "last_login",
        "date_joined",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=users_visible_to(request.user))

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly if request.user.is_superuser else [*readonly, *self.superuser_fields]

    def get_list_filter(self, request):
        return super().get_list_filter(request) if request.user.is_superuser else ["is_active"]

    def has_add_permission(self, request):
        # A new user belongs to no location yet: only a superuser can place it in one.
        return request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return manages(request) if obj is None else may_change_user(request, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return manages(request) if obj is None else may_change_user(request, obj)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(SuperuserOnlyMixin, auth_admin.GroupAdmin):
    """A group bundles any permissions: editing one would grant what the editor lacks."""


@admin.register(Membership)
class MembershipAdmin(ManagerWritesMixin, LocationChoicesMixin, admin.ModelAdmin):
    list_display = ["user", "location", "role"]
    list_filter = ["role", ("location", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "location__name"]
    list_select_related = ["user", "location"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(location__in=locations_for(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Staff are offered only the people of their own locations (never a superuser): the
        # user list of the whole agency would name other clients' people.
        if db_field.name == "user":
            kwargs["queryset"] = users_visible_to(request.user).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TokenStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", "Active"), ("revoked", "Revoked")]

    def queryset(self, request, queryset):
        if self.value() in ("active", "revoked"):
            return queryset.filter(revoked_at__isnull=self.value() == "active")
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(ManagerWritesMixin, LocationChoicesMixin, admin.ModelAdmin):
    """Tokens are created here with a new secret, shown once in the confirmation message."""

    list_display = [
        "name",
        "location",
        "prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [("location", admin.RelatedOnlyFieldListFilter), TokenStatusFilter]
    search_fields = ["name", "prefix", "location__name"]
    list_select_related = ["location", "created_by"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        # A token's location is fixed: moving it would hand one client's integration another's data.
        return [*self.readonly_fields, "location"] if obj else self.readonly_fields

    def get_fields(self, request, obj=None):
        return ["location", "name", *(self.readonly_fields if obj else [])]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        obj.created_by = request.user
        secret = tokens.assign_secret(obj)
        super().save_model(request, obj, form, change)
        self.message_user(
            request,
            f"The token for “{obj.location}” is {secret} — copy it now: it is shown only this "
            "once (only its fingerprint is stored).",
            messages.WARNING,
        )

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        managed = queryset.filter(location__in=managed_locations_for(request.user))
        count = tokens.revoke_tokens(managed)
        self.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)


@admin.register(Invitation)
class InvitationAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    """Invitations are sent, revoked and accepted on the members pages (and audited in the log);
    here a superuser only reads them. Rows come through the tenant scope of the admin site."""

    list_display = ["email", "location", "role", "invited_by", "created_at", "accepted_at"]
    list_filter = ["role", ("location", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["email", "location__name"]
    list_select_related = ["location", "invited_by"]
    readonly_fields = [
        "location",
        "email",
        "role",
        "invited_by",
        "created_at",
        "accepted_at",
        "revoked_at",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(location__in=locations_for(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# django-axes' records of sign-ins are keyed by username and address, not by location: an
# attempt may name no user at all, and addresses are personal data of other clients' people.
# Only a superuser sees them (and unlocks a locked-out pair by deleting its attempt).
class AccessAttemptAdmin(SuperuserOnlyMixin, axes_admin.AccessAttemptAdmin):
    pass


class AccessLogAdmin(SuperuserOnlyMixin, axes_admin.AccessLogAdmin):
    pass


class AccessFailureLogAdmin(SuperuserOnlyMixin, axes_admin.AccessFailureLogAdmin):
    pass


for model, model_admin in [
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
]:
    if admin.site.is_registered(model):  # AXES_ENABLE_ADMIN
        admin.site.unregister(model)
        admin.site.register(model, model_admin)


# Background work is agency-wide: a task row names its location only in its arguments, and its
# return value or traceback may carry any location's data. Only a superuser sees the task rows
# and the scheduler's record of what it enqueued; both are read-only here.
@admin.register(ScheduledRun)
class ScheduledRunAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    list_display = ["kind", "key", "due_at", "enqueued_at", "task_id", "skipped"]
    list_filter = ["kind", "skipped"]
    search_fields = ["key", "task_id"]
    date_hierarchy = "due_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SuperuserDBTaskResultAdmin(SuperuserOnlyMixin, DBTaskResultAdmin):
    pass


if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, SuperuserDBTaskResultAdmin)
