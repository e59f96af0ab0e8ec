"""The real ``postguard serve`` (gunicorn) on a free loopback port, over HTTP."""

from __future__ import annotations

import csv
import http.client
import io
import json
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from service_support import CANARY
from service_support import CARD
from service_support import cli_env
from service_support import free_port
from service_support import raw_exchange
from service_support import serve_command
from service_support import start_service


def cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "postguard.cli", *args],
        env=cli_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )


def an_event(live_server, **fields) -> dict:
    status, _, body = live_server.request("GET", "/api/v1/health")
    version = json.loads(body)["rules_version"]
    return {
        "rule_ids": ["credit-card"],
        "categories": ["account_number"],
        "action": "posted",
        "platform": "x",
        "rules_version": version,
        **fields,
    }


# --- acceptance (README commands) --------------------------------------------------


def test_first_start_creates_a_user_only_token_and_prints_it(live_server):
    token_file = live_server.home / "token"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    log = live_server.log()
    assert f"Pairing token (created in {token_file}):\n  {live_server.token}\n" in log
    assert "options page" in log
    result = cli(live_server.home, "token")
    assert result.returncode == 0
    assert result.stdout.strip() == live_server.token


def test_card_number_over_http_gets_block_or_warn_with_masked_preview(live_server):
    status, headers, body = live_server.request(
        "POST", "/api/v1/scan", {"text": f"my card {CARD}", "platform": "x"}
    )
    assert status == 200
    result = json.loads(body)
    assert result["verdict"] in ("block", "warn")
    assert result["findings"][0]["preview"] == "•••• 1111"
    assert b"4111" not in body
    assert headers["Cache-Control"] == "no-store"


def test_evil_host_gets_400(live_server):
    status, _, body = live_server.request(
        "GET", "/api/v1/health", headers={"Host": "evil.example"}
    )
    assert status == 400 and json.loads(body)["error"]["code"] == "bad_host"


def test_missing_token_gets_401_and_foreign_origin_403(live_server):
    assert live_server.request("GET", "/api/v1/health", token=False)[0] == 401
    status, headers, _ = live_server.request(
        "POST",
        "/api/v1/scan",
        {"text": "hi"},
        headers={"Origin": "https://example.com"},
    )
    assert status == 403
    assert "Access-Control-Allow-Origin" not in headers


def test_text_plain_post_gets_415(live_server):
    status, _, _ = live_server.request(
        "POST",
        "/api/v1/scan",
        b'{"text": "hi"}',
        headers={"Content-Type": "text/plain"},
    )
    assert status == 415


