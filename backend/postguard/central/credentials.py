"""Secrets central hands out, and how it stores them (never in plaintext).

Every secret reads ``PREFIX_ID_SECRET``: the id finds the row, the secret is
checked against its hash. The prefix names the kind, and each kind lives in its
own table, so an admin token can never pass as a device credential or back.

Admin and enrolment tokens are hashed with argon2: they are few and checked
rarely. Device credentials are checked on every poll of a large fleet, so they
get a salted SHA-256: 256 random bits need no slow hash to resist guessing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError

ADMIN, ENROLMENT, DEVICE = "pgadmin", "pgenrol", "pgdevice"
_hasher = PasswordHasher()
# Checked when the id is unknown, so a miss costs as long as a wrong secret.
_DUMMY = _hasher.hash("postguard-dummy")


@dataclass(frozen=True)
class Secret:
    kind: str
    id: str
    secret: str

    def __str__(self) -> str:
        return f"{self.kind}_{self.id}_{self.secret}"


def new(kind: str) -> Secret:
    return Secret(kind, secrets.token_hex(8), secrets.token_urlsafe(32))


def parse(text: str | None, kind: str) -> Secret | None:
    """The parts of ``text`` if it is a secret of ``kind``, else None."""
    if not text:
        return None
    parts = text.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != kind or not parts[1] or not parts[2]:
        return None
    if len(parts[1]) > 32 or len(parts[2]) > 100:
        return None
    return Secret(*parts)


def argon2_hash(secret: str) -> str:
    return _hasher.hash(secret)


def argon2_check(stored: str | None, secret: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY, secret) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def salted_hash(secret: str, salt: str | None = None) -> tuple[str, str]:
    salt = salt or secrets.token_hex(16)
    return salt, hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()


def salted_check(salt: str, stored: str, secret: str) -> bool:
    return hmac.compare_digest(salted_hash(secret, salt)[1], stored)
