"""Ethereum addresses: ``0x`` and 40 hex digits, with the EIP-55 checksum when the
letters are of mixed case.

EIP-55 writes a hex letter in capitals exactly where the matching hex digit of
keccak256(the address in lower-case hex, as ASCII) is 8 or more. An address all
in lower or all in upper case tells nothing (most are written so, without a
checksum; a few checksummed ones happen to come out in one case): it passes
only with ``params["case"] == "single"``, for a rule that asks for context words
instead. With the default ``case: mixed`` only a mixed-case address whose
checksum holds passes, about one random string in 2**15 (an address has some 15
letters).
"""

from __future__ import annotations

from typing import Any

from ..keccak import keccak256

NAME = "eip55"
RUNTIMES = ("python", "js")
DEFAULT_BOOST = 0.3

_HEX = frozenset("0123456789abcdefABCDEF")


def checksum_holds(hex40: str) -> bool:
    """EIP-55: each letter is upper case iff its nibble of the hash is >= 8."""
    digest = keccak256(hex40.lower().encode("ascii")).hex()
    for char, nibble in zip(hex40, digest, strict=False):
        if char.isalpha() and char.isupper() != (int(nibble, 16) >= 8):
            return False
    return True


def validate(value: str, params: dict[str, Any]) -> bool:
    if len(value) != 42 or not value.startswith("0x"):
        return False
    hex40 = value[2:]
    if not all(c in _HEX for c in hex40):
        return False
    mixed = hex40 != hex40.lower() and hex40 != hex40.upper()
    if params.get("case", "mixed") == "single":
        return not mixed
    return mixed and checksum_holds(hex40)
