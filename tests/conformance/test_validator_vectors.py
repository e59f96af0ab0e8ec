"""The shared validator vectors (shared_rules/vectors/*.json) through the Python
validators; tests/conformance/validator-vectors.test.js runs the same files in JS."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from postguard.engine import validators

VECTOR_DIR = Path(__file__).resolve().parents[2] / "shared_rules" / "vectors"


def _cases():
    for path in sorted(VECTOR_DIR.glob("*.json")):
        spec = json.loads(path.read_text(encoding="utf-8"))
        for number, vector in enumerate(spec["vectors"]):
            yield pytest.param(
                spec["validator"],
                vector,
                id=f"{path.stem}-{number}-{vector['why'][:40]}",
            )


def test_vector_files_exist():
    assert sorted(VECTOR_DIR.glob("*.json")), f"no vector files in {VECTOR_DIR}"


@pytest.mark.parametrize(("name", "vector"), list(_cases()))
def test_python_validator_agrees_with_vector(name, vector):
    module = validators.REGISTRY[name]
    outcome = module.validate(vector["value"], vector.get("params", {}))
    assert outcome is vector["valid"], vector["why"]


@pytest.mark.parametrize(
    "path", sorted(VECTOR_DIR.glob("*.json")), ids=lambda p: p.stem
)
def test_vector_file_is_well_formed(path):
    spec = json.loads(path.read_text(encoding="utf-8"))
    assert spec["validator"] == path.stem
    assert spec["references"], "cite where the facts come from"
    outcomes = {v["valid"] for v in spec["vectors"]}
    assert outcomes == {True, False}, "each file needs valid and invalid inputs"
    for vector in spec["vectors"]:
        assert set(vector) <= {"value", "params", "valid", "why"}, vector
        assert isinstance(vector["value"], str) and vector["why"].strip()
