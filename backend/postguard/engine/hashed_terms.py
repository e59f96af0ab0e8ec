"""Confidential terms that travel as keyed hashes, never as text.

A bundle may carry ``hashed_terms`` (made by central, added to the bundle by
``postguard rules add-terms`` before signing):

    "hashed_terms": {"format": 1, "list_version": 3, "key_id": "9f2c...",
                     "alg": "HMAC-SHA256/96", "fold_id": "852d...",
                     "max_length": 24,
                     "groups": [{"severity": "high", "escalate": true,
                                 "hashes": ["a1b2...", ...]}]}

Each hash is HMAC-SHA-256 under the list version's key (delivered apart from the
bundle), cut to 12 bytes, of a term's skeleton: its words run together, each
character folded by the bundle's ``term_fold`` table (see postguard/term_fold.py)
or else lower-cased. Without the key nothing can be matched, and a scan says so
(``not_run`` with reason ``no_key``).

Matching a text (already normalised: zero-width characters gone, full-width
folded) works on pieces: runs of letters, digits and marks (``@`` and ``$``
between two of them count, F@lcon), cut again at CamelCase edges (a lower-case
letter then an upper-case one). Up to ``MAX_PIECES`` neighbouring pieces, apart
by at most ``MAX_GAP`` characters and no line break, are joined and hashed while
their skeleton is at most ``max_length`` long; a hit reports the pieces' span.
So ``Project Falcon``, ``project-falcon``, ``#ProjectFa1con`` and
``#projectfalcon`` all meet the hash of "projectfaicon", while ``Falcons``, one
longer piece, does not. ``extension/src/engine/hashed-terms.js`` is the twin.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import regex

from .result import SEVERITY_ORDER

FORMAT = 1
ALG = "HMAC-SHA256/96"
HASH_BYTES = 12
MAX_PIECES = 8
MAX_GAP = 3
MIN_SKELETON = 3
MAX_HASHES = 20000
TEMPLATE = "hashed_terms"
_TOKEN = regex.compile(
    r"(?:[\p{L}\p{N}\p{M}]|(?<=[\p{L}\p{N}\p{M}])[@$](?=[\p{L}\p{N}\p{M}]))+"
)
_CAMEL = regex.compile(r"(?<=\p{Ll})(?=\p{Lu})")
_HEX_ID = regex.compile(r"[0-9a-f]{16}")
_HEX_HASH = regex.compile(r"[0-9a-f]{24}")


class Fold:
    """A character's canonical form: the table's, else its lower case when that
    is one character. Caches every character it has seen (per bundle)."""

    def __init__(self, spec: Any) -> None:
        if not isinstance(spec, dict) or not isinstance(spec.get("map"), dict):
            raise ValueError("term_fold must be an object with a map")
        self.id = str(spec.get("id", ""))
        self._map = {ord(k): v for k, v in spec["map"].items() if len(k) == 1}
        self._seen: set[str] = set()

    def skeleton(self, text: str) -> str:
        new = set(text) - self._seen
        for char in new:
            if ord(char) not in self._map:
                lower = char.lower()
                self._map[ord(char)] = lower if len(lower) == 1 else char
        self._seen |= new
        return text.translate(self._map)


def term_skeleton(term: str, fold: Fold) -> str:
    """What a listed term is hashed as: its pieces' skeletons run together."""
    return "".join(fold.skeleton(text) for _, _, text in _pieces(term))


def key_id(key: bytes) -> str:
    """The name a bundle gives its key: not the key, and no way back to it."""
    return hashlib.sha256(b"postguard-term-key\n" + key).hexdigest()[:16]


def term_hash(key: bytes, skeleton: str) -> str:
    digest = hmac.digest(key, skeleton.encode("utf-8"), "sha256")
    return digest[:HASH_BYTES].hex()


def rule_id(template: dict[str, Any], severity: str, escalate: bool) -> str:
    return f"{template['id']}-{severity}" + ("-near" if escalate else "")


@dataclass(frozen=True)
class HashedTerms:
    list_version: int
    key_id: str
    max_length: int
    # hash (its HASH_BYTES bytes) -> rule id
    rules_by_hash: dict[bytes, str]
    rule_ids: tuple[str, ...]


