"""The local service applies a signed bundle only when it is safe, in-process."""

from __future__ import annotations

import json
import stat
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

import pytest
from bundle_support import CANARY_RULE
from bundle_support import CANARY_TEXT
from bundle_support import bundle_with_canary_rule
from bundle_support import packaged_bundle
from bundle_support import signed
from bundle_support import write_pem

from postguard.app import create_app
from postguard.bundle_updates import LKG_NAME
from postguard.config import ConfigError

TOKEN = "t" * 43
PORT = 17653
BASE_URL = f"http://127.0.0.1:{PORT}"
NOW = datetime.now(timezone.utc).replace(microsecond=0)


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


@pytest.fixture
def settings(tmp_path, home, key):
    return {
        "TOKEN": TOKEN,
        "HOME": str(home),
        "TESTING": True,
        "PORT": PORT,
        "BUNDLE_KEYS": [write_pem(tmp_path / "pinned.pub.pem", key)],
        "BUNDLE_FILE": str(tmp_path / "published" / "bundle.signed.json"),
    }


@pytest.fixture
def published(settings):
    path = Path(settings["BUNDLE_FILE"])
    path.parent.mkdir()
    return path


@pytest.fixture
def make_app(settings):
    apps = []

    def make():
        app = create_app(settings)
        apps.append(app)
        return app

    yield make
    while apps:
        apps.pop().extensions["postguard"].audit.close()


def scan_ids(app, text=CANARY_TEXT) -> set[str]:
    client = app.test_client()
    answer = client.post(
        "/api/v1/scan",
        json={"text": text, "platform": "x"},
        headers={"X-PostGuard-Token": TOKEN},
        base_url=BASE_URL,
    )
    assert answer.status_code == 200
    return {finding["rule_id"] for finding in answer.get_json()["findings"]}


def health(app) -> dict:
    answer = app.test_client().get(
        "/api/v1/health", headers={"X-PostGuard-Token": TOKEN}, base_url=BASE_URL
    )
    assert answer.status_code == 200
    return answer.get_json()["bundle"]


def publish(path, envelope: bytes) -> None:
    path.write_bytes(envelope)


def test_a_newly_signed_bundle_is_picked_up_and_its_new_rule_fires(
    make_app, published, key
):
    app = make_app()
    assert CANARY_RULE not in scan_ids(app)
    assert health(app)["source"] == "packaged"
    publish(published, signed(bundle_with_canary_rule(), key, 1, NOW))
    assert app.extensions["postguard_bundle"].check() is True
    assert CANARY_RULE in scan_ids(app)
    status = health(app)
    assert (status["version"], status["source"]) == (1, "signed")
    assert status["last_rejection"] is None
    assert "credit-card" in scan_ids(app, "card 4111 1111 1111 1111")


def test_a_forged_bundle_is_refused_with_its_reason_and_scanning_goes_on(
    make_app, published, key, other_key
):
    app = make_app()
    publish(published, signed(bundle_with_canary_rule(), key, 1, NOW))
    app.extensions["postguard_bundle"].check()
    forged = signed(packaged_bundle(), other_key, 2, NOW)  # drops the canary rule
    publish(published, forged)
    assert app.extensions["postguard_bundle"].check() is False
    status = health(app)
    assert status["version"] == 1
    assert status["last_rejection"]["reason"] == "unknown_key"
    assert CANARY_RULE in scan_ids(app)  # the last-known-good rules still run


