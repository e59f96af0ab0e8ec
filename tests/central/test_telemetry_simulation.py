"""A rule in simulation, end to end in process: the laptop's service scans with it
silent, records the post, queues telemetry, and central's simulation report counts
what it would have done (on SQLite and PostgreSQL)."""

from __future__ import annotations

import sys
from pathlib import Path

from bundle_support import write_pem
from test_central_rollout import add_devices
from test_central_rollout import bearer

from postguard.app import create_app

sys.path.insert(0, str(Path(__file__).parents[1] / "service"))
from service_support import CARD  # noqa: E402
from service_support import TOKEN  # noqa: E402
from service_support import Api  # noqa: E402

POLICY_YAML = """\
version: 1
mode: enforce
default_action: warn
actions: {account_number: {high: block_with_override}}
simulate: [credit-card]
platforms: {x: , other: }
"""


def test_a_simulated_rule_is_silent_on_the_laptop_and_counted_on_central(
    store, client, key, tmp_path
):
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY_YAML)
    laptop = create_app(
        {
            "TOKEN": TOKEN,
            "HOME": str(tmp_path / "home"),
            "TESTING": True,
            "POLICY_FILE": str(policy),
            "BUNDLE_KEYS": [write_pem(tmp_path / "pub.pem", key)],
            "CENTRAL_URL": "http://127.0.0.1:9",  # never asked: uploads go below
        }
    )
    api = Api(laptop.test_client())
    scanned = api.post("/api/v1/scan", json={"text": f"card {CARD}", "platform": "x"})
    answer = scanned.get_json()
    assert answer["verdict"] == "allow"
    (card,) = [f for f in answer["findings"] if f["rule_id"] == "credit-card"]
    assert (card["action"], card["simulated_action"]) == (
        "audit",
        "block_with_override",
    )
    event = {
        "rule_ids": ["credit-card"],
        "categories": ["account_number"],
        "action": "posted",
        "platform": "x",
        "rules_version": answer["rules_version"],
        "simulated": [{"rule_id": "credit-card", "action": "block_with_override"}],
    }
    assert api.post("/api/v1/events", json=event).status_code == 201

    (device,) = add_devices(store, 1)
    telemetry = laptop.extensions["postguard_telemetry"]
    sent = telemetry.uploader.upload(
        lambda body: client.post(
            "/api/v1/device/telemetry", json=body, headers=bearer(device)
        ).get_json()
    )
    assert sent == 2  # the finding and the scan totals
    admin = store.create_admin("alice")
    # One laptop here: the chain, not k-anonymity (test_central_telemetry.py).
    client.application.config["CONSOLE"]["REPORT_MIN_DEVICES"] = 1
    report = client.get("/api/v1/admin/reports/simulation", headers=bearer(admin))
    assert report.get_json()["rules"] == [
        {
            "rule_id": "credit-card",
            "category": "account_number",
            "hits": 1,
            "devices": 1,
            "would": {"block_with_override": 1},
        }
    ]
    (scans,) = [r for r in store.telemetry_rows() if r.kind == "scans"]
    assert (scans.verdict, scans.scans) == ("allow", 1)
    laptop.extensions["postguard"].audit.close()
