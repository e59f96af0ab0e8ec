"""Publishing: upload a signed envelope to a pilot or to all, promote, pause,
resume (past the health gate with force) and roll back. The same Store calls
as the admin API (api_admin.py)."""

from __future__ import annotations

import base64
import json

from flask import current_app
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from .. import rollout
from ..errors import StoreError
from .blueprint import bp
from .blueprint import refused as _refused
from .blueprint import store
from .session import admin_page

NOTICES = {
    "published": "Version {v} published.",
    "rolled_back": "Version {v} published to all: a rollback.",
    "promote": "Version {v} goes to all devices.",
    "pause": "Version {v} paused: devices that have it keep it; nobody new gets it.",
    "resume": "Version {v} resumed: its pilot gets it again.",
}
ACTIONS = ("promote", "pause", "resume")


def _page(status: int = 200, error: str | None = None):
    done, version = request.args.get("done"), request.args.get("version", type=int)
    notice = NOTICES[done].format(v=version) if done in NOTICES and version else None
    body = render_template(
        "console/bundles.html", bundles=store().bundles(), notice=notice, error=error
    )
    return body, status


def _done(what: str, version: int):
    return redirect(url_for("console.bundles", done=what, version=version))


def _envelope() -> bytes:
    upload = request.files.get("envelope")
    data = upload.read() if upload else b""
    if not data:
        raise StoreError(400, "no_file", "Choose the signed envelope file to upload.")
    return data


def _percent() -> float | None:
    text = request.form.get("percent", "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise StoreError(400, "bad_percent", "percent must be 0 to 100.") from None


@bp.get("/bundles")
@admin_page
def bundles():
    return _page()


@bp.post("/bundles")
@admin_page
def publish():
    try:
        pilot = None
        if request.form.get("target") != "all":
            group = request.form.get("group", "").strip() or None
            pilot = rollout.Pilot.parse(group, _percent())
        published = store().publish(g.admin, _envelope(), None, pilot)
    except StoreError as exc:
        return _page(exc.status, _refused(exc))
    return _done("published", published["version"])


@bp.post("/bundles/<int:version>/<action>")
@admin_page
def act(version: int, action: str):
    if action not in ACTIONS:
        return _page(404, "No such action.")
    force = request.form.get("force") == "1"
    try:
        if action == "pause":
            store().pause(g.admin, version)
        else:
            getattr(store(), action)(g.admin, version, force)
    except StoreError as exc:
        return _page(exc.status, _refused(exc))
    return _done(action, version)


@bp.get("/bundles/<int:version>/rules.json")
@admin_page
def payload(version: int):
    """The rules a rollback to ``version`` re-signs (verified when published)."""
    bundle = store().bundle(version)
    if bundle is None:
        return _page(404, "No bundle has that version.")
    body = base64.b64decode(json.loads(bundle.envelope)["payload"])
    return current_app.response_class(body, mimetype="application/json")


@bp.post("/rollback")
@admin_page
def rollback():
    restores = request.form.get("restores", type=int)
    try:
        if restores is None:
            raise StoreError(400, "bad_request", "Name the version to restore.")
        published = store().publish(g.admin, _envelope(), restores)
    except StoreError as exc:
        return _page(exc.status, _refused(exc))
    return _done("rolled_back", published["version"])