def test_a_payload_flip_is_a_bad_signature_and_keeps_the_running_rules(
    make_app, published, key
):
    app = make_app()
    publish(published, signed(bundle_with_canary_rule(), key, 1, NOW))
    app.extensions["postguard_bundle"].check()
    envelope = json.loads(signed(packaged_bundle(), key, 2, NOW))
    envelope["payload"] = "A" + envelope["payload"][1:]  # 'e' of '{' -> 'A'
    publish(published, json.dumps(envelope).encode())
    app.extensions["postguard_bundle"].check()
    assert health(app)["last_rejection"]["reason"] == "bad_signature"
    assert CANARY_RULE in scan_ids(app)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda key: signed(packaged_bundle(), key, 1, NOW), "rollback"),
        (
            lambda key: signed(packaged_bundle(), key, 3, NOW - timedelta(days=31)),
            "expired",
        ),
        (
            lambda key: signed(packaged_bundle(), key, 3, NOW + timedelta(days=2)),
            "not_yet_valid",
        ),
        (lambda key: signed(b'{"rules": "no"}', key, 3, NOW), "invalid_bundle"),
        (lambda key: b"{" * 10, "malformed"),
    ],
)
def test_refusals_keep_version_two_running(make_app, published, key, make, expected):
    app = make_app()
    publish(published, signed(bundle_with_canary_rule(), key, 2, NOW))
    app.extensions["postguard_bundle"].check()
    publish(published, make(key))
    assert app.extensions["postguard_bundle"].check() is False
    status = health(app)
    assert status["last_rejection"]["reason"] == expected
    assert status["version"] == 2
    assert CANARY_RULE in scan_ids(app)


def test_the_last_known_good_bundle_survives_a_restart(make_app, published, key, home):
    app = make_app()
    publish(published, signed(bundle_with_canary_rule(), key, 1, NOW))
    app.extensions["postguard_bundle"].check()
    lkg = home / LKG_NAME
    assert stat.S_IMODE(lkg.stat().st_mode) == 0o600
    published.unlink()  # the CDN is gone; the laptop restarts
    restarted = make_app()
    assert CANARY_RULE in scan_ids(restarted)
    status = health(restarted)
    assert (status["version"], status["source"]) == (1, "last_known_good")
    # The restarted service still refuses a replay of an older version.
    publish(published, signed(packaged_bundle(), key, 1, NOW))
    restarted.extensions["postguard_bundle"].check()
    assert health(restarted)["last_rejection"]["reason"] == "rollback"


def test_a_start_removes_the_temp_file_a_kill_left_and_runs_the_copy(
    make_app, published, key, home, caplog
):
    """A kill -9 between write_atomic's temp file and its rename leaves the temp
    file (tests/bundles/test_crash_safety_live.py sees it happen); the next start
    deletes it and runs the copy that was never replaced."""
    app = make_app()
    publish(published, signed(bundle_with_canary_rule(), key, 1, NOW))
    app.extensions["postguard_bundle"].check()
    cut_short = home / f".{LKG_NAME}.k9xq2w1z.tmp"
    cut_short.write_bytes(signed(packaged_bundle(), key, 2, NOW)[:5000])
    (home / f".{LKG_NAME}.emptyone.tmp").write_bytes(b"")
    others = [home / "notes.tmp", home / f"{LKG_NAME}.tmp", home / f".{LKG_NAME}.x"]
    for other in others:
        other.write_bytes(b"not ours")
    restarted = make_app()
    assert sorted(p.name for p in home.glob(f".{LKG_NAME}.*.tmp")) == []
    assert all(other.read_bytes() == b"not ours" for other in others)
    assert "removed 2 temp file(s) of an interrupted write" in caplog.text
    status = health(restarted)
    assert (status["version"], status["source"]) == (1, "last_known_good")
    assert CANARY_RULE in scan_ids(restarted)


def test_a_tampered_last_known_good_copy_falls_back_to_the_packaged_rules(
    make_app, published, key, home
):
    app = make_app()
    publish(published, signed(bundle_with_canary_rule(), key, 1, NOW))
    app.extensions["postguard_bundle"].check()
    published.unlink()
    lkg = home / LKG_NAME
    data = bytearray(lkg.read_bytes())
    data[-40] ^= 0x01  # inside the payload's base64
    lkg.write_bytes(bytes(data))
    restarted = make_app()
    status = health(restarted)
    assert status["source"] == "packaged"
    assert status["last_rejection"]["reason"] in {"bad_signature", "malformed"}
    assert CANARY_RULE not in scan_ids(restarted)
    assert "credit-card" in scan_ids(restarted, "card 4111 1111 1111 1111")


