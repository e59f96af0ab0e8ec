"""Impostor handles: an account confusable with an official one that is not it.

Both handles become skeletons (NFKC, then the bundle's ``term_fold``: Unicode
confusables and digit swaps, lower case; separators dropped), compared by edit
distance, then again with affixes such as "support" or "official" cut off
either end. A short official name allows a smaller distance, or every short
word would look like it. An official handle itself (any case, with or without
@, on any platform) never fires.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import regex

from ..hashed_terms import Fold

# An @mention in a post: not inside an e-mail address or a path; it ends before
# a trailing dot or hyphen. Mastodon's @user@server keeps only the user part.
MENTION = regex.compile(
    r"(?<![\p{L}\p{M}\p{N}_@./])@[\p{L}\p{M}\p{N}_]+(?:[.\-][\p{L}\p{M}\p{N}_]+)*"
)
MAX_HANDLE = 100
# Distinct handles judged per scan: a real post mentions a few; a pasted list of
# thousands must not cost seconds. Later new handles are not judged.
MAX_JUDGED = 50
_MIN_CORE = 3  # an affix is never cut if less than this would remain


def bare(handle: str) -> str:
    """A handle as compared for equality: without @, in lower case."""
    return handle.strip().lstrip("@").lower()


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or ``limit + 1`` as soon as it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            cost = 0 if char_a == char_b else 1
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


@dataclass(frozen=True)
class HandleRules:
    fold: Fold
    separators: frozenset[str]
    affixes: tuple[str, ...]  # folded, longest first
    bounds: tuple[tuple[int, int], ...]  # (min_length, distance), longest first

    @classmethod
    def from_data(cls, data: Mapping[str, Any], fold: Fold) -> HandleRules:
        separators = frozenset(str(data["separators"]))
        affixes = {fold.skeleton(str(a).lower()) for a in data["affixes"]}
        bounds = sorted(
            ((int(b["min_length"]), int(b["distance"])) for b in data["max_distance"]),
            reverse=True,
        )
        return cls(
            fold,
            separators,
            tuple(sorted(affixes, key=lambda a: (-len(a), a))),
            tuple(bounds),
        )

    def skeleton(self, handle: str) -> str:
        folded = self.fold.skeleton(unicodedata.normalize("NFKC", handle.lstrip("@")))
        return "".join(c for c in folded if c not in self.separators and c != "@")

    def without_affixes(self, skeleton: str) -> str:
        changed = True
        while changed:
            changed = False
            for affix in self.affixes:
                if len(skeleton) - len(affix) < _MIN_CORE:
                    continue
                if skeleton.startswith(affix):
                    skeleton, changed = skeleton[len(affix) :], True
                elif skeleton.endswith(affix):
                    skeleton, changed = skeleton[: -len(affix)], True
                if changed:
                    break
        return skeleton

    def allowed(self, official: str) -> int:
        for min_length, distance in self.bounds:
            if len(official) >= min_length:
                return distance
        return 0

    def distance(self, candidate: str, official: str) -> tuple[int, int, int] | None:
        """How close ``candidate`` is to ``official`` if it looks like it, else
        None: (edit distance, 1 if only with affixes cut, the official's length),
        smaller is closer, so "@Acme_Help" is named after @Acme, not @AcmeSupport."""
        mine, theirs = self.skeleton(candidate), self.skeleton(official)
        if not mine or not theirs:
            return None
        pairs = [(mine, theirs)]
        cut_mine, cut_theirs = self.without_affixes(mine), self.without_affixes(theirs)
        if (cut_mine, cut_theirs) != (mine, theirs):
            pairs.append((cut_mine, cut_theirs))
        for stage, (a, b) in enumerate(pairs):
            limit = self.allowed(b)
            found = edit_distance(a, b, limit)
            if found <= limit:
                return found, stage, len(theirs)
        return None

    def lookalike(self, candidate: str, officials: Iterable[str]) -> str | None:
        """The official handle ``candidate`` imitates (the closest; the first
        listed on a tie), or None. Callers skip official handles themselves."""
        if not candidate.lstrip("@") or len(candidate) > MAX_HANDLE:
            return None
        closest: tuple[tuple[int, int, int], str] | None = None
        for official in officials:
            found = self.distance(candidate, official)
            if found is not None and (closest is None or found < closest[0]):
                closest = (found, official)
        return None if closest is None else closest[1]


def officials_for(handles: Mapping[str, list[str]], platform: str | None) -> list[str]:
    """The platform's official handles; every platform's when it lists none
    (the platform is unknown, "other", or not in the policy)."""
    if platform is not None and handles.get(platform):
        return list(handles[platform])
    return [h for listed in handles.values() for h in listed]


def impostor_spans(
    text: str,
    targets: Iterable[Mapping[str, str]],
    handles: Mapping[str, list[str]],
    platform: str | None,
    rules: HandleRules,
) -> list[tuple[int, int, str, str | None, str]]:
    """``(start, end, handle, target kind or None, official)`` per impostor:
    each @mention in the text, then each context target not mentioned there."""
    exact = {bare(h) for listed in handles.values() for h in listed}
    officials = officials_for(handles, platform)
    found: list[tuple[int, int, str, str | None, str]] = []
    # Each handle is judged once (a post may repeat one thousands of times) and
    # reported once; the skeleton ignores case, so the bare handle is the key.
    judged: dict[str, str | None] = {}
    reported: set[str] = set()

    def lookalike(handle: str) -> str | None:
        key = bare(handle)
        if key in exact or key in reported:
            return None
        if key not in judged:
            if len(judged) >= MAX_JUDGED:
                return None
            judged[key] = rules.lookalike(handle, officials)
        if judged[key] is not None:
            reported.add(key)
        return judged[key]

    for mention in MENTION.finditer(text):
        official = lookalike(mention.group())
        if official is not None:
            found.append(
                (mention.start(), mention.end(), mention.group(), None, official)
            )
    for target in targets:
        handle = str(target.get("handle") or "")
        official = lookalike(handle) if handle else None
        if official is not None:
            found.append((0, 0, handle, str(target.get("kind") or "mention"), official))
    return found
