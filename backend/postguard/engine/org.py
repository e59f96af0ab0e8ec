"""Rules built at load time from the organisation's own lists.

The service reads two lists from its config and the admin policy and puts them
into the bundle it serves (and runs) as ``org``:

    "org": {"internal_domains": ["*.corp.example.com", "jira.example.com"],
            "confidential_terms": [{"term": "Falcon", "severity": "high"},
                                   "Project Kestrel"]}

The bundle also carries, built from shared_rules/bundle.yaml, what each list
becomes (``org_rules``: id, name, message, severity, priority, score and, for
terms, ``escalate``). Both engines turn the lists into ordinary bundle rules here
(``org.js`` is the twin and builds the same rules, character for character), so
anchors, scoring, escalation, the policy and ``--explain`` treat them like any
other rule:

- ``internal-domain``: a host name or URL on one of ``internal_domains``. An entry
  is a host (``jira.example.com``: that host only) or ``*.`` and a domain
  (``*.corp.example.com``: the domain and every host under it);
- ``confidential-term-<severity>``: one rule per severity used in
  ``confidential_terms`` (an entry is a term, or ``{term, severity}``; the
  template's severity is the default). A term matches in any case, with its
  words written apart, with - or _, or run together (``Project Falcon``,
  ``project-falcon``, ``ProjectFalcon``), as a CamelCase part of a longer word
  (``#ProjectFalcon``, ``FalconLaunch``) and anywhere inside a #hashtag or
  @handle (``#projectfalcon``).

Patterns are built without the ``i`` flag: a term's letters become classes of
their lower and upper case (``[fF]``), so the CamelCase edges can tell the cases
apart. Terms ship in plain text for now; they reach the extension with the
bundle the service serves.
"""

from __future__ import annotations

from typing import Any

import regex

from .anchors import lower_keeping_offsets
from .hashed_terms import TEMPLATE as HASHED_TEMPLATE
from .hashed_terms import rule_id as hashed_rule_id
from .normalize import NormalizationTable
from .normalize import normalize
from .result import SEVERITY_ORDER

# Characters escaped in a pattern; JS unicode mode rejects escapes of others.
_ESCAPE = frozenset("\\^$.|?*+()[]{}/")
# What separates the words of a term (after normalisation, which folds dashes
# and spaces): in the text they may be written apart, joined or run together.
_TERM_SEPARATORS = regex.compile(r"[ \t\n\r\-_]+")
# Between two words of a term in the text: nothing, or up to 3 separators.
_JOIN = r"[ \-_]{0,3}"
_JOIN_WIDTH = 3
# Where a term may start: a word edge, a CamelCase edge (a lower-case letter,
# then an upper-case one), or anywhere inside a #hashtag or @handle; where it may
# end: a word edge (digits may follow), a CamelCase edge, or inside the hashtag
# or handle it started in.
_TAG = r"[#@][\p{L}\p{N}_]"
_TAG_BEFORE, _TAG_AFTER = 60, 160
_BEFORE = (
    r"(?:(?<![\p{L}\p{N}])|(?<=\p{Ll})(?=\p{Lu})"
    rf"|(?<={_TAG}{{0,{_TAG_BEFORE}}}))"
)
_AFTER = rf"(?:(?![\p{{L}}])|(?<=\p{{Ll}})(?=\p{{Lu}})|(?<={_TAG}{{1,{_TAG_AFTER}}}))"
MIN_TERM, MAX_TERM = 2, 100
_BLANKS = " \t\n\r"
MAX_TERMS, MAX_DOMAINS = 2000, 1000

_LABEL = regex.compile(r"[a-z0-9_](?:[a-z0-9_\-]{0,61}[a-z0-9_])?")
_SCHEME = regex.compile(r"[a-z][a-z0-9+.\-]{0,15}://")
_PORT = regex.compile(r":[0-9]{1,5}")
# A host in the text: an optional scheme, up to 8 labels before a listed domain,
# then no further label; an optional port and path (not its closing punctuation).
_HOST_START = r"(?<![A-Za-z0-9_\-.@])(?:[A-Za-z][A-Za-z0-9+.\-]{0,15}://)?"
_SUBDOMAINS = r"(?:[A-Za-z0-9_\-]{1,63}\.){0,8}"
_HOST_END = (
    r"(?![A-Za-z0-9_\-]|\.[A-Za-z0-9_\-])(?::[0-9]{1,5})?"
    r"""(?:[/?#](?:[^ \t\n<>"']{0,400}[^ \t\n<>"'.,;:!?)\]])?)?"""
)
# How far a host match reads from its start, besides the host itself: scheme (19),
# subdomains (8 x 64), what follows the host (2), port (6), path (402).
_HOST_AHEAD = 19 + 8 * 64 + 2 + 6 + 402

ORG_KEYS = ("internal_domains", "confidential_terms")


def escape(text: str) -> str:
    """``text`` as a literal in both engines' pattern syntax."""
    return "".join("\\" + c if c in _ESCAPE else c for c in text)