def test_an_expired_last_known_good_copy_keeps_running_flagged_stale(
    make_app, published, key
):
    app = make_app()
    updater = app.extensions["postguard_bundle"]
    updater._now = lambda: NOW - timedelta(hours=36)  # applied while still valid
    publish(
        published,
        signed(bundle_with_canary_rule(), key, 1, NOW - timedelta(days=2), days=1),
    )
    assert updater.check() is True
    published.unlink()
    restarted = make_app()  # now the copy on disk has expired
    status = health(restarted)
    assert (status["source"], status["stale"]) == ("last_known_good", True)
    assert CANARY_RULE in scan_ids(restarted)


def test_a_bundle_from_a_clock_ahead_is_retried_until_it_becomes_valid(
    make_app, published, key
):
    updater = make_app().extensions["postguard_bundle"]
    publish(
        published, signed(bundle_with_canary_rule(), key, 1, NOW + timedelta(hours=1))
    )
    assert updater.check() is False
    assert updater.status()["last_rejection"]["reason"] == "not_yet_valid"
    updater._now = lambda: NOW + timedelta(hours=2)
    assert updater.check() is True  # the same file, looked at again


def test_a_copy_that_cannot_be_written_keeps_the_old_rules_and_is_tried_again(
    make_app, published, key, home
):
    """A full disk (here: a folder where the copy goes) must neither stop the
    start nor lose the bundle: it runs once it is kept, not before."""
    in_the_way = home / LKG_NAME
    in_the_way.mkdir(parents=True)
    publish(published, signed(bundle_with_canary_rule(), key, 1, NOW))
    app = make_app()  # the start checks bundle_file once: it used to raise here
    status = health(app)
    assert (status["version"], status["source"]) == (None, "packaged")
    assert status["last_rejection"]["reason"] == "unwritable"
    assert status["last_rejection"]["message"].startswith("cannot keep the copy: ")
    assert CANARY_RULE not in scan_ids(app)
    assert "credit-card" in scan_ids(app, "card 4111 1111 1111 1111")
    assert list(home.glob(f".{LKG_NAME}.*.tmp")) == []
    in_the_way.rmdir()  # room again
    assert app.extensions["postguard_bundle"].check() is True  # the same file
    assert CANARY_RULE in scan_ids(app)
    assert (home / LKG_NAME).read_bytes() == published.read_bytes()


def test_key_rotation_in_the_service(
    make_app, published, key, other_key, settings, tmp_path
):
    settings["BUNDLE_KEYS"].append(write_pem(tmp_path / "new.pub.pem", other_key))
    app = make_app()
    publish(published, signed(bundle_with_canary_rule(), other_key, 1, NOW))
    assert app.extensions["postguard_bundle"].check() is True
    settings["BUNDLE_KEYS"] = settings["BUNDLE_KEYS"][1:]  # the old key is retired
    app = make_app()
    publish(published, signed(packaged_bundle(), key, 2, NOW))
    app.extensions["postguard_bundle"].check()
    assert health(app)["last_rejection"]["reason"] == "unknown_key"


def test_a_bundle_file_without_pinned_keys_stops_the_start(settings):
    settings["BUNDLE_KEYS"] = []
    with pytest.raises(ConfigError, match="bundle_keys"):
        create_app(settings)


def test_an_unusable_pinned_key_stops_the_start(settings, tmp_path):
    (tmp_path / "bad.pem").write_text("not a key")
    settings["BUNDLE_KEYS"] = [str(tmp_path / "bad.pem")]
    with pytest.raises(ConfigError, match="bundle_keys"):
        create_app(settings)


def test_without_signed_updates_health_reports_the_packaged_bundle(tmp_path):
    app = create_app(
        {"TOKEN": TOKEN, "HOME": str(tmp_path / "h"), "PORT": PORT, "TESTING": True}
    )
    try:
        status = health(app)
    finally:
        app.extensions["postguard"].audit.close()
    assert status == {
        "version": None,
        "source": "packaged",
        "expires": None,
        "stale": False,
        "last_rejection": None,
    }
