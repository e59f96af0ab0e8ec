"""Telemetry with real processes: a `postguard serve` (gunicorn) sends its counts
to a `postguard central serve`.

- A canary draft goes through scan and events; afterwards no sink on either side
  (logs, every file in both homes, every table of central's database) holds it.
- Kill -9 of the whole service during uploads, at many moments: every queued row
  reaches central exactly once.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time
from datetime import datetime
from datetime import timezone
from pathlib import Path

from bundle_support import packaged_bundle
from bundle_support import signed
from bundle_support import write_pem
from sqlalchemy import create_engine
from sqlalchemy import text

from postguard import telemetry
from postguard.central.models import Base
from postguard.testing import central_command
from postguard.testing import cli_env
from postguard.testing import start_central
from postguard.testing import start_service
from postguard.testing import wait_until

CANARY = "CANARY-tlm4Qv-do-not-send"
CARD = "4539 1488 0343 6467"  # Luhn-valid; in no rule example
SECRET = f"{CANARY} card {CARD}"
SECRET_FORMS = (CANARY, CARD, CARD.replace(" ", ""))


def cli(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        central_command(*args), env=env, capture_output=True, text=True, timeout=60
    )


def central_setup(tmp_path: Path, key, db_url: str | None = None):
    """A central with an admin, an enrolment token and version 1 to all."""
    pinned = write_pem(tmp_path / "pinned.pub.pem", key)
    env = cli_env(
        tmp_path / "home-unused",
        POSTGUARD_CENTRAL_HOME=str(tmp_path / "central"),
        POSTGUARD_CENTRAL_KEYS=pinned,
        POSTGUARD_CENTRAL_WORKERS="1",
    )
    if db_url:
        env["POSTGUARD_CENTRAL_DB"] = db_url
    admin = cli(env, "admin", "create", "alice").stdout.strip()
    enrolment = cli(env, "enrol-token", "--uses", "5").stdout.strip()
    central = start_central(env, tmp_path / "central.log")
    envelope = tmp_path / "v1.signed.json"
    envelope.write_bytes(signed(packaged_bundle(), key, 1, datetime.now(timezone.utc)))
    admin_env = {**env, "POSTGUARD_ADMIN_TOKEN": admin}
    done = cli(admin_env, "publish", "--url", central.url, "--all", str(envelope))
    assert done.returncode == 0, done.stderr
    laptop = {
        "POSTGUARD_BUNDLE_KEYS": pinned,
        "POSTGUARD_CENTRAL_URL": central.url,
        "POSTGUARD_ENROLMENT_TOKEN": enrolment,
        "POSTGUARD_CENTRAL_POLL_SECONDS": "1",
        "POSTGUARD_TELEMETRY_FLUSH_SECONDS": "1",
        "POSTGUARD_RATE_LIMIT_PER_SECOND": "0",
    }
    return central, laptop


def central_cells(db_url: str) -> str:
    """Every cell of every table of central's database, as text."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return " ".join(
                str(cell)
                for table in Base.metadata.sorted_tables
                for row in conn.execute(text(f"SELECT * FROM {table.name}"))
                for cell in row
            )
    finally:
        engine.dispose()


def telemetry_rows(db_url: str) -> list[dict]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT * FROM telemetry ORDER BY seq"))
            return [dict(row._mapping) for row in rows]
    finally:
        engine.dispose()


def files_under(*roots: Path) -> list[Path]:
    return [p for root in roots for p in root.rglob("*") if p.is_file()]


