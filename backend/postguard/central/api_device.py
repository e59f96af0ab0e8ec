"""Device API: enrol once, fetch the current bundle (ETag), report status."""

from __future__ import annotations

import re

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import g
from flask import jsonify
from flask import request

from .. import bundle_signing as bs
from ..errors import APIError
from .auth import require_device

bp = Blueprint("central_device", __name__, url_prefix="/api/v1/device")
MAX_STATUS_BYTES = 4096
MAX_TELEMETRY_BYTES = 512 * 1024
# Closed shapes only: a device can report nothing a person wrote.
EXTENSION_VERSION = re.compile(r"^[0-9]{1,5}(\.[0-9]{1,5}){0,3}$")
PLATFORM = re.compile(r"^[a-z0-9][a-z0-9.-]{0,23}$")


def _store():
    return current_app.extensions["central"]


@bp.post("/enrol")
def enrol():
    data = request.get_json(silent=True) or {}
    credential = _store().enrol(data.get("enrolment_token"))
    device_id = credential.split("_", 2)[1]
    return jsonify(device_id=device_id, credential=credential), 201


@bp.get("/bundle")
@require_device
def bundle():
    """The bundle this device should run (rollout.py); ETag per version."""
    chosen = _store().bundle_for(g.device)
    if chosen is None:
        raise APIError(404, "no_bundle", "No bundle has been published yet.")
    if chosen.envelope_sha256 in request.if_none_match:
        response = Response(status=304)
    else:
        envelope = _store().hand_out(g.device.id, chosen.version)
        response = Response(envelope, mimetype="application/json")
    response.set_etag(chosen.envelope_sha256)
    response.headers["Cache-Control"] = "no-cache"
    return response


def _int_or_none(value) -> int | None:
    if value is None:
        return None
    if type(value) is not int or not 0 <= value <= bs.MAX_VERSION:
        raise APIError(400, "bad_request", "bundle_version must be a version number.")
    return value


def _list_of(value, pattern: re.Pattern, most: int, name: str) -> str | None:
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or len(value) > most
        or not all(isinstance(v, str) and pattern.fullmatch(v) for v in value)
    ):
        raise APIError(400, "bad_request", f"{name} must be a short list of names.")
    return ",".join(sorted(set(value))) or None


def _time_or_none(value):
    try:
        return None if value is None else bs.parse_time(value)
    except ValueError:
        raise APIError(
            400, "bad_request", "Times look like 2026-01-31T12:00:00Z."
        ) from None


@bp.post("/status")
@require_device
def status():
    """Metadata only: versions, times and a reason code from a fixed list."""
    if (request.content_length or 0) > MAX_STATUS_BYTES:
        raise APIError(413, "payload_too_large", "The status report is too large.")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise APIError(400, "bad_request", "Send a JSON object.")
    rejection = data.get("last_rejection") or {}
    reason = rejection.get("reason") if isinstance(rejection, dict) else None
    if reason is not None and reason not in (
        *bs.REASONS,
        "unreadable",
        "unwritable",
        "invalid_bundle",
        "too_large",
    ):
        reason = "other"  # never store free text a device sent
    _store().report(
        g.device.id,
        {
            "bundle_version": _int_or_none(data.get("bundle_version")),
            "last_success_at": _time_or_none(data.get("last_success")),
            "last_rejection_reason": reason,
            "last_rejection_at": _time_or_none(rejection.get("at")) if reason else None,
            "extension_versions": _list_of(
                data.get("extension_versions"),
                EXTENSION_VERSION,
                8,
                "extension_versions",
            ),
            "platforms": _list_of(data.get("platforms"), PLATFORM, 16, "platforms"),
        },
    )
    return "", 204


@bp.post("/telemetry")
@require_device
def telemetry():
    """A batch from the device's outbox; answers how far central holds it."""
    if (request.content_length or 0) > MAX_TELEMETRY_BYTES:
        raise APIError(413, "payload_too_large", "The telemetry batch is too large.")
    data = request.get_json(silent=True)
    return jsonify(_store().take_telemetry(g.device.id, data))
