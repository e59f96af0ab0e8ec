"""Editors in frames and multi-block editors: the compose box the user sees is
guarded wherever its editable element lives.

- TinyMCE in its default iframe mode (srcdoc in Chromium), a contenteditable in a
  same-origin iframe, and one in an about:blank iframe the page writes with
  document.open(): the banner shows in the top page, Ctrl+Enter in the frame and
  Post in the page are held, Mask edits the editor in the frame.
- A cross-origin editor frame the extension cannot enter turns the badge OFF.
- Editor.js: every paragraph is its own editable element; the post is all of them.
- A title and a body in two editors with one Post button: the post is both.
"""

from __future__ import annotations

import pytest
from e2e_driver import HIGHLIGHTS_JS
from test_ext_status import tab_badge

CARD = "4111 1111 1111 1111"
MASKED = "•••• •••• •••• 1111"
FRAME_PAGES = ["tinymce", "iframe", "blankframe"]


def in_frame(c):
    """Point the driver at the editor inside the page's frame."""
    frame = c.page.frame_locator("iframe").first
    c.editor = frame.locator("[data-fixture-editor]")
    return c


def frame_highlights(c) -> list[str]:
    (frame,) = [f for f in c.page.frames if f != c.page.main_frame]
    return frame.evaluate(HIGHLIGHTS_JS)


@pytest.mark.parametrize("name", FRAME_PAGES)
def test_frame_editor_is_flagged_and_both_submit_paths_are_held(compose, name):
    c = in_frame(compose(name))
    c.type(f"card {CARD} end")
    c.wait_state("flagged")
    assert "•••• 1111" in c.banner_text()
    assert frame_highlights(c) == [CARD]
    # One guard per compose box: the frame's own content script defers to the page.
    (frame,) = [f for f in c.page.frames if f != c.page.main_frame]
    assert frame.evaluate("document.querySelectorAll('postguard-banner').length") == 0
    assert c.page.evaluate("document.querySelectorAll('postguard-banner').length") == 1

    c.page.keyboard.press("Control+Enter")  # inside the frame
    assert c.nothing_posted_for()
    c.post_button.click()  # in the page around the frame
    assert c.nothing_posted_for()
    assert c.banner_attr("data-held") == "1"


@pytest.mark.parametrize("name", FRAME_PAGES)
def test_mask_edits_the_frame_editor_and_the_masked_post_goes_out(compose, name):
    c = in_frame(compose(name))
    c.type(f"card {CARD} end")
    c.wait_state("flagged")
    c.banner_click("mask")
    c.wait_state("clean")
    assert c.state() == f"card {MASKED} end"
    assert frame_highlights(c) == []
    c.post_button.click()
    assert c.wait_posted() == [f"card {MASKED} end"]


@pytest.mark.parametrize("name", FRAME_PAGES)
def test_clean_frame_post_goes_out(compose, name):
    c = in_frame(compose(name))
    c.type("see you at the meetup on friday")
    c.page.keyboard.press("Control+Enter")
    assert c.wait_posted() == ["see you at the meetup on friday"]


def test_frame_rewritten_without_a_load_event_is_still_guarded(compose):
    """document.open() drops the frame's listeners and, without close(), no
    load event says so: focus moving into the frame, and the self-test after
    it, listen there again."""
    c = in_frame(compose("blankframe", query="close=0"))
    c.type(f"card {CARD} end")
    c.wait_state("flagged")
    c.page.keyboard.press("Control+Enter")
    assert c.nothing_posted_for()


def test_banner_sits_next_to_the_frame(compose):
    c = in_frame(compose("tinymce"))
    c.type(f"card {CARD}")
    c.wait_state("flagged")
    frame_box = c.page.locator("iframe").first.bounding_box()
    banner = c.page.evaluate(
        """() => {
          const host = document.querySelector('postguard-banner[data-state="flagged"]');
          return host ? host.getBoundingClientRect().toJSON() : null;
        }"""
    )
    assert banner is not None
    # Below, above or beside the frame: never far off at the top-left corner.
    right = frame_box["x"] + frame_box["width"] + 8
    assert frame_box["x"] - 400 <= banner["x"] <= right, (banner, frame_box)


def site_state(worker, url_pattern: str) -> dict:
    return worker.evaluate(
        """async (pattern) => {
          const [tab] = await chrome.tabs.query({url: pattern});
          const key = `site:${tab.id}`;
          return (await chrome.storage.session.get(key))[key];
        }""",
        url_pattern,
    )


def test_cross_origin_editor_frame_turns_the_badge_off_and_is_named(
    compose, worker, fixture_server
):
    c = compose("crossorigin")
    pattern = fixture_server.url("crossorigin").split("?")[0] + "*"
    text, title = tab_badge(worker, pattern)
    assert text == "OFF"
    assert "not protected here" in title
    boxes = site_state(worker, pattern)["boxes"]
    assert any(b.startswith("editor frame from http://localhost:") for b in boxes)
    assert c.page.frames[1].url.startswith("http://localhost:")


def test_same_origin_frame_page_says_protected(compose, worker, fixture_server):
    c = in_frame(compose("tinymce"))
    c.type("hello")
    text, title = tab_badge(worker, fixture_server.url("tinymce").split("?")[0] + "*")
    assert text == ""
    assert "protecting this page" in title


def blocks(c):
    return c.page.locator(".ce-block [contenteditable='true']")


def test_editorjs_card_in_an_earlier_block_holds_both_submit_paths(compose):
    c = compose("editorjs")
    c.type(f"card {CARD}")
    c.page.keyboard.press("Enter")  # Editor.js opens a new paragraph block
    c.page.keyboard.type("and a clean second paragraph")
    assert blocks(c).count() == 2
    c.wait_state("flagged")
    c.page.keyboard.press("Control+Enter")  # typed last in the clean block
    assert c.nothing_posted_for()
    c.post_button.click()
    assert c.nothing_posted_for()
    assert c.banner_attr("data-held") == "1"
    assert c.highlights() == [CARD]


def test_editorjs_mask_reaches_the_right_block(compose):
    c = compose("editorjs")
    c.type("first paragraph")
    c.page.keyboard.press("Enter")
    c.page.keyboard.type(f"card {CARD} end")
    c.wait_state("flagged")
    c.banner_click("mask")
    c.wait_state("clean")
    c.post_button.click()
    assert c.wait_posted() == [f"first paragraph\ncard {MASKED} end"]


def test_title_with_a_card_holds_post_while_the_body_typed_last_is_clean(compose):
    """Two editors, one post: Post and Ctrl+Enter wait on the one that holds."""
    c = compose("titlebody")
    c.page.locator("#title").click()
    c.page.keyboard.type(f"card {CARD}")
    c.wait_state("flagged")
    c.editor.click()  # the body, typed last
    c.page.keyboard.type("and a clean body")
    c.page.wait_for_timeout(400)  # the body's own check comes back clean
    c.page.keyboard.press("Control+Enter")
    assert c.nothing_posted_for()
    c.post_button.click()
    assert c.nothing_posted_for()
    assert c.banner_attr("data-held") == "1"

    c.banner_click("mask")
    # Each editor has its own banner: wait for the title's, not the body's.
    c.page.wait_for_function(
        """() => [...document.querySelectorAll('postguard-banner')]
                 .every((b) => ['clean', 'idle'].includes(b.dataset.state))"""
    )
    c.post_button.click()
    assert c.wait_posted() == [f"card {MASKED}\nand a clean body"]
