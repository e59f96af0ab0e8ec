"""`postguard scan --explain`: why a text was (not) flagged, stage by stage."""

import json
import math
import subprocess
import sys

import pytest

from postguard.engine import Engine

GOOD_CARD = "4111 1111 1111 1111"
BAD_CARD = "4111 1111 1111 1112"  # fails Luhn
URL = "postgres://admin:Pa55w0rdX@db.acme-corp.com:5432/app"


def explain(text: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "postguard.cli", "scan", "--explain", *args],
        input=text.encode("utf-8"),
        capture_output=True,
        timeout=120,
    )


def steps_of(text: str) -> tuple[dict, list[dict]]:
    done = explain(text, "--json")
    answer = json.loads(done.stdout)
    return answer, answer["explain"]


def test_a_near_miss_names_the_validator_that_dropped_it():
    answer, steps = steps_of(f"card {BAD_CARD} thanks")
    assert answer["findings"] == []
    [step] = [s for s in steps if s["rule_id"] == "credit-card" and "start" in s]
    assert step["stage"] == "validator" and step["outcome"] == "dropped"
    assert "luhn" in step["detail"]
    assert step["preview"] == "•••• 1112"
    assert (step["start"], step["end"]) == (5, 5 + len(BAD_CARD))


def test_a_finding_is_kept_and_listed_and_other_rules_say_why_not():
    answer, steps = steps_of(f"card {GOOD_CARD}")
    assert [f["rule_id"] for f in answer["findings"]] == ["credit-card"]
    card = [(s["stage"], s["outcome"]) for s in steps if s["rule_id"] == "credit-card"]
    assert card[0] == ("anchors", "ran")
    assert ("score", "kept") in card and ("cap", "listed") in card
    aws = [s for s in steps if s["rule_id"] == "aws-access-key-id"]
    assert aws == [
        {
            "rule_id": "aws-access-key-id",
            "stage": "anchors",
            "outcome": "skipped",
            "detail": "none of its keywords occurs",
        }
    ]


def test_an_overlap_names_the_finding_that_won():
    answer, steps = steps_of(URL)
    assert [f["rule_id"] for f in answer["findings"]] == ["url-with-credentials"]
    [lost] = [s for s in steps if s["stage"] == "overlap"]
    assert lost["rule_id"] == "email-address"
    assert "url-with-credentials" in lost["detail"]


def test_an_allowlisted_value_names_the_allowlist():
    _, steps = steps_of("write to jane@example.com")
    [step] = [s for s in steps if s["rule_id"] == "email-address" and "start" in s]
    assert step["stage"] == "allow" and "global allowlist" in step["detail"]


def test_nothing_unmasked_reaches_the_output():
    for text in (f"card {GOOD_CARD} and {BAD_CARD}", URL):
        for args in ((), ("--json",)):
            out = explain(text, *args).stdout.decode("utf-8")
            assert "why" in out or "explain" in out
            for secret in (GOOD_CARD, BAD_CARD, "Pa55w0rdX", "admin:"):
                assert secret not in out


def test_the_human_form_groups_rules_that_did_not_run():
    out = explain(f"card {BAD_CARD}").stdout.decode("utf-8")
    assert "dropped at validator: fails the luhn check" in out
    assert "not run (none of its keywords occurs):" in out


def test_explain_needs_one_text_not_jsonl():
    done = explain('{"text": "x"}\n', "--format", "jsonl")
    assert done.returncode == 64
    assert b"--explain" in done.stderr


@pytest.mark.parametrize("text", [f"card {GOOD_CARD}", URL, "nothing here", ""])
def test_explaining_does_not_change_the_result(text):
    engine = Engine.load()
    result, _ = engine.explain(text)
    assert result.to_dict() == engine.scan(text, budget_ms=math.inf).to_dict()
