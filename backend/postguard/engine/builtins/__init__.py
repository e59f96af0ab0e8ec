"""Matchers a regex cannot express. Backend-only: the JS twin skips their rules.

Each module defines ``NAME``, ``RUNTIMES`` and
``find(norm_text, candidate_spans, regions) -> list[(start, end)]``.
"""

from ..registry import discover

REGISTRY = discover(__name__, __path__)
