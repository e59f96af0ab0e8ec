"""Helpers for the service tests (imported by name: conftest modules collide).

Starting a real server, free ports and percentiles come from ``postguard.testing``,
shared with the browser tests and the benchmark scripts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import socket

from postguard.testing import cli_env  # noqa: F401 - re-exported for the tests
from postguard.testing import free_port  # noqa: F401
from postguard.testing import percentile  # noqa: F401
from postguard.testing import serve_command  # noqa: F401
from postguard.testing import start_service  # noqa: F401

TOKEN = "test-token-" + "x" * 40
PORT = 17653
BASE_URL = f"http://127.0.0.1:{PORT}"
EXTENSION_ORIGIN = "chrome-extension://bdjldkhffmlmhngiojpjiponmegeadcm"
# A Luhn-valid test card number (Visa's documented test PAN).
CARD = "4111 1111 1111 1111"
CANARY = "CANARY-zq7Xw9-do-not-echo"


def _mac(token: str, *lines: str) -> str:
    # Written from the spec (docs/service.md), not from postguard.signing, so the
    # tests check the service against the format rather than against itself.
    return (
        "v1="
        + hmac.new(
            token.encode(), "\n".join(lines).encode(), hashlib.sha256
        ).hexdigest()
    )


def new_nonce() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()


def signed_headers(
    token: str, method: str, host: str, path: str, body: bytes, nonce: str | None = None
) -> dict[str, str]:
    nonce = nonce or new_nonce()
    signature = _mac(
        token,
        "postguard-request-v1",
        nonce,
        method.upper(),
        host.lower(),
        path,
        hashlib.sha256(body).hexdigest(),
    )
    return {"X-PostGuard-Nonce": nonce, "X-PostGuard-Signature": signature}


def expected_proof(token: str, nonce: str, status: int, body: bytes) -> str:
    return _mac(
        token,
        "postguard-response-v1",
        nonce,
        str(status),
        hashlib.sha256(body).hexdigest(),
    )


class Api:
    """A test client that sends our Host and token unless told otherwise.

    ``signed=True`` signs the request the way the extension does instead of
    sending the token; ``response.nonce`` then holds the nonce used.
    """

    def __init__(self, client):
        self.client = client

    def open(self, method, path, *, token=TOKEN, headers=None, signed=False, **kwargs):
        kwargs.setdefault("base_url", BASE_URL)
        merged = {}
        if signed:
            if "json" in kwargs:
                kwargs["data"] = json.dumps(kwargs.pop("json")).encode()
                kwargs.setdefault("content_type", "application/json")
            body = kwargs.get("data", b"")
            body = body.encode() if isinstance(body, str) else body
            host = kwargs["base_url"].split("://", 1)[1].rstrip("/")
            merged.update(signed_headers(token, method, host, path, body))
        elif token is not None:
            merged["X-PostGuard-Token"] = token
        merged.update(headers or {})
        response = self.client.open(path, method=method, headers=merged, **kwargs)
        response.nonce = merged.get("X-PostGuard-Nonce")
        return response

    def get(self, path, **kwargs):
        return self.open("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.open("POST", path, **kwargs)


def raw_exchange(port: int, head: bytes, body_chunks=()) -> bytes:
    """Send a hand-written request; return what the server answers, even early."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head)
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server refused before reading it all: what we want
        try:
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # already reset by the server
        answer = b""
        while True:
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                break
            if not data:
                break
            answer += data
        return answer
