"""Reddit: Lexical inside shreddit-composer, a real <form>."""

from __future__ import annotations

from site_checks import check_markers
from site_checks import check_platform
from site_checks import check_warns_before_typing

# variant ("" = default) -> (compose box, submit control) the adapter keys on.
MARKERS = {
    "": (
        "shreddit-composer > [slot='rte'][role='textbox'][data-lexical-editor='true']",
        "shreddit-composer > button[slot='submit-button'][type='submit']",
    ),
}


def test_markers_select_the_fixture_elements(compose):
    check_markers(compose, "reddit", MARKERS)


def test_adapter_guards_its_compose_box(compose):
    check_platform(compose("reddit", platform=True), "reddit")


def test_a_comment_on_a_lookalike_s_post_warns_before_typing(compose, with_acme):
    # The post's author: shreddit-post[author="AcmeSupp0rt"].
    check_warns_before_typing(compose("reddit", platform=True))
