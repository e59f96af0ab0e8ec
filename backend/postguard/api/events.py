"""POST /api/v1/events: what the employee did about a finding, metadata only.

The schema allows only ids, enums, a reason code and a note's length, so a client
cannot send post text, matched values or anything else the employee typed.
"""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify

from .. import services
from ..errors import APIError
from ..image_rules import image_rule_kinds
from .platforms import checked_platform
from .validate import read_json

bp = Blueprint("events", __name__, url_prefix="/api/v1")
ACTIONS_WITH_REASON = ("overridden", "reported_false_positive")


@bp.post("/events")
def record_event():
    """Store one event durably; answers 201 with its id once it is on disk."""
    shared = services.current()
    event = read_json(shared.schemas, "EventRequest")
    event["platform"] = checked_platform(shared.policy, event["platform"])
    if shared.known_rule_ids and not set(event["rule_ids"]) <= shared.known_rule_ids:
        raise APIError(
            400, "unknown_rule", "rule_ids must be ids from the service's rule bundle."
        )
    if "reason" in event and event["action"] not in ACTIONS_WITH_REASON:
        raise APIError(
            400,
            "invalid_request",
            "A reason is accepted only with "
            "action overridden or reported_false_positive.",
        )
    if "note_length" in event and "reason" not in event:
        raise APIError(
            400, "invalid_request", "note_length is accepted only with a reason."
        )
    simulated = [entry["rule_id"] for entry in event.get("simulated", [])]
    if len(set(simulated)) != len(simulated) or not set(simulated) <= set(
        event["rule_ids"]
    ):
        raise APIError(
            400,
            "invalid_request",
            "simulated names each rule once, and only rules in rule_ids.",
        )
    event_id = shared.audit.record(
        event, shared.policy.mode, keep_note_length=shared.policy.record_note_length
    )
    sink = services.telemetry()
    if sink is not None:
        sink.recorded(
            [
                *shared.engine.rule_kinds(event["rule_ids"]),
                *image_rule_kinds(event["rule_ids"]),
            ],
            event["action"],
            event["platform"],
            shared.policy,
            services.bundle_version(),
        )
    return jsonify(id=event_id), 201
