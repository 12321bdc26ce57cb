"""Absolute links for e-mails sent without a request (by the worker or a command)."""

from django.conf import settings


def site_url(path: str) -> str:
    """``path`` on the app's address, ``settings.SITE_URL`` (scheme and host, no trailing slash)."""
    return settings.SITE_URL + path
