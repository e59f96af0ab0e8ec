"""Term lists (``terms:``, context words) become one whole-word alternation: a
blank also matches - and _, and a straight apostrophe also the curly one phones
type (and the other way round), in both runtimes (the build writes the pattern)."""

from __future__ import annotations

import math

import pytest
import regex

from postguard.engine import Engine
from postguard.rulebook.build import context_anchors
from postguard.rulebook.build import words_pattern


@pytest.mark.parametrize("typed", ["jusqu'au", "jusqu’au", "JUSQU’AU"])
def test_either_apostrophe_matches_a_term_written_with_one(typed):
    for written in ("embargo jusqu'au", "embargo jusqu’au"):
        pattern = regex.compile(words_pattern([written]), regex.IGNORECASE)
        assert pattern.search(f"Embargo {typed} 5 mars"), (written, typed)


def test_an_apostrophe_is_not_a_wildcard():
    pattern = regex.compile(words_pattern(["jusqu'au"]), regex.IGNORECASE)
    assert pattern.search("jusqu au") is None
    assert pattern.search("jusqu`au") is None


@pytest.mark.parametrize(
    "text",
    [
        "Embargo jusqu’au 5 mars 10h : nouveaux tarifs",
        "Embargo until Thursday 9am ET",
        "Embargo bis 5. März, 10 Uhr",
        "Embargo hasta el lunes a las 9",
        "Embargo fino al 5 marzo",
        "Embargo tot dinsdag 9 uur",
        "Embargo até segunda-feira",
    ],
)
def test_a_press_embargo_with_its_time_is_a_marking_in_each_language(text):
    findings = Engine.load().scan(text, budget_ms=math.inf).findings
    assert [f.type for f in findings] == ["CONFIDENTIAL_TERM"], text


def test_a_context_phrase_with_an_apostrophe_anchors_on_a_word_without_one():
    # The phrase matches either apostrophe, so its anchor must not hold one.
    context = {"words": ["numéro d'identification", "d’accès"], "window": 40}
    keywords, _ = context_anchors(context, {"behind": 1, "ahead": 10})
    assert keywords == ["accès", "identification"]
