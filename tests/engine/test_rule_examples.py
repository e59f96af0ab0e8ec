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


def test_examples_run_without_the_time_budget(bundle, engine_with):
    # A bundle whose budget is used up before any rule: examples still pass, so
    # how busy the machine is cannot decide them. (The budget has its own tests.)
    spent = {**bundle["defaults"], "budget_ms": 0, "rule_timeout_ms": 0}
    engine = engine_with(defaults=spent)
    assert not engine.scan("mail jane@acme-corp.com").complete
    for rule in bundle["rules"]:
        assert check_rule_examples(engine, rule) == [], rule["id"]
