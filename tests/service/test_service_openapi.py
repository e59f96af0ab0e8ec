"""openapi.yaml is valid, covers every route, and matches what the server answers."""

from __future__ import annotations

import json

import jsonschema
import pytest
from image_samples import gps_jpeg
from image_samples import png_bomb
from image_samples import screenshot
from image_samples import truncated_jpeg
from openapi_spec_validator import validate
from service_support import CARD
from service_support import EXTENSION_ORIGIN
from service_support import Api

from postguard.api.validate import load_openapi
from postguard.app import create_app

SPEC = load_openapi()
BIG = b'{"text": "' + b"a" * (2 * 1024 * 1024) + b'"}'
IMAGE = "/api/v1/image"


def test_spec_is_valid_openapi_3_1():
    validate(SPEC)
    assert SPEC["openapi"].startswith("3.1")


def test_every_route_is_documented_and_every_documented_route_exists(settings):
    app = create_app(settings)
    served = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            served[rule.rule] = rule.methods - {"HEAD", "OPTIONS"}
    documented = {
        path: {method.upper() for method in item}
        for path, item in SPEC["paths"].items()
    }
    assert served == documented


def test_bench_route_exists_only_when_enabled(settings):
    app = create_app({**settings, "BENCH_ENDPOINTS": True})
    assert "/api/v1/bench/noop" in {rule.rule for rule in app.url_map.iter_rules()}


def response_schema(path: str, method: str, status: int):
    """The documented schema for this answer; fails if the status is undocumented."""
    path = path.split("?", 1)[0]
    responses = SPEC["paths"][path][method.lower()]["responses"]
    assert str(status) in responses, f"{method} {path} -> {status} is undocumented"
    answer = responses[str(status)]
    if "$ref" in answer:
        answer = SPEC["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    content = answer.get("content")
    return None if content is None else content["application/json"]["schema"]


def check_against_spec(path, method, status, headers, body: bytes):
    schema = response_schema(path, method, status)
    if schema is None:
        assert body == b""
        return
    assert headers["Content-Type"].startswith("application/json")
    wrapped = {"allOf": [schema], "components": SPEC["components"]}
    jsonschema.validate(json.loads(body), wrapped, cls=jsonschema.Draft202012Validator)


def cases(rules_version: str):
    """(method, path, body, headers) covering every documented status we can cause."""
    event = {
        "rule_ids": ["credit-card"],
        "categories": ["account_number"],
        "action": "overridden",
        "reason": "approved",
        "note_length": 17,
        "platform": "linkedin",
        "rules_version": rules_version,
    }
    json_type = {"Content-Type": "application/json"}
    return [
        (
            "POST",
            "/api/v1/scan",
            json.dumps({"text": f"card {CARD}", "platform": "x", "locale": "en-US"}),
            json_type,
        ),
        ("POST", "/api/v1/scan", json.dumps({"text": "nothing here"}), json_type),
        (
            "POST",
            "/api/v1/scan",
            json.dumps({"text": "cut", "full_length": 200_000}),
            json_type,
        ),
        ("POST", "/api/v1/scan", json.dumps({"text": 3}), json_type),
        ("POST", "/api/v1/scan", "{}", {"Content-Type": "text/plain"}),
        ("POST", "/api/v1/scan", BIG, json_type),
        ("POST", "/api/v1/scan", "{}", {**json_type, "X-PostGuard-Token": "bad"}),
        ("POST", "/api/v1/scan", "{}", {**json_type, "Origin": "https://a.example"}),
        ("GET", "/api/v1/health", None, {}),
        ("GET", "/api/v1/health", None, {"Host": "evil.example"}),
        ("GET", "/api/v1/health", None, {"Origin": EXTENSION_ORIGIN}),
        ("GET", "/api/v1/rules/bundle", None, {}),
        ("GET", "/api/v1/rules/bundle", None, {"If-None-Match": "*"}),
        ("POST", "/api/v1/events", json.dumps(event), json_type),
        ("POST", "/api/v1/events", json.dumps({**event, "text": "x"}), json_type),
        (
            "POST",
            "/api/v1/events",
            json.dumps(
                {**event, "rule_ids": ["image.gps-location"], "categories": ["pii"]}
            ),
            json_type,
        ),
        *image_cases(),
    ]


def image_cases():
    png = {"Content-Type": "image/png"}
    return [
        (
            "POST",
            f"{IMAGE}?platform=x&field=attachment",
            screenshot(f"card {CARD}"),
            png,
        ),
        ("POST", f"{IMAGE}?locale=en-US", gps_jpeg(), {"Content-Type": "image/jpeg"}),
        ("POST", IMAGE, b"not an image", png),
        ("POST", IMAGE, truncated_jpeg(), png),
        ("POST", f"{IMAGE}?platform=Not+Valid", png_bomb(), png),
        ("POST", IMAGE, png_bomb(), png),
        ("POST", IMAGE, b"\x00" * (21 * 1024 * 1024), png),
        ("POST", IMAGE, png_bomb(), {"Content-Type": "application/json"}),
        ("POST", IMAGE, png_bomb(), {**png, "X-PostGuard-Token": "bad"}),
        ("POST", IMAGE, png_bomb(), {**png, "Origin": "https://a.example"}),
    ]


def test_in_process_answers_match_the_spec(api, app):
    version = app.extensions["postguard"].engine.rules_version
    seen = set()
    for method, path, body, headers in cases(version):
        host = headers.pop("Host", None)
        base = f"http://{host}" if host else "http://127.0.0.1:17653"
        response = api.open(method, path, data=body, headers=headers, base_url=base)
        check_against_spec(
            path, method, response.status_code, response.headers, response.data
        )
        seen.add(response.status_code)
    assert {200, 201, 304, 400, 401, 403, 413, 415, 422} <= seen


def test_rate_limited_answer_matches_the_spec(settings):
    api = Api(
        create_app(
            {**settings, "RATE_LIMIT_PER_SECOND": 0.01, "RATE_LIMIT_BURST": 1}
        ).test_client()
    )
    api.get("/api/v1/health")
    response = api.get("/api/v1/health")
    assert response.status_code == 429
    check_against_spec("/api/v1/health", "GET", 429, response.headers, response.data)


def test_running_server_answers_match_the_spec(live_server):
    _, _, body = live_server.request("GET", "/api/v1/health")
    for method, path, payload, headers in cases(json.loads(body)["rules_version"]):
        if isinstance(payload, str):
            payload = payload.encode()
        status, got, answer = live_server.request(method, path, payload, headers)
        check_against_spec(path, method, status, got, answer)


@pytest.mark.parametrize("name", ["ScanRequest", "EventRequest"])
def test_request_schemas_forbid_unknown_fields(name):
    assert SPEC["components"]["schemas"][name]["additionalProperties"] is False
