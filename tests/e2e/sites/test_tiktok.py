"""TikTok: a Draft.js comment box; Enter posts."""

from __future__ import annotations

from site_checks import check_markers
from site_checks import check_platform

# variant ("" = default) -> (compose box, submit control) the adapter keys on.
MARKERS = {
    "": (
        "[data-e2e='comment-input'] .public-DraftEditor-content[role='textbox']",
        "[data-e2e='comment-post']",
    ),
}


def test_markers_select_the_fixture_elements(compose):
    check_markers(compose, "tiktok", MARKERS)


def test_adapter_guards_its_compose_box(compose):
    check_platform(compose("tiktok", platform=True), "tiktok")
