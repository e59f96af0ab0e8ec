"""The detection engine: pure Python, no Flask, no I/O beyond loading a bundle.

engine = Engine.load()                     # the packaged default bundle
result = engine.scan("card 4111 1111 1111 1111", locale="en-US")
result.to_dict()["findings"][0]["preview"]   # '•••• 1111'
"""

from __future__ import annotations

import math
import time
from collections.abc import Collection
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from .budget import Budget
from .budget import Clock
from .builtins import RegionHints
from .hashed_terms import key_id
from .plan import ScanPlan
from .result import SEVERITY_ORDER
from .result import Finding
from .result import NotRun
from .result import ScanResult
from .ruleset import BundleError
from .ruleset import CompiledRule
from .ruleset import compile_bundle
from .scanner import scan as _scan
from .trace import Trace

__all__ = ["BundleError", "Engine", "Finding", "ScanResult"]


def region_of(locale: str | None) -> str | None:
    """The region subtag of a BCP-47 locale: ``en-GB`` -> ``GB``."""
    if not locale:
        return None
    for part in locale.replace("_", "-").split("-")[1:]:
        if len(part) == 2 and part.isalpha():
            return part.upper()
    return None


def _prepare(rules: tuple[CompiledRule, ...], regions: RegionHints) -> None:
    """Load now what validators and matchers would import on first use (stdnum
    modules, phone metadata), so the first scan does not pay for it in its budget.
    """
    for rule in rules:
        try:
            for check in rule.validators:
                prepare = getattr(check.module, "prepare", None)
                if prepare is not None:
                    prepare(check.params)
            if rule.builtin is not None:
                rule.builtin.prepare((*regions.hinted, *regions.near_phone_word))
        except (ImportError, KeyError, TypeError, ValueError) as exc:
            raise BundleError(f"rule {rule.id}: {type(exc).__name__}: {exc}") from exc


