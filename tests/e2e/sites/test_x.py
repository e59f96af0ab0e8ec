"""X (Twitter): a Draft.js composer; Ctrl/Cmd+Enter posts."""

from __future__ import annotations

from site_checks import check_markers
from site_checks import check_platform
from site_checks import open_site_url

# variant ("" = default) -> (compose box, submit control) the adapter keys on.
MARKERS = {
    "": (
        ".DraftEditor-root [data-testid='tweetTextarea_0'][role='textbox']",
        "[data-testid='tweetButtonInline']",
    ),
    # The inline reply box under a post, below its "Replying to @name" line.
    "reply": (
        ".DraftEditor-root [data-testid='tweetTextarea_0'][role='textbox']",
        "[data-testid='tweetButtonInline']",
    ),
    # A conversation: the DM composer (Draft.js) and its Send button.
    "dm": (
        ".DraftEditor-root [data-testid='dmComposerTextInput'][role='textbox']",
        "[data-testid='dmComposerSendButton']",
    ),
}


def test_markers_select_the_fixture_elements(compose):
    check_markers(compose, "x", MARKERS)


def test_adapter_guards_its_compose_box(compose):
    check_platform(compose("x", platform=True), "x")


def test_compose_url_uses_the_modal_button(browser):
    c = open_site_url(browser, "x", "https://x.com/compose/post")
    try:
        button = c.page.locator("[data-testid='tweetButton']")
        assert button.evaluate("el => el.hasAttribute('data-fixture-submit')")
    finally:
        c.page.close()
