"""Read a request body once, with the size cap, whatever the client sends.

A chunked body has no Content-Length: Werkzeug stops reading at the cap without
an error, so a body that reached the cap was cut short (413). A body the server
cannot parse (a malformed chunk size, a connection that breaks) is the client's
fault: 400, never 500, and the message never quotes the bytes.
"""

from __future__ import annotations

from flask import current_app
from flask import request

from .errors import APIError
from .errors import too_large_message

try:  # under gunicorn, its parser raises these while the app reads the body
    from gunicorn.http.errors import ParseException as _WireError
except ImportError:  # pragma: no cover - gunicorn is a dependency
    _WireError = ValueError


def read_body() -> bytes:
    try:
        raw = request.get_data()
    except (_WireError, OSError, ValueError):
        raise APIError(400, "bad_body", "The request body could not be read.") from None
    if len(raw) >= current_app.config["MAX_CONTENT_LENGTH"]:
        raise APIError(413, "payload_too_large", too_large_message())
    return raw
