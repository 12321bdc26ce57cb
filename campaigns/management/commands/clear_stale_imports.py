"""Delete staged import uploads older than a maximum age: previews nobody committed or cancelled;
end the background import and undo jobs whose worker died, and delete the jobs of that age.

Run it from cron, for example hourly: ``manage.py clear_stale_imports``.
"""

from datetime import UTC, datetime, timedelta

from django.core.management.base import BaseCommand, CommandError

from campaigns import undo_jobs
from campaigns.imports import jobs, staging


class Command(BaseCommand):
    help = (
        "Delete staged import uploads (and their previews) older than --older-than hours "
        "(default: IMPORT_STAGED_MAX_AGE_HOURS, 24), printing each one removed; end background "
        "import and undo jobs whose worker stopped (no progress for 15 minutes) as failed, and "
        "delete the jobs of that age."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            default=None,
            metavar="HOURS",
            help="remove uploads older than this many hours (default: the expiry of a preview)",
        )

    def handle(self, *args, older_than, **options):
        hours = older_than if older_than is not None else staging.max_age().total_seconds() / 3600
        if hours < 0:
            raise CommandError("--older-than must be 0 hours or more.")
        removed = staging.remove_older_than(timedelta(hours=hours))
        for token, filename, uploaded_at in removed:
            when = datetime.fromtimestamp(uploaded_at, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
            self.stdout.write(f"Removed {token} ({filename or 'unknown file'}, uploaded {when})")
        self.stdout.write(
            f"{len(removed)} staged upload{'' if len(removed) == 1 else 's'} older than "
            f"{hours:g} hours removed from {staging.staging_dir()}."
        )
        failed, deleted = jobs.clear_stale(timedelta(hours=hours))
        self.stdout.write(
            f"{failed} stalled background import{'' if failed == 1 else 's'} ended as failed; "
            f"{deleted} import job{'' if deleted == 1 else 's'} older than {hours:g} hours "
            "deleted."
        )
        undos = undo_jobs.clear_stale()
        self.stdout.write(
            f"{undos} stalled background undo{'' if undos == 1 else 's'} ended as failed "
            "(nothing was changed)."
        )
