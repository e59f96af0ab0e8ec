"""POST /api/v1/events: what the employee did about a finding, metadata only.

The schema allows only ids, enums and a short override justification, so a client
cannot send post text or matched values here; secrets typed into the justification
are redacted before it is stored.
"""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify

from .. import services
from ..errors import APIError
from .platforms import checked_platform
from .validate import read_json

bp = Blueprint("events", __name__, url_prefix="/api/v1")
REDACTED = "[redacted]"


def _redact(engine, text: str) -> str:
    findings = engine.scan(text).to_dict()["findings"]
    spans = sorted((finding["start"], finding["end"]) for finding in findings)
    kept, position = [], 0
    for start, end in spans:
        if start >= position:
            kept.append(text[position:start] + REDACTED)
            position = end
        else:  # overlapping finding: extend the redacted span
            position = max(position, end)
    return "".join(kept) + text[position:]


@bp.post("/events")
def record_event():
    """Store one event durably; answers 201 with its id once it is on disk."""
    shared = services.current()
    event = read_json(shared.schemas, "EventRequest")
    checked_platform(shared.policy, event["platform"])
    if shared.known_rule_ids and not set(event["rule_ids"]) <= shared.known_rule_ids:
        raise APIError(400, "unknown_rule",
                       "rule_ids must be ids from the service's rule bundle.")
    if "justification" in event:
        if event["action"] != "overridden":
            raise APIError(400, "invalid_request",
                           "A justification is accepted only with action overridden.")
        event["justification"] = _redact(shared.engine, event["justification"])
    event_id = shared.audit.record(event, shared.policy.mode)
    return jsonify(id=event_id), 201
