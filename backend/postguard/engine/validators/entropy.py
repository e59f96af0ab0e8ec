"""Shannon entropy floor: random-looking secrets pass, words and patterns do not."""

import math
from collections import Counter
from typing import Any

NAME = "entropy"
RUNTIMES = ("python", "js")
DEFAULT_BOOST = 0.0


def shannon_entropy(value: str) -> float:
    if not value:
        return 0.0
    length = len(value)
    return -sum(n / length * math.log2(n / length) for n in Counter(value).values())


def validate(value: str, params: dict[str, Any]) -> bool:
    # "after": measure only what follows the last occurrence of this separator, the
    # random secret of a token that also carries fixed ids (Slack's team and user).
    after = params.get("after")
    if after and after in value:
        value = value.rsplit(after, 1)[1]
    return shannon_entropy(value) >= float(params.get("min", 3.0))
