"""``postguard rules validate``: every check a rule must pass before it ships.

Schema, portable regex subset, nested quantifiers, compile in Python and node,
ReDoS analysis (recheck) of every pattern in a rule and of the bundle-wide ones,
adversarial-input smoke test in both runtimes, and the rule's own examples. Every
error names the file and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from postguard.engine.ruleset import compile_pattern

from . import redos
from .build import build_bundle
from .build import compile_escalate
from .build import compile_org_rules
from .build import compile_rule
from .examples import run_examples
from .lint import lint_pattern
from .reach import reach_of
from .smoke import adversarial_inputs
from .smoke import node_check
from .smoke import python_smoke
from .source import RuleError
from .source import RuleTree


@dataclass(frozen=True)
class Target:
    """One regex to analyse: the file it comes from and which of its patterns."""

    file: str
    rule_id: str | None
    label: str
    pattern: str
    flags: str


def _patterns(compiled: dict) -> list[tuple[str, str, str]]:
    """(label, pattern, flags) for what a rule's author wrote as a regex, and the
    escalate pattern built from its words and dates."""
    found = [("pattern", compiled["pattern"], compiled["flags"])]
    if compiled.get("gate"):
        found.append(("gate", compiled["gate"], compiled["flags"]))
    for n, spec in enumerate(compiled["allow"].get("patterns", [])):
        found.append((f"allow pattern {n + 1}", spec["pattern"], spec.get("flags", "")))
    if compiled.get("escalate"):
        found.append(("escalate pattern", compiled["escalate"]["pattern"], ""))
    return found


def _targets(tree: RuleTree, compiled: dict[str, dict], names: dict) -> list[Target]:
    """Every regex either engine runs, with the flags it runs it with."""
    targets = []
    for rule_id, rule in compiled.items():
        for label, pattern, flags in _patterns(rule):
            targets.append(Target(names[rule_id], rule_id, label, pattern, flags))
        if rule.get("context"):
            pattern = rule["context"]["pattern"]
            targets.append(
                Target(names[rule_id], rule_id, "context words pattern", pattern, "i")
            )
    global_file = tree.relative(tree.root / "allow" / "global.yaml")
    for n, spec in enumerate(tree.global_allow().get("patterns", [])):
        label, flags = f"allow pattern {n + 1}", spec.get("flags", "")
        targets.append(Target(global_file, None, label, spec["pattern"], flags))
    digit_run = tree.settings()["prefilter"]["digit_run"]
    bundle_file = tree.relative(tree.root / "bundle.yaml")
    targets.append(Target(bundle_file, None, "prefilter digit_run", digit_run, ""))
    for key, template in _org_templates(tree).items():
        if template.get("escalate"):
            label = f"org_rules.{key} escalate pattern"
            pattern = template["escalate"]["pattern"]
            targets.append(Target(bundle_file, None, label, pattern, ""))
    return targets


def _org_templates(tree: RuleTree) -> dict[str, dict]:
    try:
        return compile_org_rules(tree.settings())
    except (ValueError, KeyError, TypeError):
        return {}  # reported by _org_problems


def _org_problems(tree: RuleTree) -> list[RuleError]:
    """bundle.yaml's org_rules: the schema's org_rule, and a pattern built from
    each escalate that passes the portable-subset lint and compiles."""
    bundle_file = tree.relative(tree.root / "bundle.yaml")
    problems = []
    for key, template in (tree.settings().get("org_rules") or {}).items():
        where = f"org_rules.{key}"
        invalid = [f"{where}: {p}" for p in tree.org_rule_errors(key, template)]
        problems += invalid
        if invalid or not template.get("escalate"):
            continue
        try:
            escalate = compile_escalate(
                template["escalate"], (tree.settings().get("dates") or {})["months"]
            )
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(f"{where}: escalate: {exc}")
            continue
        pattern = escalate["pattern"]
        problems += [
            f"{where}: escalate pattern: {p}" for p in lint_pattern(pattern, "")
        ]
        if not _compiles(Target(bundle_file, None, where, pattern, "")):
            problems.append(f"{where}: escalate pattern does not compile in Python")
    return [RuleError(bundle_file, p) for p in problems]


def _reach_problems(rule: dict) -> list[str]:
    try:
        reach = reach_of(rule["pattern"], rule["flags"], rule["keywords"])
    except (ValueError, IndexError, KeyError) as exc:
        return [f"pattern: cannot be analysed for the anchored scan ({exc})"]
    if reach.min_width == 0:
        return ["pattern: can match empty text; every match must hold a character"]
    if rule.get("gate"):
        try:
            gate = reach_of(rule["gate"], rule["flags"], [])
        except (ValueError, IndexError, KeyError) as exc:
            return [f"gate: cannot be analysed ({exc})"]
        if gate.min_width == 0:
            # A search steps over an empty match: it could skip where the gate is.
            return ["gate: can match empty text; every match must hold a character"]
    return []


def _compiles(target: Target) -> bool:
    try:
        compile_pattern(target.pattern, target.flags)
    except regex.error:
        return False
    return True


def analysed_patterns(tree: RuleTree) -> set[tuple[str, str]]:
    """(pattern, flags) of every regex the ReDoS analysis covers in ``tree``."""
    sources, _ = tree.load()
    settings = tree.settings()
    by_id = {s.data["id"]: tree.relative(s.path) for s in sources}
    compiled = {s.data["id"]: compile_rule(s.data, settings) for s in sources}
    targets = _targets(tree, compiled, by_id)
    return {(t.pattern, t.flags) for t in targets if _compiles(t)}


def validate_tree(
    tree: RuleTree, *, with_node: bool = True, write_verdicts: bool = False
) -> list[RuleError]:
    """Raises ``redos.AnalyserUnavailable`` when ``with_node`` and node or recheck
    is missing. ``write_verdicts`` records the ReDoS verdicts in the tree."""
    sources, errors = tree.load()
    errors += _org_problems(tree)
    by_id = {s.data["id"]: tree.relative(s.path) for s in sources}
    settings = tree.settings()
    compiled = {s.data["id"]: compile_rule(s.data, settings) for s in sources}
    analysis = None
    if with_node:
        # Started first: the analyser runs in node while Python checks the rest.
        targets = [t for t in _targets(tree, compiled, by_id) if _compiles(t)]
        recheck = redos.locate(tree.root)
        analysis = redos.Analysis(
            recheck,
            [(t.pattern, t.flags) for t in targets],
            redos.read_recorded(tree.root),
        )
    bad: set[str] = set()
    node_entries = []
    for source in sources:
        rule_id = source.data["id"]
        name, rule = by_id[rule_id], compiled[rule_id]
        problems = []
        problems += _reach_problems(rule)
        for label, pattern, flags in _patterns(rule):
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
                    "id": f"{rule_id}\0{label}",
                    "pattern": pattern,
                    "flags": flags,
                    "inputs": inputs,
                }
            )
        errors.extend(RuleError(name, p) for p in problems)
        if problems:
            bad.add(rule_id)
    if with_node:
        for key, problem in node_check(node_entries).items():
            rule_id, label = key.split("\0")
            errors.append(RuleError(by_id[rule_id], f"{label}: {problem}"))
            bad.add(rule_id)
    if analysis is not None:
        verdicts = analysis.verdicts()
        if write_verdicts:
            redos.write_recorded(
                tree.root, {analysis.keys[pf]: v for pf, v in verdicts.items()}
            )
        for target in targets:
            if problem := verdicts[(target.pattern, target.flags)].problem():
                errors.append(RuleError(target.file, f"{target.label}: {problem}"))
                if target.rule_id:
                    bad.add(target.rule_id)
    good = [s for s in sources if s.data["id"] not in bad]
    bundle = build_bundle(tree, good, known_ids=by_id)
    for rule_id, failures in run_examples(bundle).items():
        errors.extend(RuleError(by_id[rule_id], f) for f in failures)
    return errors
