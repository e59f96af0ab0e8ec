"""Events name the site field a finding was in (issue 13, item 4): alt text, a
poll option, a bio. The field is an identifier the extension's adapters
declare; the audit log stores it, the chain covers it, and anything that is not
an identifier (the field's text) is refused."""

from __future__ import annotations

import sqlite3

import pytest
from service_support import Api

from postguard.app import create_app
from postguard.audit import AuditStore

EVENTS = "/api/v1/events"
PHONE = "+44 20 7946 0958"


@pytest.fixture
def app(settings):
    app = create_app(settings)
    yield app
    app.extensions["postguard"].audit.close()


@pytest.fixture
def api(app):
    return Api(app.test_client())


def event(app, **extra) -> dict:
    return {
        "rule_ids": ["phone-number"],
        "categories": ["pii"],
        "action": "cancelled",
        "platform": "mastodon",
        "rules_version": app.extensions["postguard"].engine.rules_version,
        **extra,
    }


def test_an_event_in_a_field_is_stored_with_the_field_name(api, app):
    assert api.post(EVENTS, json=event(app, field="bio")).status_code == 201
    assert api.post(EVENTS, json=event(app)).status_code == 201
    rows = app.extensions["postguard"].audit.rows()
    assert [row["field"] for row in rows] == ["bio", None]
    assert app.extensions["postguard"].audit.verify().intact


@pytest.mark.parametrize(
    "field", [f"Call me on {PHONE}", "Bio", "alt-text", "x" * 41, "", 7]
)
def test_a_field_that_is_not_a_name_is_refused(api, app, field):
    response = api.post(EVENTS, json=event(app, field=field))
    assert response.status_code == 400
    assert PHONE not in response.get_data(as_text=True)
    assert app.extensions["postguard"].audit.rows() == []


def test_the_field_is_covered_by_the_chain(tmp_path):
    store = AuditStore(tmp_path / "audit.sqlite3", retention_days=30)
    store.record(
        {
            "rule_ids": ["phone-number"],
            "categories": ["pii"],
            "action": "posted",
            "platform": "x",
            "rules_version": "1",
            "field": "poll_option",
        },
        "enforce",
        keep_note_length=False,
    )
    store.close()
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE events SET field = 'alt_text'")
    conn.close()
    store = AuditStore(store.path, retention_days=30)
    report = store.verify()
    assert not report.intact and report.broken_at == 1
    store.close()
