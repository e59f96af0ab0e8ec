"""Signed-bundle vectors shared with the extension's verifier.

The Python signer writes ``signed_bundle_vectors.json`` (fixed test keys; Ed25519
signatures are deterministic, so the file is reproducible) and the Python
verifier gives each case its reason. ``signed-bundle-vectors.test.js`` runs the
same cases through extension/src/shared/bundle-verify.js and expects the same
reason. Regenerate with ``python tests/conformance/test_signed_bundle_vectors.py``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from postguard import bundle_signing as bs

VECTORS = Path(__file__).with_name("signed_bundle_vectors.json")
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
# Test-only keys: never pin these anywhere.
KEYS = {
    name: Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32)
    for name, seed in (("old", 1), ("new", 2), ("stranger", 3))
}
PAYLOAD = json.dumps({"version": "vector-1", "rules": []}).encode()
PAYLOAD_2 = json.dumps({"version": "vector-2", "rules": []}).encode()


def _sign(
    payload=PAYLOAD, key="old", version=2, created=NOW - timedelta(hours=1), days=30
) -> str:
    return bs.sign(
        payload, KEYS[key], version, created, created + timedelta(days=days)
    ).decode()


def _edit(envelope: str, **fields) -> str:
    data = json.loads(envelope)
    data.update(fields)
    return json.dumps(data)


def _flip(text: str, index: int) -> str:
    swap = "B" if text[index] == "A" else "A"
    return text[:index] + swap + text[index + 1 :]


def _mismatched() -> str:
    """Correctly signed, but the header names another payload's hash."""
    envelope = json.loads(_sign())
    header = json.loads(envelope["header"])
    header["payload_sha256"] = hashlib.sha256(PAYLOAD_2).hexdigest()
    text = json.dumps(header, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(PAYLOAD).hexdigest()
    signature = KEYS["old"].sign(bs._message(text.encode(), digest))
    return _edit(
        json.dumps(envelope),
        header=text,
        signature=base64.b64encode(signature).decode(),
    )


def cases() -> list[dict]:
    good = _sign()
    older = _sign(PAYLOAD_2, version=1)
    header = json.loads(json.loads(good)["header"])
    bumped = json.dumps({**header, "version": 3}, sort_keys=True, separators=(",", ":"))
    signature = json.loads(good)["signature"]
    # The last character before "==" has 4 unused low bits: set one, same bytes.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    noncanonical = signature[:-3] + alphabet[alphabet.index(signature[-3]) ^ 1] + "=="
    rows = [
        ("valid", good, ["old"], 0, None),
        ("valid_raw_key", good, ["old:raw"], 0, None),
        ("rotation_both_pinned", _sign(key="new"), ["old", "new"], 0, None),
        (
            "payload_flip",
            _edit(good, payload=_flip(json.loads(good)["payload"], 0)),
            ["old"],
            0,
            "bad_signature",
        ),
        (
            "signature_flip",
            _edit(good, signature=_flip(signature, 5)),
            ["old"],
            0,
            "bad_signature",
        ),
        ("header_flip", _edit(good, header=bumped), ["old"], 0, "bad_signature"),
        (
            "mixed_header_and_payload",
            _edit(good, payload=json.loads(older)["payload"]),
            ["old"],
            0,
            "bad_signature",
        ),
        ("payload_mismatch", _mismatched(), ["old"], 0, "payload_mismatch"),
        ("expired", _sign(created=NOW - timedelta(days=31)), ["old"], 0, "expired"),
        (
            "not_yet_valid",
            _sign(created=NOW + timedelta(hours=1)),
            ["old"],
            0,
            "not_yet_valid",
        ),
        ("older_version", older, ["old"], 2, "rollback"),
        ("same_version", good, ["old"], 2, "rollback"),
        ("unknown_key", _sign(key="stranger"), ["old", "new"], 0, "unknown_key"),
        ("old_key_removed", _sign(key="old"), ["new"], 0, "unknown_key"),
        ("not_json", "{not json", ["old"], 0, "malformed"),
        ("extra_field", _edit(good, extra=1), ["old"], 0, "malformed"),
        ("payload_not_a_string", _edit(good, payload=5), ["old"], 0, "malformed"),
        (
            "noncanonical_base64",
            _edit(good, signature=noncanonical),
            ["old"],
            0,
            "malformed",
        ),
        (
            "header_too_large",
            _edit(good, header="x" * (bs.MAX_HEADER_BYTES + 1)),
            ["old"],
            0,
            "too_large",
        ),
    ]
    out = [
        {"name": n, "envelope": e, "pinned": p, "min_version": m, "reason": r}
        for n, e, p, m, r in rows
    ]
    # Too big to keep in the file: both sides build MAX_ENVELOPE_BYTES + 1 bytes.
    out.append(
        {
            "name": "oversized",
            "envelope": None,
            "oversized": True,
            "pinned": ["old"],
            "min_version": 0,
            "reason": "too_large",
        }
    )
    return out


def public_specs() -> dict[str, str]:
    specs = {}
    for name, key in KEYS.items():
        pub = key.public_key()
        specs[name] = bs.public_pem(pub).decode()
        specs[f"{name}:raw"] = base64.b64encode(bs.raw_public(pub)).decode()
    return specs


def build() -> dict:
    return {
        "now": bs.iso(NOW),
        "limits": {
            "max_envelope_bytes": bs.MAX_ENVELOPE_BYTES,
            "max_header_bytes": bs.MAX_HEADER_BYTES,
            "max_payload_bytes": bs.MAX_PAYLOAD_BYTES,
        },
        "keys": public_specs(),
        "key_ids": {name: bs.key_id(key.public_key()) for name, key in KEYS.items()},
        "cases": cases(),
    }


def envelope_bytes(case: dict) -> bytes:
    if case.get("oversized"):
        return b" " * (bs.MAX_ENVELOPE_BYTES + 1)
    return case["envelope"].encode()


def render(data: dict) -> str:
    return json.dumps(data, indent=1) + "\n"


def test_the_committed_vectors_are_what_the_python_signer_writes():
    assert VECTORS.read_text() == render(build()), "regenerate: python " + __file__


@pytest.mark.parametrize("case", build()["cases"], ids=lambda c: c["name"])
def test_python_gives_each_case_its_reason(case):
    specs = public_specs()
    keys = [bs.load_public_key(specs[name.split(":")[0]]) for name in case["pinned"]]
    try:
        verified = bs.verify(envelope_bytes(case), keys, NOW, case["min_version"])
    except bs.BundleRejected as exc:
        assert exc.reason == case["reason"]
    else:
        assert case["reason"] is None
        assert json.loads(verified.payload)["rules"] == []


if __name__ == "__main__":
    VECTORS.write_text(render(build()))
    sys.exit(0)
