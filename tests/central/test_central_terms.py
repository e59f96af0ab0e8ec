"""Central's confidential-term lists: a new key per version, only hashes leave
as the bundle's section, only the key goes to devices, and no term is stored
anywhere but the list's own row (on SQLite and PostgreSQL, see conftest)."""

from __future__ import annotations

import base64

from test_central_store import all_cells
from test_central_store import bearer
from test_central_store import enrol

from postguard.engine.hashed_terms import key_id

TERMS = ["Project Falcon", {"term": "Bluebird", "severity": "critical"}]


def upload(client, admin, terms=TERMS):
    return client.post(
        "/api/v1/admin/terms", json={"terms": terms}, headers=bearer(admin)
    )


def test_each_upload_is_a_new_version_with_a_new_key(store, client):
    admin = store.create_admin("alice")
    first = upload(client, admin).get_json()
    second = upload(client, admin, ["Project Falcon"]).get_json()
    assert (first["version"], second["version"]) == (1, 2)
    assert first["key_id"] != second["key_id"]
    one = client.get("/api/v1/admin/terms/hashed?version=1", headers=bearer(admin))
    two = client.get("/api/v1/admin/terms/hashed", headers=bearer(admin))
    one, two = one.get_json(), two.get_json()
    assert (one["list_version"], two["list_version"]) == (1, 2)
    # The same term hashes apart under the two keys.
    hashes_one = {h for g in one["groups"] for h in g["hashes"]}
    hashes_two = {h for g in two["groups"] for h in g["hashes"]}
    assert hashes_one and hashes_two and not hashes_one & hashes_two


def test_the_hashed_form_and_the_audit_hold_no_term(store, client):
    admin = store.create_admin("alice")
    assert upload(client, admin).status_code == 201
    hashed = client.get("/api/v1/admin/terms/hashed", headers=bearer(admin))
    listed = client.get("/api/v1/admin/terms", headers=bearer(admin))
    for answer in (hashed, listed):
        text = answer.get_data(as_text=True).lower()
        assert "falcon" not in text and "bluebird" not in text
    assert "falcon" not in all_cells(store, "admin_audit").lower()
    assert "terms_upload" in all_cells(store, "admin_audit")


def test_a_device_gets_the_key_a_bundle_names_and_nothing_else(store, client):
    admin = store.create_admin("alice")
    kid = upload(client, admin).get_json()["key_id"]
    device = enrol(client, store)
    answer = client.get(f"/api/v1/device/terms-keys/{kid}", headers=bearer(device))
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    key = base64.b64decode(answer.get_json()["key"])
    assert key_id(key) == kid and len(key) == 32
    unknown = client.get(
        "/api/v1/device/terms-keys/" + "0" * 16, headers=bearer(device)
    )
    assert unknown.status_code == 404
    # Each audience keeps to its own routes.
    assert client.get("/api/v1/admin/terms", headers=bearer(device)).status_code == 401
    by_admin = client.get(f"/api/v1/device/terms-keys/{kid}", headers=bearer(admin))
    assert by_admin.status_code == 401
    assert client.get(f"/api/v1/device/terms-keys/{kid}").status_code == 401


def test_a_bad_list_is_refused_without_quoting_it(store, client):
    admin = store.create_admin("alice")
    answer = upload(client, admin, ["ok term", {"term": "x"}])
    assert answer.status_code == 400
    assert "term 2" in answer.get_json()["error"]["message"]
    answer = upload(client, admin, [{"term": "Falconry", "severity": "huge"}])
    assert "falconry" not in answer.get_data(as_text=True).lower()
