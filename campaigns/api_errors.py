"""Every error of the JSON API in one format: ``{"errors": [{"field": …, "message": …}]}``.

``field`` is null for an error about the whole request; a batch of days adds the row's
``index``. The statuses (docs/api.md lists them): 400 a body that is not JSON, 401 no valid
token, 403 not allowed, 404 no such campaign or path, 405 a method the path does not have,
409 a request that fits the schema but breaks a rule between fields, against stored data or
against today's date, 413 a body over DATA_UPLOAD_MAX_MEMORY_SIZE, 415 a body that is not
``application/json``, 422 a request that does not fit the schema, 429 over the token's rate
limit (with ``Retry-After``), 500 a fault of ours (logged).
"""

from __future__ import annotations

import json
import logging
from functools import wraps

from django.core import signals
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError
from ninja.parser import Parser

from campaigns.ratelimit import RateLimited
from campaigns.services import BatchValidationError

logger = logging.getLogger("django.request")

WHOLE_BODY = "Send a JSON object as the request body (see /api/v1/openapi.json)."
NOT_JSON = "The request body is not valid JSON."
NOT_JSON_TYPE = "Send the body as JSON, with the header Content-Type: application/json."
NO_TOKEN = "Give a valid API token: the header Authorization: Bearer cpa_…"
TOO_BIG = "The request body is too large: send at most {limit} bytes (fewer rows per request)."
MESSAGES = {
    "missing": "This field is required.",
    "extra_forbidden": "Unknown field.",
    "int_type": "Send a whole number such as 120 (a JSON integer, not a string or a fraction).",
    "string_type": "Send a string.",
    "list_type": "Send a list.",
}


def items(message: str, field: str | None = None) -> list[dict]:
    return [{"field": field, "message": message}]


def json_error(status: int, errors: list[dict]) -> JsonResponse:
    return JsonResponse(
        {"errors": errors}, status=status, content_type="application/json; charset=utf-8"
    )


def field_items(message_dict: dict[str, list[str]], index: int | None = None) -> list[dict]:
    found = []
    for field, messages in message_dict.items():
        for message in messages:
            item = {"field": None if field == NON_FIELD_ERRORS else field, "message": message}
            found.append(item if index is None else {"index": index, **item})
    return found


def request_items(exc: RequestValidationError) -> list[dict]:
    """Schema errors by field (``rows.2.leads`` becomes index 2, field ``leads``)."""
    found = []
    for error in exc.errors:
        source, *loc = error["loc"]
        if source == "body":
            loc = loc[1:]  # the operation's body parameter
        message = MESSAGES.get(error["type"], error["msg"])
        if source == "body" and not loc:
            if error["type"] in ("missing", "model_type", "model_attributes_type", "dict_type"):
                message = WHOLE_BODY
            found.append({"field": None, "message": message})
        elif len(loc) >= 2 and loc[0] == "rows" and isinstance(loc[1], int):
            index, loc = loc[1], loc[2:]
            found.append(
                {"index": index, "field": ".".join(map(str, loc)) or None, "message": message}
            )
        else:
            found.append({"field": ".".join(map(str, loc)) or None, "message": message})
    return found


def rule_items(exc: DjangoValidationError) -> list[dict]:
    """The services' and periods' errors, by row and field where they have them."""
    if isinstance(exc, BatchValidationError):
        return [
            item
            for index, errors in sorted(exc.row_errors.items())
            for item in field_items(errors, index)
        ]
    if hasattr(exc, "error_dict"):
        return field_items(exc.message_dict)
    return [{"field": None, "message": message} for message in exc.messages]


class UnsupportedMediaType(Exception):
    """A body sent with another Content-Type than application/json."""


class StrictJsonParser(Parser):
    """JSON bodies only: the Content-Type must say so, NaN or Infinity are not JSON numbers,
    and a lone surrogate (``"\\ud800"``) is not text that can be stored."""

    def parse_body(self, request):
        if request.content_type.lower() != "application/json":
            raise UnsupportedMediaType
        data = json.loads(request.body, parse_constant=refuse_constant)
        json.dumps(data, ensure_ascii=False).encode()  # UnicodeEncodeError on a lone surrogate
        return data


def refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def install(api: NinjaAPI) -> None:
    """Answer every exception an operation can raise in the one format."""

    def add(exception, status: int, to_items, headers=None):
        def handler(request, exc):
            response = api.create_response(request, {"errors": to_items(exc)}, status=status)
            for name, value in (headers(exc) if headers else {}).items():
                response[name] = value
            return response

        api.add_exception_handler(exception, handler)

    add(RequestValidationError, 422, request_items)
    add(DjangoValidationError, 409, rule_items)
    add(Http404, 404, lambda exc: items(str(exc) or "Not found."))
    add(PermissionDenied, 403, lambda exc: items(str(exc) or "This token may not do this."))
    add(
        AuthenticationError,
        401,
        lambda exc: items(NO_TOKEN),
        lambda exc: {"WWW-Authenticate": "Bearer"},
    )
    add(
        RateLimited,
        429,
        lambda exc: items(str(exc)),
        lambda exc: {"Retry-After": str(exc.retry_after)},
    )
    add(RequestDataTooBig, 413, lambda exc: items(TOO_BIG.format(limit=body_limit())))
    api.add_exception_handler(HttpError, http_error(api))
    api.add_exception_handler(Exception, server_error(api))


def body_limit() -> int:
    from django.conf import settings

    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def http_error(api: NinjaAPI):
    def handler(request, exc: HttpError):
        status, message = exc.status_code, str(exc)
        if isinstance(exc.__cause__, UnsupportedMediaType):
            status, message = 415, NOT_JSON_TYPE
        elif message.startswith("Cannot parse request body"):
            message = NOT_JSON
        return api.create_response(request, {"errors": items(message)}, status=status)

    return handler


def server_error(api: NinjaAPI):
    def handler(request, exc: Exception):
        # What Django does for an uncaught exception (the log, the admins' mail, the test
        # client's re-raise), with the API's JSON instead of the HTML page.
        signals.got_request_exception.send(sender=None, request=request)
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        message = "Something went wrong on our side; it has been logged. Please try again."
        return api.create_response(request, {"errors": items(message)}, status=500)

    return handler


# --- Outside the operations: unknown paths, unsupported methods ------------------------------


def json_view_errors(view):
    """A path's view whose 404 and 405 answer in the one format (405 keeps ``Allow``)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return unknown_path(request)
        if response.status_code == 405 and not isinstance(response, JsonResponse):
            allowed = response["Allow"]
            response = json_error(405, items(f"This path answers {allowed} only."))
            response["Allow"] = allowed
        return response

    return wrapped


@csrf_exempt
def unknown_path(request, *args, **kwargs) -> HttpResponse:
    return json_error(404, items("No such path in the API: see /api/v1/openapi.json."))


class JsonErrorsAPI(NinjaAPI):
    """A NinjaAPI whose every answer, unknown paths and methods included, is JSON."""

    def _get_urls(self):
        urls = super()._get_urls()
        for pattern in urls:
            pattern.callback = json_view_errors(pattern.callback)
        return [*urls, re_path(r"^", unknown_path)]
