"""CSRF protection for every state-changing request under /console/.

The token is an HMAC of the request's cookie secret (the session cookie, or
before login the login cookie): a page on another origin can neither read the
HttpOnly cookie nor compute the token. SameSite=Strict already keeps the cookie
off cross-site requests; the token and the Origin check stand behind it.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import abort
from flask import g
from flask import request
from markupsafe import Markup
from markupsafe import escape

from .blueprint import PREFIX
from .session import COOKIE
from .session import LOGIN_COOKIE

FIELD, HEADER = "csrf_token", "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _bound_to() -> str | None:
    """The cookie secret this request's token derives from."""
    return (
        request.cookies.get(COOKIE)
        or g.get("new_login_cookie")
        or request.cookies.get(LOGIN_COOKIE)
    )


def token() -> str:
    secret = _bound_to()
    if not secret:
        return ""
    mac = hmac.new(secret.encode(), b"postguard-console-csrf", hashlib.sha256)
    return mac.hexdigest()


def field() -> Markup:
    return Markup(f'<input type="hidden" name="{FIELD}" value="{escape(token())}">')


def _same_origin(origin: str) -> bool:
    return origin == request.host_url.rstrip("/")


def check():
    """before_request, app-wide: refuses a console POST without a valid token."""
    path = request.path
    if request.method in SAFE_METHODS or not (
        path == PREFIX or path.startswith(PREFIX + "/")
    ):
        return None
    origin = request.headers.get("Origin")
    if origin is not None and not _same_origin(origin):
        abort(403, "cross-origin request refused")
    expected = token()
    sent = request.headers.get(HEADER) or request.form.get(FIELD, "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(403, "missing or wrong CSRF token: reload the page and try again")
    return None
