"""Secure headers on every console answer (after_request, app-wide)."""

from __future__ import annotations

from flask import request

from .blueprint import PREFIX

# No inline script or style anywhere: charts take their data from a JSON block
# that a script file reads.
CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",  # for browsers without frame-ancestors
    "X-Content-Type-Options": "nosniff",
    # same-origin, not no-referrer: with no-referrer a browser sends "Origin: null"
    # on our own form posts, and csrf.py refuses any Origin but ours.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def add(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    path = request.path
    if path == PREFIX or path.startswith(PREFIX + "/"):
        for name, value in HEADERS.items():
            response.headers[name] = value
        if not path.startswith(PREFIX + "/static/"):
            response.headers["Cache-Control"] = "no-store"  # pages show fleet data
    return response
