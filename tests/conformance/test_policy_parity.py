"""The extension's offline policy (extension/src/engine/policy.js) decides exactly
what the service's ``Policy.from_data(data, rules).apply(...)`` decides: the same
action on every finding and the same verdict, for random policies (with rules in
simulation by the policy's list or by the bundle rule's own flag), findings,
platforms, audiences, completeness and image findings (the policy's
``attachments`` section), with the bundle rules of regulated wording packs dropped
unless the policy enables their pack. The policies are drawn from
the enums of policy.schema.json and checked against it, so a schema change shows
up here.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from js_engine_process import NodeDriver

from postguard.policy import Policy

REPO = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("js_policy_driver.mjs")
SCHEMA = json.loads(
    (REPO / "backend" / "postguard" / "data" / "policy.schema.json").read_text()
)
DEFS = SCHEMA["$defs"]
ACTIONS = DEFS["action"]["enum"]
CATEGORIES = list(DEFS["category_table"]["properties"])
SEVERITIES = list(DEFS["severity_table"]["properties"])
MODES = SCHEMA["properties"]["mode"]["enum"]
AUDIENCES = list(SCHEMA["properties"]["audiences"]["properties"])
ON_INCOMPLETE = SCHEMA["properties"].get("on_incomplete", {}).get("enum", [])
PACKS = SCHEMA["properties"]["regulated_packs"]["items"]["enum"]
# "constructor" is a member of every JS object: a lookup table built from a
# plain object would find it for a rule the policy never names.
RULE_IDS = [
    "credit-card",
    "jwt",
    "email-address",
    "phone-number",
    "constructor",
    "custom-rule-7",
    "image.gps-location",
]
PLATFORMS = ["x", "linkedin", "mastodon", "other", "intranet-2"]
BUNDLE = REPO / "extension" / "rules" / "ruleset.json"
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


class JsPolicy(NodeDriver):
    """extension/src/engine/policy.js, through js_policy_driver.mjs."""

    def __init__(self) -> None:
        super().__init__(DRIVER)

    def apply(
        self,
        data: dict,
        findings: list,
        platform,
        complete: bool,
        unlisted=(),
        rules=(),
        audience=None,
        attachment=False,
    ) -> dict:
        return self.request(
            {
                "policy": data,
                "findings": findings,
                "platform": platform,
                "complete": complete,
                "unlisted": list(unlisted),
                "rules": list(rules),
                "audience": audience,
                "attachment": attachment,
            }
        )


@pytest.fixture(scope="module")
def js():
    process = JsPolicy()
    yield process
    process.close()


def _python(
    data: dict,
    findings: list,
    platform,
    complete: bool,
    unlisted=(),
    rules=(),
    audience=None,
    attachment=False,
) -> dict:
    decided, verdict = Policy.from_data(data, rules).apply(
        findings, platform, complete, unlisted, audience=audience, attachment=attachment
    )
    return {"findings": decided, "verdict": verdict}


actions = st.sampled_from(ACTIONS)
severity_tables = st.dictionaries(st.sampled_from(SEVERITIES), actions)
category_tables = st.dictionaries(st.sampled_from(CATEGORIES), severity_tables)
rule_tables = st.dictionaries(st.sampled_from(RULE_IDS), actions, max_size=4)
platform_entries = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {}, optional={"actions": category_tables, "rules": rule_tables}
    ),
)


@st.composite
def policies(draw) -> dict:
    data = {
        "version": 1,
        "mode": draw(st.sampled_from(MODES)),
        "default_action": draw(actions),
        "actions": draw(category_tables),
        "platforms": draw(
            st.dictionaries(st.sampled_from(PLATFORMS), platform_entries, min_size=1)
        ),
    }
    if ON_INCOMPLETE and draw(st.booleans()):
        data["on_incomplete"] = draw(st.sampled_from(ON_INCOMPLETE))
    if draw(st.booleans()):
        data["rules"] = draw(rule_tables)
    if draw(st.booleans()):
        data["simulate"] = draw(st.lists(st.sampled_from(RULE_IDS), unique=True))
    if draw(st.booleans()):
        data["regulated_packs"] = draw(st.lists(st.sampled_from(PACKS), unique=True))
        data["audiences"] = draw(
            st.dictionaries(st.sampled_from(AUDIENCES), platform_entries)
        )
    if draw(st.booleans()):
        data["attachments"] = draw(
            st.fixed_dictionaries(
                {}, optional={"actions": category_tables, "rules": rule_tables}
            )
        )
    VALIDATOR.validate(data)  # only policies the service would load
    return data


findings = st.lists(
    st.fixed_dictionaries(
        {
            "rule_id": st.sampled_from(RULE_IDS),
            # A category no table lists falls through to default_action.
            "category": st.sampled_from([*CATEGORIES, "unlisted"]),
            "severity": st.sampled_from(SEVERITIES),
            "start": st.integers(0, 500),
            "end": st.integers(0, 500),
            "preview": st.just("•••• 1111"),
        }
    ),
    max_size=6,
)
# The bundle's rules as the policy reads them: only `simulate: true` simulates,
# and a rule with a `pack` runs only when the policy lists that pack (a bundle is
# not schema-checked where it runs, so odd values are drawn too).
bundle_rules = st.lists(
    st.fixed_dictionaries(
        {"id": st.sampled_from(RULE_IDS)},
        optional={
            "simulate": st.sampled_from([True, False, None, 1, "true"]),
            "pack": st.sampled_from([*PACKS, None, "", "other", 1, ["health"]]),
        },
    ),
    max_size=4,
)
# Findings past the engine's cap: only their kind reaches the policy.
unlisted_kinds = st.lists(
    st.fixed_dictionaries(
        {
            "rule_id": st.sampled_from(RULE_IDS),
            "category": st.sampled_from(CATEGORIES),
            "severity": st.sampled_from(SEVERITIES),
        }
    ),
    max_size=3,
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=policies(),
    found=findings,
    complete=st.booleans(),
    unlisted=unlisted_kinds,
    rules=bundle_rules,
    choice=st.data(),
)
def test_js_policy_decides_like_the_service(
    js, data, found, complete, unlisted, rules, choice
):
    platform = choice.draw(st.sampled_from([None, *sorted(data["platforms"])]))
    # "unknown" and None: no override; "constructor": no Object.prototype lookup.
    audience = choice.draw(
        st.sampled_from([None, "unknown", "constructor", *AUDIENCES])
    )
    attachment = choice.draw(st.booleans())
    args = (data, found, platform, complete, unlisted, rules, audience, attachment)
    assert js.apply(*args) == _python(*args)


def test_an_audience_override_decides_alike_in_both_runtimes(js):
    data = {
        **_shipped_policy(),
        "audiences": {
            "public": {"actions": {"credential": {"high": "block"}}},
            "dm": {"rules": {"jwt": "warn"}},
        },
    }
    VALIDATOR.validate(data)
    for audience, action in [("public", "block"), ("dm", "warn"), (None, "block")]:
        expected = _python(data, [JWT], "x", True, audience=audience)
        assert js.apply(data, [JWT], "x", True, audience=audience) == expected
        assert expected["findings"][0]["action"] == action


def _shipped_policy() -> dict:
    """The policy the extension ships, in its bundle."""
    return json.loads(BUNDLE.read_text(encoding="utf-8"))["policy"]


JWT = {
    "rule_id": "jwt",
    "category": "credential",
    "severity": "high",
    "start": 0,
    "end": 60,
    "preview": "eyJ•••",
}


@pytest.mark.parametrize("complete", [True, False])
def test_shipped_policy_blocks_a_jwt_offline_as_the_service_does(js, complete):
    data = _shipped_policy()
    for platform in [None, *sorted(data["platforms"])]:
        expected = _python(data, [JWT], platform, complete)
        assert js.apply(data, [JWT], platform, complete) == expected
    # The finding that an override used to let through offline.
    assert _python(data, [JWT], "x", True)["findings"][0]["action"] == "block"


@pytest.mark.parametrize(
    "how",
    [
        pytest.param(lambda data: ({**data, "simulate": ["jwt"]}, []), id="list"),
        pytest.param(lambda data: (data, [{"id": "jwt", "simulate": True}]), id="flag"),
    ],
)
@pytest.mark.parametrize("complete", [True, False])
def test_a_simulated_jwt_is_only_audited_offline_as_by_the_service(js, how, complete):
    data, rules = how(_shipped_policy())
    for platform in [None, *sorted(data["platforms"])]:
        expected = _python(data, [JWT], platform, complete, [JWT], rules)
        assert js.apply(data, [JWT], platform, complete, [JWT], rules) == expected
        enforced = _python(_shipped_policy(), [JWT], platform, complete)
        [decided] = expected["findings"]
        assert decided["action"] == "audit"
        assert decided["simulated_action"] == enforced["findings"][0]["action"]
        # The verdict is what a scan that found nothing gets.
        empty = _python(data, [], platform, complete)
        assert expected["verdict"] == empty["verdict"] != enforced["verdict"]


def _bundle_rule(rule_id: str) -> dict:
    rules = json.loads(BUNDLE.read_text(encoding="utf-8"))["rules"]
    return next(rule for rule in rules if rule["id"] == rule_id)


@pytest.mark.parametrize(
    ("packs", "kept"),
    [
        pytest.param(None, False, id="default"),
        pytest.param(["legal", "health"], False, id="others"),
        pytest.param(["financial-promotion"], True, id="enabled"),
    ],
)
def test_a_regulated_pack_finding_counts_only_when_its_pack_is_on(js, packs, kept):
    rule = _bundle_rule("guaranteed-returns")
    finding = {
        "rule_id": rule["id"],
        "category": rule["category"],
        "severity": rule["severity"],
        "start": 0,
        "end": 18,
        "preview": "gua•••",
    }
    data = _shipped_policy()
    if packs is not None:
        data = {**data, "regulated_packs": packs}
    rules = [rule]
    for platform in [None, *sorted(data["platforms"])]:
        for complete in (True, False):
            # Listed beside another finding, alone, and past the engine's cap.
            for found, unlisted in (
                ([finding, JWT], []),
                ([finding], []),
                ([], [finding]),
            ):
                args = (data, found, platform, complete, unlisted, rules)
                expected = _python(*args)
                assert js.apply(*args) == expected
                ids = [f["rule_id"] for f in expected["findings"]]
                assert ids == [f["rule_id"] for f in found if kept or f is JWT]
    for found, unlisted in (([finding], []), ([], [finding])):
        decided = _python(data, found, "x", True, unlisted, rules)
        assert (decided["verdict"] != "allow") is kept
    # Without the bundle's rules the policy knows no pack: nothing is dropped.
    assert _python(data, [finding], "x", True)["findings"]


def test_an_attachments_section_decides_image_findings_alike(js):
    """Warn on a photo's location, block a card number in an image; typed text
    keeps the text actions, and what the section leaves unset falls back."""
    data = {
        **_shipped_policy(),
        "attachments": {
            "actions": {"account_number": {"high": "block"}},
            "rules": {"image.gps-location": "warn"},
        },
    }
    VALIDATOR.validate(data)
    gps = {**JWT, "rule_id": "image.gps-location", "category": "pii"}
    gps["severity"] = "medium"
    card = {**JWT, "rule_id": "credit-card", "category": "account_number"}
    expected = {
        (True, "image.gps-location"): "warn",
        (True, "credit-card"): "block",
        (True, "jwt"): "block",  # unset: the text action
        (False, "credit-card"): _python(data, [card], "x", True)["findings"][0][
            "action"
        ],
    }
    for (attachment, rule_id), action in expected.items():
        finding = {"image.gps-location": gps, "credit-card": card, "jwt": JWT}[rule_id]
        python = _python(data, [finding], "x", True, attachment=attachment)
        assert js.apply(data, [finding], "x", True, attachment=attachment) == python
        assert python["findings"][0]["action"] == action
    assert expected[(False, "credit-card")] != "block"  # text keeps its own
