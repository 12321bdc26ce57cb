"""JSON API v1 (django-ninja): an integration pushes daily results and reads reports of one
location with that location's token, ``Authorization: Bearer cpa_…``.

Every operation runs inside ``scope(token.location)``, so another location's campaign ids
answer 404 exactly like ids that do not exist. Each token is rate-limited
(``campaigns.ratelimit``). Inputs are strict and their schema says exactly what is accepted
(``campaigns.api_types``); writes go through ``campaigns.services`` (the same validation as the
forms and the CSV import); reports are ``serialize.report_dict``. The OpenAPI document is
served at ``/api/v1/openapi.json``. Every error answers ``{"errors": [{"field": …,
"message": …}]}`` (``campaigns.api_errors``), and each operation declares its statuses.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from ninja import Query, Status
from ninja.security import HttpBearer

from campaigns import api_errors, history, ratelimit, serialize, services, tokens
from campaigns.analytics import reports
from campaigns.analytics.channels import channel_analytics
from campaigns.analytics.comparison import compare_campaigns
from campaigns.analytics.locations import earliest_start
from campaigns.api_schemas import (
    PERIOD_PARAMS,
    CampaignIn,
    CampaignOut,
    CampaignWithHealthOut,
    CompareQuery,
    DaysIn,
    FunnelIn,
    FunnelOut,
    PeriodQuery,
    RecordedOut,
    Report,
    campaign_dict,
    channel_dict,
    errors,
    metrics_dict,
    period_dict,
    ranked,
)
from campaigns.models import ApiToken, Campaign, FunnelStage, Location, Source
from campaigns.periods import Period
from campaigns.tenancy import scope

MAX_ID = 2**63 - 1

#: Every operation: no valid token (401), over the token's rate limit (429).
READ = (401, 429)
#: Reads with a period: a parameter outside the schema (422), a period rule broken (409).
READ_PERIOD = (*READ, 409, 422)
#: Writes: a body that is not JSON (400), too large (413), not application/json (415), outside
#: the schema (422), or breaking a rule the schema cannot state (409).
WRITE = (*READ, 400, 409, 413, 415, 422)


# --- Authentication and scope ---------------------------------------------------------------


class TokenAuth(HttpBearer):
    """A location's API token; the request then acts for that location only, within the
    token's rate limit."""

    def authenticate(self, request, token: str) -> ApiToken | None:
        found = tokens.authenticate(token)
        if found is not None:
            ratelimit.count_request(found)
        return found


def in_token_scope(operation):
    """Run an operation (after authentication) inside its token's location scope; what it
    writes is recorded in the history as made by the token through the API."""

    @wraps(operation)
    def scoped(request, *args, **kwargs):
        with scope(request.auth.location), history.acting(Source.API, token=request.auth):
            return operation(request, *args, **kwargs)

    return scoped


api = api_errors.JsonErrorsAPI(
    title="Campaign Performance Analytics API",
    version="1",
    description=(
        "Push daily results and read reports of one location with that location's API token "
        '(`Authorization: Bearer cpa_…`). Money is a string with two decimals ("12.50"), '
        "ratios are plain numbers (0.1 for 10 %), an undefined metric is null. Inputs are "
        "strict: each field accepts exactly what its schema says. "
        'Errors answer `{"errors": [{"index": 0, "field": "hot_leads", "message": "…"}]}`: '
        "422 for a request outside the schema, 409 for one that fits it but breaks a rule "
        "between fields, against stored data or today's date. Each token may make a limited "
        "number of requests per minute (429 with Retry-After)."
    ),
    urls_namespace="api-v1",
    auth=TokenAuth(),
    parser=api_errors.StrictJsonParser(),
    # The interactive docs page would load Swagger UI from a CDN, which the site's
    # Content-Security-Policy forbids; the OpenAPI document works in any viewer.
    docs_url=None,
)
api.add_decorator(in_token_scope)
api_errors.install(api)


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
    """?start=&end= (custom dates) or ?period=30d; a readable 409 for a broken rule (an end
    without a start, an end before the start, a start after today, over ten years)."""
    params = {k: v for k, v in when.model_dump().items() if k in PERIOD_PARAMS and v}
    earliest = earliest_start(location) if params.get("period") == "all" else None
    return Period.from_query(params, today=location.today(), earliest=earliest, default=default)


