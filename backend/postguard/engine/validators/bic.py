"""BIC (SWIFT code, ISO 9362): 8 or 11 characters, upper case.

Four letters for the institution, an ISO 3166-1 alpha-2 country code, two letters
or digits for the location and, optionally, three for the branch (``XXX`` is the
head office). The country must be one the bundle lists: ``bundle.yaml`` gives
them under ``validators.bic.countries`` and both engines pass them in as
``params["countries"]``, so "DEUTSCHE" (SC, the Seychelles) passes this check and
"PASSWORD" (WO) does not; the rule's context keeps words out.
"""

from __future__ import annotations

from typing import Any

NAME = "bic"
RUNTIMES = ("python", "js")
DEFAULT_BOOST = 0.2


def _is_upper(text: str) -> bool:
    return all("A" <= c <= "Z" for c in text)


def _is_upper_or_digit(text: str) -> bool:
    return all("A" <= c <= "Z" or "0" <= c <= "9" for c in text)


def prepare(params: dict[str, Any]) -> None:
    """Check the country list once, when a bundle is loaded."""
    countries = params.get("countries")
    if not isinstance(countries, list) or not countries:
        raise ValueError("bic: the bundle gives no countries (validators.bic)")
    for country in countries:
        if not (isinstance(country, str) and len(country) == 2 and _is_upper(country)):
            raise ValueError(f"bic: {country!r} is not a country code")


def validate(value: str, params: dict[str, Any]) -> bool:
    if len(value) not in (8, 11):
        return False
    if not (_is_upper(value[:6]) and _is_upper_or_digit(value[6:])):
        return False
    countries = params.get("countries")
    return isinstance(countries, list) and value[4:6] in countries
