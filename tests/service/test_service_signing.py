"""Signed requests and response proofs (T6, an impostor on the port).

The extension signs each request with an HMAC keyed on the per-install token and
trusts only answers carrying a proof over its nonce and the response body. These
tests compute both sides from the documented format (service_support), not with
the service's own code.
"""

from __future__ import annotations

import json

import pytest
from service_support import BASE_URL
from service_support import CARD
from service_support import EXTENSION_ORIGIN
from service_support import PORT
from service_support import TOKEN
from service_support import Api
from service_support import expected_proof
from service_support import new_nonce
from service_support import signed_headers

from postguard.app import create_app

HEALTH = "/api/v1/health"
SCAN = "/api/v1/scan"
HOST = f"127.0.0.1:{PORT}"


def proof_ok(response) -> bool:
    return response.headers.get("X-PostGuard-Proof") == expected_proof(
        TOKEN, response.nonce, response.status_code, response.get_data()
    )


def raw_post(api, path, body: bytes, headers: dict):
    return api.client.open(
        path,
        method="POST",
        data=body,
        base_url=BASE_URL,
        content_type="application/json",
        headers=headers,
    )


def test_signed_handshake_gets_a_proof_over_its_nonce_and_body(api):
    response = api.get(HEALTH, signed=True, headers={"Origin": EXTENSION_ORIGIN})
    assert response.status_code == 200
    assert proof_ok(response)
    # The proof is bound to this nonce: it does not verify for another one.
    other = expected_proof(TOKEN, new_nonce(), 200, response.get_data())
    assert response.headers["X-PostGuard-Proof"] != other


def test_signed_scan_returns_a_proved_verdict(api):
    response = api.post(
        SCAN,
        json={"text": f"card {CARD}"},
        signed=True,
        headers={"Origin": EXTENSION_ORIGIN},
    )
    assert response.status_code == 200
    assert response.get_json()["verdict"] == "block"
    assert proof_ok(response)


def test_a_token_holder_without_signature_gets_no_proof(api):
    # The CLI path: plain token, no nonce, so nothing to prove.
    response = api.get(HEALTH)
    assert response.status_code == 200
    assert "X-PostGuard-Proof" not in response.headers


def test_extension_origin_must_sign_not_send_the_token(api):
    response = api.get(HEALTH, headers={"Origin": EXTENSION_ORIGIN})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "bad_signature"


@pytest.mark.parametrize("tamper", ["token", "body", "path", "host", "method", "nonce"])
def test_a_signature_over_anything_else_is_refused_without_proof(api, tamper):
    body = json.dumps({"text": "hello"}).encode()
    sign = {"token": TOKEN, "method": "POST", "host": HOST, "path": SCAN, "body": body}
    if tamper == "token":
        sign["token"] = TOKEN + "x"
    elif tamper == "body":
        sign["body"] = json.dumps({"text": "hello!"}).encode()
    elif tamper == "path":
        sign["path"] = "/api/v1/events"
    elif tamper == "host":
        sign["host"] = f"127.0.0.1:{PORT + 1}"  # a relay on another port
    elif tamper == "method":
        sign["method"] = "PUT"
    headers = signed_headers(**sign)
    if tamper == "nonce":
        headers["X-PostGuard-Nonce"] = new_nonce()  # signed with another nonce
    response = raw_post(api, SCAN, body, {**headers, "Origin": EXTENSION_ORIGIN})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "bad_signature"
    assert "X-PostGuard-Proof" not in response.headers


@pytest.mark.parametrize(
    "nonce", ["", "short", "x" * 65, "has space in it 12345678", "é" * 30]
)
def test_malformed_nonce_is_refused(api, nonce):
    body = b'{"text": "hi"}'
    headers = signed_headers(TOKEN, "POST", HOST, SCAN, body)
    headers["X-PostGuard-Nonce"] = nonce
    response = raw_post(api, SCAN, body, headers)
    assert response.status_code == 401


def test_a_replayed_request_is_refused(api):
    body = b'{"text": "hi"}'
    headers = signed_headers(TOKEN, "POST", HOST, SCAN, body)
    assert raw_post(api, SCAN, body, headers).status_code == 200
    replay = raw_post(api, SCAN, body, headers)
    assert replay.status_code == 401
    assert "X-PostGuard-Proof" not in replay.headers


def test_errors_after_a_valid_signature_are_proved_too(api):
    # The extension tells "busy" (429) or "bad input" (400) from an impostor by
    # the proof, so those answers carry one.
    response = api.post(
        SCAN, data=b'{"text": ', signed=True, content_type="application/json"
    )
    assert response.status_code == 400
    assert proof_ok(response)


def test_rate_limited_answer_to_a_signed_request_is_proved(settings):
    api = Api(
        create_app(
            {**settings, "RATE_LIMIT_PER_SECOND": 0.01, "RATE_LIMIT_BURST": 1}
        ).test_client()
    )
    assert api.get(HEALTH, signed=True).status_code == 200
    busy = api.get(HEALTH, signed=True)
    assert busy.status_code == 429
    assert proof_ok(busy)


def test_not_modified_bundle_is_proved_over_the_empty_body(api):
    first = api.get("/api/v1/rules/bundle", signed=True)
    assert first.status_code == 200 and proof_ok(first)
    again = api.get(
        "/api/v1/rules/bundle",
        signed=True,
        headers={"If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 304
    assert again.get_data() == b""
    assert proof_ok(again)


def test_preflight_never_carries_a_proof(api):
    response = api.open(
        "OPTIONS",
        SCAN,
        token=None,
        headers={"Origin": EXTENSION_ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 204
    assert "X-PostGuard-Proof" not in response.headers
