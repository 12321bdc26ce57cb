"""JSON API v1 (django-ninja): an integration pushes daily results and reads reports of one
location with that location's token, ``Authorization: Bearer cpa_…``.

Every operation runs inside ``scope(token.location)``, so another location's campaign ids
answer 404 exactly like ids that do not exist. Writes go through ``campaigns.services`` (the
same validation as the forms and the CSV import); reports are ``serialize.report_dict``. The
OpenAPI document is served at ``/api/v1/openapi.json``. Every error answers
``{"errors": [{"field": …, "message": …}]}``, with the row's ``index`` for a batch of days.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError
from ninja.security import HttpBearer

from campaigns import serialize, services, tokens
from campaigns.analytics import reports
from campaigns.analytics.channels import channel_analytics
from campaigns.analytics.comparison import compare_campaigns
from campaigns.analytics.locations import earliest_start
from campaigns.api_schemas import (
    ERRORS,
    PERIOD_PARAMS,
    CampaignIn,
    CampaignOut,
    CampaignWithHealthOut,
    CompareQuery,
    DaysIn,
    ErrorsOut,
    FunnelCounts,
    PeriodQuery,
    RecordedOut,
    Report,
    campaign_dict,
    channel_dict,
    metrics_dict,
    period_dict,
    ranked,
)
from campaigns.models import ApiToken, Campaign, FunnelStage, Location
from campaigns.periods import Period
from campaigns.services import BatchValidationError
from campaigns.tenancy import scope

MAX_ID = 2**63 - 1


# --- Authentication and scope ---------------------------------------------------------------


class TokenAuth(HttpBearer):
    """A location's API token; the request then acts for that location only."""

    def authenticate(self, request, token: str) -> ApiToken | None:
        return tokens.authenticate(token)


def in_token_scope(operation):
    """Run an operation (after authentication) inside its token's location scope."""

    @wraps(operation)
    def scoped(request, *args, **kwargs):
        with scope(request.auth.location):
            return operation(request, *args, **kwargs)

    return scoped


api = NinjaAPI(
    title="Campaign Performance Analytics API",
    version="1",
    description=(
        "Push daily results and read reports of one location with that location's API token "
        '(`Authorization: Bearer cpa_…`). Money is a string with two decimals ("12.50"), '
        "ratios are plain numbers (0.1 for 10 %), an undefined metric is null. "
        'Errors answer `{"errors": [{"index": 0, "field": "hot_leads", "message": "…"}]}`.'
    ),
    urls_namespace="api-v1",
    auth=TokenAuth(),
    # The interactive docs page would load Swagger UI from a CDN, which the site's
    # Content-Security-Policy forbids; the OpenAPI document works in any viewer.
    docs_url=None,
)
api.add_decorator(in_token_scope)


# --- Errors ---------------------------------------------------------------------------------


def error_response(request, status: int, items: list[dict]):
    return api.create_response(request, {"errors": items}, status=status)


def field_items(message_dict: dict[str, list[str]], index: int | None = None) -> list[dict]:
    items = []
    for field, messages in message_dict.items():
        for message in messages:
            item = {"field": None if field == NON_FIELD_ERRORS else field, "message": message}
            items.append(item if index is None else {"index": index, **item})
    return items


@api.exception_handler(DjangoValidationError)
def invalid_data(request, exc: DjangoValidationError):
    """The services' and periods' validation errors, by row and field where they have them."""
    if isinstance(exc, BatchValidationError):
        items = [
            i
            for index, errors in sorted(exc.row_errors.items())
            for i in field_items(errors, index)
        ]
    elif hasattr(exc, "error_dict"):
        items = field_items(exc.message_dict)
    else:
        items = [{"field": None, "message": message} for message in exc.messages]
    return error_response(request, 422, items)


WHOLE_BODY = "Send a JSON object as the request body (see /api/v1/openapi.json)."


