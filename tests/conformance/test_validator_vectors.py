"""The shared validator vectors (shared_rules/vectors/*.json) through the Python
validators; tests/conformance/validator-vectors.test.js runs the same files in JS.

A validator gets the bundle-wide params the shipped bundle gives it (the IBAN
countries), under the vector's own, as in a scan."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from postguard.engine import validators

REPO = Path(__file__).resolve().parents[2]
VECTOR_DIR = REPO / "shared_rules" / "vectors"
BUNDLE = REPO / "extension" / "rules" / "ruleset.json"


@functools.cache
def shared_params() -> dict[str, dict]:
    bundle = json.loads(BUNDLE.read_text(encoding="utf-8"))
    return {n: s.get("params", {}) for n, s in bundle["validators"].items()}


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
    params = {**shared_params().get(name, {}), **vector.get("params", {})}
    outcome = module.validate(vector["value"], params)
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


def test_every_iban_country_has_a_valid_and_an_invalid_vector():
    spec = json.loads((VECTOR_DIR / "iban.json").read_text(encoding="utf-8"))
    seen: dict[str, set[bool]] = {}
    for vector in spec["vectors"]:
        country = "".join(c for c in vector["value"] if c.isalnum())[:2].upper()
        seen.setdefault(country, set()).add(vector["valid"])
    countries = shared_params()["iban"]["countries"]
    assert countries, "the bundle gives the iban validator no countries"
    missing = sorted(c for c in countries if seen.get(c) != {True, False})
    assert not missing, f"countries without a valid and an invalid vector: {missing}"
