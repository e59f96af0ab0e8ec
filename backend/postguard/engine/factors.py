"""Literal strings that every match of a pattern contains (its *factors*).

A rule anchored on common words (``your``, ``ur``, ``access``) searches windows
that cover most of a long text, and Python's ``regex`` tries its pattern at every
position of them. Many such patterns need a rarer string somewhere: ``double
your money`` needs ``money`` or ``cash`` or ``btc``..., ``turn $5 into $50``
needs ``turn``. The scan finds these factors in the same Aho-Corasick pass as the
keywords and searches around whichever of the two is sparser in the text
(scanner.py): the matches are the same, since each contains a factor, and a
window around each factor hit holds the start of every match containing it.

The factors are read from the pattern (the portable subset, see
shared_rules/README.md) at load time; no bundle field, nothing the JS engine must
know. They are lower-cased ASCII, compared to the lower-cased text the keyword
pass reads: for ASCII letters, every character that ``regex`` matches
case-insensitively lower-cases to that letter once the text is normalised (the
one exception, U+017F long s, is NFKC-normalised to ``s`` first). Anything the
parser does not know (lookaround contents, back-references, wide classes) counts
as "any string", so a pattern can only get fewer factors, never a wrong one.
"""

from __future__ import annotations

from dataclasses import dataclass

# Keep the sets small: the product of a sequence's parts stops growing past these.
_MAX_STRINGS = 64
_MAX_LENGTH = 16
_MAX_CLASS = 4
# Shorter factors are about as common as the keywords they would replace.
MIN_FACTOR = 3


@dataclass(frozen=True)
class _Info:
    # Every string the piece can match, when few and known (lower-cased ASCII).
    exact: frozenset[str] | None
    # Strings one of which every match of the piece contains (None: unknown).
    required: frozenset[str] | None


_ANY = _Info(None, None)
_EMPTY = _Info(frozenset({""}), None)


def _score(strings: frozenset[str] | None) -> tuple[int, int]:
    """Higher is rarer: the shortest string first, then fewer strings."""
    if not strings:
        return (0, 0)
    return (min(map(len, strings)), -len(strings))


def _best(*sets: frozenset[str] | None) -> frozenset[str] | None:
    known = [s for s in sets if s and min(map(len, s)) > 0]
    return max(known, key=_score, default=None)


def _product(a: frozenset[str], b: frozenset[str]) -> frozenset[str] | None:
    if len(a) * len(b) > _MAX_STRINGS:
        return None
    grown = frozenset(x + y for x in a for y in b)
    return None if max(map(len, grown)) > _MAX_LENGTH else grown


