"""The local audit log: what was caught and what the employee did, metadata only.

SQLite in WAL mode with ``synchronous=FULL``: an event is on disk before the
service answers 201, so it survives ``kill -9`` and power loss. Rows hold rule ids,
categories, the action, the platform, the site field it was in (alt_text, bio...:
an identifier), the rules version, a reason code from a fixed list and, if the
admin enables it, the length of the employee's note; never post text, matched
values or anything else the employee typed.

Each row carries the hash of the row before it (a hash chain), and the chain's head
and anchor live in their own table, so ``postguard events verify`` finds the first
row that was edited, deleted or inserted by hand. A same-user attacker can still
rewrite the whole chain: this catches tampering with a SQLite editor, not a
determined insider (see docs/service.md).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

from .private_sqlite import open_durable

COLUMNS = (
    "id",
    "ts",
    "action",
    "rule_ids",
    "categories",
    "platform",
    "rules_version",
    "mode",
    "reason",
    "note_length",
    "simulated",
    "field",
)
# Columns added after the first chained release: a row's link covers one only
# when it is set, so the rows written before it still verify.
LATER_COLUMNS = frozenset({"simulated", "field"})
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
    reason TEXT,                     -- a code from REASONS, or NULL
    note_length INTEGER,             -- only when the policy records it
    simulated TEXT,                  -- JSON {rule_id: action it would have had}
    field TEXT,                      -- site field (alt_text, bio...), NULL: the post
    prev_hash TEXT NOT NULL,         -- row_hash of the row before
    row_hash TEXT NOT NULL           -- sha256 over prev_hash and this row
);
CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
CREATE TABLE IF NOT EXISTS chain (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    anchor TEXT NOT NULL,            -- prev_hash of the oldest row kept
    head TEXT NOT NULL               -- row_hash of the newest row
);
"""
GENESIS = "0" * 64
PURGE_EVERY_SECONDS = 3600
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def row_hash(prev_hash: str, row: dict) -> str:
    """The chain link: sha256 of the previous hash and this row's stored values."""
    values = [
        prev_hash,
        *(
            row[column]
            for column in COLUMNS
            if column not in LATER_COLUMNS or row[column] is not None
        ),
    ]
    canonical = json.dumps(values, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    """What ``verify`` found: ``broken_at`` is the first bad row id, or None."""

    rows: int
    broken_at: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return not self.problem


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
            conn = open_durable(self.path)
            conn.execute("PRAGMA secure_delete=ON")  # purged rows are overwritten
            _upgrade_old_schema(conn)
            conn.executescript(SCHEMA)
            _add_later_columns(conn)
            conn.execute(
                "INSERT OR IGNORE INTO chain (id, anchor, head) VALUES (1, ?, ?)",
                (GENESIS, GENESIS),
            )
            self._conn = conn
        return self._conn

    def record(self, event: dict, mode: str, *, keep_note_length: bool) -> int:
        """Insert one event durably and return its id."""
        row = {
            "ts": _utc_now().isoformat(),
            "action": event["action"],
            "rule_ids": json.dumps(event["rule_ids"]),
            "categories": json.dumps(event["categories"]),
            "platform": event["platform"],
            "rules_version": event["rules_version"],
            "mode": mode,
            "reason": event.get("reason"),
            "note_length": event.get("note_length") if keep_note_length else None,
            "simulated": _simulated(event.get("simulated")),
            "field": event.get("field"),
        }
        with self._lock:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                (head,) = conn.execute("SELECT head FROM chain WHERE id = 1").fetchone()
                fields = [c for c in COLUMNS if c != "id"]
                # The link covers the id, which SQLite assigns: insert, then seal.
                row["id"] = conn.execute(
                    f"INSERT INTO events ({', '.join(fields)}, prev_hash, row_hash)"
                    f" VALUES ({', '.join('?' * (len(fields) + 2))})",
                    (*(row[c] for c in fields), head, ""),
                ).lastrowid
                link = row_hash(head, row)
                conn.execute(
                    "UPDATE events SET row_hash = ? WHERE id = ?", (link, row["id"])
                )
                conn.execute("UPDATE chain SET head = ? WHERE id = 1", (link,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            self._purge_now_and_then(conn)
            return row["id"]

    def _purge_now_and_then(self, conn: sqlite3.Connection) -> None:
        if time.monotonic() - self._last_purge < PURGE_EVERY_SECONDS:
            return
        self._last_purge = time.monotonic()
        self._purge(conn)

    def _purge(self, conn: sqlite3.Connection) -> int:
        cutoff = _utc_now() - timedelta(days=self.retention_days)
        conn.execute("BEGIN IMMEDIATE")
        try:
            deleted = conn.execute(
                "DELETE FROM events WHERE ts < ?", (cutoff.isoformat(),)
            ).rowcount
            # The oldest row kept now starts the chain; with none left, the head.
            first = conn.execute(
                "SELECT prev_hash FROM events ORDER BY id LIMIT 1"
            ).fetchone()
            if deleted:
                anchor = (
                    first[0]
                    if first
                    else conn.execute("SELECT head FROM chain WHERE id = 1").fetchone()[
                        0
                    ]
                )
                conn.execute("UPDATE chain SET anchor = ? WHERE id = 1", (anchor,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return deleted

    def purge(self) -> int:
        """Delete events older than the retention period; returns how many."""
        with self._lock:
            return self._purge(self._connection())

    @staticmethod
    def _read_rows(conn: sqlite3.Connection) -> list[dict]:
        cursor = conn.execute(
            f"SELECT {', '.join(COLUMNS)}, prev_hash, row_hash FROM events ORDER BY id"
        )
        names = (*COLUMNS, "prev_hash", "row_hash")
        return [dict(zip(names, values, strict=True)) for values in cursor]

    def _stored_rows(self) -> list[dict]:
        with self._lock:
            return self._read_rows(self._connection())

    def rows(self) -> list[dict]:
        found = []
        for stored in self._stored_rows():
            row = {column: stored[column] for column in COLUMNS}
            row["rule_ids"] = json.loads(row["rule_ids"])
            row["categories"] = json.loads(row["categories"])
            if row["simulated"] is not None:
                row["simulated"] = json.loads(row["simulated"])
            found.append(row)
        return found

    def verify(self) -> ChainReport:
        """Walk the chain from its anchor; report the first row that breaks it."""
        # One read transaction: the running service may add a row meanwhile, and
        # ends and rows from two moments would look like tampering.
        with self._lock:
            conn = self._connection()
            conn.execute("BEGIN")
            try:
                anchor, head = conn.execute(
                    "SELECT anchor, head FROM chain WHERE id = 1"
                ).fetchone()
                rows = self._read_rows(conn)
            finally:
                conn.execute("COMMIT")
        expected_prev = anchor
        for row in rows:
            if row["prev_hash"] != expected_prev:
                return ChainReport(
                    len(rows),
                    row["id"],
                    "a row before it was deleted or inserted by hand",
                )
            if row_hash(row["prev_hash"], row) != row["row_hash"]:
                return ChainReport(len(rows), row["id"], "the row was changed")
            expected_prev = row["row_hash"]
        if expected_prev != head:
            last = rows[-1]["id"] if rows else None
            return ChainReport(len(rows), last, "rows after it were deleted")
        return ChainReport(len(rows))

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def _upgrade_old_schema(conn: sqlite3.Connection) -> None:
    """Databases from 0.1 kept a free-text justification and no chain: rebuild
    them without it, chained, and wipe the old pages (the text must not linger)."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(events)")}
    if "justification" not in columns:
        return
    old = conn.execute(
        "SELECT id, ts, action, rule_ids, categories, platform, "
        "rules_version, mode FROM events ORDER BY id"
    ).fetchall()
    conn.execute("DROP TABLE events")
    conn.executescript(SCHEMA)
    prev = GENESIS
    for values in old:
        row = dict(
            zip(COLUMNS[:8], values, strict=True),
            reason=None,
            note_length=None,
            simulated=None,
            field=None,
        )
        link = row_hash(prev, row)
        conn.execute(
            f"INSERT INTO events ({', '.join(COLUMNS)}, prev_hash, row_hash)"
            f" VALUES ({', '.join('?' * (len(COLUMNS) + 2))})",
            (*(row[c] for c in COLUMNS), prev, link),
        )
        prev = link
    conn.execute(
        "INSERT OR REPLACE INTO chain (id, anchor, head) VALUES (1, ?, ?)",
        (GENESIS, prev),
    )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")


def _simulated(entries: list[dict] | None) -> str | None:
    """The event's ``simulated`` as stored: {rule_id: action}, or NULL."""
    if not entries:
        return None
    by_rule = {entry["rule_id"]: entry["action"] for entry in entries}
    return json.dumps(by_rule, sort_keys=True)


def _add_later_columns(conn: sqlite3.Connection) -> None:
    """A log from before a column was added gets it, empty for its old rows."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(events)")}
    for column in sorted(LATER_COLUMNS - columns):
        conn.execute(f"ALTER TABLE events ADD COLUMN {column} TEXT")


def _csv_cell(value) -> str:
    if isinstance(value, dict):  # simulated: rule=action;rule=action
        value = [f"{key}={action}" for key, action in value.items()]
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
