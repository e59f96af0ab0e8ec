"""The anchored scan: patterns tried only near keywords and digit runs.

Its promise is the whole-text scan's findings, only faster. Every test here
compares the two (``anchored=False`` searches each pattern over the whole text)
or checks a piece the promise rests on: the reach the build computes, the keyword
automaton, the windows.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import regex
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from postguard.engine import Engine
from postguard.engine.anchors import KeywordFinder
from postguard.engine.anchors import digit_runs
from postguard.engine.anchors import lower_keeping_offsets
from postguard.engine.anchors import windows
from postguard.rulebook.examples import check_rule_examples
from postguard.rulebook.reach import reach_of

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def _both(engine: Engine, text: str) -> tuple[dict, dict]:
    anchored = engine.scan(text, budget_ms=math.inf).to_dict()
    everywhere = engine.scan(text, budget_ms=math.inf, anchored=False).to_dict()
    return anchored, everywhere


# --- what the build computes --------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "flags", "keywords", "behind", "ahead", "first"),
    [
        ("(?<=ab)c(?=de)", "", [], 2, 3, False),
        ("a+", "", [], 0, None, False),
        ("(?<!x)a{2,5}", "", [], 1, 5, False),
        # A back-reference is as wide as its group.
        ("[0-9]([ -]?)[0-9]\\1[0-9]", "", [], 0, 5, False),
        # A lookbehind inside a lookbehind reads further back.
        ("(?<=(?<![A-Z])[A-Z]{2,3})[0-9]", "", [], 4, 1, False),
        ("(?<value>x)(?=[a-z]{0,4}!)", "", [], 0, 6, False),
        ("(?<![a-z])AKIA[A-Z]{16}", "", ["akia"], 1, 20, True),
        ("(?:sk|rk)_live_[a-z]{3}", "i", ["sk_live_", "rk_live_"], 0, 11, True),
        ("gh[pos]_[a-z]{4}", "", ["ghp_", "gho_", "ghs_"], 0, 8, True),
        # A class wider than the keywords, or an optional start, is not keyword-first.
        ("gh[a-z]_x", "", ["ghp_"], 0, 5, False),
        ("x?AKIA", "", ["akia"], 0, 5, False),
        ("-{1,2}pass", "", ["pass"], 0, 6, False),
        # Bounds need not be tight, only safe: the head reads 5 ahead at most.
        ("(?=@)(?<=(?<![a-z])(?<head>[a-z]{1,8}))@[a-z]{1,4}", "", ["@"], 9, 7, True),
    ],
)
def test_reach_of(pattern, flags, keywords, behind, ahead, first):
    reach = reach_of(pattern, flags, keywords)
    assert (reach.behind, reach.ahead, reach.keyword_first) == (behind, ahead, first)


@pytest.mark.parametrize(
    "pattern", [r"(?<value>[0-9]{2}([ \-]?)[0-9]{2}\1)", r"(?<value>a\k<value>)"]
)
def test_reach_refuses_a_backreference_inside_its_own_group(pattern):
    # It used to recurse until Python gave up; validate must say what is wrong.
    with pytest.raises(ValueError, match="inside that group"):
        reach_of(pattern, "", [])


def test_reach_follows_a_backreference_to_a_closed_group():
    reach = reach_of(r"(?<value>[0-9]{2}([ \-]?)[0-9]{2}\2[0-9]{2})", "", [])
    assert (reach.behind, reach.ahead) == (0, 8)


def test_every_shipped_rule_has_a_reach(bundle):
    """No shipped rule falls back to searching the whole text for want of a bound
    (except where it has no anchor at all)."""
    for rule in bundle["rules"]:
        reach = rule["reach"]
        assert reach is not None, rule["id"]
        if rule["keywords"] and not reach["keyword_first"]:
            assert reach["behind"] is not None and reach["ahead"] is not None, rule[
                "id"
            ]


# --- the pieces ---------------------------------------------------------------


@given(st.text(alphabet="hesirAK@:/ İ\u0130x", max_size=60))
def test_the_automaton_finds_every_occurrence(text):
    keywords = ["he", "she", "his", "hers", "@", "://", "akia", "i"]
    lowered = lower_keeping_offsets(text)
    expected = {
        k: [i for i in range(len(lowered)) if lowered.startswith(k, i)]
        for k in keywords
    }
    found = KeywordFinder(keywords).find(lowered)
    assert found == {k: v for k, v in expected.items() if v}


def test_lowering_keeps_every_offset():
    text = "İSTANBUL AKIA İ key ıNTERNAL"
    lowered = lower_keeping_offsets(text)
    assert len(lowered) == len(text)
    assert lowered.index("akia") == text.index("AKIA")
    assert lowered.index("key") == text.index("key")
    # Case-insensitive patterns match the Turkic i's as i: so must keywords.
    assert lowered.startswith("istanbul") and "internal" in lowered


def test_a_turkic_capital_i_still_anchors_a_case_insensitive_rule(engine):
    text = "İNTERNAL ONLY: the roadmap. Do not distribute."
    anchored, everywhere = _both(engine, text)
    assert anchored == everywhere
    assert len(anchored["findings"]) == 2


def test_a_lone_surrogate_does_not_stop_the_keyword_pass(engine):
    text = "\ud800 key AKIAZ7QF3RTYUIOPLKJH"
    anchored, everywhere = _both(engine, text)
    assert anchored == everywhere
    assert [f["rule_id"] for f in anchored["findings"]] == ["aws-access-key-id"]


@given(st.text(alphabet="0123456789 ().-/x", max_size=60), st.integers(2, 9))
def test_long_digit_runs_are_the_long_runs_of_the_bundle_pattern(bundle, text, least):
    """The engine searches for runs of at least N digits directly; they must be
    exactly the bundle pattern's runs that hold N digits or more."""
    pattern = regex.compile(bundle["prefilter"]["digit_run"])
    expected = [
        (m.start(), m.end(), sum(c.isdigit() for c in m.group()))
        for m in pattern.finditer(text)
    ]
    found = [(r.start, r.end, r.digits) for r in digit_runs(pattern, text, least)]
    assert found == [run for run in expected if run[2] >= least]


