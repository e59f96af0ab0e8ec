"""The local service's poller against small fake centrals: caps and backoff."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer

import pytest
from bundle_support import NOW
from bundle_support import packaged_bundle
from bundle_support import signed
from bundle_support import write_pem

from postguard.bundle_updates import BundleUpdater
from postguard.central_client import CentralPoller

HUNDRED_MB = 100 * 1024 * 1024


class FakeCentral(BaseHTTPRequestHandler):
    """Enrols anyone; answers the bundle with ``server.bundle(handler)``."""

    def log_message(self, *args):  # keep pytest's output clean
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/api/v1/device/enrol":
            body = json.dumps({"device_id": "d1", "credential": "pgdevice_d1_x"})
            self.send_response(201)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())
        else:
            self.server.reports.append(self.path)
            self.send_response(204)
            self.end_headers()

    def do_GET(self):
        self.server.sent = 0
        self.server.bundle(self)


@pytest.fixture
def central():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeCentral)
    server.reports = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def poller_for(central, tmp_path, key) -> CentralPoller:
    settings = {
        "BUNDLE_KEYS": [write_pem(tmp_path / "pub.pem", key)],
        "BUNDLE_FILE": None,
        "HOME": str(tmp_path / "home"),
        "BUNDLE_POLL_SECONDS": 60,
        "RULES_BUNDLE": None,
        "CENTRAL_URL": f"http://127.0.0.1:{central.server_address[1]}",
        "ENROLMENT_TOKEN": "pgenrol_e1_y",
        "CENTRAL_POLL_SECONDS": 60,
    }
    updater = BundleUpdater(settings, lambda raw: object(), lambda services: None)
    return CentralPoller(settings, updater, rng=lambda: 0.5)


def test_an_announced_100_mb_answer_is_refused_before_reading(central, tmp_path, key):
    def huge(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(HUNDRED_MB))
        handler.end_headers()
        handler.wfile.write(b"{" * 1024)  # then hang up: nothing more is read

    central.bundle = huge
    poller = poller_for(central, tmp_path, key)
    assert poller.poll_once() == "error"
    assert poller.last_error == "too_large"
    assert poller.updater.last_rejection["reason"] == "too_large"
    assert poller.updater.version == 0


def test_an_unannounced_endless_answer_is_cut_at_the_cap(central, tmp_path, key):
    def endless(handler):
        handler.send_response(200)
        handler.end_headers()  # no Content-Length: read until the server closes
        try:
            for _ in range(64):
                handler.wfile.write(b"x" * 4096)
                handler.server.sent += 4096
        except OSError:
            pass

    central.bundle = endless
    poller = poller_for(central, tmp_path, key)
    poller.max_bytes = 10_000
    assert poller.poll_once() == "error"
    assert poller.updater.last_rejection["reason"] == "too_large"


def test_a_verified_bundle_is_applied_and_the_etag_sent_next_time(
    central, tmp_path, key
):
    envelope = signed(packaged_bundle(), key, 3)
    seen = []

    def bundle(handler):
        seen.append(handler.headers.get("If-None-Match"))
        handler.send_response(200)
        handler.send_header("ETag", '"abc"')
        handler.send_header("Content-Length", str(len(envelope)))
        handler.end_headers()
        handler.wfile.write(envelope)

    central.bundle = bundle
    poller = poller_for(central, tmp_path, key)
    poller.updater._now = lambda: NOW
    assert poller.poll_once() == "applied"
    assert poller.updater.version == 3
    assert poller.credential_file.stat().st_mode & 0o777 == 0o600
    assert poller.poll_once() == "unchanged"
    assert seen == [None, '"abc"']
    assert central.reports == ["/api/v1/device/status"] * 2


def test_a_bundle_that_cannot_be_kept_is_fetched_again_not_taken_as_seen(
    central, tmp_path, key
):
    """Refused as ``unwritable`` (a full disk; here a folder where the copy goes),
    the bundle is asked for again without its ETag, so central does not answer
    304 for a bundle that never ran."""
    envelope = signed(packaged_bundle(), key, 3)
    seen = []

    def bundle(handler):
        seen.append(handler.headers.get("If-None-Match"))
        if seen[-1] == '"abc"':
            handler.send_response(304)
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("ETag", '"abc"')
        handler.send_header("Content-Length", str(len(envelope)))
        handler.end_headers()
        handler.wfile.write(envelope)

    central.bundle = bundle
    poller = poller_for(central, tmp_path, key)
    poller.updater._now = lambda: NOW
    in_the_way = tmp_path / "home" / "signed-bundle.json"
    in_the_way.mkdir(parents=True)
    assert poller.poll_once() == "rejected"
    assert poller.updater.last_rejection["reason"] == "unwritable"
    assert poller.updater.version == 0
    in_the_way.rmdir()  # room again
    assert poller.poll_once() == "applied"
    assert poller.updater.version == 3
    assert poller.poll_once() == "unchanged"
    assert seen == [None, None, '"abc"']


def test_backoff_doubles_per_failure_with_jitter_and_stops_at_an_hour(tmp_path, key):
    class Nowhere:
        server_address = ("127.0.0.1", 9)

    poller = poller_for(Nowhere, tmp_path, key)
    assert poller.next_delay() == 60
    poller.failures = 3
    assert poller.next_delay() == 480
    poller.failures = 30
    assert poller.next_delay() == 3600
    poller._rng = lambda: 0.0
    poller.failures = 0
    assert poller.next_delay() == 48  # 60 * 0.8
