"""National, tax and health numbers validated by python-stdnum (backend only).

``params.module`` names a stdnum module, e.g. ``us.ssn`` or ``gb.nino``; the module's
own ``is_valid`` decides, with ``params.options`` as its keyword arguments (e.g.
``allow_temporary`` for Finnish temporary identity codes). The JS twin has no
stdnum, so rules using it run in Python.
The engine imports each named module when it loads the bundle (``prepare``), not
inside the first scan's time budget.
"""

import importlib
from functools import cache
from types import ModuleType
from typing import Any

NAME = "stdnum"
RUNTIMES = ("python",)
DEFAULT_BOOST = 0.4


@cache
def _module(name: str) -> ModuleType:
    if not all(part.isidentifier() for part in name.split(".")):
        raise ValueError(f"not a stdnum module name: {name!r}")
    return importlib.import_module(f"stdnum.{name}")


def prepare(params: dict[str, Any]) -> None:
    _module(params["module"])


def validate(value: str, params: dict[str, Any]) -> bool:
    # stdnum's own compact() keeps meaningful dashes (century signs); spaces and dots
    # are only ever grouping, and not every module strips them.
    compact = value.replace(" ", "").replace(".", "")
    options = params.get("options") or {}
    return bool(_module(params["module"]).is_valid(compact, **options))
