"""The extension's version header: checked, remembered in HOME by any worker,
and reported to a real central app (on SQLite and PostgreSQL) by the poller."""

from __future__ import annotations

import json
import os

import pytest
from bundle_support import write_pem

from postguard.app import create_app
from postguard.extension_versions import FILE_NAME
from postguard.extension_versions import HEADER
from postguard.extension_versions import ExtensionVersions

TOKEN = "t" * 43
BASE_URL = "http://127.0.0.1:17653"
MALFORMED = [
    "",
    "0.2.0-beta",
    "1.2.3.4.5",
    "123456",
    "v1",
    "1..2",
    "1.2\n",
    " 1.2",
    "my secret post",
]


def test_valid_versions_are_kept_once_and_bounded(tmp_path):
    versions = ExtensionVersions(tmp_path / "home")
    for value in [*MALFORMED, None]:
        versions.note(value)
    assert not versions.path.exists()  # nothing valid: nothing written
    versions.note("0.2.0")
    written = os.stat(versions.path)
    versions.note("0.2.0")
    again = os.stat(versions.path)
    # Seen again: the file is not rewritten (write_atomic would give a new inode).
    assert (again.st_ino, again.st_mtime_ns) == (written.st_ino, written.st_mtime_ns)
    for minor in range(1, 11):
        versions.note(f"0.3.{minor}")
    expected = [f"0.3.{minor}" for minor in range(3, 11)]
    assert versions.current() == expected
    assert json.loads(versions.path.read_text()) == expected
    assert versions.path.stat().st_mode & 0o777 == 0o600


def test_workers_share_the_set_and_a_lost_update_heals(tmp_path):
    """Two workers (two objects, one file): each sees what the other wrote."""
    one, two = ExtensionVersions(tmp_path), ExtensionVersions(tmp_path)
    one.note("1.0")
    two.note("1.1")
    assert one.current() == two.current() == ["1.0", "1.1"]
    # Another writer replaces the file without "1.0" (a race, or a damaged file):
    # the next request naming it writes it back, though "one" saw it before.
    (tmp_path / FILE_NAME).write_text('["1.1", 7, "not a version"]')
    assert two.current() == ["1.1"]
    one.note("1.0")
    assert two.current() == ["1.1", "1.0"]


def test_a_home_that_cannot_be_written_never_fails_the_caller(tmp_path, caplog):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    versions = ExtensionVersions(blocked / "home")
    versions.note("1.0")
    versions.note("1.1")
    assert versions.current() == []
    warnings = [r for r in caplog.records if "extension version" in r.getMessage()]
    assert len(warnings) == 1 and "1.0" not in warnings[0].getMessage()


@pytest.fixture
def local_settings(tmp_path, key, store, central_server):
    return {
        "TOKEN": TOKEN,
        "HOME": str(tmp_path / "home"),
        "TESTING": True,
        "PORT": 17653,
        "BUNDLE_KEYS": [write_pem(tmp_path / "pinned.pub.pem", key)],
        "CENTRAL_URL": central_server.url,
        "ENROLMENT_TOKEN": store.create_enrolment_token(None, 1, 1),
    }


def call(app, headers: dict, token: str = TOKEN) -> int:
    answer = app.test_client().post(
        "/api/v1/scan",
        json={"text": "hello", "platform": "x"},
        headers={"X-PostGuard-Token": token, **headers},
        base_url=BASE_URL,
    )
    return answer.status_code


def test_the_header_reaches_central_from_the_polling_worker(
    local_settings, store, central_server
):
    serving, polling = create_app(local_settings), create_app(local_settings)
    try:
        assert call(serving, {HEADER: "0.2.0"}) == 200
        for bad in MALFORMED:
            if bad and bad == bad.strip():  # what HTTP can carry as a header
                assert call(serving, {HEADER: bad}) == 200  # ignored, no error
        # A request that fails the checks is not recorded.
        assert call(serving, {HEADER: "9.9.9"}, token="wrong") == 401
        assert call(serving, {}) == 200

        # Another worker of the same service (same HOME) polls and reports.
        poller = polling.extensions["postguard_central"]
        assert poller.poll_once() == "unchanged"  # nothing published yet
        (device,) = store.devices()
        assert device["extension_versions"] == ["0.2.0"]

        assert call(serving, {HEADER: "0.10.1"}) == 200
        poller.poll_once()
        (device,) = store.devices()
        assert device["extension_versions"] == ["0.10.1", "0.2.0"]  # central sorts
        assert central_server.hits["POST /api/v1/device/status"] == 2
    finally:
        for app in (serving, polling):
            app.extensions["postguard"].audit.close()


def test_the_preflight_allows_the_header(local_settings):
    app = create_app(local_settings)
    try:
        origin = app.config["ALLOWED_ORIGINS"][0]
        answer = app.test_client().open(
            "/api/v1/scan",
            method="OPTIONS",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": HEADER.lower(),
            },
            base_url=BASE_URL,
        )
        assert answer.status_code == 204
        assert HEADER in answer.headers["Access-Control-Allow-Headers"]
    finally:
        app.extensions["postguard"].audit.close()
