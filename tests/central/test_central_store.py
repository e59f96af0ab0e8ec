"""Central's store and HTTP API, on SQLite and on PostgreSQL (see conftest)."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest
from bundle_support import bundle_with_canary_rule
from bundle_support import packaged_bundle
from bundle_support import signed
from sqlalchemy import text

from postguard.central import migrate
from postguard.central.store import STATIC_NAME


def now():
    return datetime.now(timezone.utc).replace(microsecond=0)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def publish(client, admin, envelope, restores=None):
    path = "/api/v1/admin/bundles?to=all"
    if restores is not None:
        path = f"/api/v1/admin/rollback?restores={restores}"
    return client.post(path, data=envelope, headers=bearer(admin))


def enrol(client, store) -> str:
    token = store.create_enrolment_token(None, 1, 1)
    answer = client.post("/api/v1/device/enrol", json={"enrolment_token": token})
    assert answer.status_code == 201
    return answer.get_json()["credential"]


def all_cells(store, table: str) -> str:
    with store.engine.connect() as conn:
        rows = conn.execute(text(f"SELECT * FROM {table}")).all()
    return " ".join(str(cell) for row in rows for cell in row)


def test_migrations_reach_head_and_rerun_cleanly(store):
    assert migrate.revision(store.engine) == "0003"
    migrate.upgrade(store.engine)  # at head already: nothing to do
    assert migrate.revision(store.engine) == "0003"


def test_admin_tokens_and_device_credentials_are_stored_hashed(store, client):
    admin = store.create_admin("alice")
    enrolment = store.create_enrolment_token(None, 1, 1)
    device = client.post(
        "/api/v1/device/enrol", json={"enrolment_token": enrolment}
    ).get_json()["credential"]
    for table, secret in (
        ("admins", admin),
        ("enrolment_tokens", enrolment),
        ("devices", device),
    ):
        cells = all_cells(store, table)
        assert secret.split("_", 2)[2] not in cells, table
        assert secret not in cells
    assert "$argon2id$" in all_cells(store, "admins")
    assert "$argon2id$" in all_cells(store, "enrolment_tokens")
    assert store.admin_for(admin).name == "alice"
    assert store.admin_for(admin[:-2] + "xx") is None


def test_enrol_then_poll_200_then_304_then_200_after_a_publish(store, client, key):
    admin = store.create_admin("alice")
    device = enrol(client, store)
    assert (
        client.get("/api/v1/device/bundle", headers=bearer(device)).status_code == 404
    )

    first = signed(packaged_bundle(), key, 1, now())
    assert publish(client, admin, first).status_code == 201
    got = client.get("/api/v1/device/bundle", headers=bearer(device))
    assert got.status_code == 200 and got.data == first
    etag = got.headers["ETag"]
    again = client.get(
        "/api/v1/device/bundle", headers={**bearer(device), "If-None-Match": etag}
    )
    assert again.status_code == 304 and again.data == b""

    second = signed(bundle_with_canary_rule(), key, 2, now())
    assert publish(client, admin, second).status_code == 201
    got = client.get(
        "/api/v1/device/bundle", headers={**bearer(device), "If-None-Match": etag}
    )
    assert got.status_code == 200 and got.data == second
    assert got.headers["ETag"] != etag
    # The same bytes as a static file, for any web server or CDN.
    assert (store.static_dir / STATIC_NAME).read_bytes() == second


def test_an_enrolment_token_works_its_number_of_times(store, client):
    token = store.create_enrolment_token(None, 1, 1)
    body = {"enrolment_token": token}
    assert client.post("/api/v1/device/enrol", json=body).status_code == 201
    refused = client.post("/api/v1/device/enrol", json=body)
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "bad_enrolment_token"
    assert (
        client.post(
            "/api/v1/device/enrol", json={"enrolment_token": token[:-3] + "abc"}
        ).status_code
        == 401
    )


@pytest.mark.parametrize("case", ["forged", "older", "same", "flipped", "expired"])
def test_central_refuses_a_bad_bundle_and_keeps_the_current_one(
    store, client, key, other_key, case
):
    admin = store.create_admin("alice")
    good = signed(packaged_bundle(), key, 5, now())
    assert publish(client, admin, good).status_code == 201
    bad = {
        "forged": lambda: signed(packaged_bundle(), other_key, 6, now()),
        "older": lambda: signed(packaged_bundle(), key, 4, now()),
        "same": lambda: signed(bundle_with_canary_rule(), key, 5, now()),
        "flipped": lambda: good.replace(b'"version\\":5', b'"version\\":6'),
        "expired": lambda: signed(
            packaged_bundle(), key, 6, now() - timedelta(days=2), days=1
        ),
    }[case]()
    answer = publish(client, admin, bad)
    assert answer.status_code in (409, 422), answer.get_json()
    code = answer.get_json()["error"]["code"]
    expected = {
        "forged": "unknown_key",
        "older": "rollback",
        "same": "rollback",
        "flipped": "bad_signature",
        "expired": "expired",
    }[case]
    assert code == expected
    assert [b["version"] for b in store.bundles()] == [5]
    assert store.bundle(5).envelope == good
    assert [row["action"] for row in store.audit()] == ["publish"]


def test_rollback_republishes_older_rules_at_a_higher_version_with_audit(
    store, client, key
):
    alice, bob = store.create_admin("alice"), store.create_admin("bob")
    publish(client, alice, signed(packaged_bundle(), key, 1, now()))
    publish(client, alice, signed(bundle_with_canary_rule(), key, 2, now()))
    # The admin fetches version 1's rules and re-signs them offline as version 3.
    rules = client.get("/api/v1/admin/bundles/1/payload", headers=bearer(bob))
    assert rules.status_code == 200 and rules.data == packaged_bundle()
    wrong = publish(client, bob, signed(bundle_with_canary_rule(), key, 3, now()), 1)
    assert wrong.get_json()["error"]["code"] == "payload_differs"
    answer = publish(client, bob, signed(rules.data, key, 3, now()), 1)
    assert answer.status_code == 201
    assert answer.get_json()["restores_version"] == 1
    listed = client.get("/api/v1/admin/bundles", headers=bearer(bob)).get_json()
    assert [b["version"] for b in listed["bundles"]] == [3, 2, 1]
    audit = client.get("/api/v1/admin/audit", headers=bearer(alice)).get_json()
    assert [(r["admin"], r["action"], r["bundle_version"]) for r in audit["audit"]] == [
        ("alice", "publish", 1),
        ("alice", "publish", 2),
        ("bob", "rollback", 3),
    ]


def test_admin_and_device_credentials_are_not_interchangeable(store, client, key):
    admin = store.create_admin("alice")
    publish(client, admin, signed(packaged_bundle(), key, 1, now()))
    enrolment = store.create_enrolment_token(None, 2, 1)
    device = enrol(client, store)
    # Same shape, other kind: a device credential relabelled as an admin token.
    relabelled = "pgadmin_" + device.split("_", 1)[1]
    for token in (device, enrolment, relabelled):
        for method, path in (
            ("get", "/api/v1/admin/bundles"),
            ("post", "/api/v1/admin/bundles"),
            ("get", "/api/v1/admin/devices"),
        ):
            answer = getattr(client, method)(path, headers=bearer(token))
            assert answer.status_code == 401, (token[:8], path)
    for token in (admin, enrolment, "pgdevice_" + admin.split("_", 1)[1]):
        for method, path in (
            ("get", "/api/v1/device/bundle"),
            ("post", "/api/v1/device/status"),
        ):
            answer = getattr(client, method)(path, headers=bearer(token), json={})
            assert answer.status_code == 401, (token[:8], path)
    assert (
        client.get("/api/v1/device/bundle", headers=bearer(device)).status_code == 200
    )
    assert client.get("/api/v1/admin/bundles", headers=bearer(admin)).status_code == 200


def test_device_status_is_stored_as_metadata_only(store, client):
    admin = store.create_admin("alice")
    device = enrol(client, store)
    report = {
        "bundle_version": 7,
        "last_success": "2026-12-01T10:00:00Z",
        "last_rejection": {
            "reason": "my secret post text",
            "at": "2026-12-01T09:00:00Z",
        },
    }
    answer = client.post("/api/v1/device/status", json=report, headers=bearer(device))
    assert answer.status_code == 204
    listed = client.get("/api/v1/admin/devices", headers=bearer(admin)).get_json()
    (row,) = listed["devices"]
    assert row["device_id"] == device.split("_")[1]
    assert row["bundle_version"] == 7
    assert row["last_success_at"] == "2026-12-01T10:00:00Z"
    assert row["last_rejection"] == {"reason": "other", "at": "2026-12-01T09:00:00Z"}
    assert "secret post" not in all_cells(store, "devices")
    bad = client.post(
        "/api/v1/device/status", json={"bundle_version": "x"}, headers=bearer(device)
    )
    assert bad.status_code == 400
