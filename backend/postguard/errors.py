"""One JSON error shape for every failure: ``{"error": {"code", "message"}}``.

Messages are fixed strings or built from our own settings and schema names, never
from the request: a draft, a header or a field value must not come back in an error
body or reach a log line.
"""

from __future__ import annotations

import traceback

from flask import Flask
from flask import current_app
from flask import jsonify
from flask import request
from werkzeug.exceptions import HTTPException

# Our own wording per status, so Werkzeug's descriptions never reach clients.
STATUS_ERRORS = {
    400: ("bad_request", "The request is not valid."),
    401: ("unauthorized", "Missing or wrong X-PostGuard-Token header."),
    403: ("forbidden", "This origin may not call the PostGuard service."),
    404: ("not_found", "No such endpoint."),
    405: ("method_not_allowed", "This endpoint does not accept that method."),
    413: ("payload_too_large", "The request body is too large."),
    415: ("unsupported_media_type", "Send the body as application/json."),
    429: ("rate_limited", "Too many requests; wait a moment and retry."),
    500: ("internal_error", "The service failed; the draft was not changed."),
}


class APIError(Exception):
    """An error answered as JSON with a status, a stable code and a safe message."""

    def __init__(self, status: int, code: str, message: str, headers=None):
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def error_response(status: int, code: str, message: str, headers=None):
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _handle_api_error(exc: APIError):
    return error_response(exc.status, exc.code, exc.message, exc.headers)


def _handle_http_exception(exc: HTTPException):
    status = exc.code or 500
    code, message = STATUS_ERRORS.get(status, ("http_error", "The request failed."))
    if status == 413:
        from .request_body import too_large_message  # it imports this module

        message = too_large_message()
    headers = {}
    if status == 405 and exc.valid_methods:
        headers["Allow"] = ", ".join(exc.valid_methods)
    return error_response(status, code, message, headers)


def _handle_unexpected(exc: Exception):
    # Log where it failed, not what: exception messages may quote the draft.
    frames = traceback.extract_tb(exc.__traceback__)
    where = " < ".join(
        f"{f.name} ({f.filename.rsplit('/', 1)[-1]}:{f.lineno})"
        for f in reversed(frames[-6:])
    )
    current_app.logger.error(
        "unhandled %s on %s %s at %s",
        type(exc).__name__,
        request.method,
        request.endpoint,
        where,
    )
    return error_response(500, *STATUS_ERRORS[500])


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(APIError, _handle_api_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected)
