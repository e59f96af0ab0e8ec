"""The console's session cookie and the ``admin_page`` decorator.

The cookie holds a random secret (console_accounts.py keeps its hash). It is
HttpOnly, SameSite=Strict, scoped to /console, and Secure unless the setting
``COOKIE_SECURE`` says otherwise ("auto": Secure unless the console is opened on
a loopback address, where a browser has no TLS to offer).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import current_app
from flask import g
from flask import redirect
from flask import request
from flask import url_for

from ...errors import APIError
from ..console_accounts import LIFETIME
from .blueprint import PREFIX
from .blueprint import store

COOKIE = "postguard_console"
LOGIN_COOKIE = "postguard_console_login"  # before login: what CSRF tokens bind to
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def secure_cookies() -> bool:
    choice = current_app.config["CONSOLE"]["COOKIE_SECURE"]
    if choice != "auto":
        return choice == "1"
    return request.is_secure or request.host.rsplit(":", 1)[0] not in LOOPBACK


def _flags() -> dict:
    return {
        "path": PREFIX,
        "secure": secure_cookies(),
        "httponly": True,
        "samesite": "Strict",
    }


def set_cookie(response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, **_flags())


def start(response, secret: str) -> None:
    set_cookie(response, COOKIE, secret, int(LIFETIME.total_seconds()))
    response.delete_cookie(LOGIN_COOKIE, **_flags())


def end(response) -> None:
    response.delete_cookie(COOKIE, **_flags())


def current_admin():
    """The logged-in admin of this request, or None (looked up once)."""
    if "console_admin" not in g:
        g.console_admin = store().console_admin(request.cookies.get(COOKIE))
    return g.console_admin


def admin_page(view: Callable) -> Callable:
    """A console page for logged-in admins; sets ``g.admin``. Others go to the
    login page (a GET comes back here after it)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        admin = current_admin()
        if admin is None:
            target = request.full_path.rstrip("?") if request.method == "GET" else None
            return redirect(url_for("console.login", next=target))
        g.admin = admin
        return view(*args, **kwargs)

    return wrapped


def admin_api(view: Callable) -> Callable:
    """A JSON route for the console's own scripts: the session cookie instead of
    an admin token (401 without it); CSRF is checked app-wide (csrf.py)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        admin = current_admin()
        if admin is None:
            raise APIError(401, "unauthorized", "Log in to the console first.")
        g.admin = admin
        return view(*args, **kwargs)

    return wrapped
