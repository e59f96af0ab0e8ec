"""Keccak-256 (engine/keccak.py), written by hand for EIP-55: the permutation
against hashlib's SHA3-256 (same permutation, FIPS 202 padding), the Keccak
padding against published digests. The JS twin has the same tests
(tests/engine-js/hashes.test.js)."""

from __future__ import annotations

import hashlib
import random

import pytest

from postguard.engine.keccak import KECCAK_PADDING
from postguard.engine.keccak import RATE
from postguard.engine.keccak import ROTATIONS
from postguard.engine.keccak import ROUND_CONSTANTS
from postguard.engine.keccak import SHA3_PADDING
from postguard.engine.keccak import keccak256

# Keccak-256 as Ethereum computes it (the empty string's digest is the
# well-known KECCAK_EMPTY of the Ethereum yellow paper).
PUBLISHED = {
    b"": "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
    b"abc": "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
}


@pytest.mark.parametrize(("message", "digest"), PUBLISHED.items())
def test_keccak256_matches_published_digests(message, digest):
    assert keccak256(message).hex() == digest


def test_keccak_padding_is_not_sha3():
    # Ethereum's keccak256 is not SHA3-256: the padding byte differs.
    assert keccak256(b"") != hashlib.sha3_256(b"").digest()
    assert keccak256(b"", KECCAK_PADDING) == keccak256(b"")


# Every length around the 136-byte block boundaries, and some random ones.
LENGTHS = sorted(
    {*range(0, 40), *range(RATE - 3, RATE + 3), *range(2 * RATE - 3, 2 * RATE + 3)}
    | {random.Random(5).randrange(1, 1000) for _ in range(20)}
)


@pytest.mark.parametrize("length", LENGTHS)
def test_permutation_matches_hashlib_sha3_256(length):
    data = random.Random(length).randbytes(length)
    assert keccak256(data, SHA3_PADDING) == hashlib.sha3_256(data).digest()


def test_computed_constants_match_fips_202():
    # FIPS 202's first and last round constants and the rho offsets of the
    # first row, as tabulated in the Keccak reference.
    assert ROUND_CONSTANTS[0] == 0x0000000000000001
    assert ROUND_CONSTANTS[1] == 0x0000000000008082
    assert ROUND_CONSTANTS[23] == 0x8000000080008008
    assert ROTATIONS[:5] == (0, 1, 62, 28, 27)
