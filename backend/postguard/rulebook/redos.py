"""ReDoS analysis with recheck (npm), which proves a pattern linear or finds an
attack string that makes a backtracking engine super-linear.

recheck runs in node. Its fuzzer normally stops on wall-clock limits, which makes
the verdict depend on how busy the machine is; here it stops on step limits and a
fixed random seed instead, so the same pattern always gets the same verdict.
Definitive verdicts (safe, vulnerable) are cached per user, keyed by the recheck
version, these parameters, the pattern and its flags.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

RECHECK_VERSION = "4.5.0"
NODE_SCRIPT = Path(__file__).with_name("recheck_patterns.mjs")
# The repository beside an editable install (backend/postguard/rulebook/ -> repo).
_EDITABLE_REPO = Path(__file__).resolve().parents[3]

# What recheck decides with. Vulnerable means: some input of at most 20,000
# characters makes the matcher read over 2,000,000 (100 per input character).
PARAMS = {
    "randomSeed": 7,
    "incubationTimeout": None,
    "attackTimeout": None,
    "seedingTimeout": None,
    "attackLimit": 2_000_000,
    "maxAttackStringSize": 20_000,
}
# Wall clock per pattern; only a busy machine or a pattern too complex to analyse
# reaches it. The verdict is then "unknown", which is never cached.
TIMEOUT_MS = 300_000
_DEFINITIVE = ("safe", "vulnerable")


class AnalyserUnavailable(Exception):
    """node or recheck is missing; ``str()`` is one line saying what to install."""


@dataclass(frozen=True)
class Verdict:
    status: str  # safe | vulnerable | unknown
    complexity: str = ""  # vulnerable: exponential | polynomial
    degree: int | None = None
    checker: str = ""  # automaton | fuzz
    attack_length: int = 0
    error: str = ""

    def problem(self) -> str | None:
        """The error text for a pattern with this verdict, or None when safe."""
        if self.status == "safe":
            return None
        if self.status == "vulnerable":
            how = (
                f"polynomial (degree {self.degree})"
                if self.complexity == "polynomial"
                else self.complexity
            )
            method = " by fuzzing" if self.checker == "fuzz" else ""
            return (
                f"ReDoS: recheck finds {how} backtracking{method}, with an attack "
                f"string of {self.attack_length:,} characters; make it linear "
                "(bound the quantifiers, start at a fixed character)"
            )
        return (
            f"could not be proven safe by recheck ({self.error or 'no verdict'}); "
            "simplify it"
        )

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None, 0)}


@dataclass(frozen=True)
class Recheck:
    """Where node and the recheck package are."""

    node: str
    package: Path


def locate(rules_dir: Path, cwd: Path | None = None) -> Recheck:
    """node on PATH and node_modules/recheck above the rules directory, above the
    working directory, or in the repository beside an editable install."""
    node = shutil.which("node")
    if node is None:
        raise AnalyserUnavailable(
            "node not found: install Node.js (20 or later) for the JS checks and "
            "the ReDoS analyser, or pass --no-node to skip them"
        )
    scripts = [NODE_SCRIPT, NODE_SCRIPT.with_name("check_patterns.mjs")]
    if missing := [s.name for s in scripts if not s.is_file()]:
        raise AnalyserUnavailable(
            f"this postguard install lacks {', '.join(missing)} (package data): "
            "reinstall it, or pass --no-node"
        )
    starts = [Path(rules_dir).resolve(), (cwd or Path.cwd()).resolve()]
    for base in [p for s in starts for p in (s, *s.parents)] + [_EDITABLE_REPO]:
        package = base / "node_modules" / "recheck"
        if (package / "package.json").is_file():
            version = _package_version(package)
            if version != RECHECK_VERSION:
                raise AnalyserUnavailable(
                    f"{package} is recheck {version}, validate needs "
                    f"{RECHECK_VERSION}: run `npm ci` in the repository"
                )
            return Recheck(node, package)
    raise AnalyserUnavailable(
        f"the ReDoS analyser recheck {RECHECK_VERSION} (npm) was not found in a "
        "node_modules/ above the rules or the working directory: run `npm ci` in "
        f"the repository (or `npm install recheck@{RECHECK_VERSION}` there), or "
        "pass --no-node to skip the JS checks"
    )


def _package_version(package: Path) -> str:
    try:
        return json.loads((package / "package.json").read_text("utf-8"))["version"]
    except (OSError, ValueError, KeyError, TypeError):
        return "unknown"


def cache_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return root / "postguard" / "redos-cache.json"


def cache_key(pattern: str, flags: str) -> str:
    material = json.dumps([RECHECK_VERSION, PARAMS, pattern, flags], sort_keys=True)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _read_cache(path: Path) -> dict[str, dict]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    results = data.get("results") if isinstance(data, dict) else None
    return results if isinstance(results, dict) else {}


def _cached_verdict(entry) -> Verdict | None:
    try:
        verdict = Verdict(**entry)
    except TypeError:  # missing, or written by another version of this code
        return None
    return verdict if verdict.status in _DEFINITIVE else None


def _write_cache(path: Path, fresh: dict[str, dict]) -> None:
    """Merge into what is there now (another run may have added entries)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        results = {**_read_cache(path), **fresh}
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".redos-cache.")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"format": 1, "results": results}, out, sort_keys=True)
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written only costs time


