"""Bech32 and bech32m segregated-witness addresses (BIP-173, BIP-350): ``bc1q...``
(witness version 0: P2WPKH, P2WSH) and ``bc1p...`` (version 1: taproot).

An address is the human-readable part (``params["hrps"]``, default ``bc``, the
main network), the separator ``1`` and the data part in the 32-character
alphabet; the last six characters are a BCH checksum over both parts. BIP-350:
version 0 must use the bech32 constant 1, versions 1 to 16 the bech32m constant
0x2BC830A3. The witness program is 2 to 40 bytes, and 20 or 32 at version 0;
its 5-bit groups must regroup into bytes with at most four zero bits left over.
An address is all lower or all upper case, and at most 90 characters long.
"""

from __future__ import annotations

from typing import Any

NAME = "bech32"
RUNTIMES = ("python", "js")
DEFAULT_BOOST = 0.4

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_VALUE = {char: value for value, char in enumerate(CHARSET)}
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
BECH32_CONSTANT = 1
BECH32M_CONSTANT = 0x2BC830A3
MAX_LENGTH = 90
MAINNET_HRPS = ("bc",)


def polymod(values: list[int]) -> int:
    """BIP-173's checksum polynomial over GF(32), as its reference code defines it."""
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for bit, generator in enumerate(_GENERATOR):
            if (top >> bit) & 1:
                checksum ^= generator
    return checksum


def hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def regroup_to_bytes(groups: list[int]) -> bytes | None:
    """5-bit groups as bytes; None if more than four bits are left over or the
    left-over bits are not zero (BIP-173: padding of 4 bits or less, all zeros)."""
    accumulator = bits = 0
    out = bytearray()
    for group in groups:
        accumulator = (accumulator << 5) | group
        bits += 5
        if bits >= 8:
            bits -= 8
            out.append((accumulator >> bits) & 0xFF)
    if bits > 4 or accumulator & ((1 << bits) - 1):
        return None
    return bytes(out)


def _hrps(params: dict[str, Any]) -> tuple[str, ...]:
    hrps = params.get("hrps")
    if hrps is None:
        return MAINNET_HRPS
    if isinstance(hrps, list):
        return tuple(h for h in hrps if isinstance(h, str))
    return ()


def validate(value: str, params: dict[str, Any]) -> bool:
    if not value.isascii() or len(value) > MAX_LENGTH:
        return False
    lowered = value.lower()
    if value != lowered and value != value.upper():
        return False  # mixed case is never valid
    hrp, separator, data_part = lowered.rpartition("1")
    if not separator or hrp not in _hrps(params) or len(data_part) < 6:
        return False
    data = [_VALUE.get(c, -1) for c in data_part]
    if -1 in data or len(data) < 7:  # the witness version and the checksum
        return False
    version = data[0]
    constant = polymod(hrp_expand(hrp) + data)
    expected = BECH32_CONSTANT if version == 0 else BECH32M_CONSTANT
    if constant != expected or version > 16:
        return False
    program = regroup_to_bytes(data[1:-6])
    if program is None or not 2 <= len(program) <= 40:
        return False
    return version != 0 or len(program) in (20, 32)
