"""Mexican CLABE (Clave Bancaria Estandarizada): 18 digits, the last a check digit.

The 17 digits before it (bank 3, plaza 3, account 11) are weighted 3, 7, 1, 3,
7, 1, ...; the check digit is 10 minus the weighted sum mod 10, mod 10.
"""

from typing import Any

from . import digits_of

NAME = "clabe"
RUNTIMES = ("python", "js")
DEFAULT_BOOST = 0.3

_WEIGHTS = ((3, 7, 1) * 6)[:17]


def validate(value: str, params: dict[str, Any]) -> bool:
    digits = digits_of(value)
    if len(digits) != 18 or digits == "0" * 18:
        return False
    total = sum(w * (ord(c) - 48) for w, c in zip(_WEIGHTS, digits[:17], strict=True))
    return (10 - total % 10) % 10 == ord(digits[17]) - 48
