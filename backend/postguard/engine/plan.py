"""Which rules a scan visits, found from its anchors instead of by trying each.

A plan indexes an ordered list of rules once: by keyword, by the digit-run length
they need, and those that always run. A scan then visits only the rules whose
anchors are in the text, in the list's order, so a thousand rules whose keywords
never occur cost nothing. Rules that detect alike (the same pattern, keywords,
validators, context and allowlist; a copy under another id or severity) form one
group, searched once per scan.
"""

from __future__ import annotations

from collections.abc import Iterable

from .anchors import KeywordFinder
from .ruleset import CompiledRule


class ScanPlan:
    def __init__(self, rules: Iterable[CompiledRule]) -> None:
        groups: dict[str, list[CompiledRule]] = {}
        for rule in rules:
            groups.setdefault(rule.detection_key, []).append(rule)
        # In the order of each group's first rule (dicts keep insertion order).
        self.groups = tuple(tuple(group) for group in groups.values())
        by_keyword: dict[str, list[int]] = {}
        by_digits: list[tuple[int, int]] = []
        always: list[int] = []
        for index, (rule, *_) in enumerate(self.groups):
            if rule.keywords:
                for keyword in rule.keywords:
                    by_keyword.setdefault(keyword, []).append(index)
            elif rule.min_digits:
                by_digits.append((rule.min_digits, index))
            else:
                always.append(index)
        self.by_keyword = {k: tuple(v) for k, v in by_keyword.items()}
        self.by_digits = tuple(sorted(by_digits))
        self.always = tuple(always)
        # The factors of rules (factors.py) are found in the same pass; they
        # only narrow where a selected rule searches, they select none.
        factors = {f for group in self.groups for f in group[0].factors}
        self.finder = KeywordFinder({*self.by_keyword, *factors})
        # Runs shorter than every rule needs are never counted.
        self.min_digits = min(
            (g[0].min_digits for g in self.groups if g[0].min_digits), default=0
        )

    def select(
        self, hits: dict[str, list[int]], longest_run: int
    ) -> list[tuple[CompiledRule, ...]]:
        """The groups with an anchor in the text, in the plan's order. A keyword
        rule with ``min_digits`` also needs a long enough digit run."""
        chosen = set(self.always)
        by_keyword = self.by_keyword
        for keyword in hits:
            chosen.update(by_keyword.get(keyword, ()))
        for min_digits, index in self.by_digits:
            if min_digits > longest_run:
                break
            chosen.add(index)
        groups = self.groups
        return [
            groups[i]
            for i in sorted(chosen)
            if groups[i][0].min_digits <= longest_run or not groups[i][0].min_digits
        ]