def test_windows_cover_each_anchor_and_merge_near_ones():
    assert windows([(100, 104)], 2, 10, 1000) == [(90, 106)]
    assert windows([(0, 4), (2000, 2004)], 1, 5, 10_000) == [(0, 5), (1995, 2005)]
    # Closer than the merge gap: one window.
    assert windows([(100, 104), (300, 304)], 1, 5, 10_000) == [(95, 305)]


# --- anchored == whole text ---------------------------------------------------


def _fragments(bundle: dict) -> list[str]:
    pieces = {k for rule in bundle["rules"] for k in rule["keywords"]}
    for rule in bundle["rules"]:
        pieces.update(e["text"] for e in rule["examples"]["match"])
    pieces.update(
        [" ", "\n", "-", ".", "@", "://", ":", "=", "'", '"', "user", "KEY", "İ"]
        + ["0", "12", "4111", "1111", "555", "2024", "GB", "82", "WEST", "😀", "\u200b"]
    )
    return sorted(pieces)


@pytest.fixture(scope="module")
def fragments(bundle) -> list[str]:
    return _fragments(bundle)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_anchored_and_whole_text_scans_agree_on_mixed_text(engine, fragments, data):
    parts = data.draw(st.lists(st.sampled_from(fragments), max_size=30))
    filler = data.draw(st.sampled_from(["", " ", "\n", " x " * 300]))
    text = filler.join(parts)
    anchored, everywhere = _both(engine, text)
    assert anchored == everywhere


def test_anchored_and_whole_text_scans_agree_on_all_examples_at_once(engine, bundle):
    texts = [e["text"] for r in bundle["rules"] for e in r["examples"]["match"]]
    texts += [e["text"] for r in bundle["rules"] for e in r["examples"]["no_match"]]
    for separator in (" ", "\n", " lorem ipsum " * 60):
        anchored, everywhere = _both(engine, separator.join(texts))
        assert anchored == everywhere
        assert anchored["findings"]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")
