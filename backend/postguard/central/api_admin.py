"""Admin API: publish and roll back signed bundles, list bundles, audit, devices."""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import g
from flask import jsonify
from flask import request

from ..errors import APIError
from .auth import require_admin

bp = Blueprint("central_admin", __name__, url_prefix="/api/v1/admin")


def _store():
    return current_app.extensions["central"]


@bp.post("/bundles")
@require_admin
def publish():
    """Body: the envelope from ``postguard rules sign``, as is."""
    return jsonify(_store().publish(g.admin, request.get_data())), 201


@bp.post("/rollback")
@require_admin
def rollback():
    """Query ``restores=V``; body: V's rules re-signed with a higher version."""
    restores = request.args.get("restores", type=int)
    if restores is None:
        raise APIError(400, "bad_request", "Name the version to restore: ?restores=V.")
    return jsonify(_store().publish(g.admin, request.get_data(), restores)), 201


@bp.get("/bundles")
@require_admin
def bundles():
    return jsonify(bundles=_store().bundles())


@bp.get("/bundles/<int:version>/payload")
@require_admin
def payload(version: int):
    """The rules of a published version: what a rollback re-signs."""
    import base64
    import json

    bundle = _store().bundle(version)
    if bundle is None:
        raise APIError(404, "no_such_bundle", "No bundle has that version.")
    envelope = json.loads(bundle.envelope)
    body = base64.b64decode(envelope["payload"])  # verified when published
    return current_app.response_class(body, mimetype="application/json")


@bp.post("/enrolment-tokens")
@require_admin
def enrolment_token():
    data = request.get_json(silent=True) or {}
    uses, days = data.get("uses", 1), data.get("expires_days", 7)
    if type(uses) is not int or not 1 <= uses <= 100000:
        raise APIError(400, "bad_request", "uses must be 1 to 100000.")
    if type(days) not in (int, float) or not 0 < days <= 365:
        raise APIError(400, "bad_request", "expires_days must be above 0, up to 365.")
    token = _store().create_enrolment_token(g.admin, uses, days)
    return jsonify(enrolment_token=token, uses=uses, expires_days=days), 201


@bp.get("/audit")
@require_admin
def audit():
    return jsonify(audit=_store().audit())


@bp.get("/devices")
@require_admin
def devices():
    return jsonify(devices=_store().devices())
