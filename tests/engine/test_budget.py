"""The scan budget, on a fake clock that advances one second on every read.

No test here measures time: each shows where the engine looks at the clock and
that it stops there, with ``complete: false`` naming what it did not finish.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from postguard.engine import BundleError
from postguard.engine import Engine
from postguard.engine.budget import Budget
from postguard.engine.scanner import Candidate
from postguard.engine.scanner import _resolve_overlaps

CARD = "4111 1111 1111 1111"
EMAILS = [f"u{i}@acme-corp.com" for i in range(60)]
# Formatted like phones, each a candidate of its own (";" ends one), none valid:
# only the phone matcher's own loop can see the budget run out.
NOT_PHONES = "; ".join(f"(000) 000-{1000 + i}" for i in range(200))


class FakeClock:
    """Seconds that advance by one on every read."""

    def __init__(self) -> None:
        self.now = 0.0
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        self.now += 1.0
        return self.now


def _engine(bundle: dict, clock, **defaults) -> Engine:
    changed = {**bundle, "defaults": {**bundle["defaults"], **defaults}}
    return Engine(json.dumps(changed).encode("utf-8"), clock=clock)


def _covered(text: str, result) -> list[str]:
    return [text[f.start : f.end] for f in result.findings]


def test_the_budget_is_checked_between_candidates(bundle):
    clock = FakeClock()
    # 100 reads of budget: the pattern, tried at each "@", reads the clock 61 times.
    # The regex timeout (an hour) never ends anything here.
    engine = _engine(bundle, clock, budget_ms=100_000, rule_timeout_ms=3_600_000)
    text = " ".join(EMAILS)
    result = engine.scan(text, only={"email-address"})
    assert not result.complete
    assert result.incomplete == [{"rule_id": "email-address", "reason": "budget"}]
    assert result.verdict == "warn"
    found = _covered(text, result)
    # It stopped part-way through the candidates, keeping the ones before.
    assert 0 < len(found) < len(EMAILS)
    assert found == EMAILS[: len(found)]


def test_one_rule_cannot_use_up_the_budget_of_the_next(bundle):
    clock = FakeClock()
    # 1,000 reads of budget, 10 per rule: the email addresses take more than
    # their share and time out; the card, checked first, is found all the same.
    engine = _engine(bundle, clock, budget_ms=1_000_000, rule_timeout_ms=10_000)
    text = " ".join(EMAILS) + f" card {CARD}"
    result = engine.scan(text, only={"email-address", "credit-card"})
    assert result.incomplete == [{"rule_id": "email-address", "reason": "timeout"}]
    found = _covered(text, result)
    assert found[-1] == CARD
    assert 0 < len(found) - 1 < len(EMAILS)
    assert found[:-1] == EMAILS[: len(found) - 1]


def test_the_most_severe_rules_run_first(bundle):
    # By id, email-address would run before password-phrase; by severity the
    # password (critical) comes before the email address (medium).
    text = "mail jane@acme-corp.com, my password is hunter2!"
    password_alone = False
    for budget_ms in range(1_000, 40_000, 1_000):
        clock = FakeClock()
        engine = _engine(bundle, clock, budget_ms=budget_ms, rule_timeout_ms=3_600_000)
        types = [f.type for f in engine.scan(text).findings]
        assert types in ([], ["PASSWORD"], ["EMAIL", "PASSWORD"]), budget_ms
        password_alone = password_alone or types == ["PASSWORD"]
    assert password_alone


def test_without_a_budget_the_clock_is_never_read(bundle):
    def no_clock() -> float:
        raise AssertionError("a scan without a budget read the clock")

    engine = _engine(bundle, no_clock, rule_timeout_ms=1)
    text = " ".join(EMAILS) + f" card {CARD}"
    result = engine.scan(text, budget_ms=math.inf)
    assert result.complete
    assert len(result.findings) == len(EMAILS) + 1
    assert engine.scan(text, deadline=math.inf).complete


def test_the_phone_matcher_checks_the_budget_in_its_loop(bundle):
    clock = FakeClock()
    engine = _engine(bundle, clock, budget_ms=20_000, rule_timeout_ms=3_600_000)
    result = engine.scan(NOT_PHONES, only={"phone-number"})
    assert result.findings == []
    assert result.incomplete == [{"rule_id": "phone-number", "reason": "budget"}]
    # It stopped early: 200 candidates, far fewer reads.
    assert clock.reads < 50
    unlimited = engine.scan(NOT_PHONES, only={"phone-number"}, budget_ms=math.inf)
    assert unlimited.complete


def test_a_shared_deadline_spans_several_scans(bundle):
    clock = FakeClock()
    engine = _engine(bundle, clock, rule_timeout_ms=3_600_000)
    deadline = clock() + 10_000  # clock reads: ample for one short text
    first = engine.scan(f"card {CARD}", deadline=deadline)
    assert first.complete and first.verdict == "block"
    clock.now = deadline  # the first paragraphs used the whole budget
    second = engine.scan(f"mail jane@acme-corp.com card {CARD}", deadline=deadline)
    assert second.findings == []
    assert second.verdict == "warn"
    assert {e["reason"] for e in second.incomplete} == {"budget"}
    assert {"credit-card", "email-address"} <= {e["rule_id"] for e in second.incomplete}


def test_a_deadline_overrides_budget_ms(bundle):
    clock = FakeClock()
    engine = _engine(bundle, clock, rule_timeout_ms=3_600_000)
    past = clock()
    assert not engine.scan(f"card {CARD}", deadline=past, budget_ms=math.inf).complete
    future = clock() + 1000
    assert engine.scan(f"card {CARD}", deadline=future, budget_ms=0).complete


def _candidate(rule, start: int, end: int, score: int = 90) -> Candidate:
    return Candidate(rule, start, end, score)


def test_overlap_resolution_stops_when_the_budget_runs_out(engine):
    email = next(r for r in engine.rules if r.id == "email-address")
    candidates = [_candidate(email, 10 * i, 10 * i + 5) for i in range(6)]
    clock = FakeClock()
    # Reads 1, 2 and 3 come before the deadline; the fourth check stops.
    incomplete: list = []
    kept = _resolve_overlaps(candidates, Budget(4.0, 0.0, clock), incomplete)
    assert kept == candidates[:3]
    assert clock.reads == 4
    assert incomplete == [{"rule_id": "email-address", "reason": "budget"}]
    # A rule already listed (its pattern timed out) keeps its one entry.
    incomplete = [{"rule_id": "email-address", "reason": "timeout"}]
    _resolve_overlaps(candidates, Budget(4.0, 0.0, FakeClock()), incomplete)
    assert incomplete == [{"rule_id": "email-address", "reason": "timeout"}]


def _naive_resolve(candidates: list[Candidate]) -> list[Candidate]:
    """The definition: most specific first, skipping anything overlapping."""
    ranked = sorted(
        candidates,
        key=lambda c: (-c.rule.priority, -c.score, c.start - c.end, c.start, c.rule.id),
    )
    kept: list[Candidate] = []
    for cand in ranked:
        if all(cand.end <= k.start or cand.start >= k.end for k in kept):
            kept.append(cand)
    return sorted(kept, key=lambda c: (c.start, c.end, c.rule.id))


SPANS = st.lists(
    st.tuples(
        st.integers(0, 40),  # start
        st.integers(0, 8),  # length (empty spans too)
        st.integers(0, 3),  # which rule
        st.sampled_from([50, 70, 90]),  # score
    ),
    max_size=40,
)


@given(spans=SPANS)
def test_overlap_resolution_matches_the_definition(engine, spans):
    rules = engine.rules[:4]
    candidates = [
        _candidate(rules[r], start, start + length, score)
        for start, length, r, score in spans
    ]
    unlimited = Budget(math.inf, 0.05)
    assert _resolve_overlaps(candidates, unlimited, []) == _naive_resolve(candidates)


def test_an_unknown_stdnum_module_is_a_bundle_error_at_load(bundle):
    ssn = next(r for r in bundle["rules"] if r["id"] == "us-ssn")
    broken = {
        **ssn,
        "validators": [{"name": "stdnum", "params": {"module": "zz.no_such_number"}}],
    }
    rules = [broken if r["id"] == "us-ssn" else r for r in bundle["rules"]]
    with pytest.raises(BundleError, match="us-ssn"):
        Engine(json.dumps({**bundle, "rules": rules}).encode("utf-8"))


# Runs in a fresh interpreter: which modules loading the engine imports, and which
# the first scans import after it (none may: they would be paid inside the budget).
_FRESH_PROCESS = """
import json, sys
from postguard.engine import Engine
engine = Engine.load(sys.argv[1])
loaded = set(sys.modules)
engine.scan("SSN 536-22-1234, call +1 202-456-1414 or +44 20 7946 0958, NI AB123456C")
print(json.dumps({"loaded": sorted(loaded),
                  "first_scan": sorted(set(sys.modules) - loaded)}))
"""


def test_loading_the_engine_prepares_what_the_first_scan_needs(bundle, tmp_path):
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-c", _FRESH_PROCESS, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    modules = json.loads(out.stdout)
    stdnum = {
        f"stdnum.{v['params']['module']}"
        for r in bundle["rules"]
        for v in r.get("validators", [])
        if v["name"] == "stdnum"
    }
    assert stdnum and stdnum <= set(modules["loaded"])
    regions = {
        f"phonenumbers.data.region_{r}" for r in bundle["defaults"]["phone_regions"]
    }
    assert regions <= set(modules["loaded"])
    assert modules["first_scan"] == []
