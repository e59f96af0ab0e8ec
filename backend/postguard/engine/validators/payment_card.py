"""A card number as issuers print it: the IIN range and length of a real card
brand, and, when written in groups, a grouping cards carry.

Ranges and lengths are the networks' published ones (ISO/IEC 7812 issuer
identification numbers), as listed in docs/references below. Luhn is its own
validator; this one keeps out numbers that pass Luhn by chance (one in ten) but
no card network issues, like a marketplace order number 112-4938571-2293045.
"""

from __future__ import annotations

from typing import Any

from . import digits_of

NAME = "payment_card"
RUNTIMES = ("python", "js")
DEFAULT_BOOST = 0.0

ANY = tuple(range(12, 20))
# (lowest prefix, highest prefix, lengths): a number belongs to a range when its
# first len(lowest) digits fall between the two. The wide former Maestro ranges (50,
# 56-69, any length) also hold Dankort, Verve, RuPay 508/60/65, GPN, Discover,
# UnionPay, InterPayment and InstaPayment.
BRANDS: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("1", "1", (15,)),  # UATP
    ("1800", "1800", (15,)),  # JCB (15-digit)
    ("1946", "1946", (16, 18, 19)),  # GPN
    ("2131", "2131", (15,)),  # JCB (15-digit)
    ("2200", "2204", (16, 17, 18, 19)),  # Mir
    ("2205", "2205", (16,)),  # BORICA
    ("2221", "2720", (16,)),  # Mastercard
    ("300", "305", (14, 15, 16, 17, 18, 19)),  # Diners Club
    ("3095", "3095", (14, 15, 16, 17, 18, 19)),  # Diners Club
    ("34", "34", (15,)),  # American Express
    ("353", "353", (16,)),  # RuPay (JCB co-brand)
    ("356", "356", (16,)),  # RuPay (JCB co-brand)
    ("3528", "3589", (16, 17, 18, 19)),  # JCB
    ("36", "36", (14, 15, 16, 17, 18, 19)),  # Diners Club International
    ("37", "37", (15,)),  # American Express
    ("38", "39", (14, 15, 16, 17, 18, 19)),  # Diners Club
    ("4", "4", (13, 16, 19)),  # Visa
    ("50", "50", ANY),  # Maestro (former range), GPN, Verve, RuPay, Dankort
    ("51", "55", (16,)),  # Mastercard
    ("56", "69", ANY),  # Maestro (former range), Discover, UnionPay, RuPay, ...
)
# Groupings printed on cards (and typed from them), by digits per group. Four-digit
# groups may end with a shorter one (13-19 digits); Amex prints 4-6-5, Diners 4-6-4.
SPECIAL_GROUPS = ((4, 6, 5), (4, 6, 4))
SEPARATORS = " -."


def brand_matches(digits: str) -> bool:
    for low, high, lengths in BRANDS:
        if len(digits) in lengths and low <= digits[: len(low)] <= high:
            return True
    return False


def grouping_is_printed(value: str) -> bool:
    """Without separators any layout goes; with them, a card's grouping."""
    groups = []
    run = 0
    for char in value.strip():
        if "0" <= char <= "9":
            run += 1
        elif char in SEPARATORS:
            if run:
                groups.append(run)
            run = 0
    if run:
        groups.append(run)
    if len(groups) <= 1:
        return True
    if tuple(groups) in SPECIAL_GROUPS:
        return True
    *full, last = groups
    return all(size == 4 for size in full) and 1 <= last <= 4


def validate(value: str, params: dict[str, Any]) -> bool:
    digits = digits_of(value)
    return brand_matches(digits) and grouping_is_printed(value)
