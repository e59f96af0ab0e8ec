"""``postguard rules validate``: every check a rule must pass before it ships.

Schema, portable regex subset, nested quantifiers, compile in Python and node,
adversarial-input smoke test in both runtimes, and the rule's own examples. Every
error names the rule file and the reason.
"""

from __future__ import annotations

import regex

from postguard.engine.ruleset import compile_pattern

from .build import build_bundle
from .build import compile_rule
from .examples import run_examples
from .lint import lint_pattern
from .smoke import adversarial_inputs
from .smoke import node_check
from .smoke import python_smoke
from .source import RuleError
from .source import RuleTree


def _patterns(compiled: dict) -> list[tuple[str, str, str]]:
    """(label, pattern, flags) for everything in a rule that is a regex."""
    found = [("pattern", compiled["pattern"], compiled["flags"])]
    for n, spec in enumerate(compiled["allow"].get("patterns", [])):
        found.append((f"allow pattern {n + 1}", spec["pattern"], spec.get("flags", "")))
    return found


def validate_tree(tree: RuleTree, *, with_node: bool = True) -> list[RuleError]:
    sources, errors = tree.load()
    by_id = {s.data["id"]: tree.relative(s.path) for s in sources}
    good, node_entries = [], []
    for source in sources:
        name, compiled = by_id[source.data["id"]], compile_rule(source.data)
        problems = []
        for label, pattern, flags in _patterns(compiled):
            problems += [f"{label}: {p}" for p in lint_pattern(pattern, flags)]
            try:
                compile_pattern(pattern, flags)
            except regex.error as exc:
                problems.append(f"{label}: does not compile in Python: {exc}")
                continue
            samples = [e["text"] for e in source.data["examples"]["match"]]
            inputs = adversarial_inputs(pattern, samples)
            if slow := python_smoke(pattern, flags, inputs):
                problems.append(f"{label}: {slow}")
            node_entries.append(
                {
                    "id": f"{compiled['id']}\0{label}",
                    "pattern": pattern,
                    "flags": flags,
                    "inputs": inputs,
                }
            )
        errors.extend(RuleError(name, p) for p in problems)
        if not problems:
            good.append(source)
    if with_node:
        for key, problem in node_check(node_entries).items():
            rule_id, label = key.split("\0")
            errors.append(RuleError(by_id[rule_id], f"{label}: {problem}"))
            good = [s for s in good if s.data["id"] != rule_id]
    bundle = build_bundle(tree, good)
    for rule_id, failures in run_examples(bundle).items():
        errors.extend(RuleError(by_id[rule_id], f) for f in failures)
    return errors
