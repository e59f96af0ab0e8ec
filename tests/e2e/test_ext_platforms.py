"""Each site adapter on its platform fixture, served under the site's real URL.

The fixtures reproduce each site's compose box (editor library, markup,
lazy mounting) and its submit controls and keys (tests/e2e/fixtures). The
banner's data-platform shows which adapter took the box: the site's own, not
the generic fallback.
"""

from __future__ import annotations

import pytest

CARD = "4111 1111 1111 1111"
FLAGGED_TEXT = f"card {CARD} end"
MASKED_TEXT = "card •••• •••• •••• 1111 end"
CLEAN_TEXT = "great talk today, thanks all"

# (fixture page, variant, adapter platform id)
PLATFORMS = [
    ("x", "", "x"),
    ("linkedin", "", "linkedin"),
    ("facebook", "", "facebook"),
    ("facebook", "comment", "facebook"),
    ("instagram", "", "instagram"),
    ("instagram", "dm", "instagram"),
    ("reddit", "", "reddit"),
    ("threads", "", "threads"),
    ("bluesky", "", "bluesky"),
    ("youtube", "", "youtube"),
    ("tiktok", "", "tiktok"),
]


def _id(case):
    page, variant, _ = case
    return f"{page}-{variant}" if variant else page


def check_platform(c, platform: str) -> None:
    submit_key = c.submit_keys()[0]
    c.type(FLAGGED_TEXT)
    c.wait_state("flagged")
    assert c.banner_attr("data-platform") == platform

    c.page.keyboard.press(submit_key)
    assert c.nothing_posted_for()
    c.post_button.click()
    assert c.nothing_posted_for(100)

    c.banner_click("mask")
    c.wait_state("clean")
    assert c.state() == MASKED_TEXT
    c.post_button.click()
    assert c.wait_posted() == [MASKED_TEXT]

    # The site cleared its box; clean text goes out with the site's own key.
    c.type(CLEAN_TEXT)
    c.wait_state("clean")
    c.page.keyboard.press(submit_key)
    assert c.wait_posted(2) == [MASKED_TEXT, CLEAN_TEXT]


@pytest.mark.parametrize("case", PLATFORMS, ids=_id)
def test_site_adapter_guards_its_compose_box(compose, case):
    page, variant, platform = case
    check_platform(compose(page, platform=True, variant=variant), platform)


def test_mastodon_is_recognised_by_its_page_markers_on_any_host(compose):
    # Served from 127.0.0.1 (an admin-enabled host): only the page says Mastodon.
    check_platform(compose("mastodon"), "mastodon")
