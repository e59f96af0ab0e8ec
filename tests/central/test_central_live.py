"""The round trip with real processes: `postguard central serve` (gunicorn) and a
`postguard serve` that enrols, polls and applies what an admin publishes."""

from __future__ import annotations

import json
import subprocess
import time
from datetime import datetime
from datetime import timezone

from bundle_support import CANARY_RULE
from bundle_support import CANARY_TEXT
from bundle_support import bundle_with_canary_rule
from bundle_support import packaged_bundle
from bundle_support import signed
from bundle_support import write_pem
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from postguard.testing import central_command
from postguard.testing import cli_env
from postguard.testing import start_central
from postguard.testing import start_service
from postguard.testing import wait_until


def cli(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        central_command(*args), env=env, capture_output=True, text=True, timeout=60
    )


def health_bundle(server) -> dict:
    return json.loads(server.request("GET", "/api/v1/health")[2])["bundle"]


def rule_ids(server) -> set[str]:
    status, _, body = server.request(
        "POST", "/api/v1/scan", {"text": CANARY_TEXT, "platform": "x"}
    )
    assert status == 200
    return {finding["rule_id"] for finding in json.loads(body)["findings"]}


def test_a_running_service_enrols_and_picks_up_what_an_admin_publishes(
    tmp_path, key, other_key, db_url
):
    """Runs on SQLite and on PostgreSQL (``db_url``)."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    pinned = write_pem(tmp_path / "pinned.pub.pem", key)
    # Central also trusts a key the laptop does not pin (a rotation half done):
    # what it then publishes reaches the laptop, which refuses and reports it.
    newer = write_pem(tmp_path / "newer.pub.pem", other_key)
    central_env = cli_env(
        tmp_path / "home-unused",
        POSTGUARD_CENTRAL_HOME=str(tmp_path / "central"),
        POSTGUARD_CENTRAL_DB=db_url,
        POSTGUARD_CENTRAL_KEYS=f"{pinned},{newer}",
        POSTGUARD_CENTRAL_WORKERS="1",
    )
    made = cli(central_env, "admin", "create", "alice")
    assert made.returncode == 0, made.stderr
    admin = made.stdout.strip()
    enrolment = cli(central_env, "enrol-token").stdout.strip()
    assert enrolment.startswith("pgenrol_")

    central = start_central(central_env, tmp_path / "central.log")
    home = tmp_path / "home"
    service = None
    try:
        service = start_service(
            home,
            tmp_path / "serve.log",
            POSTGUARD_BUNDLE_KEYS=pinned,
            POSTGUARD_CENTRAL_URL=central.url,
            POSTGUARD_ENROLMENT_TOKEN=enrolment,
            POSTGUARD_CENTRAL_POLL_SECONDS="1",
            POSTGUARD_RATE_LIMIT_PER_SECOND="0",
        )
        credential = home / "central-device.json"
        wait_until(credential.is_file)
        assert credential.stat().st_mode & 0o777 == 0o600
        assert CANARY_RULE not in rule_ids(service)
        health = json.loads(service.request("GET", "/api/v1/health")[2])
        assert health["central"]["enrolled"] is True
        assert health["central"]["last_error"] is None

        envelope = tmp_path / "bundle.signed.json"
        envelope.write_bytes(signed(bundle_with_canary_rule(), key, 1, now))
        publish_env = {**central_env, "POSTGUARD_ADMIN_TOKEN": admin}
        done = cli(publish_env, "publish", "--url", central.url, "--all", str(envelope))
        assert done.returncode == 0, done.stderr
        assert "published version 1" in done.stdout
        wait_until(lambda: health_bundle(service)["version"] == 1)
        assert CANARY_RULE in rule_ids(service)

        static = tmp_path / "central" / "static" / "bundle.signed.json"
        assert static.read_bytes() == envelope.read_bytes()

        def reported():
            status, _, body = central.request(
                "GET", "/api/v1/admin/devices", token=admin
            )
            rows = json.loads(body)["devices"]
            return rows if rows and rows[0]["bundle_version"] == 1 else None

        (row,) = wait_until(reported)
        assert row["last_success_at"] and row["last_rejection"] is None

        # A forged bundle never reaches a laptop: central refuses it.
        envelope.write_bytes(
            signed(packaged_bundle(), Ed25519PrivateKey.generate(), 2, now)
        )
        refused = cli(
            publish_env, "publish", "--url", central.url, "--all", str(envelope)
        )
        assert refused.returncode == 1
        assert "unknown_key" in refused.stderr

        # One the laptop does not trust reaches it, is refused and reported;
        # the last-known-good rules keep running.
        envelope.write_bytes(signed(packaged_bundle(), other_key, 2, now))
        done = cli(publish_env, "publish", "--url", central.url, "--all", str(envelope))
        assert done.returncode == 0, done.stderr
        status = wait_until(
            lambda: (s := health_bundle(service))["last_rejection"] and s
        )
        assert status["last_rejection"]["reason"] == "unknown_key"
        assert status["version"] == 1 and CANARY_RULE in rule_ids(service)

        def rejection_reported():
            status, _, body = central.request(
                "GET", "/api/v1/admin/devices", token=admin
            )
            return json.loads(body)["devices"][0]["last_rejection"]

        assert wait_until(rejection_reported)["reason"] == "unknown_key"
    finally:
        if service is not None:
            service.stop()
        central.stop()
    assert "ZEBRA" not in service.log() + central.log()
    assert admin not in service.log() + central.log()


def test_a_pilot_device_gets_the_pilot_bundle_and_another_does_not(tmp_path, key):
    """Two running local services; only the one in the pilot group gets v2."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    pinned = write_pem(tmp_path / "pinned.pub.pem", key)
    central_env = cli_env(
        tmp_path / "home-unused",
        POSTGUARD_CENTRAL_HOME=str(tmp_path / "central"),
        POSTGUARD_CENTRAL_KEYS=pinned,
        POSTGUARD_CENTRAL_WORKERS="1",
    )
    admin = cli(central_env, "admin", "create", "alice").stdout.strip()
    enrolment = cli(central_env, "enrol-token", "--uses", "2").stdout.strip()
    admin_env = {**central_env, "POSTGUARD_ADMIN_TOKEN": admin}
    central = start_central(central_env, tmp_path / "central.log")
    services = {}
    try:
        for name in ("pilot", "other"):
            services[name] = start_service(
                tmp_path / name,
                tmp_path / f"{name}.log",
                POSTGUARD_BUNDLE_KEYS=pinned,
                POSTGUARD_CENTRAL_URL=central.url,
                POSTGUARD_ENROLMENT_TOKEN=enrolment,
                POSTGUARD_CENTRAL_POLL_SECONDS="1",
                POSTGUARD_RATE_LIMIT_PER_SECOND="0",
            )
        credential = tmp_path / "pilot" / "central-device.json"
        wait_until(credential.is_file)
        pilot_id = json.loads(credential.read_text())["device_id"]
        url = ("--url", central.url)
        grouped = cli(admin_env, "group", *url, "canary", pilot_id)
        assert grouped.returncode == 0, grouped.stderr

        envelope = tmp_path / "bundle.signed.json"
        envelope.write_bytes(signed(packaged_bundle(), key, 1, now))
        assert cli(admin_env, "publish", *url, "--all", str(envelope)).returncode == 0
        for service in services.values():
            wait_until(lambda s=service: health_bundle(s)["version"] == 1)

        envelope.write_bytes(signed(bundle_with_canary_rule(), key, 2, now))
        done = cli(admin_env, "publish", *url, "--pilot-group", "canary", str(envelope))
        assert done.returncode == 0, done.stderr
        assert "to pilot" in done.stdout
        wait_until(lambda: health_bundle(services["pilot"])["version"] == 2)
        assert CANARY_RULE in rule_ids(services["pilot"])
        time.sleep(3)  # several poll rounds of the other device
        assert health_bundle(services["other"])["version"] == 1
        assert CANARY_RULE not in rule_ids(services["other"])

        def both_reported():
            listing = cli(admin_env, "devices", *url).stdout
            return "runs=2" in listing and "runs=1" in listing and listing

        listing = wait_until(both_reported)
        assert f"{pilot_id}  group=canary  runs=2  should=2" in listing

        assert cli(admin_env, "promote", *url, "2").returncode == 0
        wait_until(lambda: health_bundle(services["other"])["version"] == 2)
        wait_until(  # once both have reported version 2
            lambda: (
                cli(admin_env, "devices", *url, "--problems").stdout.strip()
                == "no devices with problems"
            )
        )
    finally:
        for service in services.values():
            service.stop()
        central.stop()
