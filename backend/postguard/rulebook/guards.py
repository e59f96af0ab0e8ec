"""shared_rules/guards.yaml as the bundle's ``guards``: checked, word lists compiled.

Each word list (and its hand-written ``patterns``) becomes one ``pattern`` both
engines run without flags (engine/guards/words.py), so they match alike.
"""

from __future__ import annotations

import json
from pathlib import Path

import regex
import yaml
from jsonschema import Draft202012Validator

from postguard.engine.guards.words import words_pattern


class GuardsError(ValueError):
    """guards.yaml cannot be built; the message names the file and place."""


def _compiled(entry: dict) -> dict:
    words = sorted({w.strip().lower() for w in entry["words"]})
    out = {"words": words, "pattern": words_pattern(words, entry.get("patterns", ()))}
    regex.compile(out["pattern"])  # a broken hand-written pattern stops the build
    return out


def compile_guards(root: Path) -> dict:
    """The ``guards`` section from ``root`` (shared_rules/)."""
    path = root / "guards.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    schema = json.loads((root / "schema" / "guards.schema.json").read_text())
    errors = sorted(
        Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.path)
    )
    if errors:
        place = "/".join(str(p) for p in errors[0].absolute_path) or "(top level)"
        raise GuardsError(f"{path.name}: at {place}: {errors[0].message}")
    bounds = data["handles"]["max_distance"]
    if min(b["min_length"] for b in bounds) != 0:
        raise GuardsError(f"{path.name}: handles.max_distance needs min_length 0")
    out = dict(data)
    try:
        out["endorsement"] = _compiled(data["endorsement"])
        out["financial"] = _compiled(data["financial"])
    except regex.error as exc:
        raise GuardsError(f"{path.name}: a pattern does not compile: {exc}") from None
    disclosure = dict(data["disclosure"])
    disclosure["words"] = sorted({w.strip() for w in disclosure["words"]})
    out["disclosure"] = disclosure
    return out