def test_anchored_and_whole_text_scans_agree_on_the_corpus(engine):
    for path in sorted(CORPUS.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for n, line in enumerate(handle):
                if n % 40 == 0 and line.strip():
                    text = json.loads(line)["text"]
                    anchored, everywhere = _both(engine, text)
                    assert anchored == everywhere, (path.name, n)


# --- when a rule's keywords do not anchor its matches ---------------------------


def _far_keyword_rule(bundle: dict) -> dict:
    source = next(r for r in bundle["rules"] if r["id"] == "aws-access-key-id")
    return {
        **source,
        "id": "far-keyword",
        "keywords": ["deploy"],
        "reach": {"behind": 1, "ahead": 21, "keyword_first": False},
        "examples": {
            "match": [
                {"text": "deploy " + " " * 200 + "AKIAZ7QF3RTYUIOPLKJH", "why": "x"}
            ],
            "no_match": [],
        },
    }


def test_a_match_beyond_its_keywords_reach_is_not_found_anchored(bundle, engine_with):
    rule = _far_keyword_rule(bundle)
    engine = engine_with(rules=[rule])
    text = rule["examples"]["match"][0]["text"]
    anchored, everywhere = _both(engine, text)
    assert anchored["findings"] == []
    assert [f["rule_id"] for f in everywhere["findings"]] == ["far-keyword"]
    # rules validate / test name the example, so an author adds the keyword.
    failures = check_rule_examples(engine, rule)
    assert any("only when the whole text is searched" in f for f in failures)


# --- gates ---------------------------------------------------------------------


def _gated_rule(bundle: dict, gate: str) -> dict:
    source = next(r for r in bundle["rules"] if r["id"] == "mailgun-api-key-v2")
    return {**source, "id": "gated", "gate": gate}


MAILGUN = "key 0123456789abcdef0123456789abcdef-0123abcd-4567ef01 end"


def test_a_rule_runs_only_where_its_gate_matches(bundle, engine_with):
    engine = engine_with(rules=[_gated_rule(bundle, "-[0-9a-f]{8}-[0-9a-f]{8}")])
    anchored, everywhere = _both(engine, "lorem ipsum " * 50 + MAILGUN)
    assert [f["rule_id"] for f in anchored["findings"]] == ["gated"]
    assert anchored == everywhere
    result, steps = engine.explain("no key here, 2024-11-30")
    assert ("gated", "gate", "skipped") in [
        (s["rule_id"], s["stage"], s["outcome"]) for s in steps
    ]


def test_a_gate_that_misses_a_match_is_caught_by_the_examples_check(
    bundle, engine_with
):
    # This gate never occurs in a Mailgun key: the anchored scan finds nothing.
    rule = _gated_rule(bundle, "-[0-9a-f]{9}-")
    engine = engine_with(rules=[rule])
    anchored, everywhere = _both(engine, MAILGUN)
    assert anchored["findings"] == []
    assert [f["rule_id"] for f in everywhere["findings"]] == ["gated"]
    failures = check_rule_examples(engine, rule)
    assert any("only when the whole text is searched" in f for f in failures)


def test_a_gate_is_searched_once_for_the_rules_that_share_it(bundle, engine_with):
    first = _gated_rule(bundle, "-[0-9a-f]{8}-[0-9a-f]{8}")
    second = {**first, "id": "gated-too", "score": 0.9}
    engine = engine_with(rules=[first, second])
    assert len(engine._plan.groups) == 2
    found = engine.scan(MAILGUN).findings
    assert sorted(f.rule_id for f in found) == ["gated-too"]  # the higher score wins
    assert [f.rule_id for f in engine.scan(MAILGUN, only={"gated"}).findings] == [
        "gated"
    ]


# --- rules that detect alike ----------------------------------------------------


def test_copies_of_a_rule_each_report_from_one_search(bundle, engine_with):
    source = next(r for r in bundle["rules"] if r["id"] == "aws-access-key-id")
    copy = {**source, "id": "aws-copy", "severity": "medium", "priority": 99}
    engine = engine_with(rules=[source, copy])
    assert len(engine._plan.groups) == 1
    text = "key AKIAZ7QF3RTYUIOPLKJH"
    # The copy's higher priority wins the span; each alone finds it.
    assert [f.rule_id for f in engine.scan(text).findings] == ["aws-copy"]
    for rule_id in ("aws-access-key-id", "aws-copy"):
        found = engine.scan(text, only={rule_id}).findings
        assert [f.rule_id for f in found] == [rule_id]


# --- a head read behind the match ----------------------------------------------


def _head_rule(bundle: dict) -> dict:
    """Digit first, the words before the number read behind it (as the address
    rules do): a later match's head can reach back into an earlier match."""
    source = next(r for r in bundle["rules"] if r["id"] == "street-address-block")
    pattern = (
        "(?<value>[0-9](?<=(?<![A-Za-z0-9])(?<head>(?:[A-Za-z0-9]{1,9} ){1,3})[0-9])"
        "[0-9]{0,3})(?![0-9])"
    )
    return {
        **source,
        "id": "head-words",
        "pattern": pattern,
        "flags": "",
        "gate": None,
        "keywords": [],
        "min_digits": 1,
        "context": None,
        "validators": [],
        "allow": None,
        "score": 0.9,
        "reach": {"behind": 31, "ahead": 5, "keyword_first": False},
    }


def test_a_head_reaching_into_the_previous_match_is_dropped(bundle, engine_with):
    engine = engine_with(rules=[_head_rule(bundle)])
    # "Lane 12" is a match; at 34 the head could take "Lane 12 Oak ", but that
    # text is the first match's: a search resuming after it finds no head there.
    text = "Lane 12 Oak 34"
    anchored, everywhere = _both(engine, text)
    spans = [(f["start"], f["end"]) for f in anchored["findings"]]
    assert spans == [(0, 7)]
    assert anchored == everywhere
    # Apart, both are found, each from its own head.
    apart = engine.scan("Lane 12, then Oak 34", budget_ms=math.inf).to_dict()
    assert [(f["start"], f["end"]) for f in apart["findings"]] == [(0, 7), (9, 20)]


# --- the pattern's own reach for anchors inside a match -------------------------


def test_context_rules_keep_the_patterns_own_reach_for_inner_anchors(bundle):
    rule = next(r for r in bundle["rules"] if r["id"] == "se-personnummer")
    own = reach_of(rule["pattern"], rule.get("flags", ""), [])
    reach = rule["reach"]
    assert (reach["match_behind"], reach["match_ahead"]) == (own.behind, own.ahead)
    # The keywords are context words: their windows are wider by the context window.
    assert reach["ahead"] >= own.ahead + rule["context"]["window"]


def test_digit_run_windows_with_the_own_reach_find_what_the_whole_text_does(engine):
    # Context words far from the number, digit runs sparser than the words.
    filler = "id card, citizen, personal number, " * 3
    text = filler + "x " * 40 + "personnummer 811228-9874 " + "code 1234 " * 3
    anchored, everywhere = _both(engine, text)
    assert anchored == everywhere
    assert any(f["rule_id"] == "se-personnummer" for f in anchored["findings"])
