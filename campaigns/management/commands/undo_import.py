"""Undo an import batch (a file's import or an API push) by its id."""

from django.core.management.base import BaseCommand, CommandError

from campaigns import history, undo
from campaigns.models import ImportBatch, Source
from campaigns.tenancy import scopes_disabled


class Command(BaseCommand):
    help = (
        "Undo an import batch: days it added are removed, days it replaced get their old "
        "numbers back, campaigns it created are removed when nothing else refers to them. "
        "All or nothing; refused (exit status 1) when a later write touched its days."
    )

    def add_arguments(self, parser):
        parser.add_argument("batch", type=int, help="the batch's id (import_metrics prints it)")

    def handle(self, *args, batch, **options):
        with scopes_disabled():
            found = ImportBatch.objects.select_related("location").filter(pk=batch).first()
        if found is None:
            raise CommandError(f"No import batch {batch}.")
        try:
            with history.acting(Source.COMMAND):
                result = undo.undo_batch(found)
        except undo.UndoRefused as refused:
            raise CommandError(refused.message) from None
        self.stdout.write(self.style.SUCCESS(f"{found.location.name}: {result.message}"))
