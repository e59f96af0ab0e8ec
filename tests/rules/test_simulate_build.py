"""``simulate: true`` in a rule's YAML, and policy.yaml's ``simulate`` list, as
`postguard rules build` and `validate` handle them."""

from __future__ import annotations

import json

import yaml
from test_validate_cli import rule_tree

from postguard.cli import main

RULE = "email-address"


def _flag(root, rule_id: str = RULE, value=True) -> None:
    [path] = (root / "rules").glob(f"*/{rule_id}.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["simulate"] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _simulate_in_policy(root, ids: list[str]) -> int:
    """Append ``simulate`` to policy.yaml; returns the line of its first entry."""
    policy = root / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text + "simulate:\n" + "".join(f"  - {i}\n" for i in ids))
    return len(text.splitlines()) + 2


def _built(root) -> dict:
    assert main(["rules", "build", "--rules-dir", str(root)]) == 0
    return json.loads((root / "dist" / "ruleset.json").read_text(encoding="utf-8"))


def test_a_flagged_rule_carries_the_flag_and_joins_the_policy_list(tmp_path):
    root = rule_tree(tmp_path, None)
    _flag(root)
    _simulate_in_policy(root, ["phone-number"])
    bundle = _built(root)
    flagged = [rule["id"] for rule in bundle["rules"] if "simulate" in rule]
    assert flagged == [RULE]
    assert [r["simulate"] for r in bundle["rules"] if r["id"] == RULE] == [True]
    # Listed in the policy too: a service too old to know the key refuses the
    # bundle instead of enforcing the rule.
    assert bundle["policy"]["simulate"] == sorted([RULE, "phone-number"])


def test_no_simulation_adds_nothing_to_the_bundle(tmp_path):
    root = rule_tree(tmp_path, None)
    _flag(root, value=False)
    _simulate_in_policy(root, [])
    (root / "policy.yaml").write_text(
        (root / "policy.yaml").read_text().replace("simulate:\n", "simulate: []\n")
    )
    bundle = _built(root)
    assert not any("simulate" in rule for rule in bundle["rules"])
    assert "simulate" not in bundle["policy"]


def test_a_flag_that_is_not_a_boolean_is_a_schema_error(tmp_path, capsys):
    root = rule_tree(tmp_path, None)
    _flag(root, value="yes")
    assert main(["rules", "build", "--rules-dir", str(root)]) == 1
    assert f"{RULE}.yaml: schema: at simulate:" in capsys.readouterr().err


def test_a_policy_entry_naming_no_rule_stops_the_build_with_its_line(tmp_path, capsys):
    root = rule_tree(tmp_path, None)
    line = _simulate_in_policy(root, ["emial-address", "internal-domain"])
    assert main(["rules", "build", "--rules-dir", str(root)]) == 1
    [error] = capsys.readouterr().err.splitlines()
    assert error.startswith(f"error: {root / 'policy.yaml'}, line {line}:")
    assert "'emial-address'" in error and "internal-domain" not in error


def test_validate_names_a_broken_simulated_rule_not_the_policy(tmp_path, capsys):
    # A rule whose pattern is refused stays out of the bundle validate builds;
    # the policy naming it is not a second error.
    root = rule_tree(tmp_path, "inline-flag")
    _simulate_in_policy(root, ["inline-flag"])
    assert main(["rules", "validate", "--no-node", "--rules-dir", str(root)]) == 1
    errors = capsys.readouterr().err
    assert "inline-flag.yaml: " in errors and "inline flags" in errors
    assert "policy.yaml" not in errors
