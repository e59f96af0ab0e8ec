"""Image findings: the engine's Finding keys plus where in the image they are.

Each finding is a dict with ``rule_id, category, type, severity, start, end,
score, preview, message, policy_url`` (as the engine's), and ``source``
("metadata" | "barcode" | "text"), ``where`` (short words for the banner) and
``box`` (``{x, y, width, height}`` in image pixels, or None). ``start``/``end``
are offsets in the text the value was read from (a code's payload, the text
read from the image); 0 for metadata.

While the analysis runs a finding also carries ``_key``, a keyed digest of its
value, so the same value seen twice (a QR code and the text beside it) is
listed once; ``public`` drops it. Values themselves are never kept.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from ..image_rules import IMAGE_RULES as KINDS

SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}
SOURCE_RANK = {"metadata": 0, "barcode": 1, "text": 2}
_DIGEST_KEY = secrets.token_bytes(32)  # per process: digests mean nothing outside


@dataclass(frozen=True)
class ImageRule:
    id: str
    type: str
    category: str
    severity: str
    message: str
    anchor: str = "images"  # the fragment of the policy page that explains it


def _rule(rule_id: str, message: str) -> ImageRule:
    """One of the built-in image rules: its kind from the one list of them
    (postguard.image_rules), its message here."""
    kind = KINDS[rule_id]
    return ImageRule(rule_id, kind["type"], kind["category"], kind["severity"], message)


GPS_LOCATION = _rule(
    "image.gps-location",
    "This image records where it was taken; anyone who downloads it can see the place.",
)
DEVICE_SERIAL = _rule(
    "image.device-serial",
    "This image carries the serial number of the camera or lens that took it, "
    "which links your photos together.",
)
OWNER_NAME = _rule(
    "image.owner-name",
    "This image names its owner or author in its metadata.",
)
BOARDING_PASS = _rule(
    "image.boarding-pass",
    "This barcode is a boarding pass: it holds the passenger's name and booking "
    "reference, enough to change or cancel the trip.",
)
WIFI_PASSWORD = _rule(
    "image.wifi-password",
    "This QR code holds a Wi-Fi network's password; anyone who scans the picture "
    "can join the network.",
)
TOTP_SECRET = _rule(
    "image.totp-secret",
    "This QR code enrols a two-factor authenticator; anyone who scans it gets "
    "the account's one-time codes.",
)
PAYMENT_ACCOUNT = _rule(
    "image.payment-account",
    "This QR code asks for a payment and names the account it goes to.",
)
IMAGE_RULES = (
    GPS_LOCATION,
    DEVICE_SERIAL,
    OWNER_NAME,
    BOARDING_PASS,
    WIFI_PASSWORD,
    TOTP_SECRET,
    PAYMENT_ACCOUNT,
)


def value_key(kind: str, value: str) -> str:
    """A keyed digest of a value (letters and digits only, case folded)."""
    folded = "".join(ch for ch in value if ch.isalnum()).casefold()
    digest = hashlib.blake2b(key=_DIGEST_KEY, digest_size=16)
    digest.update(f"{kind}\0{folded}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def rule_finding(
    rule: ImageRule,
    *,
    preview: str,
    source: str,
    where: str,
    value: str,
    box: dict | None = None,
    start: int = 0,
    end: int = 0,
    policy_base: str = "",
) -> dict:
    """A finding of one of the image rules; ``value`` only feeds the digest."""
    return {
        "rule_id": rule.id,
        "category": rule.category,
        "type": rule.type,
        "severity": rule.severity,
        "start": start,
        "end": end,
        "score": 1.0,
        "preview": preview,
        "message": rule.message,
        "policy_url": f"{policy_base}#{rule.anchor}" if policy_base else "",
        "source": source,
        "where": where,
        "box": box,
        "_key": value_key(rule.type, value),
    }


def engine_finding(
    finding: dict, *, source: str, where: str, value: str, box: dict | None
) -> dict:
    """An engine finding (a dict) read from a payload or from the image's text."""
    return {
        **finding,
        "source": source,
        "where": where,
        "box": box,
        "_key": value_key(finding["type"], value),
    }


def box_of(
    left: float, top: float, right: float, bottom: float, width: int, height: int
) -> dict:
    """An integer box clipped to the image."""
    x0, y0 = max(0, int(left)), max(0, int(top))
    x1, y1 = min(width, int(round(right))), min(height, int(round(bottom)))
    return {"x": x0, "y": y0, "width": max(0, x1 - x0), "height": max(0, y1 - y0)}


def ranked(findings: list[dict]) -> list[dict]:
    """The most severe first; then metadata, codes, text; then by position."""
    return sorted(
        findings,
        key=lambda f: (
            SEVERITY_RANK[f["severity"]],
            SOURCE_RANK[f["source"]],
            f["start"],
            f["end"],
            f["rule_id"],
        ),
    )


def deduplicated(findings: list[dict]) -> list[dict]:
    """One finding per (type, value): the first seen wins (callers add
    metadata, then codes, then text, so a code keeps its own finding)."""
    seen: set[str] = set()
    kept = []
    for finding in findings:
        if finding["_key"] in seen:
            continue
        seen.add(finding["_key"])
        kept.append(finding)
    return kept


def public(finding: dict) -> dict:
    return {k: v for k, v in finding.items() if k != "_key"}
