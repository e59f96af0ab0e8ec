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

from postguard import audit
from postguard.app import create_app
from postguard.audit import AuditStore
from postguard.audit import write_export
from postguard.cli import main

EVENTS = "/api/v1/events"


@pytest.fixture
def rule_id(app):
    return sorted(app.extensions["postguard"].known_rule_ids)[0]


@pytest.fixture
def event(app, rule_id):
    return {
        "rule_ids": [rule_id],
        "categories": ["credential"],
        "action": "posted",
        "platform": "linkedin",
        "rules_version": app.extensions["postguard"].engine.rules_version,
    }


def stored(app) -> list[dict]:
    return app.extensions["postguard"].audit.rows()


def test_event_is_stored_with_metadata_only(api, app, event):
    response = api.post(EVENTS, json=event)
    assert response.status_code == 201
    rows = stored(app)
    assert [row["id"] for row in rows] == [response.get_json()["id"]]
    row = rows[0]
    assert {k: row[k] for k in event} == event
    assert row["mode"] == "enforce" and row["reason"] is None
    parsed = datetime.fromisoformat(row["ts"])
    assert abs(parsed - datetime.now(timezone.utc)) < timedelta(minutes=1)


@pytest.mark.parametrize("platform", ["myspace", "4111111111111111"])
def test_a_platform_the_policy_does_not_list_is_stored_as_other(
    api, app, event, platform
):
    """Never as sent: a well-formed name could still carry digits of a value."""
    response = api.post(EVENTS, json={**event, "platform": platform})
    assert response.status_code == 201
    assert [row["platform"] for row in stored(app)] == ["other"]


