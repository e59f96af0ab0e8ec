"""Bluesky: a TipTap (ProseMirror) composer."""

from __future__ import annotations

from site_checks import check_markers
from site_checks import check_platform

# variant ("" = default) -> (compose box, submit control) the adapter keys on.
MARKERS = {
    "": (
        ".ProseMirror[role='textbox'][aria-label='Rich-Text Editor']",
        "[data-testid='composerPublishBtn']",
    ),
}


def test_markers_select_the_fixture_elements(compose):
    check_markers(compose, "bluesky", MARKERS)


def test_adapter_guards_its_compose_box(compose):
    check_platform(compose("bluesky", platform=True), "bluesky")
