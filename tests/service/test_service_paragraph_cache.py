"""Long drafts: paragraph results are cached; offsets land on the full text."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from service_support import CARD

from postguard.engine import Engine
from postguard.paragraph_cache import DraftScanner
from postguard.paragraph_cache import split_paragraphs

SECRETS = [
    f"my card is {CARD} thanks",
    "call me on +1 415 555 2671 tonight",
    "reach me at jane.doe@example.com please",
]


class CountingEngine:
    """The real engine, counting the characters it is asked to scan."""

    def __init__(self, engine):
        self.engine = engine
        self.rules_version = engine.rules_version
        self.calls: list[int] = []

    def __getattr__(self, name):
        return getattr(self.engine, name)

    def scan(self, text, *args, **kwargs):
        self.calls.append(len(text))
        return self.engine.scan(text, *args, **kwargs)


def engine_with(tmp_path, **defaults) -> Engine:
    """The packaged rules with other bundle defaults."""
    bundle = json.loads(Engine.load().bundle_bytes)
    bundle["defaults"].update(defaults)
    path = tmp_path / "ruleset.json"
    path.write_text(json.dumps(bundle))
    return Engine.load(path)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    """The packaged rules with a generous time budget, so a busy machine cannot turn
    a whole-draft comparison into a partial scan."""
    return engine_with(
        tmp_path_factory.mktemp("bundle"), budget_ms=60_000, rule_timeout_ms=30_000
    )


def long_draft(seed: int, paragraphs: int = 110) -> str:
    """About 90 KB of prose in paragraphs (under max_chars), a secret in every
    tenth one."""
    rng = random.Random(seed)
    words = (
        "the quarterly plan looks good and we should share the draft with the "
        "team before friday so everyone can comment on the numbers"
    ).split()
    parts = []
    for index in range(paragraphs):
        sentence = " ".join(rng.choice(words) for _ in range(140))
        if index % 10 == 3:
            sentence += " " + SECRETS[index // 10 % len(SECRETS)]
        parts.append(sentence.capitalize() + ".")
    return "\n\n".join(parts)


def spans(findings):
    return [(f["rule_id"], f["start"], f["end"], f["preview"]) for f in findings]


@given(st.lists(st.text(alphabet="ab \n\t", max_size=12), max_size=8))
def test_split_keeps_every_character_that_is_not_a_blank_line(pieces):
    text = "".join(pieces)
    chunks = split_paragraphs(text)
    for offset, chunk in chunks:
        assert text[offset : offset + len(chunk)] == chunk
        assert "\n\n" not in chunk.replace(" ", "").replace("\t", "")
    assert " ".join(c for _, c in chunks).split() == text.split()


def test_long_draft_findings_match_a_whole_text_scan(engine):
    draft = long_draft(1)
    assert 50_000 < len(draft) <= engine.max_chars
    whole = engine.scan(draft).to_dict()
    assert whole["complete"] and len(whole["findings"]) >= 8
    whole = whole["findings"]
    result = DraftScanner(engine).scan(draft)
    assert spans(result.findings) == spans(whole)
    for finding in result.findings:
        assert draft[finding["start"] : finding["end"]].strip()


def test_one_character_edit_rescans_one_paragraph(engine):
    counting = CountingEngine(engine)
    scanner = DraftScanner(counting)
    draft = long_draft(2)
    first = scanner.scan(draft)
    assert first.chars_scanned >= len(draft) - 2 * draft.count("\n\n")
    edit_at = draft.index("Friday") if "Friday" in draft else len(draft) // 2
    edited = draft[:edit_at] + "X" + draft[edit_at + 1 :]
    counting.calls.clear()
    second = scanner.scan(edited)
    paragraph = next(
        c for o, c in split_paragraphs(edited) if o <= edit_at < o + len(c)
    )
    assert counting.calls == [len(paragraph)]
    assert second.chunks_scanned == 1 and second.chars_scanned < len(draft) / 50
    assert spans(second.findings) == spans(engine.scan(edited).to_dict()["findings"])


def test_inserting_a_paragraph_shifts_cached_offsets(engine):
    scanner = DraftScanner(engine)
    draft = long_draft(3)
    scanner.scan(draft)
    edited = "A new first paragraph with " + CARD + ".\n\n" + draft
    result = scanner.scan(edited)
    assert result.chunks_scanned == 1
    assert spans(result.findings) == spans(engine.scan(edited).to_dict()["findings"])


def test_short_posts_are_scanned_whole_and_cached(engine):
    counting = CountingEngine(engine)
    scanner = DraftScanner(counting, split_min_chars=5000)
    post = f"Line one\n\nline two {CARD}"
    first, second = scanner.scan(post), scanner.scan(post)
    assert counting.calls == [len(post)]
    assert spans(first.findings) == spans(second.findings) != []


def test_cache_is_bounded(engine):
    scanner = DraftScanner(engine, max_entries=3, split_min_chars=1)
    scanner.scan("\n\n".join(f"paragraph {n}" for n in range(10)))
    assert len(scanner._entries) == 3


def test_cache_keys_and_entries_do_not_hold_the_text(engine):
    scanner = DraftScanner(engine, split_min_chars=1)
    scanner.scan(f"secret plans for {CARD}\n\nmore words here")
    for key, entry in scanner._entries.items():
        assert isinstance(key, bytes) and len(key) == 16
        assert "4111" not in repr(entry).replace("•••• 1111", "")
        assert "secret plans" not in repr(entry)


def test_locale_and_rules_version_are_part_of_the_key(engine):
    counting = CountingEngine(engine)
    scanner = DraftScanner(counting)
    scanner.scan("hello", "en-US")
    scanner.scan("hello", "en-GB")
    counting.rules_version = "other"
    scanner.scan("hello", "en-US")
    assert len(counting.calls) == 3


@pytest.mark.parametrize("split_min_chars", [5000, 10])
def test_a_secret_past_the_bundles_max_chars_is_reported_too_long(
    tmp_path, split_min_chars
):
    scanner = DraftScanner(engine_with(tmp_path, max_chars=60), split_min_chars=10)
    result = scanner.scan("x" * 50 + "\n\n" + CARD)  # the card ends past 60
    assert not result.complete
    assert {"rule_id": None, "reason": "too_long"} in result.incomplete
    assert result.findings == []
    fits = scanner.scan("x" * 30 + "\n\n" + CARD)
    assert fits.complete and fits.findings


def test_one_budget_covers_the_whole_draft(tmp_path):
    # Each paragraph alone is quick; together they outlast a tiny budget, so a
    # per-paragraph budget would report complete.
    scanner = DraftScanner(engine_with(tmp_path, budget_ms=0.001), split_min_chars=1)
    result = scanner.scan("\n\n".join(f"mail n{n}@corp.com" for n in range(200)))
    assert not result.complete
    assert {item["reason"] for item in result.incomplete} <= {"budget", "timeout"}


class IncompleteEngine(CountingEngine):
    """The real engine's result, reported as if a rule had timed out."""

    def scan(self, text, *args, **kwargs):
        result = super().scan(text, *args, **kwargs)
        result.complete = False
        result.incomplete = [{"rule_id": "slow-rule", "reason": "timeout"}]
        return result


def test_incomplete_results_are_not_cached(engine):
    counting = IncompleteEngine(engine)
    scanner = DraftScanner(counting)
    first = scanner.scan("hello there")
    scanner.scan("hello there")
    assert not first.complete and len(counting.calls) == 2
