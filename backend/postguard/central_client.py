"""The local service's side of central: enrol once, then poll for bundles.

A fetched envelope goes to ``BundleUpdater.offer``, so verification, rollback
protection and the last-known-good copy stay in one place. Polls carry
If-None-Match, are jittered, and back off exponentially while central fails.

One process per service polls: the one holding ``HOME/central-poller.lock``
(poll_lock.py). The service's other gunicorn workers follow the last-known-good
copy the polling one writes, and try the lock now and then, so one of them
takes over when the polling worker dies.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import random
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import datetime
from datetime import timezone
from pathlib import Path
from typing import Any

from . import bundle_signing as bs
from . import extension_versions as ev
from .atomic_file import write_atomic
from .bundle_updates import RETRY_LATER
from .poll_lock import PollLock
from .term_keys import TermKeys

log = logging.getLogger("postguard.central")
CREDENTIAL_NAME = "central-device.json"
LOCK_NAME = "central-poller.lock"
MAX_BACKOFF_SECONDS = 3600
TIMEOUT_SECONDS = 30
MAX_SMALL_BODY = 64 * 1024  # enrolment answers
# Central's status schema (central/api_device.py): names only, 16 at most.
PLATFORM = re.compile(r"^[a-z0-9][a-z0-9.-]{0,23}$")


class CentralError(Exception):
    """Central could not be asked; ``reason`` is a fixed word for the status."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason, self.message = reason, message


def read_capped(response, limit: int) -> bytes:
    """The body, refused before reading when it announces more than ``limit``
    bytes, and after ``limit + 1`` bytes when it does not say."""
    length = response.headers.get("Content-Length")
    if length is not None and (not length.isdigit() or int(length) > limit):
        raise CentralError("too_large", f"the answer is over {limit} bytes")
    data = response.read(limit + 1)
    if len(data) > limit:
        raise CentralError("too_large", f"the answer is over {limit} bytes")
    return data


