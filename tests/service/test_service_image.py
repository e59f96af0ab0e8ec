"""POST /api/v1/image in process: the security chain, the 20 MiB cap, bad files,
the findings with the policy's attachments actions, and privacy (nothing read
from an image reaches an answer, a log, telemetry or the audit log)."""

from __future__ import annotations

import logging
import sqlite3

import pytesseract
import pytest
from image_samples import CANARY_WORD
from image_samples import CARD
from image_samples import GPS_DIGITS
from image_samples import OWNER
from image_samples import SERIAL
from image_samples import clean_jpeg
from image_samples import gps_jpeg
from image_samples import owned_jpeg
from image_samples import padded_png
from image_samples import png_bomb
from image_samples import screenshot
from image_samples import truncated_jpeg
from service_support import CANARY
from service_support import EXTENSION_ORIGIN
from service_support import TOKEN
from service_support import Api
from service_support import expected_proof
from service_support import signed_headers

from postguard.api import image as image_api
from postguard.app import create_app
from postguard.images import ocr_status
from postguard.request_body import IMAGE_MAX_BYTES
from postguard.telemetry import Telemetry

IMAGE = "/api/v1/image"
HEALTH = "/api/v1/health"
# Text actions that differ from the attachments ones, so a test tells them apart.
POLICY = """\
version: 1
mode: enforce
default_action: warn
on_incomplete: warn
actions:
  pii: {medium: block, low: audit}
  account_number: {high: warn}
platforms:
  x:
  other:
attachments:
  actions:
    account_number: {high: block}
  rules:
    image.gps-location: warn
"""


@pytest.fixture
def settings(settings):
    # A loaded test machine may need more than the default 4 s to read text;
    # test_a_check_out_of_time_is_never_clean runs with a short budget.
    return {**settings, "IMAGE_BUDGET_MS": 30_000, "REQUEST_TIMEOUT": 60}


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


def post_image(api, data: bytes, query="platform=x", content_type="image/png", **kw):
    path = f"{IMAGE}?{query}" if query else IMAGE
    return api.post(path, data=data, content_type=content_type, **kw)


@pytest.fixture
def policy_app(settings, tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY)
    app = create_app({**settings, "POLICY_FILE": str(path)})
    yield app
    app.extensions["postguard"].audit.close()


@pytest.fixture
def papi(policy_app):
    return Api(policy_app.test_client())


@pytest.fixture
def no_tesseract(tmp_path, monkeypatch):
    """Tesseract missing: pytesseract points at a program that does not exist."""
    monkeypatch.setattr(
        pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-tesseract")
    )


# --- the security chain ------------------------------------------------------


def test_no_token_gets_401(api):
    response = post_image(api, png_bomb(), token=None)
    assert response.status_code == 401 and error_code(response) == "unauthorized"


def test_a_foreign_host_gets_400(api):
    response = post_image(api, png_bomb(), base_url="http://evil.example:17653")
    assert response.status_code == 400 and error_code(response) == "bad_host"


def test_a_foreign_origin_gets_403_even_with_the_token(api):
    response = post_image(api, png_bomb(), headers={"Origin": "https://example.com"})
    assert response.status_code == 403 and error_code(response) == "forbidden_origin"
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
        None,
    ],
)
def test_only_image_types_and_octet_stream_are_accepted(api, content_type):
    response = api.post(
        f"{IMAGE}?platform=x", data=png_bomb(), content_type=content_type
    )
    assert response.status_code == 415
    assert error_code(response) == "unsupported_media_type"
    assert "image/*" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "content_type", ["image/png", "image/jpeg", "application/octet-stream"]
)
def test_image_types_pass_the_content_type_check(api, content_type):
    # The bomb is refused by the analysis, after every check passed.
    response = post_image(api, png_bomb(), content_type=content_type)
    assert response.status_code == 422


def test_the_text_endpoints_still_take_json_only(api):
    response = api.post("/api/v1/scan", data=b"\x89PNG", content_type="image/png")
    assert response.status_code == 415


