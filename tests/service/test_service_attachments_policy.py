"""The policy's ``attachments`` section: actions for what the image check finds,
apart from typed text, with the text actions where it leaves an entry unset; and
the image checks' rule ids wherever a policy names rule ids."""

from __future__ import annotations

import json

import pytest
import yaml
from image_samples import gps_jpeg

from postguard.app import create_app
from postguard.cli import main
from postguard.decide import decide
from postguard.engine import Engine
from postguard.image_rules import IMAGE_RULES
from postguard.image_rules import RULE_IDS as IMAGE_RULE_IDS
from postguard.images.findings import IMAGE_RULES as ANALYSER_RULES
from postguard.policy import Policy
from postguard.policy import PolicyError

SHIPPED = json.loads(Engine.load().bundle_bytes)
POLICY_YAML = """\
version: 1
mode: enforce
default_action: warn
actions:
  pii: {medium: block, low: audit}
  account_number: {high: warn}
  credential: {high: block}
rules:
  jwt: warn
platforms:
  x:
  linkedin:
    rules: {credit-card: audit}
"""
ATTACHMENTS_YAML = """\
attachments:
  actions:
    account_number: {high: block}
  rules:
    image.gps-location: warn
"""


def finding(rule_id: str, category: str, severity: str) -> dict:
    return {
        "rule_id": rule_id,
        "category": category,
        "severity": severity,
        "start": 0,
        "end": 0,
        "preview": "•••",
    }


GPS = finding("image.gps-location", "pii", "medium")
CARD = finding("credit-card", "account_number", "high")
JWT = finding("jwt", "credential", "high")


def load(tmp_path, text: str) -> Policy:
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    return Policy.load(path, SHIPPED)


def test_attachments_entries_decide_image_findings_only(tmp_path):
    policy = load(tmp_path, POLICY_YAML + ATTACHMENTS_YAML)
    # The example: warn on location, block a card number in an image.
    assert policy.action_for(GPS, "x", attachment=True) == "warn"
    assert policy.action_for(CARD, "x", attachment=True) == "block"
    # Typed text keeps the text actions.
    assert policy.action_for(GPS, "x") == "block"
    assert policy.action_for(CARD, "x") == "warn"


def test_an_attachments_entry_beats_every_text_entry(tmp_path):
    policy = load(tmp_path, POLICY_YAML + ATTACHMENTS_YAML)
    # linkedin audits credit-card in text; in an image the section says block.
    assert policy.action_for(CARD, "linkedin") == "audit"
    assert policy.action_for(CARD, "linkedin", attachment=True) == "block"


def test_what_the_section_leaves_unset_falls_back_to_the_text_actions(tmp_path):
    policy = load(tmp_path, POLICY_YAML + ATTACHMENTS_YAML)
    assert policy.action_for(JWT, "x", attachment=True) == "warn"  # rules: jwt
    serial = finding("image.device-serial", "pii", "low")
    assert policy.action_for(serial, "x", attachment=True) == "audit"  # the table
    odd = finding("image.owner-name", "regulated", "low")
    assert policy.action_for(odd, "x", attachment=True) == "warn"  # default_action
    plain = load(tmp_path, POLICY_YAML)  # no section at all
    for item in (GPS, CARD, JWT):
        assert plain.action_for(item, "x", attachment=True) == plain.action_for(
            item, "x"
        )


def test_decide_applies_the_section_to_the_verdict(tmp_path):
    policy = load(tmp_path, POLICY_YAML + ATTACHMENTS_YAML)

    def verdict(findings, attachment, complete=True):
        return decide(
            "",
            findings,
            complete=complete,
            policy=policy,
            guards=None,
            platform="x",
            attachment=attachment,
        ).verdict

    assert verdict([GPS], attachment=True) == "warn"
    assert verdict([GPS], attachment=False) == "block"
    assert verdict([GPS, CARD], attachment=True) == "block"
    # Past the findings cap the kind still counts, with the image's action.
    decided = decide(
        "",
        [GPS, CARD],
        complete=True,
        policy=policy,
        guards=None,
        platform="x",
        attachment=True,
        max_findings=1,
    )
    assert decided.verdict == "block" and decided.omitted == 1
    # An image not fully checked is never allow.
    assert verdict([], attachment=True, complete=False) == "warn"


