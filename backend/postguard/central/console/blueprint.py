"""The console's one blueprint; page modules add their views to it."""

from __future__ import annotations

from flask import Blueprint

PREFIX = "/console"
bp = Blueprint(
    "console",
    __name__,
    url_prefix=PREFIX,
    template_folder="templates",
    static_folder="static",
)


def store():
    from flask import current_app

    return current_app.extensions["central"]


def refused(exc) -> str:
    """A StoreError as a page shows it: its safe message and stable code."""
    return f"Refused: {exc.message} ({exc.code})"
