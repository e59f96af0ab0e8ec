"""Bluesky: a TipTap (ProseMirror) composer."""

from __future__ import annotations

from site_checks import check_markers
from site_checks import check_platform
from site_checks import check_warns_before_typing

# variant ("" = default) -> (compose box, submit control) the adapter keys on.
MARKERS = {
    "": (
        ".ProseMirror[role='textbox'][aria-label='Rich-Text Editor']",
        "[data-testid='composerPublishBtn']",
    ),
    # The reply composer: the same editor under the post replied to.
    "reply": (
        ".ProseMirror[role='textbox'][aria-label='Rich-Text Editor']",
        "[data-testid='composerPublishBtn']",
    ),
}


def test_markers_select_the_fixture_elements(compose):
    check_markers(compose, "bluesky", MARKERS)


def test_adapter_guards_its_compose_box(compose):
    check_platform(compose("bluesky", platform=True), "bluesky")


def test_a_reply_to_a_lookalike_warns_before_typing(compose, with_acme):
    # The post replied to shows its author's handle, acmesupp0rt.bsky.social.
    c = compose("bluesky", platform=True, variant="reply")
    check_warns_before_typing(c, "@acmesupport.bsky.social")
