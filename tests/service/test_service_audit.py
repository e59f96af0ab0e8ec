"""The audit store and POST /api/v1/events: metadata only, durable, exportable."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import stat
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

import pytest
from service_support import CANARY
from service_support import CARD

from postguard.audit import AuditStore
from postguard.audit import write_export

EVENTS = "/api/v1/events"


@pytest.fixture
def rule_id(app):
    return sorted(app.extensions["postguard"].known_rule_ids)[0]


@pytest.fixture
def event(app, rule_id):
    return {"rule_ids": [rule_id], "categories": ["credential"], "action": "posted",
            "platform": "linkedin",
            "rules_version": app.extensions["postguard"].engine.rules_version}


def stored(app) -> list[dict]:
    return app.extensions["postguard"].audit.rows()


def test_event_is_stored_with_metadata_only(api, app, event):
    response = api.post(EVENTS, json=event)
    assert response.status_code == 201
    rows = stored(app)
    assert [row["id"] for row in rows] == [response.get_json()["id"]]
    row = rows[0]
    assert {k: row[k] for k in event} == event
    assert row["mode"] == "enforce" and row["justification"] is None
    parsed = datetime.fromisoformat(row["ts"])
    assert abs(parsed - datetime.now(timezone.utc)) < timedelta(minutes=1)


def test_database_is_wal_full_sync_and_user_only(api, app, event):
    assert api.post(EVENTS, json=event).status_code == 201
    path = Path(app.config["AUDIT_DB"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    conn = app.extensions["postguard"].audit._connection()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


@pytest.mark.parametrize("extra", [
    {"text": CANARY}, {"value": CARD}, {"snippet": CANARY}, {"matched": CARD},
    {"context": CANARY}, {"preview": "•••• 1111"}, {"url": "https://x.com/me"},
])
def test_fields_that_could_carry_post_text_are_refused(api, app, event, extra):
    response = api.post(EVENTS, json={**event, **extra})
    assert response.status_code == 400
    assert "Unknown field" in response.get_json()["error"]["message"]
    assert stored(app) == []


@pytest.mark.parametrize("field, value", [
    ("rule_ids", [CARD]),                          # not an id
    ("rule_ids", ["4111-1111-1111-1111"]),         # id-shaped, but no such rule
    ("rule_ids", ["x" * 65]),
    ("categories", ["credential", CANARY]),
    ("action", CANARY),
    ("platform", CANARY),
    ("platform", "myspace"),                       # well formed, not in the policy
    ("rules_version", CANARY + " " + CARD),
    ("rules_version", "v" * 65),
    ("justification", "fine"),                     # only allowed with "overridden"
])
def test_values_that_could_smuggle_text_are_refused(api, app, event, field, value):
    response = api.post(EVENTS, json={**event, field: value})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert CANARY not in body and CARD not in body
    assert stored(app) == []


def test_overlong_justification_is_refused(api, app, event):
    response = api.post(EVENTS, json={**event, "action": "overridden",
                                      "justification": "x" * 501})
    assert response.status_code == 400
    assert stored(app) == []


def test_override_justification_is_kept_with_secrets_redacted(api, app, event):
    reason = f"client asked me to post card {CARD} today"
    response = api.post(EVENTS, json={**event, "action": "overridden",
                                      "justification": reason})
    assert response.status_code == 201
    kept = stored(app)[0]["justification"]
    assert kept.startswith("client asked me to post card ")
    assert "[redacted]" in kept and "4111" not in kept


def test_database_file_holds_no_post_text(api, app, event):
    draft = f"{CANARY} my card is {CARD}"
    assert api.post("/api/v1/scan", json={"text": draft}).status_code == 200
    assert api.post(EVENTS, json={**event, "action": "overridden",
                                  "justification": f"ok {CARD}"}).status_code == 201
    app.extensions["postguard"].audit.close()  # checkpoint the WAL into the file
    home = Path(app.config["AUDIT_DB"]).parent
    for path in home.iterdir():
        data = path.read_bytes()
        for needle in (CANARY, CARD, CARD.replace(" ", "")):
            assert needle.encode() not in data, (path.name, needle)


def test_retention_deletes_old_events(tmp_path):
    store = AuditStore(tmp_path / "audit.sqlite3", retention_days=30)
    event = {"rule_ids": ["r"], "categories": ["pii"], "action": "posted",
             "platform": "x", "rules_version": "1"}
    store.record(event, "enforce")
    store.record(event, "enforce")
    old = (datetime.now(timezone.utc) - timedelta(days=31)).isoformat()
    store._connection().execute("UPDATE events SET ts = ? WHERE id = 1", (old,))
    assert store.purge() == 1
    assert [row["id"] for row in store.rows()] == [2]


def test_export_json_and_csv(tmp_path):
    store = AuditStore(tmp_path / "audit.sqlite3", retention_days=30)
    store.record({"rule_ids": ["a", "b"], "categories": ["pii"], "action": "overridden",
                  "justification": "=HYPERLINK(\"http://evil\")", "platform": "x",
                  "rules_version": "1"}, "simulation")
    rows = store.rows()
    out = io.StringIO()
    write_export(rows, "json", out)
    assert json.loads(out.getvalue()) == rows
    out = io.StringIO()
    write_export(rows, "csv", out)
    header, line = list(csv.reader(io.StringIO(out.getvalue())))
    record = dict(zip(header, line, strict=True))
    assert record["rule_ids"] == "a;b" and record["mode"] == "simulation"
    # A spreadsheet must not run the justification as a formula.
    assert record["justification"].startswith("'=")


def test_an_acknowledged_event_is_committed_for_other_readers(api, app, event):
    event_id = api.post(EVENTS, json=event).get_json()["id"]
    other = sqlite3.connect(app.config["AUDIT_DB"])
    try:
        assert other.execute("SELECT id FROM events").fetchall() == [(event_id,)]
    finally:
        other.close()