def parse_ids(text: str) -> list[int]:
    """ "12,15" (the schema's pattern) → [12, 15] in order, duplicates dropped; two at least."""
    ids = list(dict.fromkeys(int(part) for part in text.split(",")))
    if len(ids) < 2:
        raise DjangoValidationError({"ids": ["Give at least two different campaign ids."]})
    return ids


# --- Operations -----------------------------------------------------------------------------


@api.get(
    "/campaigns",
    response={200: list[CampaignWithHealthOut], **errors(*READ)},
    summary="List the location's campaigns",
    description="Each campaign with its health, as every page shows it (lifetime to date).",
)
def list_campaigns(request):
    location = request.auth.location
    today = location.today()
    campaigns = Campaign.objects.for_location(location).order_by("name", "pk")
    found = reports.campaign_reports(campaigns, Period(today, today), today=today)
    return [{**campaign_dict(r.campaign), "health": serialize.health_dict(r.health)} for r in found]


@api.post(
    "/campaigns",
    response={201: CampaignOut, **errors(*WRITE)},
    summary="Create a campaign",
    description=(
        "409 when the name is already used in the location, the end is before the start, or "
        "a date is more than ten years ahead."
    ),
)
def create_campaign(request, payload: CampaignIn):
    campaign = services.create_campaign(
        location=request.auth.location, **payload.model_dump(exclude_unset=True)
    )
    return Status(201, campaign_dict(campaign))


@api.post(
    "/campaigns/{campaign_id}/days",
    response={200: RecordedOut, **errors(*WRITE, 404)},
    summary="Record daily results (all rows or none)",
    description=(
        "Each row is one calendar day of the campaign; recording a day again replaces that "
        "day's numbers (an idempotent upsert). If any row is refused, nothing is written and "
        "every bad row is listed with its index and field. Each push is a batch (its id is "
        "answered) that a manager can undo as a whole on the location's import batches page."
    ),
)
def record_days(request, campaign_id: int, payload: DaysIn):
    campaign = get_campaign(request, campaign_id)
    rows = [row.model_dump(exclude_unset=True) for row in payload.rows]
    # A push is a batch, like an import: a bad night of an integration can be undone at once.
    with transaction.atomic(), history.batch(campaign.location, platform="api") as batch:
        recorded = services.record_days(campaign=campaign, rows=rows)
    return {"recorded": len(recorded), "batch": batch.pk}


@api.put(
    "/campaigns/{campaign_id}/funnel",
    response={200: FunnelOut, **errors(*WRITE, 404)},
    summary="Set funnel counts",
    description=(
        "Sets the given stages' counts (the others keep theirs) and answers every recorded "
        "stage. Recorded counts replace the funnel derived from the daily totals. A stage "
        "cannot be larger than the nearest recorded stage before it (counts already recorded "
        "included): such a request answers 409 with the stage as `field`, and nothing is written."
    ),
)
def set_funnel(request, campaign_id: int, payload: FunnelIn):
    campaign = get_campaign(request, campaign_id)
    counts = payload.model_dump(exclude_unset=True)
    services.set_funnel(campaign=campaign, counts=counts)
    return dict(FunnelStage.objects.filter(campaign=campaign).values_list("stage", "count"))


@api.get(
    "/campaigns/{campaign_id}/report",
    response={200: Report, **errors(*READ_PERIOD, 404)},
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
    response={200: Report, **errors(*READ_PERIOD, 404)},
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
    response={200: Report, **errors(*READ_PERIOD)},
    summary="Channel analytics",
    description=(
        "Per channel: campaigns, budget (lifetime), period_budget (the running campaigns' "
        "budgets pro-rated to the period's days), totals, metrics (pooled ROI), shares of "
        "budget (of period_budget), spend and profit; the location's total; recommendations. "
        "Default period: the last 30 complete days."
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