def caseless_atoms(text: str) -> list[str]:
    """One pattern atom per character of ``text``, matching it in any case
    without the ``i`` flag: a letter becomes a class of its lower and upper case
    (``F`` -> ``[fF]``); a case form longer than one character (``ß`` -> ``SS``)
    is left out."""
    atoms = []
    for char in text:
        forms = dict.fromkeys((char.lower(), char.upper(), char))
        single = [form for form in forms if len(form) == 1]
        atoms.append("[" + "".join(single) + "]" if len(single) > 1 else escape(char))
    return atoms


def caseless(text: str) -> str:
    """``text`` as a pattern matching it in any case (see caseless_atoms)."""
    return "".join(caseless_atoms(text))


def host_of(entry: Any) -> tuple[str, bool]:
    """An ``internal_domains`` entry as (host, with subdomains); a pasted URL
    loses its scheme, port and path. Raises ValueError for anything else."""
    if not isinstance(entry, str):
        raise ValueError(f"internal_domains: {entry!r} is not a string")
    host = entry.strip(_BLANKS).lower()
    scheme = _SCHEME.match(host)
    if scheme:
        host = host[scheme.end() :]
    for mark in "/?#":
        host = host.split(mark, 1)[0]
    port = _PORT.search(host)
    if port and port.end() == len(host):
        host = host[: port.start()]
    host = host.rstrip(".")
    wildcard = host.startswith("*.")
    if wildcard:
        host = host[2:]
    labels = host.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        raise ValueError(
            f"internal_domains: {entry!r} is not a host name such as "
            "jira.example.com or *.corp.example.com (at least two labels)"
        )
    return host, wildcard


def internal_domain_rule(
    template: dict[str, Any], domains: list[Any]
) -> dict[str, Any]:
    if len(domains) > MAX_DOMAINS:
        raise ValueError(f"internal_domains: more than {MAX_DOMAINS} entries")
    entries = sorted({host_of(entry) for entry in domains})
    # A host also listed with its subdomains needs no entry of its own.
    wild = {host for host, wildcard in entries if wildcard}
    exact = [host for host, wildcard in entries if not wildcard and host not in wild]
    by_length = sorted(wild, key=lambda h: (-len(h), h))
    parts = [escape(h) for h in sorted(exact, key=lambda h: (-len(h), h))]
    if by_length:
        parts.append(_SUBDOMAINS + "(?:" + "|".join(map(escape, by_length)) + ")")
    pattern = _HOST_START + "(?:" + "|".join(parts) + ")" + _HOST_END
    hosts = sorted(set(exact) | wild)
    longest = max(len(h) for h in hosts)
    return _rule(
        template,
        template["id"],
        template["severity"],
        pattern,
        "i",
        hosts,
        {"behind": 1, "ahead": _HOST_AHEAD + longest, "keyword_first": False},
    )


def term_of(entry: Any, default: str, table: NormalizationTable) -> tuple[str, str]:
    """A ``confidential_terms`` entry as (normalised term, severity)."""
    severity = default
    term = entry
    if isinstance(entry, dict):
        unknown = sorted(set(entry) - {"term", "severity"})
        if unknown:
            raise ValueError(f"confidential_terms: unknown key {unknown[0]!r}")
        term = entry.get("term")
        severity = entry.get("severity", default)
    if not isinstance(term, str):
        raise ValueError(f"confidential_terms: {entry!r} has no term (a string)")
    if severity not in SEVERITY_ORDER:
        raise ValueError(
            f"confidential_terms: {term!r} has severity {severity!r}; use one of "
            + ", ".join(SEVERITY_ORDER)
        )
    words = [w for w in _TERM_SEPARATORS.split(normalize(term, table).text) if w]
    joined = " ".join(words)
    if not MIN_TERM <= len(joined) <= MAX_TERM:
        raise ValueError(
            f"confidential_terms: {term!r} must be {MIN_TERM} to {MAX_TERM} "
            "characters long"
        )
    return joined, severity


def _stronger(a: str, b: str) -> str:
    return a if SEVERITY_ORDER.index(a) >= SEVERITY_ORDER.index(b) else b


def trie_pattern(words: list[list[str]]) -> str:
    """An alternation of ``words`` (each a list of pattern atoms) written as a
    trie: words that share a beginning share its atoms (``[mM](?:[aA][yY]|[eE][iI])``
    rather than one alternative per word), which compiles and runs far faster
    for thousands of terms. A longer word is tried before its prefix."""
    root: dict[str, Any] = {}
    for atoms in words:
        node = root
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [atom + emit(child) for atom, child in sorted(node.items()) if atom]
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        body = "(?:" + "|".join(branches) + ")"
        return body + "?" if "" in node else body

    return emit(root)


