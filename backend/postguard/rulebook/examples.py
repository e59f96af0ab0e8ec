"""Run every rule's own examples: each ``match`` must be found (covering ``value``
exactly when given), each ``no_match`` must not. A rule is its own test.

Examples run without a time budget (``budget_ms=math.inf``): their answer must not
depend on how busy the machine is. The budget has its own tests.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from postguard.engine import Engine


@dataclass(frozen=True)
class ExampleFailure:
    rule_id: str
    reason: str


def run_examples(bundle: dict, runtime: str = "python") -> dict[str, list[str]]:
    """rule id -> failures, for every rule the runtime runs (empty list = pass)."""
    engine = Engine(json.dumps(bundle).encode("utf-8"), runtime=runtime)
    results: dict[str, list[str]] = {}
    for rule in bundle["rules"]:
        if runtime not in rule["runtimes"]:
            continue
        results[rule["id"]] = check_rule_examples(engine, rule)
    return results


def check_rule_examples(engine: Engine, rule: dict) -> list[str]:
    only = frozenset([rule["id"]])
    failures = []
    for example in rule["examples"]["match"]:
        text = example["text"]
        found = engine.scan(text, only=only, budget_ms=math.inf).findings
        values = [text[f.start : f.end] for f in found]
        everywhere = engine.scan(text, only=only, budget_ms=math.inf, anchored=False)
        if [(f.start, f.end) for f in everywhere.findings] != [
            (f.start, f.end) for f in found
        ]:
            failures.append(
                "example is found only when the whole text is searched: no keyword "
                "(or digit run of min_digits, or match of the gate) lies within the "
                "pattern's reach of the match; add the keyword it contains (or "
                f"widen the gate): {example['why']}"
            )
        if not found:
            failures.append(f"example should match but did not: {example['why']}")
        elif "value" in example and example["value"] not in values:
            failures.append(
                f"example matched the wrong span ({len(values)} finding(s), none "
                f"covering the expected value exactly): {example['why']}"
            )
        elif "severity" in example:
            severities = {
                f.severity
                for f, value in zip(found, values, strict=True)
                if value == example.get("value", value)
            }
            if example["severity"] not in severities:
                failures.append(
                    f"example found with severity {', '.join(sorted(severities))}, "
                    f"not {example['severity']}: {example['why']}"
                )
    for example in rule["examples"]["no_match"]:
        if engine.scan(example["text"], only=only, budget_ms=math.inf).findings:
            failures.append(f"example should not match but did: {example['why']}")
    return failures
