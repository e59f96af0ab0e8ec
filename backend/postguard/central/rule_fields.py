"""Attach each ``rules validate`` error to the field of the rule it is about.

The rulebook reports an error as one line, "<label>: <reason>", where the label
names the part of the rule (``schema: at examples/match/0: ...``, ``pattern:``,
``allow pattern 2:``, an example's ``why``). This reads the label back into a
JSON pointer into the rule and, from the YAML's own nodes, the line it starts
on, so a page can show the error beside the field. The reason stays the
rulebook's wording, so the console and the CLI say the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml


@dataclass(frozen=True)
class FieldError:
    pointer: str | None  # "" is the whole rule; None: not about this rule
    line: int | None  # 1-based, where the YAML gives one
    message: str

    def to_dict(self) -> dict:
        return {"pointer": self.pointer, "line": self.line, "message": self.message}


_SCHEMA_AT = re.compile(r"schema: at (?P<path>[^ ]+): ")
_ALLOW_PATTERN = re.compile(r"allow pattern (?P<n>[0-9]+): ")
# Example failures (rulebook/examples.py) end with ": <why>"; "should not match"
# is the only one about a no_match example.
_EXAMPLE = re.compile(r"example (should|matched|found|is found)")


def escape(part: object) -> str:
    """One JSON pointer reference token (RFC 6901)."""
    return str(part).replace("~", "~0").replace("/", "~1")


def pointer_of(parts: list) -> str:
    return "".join(f"/{escape(p)}" for p in parts)


def _example_pointer(reason: str, data: dict) -> str:
    which = "no_match" if "should not match" in reason else "match"
    examples = ((data.get("examples") or {}).get(which)) or []
    hits = [
        n
        for n, example in enumerate(examples)
        if isinstance(example, dict) and reason.endswith(f": {example.get('why')}")
    ]
    # Two examples with the same why cannot be told apart: point at the list.
    return pointer_of(
        ["examples", which, *hits[:1]] if len(hits) == 1 else ["examples", which]
    )


def pointer_for(reason: str, data: object) -> str:
    """The pointer into ``data`` (the parsed rule) that ``reason`` is about."""
    rule = data if isinstance(data, dict) else {}
    if found := _SCHEMA_AT.match(reason):
        return pointer_of(found["path"].split("/"))
    if found := _ALLOW_PATTERN.match(reason):
        return pointer_of(["allow", "patterns", int(found["n"]) - 1, "pattern"])
    if _EXAMPLE.match(reason):
        return _example_pointer(reason, rule)
    prefixes = {
        "pattern:": "/terms" if "terms" in rule else "/pattern",
        "gate:": "/gate",
        "escalate pattern:": "/escalate",
        "context words pattern:": "/context/words",
        "id ": "/id",
        "duplicate id": "/id",
        "file must sit in": "/category",
    }
    for prefix, pointer in prefixes.items():
        if reason.startswith(prefix):
            return pointer
    return ""


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def line_of(root: yaml.Node | None, pointer: str) -> int | None:
    """1-based line of the entry at ``pointer`` (or of its deepest existing
    parent): a key's own line, where an author looks."""
    if root is None:
        return None
    node, line = root, root.start_mark.line
    for token in [_unescape(t) for t in pointer.split("/")[1:]]:
        if isinstance(node, yaml.MappingNode):
            pairs = [(k, v) for k, v in node.value if k.value == token]
            if not pairs:
                break
            key, node = pairs[0]
            line = key.start_mark.line
        elif isinstance(node, yaml.SequenceNode) and token.isdigit():
            if int(token) >= len(node.value):
                break
            node = node.value[int(token)]
            line = node.start_mark.line
        else:
            break
    return line + 1


def field_error(reason: str, data: object, root: yaml.Node | None) -> FieldError:
    pointer = pointer_for(reason, data)
    return FieldError(pointer, line_of(root, pointer), reason)
