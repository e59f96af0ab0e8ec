"""Acceptance for hashed confidential terms (issue 12) with real parts: the real
CLI, `postguard central serve`, a `postguard serve` that enrols and polls, the
real extension in Chromium, and the console.

An admin uploads "Project Falcon" to central, exports the hashed form, adds it to
a bundle offline, signs and publishes it. Within the poll interval the laptop runs
it and fetches the key, and "#ProjectFa1con ships 3 March" typed in a compose box
gets the banner. No file of the bundle, of the laptop's PostGuard data or of the
extension's storage holds "falcon". The employee masks it; the dashboard shows the
finding's category and rule once five devices report it (k-anonymity).
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from datetime import datetime
from datetime import timezone
from pathlib import Path

import pytest
from conftest import ALLOWED_ORIGINS
from conftest import Service
from conftest import pair

from postguard.testing import central_command
from postguard.testing import cli_env
from postguard.testing import start_central
from postguard.testing import wait_until

REPO = Path(__file__).resolve().parents[2]
PACKAGED = REPO / "backend/postguard/data/ruleset.json"
POST = "#ProjectFa1con ships 3 March"
PASSWORD = "a long console password"
OTHER_DEVICES = 4


def run(env, command: list[str], stdin: str | None = None) -> str:
    done = subprocess.run(
        command, env=env, input=stdin, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def files_mentioning(root: Path, word: str) -> list[str]:
    """What `grep -ril WORD ROOT` would list."""
    return [
        str(path)
        for path in root.rglob("*")
        if path.is_file() and word in path.read_bytes().lower()
    ]


@pytest.fixture
def admin(tmp_path):
    """Keys, a central with an admin (and a console password), and the CLIs."""
    keys = tmp_path / "keys"
    laptop_env = cli_env(tmp_path / "admin-home")
    run(laptop_env, [sys.executable, "-m", "postguard.cli", "keys", "generate",
                     "--out", str(keys)])  # fmt: skip
    env = cli_env(
        tmp_path / "admin-home",
        POSTGUARD_CENTRAL_HOME=str(tmp_path / "central"),
        POSTGUARD_CENTRAL_KEYS=str(keys / "signing-key.pub.pem"),
        POSTGUARD_CENTRAL_WORKERS="1",
    )
    token = run(env, central_command("admin", "create", "alice"))
    run(env, central_command("admin", "password", "alice", "--stdin"), PASSWORD)
    enrolment = run(env, central_command("enrol-token", "--uses", "9"))
    central = start_central(env, tmp_path / "central.log")
    yield {
        "central": central,
        "env": {**env, "POSTGUARD_ADMIN_TOKEN": token},
        "keys": keys,
        "enrolment": enrolment,
    }
    central.stop()


def release_terms(tmp_path: Path, admin: dict) -> Path:
    """The admin's steps from docs/admin.md: upload, export, add, sign, publish."""
    env, url = admin["env"], ("--url", admin["central"].url)
    terms = tmp_path / "terms.yaml"
    terms.write_text("- {term: Project Falcon, severity: high, proximity: true}\n")
    run(env, central_command("terms", "upload", *url, str(terms)))
    hashed = tmp_path / "hashed-terms.json"
    run(env, central_command("terms", "export", *url, "-o", str(hashed)))
    bundle = tmp_path / "ruleset-with-terms.json"
    postguard = [sys.executable, "-m", "postguard.cli"]
    run(env, [*postguard, "rules", "add-terms", str(hashed), str(PACKAGED),
              "-o", str(bundle)])  # fmt: skip
    signed = tmp_path / "bundle.signed.json"
    run(env, [*postguard, "rules", "sign", "--key",
              str(admin["keys"] / "signing-key.pem"), "--version", "1",
              str(bundle), "-o", str(signed)])  # fmt: skip
    run(env, central_command("publish", *url, "--all", str(signed)))
    return signed


def send_findings(central, credential: str, rule_id: str) -> None:
    """What another laptop's outbox sends for the same masked finding."""
    item = {
        "seq": 1,
        "kind": "finding",
        "day": datetime.now(timezone.utc).date().isoformat(),
        "platform": "other",
        "bundle_version": 1,
        "rule_id": rule_id,
        "category": "confidential",
        "action": "masked",
        "policy_action": "block",
        "simulated": False,
    }
    body = {"stream": uuid.uuid4().hex, "dropped": 0, "items": [item]}
    status, _, answer = central.request(
        "POST", "/api/v1/device/telemetry", body, token=credential
    )
    assert status == 200, answer


def test_a_hashed_term_reaches_the_compose_box_and_never_the_laptop_as_text(
    tmp_path, admin, browser, worker, compose, service
):
    central = admin["central"]
    signed = release_terms(tmp_path, admin)
    laptop = Service(
        tmp_path / "laptop",
        tmp_path / "laptop.log",
        POSTGUARD_ALLOWED_ORIGINS=json.dumps(ALLOWED_ORIGINS),
        POSTGUARD_BUNDLE_KEYS=str(admin["keys"] / "signing-key.pub.pem"),
        POSTGUARD_CENTRAL_URL=central.url,
        POSTGUARD_ENROLMENT_TOKEN=admin["enrolment"],
        POSTGUARD_CENTRAL_POLL_SECONDS="1",
        POSTGUARD_TELEMETRY_FLUSH_SECONDS="1",
    ).start()
    try:
        health = wait_until(
            lambda: (h := laptop.get("/api/v1/health"))["bundle"]["version"] == 1 and h
        )
        assert health["bundle"]["source"] == "signed"
        pair(worker, laptop)
        box = compose("textarea")
        box.type(POST)
        box.wait_state("flagged", timeout=10000)
        assert "confidential term" in box.banner_text().lower()
        assert "falcon" not in box.banner_text().lower()
        box.banner_click("mask")
        events = wait_until(lambda: laptop.events())
        assert events[-1]["action"] == "masked"
        rule_id = events[-1]["rule_ids"][0]
        assert rule_id.startswith("confidential-hashed-")

        # grep -ri falcon: the bundle, the laptop's data, the extension's storage.
        assert b"falcon" not in signed.read_bytes().lower()
        assert files_mentioning(tmp_path / "laptop", b"falcon") == []
        assert "falcon" not in laptop.log.read_text().lower()
        stored = worker.evaluate(
            "Promise.all([chrome.storage.local.get(null),"
            " chrome.storage.session.get(null)]).then(s => JSON.stringify(s))"
        )
        assert "falcon" not in stored.lower()

        # The dashboard: four other devices report the same finding; with the
        # laptop's own row (sent after its next poll) the cell has five devices.
        for _ in range(OTHER_DEVICES):
            status, _, answer = central.request(
                "POST",
                "/api/v1/device/enrol",
                {"enrolment_token": admin["enrolment"]},
            )
            assert status == 201
            send_findings(central, json.loads(answer)["credential"], rule_id)
        page = browser.new_page()
        page.goto(f"{central.url}/console/login")
        page.get_by_label("Admin name").fill("alice")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()

        def dashboard_shows_it():
            page.goto(f"{central.url}/console/")
            table = page.locator("#top-rules").inner_text()
            return (
                rule_id in table
                and "confidential" in page.locator("#findings-table").inner_text()
            )

        wait_until(dashboard_shows_it)
        page.close()
    finally:
        laptop.stop()
        pair(worker, service)  # the other tests' pairing
