"""A service with three gunicorn workers polls central as one: the real
``gunicorn postguard.wsgi:app`` against a real central app that counts what it
is asked. Every worker runs what the polling one applies, and when the polling
worker is killed another takes over."""

from __future__ import annotations

import os
import re
import signal
import time
from datetime import datetime
from datetime import timezone

import pytest
from bundle_support import CANARY_RULE
from bundle_support import bundle_with_canary_rule
from bundle_support import packaged_bundle
from bundle_support import signed
from bundle_support import write_pem

from postguard.central_client import LOCK_NAME
from postguard.install_token import ensure_token
from postguard.testing import start_gunicorn_service
from postguard.testing import wait_until

WORKERS = 3
BUNDLE = "GET /api/v1/device/bundle"
APPLIED = re.compile(r"applied signed rule bundle version (\d+) from (\S+)")


def applied(service, version: int) -> list[str]:
    """Where each worker applied ``version`` from, per its log line."""
    return sorted(w for v, w in APPLIED.findall(service.log()) if int(v) == version)


def polls_during(central, seconds: float) -> int:
    before = central.hits[BUNDLE]
    time.sleep(seconds)
    return central.hits[BUNDLE] - before


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_three_workers_poll_central_as_one(tmp_path, key, store, central_server):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    admin = store.admin_for(store.create_admin("alice"))
    store.publish(admin, signed(packaged_bundle(), key, 1, now))
    home = tmp_path / "home"
    ensure_token(home / "token")  # three first starts at once would race for it
    service = start_gunicorn_service(
        home,
        tmp_path / "service.log",
        workers=WORKERS,
        POSTGUARD_BUNDLE_KEYS=write_pem(tmp_path / "pinned.pub.pem", key),
        POSTGUARD_CENTRAL_URL=central_server.url,
        # Enough uses for every worker: one device shows one enrolment.
        POSTGUARD_ENROLMENT_TOKEN=store.create_enrolment_token(None, WORKERS, 1),
        POSTGUARD_CENTRAL_POLL_SECONDS="1",
        POSTGUARD_BUNDLE_POLL_SECONDS="1",
        POSTGUARD_RATE_LIMIT_PER_SECOND="0",
    )
    try:
        # Each worker applies version 1 once: one from central, the others
        # from the copy the polling one wrote.
        wait_until(lambda: len(applied(service, 1)) == WORKERS)
        assert applied(service, 1) == ["central"] + ["last-known-good"] * (WORKERS - 1)
        # About 5 polls in 5 s at 1 s ±20%; one poller per worker would be ~15.
        assert 2 <= polls_during(central_server, 5) <= 8
        assert len(store.devices()) == 1
        assert central_server.hits["POST /api/v1/device/enrol"] == 1

        # A new bundle: the polling worker applies it, the others follow.
        store.publish(admin, signed(bundle_with_canary_rule(), key, 2, now))
        wait_until(lambda: len(applied(service, 2)) == WORKERS)
        assert applied(service, 2) == ["central"] + ["last-known-good"] * (WORKERS - 1)
        for _ in range(2 * WORKERS):  # whichever worker answers
            status, _, body = service.request(
                "POST", "/api/v1/scan", {"text": "ZEBRA-123456", "platform": "x"}
            )
            assert status == 200 and CANARY_RULE.encode() in body

        # The polling worker dies; another worker takes the lock and polls on.
        lock = home / LOCK_NAME
        first = int(lock.read_text())
        os.kill(first, signal.SIGKILL)
        taken = wait_until(lambda: int(lock.read_text() or 0) not in (0, first))
        assert taken != first
        time.sleep(1.5)  # the takeover's own first polls
        assert 2 <= polls_during(central_server, 5) <= 8
        assert len(store.devices()) == 1  # the same device: its credential is in HOME
    finally:
        service.stop()
    assert "ZEBRA" not in service.log()
