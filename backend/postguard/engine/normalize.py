"""Text normalisation with an offset map back to the original text.

Rules run on the normalised text; every span they report is mapped back here, so a
finding always points at the characters the employee typed. Per code point:

1. characters in ``remove`` (zero-width, soft hyphen, bidi and other format
   characters) are dropped;
2. characters in ``dash`` become ``-`` and characters in ``space`` become `` ``;
3. anything else is NFKC-normalised on its own (full-width ``４`` becomes ``4``),
   and the result goes through step 1-2 again.

The tables come from the bundle (``normalization``), so the JS twin applies exactly
the same mapping. Offsets are Python ``str`` indices, i.e. code points.

Texts reach 100,000 characters and may be built to be slow, so no Python code runs
per character or per run of characters: the work is done in C-level passes
(regex, ``str`` methods, ``map``, ``itertools``), and the offset map holds one
edit per run of removed or expanded characters, not one per character.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from itertools import accumulate
from itertools import compress
from itertools import filterfalse
from operator import add
from operator import itemgetter
from operator import mul
from operator import ne
from typing import Any

import regex

_IS_NFKC = partial(unicodedata.is_normalized, "NFKC")
_ASCII_BYTES = bytes(range(128))
# Up to this many distinct changed characters, str.replace each (a fast C loop)
# rather than str.translate (a dict look-up for every character of the text).
_FEW_CHANGES = 16


class NormalizationTable:
    """Per-character replacement, compiled once per bundle; results are cached."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self._ranges = {
            kind: sorted((int(lo), int(hi)) for lo, hi in spec.get(kind, []))
            for kind in ("remove", "dash", "space")
        }
        ranges = "".join(
            f"\\U{lo:08x}-\\U{hi:08x}"
            for kind_ranges in self._ranges.values()
            for lo, hi in kind_ranges
        )
        self._in_ranges = regex.compile(f"[{ranges}]" if ranges else "(?!)")
        self._seen: set[str] = set()
        self._changes: dict[str, str] = {}

    def _kind(self, char: str) -> str | None:
        code = ord(char)
        for kind, ranges in self._ranges.items():
            index = bisect.bisect_right(ranges, (code, 0x10FFFF)) - 1
            if index >= 0 and ranges[index][0] <= code <= ranges[index][1]:
                return kind
        return None

    def _map_simple(self, char: str) -> str | None:
        kind = self._kind(char)
        if kind == "remove":
            return ""
        if kind == "dash":
            return "-"
        if kind == "space":
            return " "
        return None

    def replacement(self, char: str) -> str:
        simple = self._map_simple(char)
        if simple is None:
            folded = unicodedata.normalize("NFKC", char)
            simple = "".join(
                mapped if (mapped := self._map_simple(c)) is not None else c
                for c in folded
            )
        return simple

    def changes_in(self, text: str) -> dict[str, str]:
        """``char -> replacement`` for every character of ``text`` that changes."""
        chars = _distinct(_non_ascii(text))
        new = chars - self._seen
        if new:
            # Most characters are NFKC-stable and outside every range: sort
            # those out in C before the per-character look-up.
            ranged = self._in_ranges.findall("".join(new))
            for char in {*filterfalse(_IS_NFKC, new), *ranged}:
                replaced = self.replacement(char)
                if replaced != char:
                    self._changes[char] = replaced
            self._seen.update(new)  # after _changes: other threads read both
        return {c: self._changes[c] for c in chars & self._changes.keys()}


def _non_ascii(text: str) -> str:
    """The text without its ASCII characters (never normalised, in JS neither).

    Through UTF-8, where every byte of a non-ASCII character is >= 0x80, so one
    C-level bytes.translate drops the rest however the two are interleaved.
    """
    raw = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
    return raw.decode("utf-8", "surrogatepass")


def _distinct(text: str) -> set[str]:
    """The distinct characters of ``text``. The first few are cut out with
    str.replace, so a long run of one character makes no object per character."""
    found: set[str] = set()
    while text and len(found) < _FEW_CHANGES:
        found.add(text[0])
        text = text.replace(text[0], "")
    found.update(text)
    return found


