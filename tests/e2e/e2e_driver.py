"""Drives a fixture page and the extension's banner like a user would.

The banner lives in a *closed* shadow root, which page scripts and Playwright
locators cannot enter. The DevTools protocol can (DOM.getDocument with
pierce=true), so buttons are found there and clicked with the real mouse at
their on-screen position: the same trusted click a user makes.
"""

from __future__ import annotations

import time

BANNER = "postguard-banner"
HIGHLIGHTS_JS = """() => {
  const h = CSS.highlights.get('postguard-finding');
  return h ? [...h].map((r) => r.toString()) : [];
}"""


def _attrs(node: dict) -> dict:
    flat = node.get("attributes", [])
    return dict(zip(flat[::2], flat[1::2], strict=True))


def _walk(node: dict):
    yield node
    for key in ("children", "shadowRoots"):
        for child in node.get(key, []):
            yield from _walk(child)
    if "contentDocument" in node:
        yield from _walk(node["contentDocument"])


class ShadowDom:
    def __init__(self, page):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)

    def banners(self) -> list[dict]:
        root = self.cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
        return [n for n in _walk(root) if n.get("localName") == BANNER]

    def active_banner(self) -> dict | None:
        for node in self.banners():
            if _attrs(node).get("data-state") in ("flagged", "unchecked", "pending"):
                return node
        return None

    def banner_text(self) -> str:
        node = self.active_banner()
        if node is None:
            return ""
        parts = []

        def collect(n, in_style=False):
            in_style = in_style or n.get("localName") == "style"
            if n.get("nodeType") == 3 and not in_style:
                parts.append(n.get("nodeValue", ""))
            for key in ("children", "shadowRoots"):
                for child in n.get(key, []):
                    collect(child, in_style)

        collect(node)
        return " ".join(p.strip() for p in parts if p.strip())

    def _center(self, node_id: int) -> tuple[float, float] | None:
        try:
            quad = self.cdp.send("DOM.getBoxModel", {"nodeId": node_id})["model"][
                "border"
            ]
        except Exception:  # hidden: no box yet
            return None
        xs, ys = quad[0::2], quad[1::2]
        return sum(xs) / 4, sum(ys) / 4

    def click(self, selector_attr: str, value: str, timeout: float = 5.0) -> None:
        """Click the banner element whose attribute equals value (real mouse)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            banner = self.active_banner()
            nodes = [n for n in _walk(banner)] if banner else []
            for n in nodes:
                if _attrs(n).get(selector_attr) == value:
                    # The card scrolls when it is taller than its max height.
                    try:
                        self.cdp.send(
                            "DOM.scrollIntoViewIfNeeded", {"nodeId": n["nodeId"]}
                        )
                    except Exception:  # hidden: no box yet
                        pass
                    center = self._center(n["nodeId"])
                    if center:
                        self.page.mouse.click(*center)
                        return
            time.sleep(0.05)
        raise AssertionError(f"no visible banner control {selector_attr}={value}")


class Composer:
    """One fixture page: its editor, Post button, submissions and our banner."""

    def __init__(self, page):
        self.page = page
        self.editor = page.locator("[data-fixture-editor]")
        self.post_button = page.locator("[data-fixture-submit]")
        self.shadow = ShadowDom(page)

    @classmethod
    def open(cls, page, url: str) -> Composer:
        page.goto(url)
        page.wait_for_function("() => window.__fixture !== undefined")
        if page.evaluate("window.__fixture.mount") == "click":
            page.click("[data-fixture-open]")
        page.evaluate("window.__fixture.ready")
        return cls(page)

    # --- the page ---------------------------------------------------------
    def type(self, text: str) -> None:
        self.editor.click()
        self.page.keyboard.type(text)

    def state(self) -> str:
        return self.page.evaluate("window.__fixture.getState()")

    def submissions(self) -> list[str]:
        return self.page.evaluate("window.__fixture.submissions")

    def submit_events(self) -> list[dict]:
        return self.page.evaluate("window.__fixture.events")

    def submit_keys(self) -> list[str]:
        return self.page.evaluate("window.__fixture.submitKeys")

    def nothing_posted_for(self, ms: int = 250) -> bool:
        self.page.wait_for_timeout(ms)
        return self.submissions() == []

    def wait_posted(self, count: int = 1, timeout: float = 5000) -> list[str]:
        self.page.wait_for_function(
            "n => window.__fixture.submissions.length >= n", arg=count, timeout=timeout
        )
        return self.submissions()

    # --- the extension ----------------------------------------------------
    def wait_state(self, state: str, timeout: float = 5000) -> None:
        self.page.wait_for_selector(
            f'{BANNER}[data-state="{state}"]', state="attached", timeout=timeout
        )

    def banner_attr(self, name: str) -> str | None:
        host = self.page.locator(f"{BANNER}[data-state]").first
        return host.get_attribute(name)

    def highlights(self) -> list[str]:
        return self.page.evaluate(HIGHLIGHTS_JS)

    def overlay_highlights(self) -> int:
        value = self.page.evaluate(
            "() => document.querySelector('postguard-overlay')?.dataset.highlights"
        )
        return int(value or 0)

    def banner_text(self) -> str:
        return self.shadow.banner_text()

    def banner_click(self, action: str) -> None:
        self.shadow.click("data-action", action)

    def banner_actions(self) -> list[str]:
        """The data-action of every control in the visible banner."""
        banner = self.shadow.active_banner()
        nodes = list(_walk(banner)) if banner else []
        return [_attrs(n)["data-action"] for n in nodes if "data-action" in _attrs(n)]

    def give_reason(self, reason: str, note: str = "") -> None:
        """Choose a reason code, optionally type a note, and confirm the post."""
        self.shadow.click("data-reason", reason)
        if note:
            self.shadow.click("data-field", "note")
            self.page.keyboard.type(note)
        self.banner_click("confirm-override")