def test_database_is_wal_full_sync_and_user_only(api, app, event):
    assert api.post(EVENTS, json=event).status_code == 201
    path = Path(app.config["AUDIT_DB"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    conn = app.extensions["postguard"].audit._connection()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


@pytest.mark.parametrize(
    "extra",
    [
        {"text": CANARY},
        {"value": CARD},
        {"snippet": CANARY},
        {"matched": CARD},
        {"context": CANARY},
        {"preview": "•••• 1111"},
        {"url": "https://x.com/me"},
    ],
)
def test_fields_that_could_carry_post_text_are_refused(api, app, event, extra):
    response = api.post(EVENTS, json={**event, **extra})
    assert response.status_code == 400
    assert "Unknown field" in response.get_json()["error"]["message"]
    assert stored(app) == []


@pytest.mark.parametrize(
    "field, value",
    [
        ("rule_ids", [CARD]),  # not an id
        ("rule_ids", ["4111-1111-1111-1111"]),  # id-shaped, but no such rule
        ("rule_ids", ["x" * 65]),
        ("categories", ["credential", CANARY]),
        ("action", CANARY),
        ("platform", CANARY),
        ("rules_version", CANARY + " " + CARD),
        ("rules_version", "v" * 65),
        ("reason", "fine"),  # not a reason code
        ("reason", "test_data"),  # only with override or report
        ("justification", "fine"),  # free text is gone altogether
        ("note_length", 5),  # only with a reason
    ],
)
def test_values_that_could_smuggle_text_are_refused(api, app, event, field, value):
    response = api.post(EVENTS, json={**event, field: value})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert CANARY not in body and CARD not in body
    assert stored(app) == []


@pytest.mark.parametrize("note_length", [-1, 10001, 1.5, "12"])
def test_note_length_must_be_a_plausible_count(api, app, event, note_length):
    response = api.post(
        EVENTS,
        json={
            **event,
            "action": "overridden",
            "reason": "other",
            "note_length": note_length,
        },
    )
    assert response.status_code == 400
    assert stored(app) == []


def test_override_keeps_a_reason_code_and_no_note_length_by_default(api, app, event):
    response = api.post(
        EVENTS,
        json={
            **event,
            "action": "overridden",
            "reason": "test_data",
            "note_length": 42,
        },
    )
    assert response.status_code == 201
    row = stored(app)[0]
    assert row["reason"] == "test_data" and row["note_length"] is None


def test_the_admin_can_keep_the_note_length(settings, tmp_path, event):
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "version: 1\nmode: enforce\ndefault_action: warn\n"
        "actions: {}\nplatforms: {linkedin: }\n"
        "events: {record_note_length: true}\n"
    )
    app = create_app({**settings, "POLICY_FILE": str(policy)})
    client = app.test_client()
    response = client.post(
        EVENTS,
        json={
            **event,
            "action": "reported_false_positive",
            "reason": "false_positive",
            "note_length": 42,
        },
        base_url="http://127.0.0.1:17653",
        headers={"X-PostGuard-Token": settings["TOKEN"]},
    )
    assert response.status_code == 201
    assert stored(app)[0]["note_length"] == 42
    app.extensions["postguard"].audit.close()


def test_database_file_holds_no_post_text(api, app, event):
    draft = f"{CANARY} my card is {CARD}"
    assert api.post("/api/v1/scan", json={"text": draft}).status_code == 200
    assert (
        api.post(
            EVENTS,
            json={**event, "action": "overridden", "justification": f"ok {CARD}"},
        ).status_code
        == 400
    )
    assert (
        api.post(
            EVENTS, json={**event, "action": "overridden", "reason": "approved"}
        ).status_code
        == 201
    )
    app.extensions["postguard"].audit.close()  # checkpoint the WAL into the file
    home = Path(app.config["AUDIT_DB"]).parent
    for path in home.iterdir():
        data = path.read_bytes()
        for needle in (CANARY, CARD, CARD.replace(" ", "")):
            assert needle.encode() not in data, (path.name, needle)


def an_event(**extra) -> dict:
    return {
        "rule_ids": ["r"],
        "categories": ["pii"],
        "action": "posted",
        "platform": "x",
        "rules_version": "1",
        **extra,
    }


def test_retention_deletes_old_events_and_the_chain_still_verifies(
    tmp_path, monkeypatch
):
    store = AuditStore(tmp_path / "audit.sqlite3", retention_days=30)
    month_ago = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=31)
    monkeypatch.setattr(audit, "_utc_now", lambda: month_ago)
    store.record(an_event(), "enforce", keep_note_length=False)
    monkeypatch.undo()
    store.record(an_event(), "enforce", keep_note_length=False)
    assert store.purge() == 1
    assert [row["id"] for row in store.rows()] == [2]
    assert store.verify().intact  # the chain now starts at the oldest row kept


@pytest.fixture
def chained(tmp_path):
    store = AuditStore(tmp_path / "audit.sqlite3", retention_days=30)
    for action in ("posted", "edited", "masked", "cancelled"):
        store.record(an_event(action=action), "enforce", keep_note_length=False)
    store.close()
    return store


def tamper(store, sql: str, *args) -> None:
    with sqlite3.connect(store.path) as conn:  # as a user with a SQLite editor
        conn.execute(sql, args)
    conn.close()


def test_an_untouched_log_verifies(chained):
    report = chained.verify()
    assert report.intact and report.rows == 4 and report.broken_at is None


COPIED = (
    "ts, action, rule_ids, categories, platform, rules_version, mode, "
    "prev_hash, row_hash"
)


@pytest.mark.parametrize(
    "sql, args, broken_at, words",
    [
        ("UPDATE events SET action = ? WHERE id = 2", ("posted",), 2, "changed"),
        (
            "UPDATE events SET ts = ? WHERE id = 3",
            ("2020-01-01T00:00:00+00:00",),
            3,
            "changed",
        ),
        ("DELETE FROM events WHERE id = ?", (2,), 3, "deleted or inserted"),
        ("DELETE FROM events WHERE id = ?", (4,), 3, "after it were deleted"),
        (
            f"INSERT INTO events ({COPIED}) SELECT {COPIED} FROM events WHERE id = ?",
            (2,),
            5,
            "deleted or inserted",
        ),
    ],
)
def test_verify_names_the_first_row_that_breaks_the_chain(
    chained, sql, args, broken_at, words
):
    tamper(chained, sql, *args)
    report = chained.verify()
    assert not report.intact
    assert report.broken_at == broken_at and words in report.problem


