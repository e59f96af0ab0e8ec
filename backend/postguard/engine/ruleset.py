"""Load a bundle and compile it once: patterns, validators, allowlists, context.

Compiled rulesets are cached by the bundle's sha256, so a service that reloads the
same bundle, or many engines sharing one, never recompile.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType
from typing import Any

import regex

from . import builtins
from . import validators
from .allow import Allowlist
from .factors import factors_of
from .hashed_terms import Fold
from .hashed_terms import HashedTerms
from .hashed_terms import compile_section
from .normalize import NormalizationTable
from .org import org_rules
from .result import SEVERITY_ORDER

FLAG_BITS = {"i": regex.IGNORECASE, "s": regex.DOTALL}


class BundleError(ValueError):
    """The bundle cannot be used; the message names the rule and the reason."""


def percent(score: float) -> int:
    return round(float(score) * 100)


def compile_pattern(pattern: str, flags: str = "") -> regex.Pattern[str]:
    bits = regex.V0
    for flag in flags:
        bits |= FLAG_BITS[flag]
    return regex.compile(pattern, bits)


@dataclass(frozen=True)
class CompiledValidator:
    module: ModuleType
    params: dict[str, Any]
    boost: int


@dataclass(frozen=True)
class CompiledContext:
    pattern: regex.Pattern[str]
    window: int
    required: bool
    boost: int
    # The longest text one word can match (a space matches up to 3 separators).
    max_match: int


@dataclass(frozen=True)
class CompiledEscalation:
    """``escalate``: a launch word or a date within ``window`` characters of a
    finding raises its severity to ``severity`` (never lowers it)."""

    pattern: regex.Pattern[str]
    window: int
    severity: str
    # The longest text the pattern can match (with its lookahead), so a search
    # cut short past the window still sees a word that starts inside it whole.
    max_match: int


@dataclass(frozen=True)
class CompiledRule:
    id: str
    name: str
    category: str
    type: str
    severity: str
    priority: int
    message: str
    policy_url: str
    runtimes: tuple[str, ...]
    pattern: regex.Pattern[str]
    value_group: bool
    head_group: bool
    builtin: ModuleType | None
    keywords: tuple[str, ...]
    min_digits: int
    # A pattern every match contains (``gate``): the rule runs only near its
    # matches; see anchors.py.
    gate: regex.Pattern[str] | None
    # How far a match reads before its start and from it (None: no bound, or not
    # known), and whether every match begins with a keyword: see anchors.py.
    behind: int | None
    ahead: int | None
    # The same around an anchor inside the match (a digit run, a gate match, a
    # factor); smaller than behind/ahead when the keywords are context words,
    # which may lie a context window away from the match.
    match_behind: int | None
    match_ahead: int | None
    keyword_first: bool
    # Strings one of which every match contains (factors.py): another anchor,
    # used where it is sparser than the keywords or digit runs.
    factors: tuple[str, ...]
    shrink: bool
    validators: tuple[CompiledValidator, ...]
    base: int
    context: CompiledContext | None
    escalate: CompiledEscalation | None
    allow: Allowlist
    # Rules with the same key find the same candidates: a scan finds them once.
    detection_key: str
    # A rule labelling hashed confidential terms: found by hashed_terms.find,
    # never by its pattern.
    hashed: bool = False


# What decides a rule's candidates; the rest (id, severity, message...) only
# labels them.
DETECTION_FIELDS = (
    "pattern",
    "flags",
    "keywords",
    "min_digits",
    "gate",
    "reach",
    "builtin",
    "validators",
    "shrink",
    "score",
    "context",
    "escalate",
    "allow",
)


def _reach(reach: dict[str, Any], key: str) -> int | None:
    value = reach.get(key)
    if value is None:
        return None
    if type(value) is not int or value < 0:
        raise ValueError(f"reach.{key} must be an integer >= 0 or null")
    return value


def _escalation(spec: dict[str, Any]) -> CompiledEscalation:
    if spec["severity"] not in SEVERITY_ORDER:
        raise ValueError(f"escalate: unknown severity {spec['severity']!r}")
    window, max_match = spec["window"], spec["max_match"]
    for name, value in (("window", window), ("max_match", max_match)):
        if type(value) is not int or value < 0:
            raise ValueError(f"escalate.{name} must be an integer >= 0")
    return CompiledEscalation(
        compile_pattern(spec["pattern"], ""), window, spec["severity"], max_match
    )


def _compile_rule(
    rule: dict[str, Any], shared: dict[str, dict[str, Any]]
) -> CompiledRule:
    """``shared``: each validator's bundle-wide params (the bundle's
    ``validators.<name>.params``), which the rule's own params override."""
    rule_id = rule.get("id", "?")
    try:
        if rule["severity"] not in SEVERITY_ORDER:
            raise ValueError(f"unknown severity {rule['severity']!r}")
        pattern = compile_pattern(rule["pattern"], rule.get("flags", ""))
        checks = []
        for spec in rule.get("validators", []):
            module = validators.REGISTRY[spec["name"]]
            boost = spec.get("boost", module.DEFAULT_BOOST)
            params = {**shared.get(spec["name"], {}), **spec.get("params", {})}
            checks.append(CompiledValidator(module, params, percent(boost)))
        context = None
        if rule.get("context"):
            spec = rule["context"]
            context = CompiledContext(
                compile_pattern(spec["pattern"], "i"),
                int(spec["window"]),
                spec.get("mode") == "required",
                percent(spec.get("boost", 0)),
                max(len(w) + 2 * w.count(" ") for w in spec["words"]),
            )
        builtin = builtins.REGISTRY[rule["builtin"]] if rule.get("builtin") else None
        escalate = _escalation(rule["escalate"]) if rule.get("escalate") else None
        reach = rule.get("reach") or {}
        keyword_first = reach.get("keyword_first") is True
        behind, ahead = _reach(reach, "behind"), _reach(reach, "ahead")
        own = "match_behind" in reach and "match_ahead" in reach
        match_behind = _reach(reach, "match_behind") if own else behind
        match_ahead = _reach(reach, "match_ahead") if own else ahead
        bounded = behind is not None and ahead is not None
        plain = not rule.get("gate") and not keyword_first and not rule.get("hashed")
        return CompiledRule(
            id=rule_id,
            name=rule.get("name", rule_id),
            category=rule["category"],
            type=rule["type"],
            severity=rule["severity"],
            priority=int(rule.get("priority", 0)),
            message=rule["message"],
            policy_url=rule.get("policy_url", ""),
            runtimes=tuple(rule.get("runtimes", ("python", "js"))),
            pattern=pattern,
            value_group="value" in pattern.groupindex,
            head_group="head" in pattern.groupindex,
            builtin=builtin,
            keywords=tuple(k.lower() for k in rule.get("keywords", [])),
            min_digits=int(rule.get("min_digits", 0)),
            gate=(
                compile_pattern(rule["gate"], rule.get("flags", ""))
                if rule.get("gate")
                else None
            ),
            behind=behind,
            ahead=ahead,
            match_behind=match_behind,
            match_ahead=match_ahead,
            keyword_first=keyword_first,
            factors=factors_of(rule["pattern"]) if bounded and plain else (),
            shrink=bool(rule.get("shrink", False)),
            validators=tuple(checks),
            base=percent(rule.get("score", 0.5)),
            context=context,
            escalate=escalate,
            allow=Allowlist(rule.get("allow")),
            detection_key=json.dumps(
                [rule.get(name) for name in DETECTION_FIELDS], sort_keys=True
            ),
            hashed=rule.get("hashed") is True,
        )
    except (KeyError, TypeError, ValueError, regex.error) as exc:
        raise BundleError(f"rule {rule_id}: {type(exc).__name__}: {exc}") from exc


