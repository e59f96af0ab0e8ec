"""``postguard rules validate|test|build|list``: the rule author's loop.

``rules sign`` and ``rules verify`` live in ``cli_keys``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_OK, EXIT_FAIL, EXIT_NOT_FOUND, EXIT_UNAVAILABLE = 0, 1, 66, 69


def find_rules_dir(start: Path | None = None) -> Path | None:
    """The nearest ``shared_rules/`` above the working directory, else the one
    beside an editable install."""
    here = (start or Path.cwd()).resolve()
    package_repo = Path(__file__).resolve().parents[2]
    for base in (here, *here.parents, package_repo):
        if (base / "shared_rules" / "bundle.yaml").is_file():
            return base / "shared_rules"
    return None


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "rules", help="validate, test, build, sign and verify rule bundles"
    )
    actions = parser.add_subparsers(
        dest="rules_command", metavar="ACTION", required=True
    )
    for name, handler, text in (
        ("validate", _validate, "schema, portability, ReDoS analysis and examples"),
        ("test", _test, "run every rule's examples, pass/fail per rule"),
        ("build", _build, "write shared_rules/dist/ruleset.json and its copies"),
        ("list", _list, "the rules a bundle holds, or their counts (--summary)"),
    ):
        action = actions.add_parser(name, help=text, description=text)
        action.add_argument("--rules-dir", type=Path, help="a shared_rules/ directory")
        action.set_defaults(handler=_policy_errors(handler))
        if name == "build":
            action.add_argument(
                "--check",
                action="store_true",
                help="fail if the committed bundle is not fresh",
            )
        if name == "list":
            _list_options(action)
        if name == "validate":
            from .rulebook.redos import RECORDED_FILE

            action.add_argument(
                "--no-node",
                action="store_true",
                help="skip everything that needs node: the JS compile and smoke "
                "test and the ReDoS analysis (recheck)",
            )
            action.add_argument(
                "--write-verdicts",
                action="store_true",
                help=f"record recheck's verdicts in the tree's {RECORDED_FILE} "
                "(commit it with the rules: a fresh clone then analyses only the "
                "patterns changed since)",
            )
    from .cli_keys import add_rules_actions
    from .cli_terms import add_rules_action as add_terms_action

    add_rules_actions(actions)
    add_terms_action(actions)


def _policy_errors(handler):
    """A broken shared_rules/policy.yaml (or guards.yaml) is one line naming the
    file and the place, not a traceback."""

    def run(args: argparse.Namespace) -> int:
        from .policy import PolicyError
        from .rulebook.guards import GuardsError

        try:
            return handler(args)
        except (PolicyError, GuardsError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_FAIL

    return run


def _list_options(action: argparse.ArgumentParser) -> None:
    action.add_argument(
        "--bundle",
        type=Path,
        help="a compiled bundle (default: the packaged one; with --rules-dir, "
        "the bundle those sources build)",
    )
    action.add_argument("--summary", action="store_true", help="counts only")
    action.add_argument("--category", help="only this category, e.g. pii")
    action.add_argument("--country", help="only rules for this country, e.g. IN")
    action.add_argument("--type", dest="rule_type", help="only this type, e.g. IBAN")
    action.add_argument("--json", action="store_true", help="machine-readable")


def _tree(args: argparse.Namespace):
    from .rulebook.source import RuleTree

    root = args.rules_dir or find_rules_dir()
    if root is None or not (Path(root) / "bundle.yaml").is_file():
        print(
            "postguard: no shared_rules/ directory found; pass --rules-dir",
            file=sys.stderr,
        )
        return None
    return RuleTree(Path(root))


def _validate(args: argparse.Namespace) -> int:
    from .rulebook.redos import AnalyserUnavailable
    from .rulebook.validate import validate_tree

    tree = _tree(args)
    if tree is None:
        return EXIT_NOT_FOUND
    try:
        errors = validate_tree(
            tree, with_node=not args.no_node, write_verdicts=args.write_verdicts
        )
    except AnalyserUnavailable as exc:
        print(f"postguard: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    count = len(tree.rule_files())
    if errors:
        print(f"{len(errors)} error(s) in {count} rule file(s)", file=sys.stderr)
        return EXIT_FAIL
    print(f"ok: {count} rule file(s) valid")
    return EXIT_OK


def _test(args: argparse.Namespace) -> int:
    from .rulebook.build import build_bundle
    from .rulebook.examples import run_examples

    tree = _tree(args)
    if tree is None:
        return EXIT_NOT_FOUND
    sources, errors = tree.load()
    for error in errors:
        print(f"FAIL {error}")
    bundle = build_bundle(tree, sources)
    counts = {
        r["id"]: len(r["examples"]["match"]) + len(r["examples"]["no_match"])
        for r in bundle["rules"]
    }
    failing_rules = 0
    for rule_id, failures in sorted(run_examples(bundle).items()):
        if failures:
            failing_rules += 1
            for failure in failures:
                print(f"FAIL {rule_id}: {failure}")
        else:
            print(f"PASS {rule_id} ({counts[rule_id]} examples)")
    failed = failing_rules + len(errors)  # broken files never reach the bundle
    print(f"{len(counts) - failing_rules} passed, {failed} failed")
    return EXIT_FAIL if failed else EXIT_OK


def _build(args: argparse.Namespace) -> int:
    from .rulebook.build import build_bundle
    from .rulebook.build import bundle_text
    from .rulebook.build import stale_outputs
    from .rulebook.build import write_outputs

    tree = _tree(args)
    if tree is None:
        return EXIT_NOT_FOUND
    sources, errors = tree.load()
    if errors:
        for error in errors:
            print(f"error: {error}", file=sys.stderr)
        return EXIT_FAIL
    text = bundle_text(build_bundle(tree, sources))
    if args.check:
        stale = stale_outputs(tree, text)
        for path in stale:
            print(f"stale: {path} (run `postguard rules build`)", file=sys.stderr)
        return EXIT_FAIL if stale else EXIT_OK
    for path in write_outputs(tree, text):
        print(f"wrote {path}")
    return EXIT_OK


def _listed_bundle(args: argparse.Namespace) -> dict | None:
    """The bundle ``rules list`` reads: built from --rules-dir, or a file, or the
    packaged one."""
    if args.rules_dir is not None:
        from .rulebook.build import build_bundle

        tree = _tree(args)
        if tree is None:
            return None
        sources, errors = tree.load()
        for error in errors:
            print(f"error: {error}", file=sys.stderr)
        return build_bundle(tree, sources)
    from importlib import resources

    packaged = resources.files("postguard").joinpath("data/ruleset.json")
    try:
        raw = args.bundle.read_bytes() if args.bundle else packaged.read_bytes()
        bundle = json.loads(raw)
        if not isinstance(bundle, dict) or not isinstance(bundle.get("rules"), list):
            raise ValueError("no rules")
    except (OSError, ValueError) as exc:
        print(
            f"postguard: cannot read the bundle ({type(exc).__name__})", file=sys.stderr
        )
        return None
    return bundle


def _list(args: argparse.Namespace) -> int:
    from .rulebook import listing

    bundle = _listed_bundle(args)
    if bundle is None:
        return EXIT_NOT_FOUND
    rules = listing.select(
        bundle["rules"],
        category=args.category,
        country=args.country,
        rule_type=args.rule_type,
    )
    if args.summary:
        counts = listing.summary(rules)
        lines = listing.summary_lines(counts)
        print(json.dumps(counts, indent=1) if args.json else "\n".join(lines))
    elif args.json:
        keys = ("id", "name", "category", "type", "severity", "countries", "runtimes")
        print(json.dumps([{k: r.get(k) for k in keys} for r in rules], indent=1))
    else:
        print("\n".join(listing.rule_lines(rules)))
    return EXIT_OK
