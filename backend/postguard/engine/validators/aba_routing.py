"""US ABA routing transit number: 9 digits, weights 3-7-1, known prefix ranges."""

from typing import Any

from . import digits_of

NAME = "aba_routing"
RUNTIMES = ("python", "js")
DEFAULT_BOOST = 0.3

# Federal Reserve routing symbols: 00-12 banks, 21-32 thrifts, 61-72 electronic,
# 80 traveller's cheques. Anything else is not an issued routing number.
_VALID_PREFIXES = {*range(0, 13), *range(21, 33), *range(61, 73), 80}
_WEIGHTS = (3, 7, 1) * 3


def validate(value: str, params: dict[str, Any]) -> bool:
    digits = digits_of(value)
    if len(digits) != 9 or digits == "000000000":
        return False
    if int(digits[:2]) not in _VALID_PREFIXES:
        return False
    total = sum(w * (ord(c) - 48) for w, c in zip(_WEIGHTS, digits, strict=True))
    return total % 10 == 0
