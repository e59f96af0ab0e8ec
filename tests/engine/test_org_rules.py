"""Rules built from the organisation's lists (bundle ``org``, engine/org.py):
internal domains and confidential terms, and the ``escalate`` field they use.
The cases in tests/conformance/org_cases.json run here and in
tests/engine-js/org.test.js."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from postguard.engine import BundleError
from postguard.engine import Engine
from postguard.engine.normalize import NormalizationTable
from postguard.engine.org import caseless
from postguard.engine.org import org_rules
from postguard.rulebook.lint import lint_pattern
from postguard.rulebook.reach import reach_of

CASES = json.loads(
    (Path(__file__).resolve().parents[1] / "conformance" / "org_cases.json").read_text(
        encoding="utf-8"
    )
)
ORG_RULE = ("internal-domain", "confidential-term-")


@pytest.fixture(scope="module")
def org_bundle(bundle) -> dict:
    return {**bundle, "org": CASES["org"]}


@pytest.fixture(scope="module")
def org_engine(org_bundle) -> Engine:
    return Engine(json.dumps(org_bundle).encode("utf-8"))


def org_findings(engine: Engine, text: str, anchored: bool = True) -> list:
    result = engine.scan(text, budget_ms=math.inf, anchored=anchored)
    return [
        [f.rule_id, text[f.start : f.end], f.severity]
        for f in result.findings
        if f.rule_id.startswith(ORG_RULE)
    ]


@pytest.mark.parametrize(
    "case", CASES["cases"], ids=[c["why"][:40] for c in CASES["cases"]]
)
def test_org_case(org_engine, case):
    assert org_findings(org_engine, case["text"]) == case["found"], case["why"]
    # The anchored scan finds what a search of the whole text finds.
    assert org_findings(org_engine, case["text"], anchored=False) == case["found"]


@pytest.mark.parametrize(
    "case", CASES["errors"], ids=[c["why"][:40] for c in CASES["errors"]]
)
def test_an_unusable_entry_is_refused_naming_it(bundle, case):
    raw = json.dumps({**bundle, "org": case["org"]}).encode("utf-8")
    with pytest.raises(BundleError, match=case["message"]):
        Engine(raw)


def test_no_lists_no_rules_and_the_version_stays(bundle):
    engine = Engine(json.dumps({**bundle, "org": {}}).encode("utf-8"))
    assert not [r for r in engine.rule_ids if r.startswith(ORG_RULE)]
    assert engine.rules_version == bundle["version"]


def test_lists_without_templates_are_refused(bundle):
    data = {k: v for k, v in bundle.items() if k != "org_rules"}
    data["org"] = {"internal_domains": ["jira.tailspin.io"]}
    with pytest.raises(BundleError, match="no org_rules.internal_domains"):
        Engine(json.dumps(data).encode("utf-8"))


def test_one_rule_per_severity_and_each_id_is_known(org_engine):
    ids = {r for r in org_engine.rule_ids if r.startswith(ORG_RULE)}
    assert ids == {
        "internal-domain",
        "confidential-term-medium",
        "confidential-term-high",
        "confidential-term-critical",
    }
    kinds = org_engine.rule_kinds(["confidential-term-critical"])
    assert kinds == [
        {
            "rule_id": "confidential-term-critical",
            "category": "confidential",
            "severity": "critical",
        }
    ]


def test_generated_patterns_are_portable_and_their_reach_covers_them(org_bundle):
    table = NormalizationTable(org_bundle["normalization"])
    for rule in org_rules(org_bundle, table):
        assert lint_pattern(rule["pattern"], rule["flags"]) == [], rule["id"]
        computed = reach_of(rule["pattern"], rule["flags"], rule["keywords"])
        assert computed.behind <= rule["reach"]["behind"], rule["id"]
        assert computed.ahead is not None
        assert computed.ahead <= rule["reach"]["ahead"], rule["id"]


def test_caseless_keeps_one_character_case_forms_only():
    assert caseless("Fa") == "[fF][aA]"
    assert caseless("ß") == "ß"  # its upper case is two letters: SS
    assert caseless("x.y") == "[xX]\\.[yY]"
    assert caseless("7#") == "7#"


def test_escalation_shows_in_the_verdict_cap_and_explain(org_engine):
    text = "Osprey GA in Q3"
    result = org_engine.scan(text, budget_ms=math.inf)
    # medium warns by the bundle's defaults; critical blocks.
    assert result.verdict == "block"
    _, steps = org_engine.explain(text)
    escalated = [s for s in steps if s.get("stage") == "escalate"]
    assert escalated and escalated[0]["rule_id"] == "confidential-term-medium"
    assert "severity critical" in str(escalated[0]["detail"])


def test_an_escalated_finding_is_kept_first_under_the_cap(org_bundle):
    defaults = {**org_bundle["defaults"], "max_findings": 1}
    engine = Engine(json.dumps({**org_bundle, "defaults": defaults}).encode("utf-8"))
    text = "Osprey again. " + "z" * 100 + " Osprey ships in May 2026"
    result = engine.scan(text, budget_ms=math.inf)
    assert result.findings_omitted == 1
    [kept] = result.findings
    assert kept.severity == "critical" and kept.start > 10


def synthetic(rule_id: str, **fields) -> dict:
    return {
        "id": rule_id,
        "name": rule_id,
        "category": "confidential",
        "type": "CONFIDENTIAL_TERM",
        "severity": "low",
        "pattern": "(?<![A-Za-z])[Bb]lue[ ]?[Jj]ay(?![A-Za-z])",
        "flags": "",
        "score": 0.9,
        "message": "synthetic rule for a test",
        "runtimes": ["python", "js"],
        **fields,
    }


def test_escalate_on_a_bundle_rule_and_on_its_alike_copy(bundle):
    template = bundle["org_rules"]["confidential_terms"]["escalate"]
    escalate = {**template, "severity": "high", "window": 20}

    def severities(*rules, text):
        engine = Engine(json.dumps({**bundle, "rules": list(rules)}).encode("utf-8"))
        found = engine.scan(text, budget_ms=math.inf).findings
        return [(f.rule_id, f.severity) for f in found]

    base = synthetic("blue-jay", escalate=escalate)
    assert severities(base, text="BlueJay launches soon") == [("blue-jay", "high")]
    assert severities(base, text="BlueJay is fine") == [("blue-jay", "low")]
    # The window counts from the value's edges, outside it.
    far = "BlueJay " + "z" * 30 + " launches"
    assert severities(base, text=far) == [("blue-jay", "low")]
    # A copy that detects alike (same pattern and escalate) shares the search and
    # its escalation, and wins the overlap by priority.
    copy = synthetic("blue-jay-copy", severity="medium", priority=10, escalate=escalate)
    assert severities(base, copy, text="BlueJay launches") == [
        ("blue-jay-copy", "high")
    ]
    assert severities(base, copy, text="BlueJay") == [("blue-jay-copy", "medium")]
    # Escalation never lowers a severity.
    top = synthetic("blue-jay", severity="critical", escalate=escalate)
    assert severities(top, text="BlueJay launches") == [("blue-jay", "critical")]
