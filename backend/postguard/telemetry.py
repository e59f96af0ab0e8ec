"""Telemetry for central: metadata only, queued on disk, each row counted once.

Rows are closed shapes built here from ids, enums and counts, never from text:

- ``finding``: one per rule in a recorded event: the day, rule id, category, what
  the employee did, the action the policy gave (and whether the rule only
  simulated it), platform and signed-bundle version;
- ``scans``: how many scans ended in each verdict and how many failed, per day,
  platform and bundle version, counted in memory and flushed every minute;
- ``images``: the same counts for attached images (POST /api/v1/image), kept
  apart so the rollout health gate's scan rates stay about typed text.

The outbox (HOME/telemetry.sqlite3) keeps at most ``max_rows``: past that the
oldest go and ``dropped`` counts them, so an unreachable central never fills the
disk. An upload sends rows in ``seq`` order with the outbox's random stream id;
central stores each (stream, seq) once and answers the highest seq it holds, and
only then are those rows deleted here. A kill at any point re-sends at most the
batch in flight, which central recognises: no acknowledged row is lost or counted
twice.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sqlite3
import threading
import time
from collections import Counter
from datetime import datetime
from datetime import timezone
from pathlib import Path

from .image_rules import RULE_IDS as IMAGE_RULE_IDS
from .private_sqlite import open_durable

log = logging.getLogger("postguard.telemetry")
OUTBOX_NAME = "telemetry.sqlite3"
MAX_ROWS = 50_000
BATCH_ROWS = 500
BATCHES_PER_ROUND = 20
FLUSH_SECONDS = 60
# Scans that could not run all rules for a reason other than the draft's length.
FAILED_SCAN_REASONS = frozenset({"timeout", "budget", "error"})
SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    item TEXT NOT NULL               -- JSON, one of the shapes in this module
);
CREATE TABLE IF NOT EXISTS meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    stream TEXT NOT NULL,            -- random; names this outbox to central
    dropped INTEGER NOT NULL         -- rows removed unsent by the cap
);
"""


def today() -> str:
    return datetime.now(timezone.utc).date().isoformat()


def finding_rows(kinds, action: str, platform: str, policy, bundle_version):
    """One ``finding`` row per rule kind ({rule_id, category, severity}) of an
    event the employee's client recorded; an image check's rule gets the
    policy's attachment action."""
    day = today()
    rows = []
    for kind in kinds:
        rows.append(
            {
                "kind": "finding",
                "day": day,
                "rule_id": kind["rule_id"],
                "category": kind["category"],
                "action": action,
                "policy_action": policy.action_for(
                    kind, platform, attachment=kind["rule_id"] in IMAGE_RULE_IDS
                ),
                "simulated": policy.simulates(kind["rule_id"]),
                "platform": platform,
                "bundle_version": bundle_version,
            }
        )
    return rows


def scan_failed(incomplete) -> bool:
    return any(gap.get("reason") in FAILED_SCAN_REASONS for gap in incomplete)


class Outbox:
    """The on-disk queue; one connection per process, opened lazily (after fork)."""

    def __init__(self, path: str | os.PathLike, max_rows: int = MAX_ROWS) -> None:
        self.path = Path(path)
        self.max_rows = max_rows
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            conn = open_durable(self.path)
            conn.executescript(SCHEMA)
            conn.execute(
                "INSERT OR IGNORE INTO meta (id, stream, dropped) VALUES (1, ?, 0)",
                (secrets.token_hex(16),),
            )
            self._conn = conn
        return self._conn

    def add(self, rows: list[dict]) -> None:
        if not rows:
            return
        with self._lock:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(
                    "INSERT INTO outbox (item) VALUES (?)",
                    [(json.dumps(row, separators=(",", ":")),) for row in rows],
                )
                (count,) = conn.execute("SELECT COUNT(*) FROM outbox").fetchone()
                excess = count - self.max_rows
                if excess > 0:
                    conn.execute(
                        "DELETE FROM outbox WHERE seq IN "
                        "(SELECT seq FROM outbox ORDER BY seq LIMIT ?)",
                        (excess,),
                    )
                    conn.execute(
                        "UPDATE meta SET dropped = dropped + ? WHERE id = 1", (excess,)
                    )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def batch(self, limit: int = BATCH_ROWS) -> dict:
        """The oldest rows, ready to send: ``{stream, dropped, items}``."""
        with self._lock:
            conn = self._connection()
            stream, dropped = conn.execute(
                "SELECT stream, dropped FROM meta WHERE id = 1"
            ).fetchone()
            rows = conn.execute(
                "SELECT seq, item FROM outbox ORDER BY seq LIMIT ?", (limit,)
            ).fetchall()
        items = [{"seq": seq, **json.loads(item)} for seq, item in rows]
        return {"stream": stream, "dropped": dropped, "items": items}

    def acknowledge(self, through_seq: int) -> None:
        """Central holds every row up to ``through_seq``: forget them."""
        with self._lock:
            self._connection().execute(
                "DELETE FROM outbox WHERE seq <= ?", (through_seq,)
            )

    def pending(self) -> int:
        with self._lock:
            return (
                self._connection().execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
            )

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