def compile_section(
    bundle: dict[str, Any], fold: Fold | None
) -> tuple[HashedTerms | None, list[dict[str, Any]]]:
    """The bundle's ``hashed_terms`` and the rule dicts they stand for (one per
    severity and proximity used), or (None, []) without them. Raises ValueError."""
    section = bundle.get("hashed_terms")
    if section is None:
        return None, []
    if not isinstance(section, dict) or section.get("format") != FORMAT:
        raise ValueError("hashed_terms: expected an object with format 1")
    if section.get("alg") != ALG:
        raise ValueError(f"hashed_terms: alg must be {ALG}")
    if fold is None or section.get("fold_id") != fold.id:
        raise ValueError("hashed_terms: hashed with another term_fold; hash again")
    version, kid = section.get("list_version"), section.get("key_id")
    max_length = section.get("max_length")
    if type(version) is not int or version < 1:
        raise ValueError("hashed_terms: list_version must be an integer >= 1")
    if not isinstance(kid, str) or not _HEX_ID.fullmatch(kid):
        raise ValueError("hashed_terms: key_id must be 16 hex digits")
    if type(max_length) is not int or not 1 <= max_length <= 400:
        raise ValueError("hashed_terms: max_length must be 1 to 400")
    template = (bundle.get("org_rules") or {}).get(TEMPLATE)
    if not isinstance(template, dict):
        raise ValueError("hashed_terms: the bundle has no org_rules.hashed_terms")
    by_hash: dict[bytes, str] = {}
    rules: dict[str, dict[str, Any]] = {}
    for group in section.get("groups") or []:
        severity, escalate = group.get("severity"), group.get("escalate")
        if severity not in SEVERITY_ORDER or not isinstance(escalate, bool):
            raise ValueError("hashed_terms: a group needs a severity and escalate")
        rid = rule_id(template, severity, escalate)
        rules[rid] = _rule(template, rid, severity, escalate)
        for value in group.get("hashes") or []:
            if not isinstance(value, str) or not _HEX_HASH.fullmatch(value):
                raise ValueError("hashed_terms: a hash must be 24 hex digits")
            # One skeleton listed twice keeps its most severe rule.
            held = by_hash.get(bytes.fromhex(value))
            if held is None or _rank(rules[rid]) > _rank(rules[held]):
                by_hash[bytes.fromhex(value)] = rid
    if len(by_hash) > MAX_HASHES:
        raise ValueError(f"hashed_terms: more than {MAX_HASHES} hashes")
    compiled = HashedTerms(version, kid, max_length, by_hash, tuple(sorted(rules)))
    return compiled, [rules[rid] for rid in sorted(rules)]


def _rank(rule: dict[str, Any]) -> tuple[int, bool]:
    return SEVERITY_ORDER.index(rule["severity"]), "escalate" in rule


def _rule(
    template: dict[str, Any], rid: str, severity: str, escalate: bool
) -> dict[str, Any]:
    """A bundle rule that labels hashed hits; its pattern never runs (``hashed``
    keeps it out of the scan plan)."""
    rule = {
        "id": rid,
        "name": template["name"],
        "category": template["category"],
        "type": template["type"],
        "severity": severity,
        "priority": template.get("priority", 0),
        "pattern": "(?!)",
        "flags": "",
        "keywords": [],
        "allow": {},
        "score": template.get("score", 0.5),
        "message": template["message"],
        "policy_url": template.get("policy_url", ""),
        "runtimes": ["python", "js"],
        "hashed": True,
    }
    if escalate and template.get("escalate"):
        rule["escalate"] = template["escalate"]
    return rule


def _pieces(text: str) -> list[tuple[int, int, str]]:
    pieces = []
    for token in _TOKEN.finditer(text):
        start, word = token.start(), token.group()
        cuts = [0, *(m.start() for m in _CAMEL.finditer(word)), len(word)]
        for a, b in zip(cuts, cuts[1:], strict=False):
            pieces.append((start + a, start + b, word[a:b]))
    return pieces


def _chains(text: str, pieces: list[tuple[int, int, str]]) -> list[int]:
    """For each piece, the index of the first piece of its chain: pieces apart by
    at most MAX_GAP characters and no line break may be joined."""
    firsts = []
    first = 0
    for k in range(len(pieces)):
        if k:
            gap = text[pieces[k - 1][1] : pieces[k][0]]
            if len(gap) > MAX_GAP or "\n" in gap or "\r" in gap:
                first = k
        firsts.append(first)
    return firsts


def find(
    terms: HashedTerms, key: bytes, fold: Fold, text: str, check: Callable[[], None]
) -> list[tuple[int, int, str]]:
    """Every (start, end, rule id) where joined pieces hash to a listed term.
    ``check`` is called every so often and may raise to stop (the budget)."""
    # The fold maps one character to one, so the skeleton's offsets are the text's.
    skeleton = fold.skeleton(text)
    pieces = _pieces(text)
    firsts = _chains(text, pieces)
    lookup, longest, digest = terms.rules_by_hash.get, terms.max_length, hmac.digest
    found = []
    count = len(pieces)
    for i in range(count):
        if i % 64 == 0:
            check()
        start = pieces[i][0]
        joined = ""
        for j in range(i, min(i + MAX_PIECES, count)):
            if firsts[j] > i:
                break
            s, e, _ = pieces[j]
            joined += skeleton[s:e]
            if len(joined) > longest:
                break
            if len(joined) >= MIN_SKELETON:
                rule = lookup(digest(key, joined.encode(), "sha256")[:HASH_BYTES])
                if rule is not None:
                    found.append((start, e, rule))
    return found
