"""Staged rollout and device status, on SQLite and on PostgreSQL (see conftest)."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest
from bundle_support import bundle_with_canary_rule
from bundle_support import packaged_bundle
from bundle_support import signed
from sqlalchemy import text

from postguard.central import credentials as cred
from postguard.central import migrate
from postguard.central import rollout
from postguard.central.models import Device
from postguard.central.store import STATIC_NAME
from postguard.central.store import Store
from postguard.central.store import make_engine


def now():
    return datetime.now(timezone.utc).replace(microsecond=0)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def add_devices(store, count: int) -> list[str]:
    """Enrolled devices, written directly: enrolment's argon2 check costs tens
    of milliseconds each. Buckets are drawn as enrolment draws them."""
    credentials = []
    with store.session() as s, s.begin():
        for _ in range(count):
            secret = cred.new(cred.DEVICE)
            salt, digest = cred.salted_hash(secret.secret)
            s.add(
                Device(
                    id=secret.id,
                    credential_salt=salt,
                    credential_hash=digest,
                    enrolled_at=now(),
                    rollout_bucket=rollout.new_bucket(),
                )
            )
            credentials.append(str(secret))
    return credentials


def device_id(credential: str) -> str:
    return credential.split("_")[1]


def served(store, credentials) -> dict[str, int | None]:
    """device id -> the version central would hand it now."""
    result = {}
    for credential in credentials:
        chosen = store.bundle_for(store.device_for(credential))
        result[device_id(credential)] = chosen.version if chosen else None
    return result


def fetch(client, credential, etag=None):
    headers = bearer(credential)
    if etag:
        headers["If-None-Match"] = etag
    return client.get("/api/v1/device/bundle", headers=headers)


@pytest.fixture
def fleet(store, client, key):
    """200 devices on version 1 (to all); version 2 published to a 10% pilot."""
    admin = store.create_admin("alice")
    devices = add_devices(store, 200)
    one = signed(packaged_bundle(), key, 1, now())
    two = signed(bundle_with_canary_rule(), key, 2, now())
    assert (
        client.post(
            "/api/v1/admin/bundles?to=all", data=one, headers=bearer(admin)
        ).status_code
        == 201
    )
    answer = client.post(
        "/api/v1/admin/bundles?percent=10", data=two, headers=bearer(admin)
    )
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["stage"] == "pilot"
    assert answer.get_json()["pilot"] == {"group": None, "percent": 10.0}
    with store.session() as s:
        buckets = dict(s.execute(text("SELECT id, rollout_bucket FROM devices")).all())
    pilot = {d for d, bucket in buckets.items() if bucket < 1000}
    return admin, devices, pilot, one, two


def test_a_10_percent_pilot_gets_the_new_bundle_and_the_others_do_not(
    store, client, fleet, db_url, key, tmp_path
):
    admin, devices, pilot, one, two = fleet
    assert 4 <= len(pilot) <= 45  # 10% of 200, give or take chance
    expected = {device_id(c): 2 if device_id(c) in pilot else 1 for c in devices}
    assert served(store, devices) == expected
    assert served(store, devices) == expected  # stable across calls
    # ... and across a restart: a new engine and Store over the same database.
    restarted = Store(make_engine(db_url), [key.public_key()], tmp_path / "s2")
    assert served(restarted, devices) == expected
    restarted.engine.dispose()

    inside = next(c for c in devices if device_id(c) in pilot)
    outside = next(c for c in devices if device_id(c) not in pilot)
    got = fetch(client, inside)
    assert got.status_code == 200 and got.data == two
    got = fetch(client, outside)
    assert got.status_code == 200 and got.data == one
    # ETag per served version: the outsider's copy of version 1 is current.
    assert fetch(client, outside, got.headers["ETag"]).status_code == 304
    # The static file is the fully promoted bundle only.
    assert (store.static_dir / STATIC_NAME).read_bytes() == one


def test_promote_gives_the_pilot_bundle_to_every_device(store, client, fleet):
    admin, devices, pilot, one, two = fleet
    answer = client.post("/api/v1/admin/bundles/2/promote", headers=bearer(admin))
    assert answer.status_code == 200
    assert set(served(store, devices).values()) == {2}
    assert (store.static_dir / STATIC_NAME).read_bytes() == two
    again = client.post("/api/v1/admin/bundles/2/promote", headers=bearer(admin))
    assert again.get_json()["error"]["code"] == "already_promoted"
    actions = [(r["action"], r["bundle_version"]) for r in store.audit()]
    assert actions == [("publish", 1), ("publish", 2), ("promote", 2)]


def test_pause_stops_the_pilot_but_devices_that_have_it_keep_it(store, client, fleet):
    admin, devices, pilot, one, two = fleet
    first, second = [c for c in devices if device_id(c) in pilot][:2]
    assert fetch(client, first).data == two  # handed out before the pause
    answer = client.post("/api/v1/admin/bundles/2/pause", headers=bearer(admin))
    assert answer.status_code == 200
    now_served = served(store, devices)
    assert now_served[device_id(first)] == 2  # going back would be a rollback
    assert now_served[device_id(second)] == 1  # nobody new gets it
    assert sum(v == 2 for v in now_served.values()) == 1
    assert store.audit()[-1]["action"] == "pause"
    # A paused bundle can still be promoted once fixed... or left for a rollback.
    client.post("/api/v1/admin/bundles/2/promote", headers=bearer(admin))
    assert set(served(store, devices).values()) == {2}


def test_rollback_gives_every_device_the_earlier_rules_at_once(
    store, client, fleet, key
):
    admin, devices, pilot, one, two = fleet
    client.post("/api/v1/admin/bundles/2/promote", headers=bearer(admin))
    rules = client.get("/api/v1/admin/bundles/1/payload", headers=bearer(admin))
    three = signed(rules.data, key, 3, now())
    answer = client.post(
        "/api/v1/admin/rollback?restores=1", data=three, headers=bearer(admin)
    )
    assert answer.status_code == 201 and answer.get_json()["stage"] == "all"
    assert set(served(store, devices).values()) == {3}
    got = fetch(client, devices[0])
    assert got.data == three and rules.data == packaged_bundle()


def test_a_rollback_during_a_pilot_also_reaches_everyone(store, client, fleet, key):
    admin, devices, pilot, one, two = fleet
    three = signed(packaged_bundle(), key, 3, now())
    client.post("/api/v1/admin/rollback?restores=1", data=three, headers=bearer(admin))
    assert set(served(store, devices).values()) == {3}


def test_a_group_pilot_reaches_the_group_only(store, client, key):
    admin = store.create_admin("alice")
    devices = add_devices(store, 20)
    canary = [device_id(c) for c in devices[:3]]
    answer = client.put(
        "/api/v1/admin/groups/canary",
        json={"device_ids": canary},
        headers=bearer(admin),
    )
    assert answer.get_json() == {"group": "canary", "devices": 3}
    unknown = client.put(
        "/api/v1/admin/groups/canary",
        json={"device_ids": ["feedfeedfeedfeed"]},
        headers=bearer(admin),
    )
    assert unknown.status_code == 404
    envelope = signed(packaged_bundle(), key, 1, now())
    client.post(
        "/api/v1/admin/bundles?group=canary", data=envelope, headers=bearer(admin)
    )
    got = served(store, devices)
    assert {d for d, v in got.items() if v == 1} == set(canary)
    assert {v for d, v in got.items() if d not in canary} == {None}  # no bundle yet
    assert fetch(client, devices[5]).status_code == 404
    assert "3 device(s) to canary" in store.audit()[0]["detail"]


@pytest.mark.parametrize(
    "query, code",
    [
        ("", "no_pilot"),
        ("?group=Bad Name", "bad_group"),
        ("?percent=101", "bad_percent"),
    ],
)
def test_a_publish_names_its_pilot(store, client, key, query, code):
    admin = store.create_admin("alice")
    envelope = signed(packaged_bundle(), key, 1, now())
    answer = client.post(
        "/api/v1/admin/bundles" + query, data=envelope, headers=bearer(admin)
    )
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == code
    assert store.bundles() == []


def report(client, credential, **status):
    answer = client.post(
        "/api/v1/device/status", json=status, headers=bearer(credential)
    )
    assert answer.status_code == 204, answer.get_json()


def test_the_device_list_shows_stale_and_rejected_devices(store, client, fleet):
    admin, devices, pilot, one, two = fleet
    inside = next(c for c in devices if device_id(c) in pilot)
    outside = [c for c in devices if device_id(c) not in pilot]
    behind, ok, rejecting, silent = outside[:4]
    recent = (now() - timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
    old = (now() - timedelta(hours=30)).isoformat().replace("+00:00", "Z")
    report(client, inside, bundle_version=1, last_success=recent)  # should run 2
    report(client, behind, bundle_version=None, last_success=recent)
    report(
        client,
        ok,
        bundle_version=1,
        last_success=recent,
        platforms=["linkedin", "x"],
        extension_versions=["1.4.0"],
    )
    report(
        client,
        rejecting,
        bundle_version=None,
        last_success=recent,
        last_rejection={"reason": "unknown_key", "at": recent},
    )
    report(client, silent, bundle_version=1, last_success=old)

    def listed(query=""):
        answer = client.get("/api/v1/admin/devices" + query, headers=bearer(admin))
        assert answer.status_code == 200
        return {row["device_id"]: row for row in answer.get_json()["devices"]}

    everyone = listed()
    assert len(everyone) == 200
    row = everyone[device_id(ok)]
    assert row["platforms"] == ["linkedin", "x"]
    assert row["extension_versions"] == ["1.4.0"]
    assert row["problems"] == [] and row["expected_version"] == 1
    assert everyone[device_id(inside)]["expected_version"] == 2
    stale = listed("?problem=stale")
    for credential in (inside, behind, rejecting, silent):
        assert device_id(credential) in stale
    assert device_id(ok) not in stale
    # The others never reported: nothing applied, so behind as well.
    assert len(stale) == 199
    assert set(listed("?problem=rejected")) == {device_id(rejecting)}
    assert device_id(silent) not in listed("?problem=stale&stale_hours=48")
    bad = client.get("/api/v1/admin/devices?problem=other", headers=bearer(admin))
    assert bad.status_code == 400


@pytest.mark.parametrize(
    "status",
    [
        {"platforms": ["my post text"]},
        {"platforms": "x"},
        {"platforms": [f"p{i}" for i in range(17)]},
        {"extension_versions": ["1.0 beta"]},
        {"extension_versions": [1]},
    ],
)
def test_status_lists_follow_a_strict_schema(store, client, status):
    (credential,) = add_devices(store, 1)
    answer = client.post(
        "/api/v1/device/status", json=status, headers=bearer(credential)
    )
    assert answer.status_code == 400


def test_rollout_endpoints_refuse_device_credentials(store, client, fleet):
    admin, devices, pilot, one, two = fleet
    for method, path in (
        ("post", "/api/v1/admin/bundles/2/promote"),
        ("post", "/api/v1/admin/bundles/2/pause"),
        ("put", "/api/v1/admin/groups/canary"),
        ("get", "/api/v1/admin/devices?problem=stale"),
    ):
        answer = getattr(client, method)(
            path,
            headers=bearer(devices[0]),
            json={"device_ids": [device_id(devices[0])]},
        )
        assert answer.status_code == 401, path
    assert store.bundle(2).stage == "pilot"
    assert [r["action"] for r in store.audit()] == ["publish", "publish"]


def test_enrolment_draws_a_bucket(store, client):
    token = store.create_enrolment_token(None, 1, 1)
    answer = client.post("/api/v1/device/enrol", json={"enrolment_token": token})
    device = store.device_for(answer.get_json()["credential"])
    assert 0 <= device.rollout_bucket < rollout.BUCKETS


def test_migration_0002_keeps_existing_bundles_and_devices(db_url):
    engine = make_engine(db_url)
    migrate.upgrade(engine, "0001")
    stamp = now()
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO admins (id, name, token_id, token_hash, created_at) "
                "VALUES (1, 'alice', 'a', 'h', :t)"
            ),
            {"t": stamp},
        )
        conn.execute(
            text(
                "INSERT INTO bundles (version, envelope, envelope_sha256, "
                "payload_sha256, key_id, created, expires, published_at, "
                "published_by) VALUES (1, :e, 'e', 'p', 'k', :t, :t, :t, 1)"
            ),
            {"e": b"{}", "t": stamp},
        )
        for name in ("d1", "d2"):
            conn.execute(
                text(
                    "INSERT INTO devices (id, credential_salt, credential_hash, "
                    "enrolled_at) VALUES (:id, 's', 'h', :t)"
                ),
                {"id": name, "t": stamp},
            )
    migrate.upgrade(engine, "0002")  # later revisions have tests of their own
    assert migrate.revision(engine) == "0002"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT stage FROM bundles")).scalar() == "all"
        buckets = conn.execute(text("SELECT rollout_bucket FROM devices")).scalars()
        assert all(0 <= b < rollout.BUCKETS for b in buckets)
    engine.dispose()
