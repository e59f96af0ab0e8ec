"""Bearer authentication for central's two audiences: admins and devices."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import current_app
from flask import g
from flask import request

from ..errors import APIError


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def _guard(lookup: str, attribute: str, who: str) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            store = current_app.extensions["central"]
            found = getattr(store, lookup)(_bearer())
            if found is None:
                raise APIError(
                    401,
                    "unauthorized",
                    f"Send a valid {who} as 'Authorization: Bearer ...'.",
                    {"WWW-Authenticate": "Bearer"},
                )
            setattr(g, attribute, found)
            return view(*args, **kwargs)

        return wrapped

    return decorator


require_admin = _guard("admin_for", "admin", "admin token")
require_device = _guard("device_for", "device", "device credential")
