"""Smoke test of the E2E fixture pages in real Chromium, no extension loaded.

Proves each page honours the contract in tests/e2e/fixtures/README.md, so
that extension tests failing on a page point at the extension, not the page.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from fixtures.serve import CHROMIUM
from fixtures.serve import CHROMIUM_ARGS
from fixtures.serve import DIST_DIR
from fixtures.serve import FIXTURES_DIR
from fixtures.serve import ensure_built
from fixtures.serve import page_config
from fixtures.serve import page_variants
from fixtures.serve import route_platform
from fixtures.serve import serve_fixtures
from playwright.sync_api import sync_playwright

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"Debian chromium is not installed at {CHROMIUM} (apt-get install chromium)",
)

TEXT = "Hello team, card 4111 1111 1111 1111, ok?"
PROBE_JS = (FIXTURES_DIR / "probe-input-paths.js").read_text()

# The markers an editor library's box is found by: (compose box, submit
# control). Each must select exactly the element the page marks with
# data-fixture-editor/-submit. A site page's markers live in its own test file,
# tests/e2e/sites/test_<site>.py.
MARKERS = {
    "draftjs": (
        ".DraftEditor-root .public-DraftEditor-content",
        "button:text-is('Post')",
    ),
    "lexical": ("[data-lexical-editor='true']", "button:text-is('Post')"),
    "quill": (
        ".ql-container > .ql-editor[contenteditable='true']",
        "button:text-is('Post')",
    ),
    "prosemirror": (".ProseMirror[contenteditable='true']", "button:text-is('Post')"),
    "tiptap": (".tiptap.ProseMirror[contenteditable='true']", "button:text-is('Post')"),
    "slate": ("[data-slate-editor='true']", "button:text-is('Post')"),
    "textarea": ("textarea", "button:text-is('Post')"),
    "shadow": ("shadow-composer [contenteditable='true']", "shadow-composer button"),
}

# README "Replacing text": does document.execCommand('insertText') over a DOM
# selection reach the editor's state? A library upgrade that changes this
# must update the README, so the finding is pinned here.
EXEC_COMMAND_REACHES_STATE = {
    "draftjs": True,
    "lexical": True,
    "quill": True,
    "prosemirror": True,
    "tiptap": True,
    "slate": False,
    "textarea": True,
    "shadow": True,
}

FORM_PAGES = {"mastodon", "reddit"}
# Frame and multi-block pages have their own tests (test_ext_frames.py): their
# editor is not one element of the page.
VARIANTS = [(p, v) for p, v in page_variants() if not page_config(p, v).get("layout")]
ROUTED = [(p, v) for p, v in VARIANTS if page_config(p, v)["url"]]
EDITOR_PAGES = [(p, v) for p, v in VARIANTS if not page_config(p, v)["site"]]


def label(item) -> str:
    page, variant = item
    return f"{page}:{variant}" if variant else page


@pytest.fixture(scope="session")
def fixture_server():
    server = serve_fixtures()  # rebuilds dist/ when its sources changed
    yield server
    server.stop()


@pytest.fixture(scope="session")
def fixture_playwright(request):
    """One sync Playwright per process (a second one raises): share the
    suite's conftest ``playwright_driver`` when there is one."""
    try:
        shared = request.getfixturevalue("playwright_driver")
    except pytest.FixtureLookupError:
        shared = None
    if shared is not None:
        yield shared
        return
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def fixture_browser(fixture_playwright):
    browser = fixture_playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def fixture_tab(fixture_browser):
    context = fixture_browser.new_context()
    tab = context.new_page()
    tab.page_errors = []
    tab.on("pageerror", lambda error: tab.page_errors.append(str(error)))
    yield tab
    context.close()


def open_page(tab, url: str) -> None:
    tab.goto(url)
    if tab.evaluate("window.__fixture.mount") == "click":
        tab.click("[data-fixture-open]")
    tab.evaluate("window.__fixture.ready")


def state(tab) -> str:
    return tab.evaluate("window.__fixture.getState()")


def submissions(tab) -> list[str]:
    return tab.evaluate("window.__fixture.submissions")


def last_event(tab) -> dict:
    return tab.evaluate("window.__fixture.events.at(-1)")


def visible_text(tab) -> str:
    """The editable's text as a user sees it (placeholders excluded)."""
    return tab.locator("[data-fixture-editor]").evaluate(
        """el => {
          if (el.tagName === 'TEXTAREA') return el.value;
          const copy = el.cloneNode(true);
          copy.querySelectorAll('[contenteditable=false]').forEach(n => n.remove());
          return copy.textContent.replace(/[\\u200b\\ufeff]/g, '');
        }"""
    )


