"""Static checks: the portable regex subset, and nested quantifiers (ReDoS).

Python ``regex`` and JS ``RegExp`` (with the ``u`` flag) read the subset alike.
Outside it they differ silently: ``\\d``/``\\w``/``\\b`` are Unicode in Python and
ASCII in JS, ``.`` and ``$`` treat line ends differently, and JS rejects inline
flags, possessive quantifiers and atomic groups.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

_NOT_PORTABLE_ESCAPES = {
    **dict.fromkeys(
        "dDwWbBsS",
        "Unicode in Python but ASCII in JS; write an explicit "
        "class such as [0-9] or [A-Za-z0-9_]",
    ),
    **dict.fromkeys("AZzGK", "has no JS equivalent"),
    "U": "has no JS equivalent; use \\uXXXX",
    "h": "has no JS equivalent",
    "R": "has no JS equivalent",
}
_SYNTAX_CHARS = set("^$\\.*+?()[]{}|/")
_KNOWN_LETTER_ESCAPES = set("nrtfv0xucpPk") | set("123456789")


@dataclass
class _Group:
    """Per group: does it repeat without bound, and must every branch consume a
    fixed piece (a separator) on each pass? Only then is repeating it safe."""

    has_unbounded: bool = False
    atoms: int = 0
    variable: int = 0
    all_branches_fixed: bool = True

    def end_branch(self) -> None:
        self.all_branches_fixed &= self.atoms > self.variable
        self.atoms = self.variable = 0

    @property
    def ambiguous(self) -> bool:
        return self.has_unbounded and not self.all_branches_fixed


@dataclass
class _State:
    problems: list[str] = field(default_factory=list)
    stack: list[_Group] = field(default_factory=lambda: [_Group()])
    # What the next quantifier applies to: None, "atom", or the closed group.
    last: object = None


def _quantifier_at(pattern: str, i: int) -> tuple[int, bool] | None:
    """Length and unboundedness of a quantifier starting at ``i``, if any."""
    char = pattern[i]
    if char in "*+":
        return 1, True
    if char == "?":
        return 1, False
    if char == "{":
        close = pattern.find("}", i)
        body = pattern[i + 1 : close] if close > 0 else ""
        parts = body.split(",")
        if (
            close > 0
            and 1 <= len(parts) <= 2
            and parts[0].isdigit()
            and (len(parts) == 1 or parts[1] == "" or parts[1].isdigit())
        ):
            unbounded = len(parts) == 2 and (parts[1] == "" or int(parts[1]) > 100)
            return close - i + 1, unbounded
    return None


def lint_pattern(pattern: str, flags: str = "") -> list[str]:
    """Problems with ``pattern``; empty when it is portable and has no nesting."""
    state = _State()
    i, in_class = 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i = _escape(pattern, i, in_class, state)
            if not in_class:
                state.stack[-1].atoms += 1
                state.last = "atom"
            continue
        if in_class:
            if pattern.startswith("[:", i):
                state.problems.append("POSIX class [:...:] is not portable")
            in_class = char != "]"
            i += 1
            continue
        quant = _quantifier_at(pattern, i)
        if quant is not None:
            i = _quantify(pattern, i, quant, state)
            continue
        if char == "[":
            in_class = True
            state.stack[-1].atoms += 1
            if pattern.startswith("[^]", i) or pattern.startswith("[]", i):
                state.problems.append("empty class [] / [^] is not portable")
            state.last = "atom"
            i += 1 if not pattern.startswith("[^", i) else 2
            if i < len(pattern) and pattern[i] == "]":
                i += 1  # a leading ] is literal
            continue
        if char == "(":
            i = _open_group(pattern, i, state)
            continue
        if char == ")":
            closed = state.stack.pop() if len(state.stack) > 1 else _Group()
            closed.end_branch()
            parent = state.stack[-1]
            parent.has_unbounded |= closed.has_unbounded
            parent.atoms += 1
            if not closed.all_branches_fixed:
                parent.variable += 1
            state.last = closed
        elif char == "." and "s" not in flags:
            state.problems.append(
                "'.' differs across runtimes (JS also stops at \\r, U+2028, U+2029): "
                "write [^\\n] or set the s flag"
            )
            state.stack[-1].atoms += 1
            state.last = "atom"
        elif char in "^$":
            state.problems.append(
                f"anchor '{char}' differs across runtimes (Python's $ also matches "
                "before a final newline): use lookarounds such as (?<![^\\n])"
            )
            state.last = None
        elif char == "|":
            state.stack[-1].end_branch()
            state.last = None
        else:
            state.stack[-1].atoms += 1
            state.last = "atom"
        i += 1
    return state.problems


def _escape(pattern: str, i: int, in_class: bool, state: _State) -> int:
    nxt = pattern[i + 1 : i + 2]
    if nxt in _NOT_PORTABLE_ESCAPES:
        state.problems.append(f"\\{nxt} {_NOT_PORTABLE_ESCAPES[nxt]}")
    elif nxt.isalnum() and nxt not in _KNOWN_LETTER_ESCAPES:
        state.problems.append(f"unknown escape \\{nxt}")
    elif nxt in ("x", "u") and pattern[i + 2 : i + 3] == "{":
        state.problems.append(f"\\{nxt}{{...}} is not portable; use \\uXXXX")
    elif (
        not nxt.isalnum() and nxt not in _SYNTAX_CHARS and not (in_class and nxt == "-")
    ):
        state.problems.append(
            f"escaping {nxt!r} is an error in JS unicode mode; write it unescaped"
        )
    return i + 2


def _open_group(pattern: str, i: int, state: _State) -> int:
    head = pattern[i : i + 4]
    if head.startswith("(?"):
        kind = pattern[i + 2 : i + 3]
        if head.startswith("(?P"):
            state.problems.append("(?P...) groups are Python-only: use (?<name>...)")
        elif kind == ">":
            state.problems.append("atomic groups (?>...) are not portable")
        elif kind in ("#", "|"):
            state.problems.append(f"(?{kind}...) is not portable")
        elif kind.isalpha() or kind == "-":
            state.problems.append(
                "inline flags such as (?i) are not portable: put them in `flags`"
            )
    state.stack.append(_Group())
    state.last = None
    return i + _group_prefix_length(pattern, i)


def _group_prefix_length(pattern: str, i: int) -> int:
    """Length of ``(``, ``(?:``, ``(?=``, ``(?<!``, ``(?<name>`` and the like."""
    if pattern[i + 1 : i + 2] != "?":
        return 1
    for prefix in ("(?<=", "(?<!", "(?:", "(?=", "(?!"):
        if pattern.startswith(prefix, i):
            return len(prefix)
    if pattern.startswith("(?<", i) or pattern.startswith("(?P<", i):
        close = pattern.find(">", i)
        return close - i + 1 if close > 0 else 2
    return 2


def _quantify(pattern: str, i: int, quant: tuple[int, bool], state: _State) -> int:
    length, unbounded = quant
    target = state.last
    if target is None:
        state.problems.append(f"quantifier at offset {i} has nothing to repeat")
    elif isinstance(target, _Group) and target.ambiguous and unbounded:
        state.problems.append(
            "nested unbounded quantifier, e.g. (a+)+: catastrophic backtracking "
            "(ReDoS) in JS and risky in Python"
        )
    frame = state.stack[-1]
    if unbounded:
        frame.has_unbounded = True
    fixed = pattern[i] == "{" and "," not in pattern[i : i + length]
    if target is not None and not fixed:
        frame.variable += 1
    i += length
    if i < len(pattern) and pattern[i] == "+":
        state.problems.append("possessive quantifiers (*+, ++) are not portable")
        i += 1
    elif i < len(pattern) and pattern[i] == "?":
        i += 1  # lazy: fine in both
    state.last = None
    return i
