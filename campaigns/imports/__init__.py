"""CSV import of daily results: read a file that we, Google Ads or Meta Ads Manager exported,
plan it against a location (days added, replaced, unchanged or refused; campaigns not found),
then commit the plan in one transaction: all rows or none.

Reading a file streams it and needs no database (``reading``, ``decoding``, ``platforms``,
``cells``); planning makes two queries whatever the size of the file and takes no lock
(``planning``); committing checks that nothing changed and writes in one short transaction with
bulk statements (``writing``). Between upload and commit, files wait in ``staging``; their
preview (``preview``) says what the commit would change in campaign health and which campaigns
it would create (``consequences``: one more query, the lifetime totals; ``creating``: how a
campaign the file names but the location lacks is made).
"""

from campaigns.imports.cells import parse_count, parse_day, parse_number
from campaigns.imports.creating import MissingCampaign
from campaigns.imports.planning import ImportPlan, PlannedDay, plan_import
from campaigns.imports.platforms import DEFAULT_CHANNELS, KNOWN_UNUSED, MAPPING, PLATFORMS
from campaigns.imports.reading import (
    ImportFileError,
    ImportRefused,
    ParsedFile,
    max_rows,
    parse_csv,
    read_csv,
    too_large_message,
)
from campaigns.imports.writing import ImportResult, commit_import

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
    "max_rows",
    "parse_count",
    "parse_csv",
    "parse_day",
    "parse_number",
    "plan_import",
    "read_csv",
    "too_large_message",
]
