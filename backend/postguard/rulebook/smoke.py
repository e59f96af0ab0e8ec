"""Dynamic checks: does each pattern compile in node, and does it stay fast on
adversarial input in both runtimes?

Adversarial strings repeat each character the pattern mentions a few thousand
times and end with a character that makes the match fail: the input that drives a
backtracking engine into exponential time.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from pathlib import Path

import regex

from postguard.engine.ruleset import compile_pattern

NODE_SCRIPT = Path(__file__).with_name("check_patterns.mjs")
SMOKE_LENGTH = 3000
PY_LIMIT_S = 0.25
NODE_LIMIT_S = 2.0
_LITERALS = regex.compile(r"\\u([0-9A-Fa-f]{4})|\\(.)|([^\\\[\]()?*+{}|^$])")


def adversarial_inputs(pattern: str, samples: list[str]) -> list[str]:
    chars: list[str] = []
    for m in _LITERALS.finditer(pattern):
        char = chr(int(m.group(1), 16)) if m.group(1) else m.group(2) or m.group(3)
        if char in "dwsDWS" and m.group(2):
            char = {"d": "1", "w": "a", "s": " "}.get(char.lower(), "a")
        if char not in chars:
            chars.append(char)
    chars = chars[:24] or ["a"]
    inputs = [c * SMOKE_LENGTH + "\u0000!" for c in chars]
    inputs.append("".join(chars) * (SMOKE_LENGTH // len(chars)) + "\u0000!")
    inputs.extend(s * max(1, SMOKE_LENGTH // max(1, len(s))) for s in samples[:3])
    return inputs


def python_smoke(pattern: str, flags: str, inputs: list[str]) -> str | None:
    # Only a hard limit fails: linear patterns take well under a millisecond per
    # input, so a loaded machine cannot turn a good rule into a failure.
    compiled = compile_pattern(pattern, flags)
    try:
        for text in inputs:
            for _ in compiled.finditer(text, timeout=PY_LIMIT_S):
                pass
    except TimeoutError:
        return f"ReDoS: over {PY_LIMIT_S * 1000:.0f} ms on adversarial input in Python"
    return None


def node_check(entries: list[dict]) -> dict[str, str]:
    """Compile and smoke-run every entry in node; returns id -> problem."""
    node = shutil.which("node")
    if node is None:
        return {e["id"]: "node not found: cannot check JS portability" for e in entries}
    problems: dict[str, str] = {}
    pending = list(entries)
    while pending:
        last_started, finished = _run_node(node, pending, problems)
        if finished:
            break
        if last_started is None:
            for entry in pending:
                problems.setdefault(entry["id"], "node exited before checking it")
            break
        problems[last_started] = (
            f"ReDoS: over {NODE_LIMIT_S:.0f} s on adversarial input in JS (node)"
        )
        index = next(i for i, e in enumerate(pending) if e["id"] == last_started)
        pending = pending[index + 1 :]
    return problems


def _run_node(node: str, entries: list[dict], problems: dict[str, str]):
    proc = subprocess.Popen(
        [node, str(NODE_SCRIPT)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    proc.stdin.write(json.dumps(entries))
    proc.stdin.close()
    state = {"started": None, "last_line": time.monotonic()}
    lines: list[dict] = []

    def read() -> None:
        for line in proc.stdout:
            lines.append(json.loads(line))
            state["last_line"] = time.monotonic()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    while reader.is_alive():
        reader.join(0.05)
        if time.monotonic() - state["last_line"] > NODE_LIMIT_S:
            proc.kill()
            reader.join()
            break
    proc.wait()
    proc.stdout.close()
    started = None
    for line in lines:
        if line["phase"] == "start":
            started = line["id"]
        elif line["phase"] == "error":
            problems[line["id"]] = f"does not compile in JS: {line['error']}"
            started = None
        elif line["phase"] == "done":
            started = None
    return started, started is None and proc.returncode == 0
