"""The context guards' parts: handle skeletons and distance, whole words near
the organisation's name, tickers, quiet-period windows."""

import json
from pathlib import Path

import pytest
import regex

from postguard.engine.guards import GuardData
from postguard.engine.guards import context_findings
from postguard.engine.guards.handles import edit_distance
from postguard.engine.guards.quiet_period import active_window
from postguard.engine.guards.words import Layout
from postguard.engine.guards.words import names_pattern
from postguard.engine.guards.words import words_pattern

REPO = Path(__file__).resolve().parents[2]
BUNDLE = json.loads((REPO / "shared_rules" / "dist" / "ruleset.json").read_text())
GUARDS = GuardData.from_bundle(BUNDLE)
RULES = GUARDS.handles
ORG = {
    "organization": {
        "names": ["Acme"],
        "handles": {"x": ["@AcmeSupport", "@Acme"]},
    },
    "quiet_periods": [{"name": "Blackout", "start": "2026-11-01", "end": "2027-01-31"}],
}


@pytest.mark.parametrize(
    ("a", "b", "limit", "distance"),
    [
        ("acme", "acme", 2, 0),
        ("acme", "acne", 2, 1),
        ("kitten", "sitting", 3, 3),
        ("kitten", "sitting", 1, 2),
        ("", "abc", 5, 3),
    ],
)
def test_edit_distance_stops_past_the_limit(a, b, limit, distance):
    assert edit_distance(a, b, limit) == distance


@pytest.mark.parametrize(
    ("handle", "skeleton"),
    [
        ("@AcmeSupp0rt", "acmesupport"),
        ("@\u0410cme_Support", "acmesupport"),  # Cyrillic A, underscore
        ("@Acme.Help-Desk", "acmeheipdesk"),  # l folds to i, like 1
        ("@\uff21CME", "acme"),  # fullwidth A (NFKC)
    ],
)
def test_skeleton_folds_confusables_digits_and_separators(handle, skeleton):
    assert RULES.skeleton(handle) == skeleton


def test_affixes_come_off_either_end_but_leave_a_core():
    assert RULES.without_affixes(RULES.skeleton("TheAcmeSupportTeam")) == "acme"
    # "us" is an affix, but cutting it would leave one letter.
    assert RULES.without_affixes("bus") == "bus"


def test_short_officials_allow_no_edit_long_ones_two():
    assert RULES.lookalike("@acne", ["@Acme"]) is None
    assert RULES.lookalike("@AcmeSupprot", ["@AcmeSupport"]) == "@AcmeSupport"
    assert RULES.lookalike("@AcmeSuppXXX", ["@AcmeSupport"]) is None


def test_a_handle_over_100_characters_is_not_compared():
    assert RULES.lookalike("@" + "a" * 120, ["@" + "a" * 120]) is None


def test_words_are_whole_and_caseless_across_scripts():
    pattern = regex.compile(words_pattern(["deal", "मुनाफा", "must have"]))
    assert pattern.search("Big DEAL!")
    assert not pattern.search("ideal")
    assert pattern.search("a MUST-HAVE")
    assert pattern.search("कंपनी का मुनाफा")
    # A Devanagari vowel sign continues the word.
    assert not pattern.search("मुनाफाे")


def test_tickers_match_in_capitals_only_names_in_any_case():
    pattern = regex.compile(names_pattern(["Roadrunner"], ["$ACME"]))
    assert [m.group() for m in pattern.finditer("ACME $ACME acme roadrunner")] == [
        "ACME",
        "$ACME",
        "roadrunner",
    ]
    assert names_pattern([], []) is None


def test_near_means_same_sentence_and_window():
    text = "Acme rocks. Great day"
    layout = Layout.of(text)
    assert not layout.near(0, text.index("Great"), 12)
    text = "Acme.com is great"
    assert Layout.of(text).near(0, text.index("great"), 12)
    words = " ".join(["w"] * 12)
    text = f"Acme {words} great"
    assert not Layout.of(text).near(0, text.index("great"), 12)
    assert Layout.of(text).near(0, text.index("great"), 13)


def test_windows_are_inclusive_and_respect_groups():
    windows = [
        {"name": "A", "start": "2026-11-01", "end": "2026-11-30", "groups": ["fin"]},
        {"name": "B", "start": "2026-11-15", "end": "2026-12-01"},
    ]
    assert active_window(windows, "2026-11-01", ["fin"])["name"] == "A"
    assert active_window(windows, "2026-11-01", []) is None
    assert active_window(windows, "2026-12-01", [])["name"] == "B"
    assert active_window(windows, "2026-12-02", ["fin"]) is None


def test_today_may_be_a_date_object():
    import datetime

    found = context_findings(
        "Acme revenue",
        context=None,
        policy_data=ORG,
        guard_data=GUARDS,
        platform="x",
        today=datetime.date(2026, 12, 2),
    )
    assert [f["rule_id"] for f in found] == ["quiet-period"]


def test_no_guard_data_or_no_organization_costs_nothing():
    kwargs = {"context": None, "platform": "x", "today": "2026-12-02"}
    assert (
        context_findings("Acme revenue", policy_data=ORG, guard_data=None, **kwargs)
        == []
    )
    assert (
        context_findings("Acme revenue", policy_data={}, guard_data=GUARDS, **kwargs)
        == []
    )


def test_preview_and_message_never_carry_the_post_text():
    text = "@AcmeSupp0rt my secret order 12345"
    [finding] = context_findings(
        text,
        context=None,
        policy_data=ORG,
        guard_data=GUARDS,
        platform="x",
        today="2027-06-01",
    )
    assert "AcmeSupp0rt" not in finding["preview"] + finding["message"]
    assert finding["preview"].startswith("••••")


def test_only_the_first_50_distinct_handles_are_judged():
    # A pasted list of thousands of handles must not cost seconds per scan.
    many = " ".join(f"@person{n}" for n in range(50))
    found = context_findings(
        f"{many} @AcmeSupp0rt",
        context=None,
        policy_data=ORG,
        guard_data=GUARDS,
        platform="x",
        today="2027-06-01",
    )
    assert found == []
    fewer = " ".join(f"@person{n}" for n in range(49))
    found = context_findings(
        f"{fewer} @AcmeSupp0rt @AcmeSupp0rt",
        context=None,
        policy_data=ORG,
        guard_data=GUARDS,
        platform="x",
        today="2027-06-01",
    )
    assert [f["rule_id"] for f in found] == ["impostor-handle"]


def test_many_names_and_words_apart_stay_linear():
    import time

    # 10,000 names, then 6,000 opinion words in the next sentence: comparing
    # every pair would take minutes; each name looks only at nearby words.
    text = "Acme " * 10_000 + ". " + "great " * 6_000
    started = time.perf_counter()
    found = context_findings(
        text,
        context=None,
        policy_data=ORG,
        guard_data=GUARDS,
        platform="x",
        today="2027-06-01",
    )
    assert found == []
    assert time.perf_counter() - started < 5
