"""API tokens: issue (the secret is returned once and only its hash is kept), revoke, and
authenticate a request's secret to its token."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from campaigns.models import ApiToken, Location
from campaigns.tenancy import scope, scopes_disabled

SECRET_PREFIX = "cpa_"
#: ``last_used_at`` is written at most this often per token: one write per request is waste.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def assign_secret(token: ApiToken) -> str:
    """Give an unsaved token a new secret: sets its prefix and hash and returns the secret."""
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token.prefix = secret[:8]
    token.key_hash = hash_secret(secret)
    return secret


def issue_token(*, location: Location, name: str, user=None) -> tuple[ApiToken, str]:
    """Create a token of ``location``; returns it with its secret, which is never stored."""
    token = ApiToken(
        location=location,
        name=name,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    secret = assign_secret(token)
    with scope(location), transaction.atomic():
        token.full_clean()
        token.save()
    return token, secret


def revoke_tokens(tokens: QuerySet[ApiToken]) -> int:
    """Revoke the tokens not yet revoked; returns how many were."""
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def revoke_token(token: ApiToken) -> ApiToken:
    """Revoke one token (revoking it again changes nothing)."""
    with scope(token.location_id):
        revoke_tokens(ApiToken.objects.filter(pk=token.pk))
        token.refresh_from_db(fields=["revoked_at"])
    return token


def authenticate(secret: str) -> ApiToken | None:
    """The active token whose secret this is, with its location; None for any other string."""
    if not secret.startswith(SECRET_PREFIX):
        return None
    # The one lookup across locations: the token is what tells us the location.
    with scopes_disabled():
        token = (
            ApiToken.objects.select_related("location")
            .filter(key_hash=hash_secret(secret), revoked_at__isnull=True)
            .first()
        )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        with scope(token.location_id):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
