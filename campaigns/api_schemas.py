"""The JSON API's input and output types, and the JSON built from analytics results.

Inputs are strict: unknown fields are refused, money is a string or a whole number (never a
float), counts are whole numbers within ``campaigns.bounds``. Outputs are typed so the OpenAPI
document says exactly what each operation answers; the report JSON itself is
``campaigns.serialize``.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, WithJsonSchema
from pydantic_core import PydanticCustomError

from campaigns import serialize
from campaigns.analytics.figures import Metrics
from campaigns.analytics.results import HEALTH_LABELS, ChannelRow
from campaigns.bounds import MAX_COUNT
from campaigns.models import Campaign
from campaigns.periods import Period

MAX_ROWS = 5000


# --- Input types ----------------------------------------------------------------------------


def _decimal_text(value: object) -> object:
    # JSON numbers with a fraction arrive as floats, which cannot hold cents exactly.
    if isinstance(value, float):
        raise PydanticCustomError(
            "decimal_float",
            'Send money as a string such as "12.50" (or a whole number): a JSON number with '
            "a fraction is a float, and money is never a float.",
        )
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PydanticCustomError(
            "decimal_type", 'Send a decimal as a string such as "12.50", or a whole number.'
        )
    return str(value)


def _whole_number(value: object) -> object:
    if isinstance(value, bool | float):
        raise PydanticCustomError("whole_number", "Send a whole number such as 120.")
    return value


def _date_text(value: object) -> object:
    if not isinstance(value, str):
        raise PydanticCustomError("date_type", "Send a date as a string: YYYY-MM-DD.")
    return value


#: Money and decimals: strings ("12.50") or whole numbers, checked by the models' own fields.
DecimalText = Annotated[
    str,
    BeforeValidator(_decimal_text),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"},
                {"type": "integer"},
            ],
            "examples": ["12.50"],
        }
    ),
]
Count = Annotated[
    int,
    BeforeValidator(_whole_number),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": MAX_COUNT, "examples": [120]}),
]
Day = Annotated[
    str,
    BeforeValidator(_date_text),
    WithJsonSchema({"type": "string", "format": "date", "examples": ["2026-01-05"]}),
]


class StrictSchema(Schema):
    """Unknown fields are refused, not silently dropped (a typo must not lose a number)."""

    model_config = ConfigDict(extra="forbid")


class CampaignIn(StrictSchema):
    name: str
    channel: str = Field(json_schema_extra={"enum": list(Campaign.Channel.values)})
    status: str = Field(
        Campaign.Status.ACTIVE, json_schema_extra={"enum": list(Campaign.Status.values)}
    )
    budget: DecimalText = "0"
    start_date: Day
    end_date: Day | None = None
    target_leads: Count | None = None
    target_conversions: Count | None = None
    target_roi: DecimalText | None = Field(
        None, description='As a multiple: "2.5" means an ROI of 250 %.'
    )


class DayRow(StrictSchema):
    """One day of a campaign's results; a number left out is 0."""

    date: Day
    impressions: Count = 0
    clicks: Count = 0
    leads: Count = 0
    qualified_leads: Count = 0
    hot_leads: Count = 0
    conversions: Count = 0
    revenue: DecimalText = "0"
    spend: DecimalText = "0"


class DaysIn(StrictSchema):
    rows: list[DayRow] = Field(max_length=MAX_ROWS)


class FunnelCounts(StrictSchema):
    awareness: Count | None = None
    interest: Count | None = None
    consideration: Count | None = None
    intent: Count | None = None
    conversion: Count | None = None


PERIOD_PARAMS = ("start", "end", "period")


class PeriodQuery(Schema):
    start: str | None = Field(None, description="First day, YYYY-MM-DD (give end too).")
    end: str | None = Field(None, description="Last day, YYYY-MM-DD (give start too).")
    period: str | None = Field(None, description="Instead of dates: 7d, 30d, 90d, month or all.")


class CompareQuery(PeriodQuery):
    ids: str = Field(description="Comma-separated campaign ids, at least two: 12,15")


# --- Output types ---------------------------------------------------------------------------


class ErrorItem(Schema):
    index: int | None = Field(None, description="The row of a batch of days (from 0).")
    field: str | None = Field(None, description="The field, or null for the whole request.")
    message: str


class ErrorsOut(Schema):
    errors: list[ErrorItem]


class TargetsOut(Schema):
    leads: int | None
    conversions: int | None
    roi: float | None = Field(description="As a multiple: 2.5 means an ROI of 250 %.")


class HealthOut(Schema):
    state: str = Field(
        description="not_started, on_track, ahead, behind, over_budget, paused or ended",
        json_schema_extra={"enum": list(HEALTH_LABELS)},
    )
    label: str
    tone: str = Field(description="good, warning, bad or neutral: the colour pages show it in")
    reasons: list[str] = Field(description="Short sentences with the numbers behind it.")


class CampaignOut(Schema):
    id: int
    name: str
    channel: str
    status: str
    budget: str = Field(examples=["5000.00"])
    start_date: str
    end_date: str | None
    targets: TargetsOut


class CampaignWithHealthOut(CampaignOut):
    health: HealthOut


class RecordedOut(Schema):
    recorded: int = Field(description="Days written (added or replaced).")


Report = dict[str, Any]
ERRORS = {404: ErrorsOut, 422: ErrorsOut}


def campaign_dict(c: Campaign) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "channel": c.channel,
        "status": c.status,
        "budget": serialize.money_text(c.budget),
        "start_date": c.start_date.isoformat(),
        "end_date": c.end_date.isoformat() if c.end_date else None,
        "targets": {
            "leads": c.target_leads,
            "conversions": c.target_conversions,
            "roi": serialize.ratio_number(c.target_roi),
        },
    }


def metrics_dict(metrics: Metrics) -> dict:
    return {f.name: serialize.number(f.name, getattr(metrics, f.name)) for f in fields(metrics)}


def channel_dict(row: ChannelRow) -> dict:
    return {
        "channel": row.channel,
        "label": row.label,
        "campaigns": row.campaigns,
        "budget": serialize.money_text(row.budget),
        "totals": serialize.totals_dict(row.totals),
        "metrics": metrics_dict(row.metrics),
        "budget_share": serialize.ratio_number(row.budget_share),
        "spend_share": serialize.ratio_number(row.spend_share),
        "profit_share": serialize.ratio_number(row.profit_share),
    }


def ranked(reports) -> list[int]:
    return [r.campaign.pk for r in reports]


def period_dict(period: Period) -> dict:
    return {"start": period.start.isoformat(), "end": period.end.isoformat()}
