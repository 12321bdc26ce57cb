"""Response headers that keep tenant data out of shared caches, who writes (history), and the
page a browser gets for a method a URL does not accept (405)."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import Resolver404, get_script_prefix, resolve, reverse
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


class MethodNotAllowedPageMiddleware:
    """A 405 with an empty body (Django's ``View.http_method_not_allowed``, e.g. a GET on a
    form's POST-only action) becomes the app's page saying which method the address takes,
    with a link to the page the form lives on; status and ``Allow`` header stay. The API
    answers its own JSON and is left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code != 405
            or response.streaming
            or response.content
            or not response.has_header("Allow")
            or request.path.startswith(API_PREFIX)
        ):
            return response
        allowed = [m.strip() for m in response["Allow"].split(",") if m.strip()]
        page = render(
            request,
            "405.html",
            {
                "method": request.method,
                "allowed": [m for m in allowed if m not in ("HEAD", "OPTIONS")] or allowed,
                "back": page_above(request.path_info),
            },
            status=405,
        )
        page["Allow"] = response["Allow"]
        # The view logged its 405 already: the handler must not log it a second time.
        page._has_been_logged = getattr(response, "_has_been_logged", False)
        return page


def page_above(path: str) -> str:
    """The nearest address above ``path`` (a path_info) that is a page (a GET): where a form
    posting to ``path`` lives (``…/members/role/`` → ``…/members/``); the home page if none is."""
    parts = path.rstrip("/").split("/")
    while len(parts) > 1:
        parts.pop()
        candidate = "/".join(parts) + "/"
        try:
            match = resolve(candidate)
        except Resolver404:
            continue
        if answers_get(getattr(match.func, "view_class", None)):
            return get_script_prefix().rstrip("/") + candidate
    return reverse("campaigns:home")


def answers_get(view_class) -> bool:
    """Whether a class-based view serves GET (a function view is taken to)."""
    if view_class is None:
        return True
    return "get" in view_class.http_method_names and hasattr(view_class, "get")
