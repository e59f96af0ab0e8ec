"""Validators: checks that run on a regex candidate after it matched.

Each module here defines ``NAME``, ``RUNTIMES`` (``python`` and, when the JS twin has
it too, ``js``), ``DEFAULT_BOOST`` (score points added on a pass) and
``validate(value, params) -> bool``. Modules are discovered by name, so adding a
validator is one file here, one in ``extension/src/engine/validators/`` and a vector
file in ``shared_rules/vectors/``; the registry test fails until all agree.
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


def digits_of(value: str) -> str:
    return "".join(c for c in value if "0" <= c <= "9")


REGISTRY = _discover()  # after digits_of: validator modules import it
