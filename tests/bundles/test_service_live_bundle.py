"""A real ``postguard serve`` (gunicorn, gevent) picks up a signed bundle by polling."""

from __future__ import annotations

import json
import time
from datetime import datetime
from datetime import timezone

from bundle_support import CANARY_RULE
from bundle_support import CANARY_TEXT
from bundle_support import bundle_with_canary_rule
from bundle_support import packaged_bundle
from bundle_support import signed
from bundle_support import write_pem

from postguard.testing import start_service


def bundle_status(server) -> dict:
    status, _, body = server.request("GET", "/api/v1/health")
    assert status == 200
    return json.loads(body)["bundle"]


def rule_ids(server) -> set[str]:
    status, _, body = server.request(
        "POST", "/api/v1/scan", {"text": CANARY_TEXT, "platform": "x"}
    )
    assert status == 200
    return {finding["rule_id"] for finding in json.loads(body)["findings"]}


def wait_for(predicate, server, timeout=20.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        status = bundle_status(server)
        if predicate(status) or time.monotonic() > deadline:
            return status
        time.sleep(0.2)


def test_serve_applies_a_new_bundle_refuses_a_forged_one_and_restarts_with_lkg(
    tmp_path, key, other_key
):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    published = tmp_path / "cdn" / "bundle.signed.json"
    published.parent.mkdir()
    env = {
        "POSTGUARD_BUNDLE_KEYS": write_pem(tmp_path / "pinned.pub.pem", key),
        "POSTGUARD_BUNDLE_FILE": str(published),
        "POSTGUARD_BUNDLE_POLL_SECONDS": "1",
        "POSTGUARD_RATE_LIMIT_PER_SECOND": "0",
    }
    home, log = tmp_path / "home", tmp_path / "serve.log"
    server = start_service(home, log, **env)
    try:
        assert CANARY_RULE not in rule_ids(server)
        published.write_bytes(signed(bundle_with_canary_rule(), key, 1, now))
        status = wait_for(lambda s: s["version"] == 1, server)
        assert (status["version"], status["source"]) == (1, "signed")
        assert CANARY_RULE in rule_ids(server)

        forged = signed(packaged_bundle(), other_key, 2, now)
        published.write_bytes(forged)
        status = wait_for(lambda s: s["last_rejection"] is not None, server)
        assert status["last_rejection"]["reason"] == "unknown_key"
        assert status["version"] == 1
        assert CANARY_RULE in rule_ids(server)  # scanning goes on with LKG rules
    finally:
        server.kill()
    text = log.read_text()
    assert "rejected signed rule bundle from bundle_file: unknown_key" in text
    assert "ZEBRA" not in text and "aws-access-key-id" not in text

    restarted = start_service(home, log, **env)
    try:
        status = bundle_status(restarted)
        assert (status["version"], status["source"]) == (1, "last_known_good")
        assert CANARY_RULE in rule_ids(restarted)
    finally:
        restarted.kill()
