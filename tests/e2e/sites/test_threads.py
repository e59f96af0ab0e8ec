"""Threads: Lexical in the "New thread" dialog."""

from __future__ import annotations

from site_checks import check_markers
from site_checks import check_platform
from site_checks import check_warns_before_typing

# variant ("" = default) -> (compose box, submit control) the adapter keys on.
MARKERS = {
    "": (
        "[role='dialog'] [role='textbox'][data-lexical-editor='true']",
        "[role='dialog'] [role='button']:has-text('Post')",
    ),
    # The reply dialog under a post: the same Lexical box and Post button.
    "reply": (
        "[role='dialog'] [role='textbox'][data-lexical-editor='true']",
        "[role='dialog'] [role='button']:has-text('Post')",
    ),
}


def test_markers_select_the_fixture_elements(compose):
    check_markers(compose, "threads", MARKERS)


def test_adapter_guards_its_compose_box(compose):
    check_platform(compose("threads", platform=True), "threads")


def test_a_reply_to_a_lookalike_warns_before_typing(compose, with_acme):
    # The box's placeholder: "Reply to acmesupp0rt...".
    check_warns_before_typing(compose("threads", platform=True, variant="reply"))
