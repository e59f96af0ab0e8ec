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
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass

import regex

_ASCII_RUNS = regex.compile(r"[\x00-\x7f]+")


class NormalizationTable:
    """Per-character replacement, compiled once per bundle."""

    def __init__(self, spec: dict) -> None:
        self._ranges = {
            kind: sorted((int(lo), int(hi)) for lo, hi in spec.get(kind, []))
            for kind in ("remove", "dash", "space")
        }
        self._cache: dict[str, str] = {}

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
        cached = self._cache.get(char)
        if cached is not None:
            return cached
        simple = self._map_simple(char)
        if simple is None:
            folded = unicodedata.normalize("NFKC", char)
            simple = "".join(
                mapped if (mapped := self._map_simple(c)) is not None else c
                for c in folded
            )
        self._cache[char] = simple
        return simple


@dataclass(frozen=True)
class Normalized:
    """Normalised text plus the edits needed to map its offsets back."""

    text: str
    # Breakpoints: from normalised index edit_norm[k] on, the original index is
    # edit_orig[k] + (j - edit_norm[k]). Empty means the identity map.
    edit_norm: tuple[int, ...] = ()
    edit_orig: tuple[int, ...] = ()

    def to_original(self, index: int) -> int:
        k = bisect.bisect_right(self.edit_norm, index) - 1
        if k < 0:
            return index
        return self.edit_orig[k] + (index - self.edit_norm[k])

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            origin = self.to_original(start)
            return origin, origin
        return self.to_original(start), self.to_original(end - 1) + 1


def normalize(text: str, table: NormalizationTable) -> Normalized:
    if text.isascii():
        return Normalized(text)
    changed = {}
    for char in set(_ASCII_RUNS.sub("", text)):
        new = table.replacement(char)
        if new != char:
            changed[char] = new
    if not changed:
        return Normalized(text)
    # A character class of the few distinct characters that change: one C-level
    # pass (str.translate would look up every character in a dict).
    pattern = regex.compile("[" + "".join(regex.escape(c) for c in changed) + "]")
    normalized = pattern.sub(lambda m: changed[m.group()], text)
    resized = {c: new for c, new in changed.items() if len(new) != 1}
    if not resized:
        return Normalized(normalized)  # one character for one: offsets unchanged
    return Normalized(normalized, *_edits(text, resized))


def _edits(text: str, resized: dict[str, str]) -> tuple[tuple[int, ...], ...]:
    """Offset breakpoints for the characters that were removed or expanded."""
    edit_norm: list[int] = []
    edit_orig: list[int] = []

    def add_edit(norm_index: int, orig_index: int) -> None:
        if edit_norm and edit_norm[-1] == norm_index:
            edit_orig[-1] = orig_index
        else:
            edit_norm.append(norm_index)
            edit_orig.append(orig_index)

    shift = 0  # normalised index minus original index so far
    pattern = regex.compile("[" + "".join(regex.escape(c) for c in resized) + "]")
    for match in pattern.finditer(text):
        index = match.start()
        new = resized[text[index]]
        position = index + shift
        for offset in range(1, len(new)):
            add_edit(position + offset, index)
        add_edit(position + len(new), index + 1)
        shift += len(new) - 1
    return tuple(edit_norm), tuple(edit_orig)
