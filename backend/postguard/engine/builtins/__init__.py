"""Matchers a regex cannot express. Backend-only: the JS twin skips their rules.

Each module defines ``NAME``, ``RUNTIMES``,
``find(norm_text, candidate_spans, regions, check_budget, has_context) -> iterator of
(start, end)`` (calling ``check_budget()`` in its loop, which raises when the scan's
budget is spent; ``regions`` is a ``RegionHints``) and ``prepare(regions)``, which
loads ahead what ``find`` would load lazily for those regions.
"""

from typing import NamedTuple

from ..registry import discover


class RegionHints(NamedTuple):
    """Phone regions: ``hinted`` (the request's locale, then the configured ones) are
    tried for every candidate; ``near_phone_word`` only when a phone word is near
    and no hinted region validates the number."""

    hinted: tuple[str, ...]
    near_phone_word: tuple[str, ...] = ()


REGISTRY = discover(__name__, __path__)
