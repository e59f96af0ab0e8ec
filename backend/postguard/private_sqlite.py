"""The service's own SQLite files (the audit log, the telemetry queue)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path


def open_durable(path: Path) -> sqlite3.Connection:
    """A user-only SQLite file in WAL mode with full sync: a write is on disk
    before it returns, so it survives ``kill -9`` and power loss. Autocommit
    (transactions are explicit); shared between one process's threads."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Create the file user-only; SQLite gives -wal/-shm the same mode.
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    conn = sqlite3.connect(
        path, isolation_level=None, check_same_thread=False, timeout=5
    )
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    return conn
