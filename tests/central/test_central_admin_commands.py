"""Revoking admins, enrolment tokens and devices, ungrouping and resuming a
pilot: store, admin API and CLI, on SQLite and on PostgreSQL (see conftest)."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from datetime import timezone

import pytest
from alembic import command
from bundle_support import bundle_with_canary_rule
from bundle_support import packaged_bundle
from bundle_support import signed
from sqlalchemy import text

from postguard.central import migrate
from postguard.central.errors import StoreError
from postguard.cli import main


def now():
    return datetime.now(timezone.utc).replace(microsecond=0)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def enrol(client, token: str) -> str:
    answer = client.post("/api/v1/device/enrol", json={"enrolment_token": token})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["credential"]


def id_of(secret: str) -> str:
    return secret.split("_")[1]


def audit_rows(store) -> list[tuple[str, str, str]]:
    return [(r["admin"], r["action"], r["detail"]) for r in store.audit()]


@pytest.fixture
def cli_as(monkeypatch, central_server, capsys):
    """Runs ``postguard central ACTION --url <central> ARGS`` with a token;
    returns (exit code, stdout, stderr)."""

    def run(token: str, action: str, *args: str):
        monkeypatch.setenv("POSTGUARD_ADMIN_TOKEN", token)
        code = main(["central", action, "--url", central_server.url, *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


# --- schema ----------------------------------------------------------------


def test_0003_adds_revocation_to_a_0002_database_and_goes_back(db_url):
    from postguard.central.store import make_engine

    engine = make_engine(db_url)
    migrate.upgrade(engine, "0002")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO admins (name, token_id, token_hash, created_at) "
                "VALUES ('alice', 'abc', 'h', CURRENT_TIMESTAMP)"
            )
        )
    migrate.upgrade(engine, "0003")
    assert migrate.revision(engine) == "0003"
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name, revoked_at FROM admins")).all()
        assert [tuple(r) for r in rows] == [("alice", None)]
        for table in ("enrolment_tokens", "devices"):
            conn.execute(text(f"SELECT revoked_at FROM {table}")).all()
    with engine.begin() as conn:
        command.downgrade(migrate._config(conn), "0002")
    assert migrate.revision(engine) == "0002"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM admins")).scalar() == "alice"
    engine.dispose()


# --- admins ----------------------------------------------------------------


def test_a_revoked_admin_is_refused_and_the_last_admin_stays(store, client):
    alice, bob = store.create_admin("alice"), store.create_admin("bob")
    assert client.get("/api/v1/admin/bundles", headers=bearer(bob)).status_code == 200
    answer = client.post("/api/v1/admin/admins/bob/revoke", headers=bearer(alice))
    assert answer.status_code == 200, answer.get_json()
    for path in ("/api/v1/admin/bundles", "/api/v1/admin/audit"):
        assert client.get(path, headers=bearer(bob)).status_code == 401
    assert store.admin_for(bob) is None
    # Alice is the last one now: not even she may revoke herself.
    last = client.post("/api/v1/admin/admins/alice/revoke", headers=bearer(alice))
    assert last.status_code == 409
    assert last.get_json()["error"]["code"] == "last_admin"
    assert client.get("/api/v1/admin/bundles", headers=bearer(alice)).status_code == 200
    again = client.post("/api/v1/admin/admins/bob/revoke", headers=bearer(alice))
    assert again.get_json()["error"]["code"] == "already_revoked"
    nobody = client.post("/api/v1/admin/admins/carol/revoke", headers=bearer(alice))
    assert nobody.status_code == 404
    listed = client.get("/api/v1/admin/admins", headers=bearer(alice)).get_json()
    revoked = {a["name"]: a["revoked_at"] is not None for a in listed["admins"]}
    assert revoked == {"alice": False, "bob": True}
    assert audit_rows(store) == [("alice", "admin_revoke", "admin bob")]


def test_admin_revoke_on_the_central_host(store, db_url, capsys, monkeypatch):
    monkeypatch.setenv("POSTGUARD_CENTRAL_KEYS", "")
    alice, bob = store.create_admin("alice"), store.create_admin("bob")
    assert main(["central", "admin", "revoke", "--db", db_url, "alice"]) == 0
    assert "revoked" in capsys.readouterr().out
    assert store.admin_for(alice) is None and store.admin_for(bob) is not None
    assert main(["central", "admin", "revoke", "--db", db_url, "bob"]) == 1
    assert "last_admin" in capsys.readouterr().err
    assert store.admin_for(bob) is not None
    assert audit_rows(store) == [("(cli)", "admin_revoke", "admin alice")]


def revoke_each_other(store, admins: dict) -> list[str]:
    """Both admins revoke the other at the same moment; returns the outcomes."""
    start, outcomes = threading.Barrier(2), []

    def revoke(by, name):
        start.wait()
        try:
            store.revoke_admin(admins[by], name)
            outcomes.append("revoked")
        except StoreError as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # SQLite may refuse a write under contention
            outcomes.append(type(exc).__name__)

    first, second = admins
    threads = [
        threading.Thread(target=revoke, args=(first, second)),
        threading.Thread(target=revoke, args=(second, first)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_two_admins_revoking_each_other_at_once_leave_one(store):
    """The "last admin" check holds under a race: PostgreSQL locks the rows,
    SQLite counts and writes in one statement."""
    for round_ in range(4):
        names = (f"a{round_}", f"b{round_}")
        admins = {n: store.admin_for(store.create_admin(n)) for n in names}
        for other in store.admins():  # only this round's two stay active
            if other["name"] not in names and other["revoked_at"] is None:
                store.revoke_admin(None, other["name"])
        outcomes = revoke_each_other(store, admins)
        active = [a["name"] for a in store.admins() if a["revoked_at"] is None]
        assert len(active) == 1, (outcomes, active)
        assert outcomes.count("revoked") == 1, outcomes


# --- enrolment tokens ------------------------------------------------------


def test_enrolment_tokens_are_listed_without_secrets_and_can_be_revoked(store, client):
    alice = store.create_admin("alice")
    made = client.post(
        "/api/v1/admin/enrolment-tokens",
        json={"uses": 5, "expires_days": 2},
        headers=bearer(alice),
    )
    by_alice = made.get_json()["enrolment_token"]
    by_cli = store.create_enrolment_token(None, 1, 1)
    enrol(client, by_cli)  # uses it up
    answer = client.get("/api/v1/admin/enrolment-tokens", headers=bearer(alice))
    listed = answer.get_json()["enrolment_tokens"]
    assert [(t["id"], t["state"], t["uses_left"], t["created_by"]) for t in listed] == [
        (id_of(by_alice), "active", 5, "alice"),
        (id_of(by_cli), "used_up", 0, "(cli)"),
    ]
    assert listed[0]["expires_at"] > listed[0]["created_at"]
    for secret in (by_alice, by_cli):
        assert secret.split("_", 2)[2] not in answer.get_data(as_text=True)

    path = f"/api/v1/admin/enrolment-tokens/{id_of(by_alice)}/revoke"
    assert client.post(path, headers=bearer(alice)).status_code == 200
    refused = client.post("/api/v1/device/enrol", json={"enrolment_token": by_alice})
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "bad_enrolment_token"
    again = client.post(path, headers=bearer(alice))
    assert again.get_json()["error"]["code"] == "already_revoked"
    unknown = client.post(
        "/api/v1/admin/enrolment-tokens/feedfeed/revoke", headers=bearer(alice)
    )
    assert unknown.status_code == 404
    states = [t["state"] for t in store.enrolment_tokens()]
    assert states == ["revoked", "used_up"]
    assert audit_rows(store)[-1] == (
        "alice",
        "enrolment_token_revoke",
        f"token {id_of(by_alice)}",
    )


def test_enrolment_token_commands(store, cli_as):
    alice = store.create_admin("alice")
    token = store.create_enrolment_token(None, 3, 1)
    code, out, _ = cli_as(alice, "enrol-tokens")
    assert code == 0
    assert out.startswith(f"{id_of(token)}  active  uses_left=3  expires=")
    assert "created_by=(cli)" in out and token.split("_", 2)[2] not in out
    code, out, _ = cli_as(alice, "revoke-enrol-token", id_of(token))
    assert code == 0 and "revoked" in out
    code, out, _ = cli_as(alice, "enrol-tokens")
    assert f"{id_of(token)}  revoked" in out
    code, _, err = cli_as(alice, "revoke-enrol-token", "nosuchid")
    assert code == 1 and "no_such_enrolment_token" in err


# --- devices ---------------------------------------------------------------


def test_a_revoked_device_is_refused_and_listed_as_revoked(store, client, key):
    alice = store.create_admin("alice")
    client.post(
        "/api/v1/admin/bundles?to=all",
        data=signed(packaged_bundle(), key, 1, now()),
        headers=bearer(alice),
    )
    stolen = enrol(client, store.create_enrolment_token(None, 2, 1))
    other = enrol(client, store.create_enrolment_token(None, 1, 1))
    fetched = client.get("/api/v1/device/bundle", headers=bearer(stolen))
    assert fetched.status_code == 200
    path = f"/api/v1/admin/devices/{id_of(stolen)}/revoke"
    assert client.post(path, headers=bearer(alice)).status_code == 200
    assert (
        client.get("/api/v1/device/bundle", headers=bearer(stolen)).status_code == 401
    )
    status = client.post("/api/v1/device/status", json={}, headers=bearer(stolen))
    assert status.status_code == 401
    assert client.get("/api/v1/device/bundle", headers=bearer(other)).status_code == 200

    rows = client.get("/api/v1/admin/devices", headers=bearer(alice)).get_json()
    revoked = {r["device_id"]: r["revoked_at"] for r in rows["devices"]}
    assert revoked[id_of(stolen)] is not None and revoked[id_of(other)] is None
    # It will never poll again: that is expected, not a stale device.
    stale = client.get(
        "/api/v1/admin/devices?problem=stale&stale_hours=0.0001", headers=bearer(alice)
    ).get_json()["devices"]
    assert [r["device_id"] for r in stale] == [id_of(other)]
    again = client.post(path, headers=bearer(alice))
    assert again.get_json()["error"]["code"] == "already_revoked"
    unknown = client.post(
        "/api/v1/admin/devices/feedfeedfeedfeed/revoke", headers=bearer(alice)
    )
    assert unknown.get_json()["error"]["code"] == "no_such_device"
    assert audit_rows(store)[-1] == (
        "alice",
        "device_revoke",
        f"device {id_of(stolen)}",
    )


def test_device_commands_revoke_and_ungroup(store, client, cli_as):
    alice = store.create_admin("alice")
    token = store.create_enrolment_token(None, 3, 1)
    ids = [id_of(enrol(client, token)) for _ in range(3)]
    assert cli_as(alice, "group", "canary", *ids)[0] == 0
    code, out, _ = cli_as(alice, "ungroup", ids[0], ids[1])
    assert code == 0 and "2 device(s) now in no group" in out
    groups = {r["device_id"]: r["group"] for r in store.devices()}
    assert groups == {ids[0]: None, ids[1]: None, ids[2]: "canary"}
    code, _, err = cli_as(alice, "ungroup", "feedfeedfeedfeed")
    assert code == 1 and "no_such_device" in err

    code, out, _ = cli_as(alice, "revoke-device", ids[2])
    assert code == 0 and "revoked" in out
    code, out, _ = cli_as(alice, "devices")
    (line,) = [row for row in out.splitlines() if row.startswith(ids[2])]
    assert "  revoked=20" in line
    assert "revoked=" not in out.replace(line, "")
    assert [a for _, a, _ in audit_rows(store)][-3:] == [
        "group",
        "group",
        "device_revoke",
    ]
    assert audit_rows(store)[-2] == ("alice", "group", "2 device(s) to no group")


def test_ungroup_wants_a_list_of_ids(store, client):
    alice = store.create_admin("alice")
    for body in ({"device_ids": "abc"}, ["abc"], {}):
        answer = client.post(
            "/api/v1/admin/ungroup", data=json.dumps(body), headers=bearer(alice)
        )
        assert answer.status_code == 400, body


# --- resuming a paused pilot -------------------------------------------------


def test_resume_gives_a_paused_pilot_to_its_pilot_again(store, client, key, cli_as):
    alice = store.create_admin("alice")
    token = store.create_enrolment_token(None, 2, 1)
    inside, outside = enrol(client, token), enrol(client, token)
    store.set_group(store.admin_for(alice), "canary", [id_of(inside)])
    for version, query, payload in (
        (1, "to=all", packaged_bundle()),
        (2, "group=canary", bundle_with_canary_rule()),
    ):
        answer = client.post(
            f"/api/v1/admin/bundles?{query}",
            data=signed(payload, key, version, now()),
            headers=bearer(alice),
        )
        assert answer.status_code == 201

    def version_for(device):
        return store.bundle_for(store.device_for(device)).version

    not_paused = client.post("/api/v1/admin/bundles/2/resume", headers=bearer(alice))
    assert not_paused.get_json()["error"]["code"] == "not_paused"
    client.post("/api/v1/admin/bundles/2/pause", headers=bearer(alice))
    assert version_for(inside) == 1  # never handed it: nobody new gets it

    code, out, _ = cli_as(alice, "resume", "2")
    assert code == 0 and "version 2 resumed" in out
    assert (version_for(inside), version_for(outside)) == (2, 1)
    listed = client.get("/api/v1/admin/bundles", headers=bearer(alice)).get_json()
    assert [(b["version"], b["stage"]) for b in listed["bundles"]] == [
        (2, "pilot"),
        (1, "all"),
    ]
    assert listed["bundles"][0]["pilot"] == {"group": "canary", "percent": None}
    promoted = client.post("/api/v1/admin/bundles/1/resume", headers=bearer(alice))
    assert promoted.get_json()["error"]["code"] == "already_promoted"
    missing = client.post("/api/v1/admin/bundles/9/resume", headers=bearer(alice))
    assert missing.status_code == 404
    assert [(r["action"], r["bundle_version"]) for r in store.audit()][-2:] == [
        ("pause", 2),
        ("resume", 2),
    ]
    assert store.audit()[-1]["detail"] == "pilot: group canary"
