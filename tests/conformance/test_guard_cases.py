"""The context guards against tests/conformance/guard_cases.json: every finding
(span, message, action, masked preview, target, suggestion) and the verdict of
the vectors' policy. The extension's JS guards are held to the same file."""

import json
from pathlib import Path

import pytest

from postguard.engine.guards import GuardData
from postguard.engine.guards import context_findings
from postguard.policy import Policy
from postguard.policy import check_bundle_policy

REPO = Path(__file__).resolve().parents[2]
VECTORS = json.loads(Path(__file__).with_name("guard_cases.json").read_text("utf-8"))
BUNDLE = json.loads((REPO / "shared_rules" / "dist" / "ruleset.json").read_text())
GUARDS = GuardData.from_bundle(BUNDLE)
POLICY_DATA = check_bundle_policy(VECTORS["policy"])
POLICY = Policy.from_data(POLICY_DATA)
CASES = VECTORS["cases"]


def decide(case: dict) -> tuple[list[dict], str]:
    context = case.get("context")
    found = context_findings(
        case["text"],
        context=context,
        policy_data=POLICY_DATA,
        guard_data=GUARDS,
        platform=case.get("platform"),
        today=case["today"],
        groups=case.get("groups", ()),
    )
    audience = (context or {}).get("audience")
    return POLICY.apply(found, case.get("platform"), True, audience=audience)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_guard_vector(case):
    findings, verdict = decide(case)
    expected = [
        {key: value for key, value in f.items() if key != "value"}
        for f in case["findings"]
    ]
    assert findings == expected
    assert verdict == case["verdict"]
    for finding, listed in zip(findings, case["findings"], strict=True):
        # `value` is there for readers; it must be what the span says.
        assert case["text"][finding["start"] : finding["end"]] == listed.get(
            "value", ""
        )


def test_vectors_cover_each_guard_both_ways():
    assert len(CASES) >= 40
    for rule_id in ("impostor-handle", "affiliation-disclosure", "quiet-period"):
        fired = [
            c for c in CASES if any(f["rule_id"] == rule_id for f in c["findings"])
        ]
        assert len(fired) >= 8, rule_id
    assert sum(1 for c in CASES if not c["findings"]) >= 15
    assert {c["verdict"] for c in CASES} == {"allow", "warn", "block"}


def test_without_organization_no_guard_runs():
    data = {k: v for k, v in POLICY_DATA.items() if k != "organization"}
    for case in CASES:
        found = context_findings(
            case["text"],
            context=case.get("context"),
            policy_data=data,
            guard_data=GUARDS,
            platform=case.get("platform"),
            today=case["today"],
            groups=case.get("groups", ()),
        )
        assert found == []
