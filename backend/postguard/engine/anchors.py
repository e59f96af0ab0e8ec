"""Where a rule's pattern is tried: near its anchors, never over the whole text.

One pass finds every keyword of every rule (an Aho-Corasick automaton over the
lower-cased text), one pass finds the digit runs. A rule then runs only if it has
an anchor, and its pattern is tried only around them:

- a rule with a ``gate`` (a pattern every match contains, cheap to search for)
  runs only if the gate matches, and is searched in windows around its matches;
- ``keyword_first`` rules (every match begins with a keyword: ``AKIA``, ``ghp_``,
  ``@``) are tried exactly where a keyword starts;
- others are searched in windows around each anchor, as wide as the pattern can
  read (``behind``/``ahead``, computed by the build); windows that touch are merged;
- a rule without anchors, or whose pattern can read without bound, is searched over
  the whole text, as before.

The matches are those a search over the whole text finds, in the same order: a
match always has an anchor within its reach (that is what keywords, min_digits
and gates promise, and what `postguard rules validate` checks on every example;
a gate's search skips no place where it matches: each is inside a match it
finds, or starts one), and a
search that stops at ``endpos`` decides every start at least ``ahead`` before it
as the full search would.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick_rs
import regex

Span = tuple[int, int]
# Seconds the next regex call may take (None: no limit); raises when time is up.
TimeoutFn = Callable[[], "float | None"]
_DOTTED_CAPITAL_I = "\u0130"  # the one character whose lower case is two long
_DOTLESS_I = "\u0131"
_SEPARATORS = str.maketrans("", "", " ().-/")
_SURROGATE = regex.compile("[\ud800-\udfff]")


def lower_keeping_offsets(text: str) -> str:
    """``text.lower()``, but every character stays one character long, so an
    offset in the result is an offset in ``text``. The Turkic İ and ı become
    "i": case-insensitive patterns match them as i, so their keywords must be
    seen there too (an extra anchor costs a look, a missing one a finding)."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "i".join(p.lower() for p in text.split(_DOTTED_CAPITAL_I))
    if _DOTLESS_I in lowered:
        lowered = lowered.replace(_DOTLESS_I, "i")
    return lowered


class KeywordFinder:
    """Every occurrence of every keyword, in one pass over the text."""

    def __init__(self, keywords: Iterable[str]) -> None:
        self.keywords = tuple(sorted(set(keywords)))
        # A DFA: more memory than the default NFA, but with a few hundred
        # keywords it scans more than twice as fast.
        dfa = ahocorasick_rs.Implementation.DFA
        self._automaton = (
            ahocorasick_rs.AhoCorasick(self.keywords, implementation=dfa)
            if self.keywords
            else None
        )

    def find(self, lowered: str) -> dict[str, list[int]]:
        """Keyword -> the offsets (code points) where it starts, ascending."""
        hits: dict[str, list[int]] = {}
        if self._automaton is None:
            return hits
        keywords = self.keywords
        try:
            found = self._automaton.find_matches_as_indexes(lowered, overlapping=True)
        except UnicodeEncodeError:
            # A lone surrogate (no keyword holds one) cannot cross into the
            # automaton as UTF-8: stand in a character of the same length.
            lowered = _SURROGATE.sub("\ufffd", lowered)
            found = self._automaton.find_matches_as_indexes(lowered, overlapping=True)
        for index, start, _end in found:
            starts = hits.get(keywords[index])
            if starts is None:
                hits[keywords[index]] = [start]
            else:
                starts.append(start)
        for starts in hits.values():
            starts.sort()
        return hits


@dataclass(frozen=True)
class DigitRun:
    start: int
    end: int
    digits: int


# The shipped digit_run's shape: a digit, then any number of (a few separators
# from a class without digits, a digit).
_RUN_SHAPE = regex.compile(
    r"\[0-9\]\(\?:(?<gap>\[[^\]0-9]*\](?:\{0,[0-9]+\}|\?)?)\[0-9\]\)\*"
)


