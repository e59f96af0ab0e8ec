"""Applies signed rule bundles to a running service, safely.

A bundle from ``bundle_file`` replaces the running rules only when it verifies
with a pinned key (``bundle_keys``), is newer than the running version and has
not expired, and when an engine builds from it. The accepted envelope is kept as
the last-known-good copy (``HOME/signed-bundle.json``, written atomically), which
the next start runs. Anything refused keeps the rules that run now and is
reported by reason, never by content. The service never runs zero rules: the
fallback chain is last-known-good, then ``rules_bundle`` or the packaged bundle.
A worker that does not poll central follows the last-known-good copy the polling
one writes (``follow_last_known_good``), through the same checks.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import datetime
from datetime import timezone
from pathlib import Path
from typing import Any

from . import bundle_signing as bs
from .atomic_file import remove_leftovers
from .atomic_file import write_atomic

log = logging.getLogger("postguard.bundle")
LKG_NAME = "signed-bundle.json"
# Refusals that the same bundle may pass later (a clock catching up, a disk with
# room again): it is taken up again instead of being skipped until a new one.
RETRY_LATER = ("not_yet_valid", "unwritable")


class BundleUpdater:
    """Holds the running bundle's state and swaps the app's services.

    ``build(raw)`` returns fresh Services for bundle bytes (None: the configured
    unsigned bundle); ``publish(services)`` installs them with one assignment, so
    a request sees either the old or the new rules, never a mix.
    """

    def __init__(
        self,
        settings: dict[str, Any],
        build: Callable[[bytes | None], Any],
        publish: Callable[[Any], None],
        now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ) -> None:
        self.keys = [bs.load_public_key(spec) for spec in settings["BUNDLE_KEYS"]]
        self.watched = (
            Path(settings["BUNDLE_FILE"]) if settings["BUNDLE_FILE"] else None
        )
        self.lkg = Path(settings["HOME"]) / LKG_NAME
        self.interval = settings["BUNDLE_POLL_SECONDS"]
        self.fallback = "rules_bundle" if settings["RULES_BUNDLE"] else "packaged"
        self._build, self._publish, self._now = build, publish, now
        self._lock = threading.Lock()
        # path -> its stat when last looked at (bundle_file, last-known-good)
        self._seen: dict[Path, tuple[int, int, int]] = {}
        self._thread_pid: int | None = None
        self.version = 0  # 0: no signed bundle runs
        self.envelope_sha256: str | None = None
        # The running envelope as accepted, for the extension to verify itself.
        self.envelope: bytes | None = None
        self.expires: datetime | None = None
        self.source = self.fallback
        self.last_rejection: dict[str, str] | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.keys)

    def initial_services(self) -> Any:
        """Services from the last-known-good copy if it still verifies, else from
        the configured bundle. An expired copy still runs (stale beats older
        packaged rules); only updates must be unexpired.

        Called once, at start, before anything is written: the temp file of a
        write that a kill cut short is deleted (it never replaced the copy)."""
        removed = remove_leftovers(self.lkg)
        if removed:
            log.warning(
                "postguard: removed %d temp file(s) of an interrupted write of %s",
                removed,
                LKG_NAME,
            )
        if self.enabled and self.lkg.is_file():
            try:
                data = bs.read_capped(self.lkg)
                verified = bs.verify(data, self.keys, self._now(), 0, check_times=False)
                services = self._build(verified.payload)
            except bs.BundleRejected as exc:
                self._reject(exc.reason, exc.message, "last-known-good copy")
            except OSError as exc:
                self._reject(
                    "unreadable", exc.strerror or "cannot read", "last-known-good"
                )
            except Exception as exc:  # noqa: BLE001 - fall back, never zero rules
                self._reject("invalid_bundle", type(exc).__name__, "last-known-good")
            else:
                self._accept(verified, data, "last_known_good")
                return services
        return self._build(None)

    def check(self) -> bool:
        """Look at ``bundle_file`` once; True if new rules were applied."""
        if not self.enabled or self.watched is None:
            return False
        return self._look_at(self.watched, "bundle_file")

    def follow_last_known_good(self) -> bool:
        """Look at the last-known-good copy once: another process of this service
        (the one polling central) writes it when it applies a bundle. True if
        new rules were applied."""
        if not self.enabled:
            return False
        return self._look_at(self.lkg, "last-known-good")

    def _look_at(self, path: Path, where: str) -> bool:
        with self._lock:
            try:
                st = os.stat(path)
            except FileNotFoundError:
                return False
            except OSError as exc:
                self._reject("unreadable", exc.strerror or "cannot stat", where)
                return False
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
            if stamp == self._seen.get(path):
                return False
            self._seen[path] = stamp
            return self._try_apply(path, where)

    def _try_apply(self, path: Path, where: str) -> bool:
        try:
            data = bs.read_capped(path)
        except bs.BundleRejected as exc:
            self._reject(exc.reason, exc.message, where)
            return False
        except OSError as exc:
            self._reject("unreadable", exc.strerror or "cannot read", where)
            return False
        running = self.envelope_sha256
        # The last-known-good copy is on disk already, and a start would run it
        # expired or not: follow it as a start would, and never write it back
        # (a slow follower could put an older bundle over a newer one).
        own_copy = path == self.lkg
        reason = self._apply(
            data, where, persist=not own_copy, check_times=not own_copy
        )
        if reason in RETRY_LATER:
            self._seen.pop(path, None)  # look again next time, though it is the same
        return self.envelope_sha256 != running

    def offer(self, data: bytes, where: str) -> str | None:
        """Apply envelope bytes fetched elsewhere (central); the same checks as
        ``bundle_file``. Returns None when applied or already running, else the
        rejection reason."""
        if not self.enabled:
            return "unknown_key"
        with self._lock:
            return self._apply(data, where)

    def _apply(
        self, data: bytes, where: str, persist: bool = True, check_times: bool = True
    ) -> str | None:
        try:
            if hashlib.sha256(data).hexdigest() == self.envelope_sha256:
                return None  # the bundle that already runs, seen again
            verified = bs.verify(
                data, self.keys, self._now(), self.version, check_times=check_times
            )
        except bs.BundleRejected as exc:
            self._reject(exc.reason, exc.message, where)
            return exc.reason
        try:
            services = self._build(verified.payload)
        except Exception as exc:  # noqa: BLE001 - any build failure keeps the old rules
            self._reject("invalid_bundle", type(exc).__name__, where)
            return "invalid_bundle"
        if persist:
            # On disk before it runs: after a crash here the next start runs it. A
            # bundle that cannot be kept does not run (a full disk must not stop
            # the start, nor lose the bundle: it is tried again).
            try:
                self.lkg.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                write_atomic(self.lkg, data, 0o600)
            except OSError as exc:
                detail = exc.strerror or type(exc).__name__
                self._reject("unwritable", f"cannot keep the copy: {detail}", where)
                return "unwritable"
        self._publish(services)
        self._accept(verified, data, "signed")
        log.warning(
            "postguard: applied signed rule bundle version %d from %s",
            verified.header.version,
            where,
        )
        return None

    def rebuild(self, why: str) -> None:
        """Build the running bundle again (say, now that its term-list key is
        here) and swap it in; the bundle itself does not change."""
        with self._lock:
            if self.envelope is None:
                return
            try:
                verified = bs.verify(
                    self.envelope, self.keys, self._now(), 0, check_times=False
                )
                services = self._build(verified.payload)
            except Exception as exc:  # noqa: BLE001 - keep what runs
                log.warning(
                    "postguard: rebuild for %s failed: %s", why, type(exc).__name__
                )
                return
            self._publish(services)
            log.warning("postguard: rules rebuilt with the %s", why)

    def reject_from(self, reason: str, message: str, where: str) -> None:
        """Record a bundle refused before it reached ``offer`` (e.g. too large)."""
        with self._lock:
            self._reject(reason, message, where)

    def _accept(self, verified: bs.Verified, data: bytes, source: str) -> None:
        self.version = verified.header.version
        self.envelope_sha256 = verified.envelope_sha256
        self.envelope = data
        self.expires = verified.header.expires
        self.source = source

    def _reject(self, reason: str, message: str, where: str) -> None:
        at = bs.iso(self._now())
        self.last_rejection = {"reason": reason, "at": at, "message": message}
        # Reason and fixed text only: never bytes of the refused bundle.
        log.warning(
            "postguard: rejected signed rule bundle from %s: %s (%s); "
            "keeping version %d (%s)",
            where,
            reason,
            message,
            self.version,
            self.source,
        )

    def status(self) -> dict[str, Any]:
        """What /api/v1/health reports under ``bundle``."""
        stale = self.expires is not None and self._now() >= self.expires
        return {
            "version": self.version or None,
            "source": self.source,
            "expires": bs.iso(self.expires) if self.expires else None,
            "stale": stale,
            "last_rejection": self.last_rejection,
        }

    def start(self) -> None:
        """Poll ``bundle_file`` every ``bundle_poll_seconds`` in this process.

        Call it in the process that serves (gunicorn's worker, after fork): a
        thread started before a fork does not exist in the child. Under gevent the
        thread is a greenlet."""
        if not self.enabled or self.watched is None or self._thread_pid == os.getpid():
            return
        self._thread_pid = os.getpid()
        threading.Thread(
            target=self._loop, name="postguard-bundle", daemon=True
        ).start()

    def _loop(self) -> None:
        while True:
            time.sleep(self.interval)
            try:
                self.check()
            except Exception as exc:  # noqa: BLE001 - the poller must outlive a bad day
                log.warning("postguard: bundle check failed: %s", type(exc).__name__)
