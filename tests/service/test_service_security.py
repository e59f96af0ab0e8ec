"""Each defence of the loopback port, with a request it must refuse.

shared/guides/security.md, section 2: T1 DNS rebinding (Host), T2 cross-site simple
POSTs (JSON only + token), T3 CORS reads (Origin), T5 local abuse (token, rate
limit), T9 resource exhaustion (size cap), T15 nothing echoed.
"""

from __future__ import annotations

import hmac

import pytest
from service_support import CANARY
from service_support import EXTENSION_ORIGIN
from service_support import PORT
from service_support import TOKEN
from service_support import Api

from postguard import security
from postguard.app import create_app
from postguard.config import ConfigError

HEALTH = "/api/v1/health"
SCAN = "/api/v1/scan"


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


# --- Host (DNS rebinding) ---------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        f"evil.example:{PORT}",  # a rebound attacker domain
        f"127.0.0.1.nip.io:{PORT}",  # a wildcard DNS name for 127.0.0.1
        "127.0.0.1",  # right name, wrong (default) port
        f"127.0.0.1:{PORT + 1}",
        f"localhost.:{PORT}",  # trailing-dot variant of localhost
        f"[::1]:{PORT}",  # we never bind IPv6
    ],
)
def test_foreign_host_gets_400(api, host):
    response = api.get(HEALTH, base_url=f"http://{host}")
    assert response.status_code == 400
    assert error_code(response) == "bad_host"


@pytest.mark.parametrize(
    "host", [f"127.0.0.1:{PORT}", f"localhost:{PORT}", f"LocalHost:{PORT}"]
)
def test_loopback_host_on_our_port_passes(api, host):
    assert api.get(HEALTH, base_url=f"http://{host}").status_code == 200


def test_host_is_checked_before_the_token(api):
    # A rebinding page has no token; it must learn nothing, not even "401".
    response = api.get(HEALTH, token=None, base_url=f"http://evil.example:{PORT}")
    assert response.status_code == 400


# --- Origin -----------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        "https://example.com",
        "null",  # sandboxed iframes, file:
        "chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",  # another extension
        EXTENSION_ORIGIN + ".evil.example",
        EXTENSION_ORIGIN.upper(),
        "http://127.0.0.1:17653",
    ],
)
def test_foreign_origin_gets_403_without_cors_headers(api, origin):
    response = api.get(HEALTH, headers={"Origin": origin})
    assert response.status_code == 403
    assert error_code(response) == "forbidden_origin"
    assert "Access-Control-Allow-Origin" not in response.headers


def test_foreign_origin_with_a_valid_token_is_still_refused(api):
    response = api.post(
        SCAN, json={"text": "hello"}, headers={"Origin": "https://example.com"}
    )
    assert response.status_code == 403


def test_pinned_extension_origin_is_allowed_and_echoed_exactly(api):
    response = api.get(HEALTH, headers={"Origin": EXTENSION_ORIGIN}, signed=True)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == EXTENSION_ORIGIN
    assert response.headers["Vary"] == "Origin"
    assert response.headers["Access-Control-Expose-Headers"] == "X-PostGuard-Proof"


def test_no_origin_means_no_cors_headers(api):
    response = api.get(HEALTH)
    assert response.status_code == 200
    assert not [h for h in response.headers.keys() if h.startswith("Access-Control")]


def test_allowed_origins_come_from_settings(settings):
    other = "chrome-extension://ppppppppppppppppppppppppppppppppp"
    app = create_app({**settings, "ALLOWED_ORIGINS": [other]})
    client = app.test_client()
    headers = {"X-PostGuard-Token": TOKEN}
    base = f"http://127.0.0.1:{PORT}"
    signed = Api(client)
    assert signed.get(HEALTH, headers={"Origin": other}, signed=True).status_code == 200
    pinned = client.get(
        HEALTH, base_url=base, headers={**headers, "Origin": EXTENSION_ORIGIN}
    )
    assert pinned.status_code == 403


def test_preflight_is_answered_only_for_the_extension(api):
    ask = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-postguard-token",
        "Access-Control-Request-Private-Network": "true",
    }
    ours = api.open(
        "OPTIONS", SCAN, token=None, headers={**ask, "Origin": EXTENSION_ORIGIN}
    )
    assert ours.status_code == 204
    assert ours.headers["Access-Control-Allow-Origin"] == EXTENSION_ORIGIN
    assert ours.headers["Access-Control-Allow-Private-Network"] == "true"
    allowed = ours.headers["Access-Control-Allow-Headers"]
    assert "X-PostGuard-Signature" in allowed and "X-PostGuard-Nonce" in allowed
    assert "X-PostGuard-Token" not in allowed  # the extension never sends it
    theirs = api.open(
        "OPTIONS", SCAN, token=None, headers={**ask, "Origin": "https://example.com"}
    )
    assert theirs.status_code == 403
    assert not [h for h in theirs.headers.keys() if h.startswith("Access-Control")]


