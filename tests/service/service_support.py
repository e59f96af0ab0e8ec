"""Helpers for the service tests (imported by name: conftest modules collide)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

TOKEN = "test-token-" + "x" * 40
PORT = 17653
BASE_URL = f"http://127.0.0.1:{PORT}"
EXTENSION_ORIGIN = "chrome-extension://bdjldkhffmlmhngiojpjiponmegeadcm"
# A Luhn-valid test card number (Visa's documented test PAN).
CARD = "4111 1111 1111 1111"
CANARY = "CANARY-zq7Xw9-do-not-echo"


class Api:
    """A test client that sends our Host and token unless told otherwise."""

    def __init__(self, client):
        self.client = client

    def open(self, method, path, *, token=TOKEN, headers=None, **kwargs):
        merged = {"X-PostGuard-Token": token} if token is not None else {}
        merged.update(headers or {})
        kwargs.setdefault("base_url", BASE_URL)
        return self.client.open(path, method=method, headers=merged, **kwargs)

    def get(self, path, **kwargs):
        return self.open("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.open("POST", path, **kwargs)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "postguard.cli", "serve", *args]


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTGUARD_")}
    env["POSTGUARD_HOME"] = str(home)
    env.update(extra)
    return env


@dataclass
class LiveServer:
    process: subprocess.Popen
    port: int
    home: Path
    log_path: Path

    @property
    def token(self) -> str:
        return (self.home / "token").read_text().strip()

    def request(self, method, path, body=None, headers=None, token=True):
        """One HTTP request on a fresh connection: ``(status, headers, body)``."""
        sent = {"X-PostGuard-Token": self.token} if token else {}
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self, sig=signal.SIGTERM) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=15)


def start_server(home: Path, log_path: Path, **env: str) -> LiveServer:
    port = free_port()
    log = open(log_path, "wb")
    process = subprocess.Popen(serve_command("--port", str(port)),
                               env=cli_env(home, **env), stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    server = LiveServer(process, port, home, log_path)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"postguard serve exited:\n{server.log()}")
        try:
            if server.request("GET", "/api/v1/health")[0] == 200:
                return server
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.05)
    server.kill(signal.SIGKILL)
    raise AssertionError(f"postguard serve did not answer:\n{server.log()}")
