"""Base58Check, as Bitcoin's legacy addresses use it: P2PKH (``1...``) and P2SH
(``3...``).

The text decodes (Bitcoin's base58 alphabet, without 0, O, I and l; each leading
``1`` is a zero byte) to 25 bytes: a version byte, the 20-byte hash and a 4-byte
checksum, the first four bytes of SHA-256(SHA-256(version and hash)). The
version must be one of ``params["versions"]`` (default 0x00 P2PKH and 0x05 P2SH,
Bitcoin's main network). A checksum of 32 bits lets about one random string in
four billion through.
"""

from __future__ import annotations

import hashlib
from typing import Any

NAME = "base58check"
RUNTIMES = ("python", "js")
DEFAULT_BOOST = 0.4

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_DIGIT = {char: value for value, char in enumerate(ALPHABET)}
# Version byte, 20-byte hash (RIPEMD-160 of SHA-256), 4-byte checksum.
DECODED_LENGTH = 25
MAINNET_VERSIONS = (0x00, 0x05)


def base58_decode(text: str) -> bytes | None:
    """The bytes ``text`` stands for, or None if a character is not base58."""
    number = 0
    for char in text:
        digit = _DIGIT.get(char)
        if digit is None:
            return None
        number = number * 58 + digit
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return bytes(zeros) + body


def _versions(params: dict[str, Any]) -> tuple[int, ...]:
    versions = params.get("versions")
    if versions is None:
        return MAINNET_VERSIONS
    if isinstance(versions, list):
        return tuple(
            v for v in versions if isinstance(v, int) and not isinstance(v, bool)
        )
    return ()


def validate(value: str, params: dict[str, Any]) -> bool:
    if not 1 <= len(value) <= 50:  # 25 bytes never take more than 35 characters
        return False
    decoded = base58_decode(value)
    if decoded is None or len(decoded) != DECODED_LENGTH:
        return False
    if decoded[0] not in _versions(params):
        return False
    payload, checksum = decoded[:-4], decoded[-4:]
    digest = hashlib.sha256(hashlib.sha256(payload).digest()).digest()
    return digest[:4] == checksum