def test_the_extension_signs_an_image_request_and_gets_a_proof(api):
    body = png_bomb()
    response = post_image(api, body, signed=True, headers={"Origin": EXTENSION_ORIGIN})
    assert response.status_code == 422
    assert response.headers["Access-Control-Allow-Origin"] == EXTENSION_ORIGIN
    proof = expected_proof(TOKEN, response.nonce, 422, response.data)
    assert response.headers["X-PostGuard-Proof"] == proof
    # The signature covers the bytes: one byte added and it is refused.
    path = f"{IMAGE}?platform=x"
    signature = signed_headers(TOKEN, "POST", "127.0.0.1:17653", path, body)
    tampered = api.post(
        path,
        data=body + b"!",
        content_type="image/png",
        token=None,
        headers={"Origin": EXTENSION_ORIGIN, **signature},
    )
    assert tampered.status_code == 401 and error_code(tampered) == "bad_signature"


def test_images_count_against_the_rate_limit(settings):
    api = Api(
        create_app(
            {**settings, "RATE_LIMIT_PER_SECOND": 0.01, "RATE_LIMIT_BURST": 1}
        ).test_client()
    )
    assert post_image(api, png_bomb()).status_code == 422
    response = post_image(api, png_bomb())
    assert response.status_code == 429 and "Retry-After" in response.headers


# --- size -------------------------------------------------------------------


def test_one_byte_over_20_mib_gets_413_naming_the_limit(api):
    response = post_image(api, b"\x89PNG" + b"\x00" * (IMAGE_MAX_BYTES - 3))
    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"
    message = response.get_json()["error"]["message"]
    assert f"{IMAGE_MAX_BYTES} bytes" in message and "20 MiB" in message


def test_a_20_mib_image_is_accepted_and_checked(api):
    data = padded_png(IMAGE_MAX_BYTES)
    assert len(data) == IMAGE_MAX_BYTES
    response = post_image(api, data)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["format"] == "png" and (body["width"], body["height"]) == (320, 200)


def test_the_text_endpoint_keeps_its_own_cap(api, app):
    body = b'{"text": "' + b"a" * (2 * 1024 * 1024) + b'"}'
    response = api.post("/api/v1/scan", data=body, content_type="application/json")
    assert response.status_code == 413
    message = response.get_json()["error"]["message"]
    assert str(app.config["MAX_CONTENT_LENGTH"]) in message
    assert "shorter draft" in message


# --- files that cannot be checked -------------------------------------------


@pytest.mark.parametrize(
    "data, status, code",
    [
        pytest.param(b"", 400, "not_an_image", id="empty"),
        pytest.param(
            f"{CANARY} {CARD} is not a picture".encode(), 400, "not_an_image", id="text"
        ),
        pytest.param(truncated_jpeg(), 400, "corrupt_image", id="truncated-jpeg"),
        pytest.param(png_bomb(), 422, "too_many_pixels", id="50000x50000-png"),
    ],
)
def test_a_file_that_cannot_be_checked_gets_a_clear_error(api, data, status, code):
    response = post_image(api, data)
    assert response.status_code == status
    assert error_code(response) == code
    assert CANARY.encode() not in response.data


# --- query parameters --------------------------------------------------------


@pytest.mark.parametrize(
    "query, words",
    [
        (f"platform={CANARY}", "Parameter platform has an invalid format."),
        (f"field={CANARY}", "Parameter field has an invalid format."),
        (f"locale={CANARY}!", "Parameter locale has an invalid format."),
        (f"{CANARY.lower()}=1", "Unknown query parameter"),
        ("platform=x&platform=linkedin", "given once"),
    ],
)
def test_a_bad_query_parameter_is_named_never_echoed(api, caplog, query, words):
    with caplog.at_level(logging.DEBUG):
        response = post_image(api, png_bomb(), query=query)
    assert response.status_code == 400
    assert error_code(response) == "invalid_request"
    assert words in response.get_json()["error"]["message"]
    for text in (response.get_data(as_text=True), caplog.text):
        assert CANARY not in text and CANARY.lower() not in text


def test_a_platform_the_policy_does_not_list_is_checked_as_other(api):
    response = post_image(api, png_bomb(), query="platform=newsite&field=attachment")
    assert response.status_code == 422  # went past the platform check


# --- findings and the attachments policy ---------------------------------------


