"""GET /api/v1/rules/bundle: the rule bundle for the extension's offline engine,
carrying the policy this service applies."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import request

from .. import services

bp = Blueprint("rules", __name__, url_prefix="/api/v1/rules")


@bp.get("/bundle")
def bundle():
    """The bundle bytes, with a strong ETag so unchanged rules cost a 304."""
    shared = services.current()
    response = Response(shared.bundle_bytes, mimetype="application/json")
    response.set_etag(shared.bundle_etag)
    # Cached copies must be revalidated: a rules update has to reach the extension.
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)
