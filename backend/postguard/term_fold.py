"""The character fold behind hashed confidential terms, built from Unicode data.

A term and a post are compared as skeletons: each character folded to one
canonical form, so ``Falcon``, ``FALCON``, ``Fa1con``, ``F4lcon`` and a
Falcon spelled with a Cyrillic ``а`` give the same string and so the same keyed
hash. The fold has two parts:

- look-alike letters of other scripts (Cyrillic, Greek, and Latin letters
  outside ASCII such as dotless ``ı``), from Unicode's confusables data
  (confusables.txt, UTS #39) as the ``confusable_homoglyphs`` package ships
  it: a letter whose confusable prototype is one ASCII letter or digit folds
  to it;
- the usual digit-for-letter swaps of leetspeak, written here because they are
  a choice of ours, not Unicode data: 0/o, 1/l/i, 3/e, 4/a, 5/s, 7/t, 8/b, @/a,
  $/s.

Everything lands on lower-case ASCII. ``postguard rules build`` writes the
table into the bundle (``term_fold``), so both engines fold from the same
data, and central hashes term lists with the same table; the table's ``id``
travels with the hashes, and an engine refuses hashes made with another table.
Characters outside the table fold to their lower case (when that is one
character), in both engines.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import metadata

# The swaps people type to dodge a filter; each side lands on the letter.
LEET = {
    "0": "o",
    "1": "i",
    "l": "i",
    "3": "e",
    "4": "a",
    "@": "a",
    "5": "s",
    "$": "s",
    "7": "t",
    "8": "b",
}
# Scripts whose look-alikes of ASCII letters are folded.
SCRIPTS = ("CYRILLIC", "GREEK", "LATIN")
PACKAGE = "confusable_homoglyphs"


def fold_ascii(char: str) -> str:
    """An ASCII character's canonical form: lower case, then the swaps."""
    lower = char.lower()
    return LEET.get(lower, lower)


def _prototype(homoglyphs: list[dict]) -> str | None:
    """The one canonical ASCII form a confusable character stands for, or None
    when it looks like no ASCII letter or digit (or like several different)."""
    forms = {
        fold_ascii(h["c"])
        for h in homoglyphs
        if len(h["c"]) == 1 and h["c"].isascii() and h["c"].isalnum()
    }
    return forms.pop() if len(forms) == 1 else None


@lru_cache(maxsize=1)
def fold_table() -> dict:
    """``{"id", "source", "map": {char: canonical}}``; ``id`` names the content."""
    from confusable_homoglyphs import categories
    from confusable_homoglyphs import confusables

    mapping = {}
    for code in range(0x21, 0x7F):
        char = chr(code)
        if fold_ascii(char) != char:
            mapping[char] = fold_ascii(char)
    for char, homoglyphs in confusables.confusables_data.items():
        if len(char) != 1 or char.isascii() or not char.isalpha():
            continue
        if categories.alias(char) not in SCRIPTS:
            continue
        canonical = _prototype(homoglyphs)
        if canonical is not None:
            mapping[char] = canonical
    ordered = dict(sorted(mapping.items()))
    text = json.dumps(ordered, ensure_ascii=True, sort_keys=True)
    version = metadata.version(PACKAGE)
    return {
        "id": hashlib.sha256(text.encode()).hexdigest()[:16],
        "source": f"{PACKAGE} {version} (Unicode confusables.txt) and leet swaps",
        "map": ordered,
    }