@dataclass(frozen=True)
class CompiledBundle:
    version: str
    sha256: str
    defaults: dict[str, Any]
    table: NormalizationTable
    digit_run: regex.Pattern[str]
    allow: Allowlist
    rules: tuple[CompiledRule, ...]
    # Confidential terms as keyed hashes, and the fold they were hashed with.
    hashed: HashedTerms | None = None
    fold: Fold | None = None


def _check_defaults(defaults: dict[str, Any]) -> None:
    """The limits every scan relies on: whole numbers of characters and findings,
    milliseconds of budget."""
    for key in ("max_chars", "max_findings"):
        value = defaults[key]
        if type(value) is not int or value < 1:
            raise BundleError(f"bundle: defaults.{key} must be an integer >= 1")
    for key in ("budget_ms", "rule_timeout_ms"):
        value = defaults[key]
        if type(value) not in (int, float) or not value >= 0:
            raise BundleError(f"bundle: defaults.{key} must be a number >= 0")


def _shared_params(specs: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The bundle-wide params of each validator that has some."""
    shared = {}
    for name, spec in specs.items():
        params = spec.get("params", {})
        if not isinstance(params, dict):
            raise BundleError(f"bundle: validators.{name}.params must be an object")
        shared[name] = params
    return shared


@lru_cache(maxsize=8)
def _compile_cached(sha256: str, raw: bytes) -> CompiledBundle:
    try:
        bundle = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(f"the bundle is not valid JSON: {exc}") from exc
    if not isinstance(bundle, dict) or bundle.get("format") != 1:
        raise BundleError("unsupported bundle: expected an object with format 1")
    try:
        _check_defaults(bundle["defaults"])
        shared = _shared_params(bundle.get("validators") or {})
        table = NormalizationTable(bundle["normalization"])
        try:
            extra = org_rules(bundle, table)
            fold = Fold(bundle["term_fold"]) if "term_fold" in bundle else None
            hashed, hashed_rules = compile_section(bundle, fold)
            extra += hashed_rules
        except ValueError as exc:
            raise BundleError(f"bundle: {exc}") from exc
        rules = tuple(
            sorted(
                (_compile_rule(r, shared) for r in [*bundle["rules"], *extra]),
                key=lambda r: r.id,
            )
        )
        for first, second in zip(rules, rules[1:], strict=False):
            if first.id == second.id:
                raise BundleError(f"bundle: two rules have the id {first.id!r}")
        return CompiledBundle(
            version=bundle["version"],
            sha256=sha256,
            defaults=bundle["defaults"],
            table=table,
            digit_run=regex.compile(bundle["prefilter"]["digit_run"]),
            allow=Allowlist(bundle.get("allow")),
            rules=rules,
            hashed=hashed,
            fold=fold,
        )
    except (KeyError, TypeError, ValueError, regex.error) as exc:
        if isinstance(exc, BundleError):
            raise
        raise BundleError(f"bundle: {type(exc).__name__}: {exc}") from exc


def compile_bundle(raw: bytes) -> CompiledBundle:
    return _compile_cached(hashlib.sha256(raw).hexdigest(), raw)
