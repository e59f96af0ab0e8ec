"""POST /api/v1/scan: findings with masked previews and the policy's action each."""

from __future__ import annotations

import datetime
import time

from flask import Blueprint
from flask import current_app
from flask import jsonify

from .. import services
from ..decide import decide
from ..decide import guard_data
from .platforms import checked_platform
from .validate import read_json

FAILED = ({"rule_id": None, "reason": "error"},)
bp = Blueprint("scan", __name__, url_prefix="/api/v1")


@bp.post("/scan")
def scan():
    """Scan a draft; the verdict follows from the actions the policy gives."""
    started = time.perf_counter()
    shared = services.current()
    body = read_json(shared.schemas, "ScanRequest")
    platform = checked_platform(shared.policy, body.get("platform"))
    sink = services.telemetry()
    try:
        result = shared.scanner.scan(
            body["text"], body.get("locale"), body.get("full_length")
        )
        # The context (audience, reply/mention targets, groups) is used here
        # and never logged or stored.
        decision = decide(
            body["text"][: shared.engine.max_chars],
            result.findings,
            complete=result.complete,
            unlisted=shared.engine.rule_kinds(result.omitted_rules),
            policy=shared.policy,
            guards=guard_data(shared.engine),
            platform=platform,
            context=body.get("context"),
            today=datetime.date.today(),  # the service's local date
            groups=current_app.config.get("GROUPS") or (),
            max_findings=shared.scanner.max_findings,
        )
        verdict = decision.verdict
    except Exception:
        if sink is not None:  # a broken bundle shows as a scan-error rate
            sink.scanned(platform, "error", FAILED, services.bundle_version())
        raise
    if sink is not None:
        sink.scanned(platform, verdict, result.incomplete, services.bundle_version())
    return jsonify(
        verdict=verdict,
        findings=decision.findings,
        findings_omitted=result.findings_omitted + decision.omitted,
        rules_version=result.rules_version,
        complete=result.complete,
        incomplete=result.incomplete,
        not_run=result.not_run,
        mode=shared.policy.mode,
        elapsed_ms=round((time.perf_counter() - started) * 1000, 3),
    )