# --- Token --------------------------------------------------------------------


@pytest.mark.parametrize(
    "token", [None, "", "wrong", TOKEN[:-1], TOKEN + "x", TOKEN.upper(), "é" * 10]
)
def test_missing_or_wrong_token_gets_401(api, token):
    response = api.get(HEALTH, token=token)
    assert response.status_code == 401
    assert error_code(response) == "unauthorized"


def test_token_is_compared_in_constant_time(api, monkeypatch):
    calls, original = [], hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return original(a, b)

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    assert api.get(HEALTH).status_code == 200
    assert calls == [(TOKEN.encode(), TOKEN.encode())]


def test_401_body_does_not_depend_on_how_close_the_guess_was(api):
    far = api.get(HEALTH, token="x").data
    near = api.get(HEALTH, token=TOKEN[:-1]).data
    assert far == near


# --- JSON only, size cap ----------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",  # the classic cross-site "simple" POST
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        None,
    ],
)
def test_non_json_post_gets_415(api, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = api.post(SCAN, data=b'{"text": "hello"}', headers=headers)
    assert response.status_code == 415
    assert error_code(response) == "unsupported_media_type"


def test_json_with_charset_is_accepted(api):
    response = api.post(
        SCAN,
        data=b'{"text": "hello"}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 200


def test_ten_megabyte_body_gets_413_with_the_limit_and_what_to_do(api, app):
    body = b'{"text": "' + b"a" * (10 * 1024 * 1024) + b'"}'
    response = api.post(SCAN, data=body, content_type="application/json")
    assert response.status_code == 413
    message = response.get_json()["error"]["message"]
    assert str(app.config["MAX_CONTENT_LENGTH"]) in message
    assert "shorter draft" in message


def test_size_cap_follows_the_setting(settings):
    app = create_app({**settings, "MAX_CONTENT_LENGTH": 700_000})
    response = app.test_client().post(
        SCAN,
        data=b'{"text": "' + b"a" * 700_000 + b'"}',
        content_type="application/json",
        headers={"X-PostGuard-Token": TOKEN},
        base_url=f"http://127.0.0.1:{PORT}",
    )
    assert response.status_code == 413
    assert "700000 bytes" in response.get_json()["error"]["message"]


def test_a_size_cap_that_cannot_carry_max_chars_stops_the_start(settings):
    with pytest.raises(ConfigError, match="max_content_length: 100000 bytes cannot"):
        create_app({**settings, "MAX_CONTENT_LENGTH": 100_000})


# --- Rate limit -------------------------------------------------------------------


@pytest.fixture
def strict_api(settings):
    app = create_app({**settings, "RATE_LIMIT_PER_SECOND": 0.01, "RATE_LIMIT_BURST": 3})
    return Api(app.test_client())


def test_burst_beyond_the_limit_gets_429_with_retry_after(strict_api):
    statuses = [strict_api.get(HEALTH).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    response = strict_api.get(HEALTH)
    assert error_code(response) == "rate_limited"
    assert int(response.headers["Retry-After"]) >= 1


def test_a_flood_without_the_token_does_not_starve_the_extension(strict_api):
    refused = [strict_api.get(HEALTH, token="guess").status_code for _ in range(6)]
    assert refused[:3] == [401, 401, 401] and set(refused[3:]) == {429}
    assert (
        strict_api.get(
            HEALTH, headers={"Origin": EXTENSION_ORIGIN}, signed=True
        ).status_code
        == 200
    )


# --- Nothing the user typed comes back ---------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"text": 42, "platform": CANARY},
        {"text": CANARY, "platform": CANARY.lower() + "!"},
        {"text": CANARY, CANARY: 1},
        {"text": CANARY, "locale": CANARY + " !"},
        {"text": CANARY, "url": CANARY * 200},
        [CANARY],
        CANARY,
    ],
)
def test_errors_do_not_echo_the_request(api, body):
    response = api.post(SCAN, json=body)
    assert response.status_code == 400
    assert CANARY.lower() not in response.get_data(as_text=True).lower()


def test_an_unlisted_platform_is_not_echoed_either(api):
    response = api.post(SCAN, json={"text": "hello", "platform": CANARY.lower()})
    assert response.status_code == 200
    assert CANARY.lower() not in response.get_data(as_text=True).lower()


def test_malformed_json_error_does_not_echo(api):
    response = api.post(
        SCAN, data=f'{{"text": "{CANARY}'.encode(), content_type="application/json"
    )
    assert response.status_code == 400
    assert error_code(response) == "malformed_json"
    assert CANARY not in response.get_data(as_text=True)


def test_every_response_is_marked_no_store_and_nosniff(api):
    for response in (api.get(HEALTH), api.get(HEALTH, token=None)):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
