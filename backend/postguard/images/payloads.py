"""What a decoded barcode holds: boarding passes, Wi-Fi logins, authenticator
enrolments and payment requests. Each classifier returns ``Match``es: the rule,
a masked preview, the value (only for de-duplication) and its span in the
payload. The payload also goes through the engine (see barcodes.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs
from urllib.parse import urlsplit

from ..engine.mask import masked_preview
from . import bcbp
from .findings import BOARDING_PASS
from .findings import PAYMENT_ACCOUNT
from .findings import TOTP_SECRET
from .findings import WIFI_PASSWORD
from .findings import ImageRule


@dataclass(frozen=True)
class Match:
    rule: ImageRule
    preview: str
    value: str
    start: int
    end: int
    kind: str  # what the code is, for the banner: "boarding pass", "Wi-Fi login"


def classify(payload: str) -> tuple[str | None, list[Match]]:
    """(what kind of code this is or None, the image-rule matches in it)."""
    for reader in (_boarding_pass, _wifi, _otpauth):
        found = reader(payload)
        if found is not None:
            return found
    kind = payment_kind(payload)
    return kind, []


def _boarding_pass(payload: str):
    parsed = bcbp.parse(payload)
    if parsed is None:
        return None
    preview = "boarding pass: " + ", ".join(parsed.reveals())
    value = parsed.name + "".join(leg.booking_reference for leg in parsed.legs)
    match = Match(BOARDING_PASS, preview, value, 0, len(payload), "boarding pass")
    return "boarding pass", [match]


# ---- Wi-Fi: WIFI:T:WPA;S:name;P:secret;H:false;; ------------------------------


def wifi_fields(payload: str) -> dict[str, tuple[str, int, int]] | None:
    """Field -> (unescaped value, start, end in the payload); None if not Wi-Fi.
    Fields come in any order; ``\\`` escapes ``; , : \\ "``."""
    if payload[:5].upper() != "WIFI:":
        return None
    fields: dict[str, tuple[str, int, int]] = {}
    pos = 5
    while pos < len(payload):
        colon = payload.find(":", pos)
        if colon < 0:
            break
        key = payload[pos:colon].strip().upper()
        value, end = [], colon + 1
        while end < len(payload) and payload[end] != ";":
            if payload[end] == "\\" and end + 1 < len(payload):
                end += 1
            value.append(payload[end])
            end += 1
        if key and key not in fields:
            fields[key] = ("".join(value), colon + 1, end)
        pos = end + 1
        while pos < len(payload) and payload[pos] == ";":
            pos += 1
    return fields


def _wifi(payload: str):
    fields = wifi_fields(payload)
    if fields is None:
        return None
    auth = fields.get("T", ("", 0, 0))[0].strip().upper()
    password = fields.get("P")
    if password is None or not password[0] or auth == "NOPASS":
        return "Wi-Fi login", []  # an open network: nothing secret
    value, start, end = password
    preview = masked_preview(value)
    return "Wi-Fi login", [
        Match(WIFI_PASSWORD, preview, value, start, end, "Wi-Fi login")
    ]


# ---- otpauth://totp/Issuer:account?secret=BASE32&issuer=Issuer ----------------


def _otpauth(payload: str):
    text = payload.strip()
    if not text[:10].lower().startswith("otpauth://"):
        return None
    try:
        parts = urlsplit(text)
        query = parse_qs(parts.query, keep_blank_values=True)
    except ValueError:
        return None
    kind = "authenticator enrolment"
    secret = next(iter(query.get("secret", [])), "").strip()
    if parts.netloc.lower() not in ("totp", "hotp") or not secret:
        return kind, []
    start = payload.find(secret)
    start = max(start, 0)
    match = Match(
        TOTP_SECRET, masked_preview(secret), secret, start, start + len(secret), kind
    )
    return kind, [match]


# ---- payment requests ---------------------------------------------------------

_EMV_CRC = re.compile(r"6304[0-9A-Fa-f]{4}$")


def payment_kind(payload: str) -> str | None:
    """The kind of payment request a code holds, or None."""
    head = payload.lstrip()[:16]
    if head.startswith(("BCD\n", "BCD\r\n")):
        return "payment code"  # EPC069-12 (SEPA credit transfer)
    if head.startswith(("SPC\n", "SPC\r\n")):
        return "payment code"  # Swiss QR-bill
    if head.lower().startswith(("upi://pay", "bitcoin:", "ethereum:", "litecoin:")):
        return "payment code"
    if payload.startswith("000201") and _EMV_CRC.search(payload.strip()):
        return "payment code"  # EMVCo merchant-presented QR
    return None


def payment_account(payload: str) -> str | None:
    """The account a payment request pays into (for when the engine has no rule
    for it: UPI ids, EMVCo merchant accounts, wallet addresses)."""
    text = payload.strip()
    lines = text.splitlines()
    if text.startswith("BCD") and len(lines) > 6:
        return lines[6].strip() or None
    if text.startswith("SPC") and len(lines) > 3:
        return lines[3].strip() or None
    lowered = text.lower()
    if lowered.startswith("upi://pay"):
        query = parse_qs(urlsplit(text).query)
        return next(iter(query.get("pa", [])), None)
    if lowered.startswith(("bitcoin:", "ethereum:", "litecoin:")):
        address = text.split(":", 1)[1].split("?", 1)[0].split("@", 1)[0]
        return address or None
    if text.startswith("000201"):
        accounts = [v for tag, v in emv_fields(text) if 26 <= tag <= 51]
        return "|".join(accounts) or None
    return None


def emv_fields(text: str) -> list[tuple[int, str]]:
    """The top-level (tag, value) pairs of an EMVCo QR payload."""
    fields, pos = [], 0
    while pos + 4 <= len(text):
        try:
            tag, size = int(text[pos : pos + 2]), int(text[pos + 2 : pos + 4])
        except ValueError:
            break
        fields.append((tag, text[pos + 4 : pos + 4 + size]))
        pos += 4 + size
    return fields


def payment_match(payload: str) -> Match | None:
    account = payment_account(payload)
    if not account:
        return None
    start = max(payload.find(account), 0)
    return Match(
        PAYMENT_ACCOUNT,
        masked_preview(account),
        account,
        start,
        start + len(account),
        "payment code",
    )
