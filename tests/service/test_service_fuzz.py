"""hypothesis fuzz of every endpoint: whatever arrives, never a 5xx, never an echo."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from service_support import BASE_URL
from service_support import EXTENSION_ORIGIN
from service_support import TOKEN

from postguard.app import create_app

PATHS = [
    "/api/v1/scan",
    "/api/v1/events",
    "/api/v1/health",
    "/api/v1/rules/bundle",
    "/api/v1/",
    "/",
    "/api/v1/scan/",
    "/api/v1/bench/noop",
    "/api/v2/scan",
]
METHODS = ["GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD", "PATCH"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
scan_bodies = st.fixed_dictionaries(
    {"text": st.text(max_size=300) | json_values},
    optional={
        "platform": st.sampled_from(["x", "linkedin", "other", ""]) | json_values,
        "url": st.text(max_size=50) | json_values,
        "locale": st.sampled_from(["en-US", "de", "fr-CA", "xx-"]) | json_values,
        "extra": json_values,
    },
)
event_bodies = st.fixed_dictionaries(
    {
        "rule_ids": st.lists(
            st.sampled_from(["credit-card", "phone-number", "nope"]), max_size=3
        )
        | json_values,
        "categories": st.lists(
            st.sampled_from(["pii", "credential", "bogus"]), max_size=3
        )
        | json_values,
        "action": st.sampled_from(["posted", "overridden", "edited", "bogus"]),
        "platform": st.sampled_from(["x", "mastodon", "nowhere"]),
        "rules_version": st.text(max_size=20),
    },
    optional={"justification": st.text(max_size=600), "text": st.text()},
)
bodies = (
    scan_bodies.map(json.dumps)
    | event_bodies.map(json.dumps)
    | json_values.map(json.dumps)
    | st.text(max_size=200)
).map(lambda s: s.encode("utf-8", "surrogatepass")) | st.binary(max_size=200)
headers = st.fixed_dictionaries(
    {},
    optional={
        "X-PostGuard-Token": st.sampled_from([TOKEN, "", "nope"]),
        "Content-Type": st.sampled_from(
            [
                "application/json",
                "text/plain",
                "application/json; charset=latin-1",
                "",
                "multipart/form-data",
            ]
        ),
        "Origin": st.sampled_from([EXTENSION_ORIGIN, "null", "https://example.com"]),
        "If-None-Match": st.text(alphabet='"abc*, ', max_size=10),
    },
)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    home = tmp_path_factory.mktemp("fuzz")
    app = create_app(
        {
            "TOKEN": TOKEN,
            "HOME": str(home),
            "RATE_LIMIT_PER_SECOND": 0,
            "BENCH_ENDPOINTS": True,
        }
    )
    yield app.test_client()
    app.extensions["postguard"].audit.close()


def check(response, method="POST") -> None:
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code >= 400 and method != "HEAD":
        error = response.get_json()["error"]
        assert set(error) == {"code", "message"}


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    method=st.sampled_from(METHODS),
    path=st.sampled_from(PATHS),
    body=bodies,
    extra=headers,
)
def test_any_request_gets_a_well_formed_answer(client, method, path, body, extra):
    sent = {"X-PostGuard-Token": TOKEN, "Content-Type": "application/json", **extra}
    check(
        client.open(path, method=method, data=body, headers=sent, base_url=BASE_URL),
        method,
    )


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(body=scan_bodies)
def test_scan_never_fails_and_never_echoes(client, body):
    response = client.post(
        "/api/v1/scan",
        json=body,
        base_url=BASE_URL,
        headers={"X-PostGuard-Token": TOKEN},
    )
    check(response)
    text = body["text"]
    if response.status_code == 400 and isinstance(text, str) and len(text) >= 8:
        if text in response.get_data(as_text=True):
            # A fragment of the error's own wording ("full_len") is no echo: the
            # same request with other text gets the same words back.
            other = client.post(
                "/api/v1/scan",
                json={**body, "text": "\u2603" * len(text)},
                base_url=BASE_URL,
                headers={"X-PostGuard-Token": TOKEN},
            )
            assert text in other.get_data(as_text=True)
    if response.status_code == 200:
        result = response.get_json()
        for finding in result["findings"]:
            assert 0 <= finding["start"] < finding["end"] <= len(text)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(body=event_bodies)
def test_events_never_fail(client, body):
    check(
        client.post(
            "/api/v1/events",
            json=body,
            base_url=BASE_URL,
            headers={"X-PostGuard-Token": TOKEN},
        )
    )


@settings(max_examples=60, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST"]),
    path=st.sampled_from(PATHS),
    body=bodies,
    extra=headers,
)
def test_real_server_never_answers_5xx(live_server, method, path, body, extra):
    sent = {"Content-Type": "application/json", **extra}
    status, _, answer = live_server.request(method, path, body, headers=sent)
    assert status < 500
    if status >= 400 and status != 429:
        assert set(json.loads(answer)["error"]) == {"code", "message"}
    assert "Traceback" not in live_server.log()
