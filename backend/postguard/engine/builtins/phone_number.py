"""Phone numbers through libphonenumber's matcher, validated per region.

The rule's pattern finds cheap candidates; ``PhoneNumberMatcher`` then runs on each
candidate with the region hints (request locale first, then configured regions) and
every number must be valid for its region. A bare digit run is never a phone: the
number as written must carry ``+``, brackets or separators.
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import Leniency
from phonenumbers import PhoneNumberMatcher

NAME = "phone_number"
RUNTIMES = ("python",)
_FORMATTING = frozenset("+()-. /")


def _is_formatted(raw: str) -> bool:
    return any(c in _FORMATTING for c in raw.strip())


def find(text: str, spans: list[tuple[int, int]], regions: tuple[str, ...]):
    found: list[tuple[int, int]] = []
    for start, end in spans:
        candidate = text[start:end]
        if not _is_formatted(candidate):
            continue
        # An international number parses the same under any region.
        tried = regions[:1] if candidate.lstrip().startswith("+") else regions
        for region in tried:
            matches = [
                m
                for m in PhoneNumberMatcher(candidate, region, leniency=Leniency.VALID)
                if _is_formatted(m.raw_string) and phonenumbers.is_valid_number(m.number)
            ]
            if matches:
                found.extend((start + m.start, start + m.end) for m in matches)
                break
    return found
