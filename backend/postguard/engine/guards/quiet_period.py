"""Quiet periods: results, deals or numbers of the organisation during a blackout.

A window applies on the dates from ``start`` to ``end`` (inclusive, ISO strings,
the device's local date) and, when it lists ``groups``, only to devices in one
of them.
"""

from __future__ import annotations

from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any

import regex

from .words import first_near


def active_window(
    windows: Iterable[Mapping[str, Any]], today: str, groups: Collection[str]
) -> Mapping[str, Any] | None:
    """The first window (in policy order) open today for this device."""
    for window in windows:
        if not str(window["start"]) <= today <= str(window["end"]):
            continue
        wanted = window.get("groups")
        if wanted and not set(wanted) & set(groups):
            continue
        return window
    return None


def results_mention(
    text: str,
    names: regex.Pattern[str],
    financial: regex.Pattern[str],
    window_words: int,
) -> regex.Match[str] | None:
    """The name mentioned next to financial-result wording."""
    return first_near(text, names, financial, window_words)
