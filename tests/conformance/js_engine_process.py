"""The JS engine (and other JS twins) in a node subprocess, for the Python
conformance tests.

One ``node <driver>.mjs`` process answers JSON-line requests in order, so a test
run pays node's start-up once however many cases it compares. Each answer is
``{"result": ...}`` or ``{"error": "..."}``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("js_scan_driver.mjs")
BUNDLE = REPO / "extension" / "rules" / "ruleset.json"


class JsEngineError(RuntimeError):
    pass


class NodeDriver:
    """A JSON-lines driver script under node: one request in, one answer out."""

    def __init__(self, driver: Path) -> None:
        node = shutil.which("node")
        if node is None:
            raise JsEngineError("node is not on PATH; the conformance tests need it")
        self.proc = subprocess.Popen(
            [node, str(driver)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            cwd=REPO,
        )

    def request(self, payload: dict):
        # ensure_ascii keeps lone surrogates and odd characters intact on the pipe
        self.proc.stdin.write(json.dumps(payload) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise JsEngineError(f"node driver exited with {self.proc.wait()}")
        answer = json.loads(line)
        if "error" in answer:
            raise JsEngineError(answer["error"])
        return answer["result"]

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()


class JsEngineProcess(NodeDriver):
    """The JS engine (js_scan_driver.mjs)."""

    def __init__(self) -> None:
        super().__init__(DRIVER)

    def call(self, op: str, **fields):
        return self.request({"op": op, **fields})

    def scan(
        self,
        text: str,
        *,
        only=None,
        bundle: Path = BUNDLE,
        budget_ms=None,
        term_keys: dict[str, str] | None = None,
    ) -> dict:
        only = sorted(only) if only is not None else None
        return self.call(
            "scan",
            bundle=str(bundle),
            text=text,
            only=only,
            budget_ms=budget_ms,
            term_keys=term_keys,
        )
