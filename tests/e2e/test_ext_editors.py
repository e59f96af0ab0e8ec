"""The extension on each real editor library: flag, hold, mask, override, pass.

Fixture pages run Draft.js, Lexical, Quill, ProseMirror, TipTap, Slate, a plain
textarea and a web component with an open shadow root (tests/e2e/fixtures).
The page's own submit handler records what it receives in
window.__fixture.submissions; that is what a site would post.
"""

from __future__ import annotations

import pytest
from conftest import pair

CARD = "4111 1111 1111 1111"
MASKED = "•••• •••• •••• 1111"
FLAGGED_TEXT = f"card {CARD} end"
CLEAN_TEXT = "see you at the meetup on friday"
EDITORS = [
    "draftjs",
    "lexical",
    "quill",
    "prosemirror",
    "tiptap",
    "slate",
    "textarea",
    "shadow",
]


def assert_highlighted(c, editor: str) -> None:
    if editor == "textarea":
        assert c.overlay_highlights() == 1
    else:
        assert c.highlights() == [CARD]


@pytest.mark.parametrize("editor", EDITORS)
def test_flags_holds_and_keeps_the_caret(compose, editor):
    c = compose(editor)
    c.type(FLAGGED_TEXT)
    for _ in range(4):  # the caret goes before " end"
        c.page.keyboard.press("ArrowLeft")
    c.wait_state("flagged")
    assert "Credit card" in c.banner_text()
    assert "•••• 1111" in c.banner_text()
    assert CARD not in c.banner_text()
    assert_highlighted(c, editor)

    c.page.keyboard.press(c.submit_keys()[0])
    assert c.nothing_posted_for()

    # The banner and highlights moved neither the caret nor the focus.
    c.page.keyboard.type("!")
    assert c.state() == f"card {CARD}! end"
    c.wait_state("flagged")

    c.post_button.click()
    assert c.nothing_posted_for()
    assert c.banner_attr("data-held") == "1"


@pytest.mark.parametrize("editor", EDITORS)
def test_mask_goes_through_the_editor_is_undoable_and_is_posted(compose, editor):
    c = compose(editor)
    c.type(FLAGGED_TEXT)
    c.wait_state("flagged")
    c.post_button.click()
    assert c.nothing_posted_for(100)
    if editor == "quill":
        c.page.wait_for_timeout(1100)  # Quill merges edits less than 1 s apart

    c.banner_click("mask")
    c.wait_state("clean")
    assert c.state() == f"card {MASKED} end"
    assert c.highlights() == []

    # One undo step in the editor's own history brings the number back.
    c.editor.focus()
    c.page.keyboard.press("Control+z")
    c.page.wait_for_function("t => window.__fixture.getState() === t", arg=FLAGGED_TEXT)
    c.wait_state("flagged")

    c.banner_click("mask")
    c.wait_state("clean")
    c.post_button.click()
    assert c.wait_posted() == [f"card {MASKED} end"]


def _files_contain(root, needle: bytes) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


@pytest.mark.parametrize("editor", EDITORS)
def test_post_anyway_with_a_reason_posts_and_is_recorded(compose, service, editor):
    note = f"NOTE-CANARY-{editor} pw Summer2026!"
    c = compose(editor)
    c.type(FLAGGED_TEXT)
    c.wait_state("flagged")
    c.post_button.click()
    assert c.nothing_posted_for(100)
    before = len(service.events())

    c.banner_click("post-anyway")
    c.give_reason("test_data", note)
    assert c.wait_posted() == [FLAGGED_TEXT]
    events = service.events()[before:]
    assert [(e["action"], e["rule_ids"], e.get("reason")) for e in events] == [
        ("overridden", ["credit-card"], "test_data")
    ]
    # The note stays on the page: not in any event, nor anywhere the service writes.
    assert "justification" not in events[0]
    assert note not in str(events)
    assert _files_contain(service.home, b"NOTE-CANARY") == []
    assert b"NOTE-CANARY" not in service.log.read_bytes()


@pytest.mark.parametrize("editor", EDITORS)
def test_clean_text_posts_unchanged_and_unheld(compose, editor):
    c = compose(editor)
    c.type(CLEAN_TEXT)
    c.wait_state("clean")
    c.post_button.click()
    assert c.wait_posted() == [CLEAN_TEXT]
    # The page got the user's own click: trusted, so we did not hold and replay it.
    assert c.submit_events()[-1] == {"kind": "click", "trusted": True}


@pytest.mark.parametrize("editor", ["textarea", "lexical", "quill"])
def test_submit_before_the_verdict_is_held_until_it_arrives(compose, editor):
    c = compose(editor)
    c.type(FLAGGED_TEXT)
    c.page.keyboard.press(c.submit_keys()[0])  # before the 300 ms pause is over
    c.wait_state("flagged")
    assert c.nothing_posted_for()

    c2 = compose(editor)
    c2.type(CLEAN_TEXT)
    c2.post_button.click()
    # Held for the check, then posted through the real button.
    assert c2.wait_posted() == [CLEAN_TEXT]
    assert c2.submit_events()[-1]["trusted"] is False


@pytest.fixture
def slow_debounce(worker, service):
    """A 5 s typing pause, so "at once" cannot be the debounce firing."""
    pair(worker, service, debounceMs=5000)
    yield
    pair(worker, service)


def test_paste_of_sensitive_text_warns_at_once(compose, slow_debounce):
    c = compose("lexical")
    c.editor.click()
    c.page.evaluate(
        """text => {
          const data = new DataTransfer();
          data.setData('text/plain', text);
          document.querySelector('[data-fixture-editor]').dispatchEvent(
            new ClipboardEvent('paste',
              {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        FLAGGED_TEXT,
    )
    c.wait_state("flagged", timeout=2500)


SELECTION_JS = """() => {
  const el = document.querySelector('[data-fixture-editor]');
  if (el.tagName === 'TEXTAREA') {
    return el.value.slice(el.selectionStart, el.selectionEnd);
  }
  return document.getSelection().toString();
}"""


@pytest.mark.parametrize("editor", ["textarea", "lexical"])
def test_edit_selects_the_finding_and_report_records_an_event(compose, service, editor):
    c = compose(editor)
    c.type(FLAGGED_TEXT)
    c.wait_state("flagged")
    before = len(service.events())

    c.banner_click("edit")
    c.page.wait_for_function(f"card => ({SELECTION_JS})() === card", arg=CARD)
    assert c.state() == FLAGGED_TEXT  # Edit only selects; the text is untouched

    c.banner_click("report")
    assert "Reported" in _wait_banner_text(c, "Reported")
    actions = [e["action"] for e in service.events()[before:]]
    assert actions == ["edited", "reported_false_positive"]


def _wait_banner_text(c, needle: str) -> str:
    for _ in range(50):
        text = c.banner_text()
        if needle in text:
            return text
        c.page.wait_for_timeout(50)
    return c.banner_text()
