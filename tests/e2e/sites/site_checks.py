"""Shared checks for the per-site E2E tests (one ``test_<site>.py`` per adapter).

Each site file runs its adapter on its fixture page, served under the site's
real URL (tests/e2e/fixtures), and pins the markers the adapter keys on. The
banner's data-platform shows which adapter took the box: the site's own, not
the generic fallback. scripts/sites.mjs --check fails when an adapter has no
test file here.
"""

from __future__ import annotations

from e2e_driver import Composer
from fixtures.serve import page_variants
from fixtures.serve import route_platform

CARD = "4111 1111 1111 1111"
FLAGGED_TEXT = f"card {CARD} end"
MASKED_TEXT = "card •••• •••• •••• 1111 end"
CLEAN_TEXT = "great talk today, thanks all"


def check_platform(c, platform: str) -> None:
    """Flagged text is held on the site's key and its Post control, masked
    through the banner, then posted; clean text goes out untouched."""
    submit_key = c.submit_keys()[0]
    c.type(FLAGGED_TEXT)
    c.wait_state("flagged")
    assert c.banner_attr("data-platform") == platform

    c.page.keyboard.press(submit_key)
    assert c.nothing_posted_for()
    c.post_button.click()
    assert c.nothing_posted_for(100)

    c.banner_click("mask")
    c.wait_state("clean")
    assert c.state() == MASKED_TEXT
    c.post_button.click()
    assert c.wait_posted() == [MASKED_TEXT]

    # The site cleared its box; clean text goes out with the site's own key.
    c.type(CLEAN_TEXT)
    c.wait_state("clean")
    c.page.keyboard.press(submit_key)
    assert c.wait_posted(2) == [MASKED_TEXT, CLEAN_TEXT]


def check_warns_before_typing(c, official: str = "@AcmeSupport") -> None:
    """The compose box answers a lookalike of an official account (the
    conftest's Acme policy, with_acme): once the box has focus the banner names
    the official account, before anything is typed."""
    c.editor.click()
    c.wait_state("flagged")
    assert c.state() == ""
    assert official in c.banner_text()
    assert c.highlights() == []


def check_markers(compose, page: str, markers: dict[str, tuple[str, str]]) -> None:
    """`markers` maps each variant of the page ("" = default) to the (compose
    box, submit control) selectors the adapter keys on; each must select
    exactly the element the page marks with data-fixture-editor/-submit."""
    variants = sorted(v or "" for p, v in page_variants() if p == page)
    assert sorted(markers) == variants, "markers for every variant of the page"
    for variant, (editor_selector, submit_selector) in markers.items():
        c = compose(page, variant=variant)
        editor = c.page.locator(editor_selector)
        submit = c.page.locator(submit_selector)
        assert editor.count() == 1 and submit.count() == 1, variant
        assert editor.evaluate("el => el.hasAttribute('data-fixture-editor')")
        assert submit.evaluate("el => el.hasAttribute('data-fixture-submit')")


def open_site_url(browser, page: str, url: str) -> Composer:
    """The fixture page served at `url` (not its catalog URL); close its .page."""
    tab = browser.new_page()
    route_platform(tab, page, url)
    return Composer.open(tab, url)