def test_a_row_written_while_verifying_is_not_taken_for_tampering(chained):
    # `postguard events verify` runs beside the service, which may record an
    # event between verify's reads of the chain's ends and of its rows.
    service = AuditStore(chained.path, retention_days=30)
    read_rows = chained._read_rows

    def rows_after_the_service_wrote(conn):
        service.record(an_event(), "enforce", keep_note_length=False)
        return read_rows(conn)

    chained._read_rows = rows_after_the_service_wrote
    report = chained.verify()
    assert report.intact, report.problem
    assert report.rows == 4  # the row written meanwhile is for the next verify
    del chained._read_rows
    assert chained.verify().rows == 5
    service.close()


def test_events_verify_command(chained, monkeypatch, capsys):
    monkeypatch.setenv("POSTGUARD_AUDIT_DB", str(chained.path))
    assert main(["events", "verify"]) == 0
    assert "4 event(s), the hash chain is intact" in capsys.readouterr().out
    tamper(chained, "UPDATE events SET platform = 'linkedin' WHERE id = 3")
    assert main(["events", "verify"]) == 1
    assert "broken at event 3: the row was changed" in capsys.readouterr().out


def test_a_0_1_log_is_rebuilt_without_its_free_text_and_chained(tmp_path):
    path = tmp_path / "audit.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(
            "CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "ts TEXT NOT NULL, action TEXT NOT NULL, rule_ids TEXT NOT NULL,"
            " categories TEXT NOT NULL, platform TEXT NOT NULL, "
            "rules_version TEXT NOT NULL, mode TEXT NOT NULL, "
            "justification TEXT)"
        )
        for note in (f"pw is {CANARY}", None):
            conn.execute(
                "INSERT INTO events (ts, action, rule_ids, categories, "
                "platform, rules_version, mode, justification) VALUES "
                "('2026-11-01T00:00:00+00:00', 'overridden', '[\"r\"]', "
                "'[\"pii\"]', 'x', '1', 'enforce', ?)",
                (note,),
            )
    conn.close()
    store = AuditStore(path, retention_days=3650)
    rows = store.rows()
    assert [row["id"] for row in rows] == [1, 2]
    assert all(row["reason"] is None for row in rows)
    assert store.verify().intact
    store.close()
    for file in tmp_path.iterdir():
        assert CANARY.encode() not in file.read_bytes(), file.name


def test_export_json_and_csv(tmp_path):
    store = AuditStore(tmp_path / "audit.sqlite3", retention_days=30)
    store.record(
        {
            "rule_ids": ["a", "b"],
            "categories": ["pii"],
            "action": "overridden",
            "reason": "other",
            "platform": "x",
            "rules_version": '=HYPERLINK("http://evil")',
        },
        "simulation",
        keep_note_length=True,
    )
    rows = store.rows()
    out = io.StringIO()
    write_export(rows, "json", out)
    assert json.loads(out.getvalue()) == rows
    out = io.StringIO()
    write_export(rows, "csv", out)
    header, line = list(csv.reader(io.StringIO(out.getvalue())))
    record = dict(zip(header, line, strict=True))
    assert record["rule_ids"] == "a;b" and record["mode"] == "simulation"
    assert record["reason"] == "other"
    # A spreadsheet must not run a cell as a formula.
    assert record["rules_version"].startswith("'=")


def test_an_acknowledged_event_is_committed_for_other_readers(api, app, event):
    event_id = api.post(EVENTS, json=event).get_json()["id"]
    other = sqlite3.connect(app.config["AUDIT_DB"])
    try:
        assert other.execute("SELECT id FROM events").fetchall() == [(event_id,)]
    finally:
        other.close()
