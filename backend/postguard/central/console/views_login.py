"""Log in, log out, and the console's error pages."""

from __future__ import annotations

import secrets

from flask import g
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from werkzeug.exceptions import HTTPException

from ..console_accounts import LOCKOUT
from ..console_accounts import LoginRefused
from . import session
from .blueprint import PREFIX
from .blueprint import bp
from .blueprint import store


def _next_page() -> str:
    """Only a console path: never an open redirect."""
    target = request.values.get("next") or ""
    if target.startswith(PREFIX + "/") and not target.startswith("//"):
        return target
    return url_for("console.dashboard")


def _login_page(status: int = 200, error: str | None = None):
    fresh = None
    if not request.cookies.get(session.LOGIN_COOKIE):
        fresh = g.new_login_cookie = secrets.token_urlsafe(32)
    body = render_template(
        "console/login.html", error=error, next=request.values.get("next", "")
    )
    response = make_response(body, status)
    if fresh:
        session.set_cookie(response, session.LOGIN_COOKIE, fresh, 3600)
    return response


@bp.get("/login")
def login():
    if session.current_admin() is not None:
        return redirect(_next_page())
    return _login_page()


@bp.post("/login")
def login_submit():
    name = request.form.get("name", "").strip()
    password = request.form.get("password", "")
    try:
        secret = store().console_login(name, password, request.remote_addr or "")
    except LoginRefused as refused:
        if refused.locked:
            minutes = int(LOCKOUT.total_seconds() // 60)
            return _login_page(
                429, f"Too many failed logins. Try again in {minutes} minutes."
            )
        return _login_page(401, "Wrong name or password.")
    response = redirect(_next_page())
    session.start(response, secret)
    return response


@bp.post("/logout")
def logout():
    store().console_logout(request.cookies.get(session.COOKIE))
    response = redirect(url_for("console.login"))
    session.end(response)
    return response


@bp.errorhandler(HTTPException)
def error_page(exc: HTTPException):
    return render_template("console/error.html", failure=exc), exc.code or 500
