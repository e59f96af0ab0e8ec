"""Whole-word patterns and the "near the organisation's name" test the guards share.

Patterns are built without the ``i`` flag (each letter a class of its cases, as
engine/org.py does), so Python's ``regex`` and JavaScript's ``u`` flag match the
same words. Edges count combining marks as part of a word, so a Devanagari word
is not found inside a longer one.
"""

from __future__ import annotations

from bisect import bisect_left
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

import regex

from ..org import caseless_atoms
from ..org import escape
from ..org import trie_pattern

EDGE_BEFORE = r"(?<![\p{L}\p{M}\p{N}_])"
EDGE_AFTER = r"(?![\p{L}\p{M}\p{N}_])"
# A blank inside a listed word or name also matches a hyphen or an underscore.
BLANK = r"[ \-_]{1,3}"
APOSTROPHE = "['’]"
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}_'’]+")
# A sentence ends at . ! ? … (their full-width forms, the Devanagari danda)
# before a blank or the end, or at a line break; "acme.com" and "3.5" stay in
# one sentence.
_SENTENCE_END = regex.compile(r"[.!?…。！？।॥]+(?=\s|$)|\n")


def _atoms(word: str, *, exact_case: bool = False) -> list[str]:
    atoms: list[str] = []
    for n, part in enumerate(word.split()):
        if n:
            atoms.append(BLANK)
        for char in part:
            if char in "'’":
                atoms.append(APOSTROPHE)
            elif exact_case:
                atoms.append(escape(char))
            else:
                atoms += caseless_atoms(char)
    return atoms


def words_pattern(words: Iterable[str], extra: Iterable[str] = ()) -> str:
    """Any of ``words`` as a whole word in any case, or any ``extra`` pattern."""
    unique = sorted({w.strip().lower() for w in words if w.strip()})
    parts = []
    if unique:
        parts.append(EDGE_BEFORE + "(?:" + trie_pattern([_atoms(w) for w in unique]))
        parts[-1] += ")" + EDGE_AFTER
    parts += [f"(?:{pattern})" for pattern in extra]
    return "|".join(parts)


def names_pattern(names: Iterable[str], tickers: Iterable[str]) -> str | None:
    """The organisation's names in any case, and its tickers in capitals only
    (``ACME``, ``$ACME``): a ticker in lower case is usually a plain word."""
    atoms = [_atoms(n.strip()) for n in names if n.strip()]
    atoms += [_atoms(t.strip().lstrip("$"), exact_case=True) for t in tickers]
    atoms = [a for a in atoms if a]
    if not atoms:
        return None
    return r"(?<![\p{L}\p{M}\p{N}_$])\$?(?:" + trie_pattern(atoms) + ")" + EDGE_AFTER


@dataclass(frozen=True)
class Layout:
    """Where each word and sentence of a text is, to tell whether two spans are near."""

    word_starts: tuple[int, ...]
    sentence_ends: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> Layout:
        words = tuple(m.start() for m in _WORD.finditer(text))
        ends = tuple(m.start() for m in _SENTENCE_END.finditer(text))
        return cls(words, ends)

    def place(self, position: int) -> tuple[int, int]:
        """(sentence number, word number) of the text at ``position``."""
        return (
            bisect_right(self.sentence_ends, position - 1),
            bisect_right(self.word_starts, position),
        )

    def hits_in_sentences_of(
        self, text: str, mentions: list[regex.Match[str]], words: regex.Pattern[str]
    ) -> list[tuple[int, int]]:
        """Spans of ``words`` in the sentences that hold a mention: only there
        can a hit be near one. No word list spans a sentence end, so this finds
        what a search of the whole text would find there, at a fraction of the
        cost when the name is in a few sentences of a long post."""
        ends = self.sentence_ends
        hits: list[tuple[int, int]] = []
        for sentence in sorted({self.place(m.start())[0] for m in mentions}):
            first = ends[sentence - 1] + 1 if sentence else 0
            last = ends[sentence] if sentence < len(ends) else len(text)
            for hit in words.finditer(text, first):
                if hit.start() > last:
                    break
                hits.append(hit.span())
        return hits

    def near(self, a: int, b: int, window: int) -> bool:
        """Spans starting at ``a`` and ``b``: one sentence, near in words."""
        (sentence_a, word_a), (sentence_b, word_b) = self.place(a), self.place(b)
        return sentence_a == sentence_b and abs(word_a - word_b) <= window


def first_near(
    text: str,
    names: regex.Pattern[str],
    words: regex.Pattern[str],
    window: int,
) -> regex.Match[str] | None:
    """The first mention of a name with a word of ``words`` near it (a word
    inside the name itself, as "best" in "Best Buy", does not count). Each
    mention looks only at the hits within ``window`` words, so a long post full
    of names and words stays linear."""
    mentions = list(names.finditer(text))
    if not mentions:
        return None
    layout = Layout.of(text)
    hits = layout.hits_in_sentences_of(text, mentions, words)
    if not hits:
        return None
    places = [layout.place(start) for start, _ in hits]
    hit_words = [word for _, word in places]  # ascending, as the hits are
    for mention in mentions:
        start, end = mention.span()
        sentence, word = layout.place(start)
        first = bisect_left(hit_words, word - window)
        for n in range(first, len(hits)):
            if hit_words[n] > word + window:
                break
            hit_start, hit_end = hits[n]
            inside = hit_start < end and start < hit_end
            if not inside and places[n][0] == sentence:
                return mention
    return None