@api.exception_handler(RequestValidationError)
def invalid_request(request, exc: RequestValidationError):
    """Input that does not fit the operation's schema: the same shape as the services' errors."""
    items = []
    for error in exc.errors:
        source, *loc = error["loc"]
        if source == "body":
            loc = loc[1:]  # the operation's body parameter
        if source == "body" and not loc:
            items.append({"field": None, "message": WHOLE_BODY})
            continue
        message = {
            "missing": "This field is required.",
            "extra_forbidden": "Unknown field.",
        }.get(error["type"], error["msg"])
        if len(loc) >= 2 and loc[0] == "rows" and isinstance(loc[1], int):
            index, loc = loc[1], loc[2:]
            items.append(
                {"index": index, "field": ".".join(map(str, loc)) or None, "message": message}
            )
        else:
            items.append({"field": ".".join(map(str, loc)) or None, "message": message})
    return error_response(request, 422, items)


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    return error_response(request, 404, [{"field": None, "message": str(exc) or "Not found."}])


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc: AuthenticationError):
    response = error_response(
        request,
        401,
        [
            {
                "field": None,
                "message": "Give a valid API token: the header Authorization: Bearer cpa_…",
            }
        ],
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    message = str(exc)
    if message.startswith("Cannot parse request body"):
        message = "The request body is not valid JSON."
    return error_response(request, exc.status_code, [{"field": None, "message": message}])


# --- Helpers --------------------------------------------------------------------------------


def get_campaign(request, campaign_id: int) -> Campaign:
    """The token's location's campaign; any other id (another location's too) is a 404."""
    location: Location = request.auth.location
    campaign = None
    if 0 < campaign_id <= MAX_ID:
        campaign = Campaign.objects.for_location(location).filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404("No such campaign in this location.")
    campaign.location = location
    return campaign


def read_period(location: Location, when: PeriodQuery, *, default: str) -> Period:
    """?start=&end= (custom dates) or ?period=30d; a readable 422 for anything else."""
    params = {k: v for k, v in when.model_dump().items() if k in PERIOD_PARAMS and v}
    earliest = earliest_start(location) if params.get("period") == "all" else None
    return Period.from_query(params, today=location.today(), earliest=earliest, default=default)


def parse_ids(text: str) -> list[int]:
    """ "1,2,3" → [1, 2, 3] in order, duplicates dropped; at least two ids."""
    ids, bad = [], []
    for part in text.split(","):
        part = part.strip()
        if part.isascii() and part.isdecimal() and 0 < int(part) <= MAX_ID:
            ids.append(int(part))
        elif part:
            bad.append(part)
    if bad:
        raise DjangoValidationError({"ids": [f"Not a campaign id: {', '.join(bad)}."]})
    ids = list(dict.fromkeys(ids))
    if len(ids) < 2:
        raise DjangoValidationError({"ids": ["Give at least two campaign ids, e.g. ids=12,15."]})
    return ids


# --- Operations -----------------------------------------------------------------------------


@api.get(
    "/campaigns",
    response=list[CampaignWithHealthOut],
    summary="List the location's campaigns",
    description="Each campaign with its health, as every page shows it (lifetime to date).",
)
def list_campaigns(request):
    location = request.auth.location
    today = location.today()
    campaigns = Campaign.objects.for_location(location).order_by("name", "pk")
    found = reports.campaign_reports(campaigns, Period(today, today), today=today)
    return [{**campaign_dict(r.campaign), "health": serialize.health_dict(r.health)} for r in found]


@api.post("/campaigns", response={201: CampaignOut, 422: ErrorsOut}, summary="Create a campaign")
def create_campaign(request, payload: CampaignIn):
    campaign = services.create_campaign(
        location=request.auth.location, **payload.model_dump(exclude_unset=True)
    )
    return Status(201, campaign_dict(campaign))


@api.post(
    "/campaigns/{campaign_id}/days",
    response={200: RecordedOut, **ERRORS},
    summary="Record daily results (all rows or none)",
    description=(
        "Each row is one calendar day of the campaign; recording a day again replaces that "
        "day's numbers (an idempotent upsert). If any row is refused, nothing is written and "
        "every bad row is listed with its index and field."
    ),
)
def record_days(request, campaign_id: int, payload: DaysIn):
    campaign = get_campaign(request, campaign_id)
    rows = [row.model_dump(exclude_unset=True) for row in payload.rows]
    return {"recorded": len(services.record_days(campaign=campaign, rows=rows))}


@api.put(
    "/campaigns/{campaign_id}/funnel",
    response={200: FunnelCounts, **ERRORS},
    summary="Set funnel counts",
    description=(
        "Sets the given stages' counts (the others keep theirs) and answers every recorded "
        "stage. Recorded counts replace the funnel derived from the daily totals. A stage "
        "cannot be larger than the nearest recorded stage before it (counts already recorded "
        "included): such a request answers 422 with the stage as `field`, and nothing is written."
    ),
)
def set_funnel(request, campaign_id: int, payload: FunnelCounts):
    campaign = get_campaign(request, campaign_id)
    counts = payload.model_dump(exclude_none=True)
    if not counts:
        raise DjangoValidationError("Give the count of at least one funnel stage.")
    services.set_funnel(campaign=campaign, counts=counts)
    return dict(FunnelStage.objects.filter(campaign=campaign).values_list("stage", "count"))


@api.get(
    "/campaigns/{campaign_id}/report",
    response={200: Report, **ERRORS},
    summary="A campaign's report",
    description="The report JSON of the campaign page. Without a period: the campaign's life.",
)
def campaign_report(request, campaign_id: int, when: Query[PeriodQuery]):
    campaign = get_campaign(request, campaign_id)
    if when.start or when.end or (when.period and when.period != "all"):
        chosen = read_period(campaign.location, when, default="all")
    else:
        chosen = reports.lifetime_period(campaign)
    return serialize.report_dict(reports.campaign_report(campaign, chosen))


@api.get(
    "/compare",
    response={200: Report, **ERRORS},
    summary="Compare campaigns",
    description=(
        "Rankings (campaign ids, best first) by ROI, lead-to-conversion rate and cost per "
        "lead, each campaign's totals and metrics, and recommendations. Default period: the "
        "last 30 days."
    ),
)
def compare(request, when: Query[CompareQuery]):
    location = request.auth.location
    campaign_ids = parse_ids(when.ids)
    chosen = read_period(location, when, default="30d")
    comparison = compare_campaigns(location, campaign_ids, chosen)
    by_id = {r.campaign.pk: r for r in comparison.reports}
    if missing := [i for i in campaign_ids if i not in by_id]:
        raise Http404(f"No campaign {missing[0]} in this location.")
    return {
        "period": period_dict(comparison.period),
        "campaigns": [
            {
                "campaign": campaign_dict(by_id[i].campaign),
                "totals": serialize.totals_dict(by_id[i].totals),
                "metrics": metrics_dict(by_id[i].metrics),
            }
            for i in campaign_ids
        ],
        "rankings": {
            "roi": ranked(comparison.by_roi),
            "conversion_rate": ranked(comparison.by_conversion_rate),
            "cost_per_lead": ranked(comparison.by_cost_efficiency),
        },
        "best_performer": comparison.best_performer.campaign.pk
        if comparison.best_performer
        else None,
        "underperformers": ranked(comparison.underperformers),
        "recommendations": [serialize.recommendation_dict(r) for r in comparison.recommendations],
    }


@api.get(
    "/channels",
    response={200: Report, 422: ErrorsOut},
    summary="Channel analytics",
    description=(
        "Per channel: campaigns, budget, totals, metrics (pooled ROI), shares of budget, spend "
        "and profit; the location's total; recommendations. Default period: the last 30 days."
    ),
)
def channels(request, when: Query[PeriodQuery]):
    location = request.auth.location
    chosen = read_period(location, when, default="30d")
    result = channel_analytics(location, chosen)
    return {
        "period": period_dict(result.period),
        "channels": [channel_dict(row) for row in result.rows],
        "total": channel_dict(result.total),
        "recommendations": [serialize.recommendation_dict(r) for r in result.recommendations],
    }
