"""A rule in simulation reaches the audit log with the post: its id among the
'posted' event's rule ids, and ``simulated``, the action it would have had, so
admins can count how often it would fire, and with what, before enforcing it."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3

import pytest
from service_support import CANARY
from service_support import CARD
from service_support import Api

from postguard.app import create_app
from postguard.audit import GENESIS
from postguard.audit import SCHEMA
from postguard.audit import AuditStore
from postguard.audit import write_export

EVENTS = "/api/v1/events"
SCAN = "/api/v1/scan"
POLICY_YAML = """\
version: 1
mode: enforce
default_action: warn
actions: {account_number: {high: block_with_override}}
simulate: [credit-card]
platforms: {x: , other: }
"""


@pytest.fixture
def app(settings, tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY_YAML)
    app = create_app({**settings, "POLICY_FILE": str(path)})
    yield app
    app.extensions["postguard"].audit.close()


@pytest.fixture
def api(app):
    return Api(app.test_client())


def posted_event(app, findings) -> dict:
    """The 'posted' event the extension sends (content/session-actions.js) for
    the findings nobody was shown."""
    event = {
        "rule_ids": sorted({f["rule_id"] for f in findings}),
        "categories": sorted({f["category"] for f in findings}),
        "action": "posted",
        "platform": "x",
        "rules_version": app.extensions["postguard"].engine.rules_version,
    }
    simulated = {f["rule_id"]: f["simulated_action"] for f in findings}
    event["simulated"] = [{"rule_id": r, "action": a} for r, a in simulated.items()]
    return event


def test_a_simulated_hit_is_recorded_with_the_action_it_would_have_had(api, app):
    scanned = api.post(SCAN, json={"text": f"card {CARD}", "platform": "x"})
    audited = [f for f in scanned.get_json()["findings"] if f["action"] == "audit"]
    assert [f["rule_id"] for f in audited] == ["credit-card"]
    event = posted_event(app, audited)
    response = api.post(EVENTS, json=event)
    assert response.status_code == 201, response.get_json()
    [row] = app.extensions["postguard"].audit.rows()
    assert row["rule_ids"] == ["credit-card"]
    assert row["simulated"] == {"credit-card": audited[0]["simulated_action"]}
    assert row["mode"] == "enforce"
    assert app.extensions["postguard"].audit.verify().intact


@pytest.mark.parametrize(
    "simulated",
    [
        [{"rule_id": "jwt", "action": "block"}],  # not among rule_ids
        [{"rule_id": "credit-card", "action": "block"}] * 2,
        [{"rule_id": "credit-card", "action": CANARY}],
        [{"rule_id": "credit-card", "action": "block", "value": CARD}],
        [{"rule_id": CANARY, "action": "block"}],
        {"credit-card": "block"},
    ],
)
def test_a_simulated_list_that_does_not_fit_the_event_is_refused(api, app, simulated):
    event = {**posted_event(app, []), "rule_ids": ["credit-card"]}
    response = api.post(EVENTS, json={**event, "simulated": simulated})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert CANARY not in body and CARD not in body
    assert app.extensions["postguard"].audit.rows() == []


def _event(simulated=None) -> dict:
    event = {
        "rule_ids": ["credit-card", "jwt"],
        "categories": ["account_number", "credential"],
        "action": "posted",
        "platform": "x",
        "rules_version": "1",
    }
    return {**event, "simulated": simulated} if simulated else event


def test_export_shows_the_would_be_actions(tmp_path):
    store = AuditStore(tmp_path / "audit.sqlite3", retention_days=30)
    entries = [
        {"rule_id": "jwt", "action": "block"},
        {"rule_id": "credit-card", "action": "warn"},
    ]
    store.record(_event(entries), "enforce", keep_note_length=False)
    store.record(_event(), "enforce", keep_note_length=False)
    rows = store.rows()
    assert [row["simulated"] for row in rows] == [
        {"credit-card": "warn", "jwt": "block"},
        None,
    ]
    out = io.StringIO()
    write_export(rows, "json", out)
    assert json.loads(out.getvalue()) == rows
    out = io.StringIO()
    write_export(rows, "csv", out)
    records = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["simulated"] for r in records] == ["credit-card=warn;jwt=block", ""]
    store.close()


def _previous_release_log(path) -> None:
    """One event as the release before ``simulated`` wrote it: its table had no
    such column, and a row's link covered the ten columns it had."""
    old_schema = "\n".join(
        line for line in SCHEMA.splitlines() if not line.strip().startswith("simulated")
    )
    row = {
        "id": 1,
        "ts": "2026-11-01T00:00:00+00:00",
        "action": "posted",
        "rule_ids": '["credit-card"]',
        "categories": '["account_number"]',
        "platform": "x",
        "rules_version": "1",
        "mode": "enforce",
        "reason": None,
        "note_length": None,
    }
    link = hashlib.sha256(
        json.dumps([GENESIS, *row.values()], separators=(",", ":")).encode()
    ).hexdigest()
    with sqlite3.connect(path) as conn:
        conn.executescript(old_schema)
        names = ", ".join([*row, "prev_hash", "row_hash"])
        conn.execute(
            f"INSERT INTO events ({names}) VALUES ({', '.join('?' * (len(row) + 2))})",
            (*row.values(), GENESIS, link),
        )
        conn.execute("INSERT INTO chain VALUES (1, ?, ?)", (GENESIS, link))
    conn.close()


def test_a_log_from_before_the_column_gets_it_and_still_verifies(tmp_path):
    path = tmp_path / "audit.sqlite3"
    _previous_release_log(path)
    store = AuditStore(path, retention_days=3650)
    assert store.verify().intact
    entries = [{"rule_id": "jwt", "action": "block"}]
    store.record(_event(entries), "enforce", keep_note_length=False)
    assert [row["simulated"] for row in store.rows()] == [None, {"jwt": "block"}]
    assert store.verify().intact
    store.close()


@pytest.mark.parametrize("forged", ['{"jwt": "audit"}', None])
def test_the_would_be_action_is_covered_by_the_chain(tmp_path, forged):
    store = AuditStore(tmp_path / "audit.sqlite3", retention_days=30)
    entries = [{"rule_id": "jwt", "action": "block"}]
    store.record(_event(entries), "enforce", keep_note_length=False)
    store.close()
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE events SET simulated = ?", (forged,))
    conn.close()
    store = AuditStore(store.path, retention_days=30)
    report = store.verify()
    assert not report.intact and report.broken_at == 1
    store.close()
