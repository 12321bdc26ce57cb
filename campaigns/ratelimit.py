"""Per-token rate limits of the JSON API: a fixed-window counter in Django's cache.

Each API token may make ``API_RATE_LIMIT_REQUESTS`` requests per ``API_RATE_LIMIT_WINDOW``
seconds (defaults: 120 per 60 s). The window is fixed: requests are counted per token in the
window ``now // window``, and the count starts again at 0 when the next window begins, so a
refused request is told to retry after the seconds left in the current window.

The counter lives in the cache named ``API_RATE_LIMIT_CACHE`` (default ``"default"``). The
default local-memory cache counts per process: with several processes (gunicorn workers,
several servers) configure a shared cache (Redis, Memcached or the database cache), or each
process grants the full limit on its own.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import caches

from campaigns.models import ApiToken

DEFAULT_REQUESTS = 120
DEFAULT_WINDOW = 60


class RateLimited(Exception):
    """Too many requests with one token: retry after ``retry_after`` seconds."""

    def __init__(self, *, limit: int, window: int, retry_after: int):
        self.limit, self.window, self.retry_after = limit, window, retry_after
        super().__init__(
            f"Too many requests with this API token: at most {limit} every {window} seconds. "
            f"Retry after {retry_after} seconds."
        )


def limits() -> tuple[int, int]:
    """(requests, window in seconds) from the settings."""
    requests = int(getattr(settings, "API_RATE_LIMIT_REQUESTS", DEFAULT_REQUESTS))
    window = int(getattr(settings, "API_RATE_LIMIT_WINDOW", DEFAULT_WINDOW))
    return requests, max(window, 1)


def count_request(token: ApiToken, *, now: float | None = None) -> None:
    """Count one request of ``token``; RateLimited once it is over its limit in this window."""
    limit, window = limits()
    now = time.time() if now is None else now
    current = int(now // window)
    cache = caches[getattr(settings, "API_RATE_LIMIT_CACHE", "default")]
    # The secret's hash names the token without revealing it, and is unique across locations.
    key = f"api-rate:{token.key_hash}:{current}"
    cache.add(key, 0, timeout=window + 1)  # no-op when the window's counter exists
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this is the window's first request
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        retry_after = max(1, math.ceil((current + 1) * window - now))
        raise RateLimited(limit=limit, window=window, retry_after=retry_after)
