"""Helpers for PostGuard's own tests and benchmarks (like ``flask.testing``).

One place for what the service tests, the browser tests and the benchmark scripts
all need: a real ``postguard serve`` (gunicorn) on a free loopback port, a free
port, and a percentile. The service itself never imports this module.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

LISTENING = re.compile(r"PostGuard listens on http://127\.0\.0\.1:(\d+)/")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], pct: float) -> float:
    """The nearest-rank percentile (``pct`` in 0..100) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def wait_until(predicate, timeout: float = 30.0, every: float = 0.2):
    """Poll ``predicate`` until it returns something truthy; return that. Fails
    the test (AssertionError) after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(every)
    return value


def serve_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "postguard.cli", "serve", *args]


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment for a CLI run in ``home``, without the caller's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTGUARD_")}
    env["POSTGUARD_HOME"] = str(home)
    env.update(extra)
    return env


@dataclass
class _LiveProcess:
    """A server started as its own process group on a loopback port."""

    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _send(self, method, path, body, sent: dict, headers, timeout: float):
        """One HTTP request on a fresh connection: ``(status, headers, body)``."""
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=15)

    def kill(self, sig=signal.SIGTERM) -> None:
        self.stop(sig)


@dataclass
class LiveService(_LiveProcess):
    home: Path

    @property
    def token(self) -> str:
        return (self.home / "token").read_text().strip()

    def request(self, method, path, body=None, headers=None, token=True):
        """``token``: send the install token (the default) or not."""
        sent = {"X-PostGuard-Token": self.token} if token else {}
        return self._send(method, path, body, sent, headers, timeout=10)


def _announced_port(log_path: Path) -> int | None:
    found = LISTENING.findall(log_path.read_text(errors="replace"))
    return int(found[-1]) if found else None  # the log may hold earlier starts


def start_service(
    home: Path,
    log_path: Path,
    *,
    port: int | None = None,
    timeout: float = 20,
    **env: str,
) -> LiveService:
    """Start ``postguard serve`` and wait until it answers; ``port=0`` lets it pick.

    ``env`` holds extra variables, e.g. ``POSTGUARD_RATE_LIMIT_PER_SECOND="0"``.
    """
    asked = free_port() if port is None else port
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            serve_command("--port", str(asked)),
            env=cli_env(home, **env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    service = LiveService(process, asked, log_path, home)
    return _answering(service, timeout, "postguard serve")


def _answering(service: LiveService, timeout: float, what: str) -> LiveService:
    """``service`` once its health endpoint answers; stopped and raised if not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            raise RuntimeError(f"{what} exited:\n{service.log()}")
        if service.port == 0:
            service.port = _announced_port(service.log_path) or 0
        try:
            if service.port and service.request("GET", "/api/v1/health")[0] == 200:
                return service
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.05)
    service.stop(signal.SIGKILL)
    raise RuntimeError(f"{what} did not answer:\n{service.log()}")


# What docs/admin.md tells admins who run postguard.wsgi:app under their own
# gunicorn: start the background tasks in each worker.
_WORKER_HOOKS = """\
from postguard.app import start_background_tasks


def post_worker_init(worker):
    start_background_tasks(worker.wsgi)
"""


def start_gunicorn_service(
    home: Path, log_path: Path, *, workers: int, timeout: float = 60, **env: str
) -> LiveService:
    """``gunicorn postguard.wsgi:app`` with several (gevent) workers, as an admin
    may run it: ``postguard serve`` runs one worker only."""
    port = free_port()
    hooks = home.parent / f"{home.name}-gunicorn.conf.py"
    hooks.write_text(_WORKER_HOOKS)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(hooks),
        "--workers",
        str(workers),
        "--worker-class",
        "gevent",
        "--bind",
        f"127.0.0.1:{port}",
        "--no-control-socket",  # the default path is shared by every test run
        "postguard.wsgi:app",
    ]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            command,
            env=cli_env(home, POSTGUARD_PORT=str(port), **env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    service = LiveService(process, port, log_path, home)
    return _answering(service, timeout, "gunicorn postguard.wsgi:app")


CENTRAL_LISTENING = re.compile(r"PostGuard central listens on http://[^:]+:(\d+)/")


@dataclass
class LiveCentral(_LiveProcess):
    def request(self, method, path, body=None, headers=None, token=None):
        """``token``: sent as ``Authorization: Bearer``."""
        sent = {"Authorization": f"Bearer {token}"} if token else {}
        return self._send(method, path, body, sent, headers, timeout=30)


def central_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "postguard.cli", "central", *args]


def start_central(env: dict[str, str], log_path: Path, timeout: float = 30):
    """Start ``postguard central serve --port 0`` and wait until it answers."""
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            central_command("serve", "--port", "0"),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    central = LiveCentral(process, 0, log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"postguard central serve exited:\n{central.log()}")
        found = CENTRAL_LISTENING.findall(central.log())
        central.port = int(found[-1]) if found else 0
        try:
            if central.port and central.request("GET", "/healthz")[0] == 200:
                return central
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.1)
    central.stop(signal.SIGKILL)
    raise RuntimeError(f"postguard central serve did not answer:\n{central.log()}")
