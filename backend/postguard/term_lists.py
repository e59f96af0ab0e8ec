"""Confidential-term lists: checking an upload, hashing it, adding it to a bundle.

Central checks and keeps the plain list and one key per list version, and hashes
it (``hashed_section``); the admin's offline machine adds that section to a
built bundle (``add_to_bundle``, ``postguard rules add-terms``) and signs it.
Neither step needs what the other holds: central never sees the signing key,
the signing machine never sees a term. The engines' side is
engine/hashed_terms.py.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from functools import lru_cache
from importlib import resources
from typing import Any

from .engine.hashed_terms import ALG
from .engine.hashed_terms import FORMAT
from .engine.hashed_terms import MAX_PIECES
from .engine.hashed_terms import MIN_SKELETON
from .engine.hashed_terms import Fold
from .engine.hashed_terms import _pieces
from .engine.hashed_terms import key_id
from .engine.hashed_terms import term_hash
from .engine.hashed_terms import term_skeleton
from .engine.normalize import NormalizationTable
from .engine.normalize import normalize
from .engine.result import SEVERITY_ORDER
from .term_fold import fold_table

KEY_BYTES = 32
MAX_TERMS = 2000
MAX_SKELETON = 100
# Lengths are rounded up to this, so a bundle tells little about the longest term.
LENGTH_STEP = 8
ENTRY_KEYS = ("term", "severity", "proximity")


class TermListError(ValueError):
    """An entry cannot be used; the message names its position, never its text."""


@lru_cache(maxsize=1)
def _table() -> NormalizationTable:
    """The packaged bundle's normalisation: texts are normalised with it too."""
    raw = resources.files("postguard").joinpath("data/ruleset.json").read_bytes()
    return NormalizationTable(json.loads(raw)["normalization"])


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def checked_entries(entries: Any) -> list[dict[str, Any]]:
    """``[{term, severity, proximity}]`` from an upload: a term is a string or
    ``{term, severity?, proximity?}`` (severity default high; proximity true:
    near a launch word or a date it becomes critical)."""
    if not isinstance(entries, list) or not entries:
        raise TermListError("terms must be a non-empty list")
    if len(entries) > MAX_TERMS:
        raise TermListError(f"at most {MAX_TERMS} terms")
    fold = Fold(fold_table())
    checked = []
    for n, entry in enumerate(entries, 1):
        if isinstance(entry, str):
            entry = {"term": entry}
        if not isinstance(entry, dict) or set(entry) - set(ENTRY_KEYS):
            raise TermListError(f"term {n}: expected term, severity, proximity")
        term = entry.get("term")
        severity = entry.get("severity", "high")
        proximity = entry.get("proximity", True)
        if not isinstance(term, str) or severity not in SEVERITY_ORDER:
            raise TermListError(f"term {n}: needs a term and a known severity")
        if not isinstance(proximity, bool):
            raise TermListError(f"term {n}: proximity is true or false")
        text = normalize(term, _table()).text
        skeleton = term_skeleton(text, fold)
        if not MIN_SKELETON <= len(skeleton) <= MAX_SKELETON:
            raise TermListError(
                f"term {n}: {MIN_SKELETON} to {MAX_SKELETON} letters or digits"
            )
        if len(_pieces(text)) > MAX_PIECES:
            raise TermListError(f"term {n}: at most {MAX_PIECES} words")
        checked.append({"term": text, "severity": severity, "proximity": proximity})
    return checked


def hashed_section(
    entries: list[dict[str, Any]], key: bytes, list_version: int
) -> dict[str, Any]:
    """The bundle's ``hashed_terms`` for checked entries: hashes only."""
    table = fold_table()
    fold = Fold(table)
    groups: dict[tuple[str, bool], set[str]] = {}
    longest = 0
    for entry in entries:
        skeleton = term_skeleton(entry["term"], fold)
        longest = max(longest, len(skeleton))
        group = groups.setdefault((entry["severity"], entry["proximity"]), set())
        group.add(term_hash(key, skeleton))
    return {
        "format": FORMAT,
        "list_version": list_version,
        "key_id": key_id(key),
        "alg": ALG,
        "fold_id": table["id"],
        "max_length": -(-longest // LENGTH_STEP) * LENGTH_STEP,
        "groups": [
            {"severity": sev, "escalate": near, "hashes": sorted(hashes)}
            for (sev, near), hashes in sorted(
                groups.items(), key=lambda g: (SEVERITY_ORDER.index(g[0][0]), g[0][1])
            )
        ],
    }


def add_to_bundle(bundle: dict[str, Any], section: dict[str, Any]) -> dict[str, Any]:
    """``bundle`` carrying ``section`` as its hashed terms, with a new version
    (same release, new content hash). Raises TermListError when they do not fit."""
    fold = bundle.get("term_fold")
    if not isinstance(fold, dict) or fold.get("id") != section.get("fold_id"):
        raise TermListError(
            "the terms were hashed with another term_fold than this bundle's: "
            "build the bundle and hash the terms with the same postguard release"
        )
    if section.get("format") != FORMAT or "groups" not in section:
        raise TermListError("not a hashed_terms section (postguard central terms)")
    body = {
        key: value
        for key, value in bundle.items()
        if key not in ("_generated", "version", "hashed_terms")
    }
    body["hashed_terms"] = section
    text = json.dumps(body, ensure_ascii=False, indent=1) + "\n"
    release = str(bundle.get("version", "")).split("+", 1)[0]
    version = f"{release}+{hashlib.sha256(text.encode()).hexdigest()[:12]}"
    head = {"_generated": bundle["_generated"]} if "_generated" in bundle else {}
    return {**head, "version": version, **body}
