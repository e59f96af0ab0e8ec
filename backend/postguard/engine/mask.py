"""Masked previews: never more than the last four characters of a value.

Short values reveal less (a quarter of their letters and digits), so a 7-character
password shows one character and a 16-digit card shows four.
"""

import regex

PREVIEW_MASK = "••••"
_ALNUM = regex.compile(r"[\p{L}\p{N}]")
_TRAILING_JUNK = regex.compile(r"[^\p{L}\p{N}]+(?![\s\S])")
_WHITESPACE = regex.compile(r"[ \t\n\r\f\v]+")


def masked_preview(value: str) -> str:
    reveal = min(4, len(_ALNUM.findall(value)) // 4)
    if not reveal:
        return PREVIEW_MASK
    visible = _TRAILING_JUNK.sub("", _WHITESPACE.sub("", value))
    return f"{PREVIEW_MASK} {visible[-reveal:]}"
