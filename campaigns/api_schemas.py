"""The JSON API's input and output types, and the JSON built from analytics results.

Inputs are strict (see ``campaigns.api_types``): unknown fields are refused, nothing is coerced
from a string, and each field's JSON Schema states exactly what it accepts, bounds from
``campaigns.bounds`` included. What a schema cannot state (a rule between fields, against
stored data or against today's date) is the services' to check. Outputs are typed so the
OpenAPI document says exactly what each operation answers; the report JSON itself is
``campaigns.serialize``.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from campaigns import serialize
from campaigns.analytics.figures import Metrics
from campaigns.analytics.results import HEALTH_LABELS, ChannelRow
from campaigns.api_types import (
    CampaignIds,
    Count,
    Day,
    FunnelCount,
    Money,
    Name,
    RoiMultiple,
)
from campaigns.models import Campaign
from campaigns.periods import PRESETS

MAX_ROWS = 5000

Channel = Literal[*Campaign.Channel.values]
CampaignStatus = Literal[*Campaign.Status.values]
PeriodName = Literal[*(name for name in PRESETS if name != "custom")]


# --- Input types ----------------------------------------------------------------------------


class StrictSchema(Schema):
    """Unknown fields are refused, not silently dropped (a typo must not lose a number)."""

    model_config = ConfigDict(extra="forbid")


class CampaignIn(StrictSchema):
    name: Name
    channel: Channel
    status: CampaignStatus = Campaign.Status.ACTIVE.value
    budget: Money = "0"
    start_date: Day
    end_date: Day | None = None
    target_leads: Count | None = None
    target_conversions: Count | None = None
    target_roi: RoiMultiple | None = Field(
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
    revenue: Money = "0"
    spend: Money = "0"


class DaysIn(StrictSchema):
    rows: list[DayRow] = Field(min_length=1, max_length=MAX_ROWS)


class FunnelIn(StrictSchema):
    """The stages to set (at least one); the others keep their counts."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})

    awareness: FunnelCount = None
    interest: FunnelCount = None
    consideration: FunnelCount = None
    intent: FunnelCount = None
    conversion: FunnelCount = None

    @model_validator(mode="before")
    @classmethod
    def at_least_one_stage(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data:
            raise PydanticCustomError("no_stage", "Give the count of at least one funnel stage.")
        return data


PERIOD_PARAMS = ("start", "end", "period")


class PeriodQuery(Schema):
    start: Day = Field(None, description="First day, YYYY-MM-DD (give end too).")
    end: Day = Field(None, description="Last day, YYYY-MM-DD (give start too).")
    period: PeriodName = Field(
        None,
        description=(
            "Instead of dates: 7d, 30d, 90d, month or all (complete days, ending yesterday), "
            "or today (today so far, partial)."
        ),
    )


class CompareQuery(PeriodQuery):
    ids: CampaignIds = Field(
        description="Comma-separated campaign ids, at least two (at most 50): 12,15"
    )


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
        description=", ".join(HEALTH_LABELS),
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


class FunnelOut(Schema):
    """Every stage's recorded count; null: none recorded."""

    awareness: int | None = None
    interest: int | None = None
    consideration: int | None = None
    intent: int | None = None
    conversion: int | None = None


class RecordedOut(Schema):
    recorded: int = Field(description="Days written (added or replaced).")
    batch: int = Field(
        description="The push's batch: its changes are listed, and can be undone together, on "
        "the location's import batches page."
    )


Report = dict[str, Any]


def errors(*statuses: int) -> dict[int, type[ErrorsOut]]:
    """The error answers an operation declares: each status with the one JSON error format."""
    return dict.fromkeys(statuses, ErrorsOut)


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
        "period_budget": serialize.money_text(row.period_budget),
        "totals": serialize.totals_dict(row.totals),
        "metrics": metrics_dict(row.metrics),
        "budget_share": serialize.ratio_number(row.budget_share),
        "spend_share": serialize.ratio_number(row.spend_share),
        "profit_share": serialize.ratio_number(row.profit_share),
    }


def ranked(reports) -> list[int]:
    return [r.campaign.pk for r in reports]


period_dict = serialize.period_dict
