import json
from pathlib import Path

import pytest

from postguard.engine import Engine
from postguard.rulebook.examples import check_rule_examples

BUNDLE_PATH = Path(__file__).resolve().parents[2] / "shared_rules/dist/ruleset.json"


def _rules():
    return json.loads(BUNDLE_PATH.read_text(encoding="utf-8"))["rules"]


@pytest.mark.parametrize("rule", _rules(), ids=lambda r: r["id"])
def test_rule_examples_pass_in_python(engine: Engine, rule):
    assert check_rule_examples(engine, rule) == []


def test_every_category_and_starter_family_has_a_rule(bundle):
    types = {r["type"] for r in bundle["rules"]}
    assert {
        "CREDIT_CARD",
        "IBAN",
        "ROUTING_NUMBER",
        "EMAIL",
        "PHONE",
        "US_SSN",
        "SECRET",
        "PRIVATE_KEY",
        "PASSWORD",
        "CONFIDENTIAL_TERM",
    } <= types