def confidential_term_rules(
    template: dict[str, Any], terms: list[Any], table: NormalizationTable
) -> list[dict[str, Any]]:
    if len(terms) > MAX_TERMS:
        raise ValueError(f"confidential_terms: more than {MAX_TERMS} entries")
    # atoms -> (longest match, keyword, severity); a term listed twice (in any
    # case or spelling) keeps its highest severity.
    found: dict[tuple[str, ...], tuple[int, str, str]] = {}
    for entry in terms:
        term, severity = term_of(entry, template["severity"], table)
        words = term.split(" ")
        atoms: list[str] = []
        for word in words:
            atoms += [_JOIN] if atoms else []
            atoms += caseless_atoms(word)
        width = sum(len(word) for word in words) + _JOIN_WIDTH * (len(words) - 1)
        keyword = lower_keeping_offsets(max(words, key=len))
        key = tuple(atoms)
        if key in found:
            severity = _stronger(found[key][2], severity)
        found[key] = (width, keyword, severity)
    rules = []
    for severity in SEVERITY_ORDER:
        mine = [(key, item) for key, item in found.items() if item[2] == severity]
        if not mine:
            continue
        alternation = trie_pattern([list(key) for key, _ in mine])
        pattern = f"{_BEFORE}(?:{alternation}){_AFTER}"
        # Ahead: the longest term, then what the end's lookarounds read (as
        # rulebook/reach.py counts a lookbehind: cautiously).
        longest = max(width for _, (width, _, _) in mine)
        reach = {
            "behind": _TAG_AFTER + 1,
            "ahead": longest + _TAG_AFTER + 1,
            "keyword_first": False,
        }
        keywords = sorted({keyword for _, (_, keyword, _) in mine})
        rule_id = term_rule_id(template, severity)
        rules.append(_rule(template, rule_id, severity, pattern, "", keywords, reach))
    return rules


def term_rule_id(template: dict[str, Any], severity: str) -> str:
    return f"{template['id']}-{severity}"


def possible_rule_ids(templates: Any) -> frozenset[str]:
    """Every id the lists can become with these ``org_rules`` templates, set or
    not: a policy may name a rule before its list has an entry."""
    if not isinstance(templates, dict):
        return frozenset()
    ids = set()
    domains = templates.get("internal_domains")
    if isinstance(domains, dict) and isinstance(domains.get("id"), str):
        ids.add(domains["id"])
    terms = templates.get("confidential_terms")
    if isinstance(terms, dict) and isinstance(terms.get("id"), str):
        ids |= {term_rule_id(terms, severity) for severity in SEVERITY_ORDER}
    hashed = templates.get(HASHED_TEMPLATE)
    if isinstance(hashed, dict) and isinstance(hashed.get("id"), str):
        ids |= {
            hashed_rule_id(hashed, severity, near)
            for severity in SEVERITY_ORDER
            for near in (False, True)
        }
    return frozenset(ids)


def _rule(
    template: dict[str, Any],
    rule_id: str,
    severity: str,
    pattern: str,
    flags: str,
    keywords: list[str],
    reach: dict[str, Any],
) -> dict[str, Any]:
    rule = {
        "id": rule_id,
        "name": template["name"],
        "category": template["category"],
        "type": template["type"],
        "severity": severity,
        "countries": [],
        "priority": template.get("priority", 0),
        "pattern": pattern,
        "flags": flags,
        "keywords": keywords,
        "min_digits": 0,
        "reach": reach,
        "shrink": False,
        "validators": [],
        "score": template.get("score", 0.5),
        "allow": {},
        "message": template["message"],
        "policy_url": template.get("policy_url", ""),
        "runtimes": ["python", "js"],
        "examples": {"match": [], "no_match": []},
        "references": [],
    }
    if template.get("escalate"):
        rule["escalate"] = template["escalate"]
    return rule


def org_rules(
    bundle: dict[str, Any], table: NormalizationTable
) -> list[dict[str, Any]]:
    """The bundle rules the bundle's ``org`` lists become (none without lists).
    Raises ValueError naming the list and the entry that cannot be used."""
    org = bundle.get("org")
    if org is None:
        return []
    if not isinstance(org, dict):
        raise ValueError("org must be an object")
    unknown = sorted(set(org) - set(ORG_KEYS))
    if unknown:
        raise ValueError(f"org: unknown list {unknown[0]!r}")
    templates = bundle.get("org_rules")
    if not isinstance(templates, dict):
        templates = {}
    rules: list[dict[str, Any]] = []
    for key in ORG_KEYS:
        entries = org.get(key)
        if entries is None or entries == []:
            continue
        if not isinstance(entries, list):
            raise ValueError(f"org.{key} must be a list")
        template = templates.get(key)
        if not isinstance(template, dict):
            raise ValueError(
                f"org.{key} is set but the bundle has no org_rules.{key}; "
                "rebuild it with `postguard rules build`"
            )
        if key == "internal_domains":
            rules.append(internal_domain_rule(template, entries))
        else:
            rules += confidential_term_rules(template, entries, table)
    return rules
