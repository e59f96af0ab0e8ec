"""Instagram: a React <textarea> for comments, Lexical in DMs; Enter sends."""

from __future__ import annotations

from site_checks import check_markers
from site_checks import check_platform
from site_checks import check_warns_before_typing

# variant ("" = default) -> (compose box, submit control) the adapter keys on.
MARKERS = {
    "": (
        "form textarea[aria-label='Add a comment…']",
        "form [role='button']:text-is('Post')",
    ),
    "dm": (
        "[role='textbox'][aria-label='Message'][data-lexical-editor='true']",
        "[role='button']:text-is('Send')",
    ),
}


def test_markers_select_the_fixture_elements(compose):
    check_markers(compose, "instagram", MARKERS)


def test_adapter_guards_its_compose_box(compose):
    check_platform(compose("instagram", platform=True), "instagram")


def test_adapter_guards_the_dm_compose_box(compose):
    check_platform(compose("instagram", platform=True, variant="dm"), "instagram")


def test_a_comment_on_a_lookalike_s_post_warns_before_typing(compose, with_acme):
    # The post's header links the author's profile, /AcmeSupp0rt/.
    check_warns_before_typing(compose("instagram", platform=True))