def test_a_section_with_an_unknown_key_names_the_line(tmp_path):
    text = POLICY_YAML + "attachments:\n  actions: {}\n  location: warn\n"
    with pytest.raises(PolicyError) as caught:
        load(tmp_path, text)
    line = len(POLICY_YAML.splitlines()) + 3
    assert f"line {line}:" in str(caught.value)
    assert "attachments/location" in str(caught.value)


def test_an_attachments_rule_naming_no_rule_stops_the_start(tmp_path):
    text = POLICY_YAML + "attachments:\n  rules:\n    image.gps-locaton: warn\n"
    policy = load(tmp_path, text)
    known = {rule["id"] for rule in SHIPPED["rules"]}
    with pytest.raises(PolicyError) as caught:
        policy.check_simulated_ids(known, tmp_path / "policy.yaml")
    message = str(caught.value)
    assert f"line {len(POLICY_YAML.splitlines()) + 3}:" in message
    assert "'image.gps-locaton'" in message and "image checks" in message


@pytest.mark.parametrize("rule_id", sorted(IMAGE_RULE_IDS))
def test_every_image_rule_id_is_accepted_where_a_policy_names_rules(
    tmp_path, settings, rule_id
):
    text = (
        POLICY_YAML
        + f"simulate: [{rule_id}]\n"
        + f"attachments:\n  rules: {{{rule_id}: block}}\n"
    )
    text = text.replace(
        "rules:\n  jwt: warn\n", f"rules:\n  jwt: warn\n  {rule_id}: audit\n"
    )
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    app = create_app({**settings, "POLICY_FILE": str(path)})  # no PolicyError
    try:
        services = app.extensions["postguard"]
        assert rule_id in services.known_rule_ids  # events may name it
        kind = IMAGE_RULES[rule_id]
        item = finding(rule_id, kind["category"], kind["severity"])
        decided, verdict = services.policy.apply([item], "x", True, attachment=True)
        assert decided[0]["action"] == "audit"  # simulated
        assert decided[0]["simulated_action"] == "block"
        assert verdict == "allow"
    finally:
        app.extensions["postguard"].audit.close()


@pytest.mark.parametrize(
    "rule_id", ["image.", "Image.gps", "image.gps location", "gps.x"]
)
def test_malformed_ids_are_refused_by_the_schema(tmp_path, rule_id):
    data = yaml.safe_load(POLICY_YAML)
    data["attachments"] = {"rules": {rule_id: "warn"}}
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(data))
    with pytest.raises(PolicyError, match="attachments/rules"):
        Policy.load(path, SHIPPED)


def test_scan_image_with_a_policy_applies_its_attachments_section(tmp_path, capsys):
    """``postguard scan --image FILE --policy FILE`` decides like the endpoint."""
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(gps_jpeg())
    answers = {}
    for name, text in (
        ("text", POLICY_YAML),
        ("attachments", POLICY_YAML + ATTACHMENTS_YAML),
    ):
        path = tmp_path / f"{name}.yaml"
        path.write_text(text)
        code = main(
            [
                "scan",
                "--json",
                "--image",
                str(photo),
                "--policy",
                str(path),
                "--platform",
                "x",
            ]
        )
        answers[name] = (code, json.loads(capsys.readouterr().out))
    code, answer = answers["text"]
    assert answer["findings"][0]["type"] == "GPS_LOCATION"
    assert (answer["findings"][0]["action"], answer["verdict"], code) == (
        "block",
        "block",
        2,
    )
    code, answer = answers["attachments"]
    assert (answer["findings"][0]["action"], answer["verdict"], code) == (
        "warn",
        "warn",
        1,
    )


def test_the_image_rule_ids_are_the_analysers_own():
    """One list: image_rules.py names exactly what postguard.images reports."""
    assert {
        rule.id: {
            "type": rule.type,
            "category": rule.category,
            "severity": rule.severity,
        }
        for rule in ANALYSER_RULES
    } == IMAGE_RULES
