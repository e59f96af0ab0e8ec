"""GET /api/v1/health: is the service up, and which rules does it run."""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import jsonify

from .. import __version__
from .. import services

bp = Blueprint("health", __name__, url_prefix="/api/v1")


@bp.get("/health")
def health():
    """Status, service version, rules version and the signed bundle's state
    (and, with ``central_url``, the last poll of central)."""
    answer = {
        "status": "ok",
        "version": __version__,
        "rules_version": services.current().engine.rules_version,
        "bundle": current_app.extensions["postguard_bundle"].status(),
    }
    if "postguard_central" in current_app.extensions:
        answer["central"] = current_app.extensions["postguard_central"].status()
    return jsonify(answer)
