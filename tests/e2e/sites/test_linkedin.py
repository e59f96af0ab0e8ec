"""LinkedIn: a Quill editor in the share box."""

from __future__ import annotations

from site_checks import check_markers
from site_checks import check_platform

# variant ("" = default) -> (compose box, submit control) the adapter keys on.
MARKERS = {
    "": (
        ".share-creation-state__text-editor .ql-editor[role='textbox']",
        "button.share-actions__primary-action",
    ),
}


def test_markers_select_the_fixture_elements(compose):
    check_markers(compose, "linkedin", MARKERS)


def test_adapter_guards_its_compose_box(compose):
    check_platform(compose("linkedin", platform=True), "linkedin")
