"""The rule ids the image checks report (postguard.images), beside the bundle's.

One list, used wherever a rule id is checked: a policy may name these ids
(``simulate``, ``rules``, ``attachments.rules``), events and telemetry carry them.
They are built in, not rules of the bundle: metadata and barcode payloads are
read by code, not by patterns. postguard.images.findings gives each its message;
this module stays light (no Pillow) for the policy, events and central.
"""

from __future__ import annotations

from collections.abc import Collection

# id -> the finding's type, category and severity.
IMAGE_RULES: dict[str, dict[str, str]] = {
    "image.gps-location": {
        "type": "GPS_LOCATION",
        "category": "pii",
        "severity": "medium",
    },
    "image.device-serial": {
        "type": "DEVICE_SERIAL",
        "category": "pii",
        "severity": "low",
    },
    "image.owner-name": {"type": "OWNER_NAME", "category": "pii", "severity": "low"},
    "image.boarding-pass": {
        "type": "BOARDING_PASS",
        "category": "pii",
        "severity": "high",
    },
    "image.wifi-password": {
        "type": "PASSWORD",
        "category": "credential",
        "severity": "high",
    },
    "image.totp-secret": {
        "type": "TOTP_SECRET",
        "category": "credential",
        "severity": "critical",
    },
    "image.payment-account": {
        "type": "PAYMENT_ACCOUNT",
        "category": "account_number",
        "severity": "medium",
    },
}
RULE_IDS = frozenset(IMAGE_RULES)


def image_rule_kinds(rule_ids: Collection[str]) -> list[dict[str, str]]:
    """``{rule_id, category, severity}`` of each image rule named (the engine's
    ``rule_kinds`` for the built-in image ids)."""
    return [
        {
            "rule_id": rule_id,
            "category": IMAGE_RULES[rule_id]["category"],
            "severity": IMAGE_RULES[rule_id]["severity"],
        }
        for rule_id in rule_ids
        if rule_id in IMAGE_RULES
    ]
