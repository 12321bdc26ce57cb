"""CSV import of daily results: read a file that we, Google Ads or Meta Ads Manager exported,
plan it against a location (days added, replaced, unchanged or refused; campaigns not found),
then commit the plan in one transaction: all rows or none.

Reading a file needs no database; planning makes two queries whatever the size of the file;
committing writes the rows with one bulk upsert through ``services.record_rows``.
"""

from campaigns.imports.cells import parse_count, parse_day, parse_number
from campaigns.imports.planning import (
    ImportPlan,
    ImportResult,
    MissingCampaign,
    PlannedDay,
    commit_import,
    plan_import,
)
from campaigns.imports.platforms import DEFAULT_CHANNELS, KNOWN_UNUSED, MAPPING, PLATFORMS
from campaigns.imports.reading import (
    ImportFileError,
    ImportRefused,
    ParsedFile,
    parse_csv,
    too_large_message,
)

__all__ = [
    "DEFAULT_CHANNELS",
    "KNOWN_UNUSED",
    "MAPPING",
    "PLATFORMS",
    "ImportFileError",
    "ImportPlan",
    "ImportRefused",
    "ImportResult",
    "MissingCampaign",
    "ParsedFile",
    "PlannedDay",
    "commit_import",
    "parse_count",
    "parse_csv",
    "parse_day",
    "parse_number",
    "plan_import",
    "too_large_message",
]
