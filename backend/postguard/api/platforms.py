"""The ``platform`` field: a platform the admin policy lists, or "other".

A site the policy does not list yet (a newer extension, an older or central
policy) is checked, audited and counted as "other": an extension update must
never stop posts. Refused only when the policy has no "other" entry (the
request schema already holds the name to ``[a-z0-9][a-z0-9-]{0,31}``).
"""

from __future__ import annotations

from ..errors import APIError

FALLBACK = "other"


def checked_platform(policy, platform: str | None) -> str | None:
    if platform is None or platform in policy.platforms:
        return platform
    if FALLBACK in policy.platforms:
        return FALLBACK
    known = ", ".join(sorted(policy.platforms))
    raise APIError(
        400, "unknown_platform", f"Unknown platform; the policy knows: {known}."
    )
