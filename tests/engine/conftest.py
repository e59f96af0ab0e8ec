import importlib.util
import json
from pathlib import Path

import pytest

from postguard.engine import Engine

REPO = Path(__file__).resolve().parents[2]
BUNDLE_PATH = REPO / "shared_rules" / "dist" / "ruleset.json"
# Tests that are not about the time budget scan without one a busy machine could
# use up; the budget has its own tests (test_budget.py), on a fake clock.
UNHURRIED = {"budget_ms": 600_000, "rule_timeout_ms": 600_000}


@pytest.fixture(scope="session")
def bundle() -> dict:
    return json.loads(BUNDLE_PATH.read_text(encoding="utf-8"))


def _engine(bundle: dict, defaults: dict) -> Engine:
    return Engine(json.dumps({**bundle, "defaults": defaults}).encode("utf-8"))


@pytest.fixture(scope="session")
def engine(bundle) -> Engine:
    """The shipped bundle, without the time budget."""
    return _engine(bundle, {**bundle["defaults"], **UNHURRIED})


@pytest.fixture(scope="session")
def engine_with(bundle):
    """Build an engine over a modified copy of the bundle (rules, defaults, allow).
    Without ``defaults``, the budget is lifted as for ``engine``."""

    def build(**changes) -> Engine:
        defaults = changes.pop("defaults", {**bundle["defaults"], **UNHURRIED})
        return _engine({**bundle, **changes}, defaults)

    return build


@pytest.fixture(scope="session")
def evaluate_script():
    """scripts/evaluate.py, loaded as a module (scripts/ is no package)."""
    spec = importlib.util.spec_from_file_location(
        "evaluate", REPO / "scripts" / "evaluate.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
