"""Mastodon: a React <textarea> in a <form>, on any instance."""

from __future__ import annotations

import json

from site_checks import check_markers
from site_checks import check_platform
from site_checks import open_site_url

# variant ("" = default) -> (compose box, submit control) the adapter keys on.
MARKERS = {
    "": (
        "#mastodon form.compose-form textarea.autosuggest-textarea__textarea",
        "form.compose-form .compose-form__submit button[type='submit']",
    ),
    # The same form, its visibility button set to "Specific people".
    "dm": (
        "#mastodon form.compose-form textarea.autosuggest-textarea__textarea",
        "form.compose-form .compose-form__submit button[type='submit']",
    ),
}


def test_markers_select_the_fixture_elements(compose):
    check_markers(compose, "mastodon", MARKERS)


def test_mastodon_is_recognised_by_its_page_markers_on_any_host(compose):
    # Served from 127.0.0.1 (an admin-enabled host): only the page says Mastodon.
    check_platform(compose("mastodon"), "mastodon")


def test_mastodon_is_recognisable_on_any_host(browser):
    c = open_site_url(browser, "mastodon", "https://social.example.org/home")
    try:
        initial = json.loads(c.page.locator("script#initial-state").text_content())
        assert initial["meta"]["version"]
        assert c.page.locator("#mastodon.app-holder").count() == 1
        assert c.page.locator("body.app-body").count() == 1
    finally:
        c.page.close()
