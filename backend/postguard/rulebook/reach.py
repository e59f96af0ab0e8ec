"""How far from its start a pattern's match can read, for the anchored scan.

The engine runs a rule's pattern only near its anchors (keyword hits or long
digit runs), never over the whole text. That is exact when it knows, per rule:

- ``behind``: how many characters before the match start the pattern may read
  (its lookbehinds), and ``ahead``: how many from the start on (the longest match
  plus what its lookaheads read after it). ``ahead`` is None when unbounded;
- ``keyword_first``: every match begins with one of the rule's keywords, so the
  pattern need only be tried where a keyword starts.

The build computes these once from the pattern (the portable subset, see
lint.py) and writes them into the bundle, so both runtimes use the same figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from dataclasses import field

from postguard.engine.anchors import lower_keeping_offsets

INF = math.inf
# Prefix sets stay small: a class wider than this, or more strings, ends the prefix.
_MAX_CLASS = 8
_MAX_PREFIXES = 64
_MAX_PREFIX_LENGTH = 16


@dataclass(frozen=True)
class Extent:
    """Widths and reads of a piece of pattern, relative to where it starts."""

    wmin: float
    wmax: float
    behind: float = 0
    ahead: float = 0


@dataclass
class _Node:
    kind: str  # char, class, seq, alt, look, group, repeat, backref
    children: list[_Node] = field(default_factory=list)
    chars: frozenset[str] | None = None  # char/class: members when few and known
    behind_look: bool = False
    low: int = 1
    high: float = 1
    ref: str = ""


def _lower(char: str) -> str:
    """A character as the keyword pass sees it (anchors.lower_keeping_offsets):
    prefixes are compared to keywords in lower case, whatever the flags."""
    return lower_keeping_offsets(char)


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.i = 0
        self.groups: dict[str, _Node] = {}
        self.count = 0
        self.open_groups: set[str] = set()

    def parse(self) -> _Node:
        node = self._alternation()
        if self.i != len(self.pattern):
            raise ValueError(f"unbalanced ')' at offset {self.i}")
        return node

    def _alternation(self) -> _Node:
        branches = [self._sequence()]
        while self._peek() == "|":
            self.i += 1
            branches.append(self._sequence())
        return branches[0] if len(branches) == 1 else _Node("alt", branches)

    def _sequence(self) -> _Node:
        items: list[_Node] = []
        while self.i < len(self.pattern) and self._peek() not in "|)":
            items.append(self._quantified(self._atom()))
        return _Node("seq", items)

    def _peek(self) -> str:
        return self.pattern[self.i] if self.i < len(self.pattern) else ""

    def _quantified(self, atom: _Node) -> _Node:
        char = self._peek()
        bounds = self._brace() if char == "{" else None
        if char in ("*", "+", "?"):
            self.i += 1
            low, high = {"*": (0, INF), "+": (1, INF), "?": (0, 1)}[char]
        elif bounds is not None:
            low, high = bounds
        else:
            return atom
        if self._peek() == "?":
            self.i += 1  # lazy
        return _Node("repeat", [atom], low=low, high=high)

    def _brace(self) -> tuple[int, float] | None:
        close = self.pattern.find("}", self.i)
        if close < 0:
            return None
        parts = self.pattern[self.i + 1 : close].split(",")
        if not parts[0].isdigit() or len(parts) > 2:
            return None
        if len(parts) == 2 and parts[1] and not parts[1].isdigit():
            return None
        self.i = close + 1
        low = int(parts[0])
        if len(parts) == 1:
            return low, low
        return low, (INF if parts[1] == "" else int(parts[1]))

    def _atom(self) -> _Node:
        char = self.pattern[self.i]
        if char == "(":
            return self._group()
        if char == "[":
            return self._class()
        if char == "\\":
            return self._escape()
        self.i += 1
        return self._char(char)

    def _char(self, char: str) -> _Node:
        return _Node("char", chars=frozenset({_lower(char)}))

    def _backref(self, ref: str) -> _Node:
        if ref in self.open_groups:
            raise ValueError(f"backreference to group {ref} inside that group")
        return _Node("backref", ref=ref)

    def _escape(self) -> _Node:
        nxt = self.pattern[self.i + 1]
        if nxt.isdigit() and nxt != "0":
            self.i += 2
            return self._backref(nxt)
        if nxt == "k":
            close = self.pattern.index(">", self.i)
            ref = self.pattern[self.i + 3 : close]
            self.i = close + 1
            return self._backref(ref)
        start = self.i
        self.i += 2
        if nxt in "pP" and self._peek() == "{":
            self.i = self.pattern.index("}", self.i) + 1
            return _Node("class")
        if nxt in "xu":
            self.i += 2 if nxt == "x" else 4
            return self._char(chr(int(self.pattern[start + 2 : self.i], 16)))
        simple = {"n": "\n", "r": "\r", "t": "\t", "f": "\f", "v": "\v", "0": "\0"}
        return self._char(simple.get(nxt, nxt))

    def _class(self) -> _Node:
        self.i += 1
        negated = self._peek() == "^"
        if negated:
            self.i += 1
        members: set[str] = set()
        known = not negated
        first = True
        while self.i < len(self.pattern):
            char = self.pattern[self.i]
            if char == "]" and not first:
                break
            first = False
            if char == "\\":
                node = self._escape()
                if node.chars is None:
                    known = False
                else:
                    members |= node.chars
                continue
            self.i += 1
            if self._peek() == "-" and self.pattern[self.i + 1 : self.i + 2] not in (
                "]",
                "",
            ):
                high = self.pattern[self.i + 1]
                self.i += 2
                if ord(high) - ord(char) >= _MAX_CLASS:
                    known = False
                else:
                    members |= {chr(c) for c in range(ord(char), ord(high) + 1)}
                continue
            members.add(char)
        self.i += 1
        lowered = {_lower(m) for m in members}
        if not known or len(lowered) > _MAX_CLASS:
            return _Node("class")
        return _Node("class", chars=frozenset(lowered))

    def _group(self) -> _Node:
        rest = self.pattern[self.i :]
        # Positive or negative, a lookaround reads the same characters.
        for prefix, behind in (
            ("(?=", False),
            ("(?!", False),
            ("(?<=", True),
            ("(?<!", True),
        ):
            if rest.startswith(prefix):
                self.i += len(prefix)
                inner = self._close()
                return _Node("look", [inner], behind_look=behind)
        name = ""
        capturing = not rest.startswith("(?:")
        if not capturing:
            self.i += 3
        elif rest.startswith("(?<"):
            close = self.pattern.index(">", self.i)
            name = self.pattern[self.i + 3 : close]
            self.i = close + 1
        else:
            self.i += 1
        keys: set[str] = set()
        if capturing:
            self.count += 1
            keys = {str(self.count), name} - {""}
        self.open_groups |= keys
        node = _Node("group", [self._close()])
        self.open_groups -= keys
        for key in keys:
            self.groups[key] = node
        return node

    def _close(self) -> _Node:
        inner = self._alternation()
        if self._peek() != ")":
            raise ValueError("unclosed group")
        self.i += 1
        return inner


def _extent(node: _Node, groups: dict[str, _Node]) -> Extent:
    kind = node.kind
    if kind in ("char", "class"):
        return Extent(1, 1, 0, 1)
    if kind == "group":
        return _extent(node.children[0], groups)
    if kind == "backref":
        inner = _extent(groups[node.ref], groups)
        return Extent(inner.wmin, inner.wmax, 0, inner.wmax)
    if kind == "alt":
        parts = [_extent(child, groups) for child in node.children]
        return Extent(
            min(p.wmin for p in parts),
            max(p.wmax for p in parts),
            max(p.behind for p in parts),
            max(p.ahead for p in parts),
        )
    if kind == "look":
        inner = _extent(node.children[0], groups)
        if node.behind_look:
            # The lookbehind's text ends here and starts wmin..wmax back.
            return Extent(
                0, 0, inner.wmax + inner.behind, max(0, inner.ahead - inner.wmin)
            )
        return Extent(0, 0, inner.behind, inner.ahead)
    if kind == "repeat":
        inner = _extent(node.children[0], groups)
        if node.high == 0:
            return Extent(0, 0)
        wmax = node.high * inner.wmax if inner.wmax else 0
        ahead = (
            (node.high - 1) * inner.wmax + inner.ahead if inner.wmax else inner.ahead
        )
        return Extent(node.low * inner.wmin, wmax, inner.behind, ahead)
    # A sequence: each item starts wmin..wmax after the sequence does.
    lo = hi = 0.0
    behind = ahead = 0.0
    for child in node.children:
        part = _extent(child, groups)
        behind = max(behind, part.behind - lo)
        ahead = max(ahead, hi + part.ahead)
        lo += part.wmin
        hi += part.wmax
    return Extent(lo, hi, behind, max(ahead, hi))


def _prefixes(node: _Node) -> set[str] | None:
    """Strings one of which every match begins with (possibly short), or None."""
    kind = node.kind
    if kind in ("char", "class"):
        return set(node.chars) if node.chars else None
    if kind == "group":
        return _prefixes(node.children[0])
    if kind == "alt":
        found: set[str] = set()
        for child in node.children:
            part = _prefixes(child)
            if part is None:
                return None
            found |= part
        return found if len(found) <= _MAX_PREFIXES else None
    if kind == "repeat" and node.low >= 1:
        return _prefixes(node.children[0])
    if kind != "seq":
        return None
    found = {""}
    for child in node.children:
        if child.kind == "look" and found == {""}:
            continue  # a leading assertion reads, but matches nothing
        part = _prefixes(child)
        if part is None:
            break
        grown = {a + b for a in found for b in part}
        if len(grown) > _MAX_PREFIXES or max(map(len, grown)) > _MAX_PREFIX_LENGTH:
            break
        found = grown
        if child.kind == "repeat":
            break  # only its first pass is known to come first
    return None if found == {""} else found


@dataclass(frozen=True)
class Reach:
    behind: int | None
    ahead: int | None
    keyword_first: bool
    min_width: int

    def to_bundle(self) -> dict:
        return {
            "behind": self.behind,
            "ahead": self.ahead,
            "keyword_first": self.keyword_first,
        }


def reach_of(pattern: str, flags: str, keywords: list[str]) -> Reach:
    parser = _Parser(pattern)
    tree = parser.parse()
    extent = _extent(tree, parser.groups)
    prefixes = _prefixes(tree)
    lowered = [k.lower() for k in keywords]
    keyword_first = (
        bool(keywords)
        and prefixes is not None
        and all(any(p.startswith(k) for k in lowered) for p in prefixes)
    )
    return Reach(
        behind=None if extent.behind == INF else int(extent.behind),
        ahead=None if extent.ahead == INF else int(extent.ahead),
        keyword_first=keyword_first,
        min_width=int(extent.wmin),
    )
