"""Scan long drafts paragraph by paragraph, remembering each paragraph's result.

The extension rescans on every pause in typing. For a 100 KB draft, one keystroke
changes one paragraph, so only that paragraph goes through the engine again; the
others come from the cache and their finding offsets are shifted back onto the
full text. Short posts are scanned whole (their results are cached too), so
context that spans lines works exactly as in the engine.

Paragraphs end at blank lines. A secret is never split by one, but context words in
one paragraph do not boost a match in the next: that is the price of the speed-up,
and it is paid only by drafts longer than ``split_min_chars``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from dataclasses import field

PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n(?:[^\S\n]*\n)*")
TOO_LONG = {"rule_id": None, "reason": "too_long"}
SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def split_paragraphs(text: str) -> list[tuple[int, str]]:
    """``(offset, paragraph)`` pairs; the blank lines between them are dropped."""
    pieces, start = [], 0
    for match in PARAGRAPH_BREAK.finditer(text):
        if match.start() > start:
            pieces.append((start, text[start : match.start()]))
        start = match.end()
    if start < len(text):
        pieces.append((start, text[start:]))
    return pieces


@dataclass
class DraftResult:
    findings: list[dict]
    complete: bool
    incomplete: list[dict]
    rules_version: str
    findings_omitted: int = 0
    omitted_rules: list[str] = field(default_factory=list)
    not_run: list[dict] = field(default_factory=list)
    chunks_scanned: int = 0  # paragraphs that went through the engine
    chars_scanned: int = 0
    chunks_cached: int = 0


@dataclass
class _Entry:
    findings: tuple
    incomplete: tuple = field(default=())
    omitted: int = 0
    omitted_rules: tuple = field(default=())
    not_run: tuple = field(default=())


def _position(finding: dict) -> tuple:
    return finding["start"], finding["end"], finding["rule_id"]


def cap_findings(findings: list[dict], limit: int) -> tuple[list[dict], list[dict]]:
    """The engine's cap over a whole draft: the most severe ``limit`` findings
    (ties by position) listed by position, and the ones left out."""
    if len(findings) <= limit:
        return findings, []
    ranked = sorted(
        findings, key=lambda f: (SEVERITY_RANK[f["severity"]], *_position(f))
    )
    return sorted(ranked[:limit], key=_position), ranked[limit:]


class DraftScanner:
    """Thread-safe front of ``engine.scan`` with a bounded LRU of paragraph results."""

    def __init__(self, engine, max_entries: int = 4096, split_min_chars: int = 5000):
        self.engine = engine
        self.max_entries = max_entries
        self.split_min_chars = split_min_chars
        defaults = engine.compiled.defaults
        self.max_chars = engine.max_chars  # the bundle's: one limit everywhere
        self.max_findings = defaults["max_findings"]
        self.budget_s = defaults["budget_ms"] / 1000
        self._entries: OrderedDict[bytes, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        # Keyed digests: the cache never holds the draft, and its keys reveal nothing.
        self._key = secrets.token_bytes(32)

    def _hasher(self, locale: str | None):
        """A keyed hash of (rules version, locale); copied once per paragraph."""
        digest = hashlib.blake2b(key=self._key, digest_size=16)
        digest.update(f"{self.engine.rules_version}\0{locale or ''}\0".encode())
        return digest

    def _lookup(self, key: bytes) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def _store(self, key: bytes, entry: _Entry) -> None:
        with self._lock:
            self._entries[key] = entry
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def _scan_chunk(self, chunk: str, locale: str | None, deadline: float) -> _Entry:
        result = self.engine.scan(chunk, locale or None, deadline=deadline).to_dict()
        return _Entry(
            tuple(result["findings"]),
            tuple(result["incomplete"]),
            result["findings_omitted"],
            tuple(result["omitted_rules"]),
            tuple(result["not_run"]),
        )

    def scan(
        self, text: str, locale: str | None = None, full_length: int | None = None
    ) -> DraftResult:
        """Scan a draft; ``full_length`` is its length before a client cut it."""
        # One budget for the whole draft, however many paragraphs it has.
        deadline = self.engine.clock() + self.budget_s
        incomplete: list[dict] = []
        if len(text) > self.max_chars or (full_length or 0) > len(text):
            text = text[: self.max_chars]
            incomplete.append(dict(TOO_LONG))
        if len(text) < self.split_min_chars:
            chunks = [(0, text)]
        else:
            chunks = split_paragraphs(text)
        result = DraftResult([], True, incomplete, self.engine.rules_version)
        omitted: set[str] = set()
        hasher = self._hasher(locale)
        for offset, chunk in chunks:
            digest = hasher.copy()
            digest.update(chunk.encode("utf-8", "surrogatepass"))
            key = digest.digest()
            entry = self._lookup(key)
            if entry is None:
                entry = self._scan_chunk(chunk, locale, deadline)
                result.chunks_scanned += 1
                result.chars_scanned += len(chunk)
                if not entry.incomplete:  # a timeout may pass next time
                    self._store(key, entry)
            else:
                result.chunks_cached += 1
            for finding in entry.findings:
                result.findings.append(
                    {
                        **finding,
                        "start": finding["start"] + offset,
                        "end": finding["end"] + offset,
                    }
                )
            for item in entry.incomplete:
                if item not in result.incomplete:
                    result.incomplete.append(dict(item))
            result.findings_omitted += entry.omitted
            omitted.update(entry.omitted_rules)
            result.not_run = [dict(item) for item in entry.not_run]
        result.findings, cut = cap_findings(result.findings, self.max_findings)
        result.findings_omitted += len(cut)
        result.omitted_rules = sorted(omitted | {f["rule_id"] for f in cut})
        result.complete = not result.incomplete
        return result
