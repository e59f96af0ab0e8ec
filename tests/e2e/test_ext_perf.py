"""Performance marks from a real typing session on a 3,000-character post.

Not a timed test: it checks that the extension records its measures and writes
them to build/perf/extension-e2e.json for docs/performance.md. The budgets
(keystroke to banner <= debounce + 100 ms; content-script work per keystroke
p99 <= 2 ms) are judged from those numbers, not asserted here.
"""

from __future__ import annotations

import pytest
from test_ext_frames import FRAME_PAGES
from test_ext_frames import in_frame

from postguard.testing import percentile

FILLER = ("Quarterly update for the whole team: shipping went well, thanks all. " * 60)[
    :2900
]
TYPED = (
    " Next quarter we will hire two more people for the support desk, move the"
    " office and finally fix the printer; the card is 4111 1111 1111 1111 okay"
)
MEASURES_JS = """names => Object.fromEntries(names.map(n =>
  [n, performance.getEntriesByName(n).map(e => e.duration)]))"""
NAMES = [
    "postguard:keystroke-work",
    "postguard:keystroke-to-banner",
    "postguard:check-work",
]


@pytest.mark.parametrize(
    "editor", ["textarea", "lexical", "draftjs", "prosemirror", "tinymce", "iframe"]
)
def test_typing_into_a_long_post_is_measured(compose, perf_log, editor):
    c = compose(editor)
    if editor in FRAME_PAGES:  # measured by the page's guard, in the top page
        in_frame(c)
    c.editor.click()
    c.page.keyboard.insert_text(FILLER)
    c.wait_state("clean")
    c.page.evaluate("performance.clearMeasures()")
    c.page.keyboard.type(TYPED)
    c.wait_state("flagged")
    assert len(c.state()) >= 2900 + len(TYPED)
    measures = c.page.evaluate(MEASURES_JS, NAMES)
    work = measures["postguard:keystroke-work"]
    assert len(work) >= len(TYPED) - 2, "one work measure per keystroke"
    assert measures["postguard:keystroke-to-banner"], "banner latency measured"
    for name, values in measures.items():
        perf_log.setdefault(f"{editor}:{name}", []).extend(values)
    print(
        f"\n{editor}: keystroke work p50={percentile(work, 50):.3f} "
        f"p99={percentile(work, 99):.3f} max={max(work):.3f} ms; "
        f"keystroke->banner={measures['postguard:keystroke-to-banner'][-1]:.0f} ms; "
        f"check={max(measures['postguard:check-work']):.2f} ms"
    )
