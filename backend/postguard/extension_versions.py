"""The extension versions this service has been called by, for central's status.

The extension names its version in a request header. Every gunicorn worker may
see it, and the worker that polls central reports it, so the set lives in a file
in HOME (which also survives a restart). It is rewritten only when the set
changes; recording never fails a request.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from pathlib import Path

from flask import Flask
from flask import request

from .atomic_file import write_atomic

log = logging.getLogger("postguard.extension_versions")
HEADER = "X-PostGuard-Extension-Version"
FILE_NAME = "extension-versions.json"
MOST = 8  # central keeps at most 8
# Central's pattern (central/api_device.py): dotted numbers, nothing a person wrote.
VERSION = re.compile(r"[0-9]{1,5}(\.[0-9]{1,5}){0,3}")


def valid(value: object) -> bool:
    return isinstance(value, str) and VERSION.fullmatch(value) is not None


class ExtensionVersions:
    """The last ``MOST`` distinct versions seen, oldest first."""

    def __init__(self, home: str | Path) -> None:
        self.path = Path(home) / FILE_NAME
        self._lock = threading.Lock()
        # What this process last read or wrote, and the file's stat then: a
        # version already in it costs one stat, no read and no write.
        self._known: list[str] = []
        self._stamp: tuple[int, int, int] | None = None
        self._warned = False

    def note(self, value: str | None) -> None:
        """Remember ``value`` if it is a valid version; anything else is ignored."""
        if not valid(value):
            return
        try:
            with self._lock:
                if value in self._known and self._stamp == self._stat():
                    return
                versions = self._read()
                if value in versions:
                    return
                versions = [*versions, value][-MOST:]
                self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                write_atomic(self.path, json.dumps(versions).encode(), 0o600)
                self._known, self._stamp = versions, self._stat()
        except OSError as exc:
            if not self._warned:  # once per process: a full disk must not flood the log
                self._warned = True
                log.warning(
                    "postguard: cannot record the extension version: %s",
                    type(exc).__name__,
                )

    def current(self) -> list[str]:
        """The versions on disk (any worker's), valid ones only."""
        try:
            with self._lock:
                return list(self._read())
        except OSError:
            return []

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _read(self) -> list[str]:
        """The file's versions (a damaged file reads as none), cached with its stat."""
        stamp = self._stat()
        try:
            data = json.loads(self.path.read_bytes()) if stamp else []
        except ValueError:
            data = []
        versions = [v for v in data if valid(v)] if isinstance(data, list) else []
        self._known, self._stamp = versions[-MOST:], stamp
        return self._known


def init_app(app: Flask) -> ExtensionVersions:
    """Record the header of requests that passed the security checks: call it
    after ``security.init_app``, whose refusals stop later hooks."""
    versions = ExtensionVersions(app.config["HOME"])
    app.extensions["postguard_extension_versions"] = versions

    @app.before_request
    def _note_extension_version() -> None:
        versions.note(request.headers.get(HEADER))

    return versions
