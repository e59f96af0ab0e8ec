"""Confidential-term lists over HTTP. Admins upload a list (a new version with a
new key) and fetch its hashed form for the offline signing step; devices fetch
the key a bundle names. Nothing here answers with a term."""

from __future__ import annotations

import base64
import re

from flask import Blueprint
from flask import current_app
from flask import g
from flask import jsonify
from flask import request

from ..errors import APIError
from .auth import require_admin
from .auth import require_device

admin_bp = Blueprint("central_terms", __name__, url_prefix="/api/v1/admin/terms")
device_bp = Blueprint(
    "central_term_keys", __name__, url_prefix="/api/v1/device/terms-keys"
)
KEY_ID = re.compile(r"^[0-9a-f]{16}$")


def _store():
    return current_app.extensions["central"]


@admin_bp.post("")
@require_admin
def upload():
    """Body: ``{"terms": [term | {term, severity, proximity}]}``."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise APIError(400, "bad_request", 'Send {"terms": [...]} as JSON.')
    return jsonify(_store().upload_terms(g.admin, data.get("terms"))), 201


@admin_bp.get("")
@require_admin
def versions():
    return jsonify(versions=_store().term_lists())


@admin_bp.get("/hashed")
@require_admin
def hashed():
    """The newest list (or ``?version=N``) as a bundle's ``hashed_terms``."""
    return jsonify(_store().hashed_terms(request.args.get("version", type=int)))


@device_bp.get("/<key_id>")
@require_device
def key(key_id: str):
    found = _store().term_key(key_id) if KEY_ID.match(key_id) else None
    if found is None:
        raise APIError(404, "no_key", "No term-list key has that id.")
    found["key"] = base64.b64encode(found["key"]).decode()
    response = jsonify(found)
    response.headers["Cache-Control"] = "no-store"
    return response
