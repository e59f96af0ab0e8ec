"""Confidential-term lists: upload a new version (a new key each time), list
versions without their terms, and download a version's hashed form for the
offline `postguard rules add-terms` step. A term is never shown back: the list
is as confidential as what it protects."""

from __future__ import annotations

import json

import yaml
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from ..errors import StoreError
from .blueprint import bp
from .blueprint import refused
from .blueprint import store
from .session import admin_page

MAX_LIST_CHARS = 200_000


def _page(status: int = 200, error: str | None = None):
    done = request.args.get("done", type=int)
    notice = f"Term list version {done} saved, with a new key." if done else None
    body = render_template(
        "console/terms.html",
        lists=store().term_lists()[::-1],
        notice=notice,
        error=error,
    )
    return body, status


def _entries():
    text = request.form.get("terms", "")
    upload = request.files.get("file")
    if upload and upload.filename:
        text = upload.read(MAX_LIST_CHARS + 1).decode("utf-8", "replace")
    if not text.strip() or len(text) > MAX_LIST_CHARS:
        raise StoreError(400, "bad_terms", "Paste or choose a YAML list of terms.")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        # Never quote the parser: its message would echo a term.
        raise StoreError(400, "bad_terms", "The list is not valid YAML.") from None


@bp.get("/terms")
@admin_page
def terms():
    return _page()


@bp.post("/terms")
@admin_page
def upload_terms():
    try:
        saved = store().upload_terms(g.admin, _entries())
    except StoreError as exc:
        return _page(exc.status, refused(exc))
    return redirect(url_for("console.terms", done=saved["version"]))


@bp.get("/terms/<int:version>/hashed-terms.json")
@admin_page
def hashed_terms(version: int):
    try:
        section = store().hashed_terms(version)
    except StoreError as exc:
        return _page(exc.status, refused(exc))
    body = json.dumps(section, indent=1) + "\n"
    return (
        body,
        200,
        {
            "Content-Type": "application/json",
            "Content-Disposition": "attachment; filename=hashed-terms.json",
        },
    )
