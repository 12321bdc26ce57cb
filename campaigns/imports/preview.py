"""What the preview page shows of an import plan: its counts, the first rows of each list, and
its consequences (the campaigns whose health it changes, those it would create).

It is made once, when the file is uploaded (and again when a commit is refused), and kept as JSON
beside the staged file, so that viewing the preview reads no file and plans nothing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder

from campaigns.imports import consequences
from campaigns.imports.creating import PAST_CAMPAIGN_DAYS
from campaigns.imports.planning import ImportPlan
from campaigns.imports.platforms import FIELD_LABELS, column_kind

#: Rows shown of each list (refused rows, days replaced, days added); the rest are counted.
SHOWN = 500


@dataclass(frozen=True)
class Preview:
    platform_label: str
    encoding: str
    delimiter_label: str
    default_channel: str
    columns: list  # (column of the file, our field)
    not_imported: list  # (column, reason)
    number_columns: list  # (label, kind) of the numbers the file sets
    notes: list
    summary: str
    can_commit: bool
    counts: dict  # added, pending, replaced, unchanged, refused_rows, refused, missing, …
    refused: list  # {row, column, message}
    missing: list  # {name, days, first_day, last_day, completed, creation, rows, similar}
    replaced: list  # {row, campaign_name, day, changes: [(label, kind, old, new)]}
    new_days: list  # {row, campaign_name, day, new_campaign, cells: [(kind, value)]}
    health_changes: list  # {campaign, sentence, before, after: {state, label}, tone}

    @classmethod
    def of(cls, plan: ImportPlan, *, today: date | None = None) -> Preview:
        """The preview of ``plan``; reading the lifetime totals of the campaigns it writes to
        is its one query (``consequences.health_changes``)."""
        source = plan.source
        fields = source.number_fields
        new_days = sorted(plan.added + plan.pending, key=lambda d: d.row)
        changes = consequences.health_changes(plan, today=today)
        return cls(
            platform_label=source.platform_label,
            encoding=source.encoding,
            delimiter_label=source.delimiter_label,
            default_channel=source.default_channel,
            columns=source.columns,
            not_imported=list(source.header.not_imported),
            number_columns=[(FIELD_LABELS[f], column_kind(f)) for f in fields],
            notes=list(plan.notes),
            summary=plan.summary(),
            can_commit=plan.can_commit,
            counts={
                "added": len(plan.added),
                "pending": len(plan.pending),
                "replaced": len(plan.replaced),
                "unchanged": len(plan.unchanged),
                "refused_rows": plan.refused_rows,
                "refused": len(plan.refused),
                "missing": len(plan.missing),
                "new_days": len(new_days),
                "to_write": plan.to_write,
                "health_changes": len(changes),
            },
            refused=[
                {"row": p.row, "column": p.column, "message": p.message}
                for p in plan.refused[:SHOWN]
            ],
            missing=[
                {
                    "name": m.name,
                    "days": len(m.rows),
                    "first_day": m.first_day,
                    "last_day": m.last_day,
                    "completed": m.completed,
                    "creation": consequences.creation(m),
                    "rows": ", ".join(map(str, m.rows[:20])) + ("…" if len(m.rows) > 20 else ""),
                    "similar": m.similar,
                }
                for m in plan.missing[:SHOWN]
            ],
            replaced=[
                {
                    "row": d.row,
                    "campaign_name": d.campaign_name,
                    "day": d.day,
                    "changes": d.differences,
                }
                for d in plan.replaced[:SHOWN]
            ],
            new_days=[
                {
                    "row": d.row,
                    "campaign_name": d.campaign_name,
                    "day": d.day,
                    "new_campaign": d.campaign is None,
                    "cells": [(column_kind(f), d.new[f]) for f in fields],
                }
                for d in new_days[:SHOWN]
            ],
            health_changes=[
                {
                    "campaign": c.campaign,
                    "sentence": c.sentence,
                    "before": {"state": c.before.state, "label": c.before.label},
                    "after": {"state": c.after.state, "label": c.after.label},
                    "tone": c.after.tone,
                }
                for c in changes[:SHOWN]
            ],
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), cls=DjangoJSONEncoder)

    @classmethod
    def from_json(cls, text: str) -> Preview:
        data = json.loads(text)
        for item in data["missing"]:
            item["first_day"] = date.fromisoformat(item["first_day"])
            item["last_day"] = date.fromisoformat(item["last_day"])
        for item in data["replaced"]:
            item["day"] = date.fromisoformat(item["day"])
            item["changes"] = [
                (label, kind, _number(kind, old), _number(kind, new))
                for label, kind, old, new in item["changes"]
            ]
        for item in data["new_days"]:
            item["day"] = date.fromisoformat(item["day"])
            item["cells"] = [(kind, _number(kind, value)) for kind, value in item["cells"]]
        return cls(**data)

    @property
    def more_refused(self) -> int:
        return self.counts["refused"] - len(self.refused)

    @property
    def more_replaced(self) -> int:
        return self.counts["replaced"] - len(self.replaced)

    @property
    def more_new_days(self) -> int:
        return self.counts["new_days"] - len(self.new_days)

    @property
    def more_missing(self) -> int:
        return self.counts["missing"] - len(self.missing)

    @property
    def past_days(self) -> int:
        """How long ago a created campaign's last day is when it is created completed."""
        return PAST_CAMPAIGN_DAYS

    @property
    def more_health_changes(self) -> int:
        return self.counts["health_changes"] - len(self.health_changes)


def _number(kind: str, value) -> int | Decimal:
    return Decimal(value) if kind == "money" else int(value)
