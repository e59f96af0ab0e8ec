"""The context guards give the same findings in both runtimes
(backend/postguard/engine/guards/ and extension/src/engine/guards/) on generated
drafts: the organisation's names, products and tickers in odd cases and
spellings, lookalike handles built from confusables, digits and separators, the
bundle's own endorsement, financial and disclosure words, sentence ends of
several scripts, astral characters and combining marks, context targets, device
groups and quiet windows. guard_cases.json fixes the expected answers; this
test keeps the twins from drifting where no vector looks."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from js_engine_process import BUNDLE
from js_engine_process import NodeDriver

from postguard.engine.guards import GuardData
from postguard.engine.guards import context_findings
from postguard.paragraph_cache import cap_findings

DRIVER = BUNDLE.parents[2] / "tests" / "conformance" / "js_guards_driver.mjs"
BUNDLE_DATA = json.loads(BUNDLE.read_text(encoding="utf-8"))
GUARDS = GuardData.from_bundle(BUNDLE_DATA)
SECTION = BUNDLE_DATA["guards"]

NAMES = [
    "Acme",
    "Acme Corp",
    "Roadrunner",
    "O'Reilly",
    "Straße Werk",
    "ΣΊΣΥΦΟΣ",
    "ǅemal",
    "İzmir Bank",
    "Ａｃｍｅ",
    "C++ (Next)",
    "टाटा",
    "𐐨𐐯 Bird",
    "R&D-Labs",
    "  Padded  ",
]
TICKERS = ["ACME", "$ACME", "RR", "ΣΦ", "$TATA"]
HANDLES = [
    "@AcmeSupport",
    "@Acme",
    "acme",
    "@Acme_Corp",
    "@RoadRunnerHQ",
    "@ΣίσυφοςHelp",
    "@ab",
    "@xyz",
    "@OReillyMedia",
    "@𝐀cmeNews",
    "@𐐨𐐯",
]
DISCLOSURES = [
    "#AcmeEmployee",
    "#employee",
    "I work at Acme",
    "Ich arbeite bei Acme",
    "[Ad] {paid}",
    "#Straße",
    "ΣΊΣΥΦΟΣ team",
    "C++ (Next)",
    "  ",
]
DATES = ["2026-10-31", "2026-11-01", "2026-12-02", "2027-01-31", "2027-02-01"]
GROUPS = ["finance", "legal", "sales"]
PLATFORMS = ["x", "linkedin", "mastodon", "other", None]
# Characters lookalike handles are made of: Latin, Cyrillic and Greek lookalikes,
# digits for letters, separators, dotless and dotted i, sharp s, final sigma, a
# mathematical bold A and a full-width c (NFKC folds them), Deseret letters
# (astral, with case), a combining acute.
CONFUSABLE = "AcmeSuportHLPacmesuport01l3I_.-аеосрАМЅΑΜΕοσΣςİıßẞ𝐀ｃ𐐨𐐀\u0301"
LETTERS = "AaCcMmEeRrOoDdNnUuTtSsIiİıßΣσς'’ -_0123456789"

handle_text = st.text(alphabet=CONFUSABLE, min_size=1, max_size=16)
AFFIXES = ["", "_", "Help", "Official", "real", "_support", "HQ", "Team", "the"]


def _lookalike(
    official: str, edits: list[tuple[int, str, bool]], affix: str, front: bool
) -> str:
    """``official`` with characters swapped or added, and an affix."""
    chars = list(official.lstrip("@"))
    for at, char, insert in edits:
        at %= len(chars) + 1
        if insert or at == len(chars):
            chars.insert(at, char)
        else:
            chars[at] = char
    core = "".join(chars)
    return "@" + (affix + core if front else core + affix)


lookalike_handle = st.builds(
    _lookalike,
    st.sampled_from(["@AcmeSupport", "@Acme", "acme", "@RoadRunnerHQ", "@xyz", "@𐐨𐐯"]),
    st.lists(
        st.tuples(st.integers(0, 20), st.sampled_from(CONFUSABLE), st.booleans()),
        max_size=3,
    ),
    st.sampled_from(AFFIXES),
    st.booleans(),
)
generated_handle = st.one_of(
    st.builds(lambda h: "@" + h, handle_text), lookalike_handle
)
generated_name = st.text(alphabet=LETTERS, min_size=1, max_size=12)

PIECES = [
    *NAMES,
    *TICKERS,
    *HANDLES,
    *DISCLOSURES,
    "acme",
    "ACME",
    "acme.com",
    "Acme's",
    "Acme’s",
    "acme-corp",
    "acme_corp",
    "roadrunner",
    "$acme",
    "$ACMEX",
    "@",
    "me@acme.com",
    "x.com/@Acme",
    "@Acme.",
    "@Acme-",
    "@acme@mastodon.social",
    "@abHelp",
    "@ab_support",
    "@xyzteam",
    "@supportxyz",
    "@AcmeSupportHelp",
    "@TheAcmeSupport",
    "@helpme",
    ".",
    "!",
    "?",
    " ",
    "  ",
    ", ",
    ". ",
    "! ",
    "? ",
    "…",
    "。",
    "！",
    "। ",
    "॥",
    "\n",
    "\r\n",
    "\t",
    "\u0085",
    "\u001c",
    ".\u001c",
    "!\u0085",
    ".\ufeff",
    "?\u2028",
    "\ufeff",
    "\u00a0",
    "\u3000",
    "3.5",
    "5/5",
    "10/10",
    "4,5/5",
    "★★★★",
    "⭐⭐⭐",
    "Q3",
    "FY27",
    "FY 2027",
    "H1",
    "😀",
    "𝐀",
    "e\u0301",
    "\u0301",
    "नतीजे",
    "बहुत अच्छा",
    "the",
    "and",
    "we",
    "team",
    "lunch",
    "phone",
    "new",
    "really",
    "very",
    "numbers",
    "deal",
    "Best Buy",
]
WORDS = [
    *SECTION["endorsement"]["words"],
    *SECTION["financial"]["words"],
    *SECTION["disclosure"]["words"],
]

# Each kind about as likely: the organisation's names, the bundle's words, the
# other pieces, lookalike handles and generated names.
piece = st.one_of(
    st.sampled_from(["Acme", "acme", "ACME", "$ACME", "Acme Corp", "Roadrunner"]),
    st.sampled_from(NAMES),
    st.sampled_from(WORDS),
    st.sampled_from(PIECES),
    generated_handle,
    lookalike_handle,
    generated_name,
)
# Mostly pieces between blanks (so names and words stand whole), sometimes run
# together (so they touch letters, digits and marks).
text = st.one_of(
    st.builds(" ".join, st.lists(piece, min_size=3, max_size=30)),
    st.builds(" ".join, st.lists(piece, min_size=3, max_size=30)),
    st.builds("".join, st.lists(st.one_of(piece, st.just(" ")), max_size=30)),
)
window = st.builds(
    lambda name, dates, groups: {
        "name": name,
        "start": min(dates),
        "end": max(dates),
        **({"groups": groups} if groups is not None else {}),
    },
    st.sampled_from(["Q3 earnings blackout", "Finance close", "Deal {x}"]),
    st.lists(st.sampled_from(DATES), min_size=2, max_size=2),
    st.one_of(st.none(), st.lists(st.sampled_from(GROUPS), max_size=2)),
)
organization = st.fixed_dictionaries(
    {
        "names": st.lists(
            st.one_of(st.sampled_from(["Acme", "Acme Corp"]), st.sampled_from(NAMES)),
            min_size=1,
            max_size=3,
        ),
        "handles": st.dictionaries(
            st.sampled_from(["x", "linkedin", "mastodon", "bluesky"]),
            st.lists(
                st.one_of(st.sampled_from(HANDLES), generated_handle),
                min_size=1,
                max_size=3,
            ),
            max_size=3,
        ),
    },
    optional={
        "products": st.lists(
            st.one_of(st.sampled_from(NAMES), generated_name), max_size=2
        ),
        "tickers": st.lists(st.sampled_from(TICKERS), max_size=2),
        "disclosure": st.lists(st.sampled_from(DISCLOSURES), max_size=3),
    },
)
target = st.fixed_dictionaries(
    {
        "handle": st.one_of(
            st.sampled_from(HANDLES), generated_handle, handle_text, st.just("")
        ),
        "kind": st.sampled_from(["reply_to", "mention", "dm"]),
    }
)
context = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {},
        optional={
            "audience": st.sampled_from(
                ["public", "reply", "followers", "dm", "unknown"]
            ),
            "targets": st.lists(target, max_size=4),
            "groups": st.lists(st.sampled_from(GROUPS), max_size=2),
        },
    ),
)
case = st.fixed_dictionaries(
    {
        "text": text,
        "policy": st.fixed_dictionaries(
            {
                "organization": organization,
                "quiet_periods": st.lists(window, max_size=3),
            }
        ),
        "context": context,
        "platform": st.sampled_from(PLATFORMS),
        "today": st.sampled_from(DATES),
        "groups": st.lists(st.sampled_from(GROUPS), max_size=2),
    }
)


@pytest.fixture(scope="module")
def node():
    process = NodeDriver(DRIVER)
    yield process
    process.close()


def python_findings(c: dict) -> list[dict]:
    return context_findings(
        c["text"],
        context=c["context"],
        policy_data=c["policy"],
        guard_data=GUARDS,
        platform=c["platform"],
        today=c["today"],
        groups=c["groups"],
    )


def js_findings(node: NodeDriver, cases: list[dict]) -> list[list[dict]]:
    return node.request({"bundle": str(BUNDLE), "cases": cases})


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(c=case)
def test_generated_drafts_alike(node, c):
    assert js_findings(node, [c]) == [python_findings(c)]


def _draft(rng: random.Random) -> dict:
    """A draft of the fixed organisation: dense in names, words and handles."""
    pool = [*PIECES, *WORDS, *(" " * 20)]
    for _ in range(6):
        core = "".join(rng.choice(CONFUSABLE) for _ in range(rng.randint(2, 14)))
        pool.append("@" + core)
    words = [rng.choice(pool) for _ in range(rng.randint(0, 40))]
    return {
        "text": " ".join(words) if rng.random() < 0.7 else "".join(words),
        "policy": {
            "organization": {
                "names": ["Acme", "Acme Corp"],
                "products": ["Roadrunner"],
                "tickers": ["ACME"],
                "handles": {
                    "x": ["@AcmeSupport", "@Acme"],
                    "linkedin": ["acme"],
                    "mastodon": ["@ab", "@xyz"],
                },
                "disclosure": ["#AcmeEmployee", "#employee", "I work at Acme"],
            },
            "quiet_periods": [
                {
                    "name": "Q3 earnings blackout",
                    "start": "2026-11-01",
                    "end": "2027-01-31",
                },
                {
                    "name": "Close",
                    "start": "2027-02-01",
                    "end": "2027-02-01",
                    "groups": ["finance"],
                },
            ],
        },
        "context": {
            "audience": "public",
            "targets": [
                {
                    "handle": "@" + "".join(rng.choice(CONFUSABLE) for _ in range(6)),
                    "kind": "reply_to",
                }
            ],
            "groups": rng.sample(GROUPS, rng.randint(0, 2)),
        },
        "platform": rng.choice(PLATFORMS),
        "today": rng.choice(DATES),
        "groups": [],
    }


def test_many_drafts_of_one_organisation_alike(node):
    rng = random.Random(14)
    cases = [_draft(rng) for _ in range(1500)]
    expected = [python_findings(c) for c in cases]
    assert sum(1 for found in expected if found) > 300  # the drafts do fire
    for rule_id in ("impostor-handle", "affiliation-disclosure", "quiet-period"):
        assert any(f["rule_id"] == rule_id for found in expected for f in found)
    got = js_findings(node, cases)
    for c, mine, theirs in zip(cases, got, expected, strict=True):
        assert mine == theirs, c["text"]


finding = st.fixed_dictionaries(
    {
        "rule_id": st.sampled_from(["quiet-period", "impostor-handle", "email", "b"]),
        "severity": st.sampled_from(["low", "medium", "high", "critical"]),
        "start": st.integers(0, 6),
        "end": st.integers(0, 6),
    }
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(findings=st.lists(finding, max_size=12), limit=st.integers(1, 8))
def test_the_cap_alike(node, findings, limit):
    """The offline result keeps the guards' findings to max_findings as
    decide.py does: the same listed, the same left out, in the same order."""
    listed, cut = cap_findings(findings, limit)
    got = node.request({"cap": {"findings": findings, "limit": limit}})
    assert got == [listed, cut]