def test_a_gps_photo_gets_gps_location_with_the_attachments_action(papi):
    response = post_image(papi, gps_jpeg(), query="platform=x&field=attachment")
    assert response.status_code == 200
    body = response.get_json()
    [finding] = body["findings"]
    assert finding["type"] == "GPS_LOCATION" and finding["source"] == "metadata"
    # The text action for pii/medium is block; the attachments section says warn.
    assert finding["action"] == "warn" and body["verdict"] == "warn"
    assert body["location"] is True and body["complete"] is True
    assert body["format"] == "jpeg"
    for digits in GPS_DIGITS:
        assert digits.encode() not in response.data


def test_a_card_number_in_a_screenshot_is_blocked_by_the_attachments_table(papi):
    response = post_image(papi, screenshot(f"card {CARD}"))
    body = response.get_json()
    cards = [f for f in body["findings"] if f["type"] == "CREDIT_CARD"]
    assert cards, body
    card = cards[0]
    # Text keeps warn for account_number/high; in an image it is block.
    assert card["action"] == "block" and body["verdict"] == "block"
    assert card["source"] == "text" and card["preview"] == "•••• 1111"
    box = card["box"]
    assert box["x"] >= 60 and box["y"] >= 50 and box["width"] > 100
    assert b"4111" not in response.data


def test_the_same_card_with_the_shipped_policy_follows_its_text_table(api):
    body = post_image(api, screenshot(f"card {CARD}")).get_json()
    card = next(f for f in body["findings"] if f["type"] == "CREDIT_CARD")
    assert card["action"] == "block_with_override"  # account_number/high, no section
    assert body["verdict"] == "block"


def test_a_clean_image_is_allowed_and_complete(papi):
    response = post_image(papi, clean_jpeg(), content_type="image/jpeg")
    body = response.get_json()
    assert body["verdict"] == "allow" and body["findings"] == []
    assert body["complete"] is True and body["location"] is False
    assert body["checks"] == {"metadata": "done", "barcodes": "done", "text": "done"}
    assert body["mode"] == "enforce" and body["findings_omitted"] == 0
    assert body["elapsed_ms"] > 0


def test_without_tesseract_an_image_is_never_allowed(papi, no_tesseract):
    body = post_image(papi, clean_jpeg(), content_type="image/jpeg").get_json()
    assert body["checks"]["text"] == "unavailable"
    assert body["checks"]["metadata"] == body["checks"]["barcodes"] == "done"
    assert body["complete"] is False
    assert body["verdict"] == "warn"  # on_incomplete, never allow


def test_without_tesseract_on_incomplete_block_blocks(settings, tmp_path, no_tesseract):
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY.replace("on_incomplete: warn", "on_incomplete: block"))
    api = Api(create_app({**settings, "POLICY_FILE": str(path)}).test_client())
    assert post_image(api, clean_jpeg()).get_json()["verdict"] == "block"


def test_a_check_out_of_time_is_never_clean(settings, tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY)
    app = create_app({**settings, "POLICY_FILE": str(path), "IMAGE_BUDGET_MS": 100})
    body = post_image(Api(app.test_client()), screenshot(f"card {CARD}")).get_json()
    assert body["checks"]["text"] == "timeout"  # Tesseract takes far longer
    assert body["complete"] is False and body["verdict"] == "warn"


@pytest.mark.parametrize(
    "budget, timeout, expected", [(4000, 10, 4000), (4000, 2, 1000), (300, 60, 300)]
)
def test_the_budget_leaves_time_to_answer_within_request_timeout(
    settings, budget, timeout, expected
):
    app = create_app(
        {**settings, "IMAGE_BUDGET_MS": budget, "REQUEST_TIMEOUT": timeout}
    )
    with app.test_request_context():
        assert image_api.budget_ms() == expected


def test_health_reports_the_image_checks(api):
    images = api.get(HEALTH).get_json()["images"]
    assert images == {"available": True, "ocr": ocr_status()}
    assert images["ocr"]["available"] is True  # CI installs Tesseract
    assert images["ocr"]["engine"].startswith("tesseract ")
    assert "eng" in images["ocr"]["languages"]


