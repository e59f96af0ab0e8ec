"""Policy: actions per category and severity, overrides, simulation, bad files."""

from __future__ import annotations

import json

import pytest

from postguard.engine import Engine
from postguard.policy import Policy
from postguard.policy import PolicyError

NO_BUNDLE: dict = {}  # a file policy never looks at the bundle


def load(path) -> Policy:
    return Policy.load(path, NO_BUNDLE)


def finding(category="credential", severity="high", rule_id="aws-access-key"):
    return {
        "rule_id": rule_id,
        "category": category,
        "severity": severity,
        "start": 0,
        "end": 4,
        "preview": "•••• 1234",
    }


POLICY_YAML = """\
version: 1
mode: enforce
default_action: warn
actions:
  credential: {high: block, low: audit}
  pii: {medium: warn}
  account_number: {high: block_with_override}
rules:
  noisy-rule: audit
platforms:
  x:
  linkedin:
    actions:
      credential: {high: warn}
    rules:
      aws-access-key: block_with_override
"""


@pytest.fixture
def policy(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY_YAML)
    return load(path)


@pytest.mark.parametrize(
    "category, severity, platform, expected",
    [
        ("credential", "high", None, "block"),
        ("credential", "low", None, "audit"),
        ("pii", "medium", "x", "warn"),
        ("pii", "critical", None, "warn"),  # not listed: default_action
        ("credential", "high", "x", "block"),  # platform without overrides
    ],
)
def test_action_by_category_and_severity(
    policy, category, severity, platform, expected
):
    rule = "some-rule"
    assert policy.action_for(finding(category, severity, rule), platform) == expected


def test_platform_override_beats_global_entry(policy):
    assert policy.action_for(finding(rule_id="github-token"), "linkedin") == "warn"
    assert policy.action_for(finding(rule_id="github-token"), "x") == "block"


def test_rule_override_beats_category_and_platform_rule_beats_global(policy):
    assert policy.action_for(finding(rule_id="noisy-rule"), None) == "audit"
    assert policy.action_for(finding(rule_id="noisy-rule"), "linkedin") == "audit"
    assert policy.action_for(finding(), "linkedin") == "block_with_override"


@pytest.mark.parametrize(
    "actions, verdict",
    [
        ([], "allow"),
        (["audit"], "allow"),
        (["audit", "warn"], "warn"),
        (["warn", "block_with_override"], "block"),
        (["block", "audit"], "block"),
    ],
)
def test_verdict_follows_the_strongest_action(actions, verdict):
    severities = {
        "audit": "low",
        "warn": "medium",
        "block_with_override": "high",
        "block": "critical",
    }
    data = {
        "version": 1,
        "mode": "enforce",
        "default_action": "warn",
        "actions": {"pii": {severities[a]: a for a in actions}},
        "platforms": {"x": None},
    }
    policy = Policy.from_data(data)
    findings = [finding("pii", severities[a]) for a in actions]
    decided, got = policy.apply(findings, None, complete=True)
    assert got == verdict
    assert [f["action"] for f in decided] == actions


def test_incomplete_scan_is_never_allowed(policy):
    assert policy.apply([], None, complete=False)[1] == "warn"
    strict = Policy.from_data(
        {
            "version": 1,
            "mode": "enforce",
            "default_action": "warn",
            "on_incomplete": "block",
            "actions": {},
            "platforms": {"x": None},
        }
    )
    assert strict.apply([], None, complete=False)[1] == "block"
    # A block finding still blocks when the scan was also incomplete.
    found = [finding("credential", "high")]
    assert policy.apply(found, None, complete=False)[1] == "block"


def test_on_incomplete_allow_is_refused(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY_YAML + "on_incomplete: allow\n")
    with pytest.raises(PolicyError, match="on_incomplete"):
        load(path)


def test_simulation_logs_everything_and_shows_nothing(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY_YAML.replace("mode: enforce", "mode: simulation"))
    policy = load(path)
    decided, verdict = policy.apply([finding(), finding("pii", "medium")], "x", True)
    assert verdict == "allow"
    assert [f["action"] for f in decided] == ["audit", "audit"]
    assert [f["simulated_action"] for f in decided] == ["block", "warn"]
    assert policy.apply([], "x", complete=False)[1] == "allow"


def test_bundle_default_policy_loads_and_blocks_live_credentials():
    policy = Policy.load(None, json.loads(Engine.load().bundle_bytes))
    assert policy.mode == "enforce"
    assert policy.record_note_length is False
    assert policy.action_for(finding("credential", "critical")) == "block"
    assert policy.action_for(finding("pii", "low")) == "audit"
    assert "other" in policy.platforms


def test_a_bundle_policy_is_checked_like_a_file():
    bundle = json.loads(Engine.load().bundle_bytes)
    bundle["policy"]["default_action"] = "shred"
    with pytest.raises(PolicyError, match="bundle's policy, at default_action"):
        Policy.load(None, bundle)
    with pytest.raises(PolicyError, match="carries no policy"):
        Policy.load(None, {"rules": []})


# --- Broken files: a clear error naming the line -------------------------------

BROKEN = [
    # (what is wrong, file text, line in the message, words in the message)
    (
        "yaml syntax",
        POLICY_YAML.replace("  pii: {medium: warn}", "  pii: {medium: warn"),
        7,
        "expected",
    ),
    (
        "unknown action",
        POLICY_YAML.replace("{high: block, low: audit}", "{high: shred, low: audit}"),
        5,
        "shred",
    ),
    ("unknown top-level key", POLICY_YAML + "colour: blue\n", 17, "colour"),
    (
        "unknown category",
        POLICY_YAML.replace("  pii: {medium: warn}", "  piii: {medium: warn}"),
        6,
        "piii",
    ),
    (
        "bad action deep in a platform",
        POLICY_YAML.replace(
            "aws-access-key: block_with_override", "aws-access-key: nuke"
        ),
        16,
        "nuke",
    ),
    ("bad platform name", POLICY_YAML.replace("  x:\n", "  X Corp:\n"), 11, "X Corp"),
    (
        "duplicate key",
        POLICY_YAML.replace("mode: enforce\n", "mode: enforce\nmode: simulation\n"),
        3,
        "duplicate",
    ),
    ("missing mode", POLICY_YAML.replace("mode: enforce\n", ""), 1, "mode"),
    ("wrong version", POLICY_YAML.replace("version: 1", "version: 2"), 1, "1"),
]


@pytest.mark.parametrize(
    "what, text, line, words", BROKEN, ids=[case[0] for case in BROKEN]
)
def test_broken_policy_file_names_file_and_line(tmp_path, what, text, line, words):
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    with pytest.raises(PolicyError) as caught:
        load(path)
    message = str(caught.value)
    assert str(path) in message
    assert f"line {line}:" in message
    assert words in message


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "empty"),
        ("- just\n- a list\n", "object"),
    ],
)
def test_policy_that_is_not_a_mapping_is_refused(tmp_path, text, words):
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    with pytest.raises(PolicyError, match=words):
        load(path)


def test_missing_policy_file_is_a_clear_error(tmp_path):
    with pytest.raises(PolicyError, match="cannot read policy file"):
        load(tmp_path / "nope.yaml")


def test_json_policy_files_work_too(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(
        '{"version": 1, "mode": "simulation", "default_action": "warn",'
        ' "actions": {}, "platforms": {"x": {}}}'
    )
    assert load(path).mode == "simulation"