@lru_cache(maxsize=64)
def _long_runs(pattern: str, at_least: int) -> regex.Pattern[str]:
    """``pattern`` made to skip runs of fewer than ``at_least`` digits, when it has
    the shipped shape (then its runs are found alike: each is unique, and a run's
    tail has fewer digits than the run); else ``pattern`` itself."""
    shape = _RUN_SHAPE.fullmatch(pattern)
    if shape is None or at_least < 2:
        return regex.compile(pattern)
    return regex.compile(f"[0-9](?:{shape['gap']}[0-9]){{{at_least - 1},}}")


def digit_runs(pattern: regex.Pattern[str], text: str, at_least: int) -> list[DigitRun]:
    """The runs of ``pattern`` (``prefilter.digit_run``) holding at least
    ``at_least`` digits. A run never has more digits than characters, so shorter
    runs are skipped before their digits are counted."""
    runs = []
    for match in _long_runs(pattern.pattern, at_least).finditer(text):
        start, end = match.span()
        if end - start >= at_least:
            digits = len(match.group().translate(_SEPARATORS))
            if digits >= at_least:
                runs.append(DigitRun(start, end, digits))
    return runs


# With gate matches closer together than this (a card gate in a long run of
# digits), the rule searches the whole text: searching for every match would
# cost more than it saves.
DENSE_GATE = 1024


def gate_spans(
    gate: regex.Pattern[str], text: str, timeout: TimeoutFn, first: Span
) -> list[Span]:
    """Where ``gate`` matches, as a search over the text finds them, given its
    ``first`` match; or the whole text when they are dense."""
    spans = [first]
    while len(spans) * DENSE_GATE <= len(text):
        match = gate.search(text, spans[-1][1], timeout=timeout())
        if match is None:
            return spans
        spans.append(match.span())
    return [(0, len(text))]


def keyword_starts(hits: dict[str, list[int]], keywords: Iterable[str]) -> list[int]:
    starts: list[int] = []
    for keyword in keywords:
        starts += hits.get(keyword, ())
    starts.sort()
    return starts


def keyword_spans(hits: dict[str, list[int]], keywords: Iterable[str]) -> list[Span]:
    spans: list[Span] = []
    for keyword in keywords:
        starts = hits.get(keyword)
        if starts:  # most of a rule's keywords are not in the text
            size = len(keyword)
            spans += [(start, start + size) for start in starts]
    spans.sort()
    return spans


# Windows closer than this are searched as one: one more regex call (with its
# timeout) costs about what searching this many characters does.
MERGE_GAP = 512


def windows(anchors: list[Span], behind: int, ahead: int, size: int) -> list[Span]:
    """Where a match may start: within ``ahead`` before an anchor to ``behind``
    after it (so the anchor lies in what the match reads); merged, ascending.
    Searching more starts than needed never changes the matches, only the time."""
    merged: list[list[int]] = []
    for start, end in anchors:
        lo, hi = max(0, start - ahead), min(size, end + behind)
        if merged and lo <= merged[-1][1] + MERGE_GAP:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [(lo, hi) for lo, hi in merged]


def matches_at(
    pattern: regex.Pattern[str], text: str, starts: list[int], timeout: TimeoutFn
) -> Iterator[regex.Match[str]]:
    """Matches that start at one of ``starts`` (ascending), without overlaps:
    what a whole-text search finds when every match starts at one of them."""
    cursor = 0
    for start in starts:
        if start < cursor:
            continue
        match = pattern.match(text, start, timeout=timeout())
        if match is not None:
            yield match
            cursor = match.end()


def matches_within(
    pattern: regex.Pattern[str],
    text: str,
    spans: list[Span],
    ahead: int,
    timeout: TimeoutFn,
) -> Iterator[regex.Match[str]]:
    """Matches starting inside ``spans`` (merged, ascending), in the order and
    without the overlaps of a whole-text search. Each search stops ``ahead`` past
    its span: a start inside the span reads nothing beyond."""
    size = len(text)
    cursor = 0
    for lo, hi in spans:
        position = max(cursor, lo)
        endpos = min(size, hi + ahead)
        while position <= hi:
            match = pattern.search(text, position, endpos, timeout=timeout())
            if match is None or match.start() > hi:
                break
            yield match
            position = cursor = match.end()
