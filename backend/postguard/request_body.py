"""Read a request body once, with the size cap, whatever the client sends.

A chunked body has no Content-Length: Werkzeug stops reading at the cap without
an error, so a body that reached the cap was cut short (413). A body the server
cannot parse (a malformed chunk size, a connection that breaks) is the client's
fault: 400, never 500, and the message never quotes the bytes.

The cap is ``max_content_length`` (a draft as JSON), except on the image
endpoint, whose raw image bytes may be up to ``IMAGE_MAX_BYTES``.
"""

from __future__ import annotations

from flask import current_app
from flask import request

from .errors import APIError

try:  # under gunicorn, its parser raises these while the app reads the body
    from gunicorn.http.errors import ParseException as _WireError
except ImportError:  # pragma: no cover - gunicorn is a dependency
    _WireError = ValueError

IMAGE_ENDPOINT = "image.analyze"  # POST /api/v1/image (api/image.py)
IMAGE_MAX_BYTES = 20 * 1024 * 1024


def body_cap() -> int:
    """The size at which this request's body is refused (413)."""
    if request.endpoint == IMAGE_ENDPOINT:
        return IMAGE_MAX_BYTES + 1  # 20 MiB itself is accepted
    return current_app.config["MAX_CONTENT_LENGTH"]


def too_large_message() -> str:
    if request.endpoint == IMAGE_ENDPOINT:
        return (
            f"The image is larger than the limit of {IMAGE_MAX_BYTES} bytes "
            f"({IMAGE_MAX_BYTES // (1024 * 1024)} MiB). Send a smaller image."
        )
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    chars = current_app.extensions["postguard"].engine.max_chars
    return (
        f"The request body is larger than the limit of {limit} bytes "
        f"({limit // 1024} KiB). Send a shorter draft: up to {chars} "
        "characters are scanned; send the first ones with full_length set to "
        "the draft's length."
    )


def read_body() -> bytes:
    cap = body_cap()
    # Werkzeug refuses a Content-Length over it before reading (413) and stops a
    # chunked body there.
    request.max_content_length = cap
    try:
        raw = request.get_data()
    except (_WireError, OSError, ValueError):
        raise APIError(400, "bad_body", "The request body could not be read.") from None
    if len(raw) >= cap:
        raise APIError(413, "payload_too_large", too_large_message())
    return raw