class Engine:
    """One compiled bundle, the rules this runtime runs, and its scan budget.

    ``clock`` (seconds, like ``time.perf_counter``) is what budgets and
    ``deadline`` values are measured on; tests pass a fake one. ``term_keys``
    (key id -> key) holds the keys of hashed confidential-term lists; without the
    one the bundle names, its hashed terms are listed in ``not_run``.
    """

    def __init__(
        self,
        bundle_bytes: bytes,
        *,
        regions: tuple[str, ...] | None = None,
        runtime: str = "python",
        clock: Clock = time.perf_counter,
        term_keys: Mapping[str, bytes] | None = None,
    ) -> None:
        self.bundle_bytes = bundle_bytes
        self.compiled = compile_bundle(bundle_bytes)
        self.runtime = runtime
        self.clock = clock
        self.regions = tuple(regions or self.compiled.defaults["phone_regions"])
        self.context_regions = tuple(
            r
            for r in self.compiled.defaults.get("phone_context_regions", ())
            if r not in self.regions
        )
        self.rules = tuple(r for r in self.compiled.rules if runtime in r.runtimes)
        # Most severe first (then by id): when the budget runs short, a card or a
        # key is looked for before an email address.
        self._scan_order = tuple(
            sorted(self.rules, key=lambda r: (-SEVERITY_ORDER.index(r.severity), r.id))
        )
        self._cannot_run = tuple(
            r for r in self.compiled.rules if runtime not in r.runtimes
        )
        self._rules_by_id = {rule.id: rule for rule in self.compiled.rules}
        # Hashed terms are found by their hashes, not by a pattern (see _run).
        self._plan = ScanPlan(r for r in self._scan_order if not r.hashed)
        self.term_key = self._key_for(term_keys or {})
        self._region_hints = RegionHints(self.regions, self.context_regions)
        _prepare(self.rules, self._region_hints)

    def _key_for(self, keys: Mapping[str, bytes]) -> bytes | None:
        """The key the bundle's hashed terms name, if given (and really it)."""
        hashed = self.compiled.hashed
        if hashed is None:
            return None
        key = keys.get(hashed.key_id)
        return key if key is not None and key_id(key) == hashed.key_id else None

    @property
    def term_key_id(self) -> str | None:
        """The key id the bundle's hashed terms need (None: it has none)."""
        return None if self.compiled.hashed is None else self.compiled.hashed.key_id

    @classmethod
    def load(cls, path: str | Path | None = None, **options: Any) -> Engine:
        if path is None:
            raw = (
                resources.files(__package__.rsplit(".", 1)[0])
                .joinpath("data/ruleset.json")
                .read_bytes()
            )
        else:
            raw = Path(path).read_bytes()
        return cls(raw, **options)

    @property
    def rules_version(self) -> str:
        return self.compiled.version

    @property
    def sha256(self) -> str:
        return self.compiled.sha256

    def rule_kinds(self, rule_ids: Collection[str]) -> list[dict[str, str]]:
        """``{rule_id, category, severity}`` of each rule named, for a policy that
        must count findings the result does not list (``omitted_rules``)."""
        by_id = self._rules_by_id
        return [
            {"rule_id": r.id, "category": r.category, "severity": r.severity}
            for r in (by_id[rule_id] for rule_id in rule_ids if rule_id in by_id)
        ]

    @property
    def rule_ids(self) -> frozenset[str]:
        """The rules this engine runs (its runtime's)."""
        return frozenset(rule.id for rule in self.rules)

    @property
    def max_chars(self) -> int:
        """The longest text (in code points) a scan reads; the rest is too_long."""
        return int(self.compiled.defaults["max_chars"])

    def explain(
        self,
        text: str,
        locale: str | None = None,
        *,
        budget_ms: float = math.inf,
        only: Collection[str] | None = None,
    ) -> tuple[ScanResult, list[dict[str, Any]]]:
        """Scan ``text`` (by default without a time budget, so the answer does
        not depend on the machine) and say for every rule whether it ran, and for
        every candidate which stage kept or dropped it. Values stay masked.
        ``budget_ms`` as for ``scan``: central's playground runs rules an admin
        has just typed and so keeps the budget and the regex timeouts.
        ``only`` as for ``scan``."""
        trace = Trace()
        wanted = None if only is None else frozenset(only)
        result = self._run(text, locale, budget_ms, None, wanted, trace=trace)
        return result, trace.to_list()

    def _regions_for(self, locale: str | None) -> RegionHints:
        first = region_of(locale)
        if first is None or first in self.regions[:1]:
            return self._region_hints
        return RegionHints(
            (first, *(r for r in self.regions if r != first)),
            tuple(r for r in self.context_regions if r != first),
        )

    def scan(
        self,
        text: str,
        locale: str | None = None,
        *,
        only: Collection[str] | None = None,
        budget_ms: float | None = None,
        deadline: float | None = None,
        anchored: bool = True,
    ) -> ScanResult:
        """Scan ``text`` with every rule (or those in ``only``).

        ``budget_ms``: None for the bundle's budget, ``math.inf`` for none at all
        (no regex timeout either). ``deadline``: an absolute ``clock()`` value that
        overrides ``budget_ms``, so several scans can share one budget.
        ``anchored=False`` searches each rule's pattern over the whole text instead
        of near its keywords and digit runs: the reference ``rules validate``
        holds every example to (same findings, only slower).
        """
        if isinstance(only, str):
            only = (only,)
        wanted = None if only is None else frozenset(only)
        return self._run(text, locale, budget_ms, deadline, wanted, anchored=anchored)

    def _run(
        self,
        text: str,
        locale: str | None,
        budget_ms: float | None,
        deadline: float | None,
        wanted: frozenset[str] | None = None,
        *,
        anchored: bool = True,
        trace: Trace | None = None,
    ) -> ScanResult:
        budget = Budget.start(self.compiled.defaults, self.clock, budget_ms, deadline)
        not_run: list[NotRun] = [
            {"rule_id": r.id, "name": r.name}
            for r in self._cannot_run
            if wanted is None or r.id in wanted
        ]
        hashed = self.compiled.hashed
        if hashed is not None and self.term_key is None:
            # Listed, not silently passed: without the key nothing can match.
            not_run += [
                {"rule_id": r, "name": self._rules_by_id[r].name, "reason": "no_key"}
                for r in hashed.rule_ids
                if wanted is None or r in wanted
            ]
        return _scan(
            self.compiled,
            self._plan,
            text,
            self._regions_for(locale),
            budget,
            not_run,
            wanted=wanted,
            anchored=anchored,
            trace=trace,
            term_key=self.term_key,
        )
