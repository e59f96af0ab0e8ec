"""The ``platform`` field: one of the platforms the admin policy lists."""

from __future__ import annotations

from ..errors import APIError


def checked_platform(policy, platform: str | None) -> str | None:
    if platform is None or platform in policy.platforms:
        return platform
    known = ", ".join(sorted(policy.platforms))
    raise APIError(
        400, "unknown_platform", f"Unknown platform; the policy knows: {known}."
    )