def test_health_without_tesseract_says_text_in_images_is_not_read(api, no_tesseract):
    images = api.get(HEALTH).get_json()["images"]
    assert images == {
        "available": True,
        "ocr": {"available": False, "engine": None, "languages": []},
    }
    # Typed text is scanned as ever.
    scan = api.post("/api/v1/scan", json={"text": f"card {CARD}", "platform": "x"})
    assert scan.get_json()["verdict"] == "block"


def test_simulation_mode_allows_and_keeps_the_would_be_action(settings, tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY.replace("mode: enforce", "mode: simulation"))
    api = Api(create_app({**settings, "POLICY_FILE": str(path)}).test_client())
    body = post_image(api, gps_jpeg()).get_json()
    assert body["verdict"] == "allow" and body["mode"] == "simulation"
    assert [(f["action"], f["simulated_action"]) for f in body["findings"]] == [
        ("audit", "warn")
    ]


# --- privacy -------------------------------------------------------------------


def test_nothing_read_from_an_image_reaches_answers_logs_telemetry_or_audit(
    papi, policy_app, settings, caplog, tmp_path
):
    telemetry = Telemetry(tmp_path / "telemetry-home", flush_seconds=3600)
    policy_app.extensions["postguard_telemetry"] = telemetry
    shot = screenshot(f"{CANARY_WORD} card {CARD}", f"note {CANARY_WORD}")
    files = [shot, owned_jpeg(), truncated_jpeg()]  # made before the log is read
    answers = []
    with caplog.at_level(logging.DEBUG):
        answers.append(post_image(papi, files[0], query="platform=x&field=qz_field"))
        answers.append(post_image(papi, files[1], query="platform=linkedin"))
        answers.append(post_image(papi, files[2]))
    assert [a.status_code for a in answers] == [200, 200, 400]
    assert answers[0].get_json()["verdict"] == "block"
    telemetry.counter.flush()
    rows = telemetry.outbox.batch()["items"]
    assert {(r["kind"], r["platform"], r["verdict"]) for r in rows} == {
        ("images", "x", "block"),
        ("images", "other", "warn"),  # linkedin: not in the policy
    }
    telemetry.outbox.close()
    audit = policy_app.extensions["postguard"].audit
    audit.close()
    written = [
        p for p in tmp_path.rglob("*") if p.is_file() and p.name != "policy.yaml"
    ]
    assert written, "the telemetry outbox exists"
    stored = b"".join(p.read_bytes() for p in written)
    needles = (
        CANARY_WORD,
        CARD,
        CARD.replace(" ", ""),
        *GPS_DIGITS,
        OWNER,
        SERIAL,
        "qz_field",
    )
    for needle in needles:
        for answer in answers:
            assert needle.encode() not in answer.data, needle
        assert needle not in caplog.text, needle
        assert needle.encode() not in stored, needle
    audit_db = tmp_path / "home" / "audit.sqlite3"
    if audit_db.exists():  # checking an image writes no audit row
        with sqlite3.connect(audit_db) as conn:
            assert conn.execute("SELECT COUNT(*) FROM events").fetchone() == (0,)


def test_events_may_name_the_image_rules_and_telemetry_gets_their_actions(
    papi, policy_app, tmp_path
):
    telemetry = Telemetry(tmp_path / "telemetry-home", flush_seconds=3600)
    policy_app.extensions["postguard_telemetry"] = telemetry
    event = {
        "rule_ids": ["image.gps-location", "credit-card"],
        "categories": ["pii", "account_number"],
        "action": "posted",
        "platform": "x",
        "rules_version": policy_app.extensions["postguard"].engine.rules_version,
    }
    assert papi.post("/api/v1/events", json=event).status_code == 201
    unknown = {**event, "rule_ids": ["image.gps-locaton"]}
    response = papi.post("/api/v1/events", json=unknown)
    assert response.status_code == 400 and error_code(response) == "unknown_rule"
    rows = telemetry.outbox.batch()["items"]
    telemetry.outbox.close()
    # The image rule gets the attachments action (warn, not the text's block).
    assert {row["rule_id"]: row["policy_action"] for row in rows} == {
        "image.gps-location": "warn",
        "credit-card": "warn",
    }
