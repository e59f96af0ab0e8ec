"""Context guards end to end (issue 14): the extension reads who a draft goes to
from the platform fixture pages, the service applies an admin policy that names
Acme, its official handle @AcmeSupport and a quiet period around today.

One browser (the session's) and one service per policy: the session's Acme
service (conftest ``acme_service``: the window covers today) for every test, and
``after_window`` (the same window, ended yesterday) only for the quiet-period
check outside it. Each test pairs the browser with the service it needs and
leaves it paired with the session's default service. Each site's own test file
(tests/e2e/sites) shows its reply or message target warning before typing.
"""

from __future__ import annotations

from datetime import date
from datetime import timedelta

import pytest
from conftest import ACME_DISCLOSURE
from conftest import ACME_WINDOW
from conftest import acme_policy
from conftest import pair
from conftest import start_with_policy

PRODUCT_POST = "I love the new Acme phone, best camera ever"
RESULTS_POST = "Acme Q3 revenue numbers look great, we beat guidance"
PROMISE_POST = "guaranteed returns of 20% a month, risk-free"


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
    svc = start_with_policy(tmp_path_factory.mktemp("after-window"), policy)
    yield svc
    svc.stop()


def test_a_reply_to_a_lookalike_handle_warns_before_anything_is_typed(
    compose, with_acme
):
    c = compose("x", platform=True, variant="reply")  # "Replying to @AcmeSupp0rt"
    c.editor.click()
    c.wait_state("flagged")
    assert c.state() == ""
    assert "@AcmeSupport" in c.banner_text()  # names the official account
    assert "post-anyway" in c.banner_actions()  # a warning, not a block
    assert c.highlights() == []  # the finding is about the recipient, not the text


def test_a_product_post_gets_the_disclosure_reminder_and_add_disclosure_fixes_it(
    compose, with_acme
):
    c = compose("x", platform=True)
    c.type(PRODUCT_POST)
    c.wait_state("flagged")
    assert "Acme" in c.banner_text()
    assert "add-disclosure" in c.banner_actions()
    assert c.state() == PRODUCT_POST  # nothing changes before the click

    c.banner_click("add-disclosure")
    added = f"{PRODUCT_POST} {ACME_DISCLOSURE}"
    c.page.wait_for_function("t => window.__fixture.getState() === t", arg=added)
    c.wait_state("clean")
    c.post_button.click()
    assert c.wait_posted() == [added]


def test_a_results_post_is_held_inside_the_window(compose, with_acme):
    c = compose("x", platform=True)
    c.type(RESULTS_POST)
    c.wait_state("flagged")
    text = c.banner_text()
    assert ACME_WINDOW in text
    assert (date.today() + timedelta(days=30)).isoformat() in text
    assert "post-anyway" not in c.banner_actions()
    c.post_button.click()
    c.page.keyboard.press(c.submit_keys()[0])
    assert c.nothing_posted_for()


def test_the_same_results_post_goes_out_once_the_window_has_ended(
    compose, worker, service, after_window
):
    pair(worker, after_window)
    try:
        c = compose("x", platform=True)
        c.type(RESULTS_POST)
        c.wait_state("clean")
        c.post_button.click()
        assert c.wait_posted() == [RESULTS_POST]
    finally:
        pair(worker, service)


def test_the_same_finding_blocks_in_a_public_post_and_warns_in_a_dm(compose, with_acme):
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


def test_a_regulated_wording_pack_flags_a_promised_return(compose, with_acme):
    c = compose("x", platform=True)
    c.type(PROMISE_POST)
    c.wait_state("flagged")
    c.post_button.click()
    assert c.nothing_posted_for()
