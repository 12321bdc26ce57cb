"""Who belongs to a location: invitations by e-mail, roles, removals, new client locations.

Every change here is written to the admin's log (``LogEntry``) with a readable message. Views
stay thin: they call these functions and show the ``ValidationError`` they raise.

An invitation's link carries a signed, timestamped token naming the invitation and its location;
it expires after ``INVITATION_MAX_AGE_DAYS`` days (default 7). The row decides whether it is
still usable (not accepted, not revoked), and the lookup runs inside ``scope(location)``, so an
invitation can only ever grant its own location.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Invitation, Location, Membership
from campaigns.tenancy import scope

SALT = "campaigns.invitation"


def max_age() -> timedelta:
    return timedelta(days=getattr(settings, "INVITATION_MAX_AGE_DAYS", 7))


def log(user, obj, flag: int, message: str) -> None:
    """One entry of the admin's log about ``obj``, by ``user``."""
    LogEntry.objects.log_actions(user.pk, [obj], flag, change_message=message, single_object=True)


def _normalize(email: str) -> str:
    return email.strip().lower()


# --- Invitations ------------------------------------------------------------------------------


def token_for(invitation: Invitation) -> str:
    return signing.dumps(
        {"i": invitation.pk, "l": invitation.location_id}, salt=SALT, compress=True
    )


class InvitationInvalid(Exception):
    """The link cannot be used: ``status`` 400 (tampered) or 410 (expired, revoked, used)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message, self.status = message, status


def invitation_from_token(token: str) -> Invitation:
    """The pending invitation a link names, or ``InvitationInvalid`` saying why not."""
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.SignatureExpired:
        raise InvitationInvalid("This invitation has expired.", 410) from None
    except signing.BadSignature:
        raise InvitationInvalid("This invitation link is not valid.", 400) from None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in "il"):
        raise InvitationInvalid("This invitation link is not valid.", 400)
    with scope(data["l"]):
        invitation = (
            Invitation.objects.select_related("location", "invited_by")
            .filter(pk=data["i"], location_id=data["l"])
            .first()
        )
    if invitation is None or invitation.revoked_at is not None:
        raise InvitationInvalid("This invitation was withdrawn.", 410)
    if invitation.accepted_at is not None:
        raise InvitationInvalid("This invitation has been used already.", 410)
    return invitation


def invite(
    *,
    location: Location,
    email: str,
    role: str,
    invited_by,
    absolute_url: Callable[[str], str],
) -> Invitation:
    """Invite ``email`` to ``location`` with ``role`` and send the e-mail with its link.

    ``absolute_url`` turns a path into a full URL (``request.build_absolute_uri``). Raises
    ``ValidationError`` (nothing kept) for a member's address, a pending invitation to the same
    address, or a message that could not be sent.
    """
    email = _normalize(email)
    if role not in Membership.Role.values:
        raise ValidationError("Choose a role: viewer or manager.")
    if Membership.objects.filter(location=location, user__email__iexact=email).exists():
        raise ValidationError(f"{email} is already a member of this location.")
    with scope(location):
        pending = Invitation.objects.filter(
            location=location, email__iexact=email, accepted_at=None, revoked_at=None
        )
        if pending.exists():
            raise ValidationError(
                f"An invitation to {email} is already pending: revoke it to send a new one."
            )
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    location=location, email=email, role=role, invited_by=invited_by
                )
                send_invitation(invitation, absolute_url)
                log(
                    invited_by,
                    invitation,
                    ADDITION,
                    f"Invited {email} to {location.name} as {invitation.get_role_display()}.",
                )
        except (smtplib.SMTPException, OSError):
            raise ValidationError(
                "The invitation e-mail could not be sent: nothing was saved. Try again later."
            ) from None
    return invitation


def send_invitation(invitation: Invitation, absolute_url: Callable[[str], str]) -> None:
    link = absolute_url(reverse("campaigns:accept_invitation", args=[token_for(invitation)]))
    context = {
        "invitation": invitation,
        "location": invitation.location,
        "inviter": invitation.invited_by,
        "link": link,
        "days": max_age().days,
    }
    message = EmailMultiAlternatives(
        subject=f"You are invited to {invitation.location.name} on Campaign Analytics",
        body=render_to_string("campaigns/email/invitation.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(
        render_to_string("campaigns/email/invitation.html", context), "text/html"
    )
    message.send()


def revoke(invitation: Invitation, *, by) -> None:
    """Withdraw a pending invitation: its link stops working."""
    with scope(invitation.location_id), transaction.atomic():
        updated = Invitation.objects.filter(
            pk=invitation.pk, accepted_at=None, revoked_at=None
        ).update(revoked_at=timezone.now())
        if not updated:
            raise ValidationError(f"The invitation to {invitation.email} is no longer pending.")
        log(by, invitation, CHANGE, f"Revoked the invitation of {invitation.email}.")


@dataclass
class Acceptance:
    membership: Membership
    created: bool  # False: the user was a member already (their role is left as it was)


def accept(invitation: Invitation, user) -> Acceptance:
    """Give ``user`` the invitation's role in its location, once. Raises ``InvitationInvalid``
    when it was used or revoked in the meantime."""
    location = invitation.location
    with scope(location), transaction.atomic():
        row = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
        if row is None or row.revoked_at is not None:
            raise InvitationInvalid("This invitation was withdrawn.", 410)
        if row.accepted_at is not None:
            raise InvitationInvalid("This invitation has been used already.", 410)
        row.accepted_at = timezone.now()
        row.save(update_fields=["accepted_at"])
        membership, created = Membership.objects.get_or_create(
            location=location, user=user, defaults={"role": row.role}
        )
        if created:
            log(
                user,
                membership,
                ADDITION,
                f"{user.get_username()} accepted the invitation of {row.email} and joined "
                f"{location.name} as {membership.get_role_display()}.",
            )
        else:
            log(
                user,
                row,
                CHANGE,
                f"{user.get_username()} accepted the invitation of {row.email}, already a "
                f"{membership.get_role_display()} of {location.name}.",
            )
    return Acceptance(membership, created)


def accept_as_new_user(invitation: Invitation, *, username: str, password: str) -> Acceptance:
    """Create the invited person's account (with the invitation's address) and accept."""
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=username, email=invitation.email, password=password
        )
        return accept(invitation, user)


def existing_user_for(invitation: Invitation):
    """The active account with the invitation's address, if any (the first, by pk)."""
    return (
        get_user_model()
        .objects.filter(email__iexact=invitation.email, is_active=True)
        .order_by("pk")
        .first()
    )


