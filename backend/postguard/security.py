"""Request checks for a port every web page and local process can reach.

Run as ``before_request`` hooks, in this order (shared/guides/security.md, section 3):
Host (DNS rebinding) -> Origin (pinned extension) -> CORS preflight -> token ->
rate limit -> JSON only. Every refusal is a small fixed JSON error.
"""

from __future__ import annotations

import hmac

from flask import Flask
from flask import current_app
from flask import request

from . import services
from .errors import APIError

TOKEN_HEADER = "X-PostGuard-Token"
PREFLIGHT_MAX_AGE = "600"


def _check_host() -> None:
    # A rebound DNS name still sends its own Host header; only our names pass.
    port = current_app.config["PORT"]
    host = (request.headers.get("Host") or "").lower()
    if host not in (f"127.0.0.1:{port}", f"localhost:{port}"):
        raise APIError(400, "bad_host",
                       f"Call the service as http://127.0.0.1:{port}/ "
                       f"or http://localhost:{port}/.")


def _allowed_origin() -> str | None:
    """The request's Origin if it is a configured extension, else None."""
    origins = request.headers.getlist("Origin")
    if not origins:
        return None
    allowed = current_app.config["ALLOWED_ORIGINS"]
    if len(origins) > 1 or origins[0] not in allowed:
        # Includes "null" (sandboxed frames, file: pages) and every web page.
        raise APIError(403, "forbidden_origin",
                       "This origin may not call the PostGuard service.")
    return origins[0]


def _cors_headers(origin: str) -> dict[str, str]:
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}


def _preflight(origin: str):
    # Chrome's Local Network Access may preflight the extension's own requests.
    response = current_app.make_response(("", 204))
    response.headers.update(_cors_headers(origin))
    response.headers.update({
        "Access-Control-Allow-Methods": "GET, POST",
        "Access-Control-Allow-Headers": f"Content-Type, {TOKEN_HEADER}",
        "Access-Control-Allow-Private-Network": "true",
        "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
    })
    return response


def _rate_limited() -> APIError:
    retry = str(services.current().limiter.retry_after())
    return APIError(429, "rate_limited", "Too many requests; wait a moment and retry.",
                    {"Retry-After": retry})


def _check_token_and_rate(origin: str | None) -> None:
    limiter = services.current().limiter
    expected = current_app.config["TOKEN"].encode()
    supplied = request.headers.get(TOKEN_HEADER, "").encode("utf-8", "surrogatepass")
    if not hmac.compare_digest(supplied, expected):
        # Failed attempts get their own bucket, so a flood of them from a web page
        # cannot use up the extension's budget.
        if not limiter.allow(("unauthenticated", request.remote_addr)):
            raise _rate_limited()
        raise APIError(401, "unauthorized",
                       f"Missing or wrong {TOKEN_HEADER} header; "
                       "`postguard token` prints the right one.")
    if not limiter.allow(("client", request.remote_addr, origin)):
        raise _rate_limited()


def _check_content_type() -> None:
    # The size cap needs no hook: Flask refuses a Content-Length over
    # MAX_CONTENT_LENGTH before reading, and api.validate catches chunked bodies.
    if request.mimetype != "application/json":
        raise APIError(415, "unsupported_media_type",
                       "Send the body as application/json.")


def check_request():
    _check_host()
    origin = _allowed_origin()
    if request.method == "OPTIONS" and origin:
        return _preflight(origin)
    _check_token_and_rate(origin)
    if request.method in ("POST", "PUT", "PATCH"):
        _check_content_type()
    return None


def harden_response(response):
    origins = request.headers.getlist("Origin")
    if len(origins) == 1 and origins[0] in current_app.config["ALLOWED_ORIGINS"]:
        response.headers.update(_cors_headers(origins[0]))
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def init_app(app: Flask) -> None:
    app.before_request(check_request)
    app.after_request(harden_response)
