"""A fixture page in Firefox, driven like a user over WebDriver BiDi.

The Firefox twin of e2e_driver.Composer, for the smoke suite. The banner sits
in a *closed* shadow root; BiDi serialises closed roots too
(``includeShadowTree: "all"``), and each node comes with a shared id that a real
pointer click can target, so banner buttons are clicked as a user clicks them.
"""

from __future__ import annotations

import json
import time

from e2e_driver import BANNER
from e2e_driver import HIGHLIGHTS_JS
from firefox_bidi import BiDi

ALL_SHADOWS = {"includeShadowTree": "all", "maxDomDepth": None}
# WebDriver's code points for the named keys the fixture pages submit with.
KEYS = {"Control": "\ue009", "Meta": "\ue03d", "Shift": "\ue008", "Enter": "\ue007"}


def _walk(node: dict):
    yield node
    value = node.get("value", {})
    for child in value.get("children") or []:
        yield from _walk(child)
    if value.get("shadowRoot"):
        yield from _walk(value["shadowRoot"])


class FirefoxPage:
    def __init__(self, bidi: BiDi, context: str):
        self.bidi = bidi
        self.context = context

    @classmethod
    def new_tab(cls, bidi: BiDi) -> FirefoxPage:
        created = bidi.send("browsingContext.create", {"type": "tab"})
        return cls(bidi, created["context"])

    def close(self) -> None:
        self.bidi.send("browsingContext.close", {"context": self.context})

    def goto(self, url: str) -> None:
        self.bidi.send(
            "browsingContext.navigate",
            {"context": self.context, "url": url, "wait": "complete"},
        )

    def raw_evaluate(self, expression: str, **options) -> dict:
        result = self.bidi.send(
            "script.evaluate",
            {
                "expression": expression,
                "target": {"context": self.context},
                "awaitPromise": True,
                **options,
            },
        )
        if result["type"] == "exception":
            raise AssertionError(result["exceptionDetails"]["text"])
        return result["result"]

    def evaluate(self, expression: str):
        """The value of a JSON-able expression (sent through JSON.stringify)."""
        result = self.raw_evaluate(
            f"Promise.resolve({expression}).then(v => JSON.stringify(v ?? null))"
        )
        return json.loads(result["value"])

    def wait_for(self, expression: str, timeout: float = 5.0):
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {expression}")
            time.sleep(0.05)

    def sleep(self, ms: int) -> None:
        time.sleep(ms / 1000)

    # --- real input -------------------------------------------------------
    def click_node(self, shared_id: str) -> None:
        origin = {"type": "element", "element": {"sharedId": shared_id}}
        self._actions(
            [
                {
                    "type": "pointer",
                    "id": "mouse",
                    "actions": [
                        {"type": "pointerMove", "x": 0, "y": 0, "origin": origin},
                        {"type": "pointerDown", "button": 0},
                        {"type": "pointerUp", "button": 0},
                    ],
                }
            ]
        )

    def click(self, selector: str) -> None:
        node = self.raw_evaluate(f"document.querySelector({_js(selector)})")
        assert node.get("type") == "node", f"no element {selector}"
        self.click_node(node["sharedId"])

    def type(self, text: str) -> None:
        keys = []
        for char in text:
            keys += [
                {"type": "keyDown", "value": char},
                {"type": "keyUp", "value": char},
            ]
        self._actions([{"type": "key", "id": "keyboard", "actions": keys}])

    def press(self, chord: str) -> None:
        """A Playwright-style chord such as "Control+Enter"."""
        keys = [KEYS.get(name, name) for name in chord.split("+")]
        down = [{"type": "keyDown", "value": k} for k in keys]
        up = [{"type": "keyUp", "value": k} for k in reversed(keys)]
        self._actions([{"type": "key", "id": "keyboard", "actions": down + up}])

    def _actions(self, actions: list[dict]) -> None:
        self.bidi.send(
            "input.performActions", {"context": self.context, "actions": actions}
        )
        self.bidi.send("input.releaseActions", {"context": self.context})

    # --- the closed shadow root -------------------------------------------
    def banner_nodes(self) -> list[dict]:
        """Every serialised node under the banner host, closed root included."""
        host = self.raw_evaluate(
            f"document.querySelector('{BANNER}[data-state]')",
            serializationOptions=ALL_SHADOWS,
        )
        return list(_walk(host)) if host.get("type") == "node" else []


def _js(value: str) -> str:
    return json.dumps(value)


def _texts(node: dict, in_style: bool = False):
    """The text a user sees: every text node but the stylesheet's."""
    value = node.get("value", {})
    in_style = in_style or value.get("localName") == "style"
    if value.get("nodeType") == 3 and not in_style:
        text = value.get("nodeValue", "").strip()
        if text:
            yield text
    for child in [*(value.get("children") or []), value.get("shadowRoot")]:
        if child:
            yield from _texts(child, in_style)


def _attrs(node: dict) -> dict:
    return node.get("value", {}).get("attributes") or {}


class FirefoxComposer:
    """One fixture page (tests/e2e/fixtures): its editor, Post button and our banner."""

    def __init__(self, page: FirefoxPage):
        self.page = page

    @classmethod
    def open(cls, page: FirefoxPage, url: str) -> FirefoxComposer:
        page.goto(url)
        page.wait_for("window.__fixture !== undefined")
        if page.evaluate("window.__fixture.mount") == "click":
            page.click("[data-fixture-open]")
        page.evaluate("window.__fixture.ready")
        return cls(page)

    def type(self, text: str) -> None:
        self.page.click("[data-fixture-editor]")
        self.page.type(text)

    def post(self) -> None:
        self.page.click("[data-fixture-submit]")

    def state(self) -> str:
        return self.page.evaluate("window.__fixture.getState()")

    def submit_keys(self) -> list[str]:
        return self.page.evaluate("window.__fixture.submitKeys")

    def submissions(self) -> list[str]:
        return self.page.evaluate("window.__fixture.submissions")

    def nothing_posted_for(self, ms: int = 250) -> bool:
        self.page.sleep(ms)
        return self.submissions() == []

    def wait_posted(self, count: int = 1) -> list[str]:
        self.page.wait_for(f"window.__fixture.submissions.length >= {count}")
        return self.submissions()

    def wait_state(self, state: str, timeout: float = 5.0) -> None:
        selector = _js(f'{BANNER}[data-state="{state}"]')
        self.page.wait_for(f"document.querySelector({selector}) !== null", timeout)

    def highlights(self) -> list[str]:
        return self.page.evaluate(f"({HIGHLIGHTS_JS})()")

    def banner_attr(self, name: str) -> str | None:
        selector = _js(f"{BANNER}[data-state]")
        return self.page.evaluate(
            f"document.querySelector({selector})?.getAttribute({_js(name)})"
        )

    def banner_text(self) -> str:
        nodes = self.page.banner_nodes()
        return " ".join(_texts(nodes[0])) if nodes else ""

    def banner_click(self, action: str, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for node in self.page.banner_nodes():
                if _attrs(node).get("data-action") == action and "sharedId" in node:
                    self.page.click_node(node["sharedId"])
                    return
            time.sleep(0.05)
        raise AssertionError(f"no banner control data-action={action}")
