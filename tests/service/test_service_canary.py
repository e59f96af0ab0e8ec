"""Nothing typed reaches disk, logs or answers (T15), and no path answers 500.

A canary goes through every endpoint of the real server (gunicorn), in well-formed
and malformed requests, down to bytes that are not HTTP at all. Afterwards no answer
may contain it, no answer may be a 500, and no file the service wrote (its log, the
token, the audit database with its WAL, an export) may hold it.
"""

from __future__ import annotations

import io
import json
import signal
import subprocess
import sys

import pytest
from image_samples import photo
from image_samples import screenshot
from PIL import Image
from service_support import CANARY
from service_support import EXTENSION_ORIGIN
from service_support import cli_env
from service_support import raw_exchange
from service_support import signed_headers
from service_support import start_service

# A Luhn-valid card number that no rule example (and so no bundle) contains.
CARD = "4539 1488 0343 6467"
SECRET = f"{CANARY} {CARD}"
SCAN, EVENTS, HEALTH, BUNDLE, IMAGE = (
    "/api/v1/scan",
    "/api/v1/events",
    "/api/v1/health",
    "/api/v1/rules/bundle",
    "/api/v1/image",
)


def canary_jpeg() -> bytes:
    """A photo whose EXIF names the canary as its artist and camera owner."""
    exif = Image.Exif()
    exif[0x013B] = CANARY
    exif[0x8769] = {0xA430: CANARY, 0xA431: CANARY}
    out = io.BytesIO()
    photo().save(out, "JPEG", exif=exif)
    return out.getvalue()


