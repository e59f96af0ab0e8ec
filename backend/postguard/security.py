"""Request checks for a port every web page and local process can reach.

Run as ``before_request`` hooks, in this order (shared/guides/security.md, section 3):
Host (DNS rebinding) -> Origin (pinned extension) -> CORS preflight -> signature or
token -> rate limit -> JSON only (raw image bytes on the image endpoint). Every
refusal is a small fixed JSON error. Answers to a verified signed request carry a
proof (see ``signing``).
"""

from __future__ import annotations

import hmac

from flask import Flask
from flask import current_app
from flask import g
from flask import request

from . import services
from .errors import APIError
from .extension_versions import HEADER as EXTENSION_VERSION_HEADER
from .request_body import IMAGE_ENDPOINT
from .request_body import read_body
from .signing import NONCE_HEADER
from .signing import NONCE_PATTERN
from .signing import PROOF_HEADER
from .signing import SIGNATURE_HEADER
from .signing import request_signature
from .signing import response_proof
from .signing import signature_matches

TOKEN_HEADER = "X-PostGuard-Token"
PREFLIGHT_MAX_AGE = "600"
# What the extension sends; never the token, which it does not send at all.
ALLOWED_HEADERS = (
    f"Content-Type, {NONCE_HEADER}, {SIGNATURE_HEADER}, {EXTENSION_VERSION_HEADER}"
)


def _check_host() -> None:
    # A rebound DNS name still sends its own Host header; only our names pass.
    port = current_app.config["PORT"]
    host = (request.headers.get("Host") or "").lower()
    if host not in (f"127.0.0.1:{port}", f"localhost:{port}"):
        raise APIError(
            400,
            "bad_host",
            f"Call the service as http://127.0.0.1:{port}/ "
            f"or http://localhost:{port}/.",
        )


def _allowed_origin() -> str | None:
    """The request's Origin if it is a configured extension, else None."""
    origins = request.headers.getlist("Origin")
    if not origins:
        return None
    allowed = current_app.config["ALLOWED_ORIGINS"]
    if len(origins) > 1 or origins[0] not in allowed:
        # Includes "null" (sandboxed frames, file: pages) and every web page.
        raise APIError(
            403, "forbidden_origin", "This origin may not call the PostGuard service."
        )
    return origins[0]


def _cors_headers(origin: str) -> dict[str, str]:
    return {
        "Access-Control-Allow-Origin": origin,
        "Vary": "Origin",
        "Access-Control-Expose-Headers": PROOF_HEADER,
    }


def _preflight(origin: str):
    # Chrome's Local Network Access may preflight the extension's own requests.
    response = current_app.make_response(("", 204))
    response.headers.update(_cors_headers(origin))
    response.headers.update(
        {
            "Access-Control-Allow-Methods": "GET, POST",
            "Access-Control-Allow-Headers": ALLOWED_HEADERS,
            "Access-Control-Allow-Private-Network": "true",
            "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
        }
    )
    return response


def _rate_limited() -> APIError:
    retry = str(services.current().limiter.retry_after())
    return APIError(
        429,
        "rate_limited",
        "Too many requests; wait a moment and retry.",
        {"Retry-After": retry},
    )


def _refuse(code: str, message: str) -> APIError:
    # Failed attempts get their own bucket, so a flood of them from a web page
    # cannot use up the extension's budget.
    limiter = services.current().limiter
    if not limiter.allow(("unauthenticated", request.remote_addr)):
        return _rate_limited()
    return APIError(401, code, message)


def _signed_path() -> str:
    query = request.query_string.decode("latin-1")
    return f"{request.path}?{query}" if query else request.path


def _check_signature() -> None:
    nonce = request.headers.get(NONCE_HEADER, "")
    supplied = request.headers.get(SIGNATURE_HEADER, "")
    if not NONCE_PATTERN.fullmatch(nonce) or not supplied:
        raise _refuse(
            "bad_signature",
            "Sign the request: the extension sends "
            f"{NONCE_HEADER} and {SIGNATURE_HEADER}.",
        )
    body = read_body()
    expected = request_signature(
        current_app.config["TOKEN"],
        nonce,
        request.method,
        request.headers.get("Host", ""),
        _signed_path(),
        body,
    )
    if not signature_matches(expected, supplied):
        raise _refuse(
            "bad_signature",
            "The request signature does not match; "
            "pair the extension again with `postguard token`.",
        )
    if not services.current().nonces.first_use(nonce):
        raise _refuse("bad_signature", "This request was already used once.")
    g.postguard_nonce = nonce


def _check_token() -> None:
    expected = current_app.config["TOKEN"].encode()
    supplied = request.headers.get(TOKEN_HEADER, "").encode("utf-8", "surrogatepass")
    if not hmac.compare_digest(supplied, expected):
        raise _refuse(
            "unauthorized",
            f"Missing or wrong {TOKEN_HEADER} header; "
            "`postguard token` prints the right one.",
        )


def _authenticate(origin: str | None) -> None:
    # The extension always signs; only clients without an Origin (the CLI, curl)
    # may send the token itself.
    if origin is not None or SIGNATURE_HEADER in request.headers:
        _check_signature()
    else:
        _check_token()
    if not services.current().limiter.allow(("client", request.remote_addr, origin)):
        raise _rate_limited()


def _check_content_type() -> None:
    # The size cap needs no hook: read_body refuses a Content-Length over the
    # endpoint's cap before reading, and catches chunked bodies.
    if request.endpoint == IMAGE_ENDPOINT:
        # Like JSON, neither type is a CORS "simple" one: a web page cannot send
        # it without a preflight, which only the extension's origin passes.
        mimetype = request.mimetype
        if not (
            mimetype.startswith("image/") or mimetype == "application/octet-stream"
        ):
            raise APIError(
                415,
                "unsupported_media_type",
                "Send the image's bytes as image/* or application/octet-stream.",
            )
        return
    if request.mimetype != "application/json":
        raise APIError(
            415, "unsupported_media_type", "Send the body as application/json."
        )


def check_request():
    _check_host()
    origin = _allowed_origin()
    if request.method == "OPTIONS" and origin:
        return _preflight(origin)
    _authenticate(origin)
    if request.method in ("POST", "PUT", "PATCH"):
        _check_content_type()
    return None


def harden_response(response):
    origins = request.headers.getlist("Origin")
    if len(origins) == 1 and origins[0] in current_app.config["ALLOWED_ORIGINS"]:
        response.headers.update(_cors_headers(origins[0]))
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers["X-Content-Type-Options"] = "nosniff"
    nonce = g.get("postguard_nonce")
    if nonce is not None:
        # Werkzeug sends no body with 204/304 or to HEAD, whatever the view set.
        bodiless = response.status_code in (204, 304) or request.method == "HEAD"
        body = b"" if bodiless else response.get_data()
        response.headers[PROOF_HEADER] = response_proof(
            current_app.config["TOKEN"], nonce, response.status_code, body
        )
    return response


def init_app(app: Flask) -> None:
    app.before_request(check_request)
    app.after_request(harden_response)
