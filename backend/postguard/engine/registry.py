"""Find the modules of a plug-in package by name: adding one is adding a file."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from types import ModuleType


def discover(package: str, path: Iterable[str]) -> dict[str, ModuleType]:
    """``NAME`` -> module for every module in ``package``, sorted by name."""
    found: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(path):
        module = importlib.import_module(f"{package}.{info.name}")
        found[module.NAME] = module
    return dict(sorted(found.items()))
