"""Regulated wording packs: rules under shared_rules/rules/regulated/ carry a
``pack``, the bundle keeps it, and the policy drops a pack's findings unless its
``regulated_packs`` lists the pack (default: none)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from postguard.engine import Engine
from postguard.policy import Policy
from postguard.policy import PolicyError
from postguard.policy import read_policy_data

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "shared_rules" / "rules"
RULE_SCHEMA = json.loads(
    (REPO / "shared_rules" / "schema" / "rule.schema.json").read_text(encoding="utf-8")
)
PACKS = ["financial-promotion", "health", "legal"]
# One post per pack, in the forms people type.
POST = (
    "Guaranteed returns of 300% for my followers! "
    "Sorry your root canal last Tuesday hurt. "
    "It was our fault and we accept liability."
)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load(None)


@pytest.fixture(scope="module")
def bundle(engine) -> dict:
    return json.loads(engine.bundle_bytes)


def sources() -> list[dict]:
    paths = sorted((RULES / "regulated").glob("*.yaml"))
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in paths]


def test_every_regulated_rule_names_its_pack_and_the_bundle_keeps_it(bundle):
    by_id = {rule["id"]: rule for rule in bundle["rules"]}
    packs = {source["pack"] for source in sources()}
    assert packs == set(PACKS)
    for source in sources():
        assert source["category"] == "regulated"
        assert by_id[source["id"]]["pack"] == source["pack"]
    # Only the regulated rules carry a pack.
    assert {r["id"] for r in bundle["rules"] if "pack" in r} == {
        s["id"] for s in sources()
    }


@pytest.mark.parametrize(
    "change, valid",
    [
        pytest.param({}, True, id="regulated-with-pack"),
        pytest.param({"pack": None}, False, id="regulated-without-pack"),
        pytest.param({"category": "pii"}, False, id="pack-outside-regulated"),
        pytest.param({"pack": "tax"}, False, id="unknown-pack"),
    ],
)
def test_the_rule_schema_ties_pack_to_the_regulated_category(change, valid):
    rule = {**sources()[0], **change}
    rule = {key: value for key, value in rule.items() if value is not None}
    errors = list(jsonschema.Draft202012Validator(RULE_SCHEMA).iter_errors(rule))
    assert (not errors) is valid


def _decided(engine, bundle, packs) -> set[str]:
    data = dict(bundle["policy"])
    if packs is not None:
        data["regulated_packs"] = packs
    policy = Policy.from_data(data, bundle["rules"])
    result = engine.scan(POST)
    decided, _ = policy.apply(
        [f.to_dict() for f in result.findings], "x", result.complete
    )
    return {f["rule_id"] for f in decided}


def _pack_of(bundle, rule_ids) -> set[str]:
    packs = {rule["id"]: rule.get("pack") for rule in bundle["rules"]}
    return {packs[rule_id] for rule_id in rule_ids}


@pytest.mark.parametrize(
    "packs",
    [None, [], ["health"], ["legal", "financial-promotion"], PACKS],
)
def test_the_policy_keeps_only_the_findings_of_enabled_packs(engine, bundle, packs):
    assert _pack_of(bundle, _decided(engine, bundle, PACKS)) == set(PACKS)
    assert _pack_of(bundle, _decided(engine, bundle, packs)) == set(packs or ())


def test_the_default_policy_enables_no_pack(bundle):
    assert "regulated_packs" not in bundle["policy"]
    policy = Policy.from_data(bundle["policy"], bundle["rules"])
    regulated = [r["id"] for r in bundle["rules"] if r["category"] == "regulated"]
    assert regulated and all(policy.drops(rule_id) for rule_id in regulated)
    assert not policy.drops("credit-card")


def test_a_policy_file_enables_packs_and_refuses_an_unknown_one(tmp_path, bundle):
    path = tmp_path / "policy.yaml"
    base = yaml.safe_dump(bundle["policy"])
    path.write_text(base + "regulated_packs: [health]\n", encoding="utf-8")
    policy = Policy.from_data(read_policy_data(path), bundle["rules"])
    assert policy.regulated_packs == {"health"}
    assert not policy.drops("clinician-relationship")
    assert policy.drops("guaranteed-returns")
    path.write_text(base + "regulated_packs: [tax]\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="regulated_packs"):
        read_policy_data(path)
