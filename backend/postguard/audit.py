"""The local audit log: what was caught and what the employee did, metadata only.

SQLite in WAL mode with ``synchronous=FULL``: an event is on disk before the
service answers 201, so it survives ``kill -9`` and power loss. Rows hold rule ids,
categories, the action, the platform and the rules version (plus an override
justification with any detected secret redacted), never post text or matched values.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import threading
import time
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

COLUMNS = ("id", "ts", "action", "rule_ids", "categories", "platform",
           "rules_version", "mode", "justification")
SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts TEXT NOT NULL,                -- UTC, ISO 8601, whole seconds
    action TEXT NOT NULL,
    rule_ids TEXT NOT NULL,          -- JSON list
    categories TEXT NOT NULL,        -- JSON list
    platform TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    mode TEXT NOT NULL,              -- policy mode when recorded
    justification TEXT
);
CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
"""
PURGE_EVERY_SECONDS = 3600
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


class AuditStore:
    """One connection per process, opened lazily (after gunicorn forks)."""

    def __init__(self, path: str | os.PathLike, retention_days: int):
        self.path = Path(path)
        self.retention_days = retention_days
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._last_purge = 0.0

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            # Create the file user-only; SQLite gives -wal/-shm the same mode.
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
            conn = sqlite3.connect(self.path, isolation_level=None,
                                   check_same_thread=False, timeout=5)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.executescript(SCHEMA)
            self._conn = conn
        return self._conn

    def record(self, event: dict, mode: str) -> int:
        """Insert one event durably and return its id."""
        row = (_utc_now().isoformat(), event["action"], json.dumps(event["rule_ids"]),
               json.dumps(event["categories"]), event["platform"],
               event["rules_version"], mode, event.get("justification"))
        with self._lock:
            conn = self._connection()
            cursor = conn.execute(
                "INSERT INTO events (ts, action, rule_ids, categories, platform,"
                " rules_version, mode, justification) VALUES (?,?,?,?,?,?,?,?)", row)
            self._purge_now_and_then(conn)
            return cursor.lastrowid

    def _purge_now_and_then(self, conn: sqlite3.Connection) -> None:
        if time.monotonic() - self._last_purge < PURGE_EVERY_SECONDS:
            return
        self._last_purge = time.monotonic()
        self._purge(conn)

    def _purge(self, conn: sqlite3.Connection) -> int:
        cutoff = _utc_now() - timedelta(days=self.retention_days)
        return conn.execute("DELETE FROM events WHERE ts < ?",
                            (cutoff.isoformat(),)).rowcount

    def purge(self) -> int:
        """Delete events older than the retention period; returns how many."""
        with self._lock:
            return self._purge(self._connection())

    def rows(self) -> list[dict]:
        with self._lock:
            cursor = self._connection().execute(
                f"SELECT {', '.join(COLUMNS)} FROM events ORDER BY id")
            found = [dict(zip(COLUMNS, values, strict=True)) for values in cursor]
        for row in found:
            row["rule_ids"] = json.loads(row["rule_ids"])
            row["categories"] = json.loads(row["categories"])
        return found

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def _csv_cell(value) -> str:
    if isinstance(value, list):
        value = ";".join(value)
    text = "" if value is None else str(value)
    # Spreadsheets run cells that start like a formula; neutralise them.
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def write_export(rows: list[dict], fmt: str, stream) -> None:
    """Write audit rows as ``json`` (a list of objects) or ``csv`` (one per line)."""
    if fmt == "json":
        json.dump(rows, stream, indent=2, ensure_ascii=False)
        stream.write("\n")
        return
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_csv_cell(row[column]) for column in COLUMNS])
