"""IBAN: the country's BBAN structure (ISO 13616) and the ISO 7064 mod 97-10 check.

The structures come from the bundle, not from code: ``bundle.yaml`` lists them
under ``validators.iban.countries`` and both engines pass them in as
``params["countries"]``: a country code to a structure in the IBAN registry's
notation (``"4!a6!n8!n"``: four letters, six digits, eight digits), or to a list
of alternatives. The IBAN's length is 4 plus the structure's.
"""

from __future__ import annotations

import re
from typing import Any

NAME = "iban"
RUNTIMES = ("python", "js")
DEFAULT_BOOST = 0.4

_STRUCTURE = re.compile(r"(?:[0-9]{1,2}![anc])+")
_PART = re.compile(r"([0-9]{1,2})!([anc])")
# An IBAN has at most 34 characters: 30 after the country code and check digits.
MAX_BBAN = 30


def structure_parts(structure: str) -> list[tuple[int, str]]:
    """``"4!a6!n"`` -> ``[(4, "a"), (6, "n")]``; ValueError if not that notation."""
    if not _STRUCTURE.fullmatch(structure):
        raise ValueError(f"not a BBAN structure: {structure!r}")
    parts = [(int(count), kind) for count, kind in _PART.findall(structure)]
    if any(count == 0 for count, _ in parts) or sum(c for c, _ in parts) > MAX_BBAN:
        raise ValueError(f"not a BBAN structure: {structure!r}")
    return parts


def _structures(spec: object) -> list[str]:
    if isinstance(spec, str):
        return [spec]
    if isinstance(spec, list) and all(isinstance(s, str) for s in spec):
        return spec
    return []


def prepare(params: dict[str, Any]) -> None:
    """Check the country table once, when a bundle is loaded."""
    countries = params.get("countries")
    if not isinstance(countries, dict) or not countries:
        raise ValueError("iban: the bundle gives no countries (validators.iban)")
    for country, spec in countries.items():
        is_code = isinstance(country, str) and len(country) == 2
        if not (is_code and all("A" <= c <= "Z" for c in country)):
            raise ValueError(f"iban: {country!r} is not a country code")
        structures = _structures(spec)
        if not structures:
            raise ValueError(f"iban: {country}: expected a structure or a list of them")
        for structure in structures:
            try:
                structure_parts(structure)
            except ValueError as exc:
                raise ValueError(f"iban: {country}: {exc}") from exc


def _fits(kind: str, char: str) -> bool:
    if kind == "n":
        return "0" <= char <= "9"
    if kind == "a":
        return "A" <= char <= "Z"
    return "0" <= char <= "9" or "A" <= char <= "Z" or "a" <= char <= "z"


def bban_fits(bban: str, structure: str) -> bool:
    """``a`` is an upper-case letter, ``n`` a digit, ``c`` a letter of either case
    or a digit, as the registry defines them."""
    try:
        parts = structure_parts(structure)
    except ValueError:
        return False
    if len(bban) != sum(count for count, _ in parts):
        return False
    position = 0
    for count, kind in parts:
        if not all(_fits(kind, char) for char in bban[position : position + count]):
            return False
        position += count
    return True


def _as_typed(value: str) -> str:
    """Letters and digits only. An IBAN typed all in lower case is still one, so
    it is read in upper case; otherwise the case stays as typed, since the
    registry's letters (``a``) and country codes are upper case."""
    kept = "".join(c for c in value if c.isalnum())
    if not any("A" <= c <= "Z" for c in kept):
        kept = kept.upper()
    return kept


def mod97(iban: str) -> int:
    """Move the first four characters to the end, read letters as 10..35, mod 97."""
    remainder = 0
    for char in iban[4:] + iban[:4]:
        chunk = str(int(char, 36))
        remainder = int(str(remainder) + chunk) % 97
    return remainder


def validate(value: str, params: dict[str, Any]) -> bool:
    iban = _as_typed(value)
    if not iban.isascii() or not iban[2:4].isdigit() or len(iban) < 5:
        return False
    countries = params.get("countries")
    if not isinstance(countries, dict):
        return False
    structures = _structures(countries.get(iban[:2]))
    if not any(bban_fits(iban[4:], structure) for structure in structures):
        return False
    return mod97(iban.upper()) == 1
