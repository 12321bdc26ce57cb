"""Members settings of a location (managers only), the invitation link, and new locations.

Thin views over campaigns.members: each action is a POST form (CSRF) that redirects back to the
members page with a message saying what happened or why nothing did.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.views.generic import FormView, View

from campaigns import members
from campaigns.member_forms import (
    AcceptInvitationForm,
    InviteForm,
    LocationForm,
    MemberForm,
    MemberRoleForm,
    RevokeInvitationForm,
)
from campaigns.models import Invitation, Membership
from campaigns.tenancy import ManagerRequiredMixin, can_create_locations


def first_error(form) -> str:
    return next(iter(e for errors in form.errors.values() for e in errors), "Nothing changed.")


class MembersView(ManagerRequiredMixin, FormView):
    """The location's members and pending invitations, and a form to invite someone."""

    form_class = InviteForm
    template_name = "campaigns/members.html"

    def get_context_data(self, **kwargs):
        memberships = list(
            Membership.objects.filter(location=self.location)
            .select_related("user")
            .order_by("user__username")
        )
        since = members.member_since(memberships)
        for membership in memberships:
            membership.since = since.get(membership.pk)
        kwargs.setdefault("members", memberships)
        kwargs.setdefault(
            "invitations",
            Invitation.objects.filter(
                location=self.location, accepted_at=None, revoked_at=None
            ).select_related("invited_by"),
        )
        kwargs.setdefault("roles", Membership.Role.choices)
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        try:
            invitation = members.invite(
                location=self.location,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=self.request.user,
                absolute_url=self.request.build_absolute_uri,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Invitation sent to {invitation.email} ({invitation.get_role_display().lower()}).",
        )
        return HttpResponseRedirect(reverse("campaigns:members", args=[self.location.slug]))


class MemberActionView(ManagerRequiredMixin, View):
    """A POST that changes one member or invitation, then back to the members page."""

    http_method_names = ["post"]
    form_class = MemberForm

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST, location=self.location)
        if not form.is_valid():
            messages.error(request, first_error(form))
            return self.back()
        try:
            done = self.act(form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
        return self.back()

    def back(self):
        return HttpResponseRedirect(reverse("campaigns:members", args=[self.location.slug]))

    def act(self, data) -> str:
        raise NotImplementedError


class MemberRoleView(MemberActionView):
    form_class = MemberRoleForm

    def act(self, data) -> str:
        membership = data["member"]
        members.change_role(membership, data["role"], by=self.request.user)
        return f"{membership.user.get_username()} is now a {membership.get_role_display()}."


class MemberRemoveView(MemberActionView):
    def act(self, data) -> str:
        membership = data["member"]
        members.remove(membership, by=self.request.user)
        return f"Removed {membership.user.get_username()} from {self.location.name}."

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # A manager who removed themselves can no longer open the members page.
        user = request.user
        if not (user.is_superuser or self.location.memberships.filter(user=user).exists()):
            return HttpResponseRedirect(reverse("campaigns:home"))
        return response


class InvitationRevokeView(MemberActionView):
    form_class = RevokeInvitationForm

    def act(self, data) -> str:
        invitation = data["invitation"]
        members.revoke(invitation, by=self.request.user)
        return f"Revoked the invitation to {invitation.email}."


class AcceptInvitationView(View):
    """The link of an invitation e-mail: anyone holding it may open it.

    A new person picks a username and a password; someone who has an account with the invited
    address signs in and accepts. Either way they get the invitation's role in its location and
    land on its overview. A link that is tampered (400), expired, withdrawn or used (410)
    changes nothing.
    """

    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        try:
            self.invitation = members.invitation_from_token(kwargs["token"])
        except members.InvitationInvalid as error:
            return self.invalid(error)
        self.existing = members.existing_user_for(self.invitation)
        response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    def invalid(self, error: members.InvitationInvalid):
        response = render(
            self.request,
            "campaigns/invitation_invalid.html",
            {"reason": error.message},
            status=error.status,
        )
        add_never_cache_headers(response)
        return response

    def page(self, form=None, status=200):
        user = self.request.user
        context = {
            "invitation": self.invitation,
            "form": form,
            "existing": self.existing,
            "wrong_user": user.is_authenticated
            and (self.existing is None or user.pk != self.existing.pk),
        }
        return render(self.request, "campaigns/invitation.html", context, status=status)

    def get(self, request, *args, **kwargs):
        if self.existing is None and not request.user.is_authenticated:
            return self.page(AcceptInvitationForm(self.invitation))
        return self.page()

    def post(self, request, *args, **kwargs):
        user = request.user
        try:
            if self.existing is not None:
                if not user.is_authenticated or user.pk != self.existing.pk:
                    return self.page(status=403)
                acceptance = members.accept(self.invitation, user)
            else:
                if user.is_authenticated:
                    return self.page(status=403)
                form = AcceptInvitationForm(self.invitation, request.POST)
                if not form.is_valid():
                    return self.page(form)
                acceptance = members.accept_as_new_user(
                    self.invitation,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["new_password1"],
                )
                login(
                    request,
                    acceptance.membership.user,
                    backend="django.contrib.auth.backends.ModelBackend",
                )
        except members.InvitationInvalid as error:
            return self.invalid(error)
        location = acceptance.membership.location
        if acceptance.created:
            messages.success(
                request,
                f"Welcome to {location.name}: you are a "
                f"{acceptance.membership.get_role_display().lower()} here.",
            )
        else:
            messages.info(request, f"You were a member of {location.name} already.")
        return HttpResponseRedirect(reverse("campaigns:overview", args=[location.slug]))


class LocationCreateView(LoginRequiredMixin, FormView):
    """A new client location, for superusers and agency managers (tenancy.can_create_locations);
    its creator becomes its manager."""

    form_class = LocationForm
    template_name = "campaigns/location_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_create_locations(request.user):
            raise PermissionDenied("Only an agency manager can add a client location.")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        location = members.create_location(
            by=self.request.user,
            **{name: form.cleaned_data[name] for name in LocationForm.Meta.fields},
        )
        messages.success(self.request, f"Created {location.name}: you are its manager.")
        return HttpResponseRedirect(reverse("campaigns:overview", args=[location.slug]))


urlpatterns = [
    path("l/<slug:slug>/settings/members/", MembersView.as_view(), name="members"),
    path("l/<slug:slug>/settings/members/role/", MemberRoleView.as_view(), name="member_role"),
    path(
        "l/<slug:slug>/settings/members/remove/", MemberRemoveView.as_view(), name="member_remove"
    ),
    path(
        "l/<slug:slug>/settings/members/invitations/revoke/",
        InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path(
        "accounts/invitation/<str:token>/",
        AcceptInvitationView.as_view(),
        name="accept_invitation",
    ),
    path("portfolio/locations/new/", LocationCreateView.as_view(), name="location_new"),
]