@pytest.mark.parametrize("item", VARIANTS, ids=label)
def test_typing_and_submitting(fixture_server, fixture_tab, item):
    page, variant = item
    tab = fixture_tab
    open_page(tab, fixture_server.url(page, variant=variant))
    # Like the sites, an empty editor posts nothing (the attempt is recorded).
    tab.click("[data-fixture-submit]")
    assert submissions(tab) == []
    assert len(tab.evaluate("window.__fixture.events")) == 1

    editor = tab.locator("[data-fixture-editor]")
    editor.click()
    is_focused = (
        "el => el === (el.getRootNode().activeElement || document.activeElement)"
    )
    assert editor.evaluate(is_focused)

    tab.keyboard.type(TEXT)
    assert state(tab) == TEXT

    tab.click("[data-fixture-submit]")
    assert submissions(tab) == [TEXT]
    # On form pages the click submits the <form>; the page handles "submit".
    kind = "form" if page in FORM_PAGES else "click"
    assert last_event(tab) == {"kind": kind, "trusted": True}
    assert state(tab) == ""
    tab.wait_for_function("() => window.__fixture.getState() === ''")
    assert visible_text(tab).strip() == ""

    for n, key in enumerate(tab.evaluate("window.__fixture.submitKeys")):
        editor.click()
        tab.keyboard.type(f"post {n} via {key}")
        tab.keyboard.press(key)
        assert submissions(tab)[-1] == f"post {n} via {key}"
        assert last_event(tab) == {"kind": "key", "trusted": True}
        assert state(tab) == ""

    # Shift+Enter is a new line everywhere, never a submit.
    count = len(submissions(tab))
    editor.click()
    tab.keyboard.type("one")
    tab.keyboard.press("Shift+Enter")
    tab.keyboard.type("two")
    assert state(tab) == "one\ntwo"
    assert len(submissions(tab)) == count
    assert tab.page_errors == []


@pytest.mark.parametrize("item", EDITOR_PAGES, ids=label)
def test_editor_markers_select_the_fixture_elements(fixture_server, fixture_tab, item):
    page, variant = item
    open_page(fixture_tab, fixture_server.url(page, variant=variant))
    editor_selector, submit_selector = MARKERS[label(item)]
    editor = fixture_tab.locator(editor_selector)
    submit = fixture_tab.locator(submit_selector)
    assert editor.count() == 1 and submit.count() == 1
    assert editor.evaluate("el => el.hasAttribute('data-fixture-editor')")
    assert submit.evaluate("el => el.hasAttribute('data-fixture-submit')")


def test_markers_cover_every_editor_page():
    assert sorted(MARKERS) == sorted(label(item) for item in EDITOR_PAGES)


@pytest.mark.parametrize("item", VARIANTS, ids=label)
def test_mask_through_the_editor_input_path(fixture_server, fixture_tab, item):
    """The README's recommended replace path lands in the editor's state."""
    page, variant = item
    tab = fixture_tab
    open_page(tab, fixture_server.url(page, variant=variant))
    tab.click("[data-fixture-editor]")
    tab.keyboard.type(TEXT)
    masked = TEXT.replace("4111 1111 1111 1111", "•••• 1111")
    args = {"secret": "4111 1111 1111 1111", "mask": "•••• 1111"}
    tab.evaluate(PROBE_JS)
    tab.evaluate("args => window.__probe.select(args)", args)
    tab.wait_for_timeout(50)  # let the editor see selectionchange
    tab.evaluate("args => window.__probe.apply({...args, method: 'recommended'})", args)
    tab.wait_for_function("m => window.__fixture.getState() === m", arg=masked)
    tab.wait_for_function("m => window.__probe.read().dom === m", arg=masked)
    tab.click("[data-fixture-submit]")
    assert submissions(tab) == [masked]


@pytest.mark.parametrize("page", sorted(EXEC_COMMAND_REACHES_STATE))
def test_exec_command_finding(fixture_server, fixture_tab, page):
    tab = fixture_tab
    open_page(tab, fixture_server.url(page))
    tab.click("[data-fixture-editor]")
    tab.keyboard.type(TEXT)
    args = {"secret": "4111 1111 1111 1111", "mask": "X", "method": "execCommand"}
    tab.evaluate(PROBE_JS)
    tab.evaluate("args => window.__probe.select(args)", args)
    tab.wait_for_timeout(50)
    tab.evaluate("args => window.__probe.apply(args)", args)
    masked = TEXT.replace(args["secret"], "X")
    # The DOM always changes; the question is whether the state follows.
    tab.wait_for_function("m => window.__probe.read().dom === m", arg=masked)
    tab.wait_for_timeout(200)
    assert (state(tab) == masked) is EXEC_COMMAND_REACHES_STATE[page]


@pytest.mark.parametrize("item", ROUTED, ids=label)
def test_served_under_the_real_site_url(fixture_tab, item):
    page, variant = item
    url = page_config(page, variant)["url"]
    route_platform(fixture_tab.context, page, variant=variant)
    open_page(fixture_tab, url)
    assert fixture_tab.url == url
    assert fixture_tab.evaluate("window.__fixture.variant") == (variant or "default")
    fixture_tab.click("[data-fixture-editor]")
    fixture_tab.keyboard.type(TEXT)
    fixture_tab.click("[data-fixture-submit]")
    assert submissions(fixture_tab) == [TEXT]
    assert fixture_tab.page_errors == []


LAZY = [(p, v) for p, v in VARIANTS if page_config(p, v)["mount"] != "immediate"]


@pytest.mark.parametrize("item", LAZY, ids=label)
def test_compose_box_mounts_late(fixture_server, fixture_tab, item):
    page, variant = item
    tab = fixture_tab
    # A long delay keeps delay-mounted pages unmounted while we look.
    tab.goto(fixture_server.url(page, "delay=60000", variant=variant))
    tab.wait_for_timeout(300)
    assert tab.locator("[data-fixture-editor]").count() == 0
    assert tab.evaluate("window.__fixture.mounted") is False
    if page_config(page, variant)["mount"] == "click":
        tab.click("[data-fixture-open]")
        tab.evaluate("window.__fixture.ready")
        assert tab.locator("[data-fixture-editor]").count() == 1


def _dist_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in DIST_DIR.rglob("*") if p.is_file()):
        digest.update(path.relative_to(DIST_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def test_build_is_deterministic(fixture_server):
    before = _dist_digest()
    ensure_built(force=True)
    assert _dist_digest() == before