class Analysis:
    """recheck running in the background over the patterns not in the cache;
    ``verdicts()`` waits for it."""

    def __init__(self, recheck: Recheck, patterns: list[tuple[str, str]]) -> None:
        self.cache = cache_path()
        cached = _read_cache(self.cache)
        self.keys = {(p, f): cache_key(p, f) for p, f in patterns}
        self.known = {
            k: v for k in self.keys.values() if (v := _cached_verdict(cached.get(k)))
        }
        todo = {k: pf for pf, k in self.keys.items() if k not in self.known}
        self.analysed = len(todo)
        self._lines: list[dict] = []
        self._failure = ""
        self._thread = None
        if todo:
            entries = [
                {"key": k, "pattern": p, "flags": f} for k, (p, f) in todo.items()
            ]
            request = {
                "recheck": str(recheck.package),
                "params": {**PARAMS, "timeout": TIMEOUT_MS},
            }
            self._thread = threading.Thread(
                target=self._run, args=(recheck.node, request, entries), daemon=True
            )
            self._thread.start()

    def _run(self, node: str, request: dict, entries: list[dict]) -> None:
        """recheck over ``entries``; again over those left unanswered when its
        native agent died mid-run (node exits 13, a check never settling), as
        long as each run answers some."""
        while entries:
            proc = subprocess.run(
                [node, str(NODE_SCRIPT)],
                input=json.dumps({**request, "entries": entries}),
                capture_output=True,
                text=True,
                encoding="utf-8",
                check=False,
            )
            answered = set()
            for line in proc.stdout.splitlines():
                try:
                    parsed = json.loads(line)
                except ValueError:
                    continue
                self._lines.append(parsed)
                answered.add(parsed.get("key"))
            entries = [e for e in entries if e["key"] not in answered]
            if proc.returncode == 0 or not entries:
                self._failure = ""
                return
            last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
            self._failure = f"recheck exited with status {proc.returncode}: {last}"
            if not answered:
                return

    def verdicts(self) -> dict[tuple[str, str], Verdict]:
        if self._thread is not None:
            self._thread.join()
        fresh: dict[str, Verdict] = {}
        for line in self._lines:
            fresh[line["key"]] = Verdict(
                status=line.get("status", "unknown"),
                complexity=line.get("complexity") or "",
                degree=line.get("degree"),
                checker=line.get("checker") or "",
                attack_length=line.get("attackLength") or 0,
                error=line.get("error") or "",
            )
        definitive = {k: v for k, v in fresh.items() if v.status in _DEFINITIVE}
        if definitive:
            _write_cache(self.cache, {k: v.to_json() for k, v in definitive.items()})
        missing = Verdict("unknown", error=self._failure or "no answer")
        every = {**self.known, **fresh}
        return {pf: every.get(k, missing) for pf, k in self.keys.items()}
