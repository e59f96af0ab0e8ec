"""The local path under attack and at its limits (issue 7), in real Chromium:

- an impostor holding the port gets neither a draft nor the token;
- a secret just past max_chars is never shown as clean;
- offline, the bundle's policy decides as the service does (a JWT is blocked);
- a rate-limited service is "busy", and the offline engine answers;
- a runaway offline rule freezes neither the page nor the service worker.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Service
from conftest import pair
from fake_services import impostor
from fake_services import proven_service

CARD = "4111 1111 1111 1111"
FLAGGED_TEXT = f"card {CARD} end"
JWT = (
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYXJpYSIsInJvbGUiOiJhZG1pbiJ9."
    "p7Q2wN5xL0kR3vT8yB1mC6zH4dF9sA2gE7uJ0nK3qWc"
)
JWT_TEXT = f"my session: {JWT} thanks"
PACKAGED_BUNDLE = Path(__file__).resolve().parents[2] / "extension/rules/ruleset.json"


def badge(worker) -> tuple[str, str]:
    return tuple(
        worker.evaluate(
            "Promise.all([chrome.action.getBadgeText({}), chrome.action.getTitle({})])"
        )
    )


def test_an_impostor_on_the_port_gets_no_draft_and_no_token(compose, worker, service):
    with impostor() as fake:
        pair(worker, service, serviceUrl=fake.url)
        try:
            c = compose("textarea")
            c.type(FLAGGED_TEXT)
            c.wait_state("flagged")
            assert c.banner_attr("data-source") == "offline"
            assert "Limited protection" in c.banner_text()
            assert badge(worker)[0] == "LIM"
        finally:
            pair(worker, service)
    raw = b"".join(fake.recorded)
    # It was asked (a signed handshake), so it could have been sent anything...
    assert b"GET /api/v1/health" in raw
    assert b"x-postguard-signature: v1=" in raw.lower()
    # ...and got neither the draft nor the token.
    assert b"4111" not in raw
    assert b"POST /api/v1/scan" not in raw
    assert service.token.encode() not in raw


def test_a_card_just_past_max_chars_is_not_shown_as_clean(compose, service):
    max_chars = service.get("/api/v1/rules/bundle")["defaults"]["max_chars"]
    filler = ("see you at the meetup on friday " * (max_chars // 32 + 1))[:max_chars]
    c = compose("textarea")
    c.editor.fill(filler + FLAGGED_TEXT)
    c.wait_state("flagged", timeout=20000)
    text = c.banner_text()
    assert f"Only the first {max_chars:,} characters were checked" in text
    assert c.banner_attr("data-count") == "0"
    assert "post-anyway" in c.banner_actions()  # held like a warning, not a block
    c.post_button.click()
    assert c.nothing_posted_for()


@pytest.fixture
def service_down(service, worker):
    yield service
    if service.proc is None:
        service.start()
    pair(worker, service)


def test_offline_a_jwt_gets_the_policys_block_as_from_the_service(
    compose, worker, service_down
):
    online = compose("textarea")
    online.editor.fill(JWT_TEXT)
    online.wait_state("flagged")
    assert online.banner_attr("data-source") == "service"
    service_actions = online.banner_actions()
    assert "post-anyway" not in service_actions

    service_down.stop()
    offline = compose("textarea")
    offline.editor.fill(JWT_TEXT)
    offline.wait_state("flagged")
    assert offline.banner_attr("data-source") == "offline"
    assert offline.banner_actions() == service_actions
    text = offline.banner_text()
    assert "Jwt" in text  # the banner's label for type JWT
    # The rules only the service runs (phone numbers, stdnum-checked IDs): the
    # first few are named, the rest counted.
    rules = json.loads(PACKAGED_BUNDLE.read_text(encoding="utf-8"))["rules"]
    backend_only = sorted(
        (r for r in rules if "js" not in r["runtimes"]), key=lambda r: r["id"]
    )
    assert f"Not checked offline: {backend_only[0]['name']}, " in text
    assert f" and {len(backend_only) - 6} more." in text
    offline.post_button.click()
    assert offline.nothing_posted_for()


@pytest.fixture
def busy_service(tmp_path, worker, service):
    """A real service that lets a client send two requests, then answers 429."""
    busy = Service(
        tmp_path / "home",
        tmp_path / "serve.log",
        POSTGUARD_RATE_LIMIT_PER_SECOND="0.02",
        POSTGUARD_RATE_LIMIT_BURST="2",
    ).start()
    pair(worker, busy)
    yield busy
    busy.stop()
    pair(worker, service)


def test_a_rate_limited_service_is_busy_and_the_offline_engine_answers(
    compose, busy_service
):
    c = compose("textarea")
    c.type(FLAGGED_TEXT)
    c.wait_state("flagged")
    assert c.banner_attr("data-source") == "offline"
    text = c.banner_text()
    assert "busy" in text
    assert "not running" not in text and "not reachable" not in text


# A JS RegExp backtracks exponentially here: seconds on a few dozen characters,
# and nothing inside the engine can interrupt one match.
SLOW_RULE = {
    "id": "slow-rule",
    "name": "Slow rule",
    "category": "confidential",
    "type": "SLOW",
    "severity": "medium",
    "message": "A rule that is slow in JS.",
    "pattern": "(?:a|aa)+(?![a-z])",
    "runtimes": ["python", "js"],
}
HEARTBEAT_JS = """() => {
  window.__beats = [];
  setInterval(() => window.__beats.push(performance.now()), 50);
}"""
LONGEST_GAP_JS = """() => {
  const b = window.__beats;
  let gap = 0;
  for (let i = 1; i < b.length; i++) gap = Math.max(gap, b[i] - b[i - 1]);
  return [gap, b.length];
}"""


@pytest.fixture
def slow_bundle_service(worker, service):
    bundle = json.loads(PACKAGED_BUNDLE.read_text(encoding="utf-8"))
    bundle = {**bundle, "version": f"{bundle['version']}-slow", "rules": [SLOW_RULE]}
    token = "e2e-proven-fake-token-" + "x" * 20
    with proven_service(token, bundle) as fake:
        pair(worker, service, serviceUrl=fake.url, token=token)
        version = worker.evaluate(
            "globalThis.postguard.rules.current().then(c => c.bundle.version)"
        )
        assert version == bundle["version"], "the proven service's bundle is in use"
        yield fake
        pair(worker, service)


def test_a_runaway_offline_rule_freezes_neither_page_nor_worker(
    compose, worker, slow_bundle_service
):
    c = compose("textarea")
    c.page.evaluate(HEARTBEAT_JS)
    c.editor.fill("a" * 40 + "b")
    c.page.wait_for_timeout(700)  # the check has started and is stuck in the match
    assert worker.evaluate("1 + 1") == 2  # the service worker still answers
    c.wait_state("flagged", timeout=15000)
    assert "PostGuard ran out of time checking this post" in c.banner_text()
    assert c.banner_attr("data-source") == "offline"
    gap, beats = c.page.evaluate(LONGEST_GAP_JS)
    assert beats > 10
    assert gap < 1000, f"the page stalled for {gap:.0f} ms"

    # The engine's Worker was replaced and still checks.
    again = compose("textarea")
    again.type("hello there")
    again.wait_state("clean")
