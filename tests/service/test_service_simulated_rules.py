"""Rules in simulation: the policy's ``simulate`` list and the rule's own
``simulate: true``. A simulated finding is recorded with the action it would have
had, shown to nobody, and never changes the verdict; the rest stays enforced."""

from __future__ import annotations

import json

import pytest
import yaml
from service_support import CARD
from service_support import Api

from postguard.app import create_app
from postguard.engine import Engine
from postguard.policy import Policy
from postguard.policy import PolicyError

SCAN = "/api/v1/scan"
POLICY_YAML = """\
version: 1
mode: enforce
default_action: warn
actions:
  credential: {high: block}
  account_number: {high: block_with_override}
platforms:
  x:
  linkedin:
    rules: {credit-card: warn}
"""
SHIPPED = json.loads(Engine.load().bundle_bytes)


def finding(rule_id, category="credential", severity="high"):
    return {"rule_id": rule_id, "category": category, "severity": severity}


def policy_with(text: str = "", rules=()) -> Policy:
    return Policy.from_data(yaml.safe_load(POLICY_YAML + text), rules)


CARD_FINDING = finding("credit-card", "account_number")
JWT_FINDING = finding("jwt")


@pytest.mark.parametrize(
    "policy",
    [
        pytest.param(policy_with("simulate: [credit-card]\n"), id="policy-list"),
        pytest.param(
            policy_with(rules=[{"id": "credit-card", "simulate": True}]),
            id="rule-flag",
        ),
    ],
)
def test_a_simulated_rule_is_audited_with_its_would_be_action(policy):
    for platform in (None, "x", "linkedin"):
        decided, verdict = policy.apply([CARD_FINDING], platform, complete=True)
        would = policy.action_for(CARD_FINDING, platform)
        assert decided == [
            {**CARD_FINDING, "action": "audit", "simulated_action": would}
        ]
        assert verdict == "allow"
    # Per platform: what linkedin would do differs from the rest.
    assert policy.apply([CARD_FINDING], "linkedin", True)[0][0]["simulated_action"] == (
        "warn"
    )
    # The other rules stay enforced, and decide the verdict alone.
    decided, verdict = policy.apply([CARD_FINDING, JWT_FINDING], "x", complete=True)
    assert [f["action"] for f in decided] == ["audit", "block"]
    assert "simulated_action" not in decided[1]
    assert verdict == "block"


def test_only_a_flag_that_is_true_simulates():
    for flag in (False, "true", 1, None):
        policy = policy_with(rules=[{"id": "credit-card", "simulate": flag}])
        decided, verdict = policy.apply([CARD_FINDING], "x", complete=True)
        assert decided[0]["action"] == "block_with_override", flag
        assert verdict == "block"


def test_a_simulated_rule_past_the_cap_does_not_count_for_the_verdict():
    policy = policy_with("simulate: [jwt]\n")
    assert policy.apply([], "x", True, unlisted=[JWT_FINDING]) == ([], "allow")
    # An enforced rule past the cap still does.
    assert policy.apply([], "x", True, unlisted=[CARD_FINDING])[1] == "block"


def test_an_incomplete_scan_keeps_its_floor():
    policy = policy_with("simulate: [credit-card]\n")
    assert policy.apply([CARD_FINDING], "x", complete=False)[1] == "warn"


def test_a_plain_audit_finding_carries_no_simulated_action():
    policy = policy_with("rules: {jwt: audit}\nsimulate: [credit-card]\n")
    decided, _ = policy.apply([JWT_FINDING, CARD_FINDING], "x", complete=True)
    assert [f["action"] for f in decided] == ["audit", "audit"]
    assert ["simulated_action" in f for f in decided] == [False, True]


@pytest.mark.parametrize(
    "entry, words",
    [
        ("simulate: credit-card\n", "not of type 'array'"),
        ("simulate: [Credit Card]\n", "does not match"),
        ("simulate: [jwt, jwt]\n", "non-unique"),
    ],
)
def test_a_malformed_simulate_list_names_the_line(tmp_path, entry, words):
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY_YAML + entry)
    with pytest.raises(PolicyError) as caught:
        Policy.load(path, SHIPPED)
    line = len(POLICY_YAML.splitlines()) + 1
    assert f"{path}, line {line}:" in str(caught.value)
    assert words in str(caught.value)


def test_a_simulate_entry_naming_no_rule_is_refused_with_its_line(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY_YAML + "simulate:\n  - jwt\n  - credit-crad\n  - nope\n")
    policy = Policy.load(path, SHIPPED)
    known = {rule["id"] for rule in SHIPPED["rules"]}
    with pytest.raises(PolicyError) as caught:
        policy.check_simulated_ids(known, path)
    message = str(caught.value)
    assert message.startswith(f"{path}, line {len(POLICY_YAML.splitlines()) + 3}:")
    assert "'credit-crad'" in message and "(and 1 more)" in message
    policy.check_simulated_ids(known | {"credit-crad", "nope"}, path)  # no error


def test_the_service_refuses_to_start_on_an_unknown_simulated_rule(settings, tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY_YAML + "simulate: [credit-crad]\n")
    with pytest.raises(
        PolicyError, match=rf"line {len(POLICY_YAML.splitlines()) + 1}:"
    ):
        create_app({**settings, "POLICY_FILE": str(path)})


def test_the_organisation_lists_rule_ids_may_be_simulated_before_they_exist(
    settings, tmp_path
):
    path = tmp_path / "policy.yaml"
    path.write_text(
        POLICY_YAML + "simulate: [internal-domain, confidential-term-low]\n"
    )
    app = create_app({**settings, "POLICY_FILE": str(path)})
    assert {"internal-domain", "confidential-term-low"} <= app.extensions[
        "postguard"
    ].policy.simulated
    app.extensions["postguard"].audit.close()


def scan(app, text, platform="x"):
    response = Api(app.test_client()).post(
        SCAN, json={"text": text, "platform": platform}
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_scan_answer_shows_a_simulated_rule_to_nobody(settings, tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY_YAML + "simulate: [credit-card]\n")
    app = create_app({**settings, "POLICY_FILE": str(path)})
    body = scan(app, f"card {CARD}")
    card = [f for f in body["findings"] if f["rule_id"] == "credit-card"]
    assert [(f["action"], f.get("simulated_action")) for f in card] == [
        ("audit", "block_with_override")
    ]
    assert body["verdict"] == "allow" and body["mode"] == "enforce"
    # The bundle served to the extension carries the list, so offline agrees.
    served = json.loads(app.extensions["postguard"].bundle_bytes)
    assert served["policy"]["simulate"] == ["credit-card"]
    app.extensions["postguard"].audit.close()


def test_a_rule_flagged_in_the_bundle_is_simulated_by_the_service(settings, tmp_path):
    bundle = json.loads(json.dumps(SHIPPED))
    for rule in bundle["rules"]:
        if rule["id"] == "credit-card":
            rule["simulate"] = True
    path = tmp_path / "ruleset.json"
    path.write_text(json.dumps(bundle))
    app = create_app({**settings, "RULES_BUNDLE": str(path)})
    body = scan(app, f"card {CARD}")
    [card] = body["findings"]
    would = app.extensions["postguard"].policy.action_for(card, "x")
    assert would != "audit", "the shipped policy must act on a card"
    assert (card["action"], card["simulated_action"]) == ("audit", would)
    assert body["verdict"] == "allow"
    app.extensions["postguard"].audit.close()
