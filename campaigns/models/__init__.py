"""Domain models, one module per seam: ``tenants`` (Location, Membership, Role), ``campaign``
(Campaign), ``days`` (DailyMetric, FunnelStage; ``recorded`` records their writes), ``access``
(ApiToken, Invitation), ``automation``
(ScheduledRun, Alert), ``alerting`` (custom alert rules, e-mail preferences), ``reports``
(report schedules and their delivery log), ``history`` (every write's old and new values,
import batches), ``rollups`` (monthly and lifetime sums of the
daily rows). The last four export what their ``__all__`` names.

Tenant-owned rows carry their location directly and are reached only through
``campaigns.tenancy.ScopedManager``. Every index and unique constraint of a tenant table is led
by ``location`` so the tables can later be distributed by location (Citus) unchanged.
"""

from campaigns.models import alerting, history, reports, rollups
from campaigns.models.access import ApiToken, Invitation
from campaigns.models.alerting import *  # noqa: F403
from campaigns.models.automation import Alert, ScheduledRun
from campaigns.models.campaign import MONEY, Campaign, CampaignQuerySet, Channel
from campaigns.models.days import (
    DAILY_COUNT_FIELDS,
    DAILY_MONEY_FIELDS,
    DAILY_NUMBER_FIELDS,
    DailyMetric,
    FunnelStage,
)
from campaigns.models.history import *  # noqa: F403
from campaigns.models.jobs import ImportJob
from campaigns.models.membership_versions import MembershipVersion
from campaigns.models.reports import *  # noqa: F403
from campaigns.models.rollups import *  # noqa: F403
from campaigns.models.tenants import Location, Membership, Role, validate_time_zone

__all__ = [
    "DAILY_COUNT_FIELDS",
    "DAILY_MONEY_FIELDS",
    "DAILY_NUMBER_FIELDS",
    "MONEY",
    "Alert",
    "ApiToken",
    "Campaign",
    "CampaignQuerySet",
    "Channel",
    "DailyMetric",
    "FunnelStage",
    "ImportJob",
    "Invitation",
    "Location",
    "Membership",
    "MembershipVersion",
    "Role",
    "ScheduledRun",
    "validate_time_zone",
    *alerting.__all__,
    *history.__all__,
    *reports.__all__,
    *rollups.__all__,
]
