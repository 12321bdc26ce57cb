"""What a location asks to be alerted about (custom rules) and how each member hears of it."""

from __future__ import annotations

__all__: list[str] = []
