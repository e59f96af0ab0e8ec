"""Admin API: publish and roll back signed bundles, list bundles, audit, devices,
groups, and revoking admins, enrolment tokens and devices."""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import g
from flask import jsonify
from flask import request

from ..errors import APIError
from . import rollout
from .auth import require_admin

bp = Blueprint("central_admin", __name__, url_prefix="/api/v1/admin")


def _store():
    return current_app.extensions["central"]


@bp.post("/bundles")
@require_admin
def publish():
    """Body: the envelope from ``postguard rules sign``, as is. Query: the pilot
    (``group=NAME``, ``percent=P``) or ``to=all``."""
    pilot = None
    if request.args.get("to") != "all":
        pilot = rollout.Pilot.parse(
            request.args.get("group"), request.args.get("percent", type=float)
        )
    return jsonify(_store().publish(g.admin, request.get_data(), None, pilot)), 201


@bp.post("/bundles/<int:version>/promote")
@require_admin
def promote(version: int):
    """``force=1`` promotes a bundle the health gate held."""
    _store().promote(g.admin, version, request.args.get("force") == "1")
    return jsonify(version=version, stage=rollout.ALL)


@bp.post("/bundles/<int:version>/pause")
@require_admin
def pause(version: int):
    _store().pause(g.admin, version)
    return jsonify(version=version, stage=rollout.PAUSED)


@bp.post("/bundles/<int:version>/resume")
@require_admin
def resume(version: int):
    _store().resume(g.admin, version, request.args.get("force") == "1")
    return jsonify(version=version, stage=rollout.PILOT)


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


@bp.get("/enrolment-tokens")
@require_admin
def enrolment_tokens():
    return jsonify(enrolment_tokens=_store().enrolment_tokens())


@bp.post("/enrolment-tokens/<token_id>/revoke")
@require_admin
def revoke_enrolment_token(token_id: str):
    _store().revoke_enrolment_token(g.admin, token_id)
    return jsonify(id=token_id, state="revoked")


@bp.get("/admins")
@require_admin
def admins():
    return jsonify(admins=_store().admins())


@bp.post("/admins/<name>/revoke")
@require_admin
def revoke_admin(name: str):
    _store().revoke_admin(g.admin, name)
    return jsonify(name=name, revoked=True)


@bp.get("/audit")
@require_admin
def audit():
    return jsonify(audit=_store().audit())


@bp.get("/devices")
@require_admin
def devices():
    """``problem=stale|rejected`` keeps those; ``stale_hours`` (default 24)."""
    problem = request.args.get("problem")
    if problem not in (None, "stale", "rejected"):
        raise APIError(400, "bad_request", "problem is stale or rejected.")
    hours = request.args.get("stale_hours", 24, type=float)
    if not 0 < hours <= 24 * 365:
        raise APIError(400, "bad_request", "stale_hours must be above 0.")
    return jsonify(devices=_store().devices(problem, hours))


@bp.post("/devices/<device_id>/revoke")
@require_admin
def revoke_device(device_id: str):
    _store().revoke_device(g.admin, device_id)
    return jsonify(device_id=device_id, revoked=True)


def _device_ids() -> list[str]:
    data = request.get_json(silent=True)
    ids = data.get("device_ids") if isinstance(data, dict) else None
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise APIError(400, "bad_request", 'Send {"device_ids": [...]}.')
    return ids


@bp.put("/groups/<group>")
@require_admin
def group(group: str):
    """Body ``{"device_ids": [...]}``: puts them in the group."""
    ids = _device_ids()
    return jsonify(group=group, devices=_store().set_group(g.admin, group, ids))


@bp.post("/ungroup")
@require_admin
def ungroup():
    """Body ``{"device_ids": [...]}``: takes them out of whatever group."""
    return jsonify(group=None, devices=_store().set_group(g.admin, None, _device_ids()))


@bp.get("/reports/simulation")
@require_admin
def simulation_report():
    """How often each rule in simulation would have fired (``days``, default 30)."""
    days = request.args.get("days", 30, type=int)
    if not 1 <= days <= 400:
        raise APIError(400, "bad_request", "days must be 1 to 400.")
    least = current_app.config["CONSOLE"]["REPORT_MIN_DEVICES"]
    return jsonify(days=days, **_store().simulation_report(days, least))