def image_requests() -> list[tuple[str, bytes, str]]:
    """(path with query, body, content type) for the image endpoint."""
    shot = screenshot(f"{CANARY} card {CARD}")
    return [
        (f"{IMAGE}?platform=x", shot, "image/png"),
        (f"{IMAGE}?platform=x&field=attachment", canary_jpeg(), "image/jpeg"),
        (f"{IMAGE}?platform={CANARY}", shot, "image/png"),
        (f"{IMAGE}?field={CANARY}", shot, "image/png"),
        (f"{IMAGE}?locale={CANARY}", shot, "image/png"),
        (f"{IMAGE}?{CANARY.lower()}=1", shot, "image/png"),
        (IMAGE, SECRET.encode(), "image/png"),  # not an image
        (IMAGE, shot[: len(shot) // 2], "image/png"),  # truncated
        (IMAGE, shot, "text/plain"),
        (IMAGE, shot, "application/json"),
    ]


def json_bodies(version: str) -> list[tuple[str, object]]:
    event = {
        "rule_ids": ["credit-card"],
        "categories": ["account_number"],
        "action": "overridden",
        "platform": "x",
        "rules_version": version,
    }
    return [
        (SCAN, {"text": SECRET}),
        (SCAN, {"text": SECRET, "platform": CANARY}),
        (SCAN, {"text": SECRET, "locale": CANARY}),
        (SCAN, {"text": SECRET, "url": f"https://x.com/{CANARY}"}),
        (SCAN, {"text": SECRET, CANARY: 1}),
        (SCAN, {"text": SECRET, "full_length": CANARY}),
        (SCAN, {"text": f"{SECRET} \ud800 lone surrogate"}),
        (SCAN, [SECRET]),
        (EVENTS, {**event, "reason": "test_data", "note_length": 12}),
        (EVENTS, {**event, "reason": CANARY}),
        (EVENTS, {**event, "justification": SECRET}),  # the old free-text field
        (EVENTS, {**event, "rule_ids": [CANARY.lower()]}),
        (EVENTS, {**event, "platform": CANARY}),
        (EVENTS, {**event, "rules_version": CANARY + " " + CARD}),
        (EVENTS, {"text": SECRET}),
    ]


def raw_requests(port: int, token: str) -> list[bytes]:
    host = f"127.0.0.1:{port}"
    ok = f"Host: {host}\r\nX-PostGuard-Token: {token}\r\n"
    canary_token = f"Host: {host}\r\nX-PostGuard-Token: {CANARY}\r\n"
    body = json.dumps({"text": SECRET}).encode()
    signed = signed_headers(token, "POST", host, SCAN, body + b"!")  # wrong body
    signed_lines = "".join(f"{k}: {v}\r\n" for k, v in signed.items())
    return [
        f"GET /{CANARY} HTTP/1.1\r\n{ok}\r\n".encode(),
        f"GET {HEALTH}?q={CANARY} HTTP/1.1\r\n{ok}\r\n".encode(),
        f"GET {HEALTH} HTTP/1.1\r\nHost: {CANARY}.example\r\n\r\n".encode(),
        f"GET {HEALTH} HTTP/1.1\r\n{ok}Origin: https://{CANARY}.example\r\n\r\n".encode(),
        f"GET {HEALTH} HTTP/1.1\r\n{canary_token}\r\n".encode(),
        f'GET {BUNDLE} HTTP/1.1\r\n{ok}If-None-Match: "{CANARY}"\r\n\r\n'.encode(),
        f"{CANARY} {CARD}\r\n\r\n".encode(),  # not HTTP
        f"GET /{CANARY} HTTP/9.9\r\n\r\n".encode(),  # bad version
        f"GET {HEALTH} HTTP/1.1\r\n{ok}{CANARY} no colon\r\n\r\n".encode(),
        f"GET {HEALTH} HTTP/1.1\r\n{ok}X-Long: {CANARY * 400}\r\n\r\n".encode(),
        f"GET /{CANARY * 300} HTTP/1.1\r\n{ok}\r\n".encode(),  # line too long
        (
            f"POST {SCAN} HTTP/1.1\r\n{ok}Content-Type: application/json\r\n"
            f"Transfer-Encoding: chunked\r\n\r\nZZ{CANARY}\r\n{SECRET}\r\n0\r\n\r\n"
        ).encode(),  # bad chunk size
        (
            f"POST {IMAGE} HTTP/1.1\r\n{ok}Content-Type: image/png\r\n"
            f"Transfer-Encoding: chunked\r\n\r\nZZ{CANARY}\r\n{SECRET}\r\n0\r\n\r\n"
        ).encode(),  # an image's body with a bad chunk size
        (
            f"POST {SCAN} HTTP/1.1\r\n{ok}Content-Type: application/json\r\n"
            f"Transfer-Encoding: {CANARY}\r\n\r\n{SECRET}"
        ).encode(),
        (
            f"POST {SCAN} HTTP/1.1\r\n{ok}Content-Type: text/plain\r\n"
            f"Content-Length: {len(SECRET)}\r\n\r\n{SECRET}"
        ).encode(),
        (
            f"POST {SCAN} HTTP/1.1\r\n{ok}Content-Type: application/json\r\n"
            f"Content-Length: {len(body) + 10}\r\n\r\n"
        ).encode()
        + body,  # short body
        (
            f"POST {SCAN} HTTP/1.1\r\nHost: {host}\r\n{signed_lines}"
            f"Origin: {EXTENSION_ORIGIN}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        + body,  # bad signature
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + SECRET.encode(),  # HTTP/2 preface
    ]


@pytest.fixture(scope="module")
def canary_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("canary")
    server = start_service(
        root / "home",
        root / "serve.log",
        # A loaded test machine may need more than the default 4 s to read text.
        POSTGUARD_IMAGE_BUDGET_MS="30000",
        POSTGUARD_REQUEST_TIMEOUT="60",
    )
    answers = []
    try:
        _, _, health = server.request("GET", HEALTH)
        version = json.loads(health)["rules_version"]
        for path, payload in json_bodies(version):
            answers.append(server.request("POST", path, payload))
            answers.append(
                server.request(
                    "POST",
                    path,
                    json.dumps(payload).encode()[:-1],  # malformed JSON
                    {"Content-Type": "application/json"},
                )
            )
        for path, data, content_type in image_requests():
            answers.append(
                server.request("POST", path, data, {"Content-Type": content_type})
            )
        # The card drawn in the screenshot was read (the check is not vacuous).
        assert json.loads(answers[-len(image_requests())][2])["verdict"] == "block"
        for raw in raw_requests(server.port, server.token):
            answer = raw_exchange(server.port, raw)
            status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
            answers.append((status, {}, answer))
        export = root / "home" / "export.json"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "postguard.cli",
                "events",
                "export",
                "--output",
                str(export),
            ],
            env=cli_env(root / "home"),
            check=True,
            timeout=60,
        )
    finally:
        server.kill(signal.SIGTERM)
    return root, answers


def test_no_answer_echoes_the_canary_or_is_a_500(canary_run):
    _, answers = canary_run
    assert len(answers) > 40
    for status, _, body in answers:
        assert CANARY.encode() not in body and CANARY.lower().encode() not in body
        assert CARD.encode() not in body and b"4539148803436467" not in body
        assert status != 500, body[:200]


def test_no_file_the_service_wrote_holds_the_canary(canary_run):
    root, _ = canary_run
    files = [path for path in root.rglob("*") if path.is_file()]
    names = {path.name for path in files}
    assert {"serve.log", "token", "audit.sqlite3", "export.json"} <= names
    for path in files:
        data = path.read_bytes()
        for needle in (CANARY, CANARY.lower(), CARD, CARD.replace(" ", "")):
            assert needle.encode() not in data, (path.name, needle)
            assert needle.encode("utf-16-le") not in data, (path.name, needle)


def test_the_events_that_were_valid_were_recorded(canary_run):
    root, _ = canary_run
    rows = json.loads((root / "home" / "export.json").read_text())
    assert [row["reason"] for row in rows] == ["test_data"]
    assert rows[0]["note_length"] is None  # the default policy does not keep it
