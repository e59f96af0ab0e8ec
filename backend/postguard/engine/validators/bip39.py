"""A BIP-39 mnemonic (a wallet's seed phrase): 12, 15, 18, 21 or 24 words of the
wordlist with the checksum BIP-39 defines.

Each word stands for 11 bits, its index in the list. Of the 11 * n bits the first
32 * n / 3 are the entropy and the rest, n / 3 bits, must equal the first bits of
SHA-256(entropy): one random choice of words in 16 (12 words) to 256 (24 words)
passes. The wordlist comes from the bundle (``params["wordlist"]``: the 2,048
words in index order, separated by spaces; ``bundle.yaml`` takes them from
shared_rules/data/bip39-english.txt). The words are the runs of ASCII letters:
blanks, commas, line ends and numbers between them are separators ("1. abandon
2. ability"); a word must be written as the list has it, in lower case.
"""

from __future__ import annotations

import functools
import hashlib
import re
from typing import Any

NAME = "bip39"
RUNTIMES = ("python", "js")
DEFAULT_BOOST = 0.3

WORD_COUNTS = (12, 15, 18, 21, 24)
WORDLIST_SIZE = 2048


@functools.lru_cache(maxsize=4)
def word_indexes(wordlist: str) -> dict[str, int]:
    """Word -> index; ValueError unless the list has 2,048 distinct words."""
    words = wordlist.split(" ")
    index = {word: n for n, word in enumerate(words)}
    if len(words) != WORDLIST_SIZE or len(index) != WORDLIST_SIZE or "" in index:
        raise ValueError("bip39: the wordlist must hold 2048 distinct words")
    return index


def prepare(params: dict[str, Any]) -> None:
    """Check the wordlist once, when a bundle is loaded."""
    wordlist = params.get("wordlist")
    if not isinstance(wordlist, str):
        raise ValueError("bip39: the bundle gives no wordlist (validators.bip39)")
    word_indexes(wordlist)


_WORD = re.compile("[A-Za-z]+")


def words_of(value: str) -> list[str]:
    """The words of a phrase: runs of ASCII letters (numbers and separators go)."""
    return _WORD.findall(value)


def validate(value: str, params: dict[str, Any]) -> bool:
    wordlist = params.get("wordlist")
    if not isinstance(wordlist, str):
        return False
    words = words_of(value)
    if len(words) not in WORD_COUNTS:
        return False
    try:
        index = word_indexes(wordlist)
    except ValueError:
        return False
    bits = 0
    for word in words:
        position = index.get(word)
        if position is None:
            return False
        bits = (bits << 11) | position
    checksum_bits = len(words) // 3
    entropy_bytes = len(words) * 4 // 3
    entropy = (bits >> checksum_bits).to_bytes(entropy_bytes, "big")
    first_byte = hashlib.sha256(entropy).digest()[0]
    return bits & ((1 << checksum_bits) - 1) == first_byte >> (8 - checksum_bits)