def _literal(char: str) -> _Info:
    lowered = char.lower()
    if not char.isascii() or len(lowered) != 1:
        return _ANY
    single = frozenset({lowered})
    return _Info(single, single)


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0

    def peek(self) -> str:
        return self.p[self.i] if self.i < len(self.p) else ""

    def alternation(self) -> _Info:
        branches = [self.sequence()]
        while self.peek() == "|":
            self.i += 1
            branches.append(self.sequence())
        if len(branches) == 1:
            return branches[0]
        exact: frozenset[str] | None = frozenset()
        required: frozenset[str] | None = frozenset()
        for branch in branches:
            if exact is not None and branch.exact is not None:
                exact = exact | branch.exact
            else:
                exact = None
            best = _best(branch.exact, branch.required)
            required = None if best is None or required is None else required | best
        if exact is not None and len(exact) > _MAX_STRINGS:
            exact = None
        if required is not None and len(required) > _MAX_STRINGS:
            required = None
        return _Info(exact, required)

    def sequence(self) -> _Info:
        run: frozenset[str] | None = frozenset({""})  # the current run's product
        whole: frozenset[str] | None = frozenset({""})
        found: list[frozenset[str] | None] = []
        while self.i < len(self.p) and self.peek() not in "|)":
            item = self.quantified(self.atom())
            found.append(item.required)
            if item.exact is None:
                found.append(run)
                run = frozenset({""})
                whole = None
                continue
            grown = None if run is None else _product(run, item.exact)
            if grown is None:
                found.append(run)
                # Start a new run with the item itself: what came before is kept.
                run = item.exact
            else:
                run = grown
            whole = None if whole is None else _product(whole, item.exact)
        found.append(run)
        return _Info(whole, _best(*found))

    def quantified(self, atom: _Info) -> _Info:
        char = self.peek()
        if char in ("*", "+", "?"):
            self.i += 1
            low, high = {"*": (0, -1), "+": (1, -1), "?": (0, 1)}[char]
        elif char == "{" and (bounds := self.brace()) is not None:
            low, high = bounds
        else:
            return atom
        if self.peek() == "?":
            self.i += 1
        if low == 0:
            if high == 1 and atom.exact is not None:
                return _Info(atom.exact | {""}, None)
            return _Info(None, None)
        exact = None
        if atom.exact is not None and low == high:
            exact = atom.exact
            for _ in range(low - 1):
                exact = None if exact is None else _product(exact, atom.exact)
        return _Info(exact, _best(atom.exact, atom.required))

    def brace(self) -> tuple[int, int] | None:
        close = self.p.find("}", self.i)
        if close < 0:
            return None
        parts = self.p[self.i + 1 : close].split(",")
        if not parts[0].isdigit() or len(parts) > 2:
            return None
        if len(parts) == 2 and parts[1] and not parts[1].isdigit():
            return None
        self.i = close + 1
        low = int(parts[0])
        if len(parts) == 1:
            return low, low
        return low, (-1 if parts[1] == "" else int(parts[1]))

    def atom(self) -> _Info:
        char = self.p[self.i]
        if char == "(":
            return self.group()
        if char == "[":
            return self.klass()
        if char == "\\":
            return self.escape()[0]
        self.i += 1
        if char in ".^$":
            return _ANY
        return _literal(char)

    def escape(self) -> tuple[_Info, str | None]:
        """The escape's info, and the one character it stands for (if one)."""
        nxt = self.p[self.i + 1]
        start = self.i
        self.i += 2
        if nxt.isdigit() and nxt != "0":
            return _ANY, None  # a back-reference
        if nxt == "k" and self.peek() == "<":
            self.i = self.p.index(">", self.i) + 1
            return _ANY, None
        if nxt in "pP" and self.peek() == "{":
            self.i = self.p.index("}", self.i) + 1
            return _ANY, None
        if nxt in "xu":
            self.i += 2 if nxt == "x" else 4
            char = chr(int(self.p[start + 2 : self.i], 16))
            return _literal(char), char
        if nxt.isalpha() and nxt not in "nrtfv":
            return _ANY, None  # \d \w \s \b and the like: not one character
        simple = {"n": "\n", "r": "\r", "t": "\t", "f": "\f", "v": "\v", "0": "\0"}
        char = simple.get(nxt, nxt)
        return _literal(char), char

    def klass(self) -> _Info:
        self.i += 1
        known = self.peek() != "^"
        if not known:
            self.i += 1
        members: set[str] = set()
        first = True
        while self.i < len(self.p):
            char = self.p[self.i]
            if char == "]" and not first:
                break
            first = False
            if char == "\\":
                _, single = self.escape()
                if single is None:
                    known = False
                else:
                    members.add(single)
                continue
            self.i += 1
            if self.peek() == "-" and self.p[self.i + 1 : self.i + 2] not in ("]", ""):
                high = self.p[self.i + 1]
                self.i += 2
                if ord(high) - ord(char) >= _MAX_CLASS:
                    known = False
                else:
                    members.update(map(chr, range(ord(char), ord(high) + 1)))
                continue
            members.add(char)
        self.i += 1
        infos = [_literal(m) for m in members]
        if not known or not infos or any(info.exact is None for info in infos):
            return _ANY
        exact = frozenset(s for info in infos if info.exact for s in info.exact)
        if len(exact) > _MAX_CLASS:
            return _ANY
        return _Info(exact, exact)

    def group(self) -> _Info:
        rest = self.p[self.i :]
        for prefix in ("(?=", "(?!", "(?<=", "(?<!"):
            if rest.startswith(prefix):
                self.i += len(prefix)
                self.close()
                return _EMPTY  # reads, but matches nothing
        if rest.startswith("(?:"):
            self.i += 3
        elif rest.startswith("(?<") or rest.startswith("(?P<"):
            self.i = self.p.index(">", self.i) + 1
        elif rest.startswith("(?"):
            raise ValueError("unknown group")
        else:
            self.i += 1
        return self.close()

    def close(self) -> _Info:
        inner = self.alternation()
        if self.peek() != ")":
            raise ValueError("unclosed group")
        self.i += 1
        return inner


def factors_of(pattern: str) -> tuple[str, ...]:
    """Lower-cased ASCII strings, each at least MIN_FACTOR long, one of which
    every match of ``pattern`` contains; () when none are known."""
    try:
        parser = _Parser(pattern)
        info = parser.alternation()
        if parser.i != len(pattern):
            return ()
    except (IndexError, ValueError):
        return ()
    best = _best(info.exact, info.required)
    if best is None or min(map(len, best)) < MIN_FACTOR:
        return ()
    return tuple(sorted(best))
