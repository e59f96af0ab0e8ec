"""Debian's firefox-esr, driven over WebDriver BiDi (its built-in remote agent).

No geckodriver (not in Debian) and no Playwright (it needs its own patched
Firefox): Firefox is started with ``--remote-debugging-port`` and a fresh
profile, and we speak BiDi's JSON commands over one websocket
(shared/guides/browser-e2e.md, section 7).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import time
from contextlib import ExitStack
from pathlib import Path

from fixtures.serve import is_snap_stub
from websockets.sync.client import connect

FIREFOX_NAMES = ("firefox-esr", "firefox")
LISTENING = re.compile(r"WebDriver BiDi listening on (ws://\S+)")


def find_firefox() -> str | None:
    """POSTGUARD_FIREFOX (taken as given), else firefox-esr or firefox on the
    PATH, unless it only hands over to a snap (Ubuntu's firefox deb)."""
    chosen = os.environ.get("POSTGUARD_FIREFOX")
    if chosen:
        return chosen
    for name in FIREFOX_NAMES:
        path = shutil.which(name)
        if path and not is_snap_stub(Path(path)):
            return path
    return None


class BiDiError(RuntimeError):
    pass


class BiDi:
    """One BiDi session: ``send(method, params)`` waits for that command's answer."""

    def __init__(self, url: str):
        self._stack = ExitStack()
        self.ws = self._stack.enter_context(
            # No keepalive pings on loopback: websockets draws their payloads
            # from the global `random` in a thread, which Hypothesis tests
            # running later in the same process see as flaky generation.
            connect(
                f"{url}/session", max_size=None, open_timeout=10, ping_interval=None
            )
        )
        self.ids = itertools.count(1)
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, timeout: float = 30):
        cid = next(self.ids)
        self.ws.send(json.dumps({"id": cid, "method": method, "params": params or {}}))
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"BiDi {method}: no answer in {timeout} s")
            msg = json.loads(self.ws.recv(timeout=left))
            if msg.get("type") == "event":
                self.events.append(msg)
            elif msg.get("id") == cid:
                if msg.get("type") == "error":
                    raise BiDiError(f"{method}: {msg['error']}: {msg.get('message')}")
                return msg["result"]

    def close(self) -> None:
        try:
            self.send("session.end", timeout=5)
        except Exception:  # the browser may already be gone
            pass
        self._stack.close()


def write_prefs(profile: Path, prefs: dict) -> None:
    lines = [f"user_pref({json.dumps(k)}, {json.dumps(v)});" for k, v in prefs.items()]
    (profile / "user.js").write_text("\n".join(lines) + "\n")


class Firefox:
    """A headless firefox-esr on a fresh profile with its BiDi session."""

    def __init__(self, binary: str, profile: Path, log: Path, prefs: dict):
        profile.mkdir(parents=True, exist_ok=True)
        write_prefs(profile, prefs)
        self.log = log
        with open(log, "wb") as out:
            self.process = subprocess.Popen(
                [
                    binary,
                    "--headless",
                    "--no-remote",
                    "--profile",
                    str(profile),
                    "--remote-debugging-port",
                    "0",
                    # Firefox 153+ lets WebDriver open moz-extension:// pages (the
                    # options page) only with system access; older ones ignore it.
                    "--remote-allow-system-access",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env={**os.environ, "MOZ_CRASHREPORTER_DISABLE": "1"},
            )
        self.bidi: BiDi | None = None
        try:
            self.bidi = BiDi(self._wait_for_agent())
            self.bidi.send("session.new", {"capabilities": {}})
        except Exception:
            self.stop()
            raise

    def _wait_for_agent(self, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = LISTENING.search(self.log.read_text(errors="replace"))
            if found:
                return found.group(1)
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(
            f"firefox did not start its remote agent:\n{self.log_text()}"
        )

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def install_extension(self, path: Path) -> str:
        result = self.bidi.send(
            "webExtension.install",
            {"extensionData": {"type": "path", "path": str(path)}},
        )
        return result["extension"]

    def stop(self) -> None:
        if self.bidi:
            self.bidi.close()
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