@dataclass(frozen=True)
class Normalized:
    """Normalised text plus the edits needed to map its offsets back."""

    text: str
    # Breakpoints: from normalised index edit_norm[k] on, the original index is
    # edit_orig[k] + (j - edit_norm[k]) // edit_scale[k]. A scale above 1 covers a
    # run of characters that each expanded to that many. Empty: the identity map.
    edit_norm: tuple[int, ...] = ()
    edit_orig: tuple[int, ...] = ()
    edit_scale: tuple[int, ...] = ()

    def to_original(self, index: int) -> int:
        k = bisect.bisect_right(self.edit_norm, index) - 1
        if k < 0:
            return index
        return self.edit_orig[k] + (index - self.edit_norm[k]) // self.edit_scale[k]

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            origin = self.to_original(start)
            return origin, origin
        return self.to_original(start), self.to_original(end - 1) + 1


def normalize(text: str, table: NormalizationTable) -> Normalized:
    if text.isascii():
        return Normalized(text)
    changed = table.changes_in(text)
    if not changed:
        return Normalized(text)
    normalized = _replace_all(text, changed)
    resized = {c: len(new) for c, new in changed.items() if len(new) != 1}
    if not resized:
        return Normalized(normalized)  # one character for one: offsets unchanged
    return Normalized(normalized, *_edits(text, resized))


def _replace_all(text: str, changed: dict[str, str]) -> str:
    """Every changed character replaced, in one pass over the original text.

    Replacing one character after another gives the same text when no
    replacement holds a changed character, so then the quick way is safe.
    """
    if len(changed) <= _FEW_CHANGES and set("".join(changed.values())).isdisjoint(
        changed
    ):
        for char, new in changed.items():
            text = text.replace(char, new)
        return text
    return text.translate({ord(c): new for c, new in changed.items()})


def _char_class(chars: list[str]) -> str:
    return "[" + "".join(regex.escape(c) for c in sorted(chars)) + "]"


def _edits(text: str, resized: dict[str, int]) -> tuple[tuple[int, ...], ...]:
    """The offset map: an edit where each run of removed or expanded characters
    starts (for an expansion, scaled by its length) and one where it ends.

    Built from whole lists (split, map, accumulate, compress): no tuple and no
    Python code per run, as a text can hold 50,000 runs.
    """
    by_length: dict[int, list[str]] = {}
    for char, length in resized.items():
        by_length.setdefault(length, []).append(char)
    # Each alternative is a run of characters that all grow (or vanish) alike.
    alternatives = "|".join(_char_class(by_length[n]) + "+" for n in sorted(by_length))
    parts = regex.split(f"((?:{alternatives}))", text)
    # parts: kept, run, kept, run, ..., kept. Run k is parts[2k + 1].
    orig_lengths = list(map(len, parts))
    if list(by_length) == [0]:
        return _removals_only(orig_lengths)
    scales = list(map(resized.__getitem__, map(itemgetter(0), parts[1::2])))
    norm_lengths = orig_lengths[:]
    norm_lengths[1::2] = map(mul, orig_lengths[1::2], scales)
    orig_at = [0, *accumulate(orig_lengths)]  # orig_at[i]: where parts[i] starts
    norm_at = [0, *accumulate(norm_lengths)]
    # Per run, two edits: at its start (its scale), at its end (scale 1).
    norm = _interleave(norm_at[1:-1:2], norm_at[2::2])
    orig = _interleave(orig_at[1:-1:2], orig_at[2::2])
    scale = _interleave(scales, [1] * len(scales))
    # Of edits at one normalised index the last wins (a removed run has no width;
    # adjacent runs meet), so keep each edit unless the next has its index.
    last = [*map(ne, norm, norm[1:]), True]
    return (
        tuple(compress(norm, last)),
        tuple(compress(orig, last)),
        tuple(compress(scale, last)),
    )


def _removals_only(lengths: list[int]) -> tuple[tuple[int, ...], ...]:
    """The common case, with half the work: only removed runs, so one edit per
    run, where it ends. Runs are maximal, so no two edits share an index."""
    kept, removed = lengths[0::2], lengths[1::2]
    norm = tuple(accumulate(kept[:-1]))
    orig = tuple(accumulate(map(add, kept, removed)))
    return norm, orig, (1,) * len(norm)


def _interleave(first: list[int], second: list[int]) -> list[int]:
    both = [0] * (2 * len(first))
    both[0::2] = first
    both[1::2] = second
    return both
