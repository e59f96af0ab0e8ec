import json
from pathlib import Path

import pytest

from postguard.engine import Engine

REPO = Path(__file__).resolve().parents[2]
BUNDLE_PATH = REPO / "shared_rules" / "dist" / "ruleset.json"


@pytest.fixture(scope="session")
def bundle() -> dict:
    return json.loads(BUNDLE_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.load(BUNDLE_PATH)


@pytest.fixture(scope="session")
def engine_with(bundle):
    """Build an engine over a modified copy of the bundle (rules, defaults, allow)."""

    def build(**changes) -> Engine:
        return Engine(json.dumps({**bundle, **changes}).encode("utf-8"))

    return build
