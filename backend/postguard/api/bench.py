"""POST /api/v1/bench/noop: the HTTP floor that scan latency is compared with.

Registered only when ``BENCH_ENDPOINTS`` is on (scripts/bench_service.py). It goes
through every security check like a real request, reads the body and does nothing.
"""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify
from flask import request

bp = Blueprint("bench", __name__, url_prefix="/api/v1/bench")


@bp.post("/noop")
def noop():
    """Read the body, answer at once."""
    request.get_data()
    return jsonify(ok=True)
