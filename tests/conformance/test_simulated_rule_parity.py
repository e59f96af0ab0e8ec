"""A rule in simulation, end to end: the JS engine and its policy (as the
extension's engine worker answers) give exactly what the service gives, the
Python engine then ``Policy.apply`` with the kinds past the cap, for a bundle
with one rule flagged ``simulate: true`` and one more in the policy's list."""

from __future__ import annotations

import json

import pytest
from js_engine_process import BUNDLE
from js_engine_process import JsEngineProcess

from postguard.engine import Engine
from postguard.policy import Policy

SHIPPED = json.loads(BUNDLE.read_text(encoding="utf-8"))
FLAGGED, LISTED = "credit-card", "email-address"
CARD = "4111 1111 1111 1111"
MAILS = " ".join(f"u{i}@acme-corp.com" for i in range(6))
TEXTS = [
    f"card {CARD}",
    f"write to {MAILS}",
    f"card {CARD} and {MAILS}",  # only simulated rules, past the cap
    f"key AKIAZ7QF3RTYUIOPLKJH card {CARD} {MAILS}",
    f"{MAILS} card 5500-0000-0000-0004 password is hunter2 key AKIAZ7QF3RTYUIOPLKJH",
    *(
        example["text"]
        for rule in SHIPPED["rules"]
        if rule["id"] in (FLAGGED, LISTED)
        for example in rule["examples"]["match"]
    ),
]
PLATFORMS = [None, "x", "linkedin"]


def _bundle(simulated: bool) -> dict:
    # A small cap, so findings of both kinds fall past it; a lifted time
    # budget, so a busy machine cannot make the runtimes differ.
    defaults = dict(
        SHIPPED["defaults"], max_findings=3, budget_ms=600_000, rule_timeout_ms=600_000
    )
    bundle = dict(SHIPPED, defaults=defaults, version=f"{SHIPPED['version']}-sim")
    if simulated:
        bundle["version"] += "-on"
        bundle["rules"] = [
            {**rule, "simulate": True} if rule["id"] == FLAGGED else rule
            for rule in SHIPPED["rules"]
        ]
        bundle["policy"] = dict(SHIPPED["policy"], simulate=[LISTED])
    return bundle


def _python(bundle: dict, runtime: str = "js") -> tuple[Engine, Policy]:
    return Engine(json.dumps(bundle).encode(), runtime=runtime), Policy.load(
        None, bundle
    )


def _service(python: tuple[Engine, Policy], text: str, platform) -> dict:
    """What the service answers (api/scan.py), for the fields the policy sets."""
    engine, policy = python
    result = engine.scan(text)
    findings, verdict = policy.apply(
        result.to_dict()["findings"],
        platform,
        result.complete,
        engine.rule_kinds(result.omitted_rules),
    )
    return json.loads(json.dumps({"findings": findings, "verdict": verdict}))


@pytest.fixture(scope="module")
def node():
    process = JsEngineProcess()
    yield process
    process.close()


@pytest.fixture(scope="module", params=[True, False], ids=["simulated", "enforced"])
def reference(request, tmp_path_factory):
    bundle = _bundle(request.param)
    path = tmp_path_factory.mktemp("bundles") / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path, _python(bundle)


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("text", TEXTS)
def test_the_offline_engine_decides_like_the_service(node, reference, text, platform):
    path, python = reference
    expected = _service(python, text, platform)
    answer = node.call("decide", bundle=str(path), text=text, platform=platform)
    assert {key: answer[key] for key in expected} == expected


@pytest.mark.parametrize("platform", PLATFORMS)
def test_simulated_rules_are_audited_and_never_raise_the_verdict(platform):
    on = _python(_bundle(True), runtime="python")
    off = _python(_bundle(False), runtime="python")
    rank = ["allow", "warn", "block"].index
    seen = set()
    for text in TEXTS:
        with_sim, without = _service(on, text, platform), _service(off, text, platform)
        pairs = zip(with_sim["findings"], without["findings"], strict=True)
        for simulated, enforced in pairs:
            if simulated["rule_id"] in (FLAGGED, LISTED):
                seen.add(simulated["rule_id"])
                assert simulated["action"] == "audit"
                assert simulated["simulated_action"] == enforced["action"]
            else:
                assert simulated == enforced
        assert rank(with_sim["verdict"]) <= rank(without["verdict"])
    assert seen == {FLAGGED, LISTED}, "the texts must hit both simulated rules"
    # Findings of simulated rules only, some past the cap: nothing to show.
    assert _service(on, TEXTS[2], platform)["verdict"] == "allow"
    assert _service(off, TEXTS[2], platform)["verdict"] != "allow"
