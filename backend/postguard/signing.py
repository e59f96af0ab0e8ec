"""Signed requests and response proofs, keyed on the per-install token.

A process that takes the port before PostGuard (or a relay in front of it) must
learn neither the token nor any draft. So the extension never sends the token: it
signs each request over a fresh nonce, and trusts an answer only when it carries a
proof over that nonce and the exact response body, which only the holder of the
token can compute. The format is specified in docs/service.md ("Signed requests").
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
import time
from collections import OrderedDict

NONCE_HEADER = "X-PostGuard-Nonce"
SIGNATURE_HEADER = "X-PostGuard-Signature"
PROOF_HEADER = "X-PostGuard-Proof"
REQUEST_CONTEXT = "postguard-request-v1"
RESPONSE_CONTEXT = "postguard-response-v1"
NONCE_PATTERN = re.compile(r"[A-Za-z0-9_-]{22,64}")
SIGNATURE_PATTERN = re.compile(r"v1=([0-9a-f]{64})")


def _mac(token: str, message: str) -> str:
    return hmac.new(
        token.encode("utf-8"), message.encode("utf-8"), hashlib.sha256
    ).hexdigest()


def request_signature(
    token: str, nonce: str, method: str, host: str, path: str, body: bytes
) -> str:
    message = "\n".join(
        (
            REQUEST_CONTEXT,
            nonce,
            method.upper(),
            host.lower(),
            path,
            hashlib.sha256(body).hexdigest(),
        )
    )
    return "v1=" + _mac(token, message)


def response_proof(token: str, nonce: str, status: int, body: bytes) -> str:
    message = "\n".join(
        (RESPONSE_CONTEXT, nonce, str(status), hashlib.sha256(body).hexdigest())
    )
    return "v1=" + _mac(token, message)


def signature_matches(expected: str, supplied: str) -> bool:
    if not SIGNATURE_PATTERN.fullmatch(supplied):
        return False
    return hmac.compare_digest(expected.encode("ascii"), supplied.encode("ascii"))


class NonceLedger:
    """Nonces seen in the last ``ttl`` seconds: a replayed request is refused.

    Bounded: past ``capacity`` entries the oldest go first, so a flood of signed
    requests (which needs the token anyway) cannot grow memory.
    """

    def __init__(self, ttl: float = 600.0, capacity: int = 65536, clock=time.monotonic):
        self.ttl = ttl
        self.capacity = capacity
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_use(self, nonce: str) -> bool:
        """Record ``nonce``; False if it was already used within the ttl."""
        now = self._clock()
        with self._lock:
            while self._seen:
                oldest, at = next(iter(self._seen.items()))
                if now - at < self.ttl and len(self._seen) < self.capacity:
                    break
                del self._seen[oldest]
            if nonce in self._seen:
                return False
            self._seen[nonce] = now
            return True