# --- Members ----------------------------------------------------------------------------------


def _other_managers(membership: Membership):
    """The location's other managers, locked until the end of the transaction so that two
    managers cannot demote each other at once."""
    managers = Membership.objects.select_for_update().filter(
        location_id=membership.location_id, role=Membership.Role.MANAGER
    )
    return [m for m in managers if m.pk != membership.pk]


LAST_MANAGER = "{user} is the last manager of {location}: make another member a manager first."


def change_role(membership: Membership, role: str, *, by) -> None:
    """Set a member's role; the last manager of a location stays a manager."""
    if role not in Membership.Role.values:
        raise ValidationError("Choose a role: viewer or manager.")
    with transaction.atomic():
        if role == membership.role:
            return
        if membership.role == Membership.Role.MANAGER and not _other_managers(membership):
            raise ValidationError(
                LAST_MANAGER.format(
                    user=membership.user.get_username(), location=membership.location.name
                )
            )
        old = membership.get_role_display()
        membership.role = role
        membership.save(update_fields=["role"])
        log(
            by,
            membership,
            CHANGE,
            f"Changed the role of {membership.user.get_username()} in "
            f"{membership.location.name} from {old} to {membership.get_role_display()}.",
        )


def remove(membership: Membership, *, by) -> None:
    """Take a member out of the location; the last manager stays."""
    with transaction.atomic():
        if membership.role == Membership.Role.MANAGER and not _other_managers(membership):
            raise ValidationError(
                LAST_MANAGER.format(
                    user=membership.user.get_username(), location=membership.location.name
                )
            )
        log(
            by,
            membership,
            DELETION,
            f"Removed {membership.user.get_username()} ({membership.get_role_display()}) "
            f"from {membership.location.name}.",
        )
        membership.delete()


def member_since(memberships) -> dict[int, object]:
    """When each membership was added, from the admin's log (memberships added before the log
    recorded them have no date)."""
    from django.contrib.contenttypes.models import ContentType

    ids = {str(m.pk): m.pk for m in memberships}
    rows = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Membership),
        action_flag=ADDITION,
        object_id__in=list(ids),
    ).values_list("object_id", "action_time")
    since: dict[int, object] = {}
    for object_id, when in rows:
        pk = ids[object_id]
        since[pk] = max(when, since.get(pk, when))
    return since


# --- New client locations ---------------------------------------------------------------------


def create_location(*, by, name: str, slug: str, currency: str, time_zone: str, external_id: str):
    """A new client location, with ``by`` as its manager."""
    with transaction.atomic():
        location = Location.objects.create(
            name=name, slug=slug, currency=currency, time_zone=time_zone, external_id=external_id
        )
        membership = Membership.objects.create(
            location=location, user=by, role=Membership.Role.MANAGER
        )
        log(by, location, ADDITION, f"Created the location {name} ({slug}).")
        log(
            by,
            membership,
            ADDITION,
            f"{by.get_username()} became the manager of {name}, as its creator.",
        )
    return location
