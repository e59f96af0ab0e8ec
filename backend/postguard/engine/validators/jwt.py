"""A JSON Web Token in compact serialization, not just text that looks like one.

A JWS (RFC 7515) has three base64url segments: a header that decodes to a JSON
object with a string ``alg``, a payload that decodes to a JSON object (RFC 7519:
the claims) and the signature. A JWE (RFC 7516) has five: its header also names
the content encryption (a string ``enc``) and the other four are opaque. Padding
(``=``) is optional. A string that only looks like ``eyJ...eyJ...`` but whose
header is no JSON fails.

Decoding is written out (no ``base64``/``json`` differences to chase): base64url
by hand, then strict UTF-8, then JSON without ``NaN``/``Infinity`` and without
nesting deeper than ``MAX_DEPTH``, so both runtimes agree on every input.
"""

from __future__ import annotations

import json
from typing import Any

NAME = "jwt"
RUNTIMES = ("python", "js")
DEFAULT_BOOST = 0.0

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_SEXTET = {char: value for value, char in enumerate(_ALPHABET)}
# JSON nested deeper than this is refused (no header needs it, and the two JSON
# parsers differ on how deep they go).
MAX_DEPTH = 32


def base64url_decode(segment: str) -> bytes | None:
    """The bytes of a base64url segment (padding optional), or None."""
    padding = len(segment) - len(segment.rstrip("="))
    if padding > 2 or (padding and len(segment) % 4):
        return None
    body = segment[: len(segment) - padding]
    if len(body) % 4 == 1:
        return None
    out = bytearray()
    bits = 0
    count = 0
    for char in body:
        value = _SEXTET.get(char)
        if value is None:
            return None
        bits = (bits << 6) | value
        count += 6
        if count >= 8:
            count -= 8
            out.append((bits >> count) & 0xFF)
    return bytes(out)


def _depth_ok(text: str) -> bool:
    depth = 0
    in_string = False
    escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return False
        elif char in "]}":
            depth -= 1
    return True


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def json_object(segment: str) -> dict[str, Any] | None:
    """The JSON object a segment encodes, or None."""
    raw = base64url_decode(segment)
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not _depth_ok(text):
        return None
    try:
        # Integers as floats: Python refuses ints of over 4300 digits, JS does not.
        value = json.loads(text, parse_constant=_no_constant, parse_int=float)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _names_a(header: dict[str, Any], key: str) -> bool:
    return isinstance(header.get(key), str)


def validate(value: str, params: dict[str, Any]) -> bool:
    segments = value.split(".")
    if len(segments) not in (3, 5):
        return False
    if any(base64url_decode(segment) is None for segment in segments):
        return False
    header = json_object(segments[0])
    if header is None or not _names_a(header, "alg"):
        return False
    if len(segments) == 5:
        return _names_a(header, "enc")
    return json_object(segments[1]) is not None
