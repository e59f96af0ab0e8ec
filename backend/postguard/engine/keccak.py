"""Keccak-256 as Ethereum uses it (EIP-55 address checksums).

Ethereum's ``keccak256`` is the Keccak submission with its original padding
(``0x01 ... 0x80``), not FIPS 202 SHA3-256 (``0x06 ... 0x80``): the two share the
Keccak-f[1600] permutation and differ only in the padding byte, so
``hashlib.sha3_256`` gives other digests. The standard library has no Keccak
with the original padding and the one package that does would be a second
cryptography library for one 40-byte hash, so the permutation is written here
from FIPS 202, section 3: its round constants and rotation offsets are computed
by the algorithms given there (rc and rho), not typed in.
``tests/engine/test_crypto_hashes.py`` checks ``sha3_256`` padding against
hashlib and the original padding against the published Keccak-256 vectors.
"""

from __future__ import annotations

_MASK = (1 << 64) - 1
_ROUNDS = 24
# Keccak-256: capacity 512 bits, so a rate of 1600 - 512 bits = 136 bytes.
RATE = 136
KECCAK_PADDING = 0x01  # the Keccak submission (Ethereum)
SHA3_PADDING = 0x06  # FIPS 202 SHA3-256 (for the tests against hashlib)


def _rc_bit(t: int) -> int:
    """FIPS 202 Algorithm 5: one output bit of the round-constant LFSR."""
    if t % 255 == 0:
        return 1
    r = 0x01  # R = 10000000 read with R[0] as the lowest bit
    for _ in range(t % 255):
        r <<= 1
        if r & 0x100:  # R[8] after the shift: feed it back into R[0, 4, 5, 6]
            r ^= 0x171
    return r & 1


def _round_constant(round_index: int) -> int:
    """FIPS 202 Algorithm 6: bit 2**j - 1 of RC is rc(j + 7 * round)."""
    constant = 0
    for j in range(7):
        constant |= _rc_bit(j + 7 * round_index) << ((1 << j) - 1)
    return constant


def _rotation_offsets() -> tuple[int, ...]:
    """FIPS 202 Algorithm 2 (rho): the lane at (x, y) turns by (t+1)(t+2)/2, with
    (x, y) walking from (1, 0) by (x, y) -> (y, 2x + 3y)."""
    offsets = [0] * 25
    x, y = 1, 0
    for t in range(24):
        offsets[x + 5 * y] = ((t + 1) * (t + 2) // 2) % 64
        x, y = y, (2 * x + 3 * y) % 5
    return tuple(offsets)


ROUND_CONSTANTS = tuple(_round_constant(i) for i in range(_ROUNDS))
ROTATIONS = _rotation_offsets()
# pi: the lane at (x, y) moves to (y, 2x + 3y); indices are x + 5y. Per lane:
# its column x, where pi puts it and how far rho turns it.
_STEPS = tuple(
    (x, y + 5 * ((2 * x + 3 * y) % 5), ROTATIONS[x + 5 * y])
    for y in range(5)
    for x in range(5)
)
# chi reads, for the lane at (x, y), the lanes at (x + 1, y) and (x + 2, y).
_CHI = tuple(
    (x + 5 * y, (x + 1) % 5 + 5 * y, (x + 2) % 5 + 5 * y)
    for y in range(5)
    for x in range(5)
)


def permute(lanes: list[int]) -> None:
    """Keccak-f[1600] in place on 25 lanes (index x + 5y, little-endian words)."""
    mask = _MASK
    for constant in ROUND_CONSTANTS:
        # theta: each column's parity, mixed into the two neighbouring columns
        parity = [
            lanes[x] ^ lanes[x + 5] ^ lanes[x + 10] ^ lanes[x + 15] ^ lanes[x + 20]
            for x in range(5)
        ]
        mix = [
            parity[(x - 1) % 5]
            ^ (((parity[(x + 1) % 5] << 1) | (parity[(x + 1) % 5] >> 63)) & mask)
            for x in range(5)
        ]
        # rho and pi: turn each lane, then move it
        moved = [0] * 25
        for index, (x, target, turn) in enumerate(_STEPS):
            lane = lanes[index] ^ mix[x]
            moved[target] = ((lane << turn) | (lane >> (64 - turn))) & mask
        # chi, the only non-linear step, along each row; then iota
        for index, after, next_after in _CHI:
            lanes[index] = moved[index] ^ (~moved[after] & moved[next_after] & mask)
        lanes[0] ^= constant


def keccak256(data: bytes, padding: int = KECCAK_PADDING) -> bytes:
    """The 32-byte digest of ``data``; ``padding`` picks Keccak or SHA3-256."""
    padded = bytearray(data)
    padded.append(padding)
    padded.extend(bytes(-len(padded) % RATE))
    padded[-1] |= 0x80
    lanes = [0] * 25
    for block in range(0, len(padded), RATE):
        for i in range(RATE // 8):
            offset = block + 8 * i
            lanes[i] ^= int.from_bytes(padded[offset : offset + 8], "little")
        permute(lanes)
    return b"".join(lane.to_bytes(8, "little") for lane in lanes[:4])
