"""YouTube: the comment box, mounted on click."""

from __future__ import annotations

from site_checks import check_markers
from site_checks import check_platform

# variant ("" = default) -> (compose box, submit control) the adapter keys on.
MARKERS = {
    "": (
        "ytd-commentbox #contenteditable-root[contenteditable='true']",
        "ytd-commentbox #submit-button button",
    ),
}


def test_markers_select_the_fixture_elements(compose):
    check_markers(compose, "youtube", MARKERS)


def test_adapter_guards_its_compose_box(compose):
    check_platform(compose("youtube", platform=True), "youtube")
