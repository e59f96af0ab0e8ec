"""The scan's time budget, on a clock that tests can replace.

One budget covers a whole scan (or, with a shared ``deadline``, several scans).
It is checked before each rule, between candidates and in the long loops, and caps
each regex run at ``rule_timeout``. An infinite deadline means no budget at all and
no regex timeout: rule examples must give the same answer on any machine.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

Clock = Callable[[], float]


class BudgetSpent(Exception):
    """The scan budget ran out before a rule or a candidate was done."""


class Budget:
    """A deadline on ``clock``. A rule's pattern, and then its candidates, each
    get a budget of their own (``for_rule``) that ends ``rule_timeout`` later, or
    with the scan's: running out of it raises TimeoutError (reason ``timeout``),
    of the scan's BudgetSpent (``budget``). No rule can use the whole budget and
    starve the next ones."""

    # A scan makes a few of these per rule: slots make that cheaper.
    __slots__ = ("clock", "deadline", "rule_timeout", "scan_deadline", "unlimited")

    def __init__(
        self,
        deadline: float,
        rule_timeout: float,
        clock: Clock = time.perf_counter,
        scan_deadline: float | None = None,
    ) -> None:
        self.deadline = deadline
        self.rule_timeout = rule_timeout
        self.clock = clock
        self.scan_deadline = deadline if scan_deadline is None else scan_deadline
        self.unlimited = math.isinf(deadline)

    @classmethod
    def start(
        cls,
        defaults: Mapping[str, Any],
        clock: Clock,
        budget_ms: float | None = None,
        deadline: float | None = None,
    ) -> Budget:
        """A budget from now: ``deadline`` (a ``clock()`` value) wins over
        ``budget_ms``, which wins over the bundle's ``budget_ms``."""
        rule_timeout = float(defaults["rule_timeout_ms"]) / 1000
        if deadline is not None:
            return cls(float(deadline), rule_timeout, clock)
        budget = float(defaults["budget_ms"] if budget_ms is None else budget_ms)
        if math.isnan(budget) or budget < 0:
            raise ValueError("budget_ms must be a number >= 0 (or math.inf)")
        if math.isinf(budget):
            return cls(math.inf, rule_timeout, clock)
        return cls(clock() + budget / 1000, rule_timeout, clock)

    def for_rule(self) -> Budget:
        """A budget for one step of a rule, from now (none when the scan has
        none)."""
        if self.unlimited:
            return self
        ends = min(self.deadline, self.clock() + self.rule_timeout)
        return Budget(ends, self.rule_timeout, self.clock, self.scan_deadline)

    def with_grace(self) -> Budget:
        """This budget one rule timeout later, for finishing what was found
        (resolving overlaps is a bisect per candidate, far cheaper than finding
        it): a scan that used up its budget still reports its findings."""
        return Budget(self.deadline + self.rule_timeout, self.rule_timeout, self.clock)

    def _out_of_time(self, now: float) -> Exception:
        if now >= self.scan_deadline:
            return BudgetSpent()
        return TimeoutError("the rule ran out of time")

    def check(self) -> None:
        """Raise BudgetSpent (or TimeoutError, see above) once time is up."""
        if not self.unlimited:
            now = self.clock()
            if now >= self.deadline:
                raise self._out_of_time(now)

    def regex_timeout(self) -> float | None:
        """Seconds one regex run may take (None: no limit); raises like check."""
        if self.unlimited:
            return None
        now = self.clock()
        remaining = self.deadline - now
        if remaining <= 0:
            raise self._out_of_time(now)
        return min(self.rule_timeout, remaining)
