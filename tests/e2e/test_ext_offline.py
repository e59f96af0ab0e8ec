"""Service down: the offline JS engine on the last bundle, the "limited
protection" badge, and the admin's fail policy for what it cannot check."""

from __future__ import annotations

import pytest
from conftest import pair

CARD = "4111 1111 1111 1111"
FLAGGED_TEXT = f"card {CARD} end"
CLEAN_TEXT = "lunch at noon?"


@pytest.fixture
def service_down(service, worker):
    service.stop()
    yield service
    service.start()
    pair(worker, service)  # also re-checks health, so the badge clears


def badge(worker) -> tuple[str, str]:
    return tuple(
        worker.evaluate(
            "Promise.all([chrome.action.getBadgeText({}), chrome.action.getTitle({})])"
        )
    )


def test_offline_engine_flags_a_card_and_the_badge_says_limited(
    compose, worker, service_down
):
    c = compose("lexical")
    c.type(FLAGGED_TEXT)
    c.wait_state("flagged")
    assert c.banner_attr("data-source") == "offline"
    assert "Limited protection" in c.banner_text()
    text, title = badge(worker)
    assert text == "LIM"
    assert "limited protection" in title

    c.page.keyboard.press(c.submit_keys()[0])
    assert c.nothing_posted_for()


def test_fail_open_lets_clean_text_through(compose, service_down):
    c = compose("textarea")
    c.type(CLEAN_TEXT)
    c.wait_state("clean")
    c.post_button.click()
    assert c.wait_posted() == [CLEAN_TEXT]


def test_fail_closed_holds_what_the_offline_engine_cannot_vouch_for(
    compose, worker, service_down
):
    pair(worker, service_down, failPolicy="closed")
    c = compose("textarea")
    c.type(CLEAN_TEXT)
    c.wait_state("unchecked")
    c.post_button.click()
    assert c.nothing_posted_for()
    assert "requires the full check" in c.banner_text()
