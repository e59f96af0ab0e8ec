"""Load rule sources (one YAML file per rule) and check them against the schema."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from postguard.engine.hashed_terms import TEMPLATE as HASHED_TEMPLATE
from postguard.engine.org import ORG_KEYS


@dataclass(frozen=True)
class RuleError:
    """One problem with one rule file; ``str()`` names the file and the reason."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True)
class RuleSource:
    path: Path
    data: dict


def unknown_word_lists(names: list[str], shared: dict) -> list[str]:
    """A problem for each ``context.lists`` entry bundle.yaml's ``context_words``
    lacks."""
    known = ", ".join(sorted(shared)) or "none"
    return [
        f"context: lists: no shared word list {name!r} in bundle.yaml"
        f" context_words (known: {known})"
        for name in names
        if name not in shared
    ]


class RuleTree:
    """A ``shared_rules/`` directory: bundle settings, global allowlist, rules."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.rules_dir = self.root / "rules"
        schema = json.loads((self.root / "schema" / "rule.schema.json").read_text())
        self.validator = Draft202012Validator(schema)
        org_rule = {"$ref": "#/$defs/org_rule", "$defs": schema.get("$defs", {})}
        self.org_validator = Draft202012Validator(org_rule)

    def relative(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def settings(self) -> dict:
        return yaml.safe_load((self.root / "bundle.yaml").read_text(encoding="utf-8"))

    def global_allow(self) -> dict:
        path = self.root / "allow" / "global.yaml"
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}

    def rule_files(self) -> list[Path]:
        return sorted(self.rules_dir.glob("*/*.yaml"))

    def load(self) -> tuple[list[RuleSource], list[RuleError]]:
        sources, errors, seen = [], [], {}
        for path in self.rule_files():
            name = self.relative(path)
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                errors.append(RuleError(name, f"not valid YAML: {exc}"))
                continue
            problems = self.schema_errors(data)
            if not problems and data["id"] != path.stem:
                problems.append(f"id {data['id']!r} must equal the file name")
            if not problems and path.parent.name != data["category"]:
                problems.append(f"file must sit in rules/{data['category']}/")
            if not problems:
                problems += self._list_problems(data)
            if not problems and data["id"] in seen:
                problems.append(f"duplicate id, also in {seen[data['id']]}")
            if problems:
                errors.extend(RuleError(name, p) for p in problems)
                continue
            seen[data["id"]] = name
            sources.append(RuleSource(path, data))
        return sources, errors

    def _list_problems(self, data: dict) -> list[str]:
        names = (data.get("context") or {}).get("lists") or []
        if not names:
            return []
        return unknown_word_lists(names, self.settings().get("context_words") or {})

    def schema_errors(self, data) -> list[str]:
        if not isinstance(data, dict):
            return ["schema: a rule file must hold one mapping"]
        found = sorted(self.validator.iter_errors(data), key=lambda e: list(e.path))
        return [f"schema: {_where(e)}{e.message}" for e in found]

    def org_rule_errors(self, key: str, data) -> list[str]:
        """Problems with one bundle.yaml ``org_rules`` template."""
        known = (*ORG_KEYS, HASHED_TEMPLATE)
        if key not in known:
            return [f"unknown list {key!r}; known: {', '.join(known)}"]
        if not isinstance(data, dict):
            return ["schema: a template must be a mapping"]
        found = sorted(self.org_validator.iter_errors(data), key=lambda e: list(e.path))
        return [f"schema: {_where(e)}{e.message}" for e in found]


def _where(error) -> str:
    path = "/".join(str(p) for p in error.absolute_path)
    return f"at {path}: " if path else ""
