"""Response headers that keep tenant data out of shared caches."""

from __future__ import annotations

from django.utils.cache import patch_cache_control, patch_vary_headers

API_PREFIX = "/api/"


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
