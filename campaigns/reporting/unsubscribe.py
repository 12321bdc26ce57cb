"""The unsubscribe link of a scheduled report's recipient: a signed token naming the recipient
and its location (its own salt, no expiry: an old e-mail's link must still work). The lookup
runs inside ``scope(location)``, so a token can only ever touch its own location's recipient.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from campaigns.links import site_url
from campaigns.models import ReportRecipient
from campaigns.tenancy import scope

SALT = "campaigns.report-unsubscribe"


class UnsubscribeInvalid(Exception):
    """The token was tampered with or is not one of ours (400)."""


def token_for(recipient: ReportRecipient) -> str:
    return signing.dumps({"r": recipient.pk, "l": recipient.location_id}, salt=SALT)


def unsubscribe_url(recipient: ReportRecipient) -> str:
    """The absolute link for e-mails (sent without a request: ``settings.SITE_URL``)."""
    path = reverse("campaigns:report_unsubscribe", args=[token_for(recipient)])
    return site_url(path)


def recipient_from_token(token: str) -> ReportRecipient | None:
    """The recipient the token names (None when it was removed from the schedule since), or
    ``UnsubscribeInvalid``."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise UnsubscribeInvalid("This unsubscribe link is not valid.") from None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in "rl"):
        raise UnsubscribeInvalid("This unsubscribe link is not valid.")
    with scope(data["l"]):
        return (
            ReportRecipient.objects.select_related("location", "schedule", "user")
            .filter(pk=data["r"], location_id=data["l"])
            .first()
        )


def unsubscribe(recipient: ReportRecipient) -> bool:
    """Stop the schedule's reports to the recipient; False when they had unsubscribed already."""
    with scope(recipient.location_id):
        updated = ReportRecipient.objects.filter(
            pk=recipient.pk, unsubscribed_at__isnull=True
        ).update(unsubscribed_at=timezone.now())
    return bool(updated)
