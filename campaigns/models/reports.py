"""Scheduled client reports: the schedule, who receives it, and the delivery log."""

from __future__ import annotations

__all__: list[str] = []
