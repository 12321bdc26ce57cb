"""Import a CSV file of daily results (ours, Google Ads or Meta Ads Manager) into a location."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaigns import history, imports
from campaigns.imports import consequences
from campaigns.models import Campaign, Location, Source


class Command(BaseCommand):
    help = (
        "Import daily results from a CSV file: prints the preview, then writes all rows or none. "
        "Nothing is written when a row is refused or a campaign is not found."
    )

    def add_arguments(self, parser):
        parser.add_argument("location_slug")
        parser.add_argument("file", help="path of the CSV file")
        parser.add_argument("--dry-run", action="store_true", help="preview only, write nothing")
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="create the campaigns the file names that the location does not have",
        )
        parser.add_argument(
            "--channel",
            choices=Campaign.Channel.values,
            help="channel of the campaigns created (default: paid_ads for Google Ads files, "
            "social for Meta files; required for our format)",
        )

    def handle(self, *args, location_slug, file, dry_run, create_missing, channel, **options):
        location = Location.objects.filter(slug=location_slug).first()
        if location is None:
            raise CommandError(f"No location with slug “{location_slug}”.")
        parsed = read_file(Path(file))
        plan = imports.plan_import(location=location, parsed=parsed)
        self.stdout.write(render_plan(plan, file, location))
        if plan.refused:
            raise CommandError(
                f"{plan.refused_rows:,} row(s) refused (listed above): nothing was imported."
            )
        if plan.missing and not create_missing:
            names = ", ".join(f"“{m.name}”" for m in plan.missing)
            raise CommandError(
                f"Campaigns not found in {location.name}: {names}. Nothing was imported. "
                "Create them, or run again with --create-missing --channel CHANNEL."
            )
        if plan.missing and not (channel or parsed.default_channel):
            raise CommandError("Give the channel of the campaigns to create: --channel CHANNEL.")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        try:
            with history.acting(Source.COMMAND):
                result = imports.commit_import(
                    location=location,
                    parsed=parsed,
                    create_missing=create_missing,
                    channel=channel or "",
                    file_name=Path(file).name,
                )
        except imports.ImportRefused as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(result.message))
        if result.batch is not None:
            self.stdout.write(
                f"batch {result.batch.pk} (undo it with: manage.py undo_import {result.batch.pk})"
            )


def read_file(path: Path) -> imports.ParsedFile:
    """The file read as a stream (never held whole in memory)."""
    try:
        with path.open("rb") as file:
            return imports.read_csv(file)
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
    except imports.ImportFileError as error:
        raise CommandError(f"{path}: {' '.join(error.messages)}") from None


def render_plan(plan: imports.ImportPlan, file: str, location: Location) -> str:
    source = plan.source
    lines = [
        f"{file}: {source.platform_label} ({source.encoding}, {source.delimiter_label}-separated)"
        f" into {location.name}",
        f"Columns: {', '.join(f'{column} → {label}' for column, label in source.columns)}",
    ]
    if source.header.not_imported:
        left_out = ", ".join(f"{c} ({why})" for c, why in source.header.not_imported)
        lines.append(f"Not imported: {left_out}")
    lines.extend(f"Note: {note}" for note in plan.notes)
    lines.append(plan.summary())
    for day in plan.replaced:
        changes = "; ".join(f"{label} {old} → {new}" for label, _, old, new in day.differences)
        lines.append(f"  replace row {day.row}: {day.campaign_name} {day.day}: {changes}")
    for missing in plan.missing:
        lines.append(
            f"  campaign not found: “{missing.name}” ({len(missing.rows)} day(s) from "
            f"{missing.first_day}, rows {', '.join(map(str, missing.rows[:10]))}"
            f"{'…' if len(missing.rows) > 10 else ''})"
            + (f"; did you mean “{missing.similar}”?" if missing.similar else "")
        )
    for problem in plan.refused:
        lines.append(f"  refused row {problem.row}, {problem.column}: {problem.message}")
    lines.extend(consequence_lines(plan))
    return "\n".join(lines)


def consequence_lines(plan: imports.ImportPlan) -> list[str]:
    """What the commit would change in campaign health, and the campaigns it would create: the
    preview page's sentences."""
    lines = []
    changes = consequences.health_changes(plan)
    if changes:
        lines.append("Campaign health after the commit:")
        lines.extend(f"  {change.sentence}." for change in changes)
    elif plan.to_write:
        lines.append("Campaign health after the commit: no campaign's health changes.")
    if plan.missing:
        lines.append("If the campaigns not found are created (--create-missing):")
        lines.extend(f"  {consequences.creation(missing)}." for missing in plan.missing)
    return lines