class ScanCounter:
    """Scan outcomes counted in memory, flushed to the outbox every minute: a
    row per scan would be a write per keystroke pause."""

    def __init__(self, outbox: Outbox, flush_seconds: float = FLUSH_SECONDS) -> None:
        self.outbox = outbox
        self.flush_seconds = flush_seconds
        self._counts: Counter = Counter()
        self._lock = threading.Lock()
        self._last_flush = time.monotonic()
        self._thread_pid: int | None = None

    def count(
        self,
        platform: str,
        verdict: str,
        failed: bool,
        bundle_version,
        kind: str = "scans",
    ):
        with self._lock:
            key = (today(), platform, bundle_version, verdict, failed, kind)
            self._counts[key] += 1
            due = time.monotonic() - self._last_flush >= self.flush_seconds
        if due:
            self.flush()

    def start(self) -> None:
        """Flush every ``flush_seconds`` in this process (call it after fork)."""
        if self._thread_pid == os.getpid():
            return
        self._thread_pid = os.getpid()
        threading.Thread(
            target=self._loop, name="postguard-telemetry", daemon=True
        ).start()

    def _loop(self) -> None:
        while True:
            time.sleep(self.flush_seconds)
            self.flush()

    def flush(self) -> None:
        with self._lock:
            counts, self._counts = self._counts, Counter()
            self._last_flush = time.monotonic()
        merged: dict[tuple, dict] = {}
        for (day, platform, version, verdict, failed, kind), n in counts.items():
            row = merged.setdefault(
                (day, platform, version, verdict, kind),
                {
                    "kind": kind,
                    "day": day,
                    "platform": platform,
                    "bundle_version": version,
                    "verdict": verdict,
                    "scans": 0,
                    "failed": 0,
                },
            )
            row["scans"] += n
            row["failed"] += n if failed else 0
        try:
            self.outbox.add(list(merged.values()))
        except sqlite3.Error as exc:
            log.warning("postguard: telemetry not queued: %s", type(exc).__name__)


class Uploader:
    """Sends the outbox to central in the polling process's rounds.

    ``send(body)`` posts one batch and returns central's answer (a dict with
    ``through_seq``) or raises; failures back off by skipping rounds, doubling
    up to 64 rounds."""

    def __init__(self, outbox: Outbox, counter: ScanCounter | None = None) -> None:
        self.outbox = outbox
        self.counter = counter
        self.failures = 0
        self._skip = 0
        self.last_error: str | None = None

    def upload(self, send) -> int:
        """Send what is queued; returns how many rows central acknowledged."""
        if self._skip:
            self._skip -= 1
            return 0
        if self.counter is not None:
            self.counter.flush()
        sent = 0
        try:
            for _ in range(BATCHES_PER_ROUND):
                body = self.outbox.batch()
                if not body["items"]:
                    break
                answer = send(body)
                through = answer.get("through_seq")
                last = body["items"][-1]["seq"]
                if type(through) is not int or not 0 < through <= last:
                    raise ValueError("central's answer names no sent row")
                self.outbox.acknowledge(through)
                sent += sum(1 for item in body["items"] if item["seq"] <= through)
                if through < last:
                    break  # central took part: the rest waits for the next round
        except Exception as exc:  # noqa: BLE001 - kept on disk; tried again later
            self.failures += 1
            self._skip = min(2 ** min(self.failures, 6), 64) - 1
            # A reason code (central_client.CentralError's), never the answer.
            self.last_error = getattr(exc, "reason", "bad_answer")
            log.warning("postguard: telemetry upload failed: %s", self.last_error)
            return sent
        self.failures, self._skip, self.last_error = 0, 0, None
        return sent


class Telemetry:
    """What the app holds: the outbox, the scan counter and the uploader."""

    def __init__(
        self,
        home: str | os.PathLike,
        max_rows: int = MAX_ROWS,
        flush_seconds: float = FLUSH_SECONDS,
    ) -> None:
        self.outbox = Outbox(Path(home) / OUTBOX_NAME, max_rows)
        self.counter = ScanCounter(self.outbox, flush_seconds)
        self.uploader = Uploader(self.outbox, self.counter)

    def scanned(self, platform: str, verdict: str, incomplete, bundle_version):
        self.counter.count(platform, verdict, scan_failed(incomplete), bundle_version)

    def images_checked(
        self, platform: str, verdict: str, failed: bool, bundle_version
    ) -> None:
        """One image analysed (``failed``: a check timed out or broke)."""
        self.counter.count(platform, verdict, failed, bundle_version, "images")

    def recorded(self, kinds, action: str, platform: str, policy, bundle_version):
        try:
            self.outbox.add(
                finding_rows(kinds, action, platform, policy, bundle_version)
            )
        except sqlite3.Error as exc:  # the event itself is on disk: answer 201
            log.warning("postguard: telemetry not queued: %s", type(exc).__name__)

    def status(self) -> dict:
        return {
            "pending": self.outbox.pending(),
            "last_error": self.uploader.last_error,
        }