def test_ten_megabytes_get_413_before_the_body_is_read(live_server):
    size = 10 * 1024 * 1024
    head = (
        f"POST /api/v1/scan HTTP/1.1\r\nHost: 127.0.0.1:{live_server.port}\r\n"
        f"X-PostGuard-Token: {live_server.token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
    )
    answer = raw_exchange(
        live_server.port, head.encode(), [b"a" * 65536 for _ in range(size // 65536)]
    )
    assert answer.startswith(b"HTTP/1.1 413")
    assert b"1048576 bytes" in answer


def test_chunked_body_over_the_cap_gets_413(live_server):
    head = (
        f"POST /api/v1/scan HTTP/1.1\r\nHost: 127.0.0.1:{live_server.port}\r\n"
        f"X-PostGuard-Token: {live_server.token}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    piece = b"a" * 65536
    chunks = [b"%x\r\n%s\r\n" % (len(piece), piece) for _ in range(40)] + [b"0\r\n\r\n"]
    answer = raw_exchange(live_server.port, head.encode(), chunks)
    assert answer.startswith(b"HTTP/1.1 413")


def test_keep_alive_connection_serves_many_requests(live_server):
    conn = http.client.HTTPConnection("127.0.0.1", live_server.port, timeout=10)
    headers = {
        "X-PostGuard-Token": live_server.token,
        "Content-Type": "application/json",
    }
    try:
        for n in range(5):
            conn.request(
                "POST", "/api/v1/scan", json.dumps({"text": f"post {n}"}), headers
            )
            response = conn.getresponse()
            assert response.status == 200
            response.read()
            assert response.getheader("Connection", "keep-alive") != "close"
    finally:
        conn.close()


def test_flood_gets_429_and_no_5xx(tmp_path):
    server = start_service(
        tmp_path / "home",
        tmp_path / "serve.log",
        POSTGUARD_RATE_LIMIT_PER_SECOND="1",
        POSTGUARD_RATE_LIMIT_BURST="5",
    )
    try:
        statuses = [server.request("GET", "/api/v1/health")[0] for _ in range(30)]
    finally:
        server.kill()
    assert statuses[0] == 200 and 429 in statuses
    assert set(statuses) <= {200, 429}


def test_listens_on_loopback_only(live_server):
    tcp = Path("/proc/net/tcp")
    if not tcp.exists():
        pytest.skip("needs Linux /proc/net/tcp")
    listening = [
        line.split()[1]
        for line in tcp.read_text().splitlines()[1:]
        if line.split()[3] == "0A"
    ]  # state LISTEN
    ours = [
        addr for addr in listening if int(addr.split(":")[1], 16) == live_server.port
    ]
    assert ours == [f"0100007F:{live_server.port:04X}"]  # 127.0.0.1 only


# --- events, export, privacy ---------------------------------------------------


def test_posted_events_are_exported_and_the_database_holds_no_text(live_server):
    draft = f"{CANARY} card {CARD}"
    assert live_server.request("POST", "/api/v1/scan", {"text": draft})[0] == 200
    ids = []
    for action in ("posted", "overridden"):
        extra = (
            {"reason": "test_data", "note_length": 9} if action == "overridden" else {}
        )
        status, _, body = live_server.request(
            "POST", "/api/v1/events", an_event(live_server, action=action, **extra)
        )
        assert status == 201
        ids.append(json.loads(body)["id"])
    exported = cli(live_server.home, "events", "export", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    rows = json.loads(exported.stdout)
    assert [row["id"] for row in rows if row["id"] in ids] == ids
    as_csv = cli(live_server.home, "events", "export", "--format", "csv")
    records = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [int(r["id"]) for r in records if int(r["id"]) in ids] == ids
    for path in live_server.home.iterdir():
        data = path.read_bytes()
        assert CANARY.encode() not in data and b"4111" not in data, path.name


def test_nothing_typed_reaches_the_server_log(live_server):
    secret = f"{CANARY} {CARD}"
    live_server.request("POST", "/api/v1/scan", {"text": secret})
    live_server.request("POST", "/api/v1/scan", {"text": secret, "platform": CANARY})
    live_server.request(
        "POST",
        "/api/v1/scan",
        f'{{"text": "{secret}'.encode(),
        headers={"Content-Type": "application/json"},
    )
    live_server.request("POST", "/api/v1/events", {"text": secret})
    live_server.request("GET", f"/api/v1/scan?text={CANARY}")
    live_server.request("GET", f"/{CANARY}")
    log = live_server.log()
    assert CANARY not in log and "4111" not in log


def test_acknowledged_event_survives_kill_9(tmp_path):
    server = start_service(tmp_path / "home", tmp_path / "serve.log")
    try:
        ids, event = [], an_event(server)
        for _ in range(20):
            status, _, body = server.request("POST", "/api/v1/events", event)
            assert status == 201
            ids.append(json.loads(body)["id"])
    finally:
        server.kill(signal.SIGKILL)  # no shutdown, no checkpoint
    conn = sqlite3.connect(tmp_path / "home" / "audit.sqlite3")
    try:
        stored = [row[0] for row in conn.execute("SELECT id FROM events ORDER BY id")]
    finally:
        conn.close()
    assert stored == ids


@pytest.mark.parametrize("kill_after", [0.0, 0.05, 0.13])
def test_kill_9_while_writing_loses_no_acknowledged_event(tmp_path, kill_after):
    server = start_service(
        tmp_path / "home", tmp_path / "serve.log", POSTGUARD_RATE_LIMIT_PER_SECOND="0"
    )
    event, acked = an_event(server), []

    def writer():
        while True:
            try:
                status, _, body = server.request("POST", "/api/v1/events", event)
            except (OSError, http.client.HTTPException):
                return  # the server is gone
            if status == 201:
                acked.append(json.loads(body)["id"])

    thread = threading.Thread(target=writer)
    thread.start()
    deadline = time.monotonic() + 20
    while len(acked) < 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(kill_after)  # land the kill at different points of a write
    server.kill(signal.SIGKILL)
    thread.join(timeout=15)
    assert len(acked) >= 5
    conn = sqlite3.connect(tmp_path / "home" / "audit.sqlite3")
    try:
        stored = {row[0] for row in conn.execute("SELECT id FROM events")}
    finally:
        conn.close()
    assert set(acked) <= stored


# --- start-up errors --------------------------------------------------------------


def test_broken_policy_file_stops_serve_with_the_line(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "version: 1\nmode: enforce\ndefault_action: warn\n"
        "actions:\n  credential:\n    high: blok\nplatforms: {x: }\n"
    )
    result = subprocess.run(
        serve_command("--port", str(free_port())),
        env=cli_env(tmp_path / "home", POSTGUARD_POLICY_FILE=str(policy)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 78
    assert f"{policy}, line 6:" in result.stderr and "blok" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "setting, content, words",
    [
        ("POSTGUARD_RULES_BUNDLE", '{"version": "1", "rules": [', "rule bundle"),
        ("POSTGUARD_CONFIG", "port: 80\nbind: 0.0.0.0\n", "unknown setting 'bind'"),
    ],
)
def test_broken_bundle_or_config_stops_serve_cleanly(tmp_path, setting, content, words):
    path = tmp_path / "broken"
    path.write_text(content)
    result = subprocess.run(
        serve_command("--port", str(free_port())),
        env=cli_env(tmp_path / "home", **{setting: str(path)}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 78
    assert words in result.stderr and "Traceback" not in result.stderr
