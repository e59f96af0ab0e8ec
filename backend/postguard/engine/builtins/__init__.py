"""Matchers a regex cannot express. Backend-only: the JS twin skips their rules.

Each module defines ``NAME``, ``RUNTIMES`` and
``find(norm_text, candidate_spans, rule, options) -> list[(start, end)]``.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def _discover() -> dict[str, ModuleType]:
    found: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        found[module.NAME] = module
    return dict(sorted(found.items()))


REGISTRY = _discover()
