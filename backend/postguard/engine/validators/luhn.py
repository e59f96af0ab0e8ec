"""Luhn (mod 10) check digit, used by payment card numbers (ISO/IEC 7812).

``params.prefix`` (digits, optional) is put in front of the value's digits before
the check: a US NPI is checked as ``80840`` followed by its ten digits.
"""

from typing import Any

from . import digits_of

NAME = "luhn"
RUNTIMES = ("python", "js")
DEFAULT_BOOST = 0.4


def validate(value: str, params: dict[str, Any]) -> bool:
    digits = digits_of(value)
    if len(digits) < 2:
        return False
    digits = digits_of(str(params.get("prefix", ""))) + digits
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0
