"""Factors (engine/factors.py): literal strings every match of a pattern holds,
another anchor for the scan. A wrong factor would lose findings, so: the parser
on known shapes, every shipped example, and the case-folding it relies on."""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

import pytest
import regex

from postguard.engine import Engine
from postguard.engine.anchors import lower_keeping_offsets
from postguard.engine.factors import factors_of
from postguard.engine.normalize import normalize

BUNDLE = Path(__file__).resolve().parents[2] / "backend/postguard/data/ruleset.json"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("(?<![A-Za-z])double[ \\t]+your[ \\t]+(?:money|cash)", ("double",)),
        (
            "(?:double|triple)[ \\t]{1,3}(?:money|cash)|turn[ \\t]{1,3}into",
            ("double", "triple", "turn"),
        ),
        ("AKIA[0-9A-Z]{16}", ("akia",)),
        ("[Gg]hp_[A-Za-z0-9]{36}", ("ghp_",)),
        ("(?:k|K)?ey=", ("ey=", "key=")),
        ("abc(?=defgh)", ("abc",)),  # a lookahead's text is not in the match
        ("(?<=secret[ \\t])[A-Za-z0-9]{30}", ()),  # nor a lookbehind's
        ("ab[0-9]cd", ()),  # too short on either side
        ("a(?:bcd)?e", ()),  # optional: not required
        ("(?:abc){2}", ("abcabc",)),
        ("x|abcd", ()),  # one branch has nothing
        ("(?<v>abc)\\1", ("abc",)),
        ("\\u00e9t\\u00e9s", ()),  # not ASCII: not compared
        ("[^abc]def", ("def",)),
        ("(?:ab|cd)(?:ef|gh)", ("abef", "abgh", "cdef", "cdgh")),
        ("\\$[A-Z]{3}\\.usd", (".usd",)),
    ],
)
def test_factors_of_known_shapes(pattern: str, expected: tuple[str, ...]) -> None:
    assert factors_of(pattern) == expected


def test_unknown_syntax_gives_no_factors() -> None:
    assert factors_of("(abc") == ()
    assert factors_of("abc)") == ()
    assert factors_of("(?i)abcdef") == ()


def test_every_example_match_holds_a_factor() -> None:
    """Every match of a rule's pattern in its shipped examples (match and
    no_match) holds one of the rule's factors, in the lower-cased text."""
    engine = Engine(BUNDLE.read_bytes())
    by_id = {r.id: r for r in engine.rules}
    checked = 0
    for spec in json.loads(BUNDLE.read_text())["rules"]:
        rule = by_id.get(spec["id"])
        if rule is None or not rule.factors:
            continue
        examples = spec.get("examples", {})
        for example in [*examples.get("match", []), *examples.get("no_match", [])]:
            text = normalize(example["text"], engine.compiled.table).text
            lowered = lower_keeping_offsets(text)
            for match in rule.pattern.finditer(text):
                held = lowered[match.start() : match.end()]
                assert any(f in held for f in rule.factors), (rule.id, example)
                checked += 1
    assert checked > 100


def test_case_insensitive_ascii_letters_lower_to_themselves() -> None:
    """What a factor of an ``i`` pattern relies on: a normalised text's character
    that ``regex`` matches to an ASCII letter case-insensitively lower-cases to
    it (the only other one, U+017F, is normalised to ``s`` before the scan)."""
    stable = "".join(
        chr(c)
        for c in range(0x80, sys.maxunicode + 1)
        if not 0xD800 <= c < 0xE000 and unicodedata.is_normalized("NFKC", chr(c))
    )
    letters = regex.compile("[a-z]", regex.IGNORECASE | regex.V0)
    for char in set(letters.findall(stable)):
        assert lower_keeping_offsets(char).isascii(), hex(ord(char))
        lowered = lower_keeping_offsets(char)
        assert regex.fullmatch(lowered, char, regex.IGNORECASE | regex.V0)
    assert unicodedata.normalize("NFKC", "\u017f") == "s"
