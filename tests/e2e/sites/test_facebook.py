"""Facebook: Lexical in the post dialog (Ctrl/Cmd+Enter) and in comments (Enter)."""

from __future__ import annotations

from site_checks import check_markers
from site_checks import check_platform

# variant ("" = default) -> (compose box, submit control) the adapter keys on.
MARKERS = {
    "": (
        "[role='dialog'] [role='textbox'][data-lexical-editor='true']",
        "[role='dialog'] [aria-label='Post'][role='button']",
    ),
    "comment": (
        "[role='textbox'][aria-label='Write a comment…'][data-lexical-editor='true']",
        "[aria-label='Comment'][role='button']",
    ),
}


def test_markers_select_the_fixture_elements(compose):
    check_markers(compose, "facebook", MARKERS)


def test_adapter_guards_its_compose_box(compose):
    check_platform(compose("facebook", platform=True), "facebook")


def test_adapter_guards_the_comment_compose_box(compose):
    check_platform(compose("facebook", platform=True, variant="comment"), "facebook")
