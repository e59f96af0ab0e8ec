"""Hashed confidential terms from upload to finding: an admin uploads a list to
central, the offline step adds central's hashed form to a bundle and signs it,
central publishes it, the laptop's service fetches bundle and key and flags
"#ProjectFa1con ships 3 March"; no term reaches the bundle, the laptop's HOME or
its log. A new list version rotates the key."""

from __future__ import annotations

import json
import logging
import os

import pytest
from bundle_support import packaged_bundle
from bundle_support import signed
from bundle_support import write_pem
from test_central_store import bearer
from test_central_store import now
from test_central_store import publish

from postguard.app import create_app
from postguard.term_lists import add_to_bundle

TOKEN = "t" * 43
BASE_URL = "http://127.0.0.1:17653"
POST = "#ProjectFa1con ships 3 March"


@pytest.fixture
def laptop(tmp_path, key, store, central_server):
    settings = {
        "TOKEN": TOKEN,
        "HOME": str(tmp_path / "home"),
        "TESTING": True,
        "PORT": 17653,
        "BUNDLE_KEYS": [write_pem(tmp_path / "pinned.pub.pem", key)],
        "CENTRAL_URL": central_server.url,
        "ENROLMENT_TOKEN": store.create_enrolment_token(None, 2, 1),
    }
    app = create_app(settings)
    yield app
    app.extensions["postguard"].audit.close()


def release(client, admin, key, terms, version):
    """Upload, export the hashed form, add it to the bundle, sign, publish."""
    client.post("/api/v1/admin/terms", json={"terms": terms}, headers=bearer(admin))
    section = client.get("/api/v1/admin/terms/hashed", headers=bearer(admin))
    bundle = add_to_bundle(json.loads(packaged_bundle()), section.get_json())
    payload = json.dumps(bundle).encode()
    envelope = signed(payload, key, version, now())
    assert publish(client, admin, envelope).status_code == 201
    return payload, section.get_json()["key_id"]


def scan(app, text):
    answer = app.test_client().post(
        "/api/v1/scan",
        json={"text": text, "platform": "x"},
        headers={"X-PostGuard-Token": TOKEN},
        base_url=BASE_URL,
    )
    assert answer.status_code == 200
    return answer.get_json()


def home_text(app) -> str:
    found = []
    for root, _, files in os.walk(app.config["HOME"]):
        for name in files:
            with open(os.path.join(root, name), "rb") as handle:
                found.append(handle.read().decode("utf-8", "replace"))
    return "\n".join(found).lower()


def test_upload_publish_poll_and_flag(laptop, store, client, key, caplog):
    caplog.set_level(logging.DEBUG)
    admin = store.create_admin("alice")
    payload, first_key = release(client, admin, key, ["Project Falcon"], 1)
    assert b"falcon" not in payload.lower()

    poller = laptop.extensions["postguard_central"]
    assert poller.poll_once() == "applied"
    finding = scan(laptop, POST)["findings"][0]
    assert finding["category"] == "confidential"
    assert POST[finding["start"] : finding["end"]] == "ProjectFa1con"
    assert finding["severity"] == "critical"  # a date nearby

    key_answer = laptop.test_client().get(
        "/api/v1/rules/terms-key",
        headers={"X-PostGuard-Token": TOKEN},
        base_url=BASE_URL,
    )
    assert key_answer.get_json()["key_id"] == first_key
    keys_file = os.path.join(laptop.config["HOME"], "terms-keys.json")
    assert os.stat(keys_file).st_mode & 0o077 == 0
    assert "falcon" not in home_text(laptop)
    assert "falcon" not in caplog.text.lower()
    assert first_key in home_text(laptop)

    # A new list version: a new key, fetched when its bundle arrives.
    _, second_key = release(client, admin, key, ["Project Falcon", "Osprey"], 2)
    assert second_key != first_key
    assert poller.poll_once() == "applied"
    assert scan(laptop, "osprey launches soon")["findings"]
    assert second_key in home_text(laptop)
    assert "osprey" not in home_text(laptop)


def test_without_the_key_the_scan_says_so(laptop, store, client, key):
    admin = store.create_admin("alice")
    release(client, admin, key, ["Project Falcon"], 1)
    poller = laptop.extensions["postguard_central"]
    poller.after_poll.pop()  # this laptop never fetches the key
    assert poller.poll_once() == "applied"
    result = scan(laptop, POST)
    assert [f for f in result["findings"] if f["category"] == "confidential"] == []
    assert {item.get("reason") for item in result["not_run"]} == {"no_key"}
