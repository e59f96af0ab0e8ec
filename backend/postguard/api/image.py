"""POST /api/v1/image: an attached image's findings and the policy's verdict.

The body is the file's bytes (image/* or application/octet-stream, at most
request_body.IMAGE_MAX_BYTES); ``platform``, ``field`` and ``locale`` come in the
query string. The security hooks (Host, Origin, signature or token, rate limit)
run first, as for every route. The image, the text read from it and the values
found never leave this function except as masked previews.
"""

from __future__ import annotations

import threading
import time

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import request

from .. import services
from ..beside_loop import run_beside_loop
from ..decide import decide
from ..errors import APIError
from ..request_body import read_body
from .platforms import checked_platform

bp = Blueprint("image", __name__, url_prefix="/api/v1")
ERROR_STATUS = {
    "not_an_image": 400,
    "unsupported_format": 400,
    "corrupt_image": 400,
    "too_many_pixels": 422,
}
FAILED_CHECKS = ("timeout", "failed")  # counted as failed in telemetry
PARAMETERS = frozenset({"platform", "field", "locale"})
# Images analysed at once per process: each may run a Tesseract process, and
# their CPU work shares the worker with text scans. More wait their turn.
MAX_PARALLEL = 2
_slots: list[threading.BoundedSemaphore] = []


def _slot() -> threading.BoundedSemaphore:
    # Made on first use, in the serving process: after gunicorn's gevent
    # patching, so waiting for a slot yields to other requests.
    if not _slots:
        _slots.append(threading.BoundedSemaphore(MAX_PARALLEL))
    return _slots[0]


def _query() -> dict[str, str]:
    """The query string, checked against the ImageQuery schema (openapi.yaml);
    errors name the parameter, never its value."""
    args = request.args.to_dict(flat=False)
    if set(args) - PARAMETERS:
        allowed = ", ".join(sorted(PARAMETERS))
        raise APIError(
            400, "invalid_request", f"Unknown query parameter; allowed: {allowed}."
        )
    if any(len(values) > 1 for values in args.values()):
        raise APIError(
            400, "invalid_request", "Each query parameter may be given once."
        )
    query = {name: values[0] for name, values in args.items()}
    problem = services.current().schemas.error_for("ImageQuery", query)
    if problem:
        raise APIError(
            400, "invalid_request", problem.replace("Field ", "Parameter ", 1)
        )
    return query


def budget_ms() -> float:
    """``image_budget_ms``, and at most half of request_timeout, so the answer
    leaves before the worker's deadline for the whole request."""
    settings = current_app.config
    return float(min(settings["IMAGE_BUDGET_MS"], settings["REQUEST_TIMEOUT"] * 500))


@bp.post("/image")
def analyze():
    """Analyse one image; its findings get the policy's attachment actions."""
    started = time.perf_counter()
    shared = services.current()
    query = _query()
    platform = checked_platform(shared.policy, query.get("platform"))
    data = read_body()
    if not data:
        raise APIError(400, "not_an_image", "The request body is empty.")
    try:  # imported here: Pillow and zxing-cpp load on the first image
        from ..images import ImageError
        from ..images import analyze_image
        from ..images import ocr_status
    except ImportError:
        raise APIError(
            503, "images_unavailable", "Image checks are not installed here."
        ) from None

    sink = services.telemetry()
    slot = _slot()
    if not slot.acquire(timeout=budget_ms() / 1000):
        raise APIError(
            429,
            "rate_limited",
            "Too many images at once; wait a moment and retry.",
            {"Retry-After": "1"},
        )
    try:
        ocr_status()  # cached; first asked here, where Tesseract may be started
        analysis = run_beside_loop(
            analyze_image,
            data,
            shared.scanner,
            locale=query.get("locale"),
            budget_ms=budget_ms(),
        )
        decision = decide(
            "",
            analysis.findings,
            complete=analysis.complete,
            unlisted=analysis.unlisted,
            policy=shared.policy,
            guards=None,
            platform=platform,
            max_findings=shared.scanner.max_findings,
            attachment=True,
        )
    except ImageError as exc:  # the file, not the service: no error counted
        raise APIError(ERROR_STATUS[exc.code], exc.code, exc.message) from None
    except Exception:
        if sink is not None:
            sink.images_checked(platform, "error", True, services.bundle_version())
        raise
    finally:
        slot.release()
    if sink is not None:
        failed = any(state in FAILED_CHECKS for state in analysis.checks.values())
        sink.images_checked(
            platform, decision.verdict, failed, services.bundle_version()
        )
    return jsonify(
        verdict=decision.verdict,
        findings=decision.findings,
        location=analysis.location,
        checks=analysis.checks,
        complete=analysis.complete,
        format=analysis.format,
        width=analysis.width,
        height=analysis.height,
        rules_version=analysis.rules_version,
        mode=shared.policy.mode,
        elapsed_ms=round((time.perf_counter() - started) * 1000, 3),
        findings_omitted=analysis.findings_omitted + decision.omitted,
    )
