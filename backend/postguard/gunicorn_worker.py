"""The gunicorn worker and logger the local service runs with.

Any local process or web page can open connections to the port without a token,
so slow and idle clients must not hold what normal scans need:

- gevent: each connection is a greenlet, not a thread. A client that sends one byte
  a minute costs a little memory, never a worker thread.
- Deadlines: the request line and headers must arrive within ``header_timeout``
  seconds of the connection opening (or of the previous answer on a kept-alive
  connection: gunicorn's gevent worker applies ``keepalive`` to that read), and the
  body plus our answer within ``request_timeout``. Past them the server closes the
  connection.
- A cap on open connections (``worker_connections``): past it, new connections
  wait in the listen backlog until a slot frees, at most ``header_timeout`` later.

gunicorn's own error pages and log lines quote the request ("Invalid request
line: ..."), which may be a draft, so both are replaced: refusals are the JSON
error shape with a fixed message, and log lines name only the error's type.
"""

from __future__ import annotations

import json
import sys
import traceback

import gevent
from gunicorn.glogging import Logger
from gunicorn.http import errors as wire
from gunicorn.util import write_nonblock
from gunicorn.workers.ggevent import GeventWorker

from .errors import STATUS_ERRORS

# Exceptions gunicorn raises for a malformed request: (status, reason, code, text).
_REFUSALS = (
    (
        wire.LimitRequestLine,
        414,
        "URI Too Long",
        "uri_too_long",
        "The request line is too long.",
    ),
    (
        wire.LimitRequestHeaders,
        431,
        "Request Header Fields Too Large",
        "headers_too_large",
        "The request headers are too large.",
    ),
    (
        wire.UnsupportedTransferCoding,
        501,
        "Not Implemented",
        "not_implemented",
        "That transfer coding is not supported.",
    ),
    (
        wire.ExpectationFailed,
        417,
        "Expectation Failed",
        "expectation_failed",
        "That Expect header is not supported.",
    ),
    (
        wire.ParseException,
        400,
        "Bad Request",
        "bad_request",
        "The request is not valid HTTP.",
    ),
    (
        gevent.Timeout,
        408,
        "Request Timeout",
        "request_timeout",
        "The request took too long to arrive.",
    ),
)


def where(exc: BaseException) -> str:
    """Code locations of an exception, innermost first, without its message."""
    frames = traceback.extract_tb(exc.__traceback__)[-4:]
    return (
        " < ".join(
            f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in reversed(frames)
        )
        or "?"
    )


def error_bytes(status: int, reason: str, code: str, message: str) -> bytes:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
        "Content-Type: application/json\r\nCache-Control: no-store\r\n"
        f"X-Content-Type-Options: nosniff\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


def _refusal(exc: BaseException) -> tuple[int, str, str, str]:
    for kind, status, reason, code, message in _REFUSALS:
        if isinstance(exc, kind):
            return status, reason, code, message
    return (500, "Internal Server Error", *STATUS_ERRORS[500])


class ScrubbedLogger(Logger):
    """gunicorn's logger, minus anything that could quote a request.

    Tracebacks carry exception messages, and messages can carry request bytes:
    ``exception()`` logs the type and code location instead, and string
    arguments are withheld (numbers, e.g. pids, are kept).
    """

    @staticmethod
    def _withhold(args: tuple) -> tuple:
        return tuple(a if isinstance(a, (int, float)) else "(withheld)" for a in args)

    def exception(self, msg, *args, **kwargs):
        exc = sys.exc_info()[1]
        detail = f"{type(exc).__name__} at {where(exc)}" if exc else "no exception"
        self.error_log.error(f"{msg} [{detail}]", *self._withhold(args))

    def error(self, msg, *args, **kwargs):
        self.error_log.error(msg, *self._withhold(args))

    def warning(self, msg, *args, **kwargs):
        self.error_log.warning(msg, *self._withhold(args))

    def critical(self, msg, *args, **kwargs):
        self.error_log.critical(msg, *self._withhold(args))


class GuardedWorker(GeventWorker):
    """gunicorn's gevent worker with a request deadline and JSON refusals."""

    request_timeout = 10.0  # seconds for the body and our answer; set by serve

    def handle_request(self, listener_name, req, sock, addr):
        with gevent.Timeout(self.request_timeout):
            return super().handle_request(listener_name, req, sock, addr)

    def handle_error(self, req, client, addr, exc):
        status, reason, code, message = _refusal(exc)
        # Formatted here: the logger withholds string arguments.
        if status >= 500:
            self.log.error(f"request failed: {type(exc).__name__} at {where(exc)}")
        else:
            self.log.info(f"refused a request: {type(exc).__name__}")
        try:
            write_nonblock(client, error_bytes(status, reason, code, message))
        except OSError:
            pass  # the client is gone; nothing to tell it
