"""The console's pages with the Flask test client, on SQLite and PostgreSQL:
publishing (pilot, promote, pause, resume past the health gate, rollback),
devices, the audit log, the dashboard and its exports."""

from __future__ import annotations

import csv
import io
import json
import uuid

from console_support import admin_with_password
from console_support import csrf_of
from console_support import log_in
from console_support import small_envelope
from console_support import upload
from test_reports import finding
from test_reports import on_devices

from postguard.central import reports
from postguard.central.models import utcnow


def logged_in(store, client):
    admin_with_password(store)
    assert log_in(client).status_code == 302
    return client


def post(client, path: str, **form):
    form["csrf_token"] = csrf_of(client, "/console/bundles")
    return client.post(path, data=form)


def page(client, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, answer.status_code
    return answer.get_data(as_text=True)


def device(store, group=None) -> str:
    credential = store.enrol(store.create_enrolment_token(None, 1, 1))
    device_id = credential.split("_")[1]
    if group:
        store.set_group(store_admin(store), group, [device_id])
    return device_id


def store_admin(store):
    from sqlalchemy import select

    from postguard.central.models import Admin

    with store.session() as s:
        return s.scalars(select(Admin)).first()


def test_publish_to_a_pilot_group_then_promote(store, client, key):
    logged_in(store, client)
    answer = upload(
        client,
        "/console/bundles",
        small_envelope(key, 1),
        target="pilot",
        group="canary",
    )
    assert answer.status_code == 302
    (bundle,) = store.bundles()
    assert bundle["stage"] == "pilot" and bundle["pilot"]["group"] == "canary"
    html = page(client, answer.headers["Location"])
    assert "Version 1 published." in html and "group canary" in html
    assert post(client, "/console/bundles/1/promote").status_code == 302
    assert store.bundles()[0]["stage"] == "all"
    assert "Promote 1" not in page(client, "/console/bundles")


def test_a_bad_upload_says_why_and_publishes_nothing(store, client, key, other_key):
    logged_in(store, client)
    answer = upload(
        client, "/console/bundles", small_envelope(other_key, 1), target="all"
    )
    assert answer.status_code == 422
    assert "not pinned (unknown_key)" in answer.get_data(as_text=True)
    answer = upload(client, "/console/bundles", small_envelope(key, 1), target="pilot")
    assert answer.status_code == 400
    assert "Name a pilot group" in answer.get_data(as_text=True)
    assert store.bundles() == []


def test_pause_and_resume_past_the_health_gate_show_its_reason_and_rates(
    store, client, key
):
    logged_in(store, client)
    upload(
        client, "/console/bundles", small_envelope(key, 1), target="pilot", percent="50"
    )
    assert post(client, "/console/bundles/1/pause").status_code == 302
    assert post(client, "/console/bundles/1/resume").status_code == 302
    # The pilot's devices block every scan; the fleet before blocked none.
    scans = {"kind": "scans", "day": utcnow().date().isoformat(), "platform": "x"}
    body = {
        "stream": uuid.uuid4().hex,
        "dropped": 0,
        "items": [
            {
                "seq": 1,
                **scans,
                "bundle_version": None,
                "verdict": "allow",
                "scans": 300,
                "failed": 0,
            },
            {
                "seq": 2,
                **scans,
                "bundle_version": 1,
                "verdict": "block",
                "scans": 250,
                "failed": 0,
            },
        ],
    }
    store.take_telemetry("some-device", body)
    html = page(client, "/console/bundles")
    assert "held: block rate" in html
    assert "250 scans, 100.0% blocked" in html and "300 scans, 0.0% blocked" in html
    refused = post(client, "/console/bundles/1/resume")
    assert refused.status_code == 409
    assert "health gate held version 1" in refused.get_data(as_text=True)
    assert post(client, "/console/bundles/1/resume", force="1").status_code == 302
    assert store.bundles()[0]["stage"] == "pilot"
    assert "resumed past the gate" in page(client, "/console/bundles")


def test_rollback_republishes_older_rules_to_all(store, client, key):
    logged_in(store, client)
    upload(client, "/console/bundles", small_envelope(key, 1, "one"), target="all")
    upload(client, "/console/bundles", small_envelope(key, 2, "two"), target="all")
    rules = client.get("/console/bundles/1/rules.json")
    assert json.loads(rules.data)["version"] == "one"
    wrong = upload(
        client, "/console/rollback", small_envelope(key, 3, "two"), restores="1"
    )
    assert wrong.status_code == 422
    done = upload(
        client, "/console/rollback", small_envelope(key, 3, "one"), restores="1"
    )
    assert done.status_code == 302
    newest = store.bundles()[0]
    assert newest["version"] == 3 and newest["restores_version"] == 1
    assert "restores 1" in page(client, "/console/bundles")


def test_devices_page_shows_group_versions_rejections_and_moves_devices(
    store, client, key
):
    logged_in(store, client)
    canary, other = device(store, "canary"), device(store)
    store.report(
        canary,
        {
            "bundle_version": None,
            "last_rejection_reason": "unknown_key",
            "last_rejection_at": utcnow(),
        },
    )
    upload(client, "/console/bundles", small_envelope(key, 1), target="all")
    html = page(client, "/console/devices")
    assert "unknown_key (1)" in html and "canary" in html
    rejected = page(client, "/console/devices?problem=rejected")
    assert canary in rejected and other not in rejected
    form = {"csrf_token": csrf_of(client, "/console/devices"), "group": "pilot-b"}
    answer = client.post("/console/devices/group", data={**form, "device_id": [other]})
    assert answer.status_code == 302
    assert "1 device(s) moved." in page(client, answer.headers["Location"])
    groups = {d["device_id"]: d["group"] for d in store.devices()}
    assert groups == {canary: "canary", other: "pilot-b"}
    bad = client.post(
        "/console/devices/group",
        data={**form, "group": "Bad Name!", "device_id": [other]},
    )
    assert bad.status_code == 400


def test_audit_log_lists_console_actions_newest_first(store, client, key):
    logged_in(store, client)
    upload(
        client, "/console/bundles", small_envelope(key, 1), target="pilot", group="g1"
    )
    post(client, "/console/bundles/1/promote")
    html = page(client, "/console/audit")
    assert html.index("promote") < html.index("publish") < html.index("console_login")


def test_the_dashboard_shows_cells_from_five_devices_and_says_what_it_hid(
    store, client
):
    logged_in(store, client)
    on_devices(store, 5, finding(rule="pii-email", category="pii"))
    on_devices(store, 2, finding(rule="aws-key", category="credential"), prefix="few")
    html = page(client, "/console/")
    chart = json.loads(html.split('id="chart-data">')[1].split("</script>")[0])
    (pii,) = chart["categories"]
    assert pii["label"] == "pii" and pii["data"][-1] == 5
    assert len(chart["days"]) == 30 and chart["days"][-1] == utcnow().date().isoformat()
    assert "aws-key" not in html and "credential" not in html.split("<h2")[2]
    hidden = reports.build(store, 30, 5).suppressed
    assert f"<strong>{hidden}</strong> hidden" in html and hidden >= 2


def test_exports_hold_the_same_numbers_as_csv_and_json(store, client):
    logged_in(store, client)
    on_devices(store, 5, finding(rule="pii-email", category="pii", action="overridden"))
    exported = client.get("/console/reports.json?days=7")
    assert "attachment" in exported.headers["Content-Disposition"]
    data = exported.get_json()
    assert data["days"] == 7 and data["findings_by_category_day"][0]["findings"] == 5
    assert (
        data["rule_rates"][0]["override_rate"] == 1.0 and data["fleet"]["devices"] == 0
    )
    table = client.get("/console/reports.csv?days=7")
    assert table.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(table.get_data(as_text=True))))
    assert rows[0] == reports.CSV_HEADER
    assert ["rule_rates", "", "pii", "pii-email", "override_rate", "1.0"] in rows


def test_csv_cells_cannot_start_a_spreadsheet_formula():
    for text in ("=HYPERLINK(1)", "+1", "-1+1", "@SUM(A1)", "\tx", "\rx"):
        assert reports.spreadsheet_safe(text) == "'" + text
    assert reports.spreadsheet_safe("pii-email") == "pii-email"
    assert reports.spreadsheet_safe(None) == "hidden"