def test_no_canary_reaches_any_sink_on_either_side(tmp_path, key, db_url):
    """On SQLite and on PostgreSQL (``db_url``)."""
    central, laptop = central_setup(tmp_path, key, db_url)
    service = start_service(tmp_path / "home", tmp_path / "serve.log", **laptop)
    try:
        wait_until(lambda: health(service)["bundle"]["version"] == 1)
        status, _, body = service.request(
            "POST", "/api/v1/scan", {"text": SECRET, "platform": "x"}
        )
        assert status == 200
        answer = json.loads(body)
        assert answer["verdict"] != "allow"
        event = {
            "rule_ids": sorted({f["rule_id"] for f in answer["findings"]}),
            "categories": sorted({f["category"] for f in answer["findings"]}),
            "action": "edited",
            "platform": "x",
            "rules_version": answer["rules_version"],
        }
        assert service.request("POST", "/api/v1/events", event)[0] == 201
        for smuggled in (
            {**event, "rules_version": SECRET},
            {**event, "note": SECRET},
            {**event, "platform": CANARY.lower()},
        ):
            service.request("POST", "/api/v1/events", smuggled)
        service.request("POST", "/api/v1/scan", {"text": SECRET, "platform": CANARY})

        def arrived():
            rows = telemetry_rows(db_url)
            kinds = {r["kind"] for r in rows}
            return kinds == {"finding", "scans"} and rows

        rows = wait_until(arrived)
        wait_until(lambda: health(service)["central"]["telemetry"]["pending"] == 0)
    finally:
        service.stop()
        central.stop()
    found = [r for r in rows if r["kind"] == "finding"]
    assert {r["rule_id"] for r in found} == set(event["rule_ids"])
    assert all(r["action"] == "edited" and r["bundle_version"] == 1 for r in found)
    assert sum(r["scans"] for r in rows if r["kind"] == "scans") >= 1
    sinks = {"central database": central_cells(db_url)}
    sinks["service log"] = service.log()
    sinks["central log"] = central.log()
    for path in files_under(tmp_path / "home", tmp_path / "central"):
        sinks[str(path)] = path.read_bytes().decode("latin-1")
    assert (tmp_path / "home" / telemetry.OUTBOX_NAME).is_file()
    for where, content in sinks.items():
        for form in SECRET_FORMS:
            assert form not in content, f"{form!r} in {where}"


def health(service) -> dict:
    return json.loads(service.request("GET", "/api/v1/health")[2])


ROWS = 8000
ROUNDS = 8


def test_kill_9_during_uploads_loses_and_repeats_no_row(tmp_path, key):
    central, laptop = central_setup(tmp_path, key)
    db_url = f"sqlite:///{tmp_path / 'central' / 'central.sqlite3'}"
    home = tmp_path / "home"
    outbox = telemetry.Outbox(home / telemetry.OUTBOX_NAME)
    outbox.add(
        [
            {
                "kind": "scans",
                "day": telemetry.today(),
                "platform": "x",
                "bundle_version": 1,
                "verdict": "allow",
                "scans": n,
                "failed": 0,
            }
            for n in range(1, ROWS + 1)
        ]
    )
    stream = outbox.batch()["stream"]
    outbox.close()
    chance = random.Random(7)
    pending_after_kills = []
    try:
        for _ in range(ROUNDS):
            service = start_service(home, tmp_path / "serve.log", **laptop)
            time.sleep(chance.uniform(0.0, 1.5))
            service.stop(signal.SIGKILL)
            left = telemetry.Outbox(home / telemetry.OUTBOX_NAME)
            pending_after_kills.append(left.pending())
            left.close()
            if pending_after_kills[-1] == 0:
                break
        service = start_service(home, tmp_path / "serve.log", **laptop)
        wait_until(lambda: health(service)["central"]["telemetry"]["pending"] == 0)
        service.stop()
    finally:
        central.stop()
    # Some kills landed mid-upload: part of the queue had gone, part had not.
    assert any(0 < left < ROWS for left in pending_after_kills), pending_after_kills
    sent = [r for r in telemetry_rows(db_url) if r["stream"] == stream]
    assert [r["seq"] for r in sent] == list(range(1, ROWS + 1))
    assert sorted(r["scans"] for r in sent) == list(range(1, ROWS + 1))
