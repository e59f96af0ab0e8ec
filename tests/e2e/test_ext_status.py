"""Popup, options pairing and the per-site self-test badge."""

from __future__ import annotations

import time

from conftest import EXTENSION_ID
from conftest import pair

CLOSED_ROOT_PAGE = """<!doctype html><html><body>
<closed-composer></closed-composer>
<script>
  customElements.define('closed-composer', class extends HTMLElement {
    constructor() {
      super();
      const root = this.attachShadow({mode: 'closed'});
      const box = document.createElement('div');
      box.contentEditable = 'true';
      box.style.cssText = 'width: 400px; height: 80px; border: 1px solid #999';
      root.append(box);
    }
  });
</script></body></html>"""


def tab_badge(worker, url_pattern: str) -> tuple[str, str]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        result = worker.evaluate(
            """async (pattern) => {
              const [tab] = await chrome.tabs.query({url: pattern});
              if (!tab) return null;
              return [await chrome.action.getBadgeText({tabId: tab.id}),
                      await chrome.action.getTitle({tabId: tab.id})];
            }""",
            url_pattern,
        )
        if result and result[1] != "PostGuard":
            return tuple(result)
        time.sleep(0.1)
    raise AssertionError("the page never reported its protection state")


def test_page_with_an_unreachable_compose_box_says_not_protected_here(browser, worker):
    page = browser.new_page()
    page.route(
        "https://x.com/i/closed",
        lambda route: route.fulfill(body=CLOSED_ROOT_PAGE, content_type="text/html"),
    )
    page.goto("https://x.com/i/closed")
    text, title = tab_badge(worker, "https://x.com/i/closed")
    page.close()
    assert text == "OFF"
    assert "not protected here" in title


def test_guarded_page_says_protected(compose, worker):
    c = compose("tiktok", platform=True)
    c.type("hello")
    text, title = tab_badge(worker, "https://www.tiktok.com/*")
    assert text == ""
    assert "protecting this page (tiktok)" in title


def wait_text(page, selector: str, predicate, timeout: float = 5.0) -> str:
    """Polls from Python: extension pages forbid eval, which wait_for_function uses."""
    deadline = time.monotonic() + timeout
    while True:
        text = page.text_content(selector)
        if predicate(text) or time.monotonic() > deadline:
            return text
        time.sleep(0.05)


def test_popup_shows_connection_and_rules_version(browser, service):
    import json
    import urllib.request

    request = urllib.request.Request(
        f"{service.url}/api/v1/health", headers={"X-PostGuard-Token": service.token}
    )
    with urllib.request.urlopen(request, timeout=2) as response:
        rules_version = json.load(response)["rules_version"]
    page = browser.new_page()
    page.goto(f"chrome-extension://{EXTENSION_ID}/src/popup/popup.html")
    assert wait_text(page, "#service", lambda t: t != "…") == "Connected"
    assert rules_version in page.text_content("#rules")
    page.close()


def test_options_page_pairs_with_the_service(browser, worker, service):
    pair(worker, service, token="wrong-token")
    page = browser.new_page()
    page.goto(f"chrome-extension://{EXTENSION_ID}/src/options/options.html")
    assert "Not paired" in wait_text(page, "#status", bool)

    page.fill("input[name=token]", service.token)
    page.click("button[type=submit]")
    assert (
        wait_text(page, "#status", lambda t: t != "" and "Not paired" not in t)
        == "Saved."
    )
    page.click("#test")
    status = wait_text(page, "#status", lambda t: t.startswith("Connected"))
    assert status.startswith("Connected to PostGuard")
    stored = worker.evaluate(
        "chrome.storage.local.get('settings').then(s => s.settings)"
    )
    assert stored["token"] == service.token
    page.close()
