"""Context guards end to end (issue 14): the extension reads who a draft goes to
from the platform fixture pages, the service applies an admin policy that names
Acme, its official handle @AcmeSupport and a blackout window around today.

One browser (the session's), one service per policy: ``acme`` (the window covers
today) for every test, ``after_window`` (the same window, ended yesterday) only
for the quiet-period check outside it. Each test re-pairs the browser with the
service it needs and the module leaves it paired with the session's service.
"""

from __future__ import annotations

import json
from datetime import date
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from conftest import ALLOWED_ORIGINS
from conftest import Service
from conftest import pair

REPO = Path(__file__).resolve().parents[2]
DEFAULT_POLICY = REPO / "shared_rules" / "policy.yaml"

DISCLOSURE = "#AcmeEmployee"
PRODUCT_POST = "I love the new Acme phone, best camera ever"
RESULTS_POST = "Acme Q3 revenue numbers look great, we beat guidance"
PROMISE_POST = "guaranteed returns of 20% a month, risk-free"
WINDOW = "Q3 earnings blackout"


def acme_policy(start: date, end: date, **extra) -> dict:
    """The default policy plus the organisation, one window and `extra` keys."""
    policy = yaml.safe_load(DEFAULT_POLICY.read_text(encoding="utf-8"))
    policy["organization"] = {
        "names": ["Acme", "Acme Corp"],
        "handles": {"x": ["@AcmeSupport", "@Acme"]},
        "disclosure": [DISCLOSURE, "#employee", "I work at Acme"],
    }
    policy["quiet_periods"] = [
        {"name": WINDOW, "start": start.isoformat(), "end": end.isoformat()}
    ]
    policy.update(extra)
    return policy


def start_with_policy(tmp_path_factory, name: str, policy: dict) -> Service:
    root = tmp_path_factory.mktemp(name)
    path = root / "policy.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False), encoding="utf-8")
    return Service(
        root / "home",
        root / "serve.log",
        POSTGUARD_ALLOWED_ORIGINS=json.dumps(ALLOWED_ORIGINS),
        POSTGUARD_POLICY_FILE=str(path),
    ).start()


@pytest.fixture(scope="module")
def acme(tmp_path_factory, service, browser):
    """Today inside the window; the product reminder blocks in public posts and
    only warns in direct messages; the financial-promotion pack is on."""
    today = date.today()
    policy = acme_policy(
        today - timedelta(days=1),
        today + timedelta(days=30),
        regulated_packs=["financial-promotion"],
        audiences={
            "public": {"rules": {"affiliation-disclosure": "block"}},
            "dm": {"rules": {"affiliation-disclosure": "warn"}},
        },
    )
    svc = start_with_policy(tmp_path_factory, "acme", policy)
    yield svc
    svc.stop()
    pair(browser.postguard_worker, service)


@pytest.fixture(scope="module")
def after_window(tmp_path_factory):
    """The same organisation; the window ended yesterday. The product reminder
    is only audited here, so what is left to hold is the quiet period alone."""
    today = date.today()
    policy = acme_policy(
        today - timedelta(days=30),
        today - timedelta(days=1),
        rules={"affiliation-disclosure": "audit"},
    )
    svc = start_with_policy(tmp_path_factory, "after-window", policy)
    yield svc
    svc.stop()


@pytest.fixture
def paired_acme(acme, worker):
    pair(worker, acme)
    return acme


def test_a_reply_to_a_lookalike_handle_warns_before_anything_is_typed(
    compose, paired_acme
):
    c = compose("x", platform=True, variant="reply")  # "Replying to @AcmeSupp0rt"
    c.editor.click()
    c.wait_state("flagged")
    assert c.state() == ""
    assert "@AcmeSupport" in c.banner_text()  # names the official account
    assert "post-anyway" in c.banner_actions()  # a warning, not a block
    assert c.highlights() == []  # the finding is about the recipient, not the text


def test_a_product_post_gets_the_disclosure_reminder_and_add_disclosure_fixes_it(
    compose, paired_acme
):
    c = compose("x", platform=True)
    c.type(PRODUCT_POST)
    c.wait_state("flagged")
    assert "Acme" in c.banner_text()
    assert "add-disclosure" in c.banner_actions()
    assert c.state() == PRODUCT_POST  # nothing changes before the click

    c.banner_click("add-disclosure")
    c.page.wait_for_function(
        "t => window.__fixture.getState() === t", arg=f"{PRODUCT_POST} {DISCLOSURE}"
    )
    c.wait_state("clean")
    c.post_button.click()
    assert c.wait_posted() == [f"{PRODUCT_POST} {DISCLOSURE}"]


def test_a_results_post_is_held_inside_the_window(compose, paired_acme):
    c = compose("x", platform=True)
    c.type(RESULTS_POST)
    c.wait_state("flagged")
    text = c.banner_text()
    assert WINDOW in text
    assert (date.today() + timedelta(days=30)).isoformat() in text
    assert "post-anyway" not in c.banner_actions()
    c.post_button.click()
    c.page.keyboard.press(c.submit_keys()[0])
    assert c.nothing_posted_for()


def test_the_same_results_post_goes_out_once_the_window_has_ended(
    compose, worker, acme, after_window
):
    pair(worker, after_window)
    c = compose("x", platform=True)
    c.type(RESULTS_POST)
    c.wait_state("clean")
    c.post_button.click()
    assert c.wait_posted() == [RESULTS_POST]


def test_the_same_finding_blocks_in_a_public_post_and_warns_in_a_dm(
    compose, paired_acme
):
    public = compose("x", platform=True)
    public.type(PRODUCT_POST)
    public.wait_state("flagged")
    assert "post-anyway" not in public.banner_actions()

    dm = compose("x", platform=True, variant="dm")  # a conversation with @jordan_lee
    dm.type(PRODUCT_POST)
    dm.wait_state("flagged")
    assert "post-anyway" in dm.banner_actions()
    dm.page.keyboard.press("Enter")  # a warning still holds until "Post anyway"
    assert dm.nothing_posted_for()


def test_a_regulated_wording_pack_flags_a_promised_return(compose, paired_acme):
    c = compose("x", platform=True)
    c.type(PROMISE_POST)
    c.wait_state("flagged")
    c.post_button.click()
    assert c.nothing_posted_for()
