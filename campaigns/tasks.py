"""Background tasks (django.tasks). Each runs inside the scope of the location it is for.

Enqueued by the scheduler (campaigns.scheduling) and run by the worker (`manage.py db_worker`),
or in-process by `manage.py run_scheduler --sync`. Arguments are plain ids (JSON), never models.
"""

from __future__ import annotations

import logging

from django.tasks import task

from campaigns.models import Campaign, Location
from campaigns.tenancy import scope

logger = logging.getLogger(__name__)


@task
def run_daily_checks(location_id: int) -> int:
    """The daily checks of one location: returns how many active campaigns were checked.

    For now it evaluates nothing (the alert rules come later); it proves the plumbing: the
    worker runs it once a day per location, inside that location's scope only.
    """
    location = Location.objects.filter(pk=location_id).first()
    if location is None:
        logger.warning("Daily checks: location %s no longer exists; nothing to check", location_id)
        return 0
    with scope(location):
        checked = Campaign.objects.active().count()
    logger.info("Daily checks for %s: %d active campaign(s) checked", location.slug, checked)
    return checked
