"""Forms of the people and places of the agency: inviting a person, a member's role, revoking
an invitation, accepting one (a new account), and a new client location (with the admin's
location form's neutral "not available" for another tenant's keys). Split from
``campaigns.forms``, which keeps the forms of campaigns, days and funnel counts."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from campaigns.models import Invitation, Location, Membership


class InviteForm(forms.Form):
    """Invite a person by e-mail to the location, as a viewer or a manager."""

    email = forms.EmailField(label="E-mail", max_length=254)
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.VIEWER)


class MemberForm(forms.Form):
    """A member of the location (one of its memberships; another location's is "not found")."""

    member = forms.ModelChoiceField(
        queryset=Membership.objects.none(),
        error_messages={"invalid_choice": "That person is not a member of this location."},
    )

    def __init__(self, *args, location: Location, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Membership.objects.filter(
            location=location
        ).select_related("user", "location")


class MemberRoleForm(MemberForm):
    role = forms.ChoiceField(choices=Membership.Role.choices)


class RevokeInvitationForm(forms.Form):
    """A pending invitation of the location (call inside ``scope(location)``)."""

    invitation = forms.ModelChoiceField(
        queryset=Invitation.objects.none(),
        error_messages={"invalid_choice": "That invitation is no longer pending."},
    )

    def __init__(self, *args, location: Location, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invitation"].queryset = Invitation.objects.filter(
            location=location, accepted_at=None, revoked_at=None
        ).select_related("location")


class AcceptInvitationForm(SetPasswordForm):
    """The invited person's new account: a username and a password (Django's validators)."""

    username = forms.CharField(
        max_length=150,
        help_text="Letters, digits and @/./+/-/_ only. You sign in with it.",
        validators=[get_user_model().username_validator],
    )
    field_order = ["username", "new_password1", "new_password2"]

    def __init__(self, invitation: Invitation, *args, **kwargs):
        user = get_user_model()(email=invitation.email)
        kwargs.setdefault("initial", {"username": invitation.email.split("@")[0][:150]})
        super().__init__(user, *args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise ValidationError("This username is not available: choose another.")
        self.user.username = username  # for the password validators (similarity)
        return username


class LocationKeysMixin:
    """A location's unique keys (slug, external id) are another tenant's when taken: a clash
    says only "not available", never whose they are (Django's default names the model and
    confirms the value; the external id's constraint names itself). For ModelForms of
    Location: the web's new-location form and the admin's."""

    UNAVAILABLE = {
        "slug": "This slug is not available: choose another.",
        "external_id": "This external id is not available: check it in the CRM.",
    }

    def _exclusions(self) -> set[str]:
        return {*self._get_validation_exclusions(), *self.UNAVAILABLE}

    def validate_unique(self):
        try:
            self.instance.validate_unique(exclude=self._exclusions())
        except ValidationError as error:
            self._update_errors(error)
        for name, message in self.UNAVAILABLE.items():
            value = self.cleaned_data.get(name)
            if name not in self.fields or name in self.errors or not value:
                continue
            if Location.objects.filter(**{name: value}).exclude(pk=self.instance.pk).exists():
                self.add_error(name, message)

    def validate_constraints(self):
        # The external id's unique constraint is checked above, with the neutral message.
        try:
            self.instance.validate_constraints(exclude=self._exclusions())
        except ValidationError as error:
            self._update_errors(error)


class LocationForm(LocationKeysMixin, forms.ModelForm):
    """A new client location. A taken slug or external id says only "not available", never
    whose it is (LocationKeysMixin, as the admin's location form)."""

    class Meta:
        model = Location
        fields = ["name", "slug", "currency", "time_zone", "external_id"]
        help_texts = {
            "slug": "The location's part of its URLs; left blank, it is made from the name.",
            "time_zone": "As in the tz database, for example Europe/Berlin or America/New_York.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()

    def clean_time_zone(self):
        return self.cleaned_data["time_zone"].strip()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("name") and "slug" not in self.errors:
            slug = slugify(cleaned["name"])[: Location._meta.get_field("slug").max_length]
            if slug:
                cleaned["slug"] = self.instance.slug = slug
            else:
                self.add_error("slug", "Give a slug: the name has no letters or digits to use.")
        return cleaned
