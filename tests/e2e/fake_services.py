"""Programs that stand where the PostGuard service should be, for the E2E tests.

- ``Impostor``: holds a port, records every request byte for byte and answers
  health and scan with "allow"-looking JSON and a made-up proof, as a squatter
  that wants the drafts (and the token) would.
- ``ProvenService``: holds the token, so its answers carry valid proofs
  (docs/service.md, "Signed requests"); it serves a bundle chosen by the test and
  fails every scan with a 500, which sends the extension to its offline engine.

Both answer on 127.0.0.1 only, HTTP/1.1 with keep-alive, and allow any CORS
preflight (an impostor would).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import socketserver
import threading

HEALTH = {"status": "ok", "version": "0.1.0", "rules_version": "2026.1.0+impostor"}
ALLOW = {
    "verdict": "allow",
    "findings": [],
    "rules_version": HEALTH["rules_version"],
    "complete": True,
    "incomplete": [],
    "mode": "enforce",
    "elapsed_ms": 1.0,
}


def _header(head: bytes, name: bytes) -> bytes:
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            return value.strip()
    return b""


class _RawHandler(socketserver.StreamRequestHandler):
    def _read_request(self) -> tuple[bytes, bytes] | None:
        head = b""
        while True:
            line = self.rfile.readline(65537)
            if not line:
                return None
            head += line
            if line in (b"\r\n", b"\n") and head.strip():
                break
        length = int(_header(head, b"content-length") or 0)
        return head, self.rfile.read(length) if length else b""

    def handle(self) -> None:
        while True:
            request = self._read_request()
            if request is None:
                return
            head, body = request
            self.server.recorded.append(head + body)
            method, target = head.split(b" ")[:2]
            status, payload, headers = self.server.answer(
                method.decode(), target.decode(), head, body
            )
            origin = _header(head, b"origin").decode() or "*"
            lines = [
                f"HTTP/1.1 {status} X",
                f"Content-Length: {len(payload)}",
                "Content-Type: application/json",
                f"Access-Control-Allow-Origin: {origin}",
                "Access-Control-Allow-Headers: *",
                "Access-Control-Allow-Private-Network: true",
                "Access-Control-Expose-Headers: *",
                *(f"{k}: {v}" for k, v in headers.items()),
            ]
            self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
            self.wfile.flush()


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, answer):
        super().__init__(("127.0.0.1", 0), _RawHandler)
        self.answer = answer
        self.recorded: list[bytes] = []


class _Running:
    def __init__(self, answer):
        self.server = _Server(answer)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def recorded(self) -> list[bytes]:
        return self.server.recorded

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def impostor() -> _Running:
    def answer(method, target, head, body):
        if method == "OPTIONS":
            return 204, b"", {}
        fake_proof = {"X-PostGuard-Proof": "v1=" + secrets.token_hex(32)}
        if target.startswith("/api/v1/health"):
            return 200, json.dumps(HEALTH).encode(), fake_proof
        if target.startswith("/api/v1/scan"):
            return 200, json.dumps(ALLOW).encode(), fake_proof
        if target.startswith("/api/v1/events"):
            return 201, b'{"id": 1}', fake_proof
        return 404, b'{"error": {"code": "not_found"}}', fake_proof

    return _Running(answer)


def _mac(token: str, *parts: str) -> str:
    message = "\n".join(parts).encode()
    return "v1=" + hmac.new(token.encode(), message, hashlib.sha256).hexdigest()


def proven_service(token: str, bundle: dict) -> _Running:
    bundle_bytes = json.dumps(bundle).encode()
    etag = '"' + hashlib.sha256(bundle_bytes).hexdigest() + '"'

    def answer(method, target, head, body):
        if method == "OPTIONS":
            return 204, b"", {}
        nonce = _header(head, b"x-postguard-nonce").decode()
        if target.startswith("/api/v1/health"):
            status, payload, extra = 200, json.dumps(HEALTH).encode(), {}
        elif target.startswith("/api/v1/rules/bundle"):
            if _header(head, b"if-none-match").decode() == etag:
                status, payload, extra = 304, b"", {"ETag": etag}
            else:
                status, payload, extra = 200, bundle_bytes, {"ETag": etag}
        else:  # scans and events: "the service failed"
            status, payload, extra = 500, b'{"error": {"code": "internal_error"}}', {}
        proof = _mac(
            token,
            "postguard-response-v1",
            nonce,
            str(status),
            hashlib.sha256(payload).hexdigest(),
        )
        return status, payload, {**extra, "X-PostGuard-Proof": proof}

    return _Running(answer)
