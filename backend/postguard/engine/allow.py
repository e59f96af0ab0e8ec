"""Allowlists: values that look sensitive but are known to be fine.

Three kinds, global (bundle ``allow``) and per rule (rule ``allow``):
``values`` compared in canonical form (case and punctuation folded), ``patterns``
that must match the whole value, and ``stopwords`` found anywhere in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import regex

# Seconds one whole-value match may take when the caller gives no timeout.
_DEFAULT_TIMEOUT = 0.05

_NOT_CANONICAL = regex.compile(r"[^\p{L}\p{N}@]")


def canonical(value: str) -> str:
    return _NOT_CANONICAL.sub("", value).lower()


class Allowlist:
    def __init__(self, spec: Mapping[str, Any] | None) -> None:
        spec = spec or {}
        self.values = frozenset(canonical(v) for v in spec.get("values", []))
        self.stopwords = tuple(w.lower() for w in spec.get("stopwords", []))
        self.patterns = tuple(
            regex.compile(
                p["pattern"], regex.IGNORECASE if "i" in p.get("flags", "") else 0
            )
            for p in spec.get("patterns", [])
        )

    def allows(self, value: str, timeout: float | None = _DEFAULT_TIMEOUT) -> bool:
        """``timeout`` caps each pattern match (None: no cap); a slow pattern
        raises TimeoutError."""
        if self.values and canonical(value) in self.values:
            return True
        if self.stopwords:
            lowered = value.lower()
            if any(word in lowered for word in self.stopwords):
                return True
        return any(p.fullmatch(value, timeout=timeout) for p in self.patterns)
