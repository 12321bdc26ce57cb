"""Response headers that keep tenant data out of shared caches, and who writes (history)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers

from campaigns import history
from campaigns.models import Source

API_PREFIX = "/api/"


class HistoryMiddleware:
    """Every write a request makes is recorded as made by its user through the admin (under
    the admin's URL) or a form (every other page); the API's token scope says "API" and names
    the token instead (campaigns.api.in_token_scope)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        source = Source.ADMIN if request.path.startswith(self.admin_prefix) else Source.FORM
        with history.acting(source, user=getattr(request, "user", None)):
            return self.get_response(request)


class PrivateResponsesMiddleware:
    """``Cache-Control: private, no-store`` on every response for a signed-in user (pages,
    fragments, CSVs) and on every API response, which also varies on ``Authorization``: a
    proxy or the browser's back button must never serve one tenant's figures to another
    request. Static files are served before this middleware and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        is_api = request.path.startswith(API_PREFIX)
        user = getattr(request, "user", None)
        if is_api or (user is not None and user.is_authenticated):
            patch_cache_control(response, private=True, no_store=True)
        if is_api:
            patch_vary_headers(response, ["Authorization"])
        return response
