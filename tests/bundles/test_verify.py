"""bundle_signing.verify: every attack class of the update channel is refused."""

from __future__ import annotations

import base64
import json
import tracemalloc
from datetime import timedelta

import pytest
from bundle_support import NOW
from bundle_support import signed

from postguard import bundle_signing as bs

PAYLOAD = b'{"rules": [], "version": "a"}\n'
OTHER_PAYLOAD = b'{"rules": [], "version": "b"}\n'


def reason(envelope: bytes, keys, now=NOW, min_version=0) -> str:
    with pytest.raises(bs.BundleRejected) as caught:
        bs.verify(envelope, keys, now, min_version)
    return caught.value.reason


def edit(envelope: bytes, **fields) -> bytes:
    outer = json.loads(envelope)
    outer.update(fields)
    return json.dumps(outer).encode()


def test_a_signed_bundle_verifies_and_gives_back_the_exact_payload(key):
    verified = bs.verify(signed(PAYLOAD, key, 7), [key.public_key()], NOW, 6)
    assert verified.payload == PAYLOAD
    assert verified.header.version == 7
    assert verified.header.key_id == bs.key_id(key.public_key())


def test_one_byte_flip_in_the_payload_is_a_bad_signature(key):
    outer = json.loads(signed(PAYLOAD, key, 1))
    payload = bytearray(base64.b64decode(outer["payload"]))
    payload[3] ^= 0x01
    tampered = edit(signed(PAYLOAD, key, 1), payload=base64.b64encode(payload).decode())
    assert reason(tampered, [key.public_key()]) == "bad_signature"


def test_one_byte_flip_in_the_signature_is_a_bad_signature(key):
    outer = json.loads(signed(PAYLOAD, key, 1))
    signature = bytearray(base64.b64decode(outer["signature"]))
    signature[10] ^= 0x80
    tampered = edit(
        signed(PAYLOAD, key, 1), signature=base64.b64encode(signature).decode()
    )
    assert reason(tampered, [key.public_key()]) == "bad_signature"


def test_a_raised_version_in_the_header_is_a_bad_signature(key):
    envelope = signed(PAYLOAD, key, 1)
    header = json.loads(envelope)["header"].replace('"version":1', '"version":2')
    assert '"version":2' in header
    assert reason(edit(envelope, header=header), [key.public_key()]) == "bad_signature"


def test_a_header_from_one_bundle_with_the_payload_of_another_is_refused(key):
    first, second = signed(PAYLOAD, key, 4), signed(OTHER_PAYLOAD, key, 5)
    mixed = edit(second, payload=json.loads(first)["payload"])
    assert reason(mixed, [key.public_key()]) == "bad_signature"
    mixed = edit(first, header=json.loads(second)["header"])
    assert reason(mixed, [key.public_key()]) == "bad_signature"


@pytest.mark.parametrize("running", [3, 4])
def test_a_replayed_older_or_same_version_is_a_rollback(key, running):
    assert reason(signed(PAYLOAD, key, 3), [key.public_key()], NOW, running) == (
        "rollback"
    )


def test_expired_and_not_yet_valid(key):
    envelope = signed(PAYLOAD, key, 1, created=NOW, days=1)
    keys = [key.public_key()]
    assert reason(envelope, keys, now=NOW + timedelta(days=1)) == "expired"
    assert reason(envelope, keys, now=NOW - timedelta(hours=1)) == "not_yet_valid"
    # A clock a few minutes behind still accepts a bundle signed just now.
    assert bs.verify(envelope, keys, NOW - timedelta(minutes=4)).header.version == 1


def test_a_bundle_signed_by_a_key_that_is_not_pinned_is_unknown(key, other_key):
    assert reason(signed(PAYLOAD, other_key, 1), [key.public_key()]) == "unknown_key"


def test_a_forged_key_id_naming_the_pinned_key_is_still_a_bad_signature(key, other_key):
    forged = signed(PAYLOAD, other_key, 1)
    header = json.loads(forged)["header"].replace(
        bs.key_id(other_key.public_key()), bs.key_id(key.public_key())
    )
    assert reason(edit(forged, header=header), [key.public_key()]) == "bad_signature"


def test_key_rotation_old_and_new_pinned_then_old_removed(key, other_key):
    old, new = key, other_key
    by_old, by_new = signed(PAYLOAD, old, 1), signed(PAYLOAD, new, 2)
    both = [old.public_key(), new.public_key()]
    assert bs.verify(by_old, both, NOW).header.version == 1
    assert bs.verify(by_new, both, NOW, 1).header.version == 2
    assert reason(by_old, [new.public_key()]) == "unknown_key"
    assert bs.verify(by_new, [new.public_key()], NOW).header.version == 2


@pytest.mark.parametrize(
    "envelope",
    [
        b"",
        b"not json",
        b"[]",
        b'{"format": "postguard-signed-bundle-v1"}',
        b'{"format": "x", "header": "{}", "signature": "", "payload": ""}',
    ],
)
def test_malformed_envelopes(key, envelope):
    assert reason(envelope, [key.public_key()]) == "malformed"


def test_non_canonical_base64_is_malformed(key):
    envelope = signed(PAYLOAD, key, 1)
    signature = json.loads(envelope)[
        "signature"
    ]  # 64 bytes: ends "x==" with spare bits
    last = signature[-3]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    twin = alphabet[alphabet.index(last) ^ 1]
    assert base64.b64decode(signature[:-3] + twin + "==") == base64.b64decode(signature)
    tampered = edit(envelope, signature=signature[:-3] + twin + "==")
    assert reason(tampered, [key.public_key()]) == "malformed"


def test_every_single_byte_flip_anywhere_in_the_envelope_is_refused(key):
    envelope = signed(PAYLOAD, key, 1)
    for position in range(len(envelope)):
        mutated = bytearray(envelope)
        mutated[position] ^= 0x01
        with pytest.raises(bs.BundleRejected):
            bs.verify(bytes(mutated), [key.public_key()], NOW)


def test_an_oversized_sparse_file_is_refused_without_reading_it(tmp_path):
    huge = tmp_path / "huge.signed.json"
    with open(huge, "wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: 100 MB that cost no disk
    tracemalloc.start()
    try:
        with pytest.raises(bs.BundleRejected) as caught:
            bs.read_capped(huge)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.reason == "too_large"
    assert peak < 1024 * 1024


def test_a_file_one_byte_over_the_cap_is_refused(tmp_path):
    path = tmp_path / "b"
    path.write_bytes(b"x" * 1001)
    with pytest.raises(bs.BundleRejected) as caught:
        bs.read_capped(path, limit=1000)
    assert caught.value.reason == "too_large"
    path.write_bytes(b"x" * 1000)
    assert len(bs.read_capped(path, limit=1000)) == 1000


def test_an_envelope_over_the_cap_is_refused_before_parsing(key):
    oversized = b" " * (bs.MAX_ENVELOPE_BYTES + 1)
    assert reason(oversized, [key.public_key()]) == "too_large"


def test_signing_refuses_a_payload_over_the_cap(key):
    with pytest.raises(ValueError):
        signed(b"x" * (bs.MAX_PAYLOAD_BYTES + 1), key, 1)
