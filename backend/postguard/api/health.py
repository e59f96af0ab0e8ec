"""GET /api/v1/health: is the service up, and which rules does it run."""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import jsonify

from .. import __version__
from .. import services

bp = Blueprint("health", __name__, url_prefix="/api/v1")
NO_OCR = {"available": False, "engine": None, "languages": []}


def images_status() -> dict:
    """Whether POST /api/v1/image can run, and whether it reads text (Tesseract);
    without Tesseract images are still checked, never reported complete."""
    try:
        from ..images import ocr_status  # Pillow and zxing-cpp, loaded once
    except ImportError:
        return {"available": False, "ocr": dict(NO_OCR)}
    return {"available": True, "ocr": ocr_status()}


@bp.get("/health")
def health():
    """Status, service version, rules version, the signed bundle's state, the
    image checks (and, with ``central_url``, the last poll of central)."""
    answer = {
        "status": "ok",
        "version": __version__,
        "rules_version": services.current().engine.rules_version,
        "bundle": current_app.extensions["postguard_bundle"].status(),
        "images": images_status(),
    }
    if "postguard_central" in current_app.extensions:
        answer["central"] = current_app.extensions["postguard_central"].status()
    return jsonify(answer)
