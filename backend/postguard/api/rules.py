"""GET /api/v1/rules/bundle: the rule bundle for the extension's offline engine,
carrying the policy this service applies; GET /api/v1/rules/signed: the signed
envelope it runs, for an extension that pins the signing keys itself;
GET /api/v1/rules/terms-key: the key of the bundle's hashed confidential terms,
apart from the bundle (token-signed like every route here, never cached)."""

from __future__ import annotations

import base64

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import jsonify
from flask import request

from .. import services
from ..errors import error_response

bp = Blueprint("rules", __name__, url_prefix="/api/v1/rules")


def _conditional(body: bytes, etag: str) -> Response:
    response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    # Cached copies must be revalidated: a rules update has to reach the extension.
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)


@bp.get("/bundle")
def bundle():
    """The bundle bytes, with a strong ETag so unchanged rules cost a 304."""
    shared = services.current()
    return _conditional(shared.bundle_bytes, shared.bundle_etag)


@bp.get("/signed")
def signed():
    """The running signed envelope, byte for byte as it was verified; 404 when the
    service runs an unsigned bundle (the extension then keeps what it has)."""
    updater = current_app.extensions["postguard_bundle"]
    envelope, etag = updater.envelope, updater.envelope_sha256
    if envelope is None or etag is None:
        return error_response(404, "no_signed_bundle", "no signed bundle runs")
    return _conditional(envelope, etag)


@bp.get("/terms-key")
def terms_key():
    """The running engine's term-list key; 404 when it has none."""
    engine = services.current().engine
    if engine.term_key is None:
        return error_response(404, "no_term_key", "no term-list key is held")
    response = jsonify(
        key_id=engine.term_key_id, key=base64.b64encode(engine.term_key).decode()
    )
    response.headers["Cache-Control"] = "no-store"
    return response