class CentralPoller:
    """Polls central for bundles and reports status.

    ``after_poll``: what the polling process does after each successful poll,
    in order (the status report first). Append to it for other per-round work
    with central (it runs in one process of the service only); a callable that
    raises is logged by type and does not stop the others.
    """

    def __init__(
        self,
        settings: dict[str, Any],
        updater,
        rng=None,
        platforms=list,
        extension_versions=list,
        telemetry=None,
    ) -> None:
        self.base = settings["CENTRAL_URL"].rstrip("/")
        self.enrolment_token = settings["ENROLMENT_TOKEN"]
        self.home = Path(settings["HOME"])
        self.credential_file = self.home / CREDENTIAL_NAME
        self.interval = settings["CENTRAL_POLL_SECONDS"]
        self.updater = updater
        self.max_bytes = bs.MAX_ENVELOPE_BYTES
        # Its own generator: jitter must not draw from (or disturb) the global one.
        self._rng = rng or random.Random().random
        self._platforms = platforms  # () -> the running policy's platform names
        self._extension_versions = extension_versions  # () -> versions seen
        self.telemetry = telemetry  # telemetry.Telemetry, or None when off
        self._etag: str | None = None  # of the last envelope fetched
        self.failures = 0
        self.last_success: datetime | None = None
        self.last_error: str | None = None
        self._thread_pid: int | None = None
        self.after_poll: list[Callable[[], None]] = [self._report]
        if telemetry is not None:
            self.after_poll.append(self._upload_telemetry)
        self.lock = PollLock(Path(settings["HOME"]) / LOCK_NAME)
        # A worker that does not poll looks at the last-known-good copy (and
        # tries the lock) at least as often as the polling one asks central.
        self.follow_seconds = min(settings["BUNDLE_POLL_SECONDS"], self.interval)

    # --- HTTP ---------------------------------------------------------------

    def _request(self, method, path, body=None, headers=None, limit=MAX_SMALL_BODY):
        sent = {"User-Agent": "postguard-service", **(headers or {})}
        if body is not None:
            body = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        request = urllib.request.Request(
            self.base + path, data=body, method=method, headers=sent
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return response.status, response.headers, read_capped(response, limit)
        except urllib.error.HTTPError as exc:
            exc.close()
            return exc.code, exc.headers, b""
        except (OSError, ValueError) as exc:
            raise CentralError("unreachable", type(exc).__name__) from None

    # --- enrolment ----------------------------------------------------------

    def credential(self) -> str:
        """The device credential, enrolling first when there is none."""
        try:
            saved = json.loads(self.credential_file.read_text(encoding="utf-8"))
            if saved.get("central_url") == self.base:
                return saved["credential"]
        except (OSError, ValueError, KeyError, AttributeError):
            pass
        if not self.enrolment_token:
            raise CentralError("not_enrolled", "set enrolment_token to enrol")
        status, _, body = self._request(
            "POST", "/api/v1/device/enrol", {"enrolment_token": self.enrolment_token}
        )
        if status != 201:
            raise CentralError("enrolment_refused", f"central answered {status}")
        answer = json.loads(body)
        data = {
            "central_url": self.base,
            "device_id": answer["device_id"],
            "credential": answer["credential"],
        }
        self.credential_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomic(self.credential_file, json.dumps(data).encode(), 0o600)
        log.warning(
            "postguard: enrolled with central as device %s", answer["device_id"]
        )
        return answer["credential"]

    # --- polling ------------------------------------------------------------

    def poll_once(self) -> str:
        """One round: 'applied', 'unchanged', 'rejected' or 'error'."""
        try:
            outcome = self._poll()
        except CentralError as exc:
            self.failures += 1
            self.last_error = exc.reason
            log.warning(
                "postguard: central poll failed: %s (%s)", exc.reason, exc.message
            )
            return "error"
        self.failures, self.last_error = 0, None
        self.last_success = datetime.now(timezone.utc)
        for task in self.after_poll:
            try:
                task()
            except Exception as exc:  # noqa: BLE001 - one task must not stop the rest
                log.warning("postguard: after-poll task failed: %s", type(exc).__name__)
        return outcome

    def _upload_telemetry(self) -> None:
        self.telemetry.uploader.upload(self._send_telemetry)

    def _send_telemetry(self, batch: dict) -> dict:
        auth = {"Authorization": f"Bearer {self.credential()}"}
        status, _, body = self._request("POST", "/api/v1/device/telemetry", batch, auth)
        if status != 200:
            raise CentralError("server_error", f"central answered {status}")
        return json.loads(body)

    def _poll(self) -> str:
        auth = {"Authorization": f"Bearer {self.credential()}"}
        etag = self._etag or self.updater.envelope_sha256
        headers = {**auth, "If-None-Match": f'"{etag}"'} if etag else auth
        try:
            status, answer, body = self._request(
                "GET", "/api/v1/device/bundle", headers=headers, limit=self.max_bytes
            )
        except CentralError as exc:
            if exc.reason == "too_large":  # a hostile or broken answer: say so
                self.updater.reject_from("too_large", exc.message, "central")
            raise
        if status == 304 or status == 404:
            return "unchanged"
        if status == 401:
            self.credential_file.unlink(missing_ok=True)  # enrol again next time
            raise CentralError("unauthorized", "central refused the credential")
        if status != 200:
            raise CentralError("server_error", f"central answered {status}")
        self._etag = (answer.get("ETag") or "").strip('"') or None
        before = self.updater.version
        reason = self.updater.offer(body, "central")
        if reason is not None:
            if reason in RETRY_LATER:
                self._etag = None  # not "unchanged" next time: fetch it again
            return "rejected"
        return "applied" if self.updater.version != before else "unchanged"

    def fetch_term_key(self, engine) -> None:
        """Fetch the key the running bundle's hashed terms name, when missing,
        keep it (HOME, 0600) and rebuild the rules with it. The key never
        reaches a log; a refusal is logged by status only."""
        wanted = engine.term_key_id
        if wanted is None or engine.term_key is not None:
            return
        auth = {"Authorization": f"Bearer {self.credential()}"}
        path = f"/api/v1/device/terms-keys/{wanted}"
        status, _, body = self._request("GET", path, headers=auth)
        if status != 200:
            log.warning("postguard: central has no term-list key (%d)", status)
            return
        answer = json.loads(body)
        key = base64.b64decode(answer["key"], validate=True)
        if TermKeys(self.home).add(int(answer["list_version"]), key) != wanted:
            log.warning("postguard: central sent a term-list key for another list")
            return
        self.updater.rebuild("term-list key")

    def _report(self) -> None:
        """Metadata only: versions, times and a reason code."""
        rejection = self.updater.last_rejection
        status = {
            "bundle_version": self.updater.version or None,
            "last_success": bs.iso(self.last_success),
            "last_rejection": None
            if rejection is None
            else {"reason": rejection["reason"], "at": rejection["at"]},
            "platforms": sorted(p for p in self._platforms() if PLATFORM.match(p))[:16],
            "extension_versions": [
                v for v in self._extension_versions() if ev.valid(v)
            ][-ev.MOST :],
        }
        try:
            auth = {"Authorization": f"Bearer {self.credential()}"}
            self._request("POST", "/api/v1/device/status", status, auth)
        except CentralError:
            pass  # the next round reports again

    def status(self) -> dict[str, Any]:
        answer = {
            "enrolled": self.credential_file.is_file(),
            "last_success": bs.iso(self.last_success) if self.last_success else None,
            "last_error": self.last_error,
        }
        if self.telemetry is not None:
            answer["telemetry"] = self.telemetry.status()
        return answer

    def next_delay(self) -> float:
        """The interval ±20%; after failures, doubled per failure up to an hour."""
        base = self.interval
        if self.failures:
            base = min(
                max(self.interval, MAX_BACKOFF_SECONDS),
                self.interval * 2 ** min(self.failures, 20),
            )
        return base * (0.8 + 0.4 * self._rng())

    def start(self) -> None:
        """Poll in this process, or follow the one that polls (call it in each
        worker, after gunicorn's fork)."""
        if self._thread_pid == os.getpid():
            return
        self._thread_pid = os.getpid()
        threading.Thread(
            target=self._loop, name="postguard-central", daemon=True
        ).start()

    def run_round(self) -> float:
        """One round of this process's loop; returns the seconds until the next.

        The lock holder polls central; any other process applies what the holder
        wrote to the last-known-good copy, and asks for the lock again next round.
        """
        try:
            if self.lock.acquire():
                self.poll_once()
                return self.next_delay()
            self.updater.follow_last_known_good()
        except Exception as exc:  # noqa: BLE001 - the poller must outlive a bad day
            self.failures += 1
            self.last_error = "internal"
            log.warning("postguard: central poll failed: %s", type(exc).__name__)
            return self.next_delay()
        return self.follow_seconds

    def _loop(self) -> None:
        while True:
            time.sleep(self.run_round())
