"""Matchers a regex cannot express. Backend-only: the JS twin skips their rules.

Each module defines ``NAME``, ``RUNTIMES``,
``find(norm_text, candidate_spans, regions, check_budget) -> iterator of (start, end)``
(calling ``check_budget()`` in its loop, which raises when the scan's budget is
spent) and ``prepare(regions)``, which loads ahead what ``find`` would load lazily.
"""

from ..registry import discover

REGISTRY = discover(__name__, __path__)
