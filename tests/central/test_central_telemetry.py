"""Telemetry intake and the rollout health gate, on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import pytest
from bundle_support import bundle_with_canary_rule
from bundle_support import packaged_bundle
from bundle_support import signed
from sqlalchemy import text
from test_central_rollout import add_devices
from test_central_rollout import bearer
from test_central_rollout import device_id
from test_central_rollout import fetch
from test_central_rollout import now

STREAM = "ab" * 16
ROUTE = "/api/v1/device/telemetry"


def finding(seq: int, **changes) -> dict:
    return {
        "seq": seq,
        "kind": "finding",
        "day": now().date().isoformat(),
        "rule_id": "payment-card",
        "category": "account_number",
        "action": "edited",
        "policy_action": "block_with_override",
        "simulated": False,
        "platform": "x",
        "bundle_version": 1,
        **changes,
    }


def scans(seq: int, version, verdict: str, count: int, failed: int = 0) -> dict:
    return {
        "seq": seq,
        "kind": "scans",
        "day": now().date().isoformat(),
        "platform": "x",
        "bundle_version": version,
        "verdict": verdict,
        "scans": count,
        "failed": failed,
    }


def send(client, credential, items, stream=STREAM, dropped=0):
    body = {"stream": stream, "dropped": dropped, "items": items}
    return client.post(ROUTE, json=body, headers=bearer(credential))


def stored(store) -> list[tuple]:
    return sorted((r.stream, r.seq) for r in store.telemetry_rows())


def test_a_batch_sent_again_is_stored_once(store, client):
    (device,) = add_devices(store, 1)
    first = send(client, device, [finding(1), finding(2), finding(3)])
    assert first.status_code == 200
    assert first.get_json() == {"through_seq": 3, "stored": 3, "refused": 0}
    again = send(client, device, [finding(1), finding(2), finding(3)])
    assert again.get_json() == {"through_seq": 3, "stored": 0, "refused": 0}
    overlapping = send(client, device, [finding(3), finding(4), finding(6)])
    assert overlapping.get_json() == {"through_seq": 6, "stored": 2, "refused": 0}
    assert stored(store) == [(STREAM, n) for n in (1, 2, 3, 4, 6)]
    # Another outbox of the same device (e.g. a new laptop profile) counts apart.
    other = send(client, device, [finding(1)], stream="cd" * 16)
    assert other.get_json()["stored"] == 1


def test_devices_appear_only_under_a_key_central_keeps(store, client):
    devices = add_devices(store, 2)
    for credential in devices:
        assert send(client, credential, [finding(1)]).status_code == 200
    keys = {r.device_key for r in store.telemetry_rows()}
    assert len(keys) == 2
    with store.engine.connect() as conn:
        secret = conn.execute(
            text("SELECT value FROM central_secrets WHERE name = 'telemetry-pseudonym'")
        ).scalar_one()
    expected = {
        hmac.new(secret, device_id(c).encode(), hashlib.sha256).hexdigest()[:32]
        for c in devices
    }
    assert keys == expected
    with store.engine.connect() as conn:
        cells = conn.execute(text("SELECT * FROM telemetry")).all()
    flat = " ".join(str(cell) for row in cells for cell in row)
    assert not any(device_id(c) in flat for c in devices)


@pytest.mark.parametrize(
    "bad",
    [
        finding(2, text="my card is 4242 4242 4242 4242"),  # a field no row has
        finding(2, rule_id="Payment card"),
        finding(2, rule_id="payment-card\n"),
        finding(2, platform="x\n"),
        finding(2, category="secrets"),
        finding(2, action="typed"),
        finding(2, policy_action="delete"),
        finding(2, simulated="no"),
        finding(2, platform="X (Twitter)"),
        finding(2, day="2001-01-01"),
        finding(2, day="tomorrow"),
        finding(2, bundle_version=-1),
        scans(2, 1, "allow", 0),
        scans(2, 1, "allow", 5, failed=6),
        scans(2, 1, "maybe", 5),
        {**scans(2, 1, "allow", 5), "kind": "finding"},
    ],
)
def test_a_row_of_the_wrong_shape_is_refused_alone(store, client, bad):
    (device,) = add_devices(store, 1)
    answer = send(client, device, [finding(1), bad, finding(3)])
    assert answer.status_code == 200
    # Refused but passed: one bad row must not wedge the device's queue.
    assert answer.get_json() == {"through_seq": 3, "stored": 2, "refused": 1}
    assert stored(store) == [(STREAM, 1), (STREAM, 3)]


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"stream": "not hex", "items": [finding(1)]},
        {"stream": STREAM, "items": []},
        {"stream": STREAM, "items": [finding(2), finding(1)]},
        {"stream": STREAM, "items": [finding(1), finding(1)]},
        {"stream": STREAM, "items": [{"kind": "finding"}]},
        {"stream": STREAM, "dropped": -1, "items": [finding(1)]},
        {"stream": STREAM, "items": [finding(n) for n in range(1, 1002)]},
    ],
)
def test_a_malformed_batch_is_refused_whole(store, client, body):
    (device,) = add_devices(store, 1)
    answer = client.post(ROUTE, json=body, headers=bearer(device))
    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "bad_request"
    assert store.telemetry_rows() == []


def test_telemetry_needs_a_device_credential(store, client):
    admin = store.create_admin("alice")
    for headers in ({}, bearer(admin)):
        answer = client.post(
            ROUTE, json={"stream": STREAM, "items": [finding(1)]}, headers=headers
        )
        assert answer.status_code == 401
    huge = {"stream": STREAM, "items": [finding(1, pad="x" * 600_000)]}
    (device,) = add_devices(store, 1)
    assert client.post(ROUTE, json=huge, headers=bearer(device)).status_code == 413
    assert store.telemetry_rows() == []


# --- the health gate --------------------------------------------------------


@pytest.fixture
def pilot(store, client, key):
    """Version 1 to all, version 2 to a pilot group of 3; 3 + 3 devices."""
    admin = store.create_admin("alice")
    fleet, group = add_devices(store, 3), add_devices(store, 3)
    store.set_group(store.admin_for(admin), "pilot", [device_id(c) for c in group])
    for version, query, bundle in (
        (1, "to=all", packaged_bundle()),
        (2, "group=pilot", bundle_with_canary_rule()),
    ):
        answer = client.post(
            f"/api/v1/admin/bundles?{query}",
            data=signed(bundle, key, version, now()),
            headers=bearer(admin),
        )
        assert answer.status_code == 201, answer.get_json()
    for credential in group:
        assert fetch(client, credential).status_code == 200  # now on version 2
    return admin, fleet, group


def report_scans(client, devices, version, blocked: int, failed: int = 0):
    """Each device reports 100 scans on ``version``: ``blocked`` of them blocked,
    ``failed`` of the allowed ones failed."""
    for n, credential in enumerate(devices):
        items = [
            scans(1, version, "allow", 100 - blocked, failed),
            scans(2, version, "block", blocked) if blocked else None,
        ]
        items = [i for i in items if i]
        answer = send(client, credential, items, stream=f"{n:032x}")
        assert answer.status_code == 200, answer.get_json()


def test_a_pilot_that_blocks_far_more_is_paused_and_promotion_stops(
    store, client, pilot
):
    admin, fleet, group = pilot
    report_scans(client, fleet, 1, blocked=2)  # 2% before
    report_scans(client, group, 2, blocked=30)  # 30% in the pilot
    held = store.bundle(2)
    assert (held.stage, held.held_reason) == ("paused", "block_rate")
    gate = [r for r in store.audit() if r["action"] == "health_gate"]
    assert gate[0]["bundle_version"] == 2
    # It judged as soon as the pilot had 200 scans, the second device's report.
    assert len(gate) == 1
    assert gate[0]["detail"] == (
        "30.0% of 200 pilot scans blocked, against 2.0% of 300 before"
    )
    listed = client.get("/api/v1/admin/bundles", headers=bearer(admin)).get_json()
    two = listed["bundles"][0]
    assert two["held"]["reason"] == "block_rate"
    assert two["health"]["pilot"] == {
        "scans": 300,
        "block_rate": 0.3,
        "error_rate": 0.0,
    }
    refused = client.post("/api/v1/admin/bundles/2/promote", headers=bearer(admin))
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "health_gate"
    assert store.bundle(2).stage == "paused"
    forced = client.post(
        "/api/v1/admin/bundles/2/promote?force=1", headers=bearer(admin)
    )
    assert forced.status_code == 200
    assert store.bundle(2).stage == "all"
    assert store.audit()[-1]["detail"] == "to all, past the health gate"


def test_a_pilot_whose_scans_fail_is_paused(store, client, pilot):
    _, fleet, group = pilot
    report_scans(client, fleet, 1, blocked=2)
    report_scans(client, group, 2, blocked=2, failed=10)
    assert store.bundle(2).held_reason == "error_rate"


def test_a_healthy_pilot_or_too_few_scans_is_not_held(store, client, key, pilot):
    admin, fleet, group = pilot
    report_scans(client, fleet, 1, blocked=2)
    report_scans(client, group, 2, blocked=6)  # a 4-point rise: under 5
    assert (store.bundle(2).stage, store.bundle(2).held_reason) == ("pilot", None)
    answer = client.post(
        "/api/v1/admin/bundles?group=pilot",
        data=signed(bundle_with_canary_rule(), key, 3, now()),
        headers=bearer(admin),
    )
    assert answer.status_code == 201
    report_scans(client, group[:1], 3, blocked=90)  # 100 scans: below 200
    assert (store.bundle(3).stage, store.bundle(3).held_reason) == ("pilot", None)


def test_the_gate_only_counts_the_last_week(store, client, pilot):
    _, fleet, group = pilot
    report_scans(client, fleet, 1, blocked=2)
    old = (now() - timedelta(days=9)).date().isoformat()
    for n, credential in enumerate(group):
        item = {**scans(1, 2, "block", 90), "day": old}
        send(client, credential, [item], stream=f"{n + 50:032x}")
    assert store.bundle(2).held_reason is None


def test_thresholds_come_from_central_settings():
    from postguard.central import health_gate
    from postguard.central import settings
    from postguard.config import ConfigError

    loaded = settings.load(
        {
            "POSTGUARD_CENTRAL_HOME": "/tmp/central",
            "POSTGUARD_CENTRAL_HEALTH_MIN_SCANS": "10",
            "POSTGUARD_CENTRAL_HEALTH_BLOCK_JUMP": "0.2",
        },
        {},
    )
    limits = loaded["HEALTH"]
    assert (limits.min_scans, limits.block_jump, limits.error_jump) == (10, 0.2, 0.02)
    before, after = health_gate.Rates(10, 1, 0), health_gate.Rates(10, 3, 0)
    assert health_gate.judge(after, before, limits) is None  # +20 points: not past
    assert health_gate.judge(health_gate.Rates(10, 4, 0), before, limits) == (
        "block_rate"
    )
    with pytest.raises(ConfigError):
        settings.load({"POSTGUARD_CENTRAL_HEALTH_MIN_SCANS": "many"}, {})


def test_the_simulation_report_counts_would_be_actions_per_rule(store, client):
    admin = store.create_admin("alice")
    devices = add_devices(store, 6)
    for n, credential in enumerate(devices):
        items = [
            finding(1, rule_id="draft-rule", simulated=True, policy_action="block"),
            finding(2, rule_id="payment-card"),  # enforced: not in the report
        ]
        if n < 2:  # only two devices saw it warn: a cell too small to show
            items.append(
                finding(3, rule_id="draft-rule", simulated=True, policy_action="warn")
            )
        if n == 0:  # one device alone: not even the rule's name is shown
            items.append(finding(4, rule_id="rare-draft", simulated=True))
        items.append(
            finding(
                9,
                rule_id="old-draft",
                simulated=True,
                day=(now() - timedelta(days=40)).date().isoformat(),
            )
        )
        send(client, credential, items)
    answer = client.get("/api/v1/admin/reports/simulation", headers=bearer(admin))
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["rules"] == [
        {
            "rule_id": "draft-rule",
            "category": "account_number",
            "hits": 8,
            "devices": 6,
            "would": {"block": 6},
        }
    ]
    assert body["suppressed_cells"] == 2  # draft-rule's warn, rare-draft
    longer = client.get(
        "/api/v1/admin/reports/simulation?days=60", headers=bearer(admin)
    ).get_json()
    assert "old-draft" in {r["rule_id"] for r in longer["rules"]}
    assert (
        client.get("/api/v1/admin/reports/simulation", headers=bearer(devices[0]))
    ).status_code == 401


def images(seq: int, version, verdict: str, count: int, failed: int = 0) -> dict:
    return {**scans(seq, version, verdict, count, failed), "kind": "images"}


def test_image_checks_and_image_rule_ids_are_stored(store, client):
    (device,) = add_devices(store, 1)
    items = [
        images(1, 1, "warn", 3, failed=1),
        finding(2, rule_id="image.gps-location", category="pii"),
        finding(3, rule_id="image.Gps"),
        finding(4, rule_id="images.gps-location"),
    ]
    answer = send(client, device, items)
    assert answer.get_json() == {"through_seq": 4, "stored": 2, "refused": 2}
    rows = sorted((r.kind, r.rule_id, r.scans) for r in store.telemetry_rows())
    assert rows == [("finding", "image.gps-location", 0), ("images", None, 3)]


def test_image_checks_do_not_count_for_the_health_gate(store, client, pilot):
    _, fleet, group = pilot
    report_scans(client, fleet, 1, blocked=2)
    for n, credential in enumerate(group):
        items = [images(1, 2, "block", 90), images(2, 2, "allow", 10)]
        answer = send(client, credential, items, stream=f"{n + 100:032x}")
        assert answer.get_json()["stored"] == 2
    assert (store.bundle(2).stage, store.bundle(2).held_reason) == ("pilot", None)
