"""Signed rule bundles: Ed25519 envelopes that a laptop checks before it runs them.

Not to be confused with ``signing.py`` (HMAC request signing with the install
token). The envelope format, the size caps and the reasons are specified in
docs/admin.md ("The signed-bundle format"); in short, a signed bundle is a JSON
object::

    {"format": "postguard-signed-bundle-v1",
     "header": "<canonical header JSON, as a string>",
     "signature": "<base64 Ed25519 signature>",
     "payload": "<base64 of the bundle bytes>"}

and the signature covers ``CONTEXT LF header-bytes LF hex(sha256(payload))``, so
neither the header nor the payload can be swapped for another bundle's.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

FORMAT = "postguard-signed-bundle-v1"
PAYLOAD_FORMAT = "postguard-ruleset-json"
CONTEXT = b"postguard-signed-bundle-v1"
MAX_PAYLOAD_BYTES = 8 * 1024 * 1024  # the default bundle is about 1.1 MB
MAX_HEADER_BYTES = 4096
# base64 grows the payload by 4/3; the rest is the header and JSON framing.
MAX_ENVELOPE_BYTES = MAX_PAYLOAD_BYTES * 4 // 3 + 16 * 1024
MAX_VERSION = 2**53 - 1  # exact in JSON numbers everywhere, JavaScript included
# A laptop clock a few minutes behind must not refuse a bundle signed just now.
CLOCK_SKEW = timedelta(minutes=5)
HEADER_FIELDS = frozenset(
    {
        "format",
        "payload_format",
        "version",
        "created",
        "expires",
        "payload_sha256",
        "payload_length",
        "key_id",
    }
)
REASONS = (
    "too_large",
    "malformed",
    "unknown_key",
    "bad_signature",
    "payload_mismatch",
    "not_yet_valid",
    "expired",
    "rollback",
)
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
_HEX64 = re.compile(r"[0-9a-f]{64}")


class BundleRejected(Exception):
    """A signed bundle that must not be applied; ``reason`` is one of REASONS.

    The message is fixed text plus numbers and times from a verified header: it
    never quotes payload bytes.
    """

    def __init__(self, reason: str, message: str) -> None:
        assert reason in REASONS
        super().__init__(message)
        self.reason = reason
        self.message = message


class KeyFileError(Exception):
    """A key file or PEM text is unusable."""


@dataclass(frozen=True)
class Header:
    version: int
    created: datetime
    expires: datetime
    payload_sha256: str
    payload_length: int
    key_id: str


@dataclass(frozen=True)
class Verified:
    header: Header
    payload: bytes
    envelope_sha256: str


# --- keys -------------------------------------------------------------------


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """The first 16 hex digits of SHA-256 over the raw 32-byte public key."""
    return hashlib.sha256(raw_public(key)).hexdigest()[:16]


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_public_key(spec: str) -> Ed25519PublicKey:
    """A public key from PEM text or from a file holding it."""
    try:
        pem = spec.encode("ascii") if "-----BEGIN" in spec else Path(spec).read_bytes()
    except OSError as exc:
        raise KeyFileError(f"cannot read public key {spec}: {exc.strerror}") from None
    except UnicodeEncodeError:
        raise KeyFileError("public key PEM text is not ASCII") from None
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError:
        raise KeyFileError(f"not a PEM public key: {_name(spec)}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"not an Ed25519 public key: {_name(spec)}")
    return key


def load_private_key(path: str | Path) -> Ed25519PrivateKey:
    try:
        pem = Path(path).read_bytes()
    except OSError as exc:
        raise KeyFileError(f"cannot read signing key {path}: {exc.strerror}") from None
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        raise KeyFileError(f"not an unencrypted PEM private key: {path}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"not an Ed25519 private key: {path}")
    return key


def _name(spec: str) -> str:
    return "(inline PEM)" if "-----BEGIN" in spec else spec


# --- signing ----------------------------------------------------------------


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: object) -> datetime:
    if not isinstance(text, str) or not _TIME.fullmatch(text):
        raise ValueError("time must look like 2026-01-31T12:00:00Z")
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def _message(header_bytes: bytes, payload_sha256: str) -> bytes:
    return b"\n".join((CONTEXT, header_bytes, payload_sha256.encode("ascii")))


def sign(
    payload: bytes,
    key: Ed25519PrivateKey,
    version: int,
    created: datetime,
    expires: datetime,
) -> bytes:
    """The envelope bytes for ``payload`` (a compiled rule bundle)."""
    if not 1 <= version <= MAX_VERSION:
        raise ValueError(f"version must be 1 to {MAX_VERSION}")
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"the bundle is over {MAX_PAYLOAD_BYTES} bytes")
    if expires <= created:
        raise ValueError("expires must be after created")
    digest = hashlib.sha256(payload).hexdigest()
    header = {
        "format": FORMAT,
        "payload_format": PAYLOAD_FORMAT,
        "version": version,
        "created": iso(created),
        "expires": iso(expires),
        "payload_sha256": digest,
        "payload_length": len(payload),
        "key_id": key_id(key.public_key()),
    }
    header_text = json.dumps(header, sort_keys=True, separators=(",", ":"))
    signature = key.sign(_message(header_text.encode("ascii"), digest))
    envelope = {
        "format": FORMAT,
        "header": header_text,
        "signature": base64.b64encode(signature).decode("ascii"),
        "payload": base64.b64encode(payload).decode("ascii"),
    }
    return (json.dumps(envelope, indent=1) + "\n").encode("ascii")


# --- verifying --------------------------------------------------------------


def read_capped(path: str | Path, limit: int = MAX_ENVELOPE_BYTES) -> bytes:
    """The file's bytes, refused as ``too_large`` without reading more than
    ``limit + 1`` bytes (a sparse 100 GB file costs one stat)."""
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size > limit:
            raise BundleRejected("too_large", f"the file is over {limit} bytes")
        data = handle.read(limit + 1)  # it may have grown since the stat
    if len(data) > limit:
        raise BundleRejected("too_large", f"the file is over {limit} bytes")
    return data


def _b64(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise BundleRejected("malformed", f"{what} is not a string")
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise BundleRejected("malformed", f"{what} is not base64") from None
    # Canonical only: unused low bits in the last character must be zero, so no
    # two envelopes with different bytes carry the same signature and payload.
    if base64.b64encode(data).decode("ascii") != text:
        raise BundleRejected("malformed", f"{what} is not canonical base64")
    return data


def _split(envelope: bytes) -> tuple[bytes, bytes, bytes]:
    """(header bytes, signature, payload) from the envelope; payload not parsed."""
    if len(envelope) > MAX_ENVELOPE_BYTES:
        raise BundleRejected("too_large", f"over {MAX_ENVELOPE_BYTES} bytes")
    try:
        outer = json.loads(envelope)
    except (ValueError, RecursionError):
        raise BundleRejected("malformed", "not a JSON envelope") from None
    if not isinstance(outer, dict) or set(outer) != {
        "format",
        "header",
        "signature",
        "payload",
    }:
        raise BundleRejected("malformed", "not a signed-bundle envelope")
    if outer["format"] != FORMAT:
        raise BundleRejected("malformed", f"format is not {FORMAT}")
    header = outer["header"]
    if not isinstance(header, str) or not header.isascii():
        raise BundleRejected("malformed", "header is not an ASCII string")
    if len(header) > MAX_HEADER_BYTES:
        raise BundleRejected("too_large", f"header over {MAX_HEADER_BYTES} bytes")
    payload = outer["payload"]
    if isinstance(payload, str) and len(payload) > MAX_PAYLOAD_BYTES * 4 // 3 + 4:
        raise BundleRejected("too_large", f"payload over {MAX_PAYLOAD_BYTES} bytes")
    signature = _b64(outer["signature"], "signature")
    if len(signature) != 64:
        raise BundleRejected("malformed", "signature is not 64 bytes")
    return header.encode("ascii"), signature, _b64(payload, "payload")


def _header(header_bytes: bytes) -> Header:
    try:
        data = json.loads(header_bytes)
        if not isinstance(data, dict) or set(data) != HEADER_FIELDS:
            raise ValueError("fields")
        if data["format"] != FORMAT or data["payload_format"] != PAYLOAD_FORMAT:
            raise ValueError("format")
        for name in ("version", "payload_length"):
            value = data[name]
            if type(value) is not int or not 0 <= value <= MAX_VERSION:
                raise ValueError(name)
        if not _HEX64.fullmatch(str(data["payload_sha256"])):
            raise ValueError("payload_sha256")
        return Header(
            version=data["version"],
            created=parse_time(data["created"]),
            expires=parse_time(data["expires"]),
            payload_sha256=data["payload_sha256"],
            payload_length=data["payload_length"],
            key_id=str(data["key_id"]),
        )
    except (ValueError, RecursionError):
        raise BundleRejected("malformed", "the header is not a valid header") from None


def verify(
    envelope: bytes,
    trusted: list[Ed25519PublicKey],
    now: datetime,
    min_version: int = 0,
    check_times: bool = True,
) -> Verified:
    """The verified payload bytes, or BundleRejected.

    Order matters: sizes first, then the signature (tried with every pinned key,
    before the header is trusted for anything), then hash, times and version. The
    payload itself is never parsed here; the caller parses it after this returns.
    ``min_version``: the version running now; only a greater one is accepted.
    ``check_times=False`` is for the service's own last-known-good copy, accepted
    once already: expired, it keeps running (flagged stale) rather than older
    rules, and a clock set back does not drop it.
    """
    header_bytes, signature, payload = _split(envelope)
    digest = hashlib.sha256(payload).hexdigest()
    message = _message(header_bytes, digest)
    signer = None
    for key in trusted:
        try:
            key.verify(signature, message)
        except InvalidSignature:
            continue
        signer = key
        break
    header = _header(header_bytes)
    if signer is None:
        if header.key_id not in {key_id(key) for key in trusted}:
            raise BundleRejected("unknown_key", "signed by a key that is not pinned")
        raise BundleRejected("bad_signature", "the signature does not verify")
    if header.key_id != key_id(signer):
        raise BundleRejected("malformed", "key_id does not name the signing key")
    if header.payload_sha256 != digest or header.payload_length != len(payload):
        raise BundleRejected("payload_mismatch", "payload hash or length differ")
    if check_times and now + CLOCK_SKEW < header.created:
        raise BundleRejected("not_yet_valid", f"valid from {iso(header.created)}")
    if check_times and now >= header.expires:
        raise BundleRejected("expired", f"expired at {iso(header.expires)}")
    if header.version <= min_version:
        raise BundleRejected(
            "rollback",
            f"version {header.version} is not newer than {min_version}",
        )
    return Verified(header, payload, hashlib.sha256(envelope).hexdigest())


def default_expiry(created: datetime, days: float) -> datetime:
    return created + timedelta(days=days)
