"""Secondary fields and links end to end (issue 13, items 4 and 5): real
Chromium, the real extension, the real service.

The fields pages (tests/e2e/fixtures/README.md, "Fields pages") mark each field
with ``data-fixture-field`` and its own save control with ``data-fixture-save``;
``__fixture.saved`` lists what a field's own action saved. The extension finds
the fields by the site adapters' declarations, never by these markers.
"""

from __future__ import annotations

import json
import time

from e2e_driver import _attrs
from e2e_driver import _walk

CARD = "4111 1111 1111 1111"
AWS_KEY_ID = "AKIAZ7Q3LMXW4RT2VB6N"  # 20 characters: fits X's 25-character choice
PHONE = "+44 20 7946 0958"
JIRA = "https://wingtip.atlassian.net/browse/PAY-4821"
SHAREPOINT = "https://northwindtraders.sharepoint.com/:w:/g/EZq3kLw8VtFHm2xOq1PdY7sB"
PREVIEW_NOTE = "the site fetches a preview of each link"


def type_into(c, selector: str, text: str) -> None:
    c.page.click(selector)
    c.page.keyboard.type(text)


def wait_field_flagged(c, field: str, timeout: float = 5000) -> None:
    c.page.wait_for_selector(
        f'postguard-banner[data-field="{field}"][data-state="flagged"]',
        state="attached",
        timeout=timeout,
    )


def field_banner(c, field: str) -> str:
    """The text of the flagged banner of one field (a page has one banner per
    guarded box: two poll choices are two boxes)."""
    for node in c.shadow.banners():
        attrs = _attrs(node)
        if attrs.get("data-field") == field and attrs.get("data-state") == "flagged":
            styles = [n for n in _walk(node) if n.get("localName") == "style"]
            skipped = {id(t) for style in styles for t in _walk(style)}
            texts = [
                n["nodeValue"].strip()
                for n in _walk(node)
                if n.get("nodeType") == 3
                and id(n) not in skipped
                and n.get("nodeValue", "").strip()
            ]
            return " ".join(texts)
    return ""


def saved(c) -> list[dict]:
    return c.page.evaluate("window.__fixture.saved")


def wait_events(service, before: int, timeout: float = 5.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = service.events()
        if len(events) > before:
            return events[before:]
        time.sleep(0.1)
    raise AssertionError("no event was recorded")


def test_a_card_number_in_the_alt_text_holds_the_dialogs_apply(compose):
    c = compose("mastodon-alttext")
    box = '[data-fixture-field="alt_text"]'
    description = f"Screenshot of the refund form, card {CARD} visible"
    type_into(c, box, description)
    wait_field_flagged(c, "alt_text", timeout=10000)
    text = field_banner(c, "alt_text")
    assert "This image description contains" in text
    assert "Credit card" in text or "card" in text.lower()
    assert CARD not in text  # the preview is masked
    c.page.click("[data-fixture-save]")  # Mastodon's "Apply"
    assert c.nothing_posted_for(400)
    assert saved(c) == []  # the dialog's own save never ran
    held = 'postguard-banner[data-field="alt_text"][data-held="1"]'
    assert c.page.locator(held).count() == 1
    # The employee's text is untouched, in the box and in the page's own state.
    assert c.page.locator(box).input_value() == description


def test_a_clean_alt_text_is_applied_at_once(compose):
    c = compose("mastodon-alttext")
    type_into(c, '[data-fixture-field="alt_text"]', "A cat asleep on a keyboard")
    c.page.wait_for_timeout(700)  # past the typing pause: checked, clean
    c.page.click("[data-fixture-save]")
    c.page.wait_for_function("window.__fixture.saved.length === 1", timeout=5000)
    assert saved(c) == [{"field": "alt_text", "text": "A cat asleep on a keyboard"}]


def test_an_api_key_in_a_poll_choice_is_warned_and_holds_the_post(compose):
    c = compose("x-poll", platform=True)
    c.type("Which one do we rotate first?")
    type_into(c, 'input[name="Choice1"]', "the old one")
    type_into(c, 'input[name="Choice2"]', AWS_KEY_ID)
    wait_field_flagged(c, "poll_option")
    text = field_banner(c, "poll_option")
    assert "This poll choice contains" in text
    assert AWS_KEY_ID not in text
    c.post_button.click()
    assert c.nothing_posted_for(400)  # the post and its poll stay here
    held = 'postguard-banner[data-field="poll_option"][data-held="1"]'
    assert c.page.locator(held).count() == 1
    assert c.page.locator('input[name="Choice2"]').input_value() == AWS_KEY_ID


def test_a_phone_number_in_a_bio_is_flagged_and_the_event_names_the_field(
    compose, service
):
    c = compose("mastodon-profile", platform=True)
    bio = f"Support lead at Fabrikam. Call me on {PHONE}"
    c.type(bio)
    wait_field_flagged(c, "bio")
    assert "This profile bio contains" in field_banner(c, "bio")
    before = len(service.events())
    c.page.click('button:text-is("Save changes")')  # the form's own submit
    assert c.nothing_posted_for(400)
    assert saved(c) == []
    c.banner_click("dismiss")  # closing a held save records "cancelled"
    [event] = wait_events(service, before)
    assert event["action"] == "cancelled"
    assert event["field"] == "bio"
    assert event["platform"] == "mastodon"
    assert "phone-number" in event["rule_ids"]
    # Metadata only: no text of the bio, not even the digits.
    recorded = json.dumps(event)
    assert "Fabrikam" not in recorded
    assert "7946" not in recorded and "0958" not in recorded
    assert c.state() == bio


def test_an_internal_link_in_the_post_explains_the_link_preview(compose):
    c = compose("mastodon")
    c.type(f"Context in {JIRA} and the plan ({SHAREPOINT}).")
    c.wait_state("flagged")
    text = c.banner_text()
    assert PREVIEW_NOTE in text
    assert text.count(PREVIEW_NOTE) == 1  # said once for both links
    assert c.banner_attr("data-field") == ""  # the post itself, not a field


def test_a_post_without_links_has_no_preview_note(compose):
    c = compose("mastodon")
    c.type(f"card {CARD}")
    c.wait_state("flagged")
    assert PREVIEW_NOTE not in c.banner_text()
