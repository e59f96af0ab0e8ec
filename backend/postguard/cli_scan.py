"""``postguard scan``: check text from a file or stdin.

With ``--policy FILE`` the text is decided as the service would: the policy's
actions on each finding, the context guards (``--date``, ``--platform``,
``--audience``, ``--reply-to``, ``--groups``) and the policy's verdict.

With ``--image FILE`` an image is checked instead (its metadata, barcodes and the
text in it), with the same output shape and exit codes (see cli_image).

Exit codes: 0 allow, 1 warn, 2 block (in batch mode the worst of all lines, where
a line that cannot be scanned counts as warn); 64 usage error, 65 bad input (not
UTF-8; in batch mode, no line could be scanned), 66 input file not found, 70 the
rule bundle (or the --policy file) is unusable.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from .cli_policy_scan import add_options
from .cli_policy_scan import policy_options_without_policy
from .engine.result import LINK_PREVIEW_NOTE
from .engine.result import LINK_TYPES

EXIT_BY_VERDICT = {"allow": 0, "warn": 1, "block": 2}
EXIT_USAGE, EXIT_DATA, EXIT_NO_INPUT, EXIT_SOFTWARE = 64, 65, 66, 70


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "scan",
        help="scan text for leaks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", nargs="?", default="-", help="a file, or - for stdin")
    parser.add_argument(
        "--image",
        metavar="FILE",
        help="check an image file instead: its metadata, barcodes and the text "
        "in it (docs/images.md)",
    )
    parser.add_argument(
        "--budget-ms",
        type=float,
        metavar="MS",
        help="with --image: the time the checks may take (default 4000, as the "
        "service); past it the image counts as not fully checked",
    )
    parser.add_argument(
        "--no-ocr",
        action="store_true",
        help="with --image: do not read the text in the image (its check is "
        "reported as skipped)",
    )
    parser.add_argument(
        "--json",
        action="store_const",
        const="json",
        dest="format",
        help="print one JSON result",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "jsonl"),
        default="text",
        help="jsonl: one JSON object with `text` per input line",
    )
    parser.add_argument(
        "--locale", help="BCP-47 locale, e.g. en-GB (phone region hint)"
    )
    parser.add_argument(
        "--bundle",
        help="a rule bundle (default: $POSTGUARD_BUNDLE or the packaged one)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="also say, per rule and candidate, which stage kept or dropped it "
        "(values masked; scanned without a time budget)",
    )
    add_options(parser)
    parser.set_defaults(handler=run)


def _fail(code: int, message: str) -> int:
    print(f"postguard scan: {message}", file=sys.stderr)
    return code


def _policy_scan(args: argparse.Namespace):
    """A PolicyScan, or an exit code when the options or the policy are unusable."""
    from .cli_policy_scan import PolicyScan
    from .cli_policy_scan import UsageError
    from .config import ConfigError
    from .policy import PolicyError

    if args.explain:
        return _fail(EXIT_USAGE, "--explain does not combine with --policy")
    try:
        return PolicyScan.load(args)
    except UsageError as exc:
        return _fail(EXIT_USAGE, str(exc))
    except (ConfigError, PolicyError) as exc:
        return _fail(EXIT_SOFTWARE, str(exc))


def run(args: argparse.Namespace) -> int:
    from .engine import BundleError
    from .engine import Engine

    stray = policy_options_without_policy(args)
    if stray:
        return _fail(EXIT_USAGE, f"{stray} needs --policy")
    if args.image is not None:
        from .cli_image import run as run_image

        return run_image(args)
    if args.no_ocr or args.budget_ms is not None:
        option = "--no-ocr" if args.no_ocr else "--budget-ms"
        return _fail(EXIT_USAGE, f"{option} needs --image")
    if args.policy:
        decider = _policy_scan(args)
        if isinstance(decider, int):
            return decider
        return _run_with_policy(args, decider)
    try:
        engine = Engine.load(args.bundle or os.environ.get("POSTGUARD_BUNDLE"))
    except (OSError, ValueError, BundleError) as exc:
        return _fail(EXIT_SOFTWARE, f"cannot load the rule bundle: {exc}")
    try:
        stream = sys.stdin.buffer if args.file == "-" else open(args.file, "rb")
    except FileNotFoundError:
        return _fail(EXIT_NO_INPUT, f"no such file: {args.file}")
    except OSError as exc:
        return _fail(EXIT_NO_INPUT, f"cannot read {args.file}: {exc.strerror}")
    only = rules_on_by_default(engine)
    with stream:
        if args.format == "jsonl":
            if args.explain:
                return _fail(EXIT_USAGE, "--explain works on one text, not jsonl")
            return _scan_jsonl(engine, stream, args.locale, only=only)
        data = stream.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _fail(EXIT_DATA, f"input is not UTF-8 (byte {exc.start})")
    if args.explain:
        result, steps = engine.explain(text, locale=args.locale, only=only)
    else:
        result, steps = engine.scan(text, locale=args.locale, only=only), None
    if args.format == "json":
        answer = result.to_dict()
        if steps is not None:
            answer["explain"] = steps
        print(json.dumps(answer, ensure_ascii=False))
    else:
        _print_human(result)
        if steps is not None:
            print("\n".join(explain_lines(steps)))
    return EXIT_BY_VERDICT[result.verdict]


def rules_on_by_default(engine) -> frozenset[str] | None:
    """Without --policy, the rules the bundle's own policy keeps: its regulated
    wording packs stay off, as in a service with no policy file (None: all)."""
    from .policy import Policy
    from .policy import PolicyError

    bundle = json.loads(engine.bundle_bytes)
    try:
        policy = Policy.load(None, bundle)
    except PolicyError:
        return None  # an older bundle without a policy has no packs either
    ids = [rule.id for rule in engine.compiled.rules]
    kept = frozenset(rule_id for rule_id in ids if not policy.drops(rule_id))
    return None if len(kept) == len(ids) else kept


def _read_input(args: argparse.Namespace) -> tuple[bytes | None, int]:
    try:
        stream = sys.stdin.buffer if args.file == "-" else open(args.file, "rb")
    except FileNotFoundError:
        return None, _fail(EXIT_NO_INPUT, f"no such file: {args.file}")
    except OSError as exc:
        return None, _fail(EXIT_NO_INPUT, f"cannot read {args.file}: {exc.strerror}")
    with stream:
        return stream.read(), 0


def _run_with_policy(args: argparse.Namespace, decider) -> int:
    from .cli_policy_scan import print_decision

    if args.format == "jsonl":
        import io

        data, code = _read_input(args)
        if data is None:
            return code
        return _scan_jsonl(None, io.BytesIO(data), args.locale, decider)
    data, code = _read_input(args)
    if data is None:
        return code
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _fail(EXIT_DATA, f"input is not UTF-8 (byte {exc.start})")
    answer = decider.scan(text, args.locale)
    if args.format == "json":
        print(json.dumps(answer, ensure_ascii=False))
    else:
        print_decision(answer)
    return EXIT_BY_VERDICT[answer["verdict"]]


def explain_lines(steps: list[dict]) -> list[str]:
    """The trace for people: rules that did not run, grouped by why; then each
    rule that ran, with every candidate and the stage that decided it."""
    lines = ["", "why (values masked):"]
    skipped: dict[str, list[str]] = {}
    ran: dict[str, list[str]] = {}
    for step in steps:
        rule_id, detail = step["rule_id"], step["detail"]
        if step["stage"] == "anchors" and step["outcome"] == "skipped":
            skipped.setdefault(detail, []).append(rule_id)
        elif step["stage"] == "anchors":
            ran[rule_id] = [f"{rule_id}: runs ({detail})"]
        elif "start" not in step:
            ran.setdefault(rule_id, [rule_id]).append(f"  {step['stage']}: {detail}")
        else:
            where = f"{step['start']}-{step['end']}  {step['preview']}"
            verdict = f"{step['outcome']} at {step['stage']}: {detail}"
            ran.setdefault(rule_id, [rule_id]).append(f"  {where}  {verdict}")
    for rule_lines in ran.values():
        lines += rule_lines
    for why, rule_ids in skipped.items():
        lines.append(f"not run ({why}): {', '.join(rule_ids)}")
    return lines


def _print_human(result) -> None:
    for f in result.findings:
        print(
            f"{f.severity.upper():8} {f.type:18} {f.start}-{f.end}  {f.preview}  "
            f"({f.rule_id}, score {f.score:.2f})"
        )
        print(f"         {f.message}")
    if result.findings_omitted:
        print(f"         ... and {result.findings_omitted} more finding(s) not listed")
    if any(f.type in LINK_TYPES for f in result.findings):
        print(f"note: {LINK_PREVIEW_NOTE}")
    for gap in result.incomplete:
        print(f"INCOMPLETE {gap['reason']}: {gap['rule_id'] or 'input'}")
    print(
        f"verdict: {result.verdict} ({len(result.findings)} finding(s), "
        f"rules {result.rules_version})"
    )


class BadLine(ValueError):
    """A JSONL line that cannot be scanned; the message says why, never what."""


def _record_of(raw: bytes) -> dict:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadLine(f"not UTF-8 (byte {exc.start + 1} of the line)") from None
    if not line.strip():
        raise BadLine("empty line")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(f"not JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise BadLine("not JSON (nested too deeply)") from None
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise BadLine("not a JSON object with a string `text`")
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise BadLine("holds a lone surrogate escape (such as \\ud800)") from None
    return record


def _scan_jsonl(engine, stream, locale: str | None, decider=None, only=None) -> int:
    """One output line per input line, in order, whatever the input holds.

    Lines end at ``\n`` only (JSON strings may hold a raw U+2028, U+2029 or
    U+0085) and each is decoded on its own, so one bad line costs only itself.
    Output is ASCII-only JSON, so no output line can be split by a reader.
    """
    worst, bad_lines, good_lines = 0, 0, 0
    out = sys.stdout
    for number, raw in enumerate(stream, start=1):
        try:
            record = _record_of(raw.removesuffix(b"\n"))
        except BadLine as problem:
            bad_lines += 1
            worst = max(worst, EXIT_BY_VERDICT["warn"])  # unchecked is never allow
            error = {"error": {"line": number, "message": str(problem)}}
            out.write(json.dumps(error) + "\n")
            continue
        good_lines += 1
        own_locale = record.get("locale")
        line_locale = own_locale if isinstance(own_locale, str) else locale
        if decider is not None:  # --policy: the service's answer, per line
            answer = decider.scan(record["text"], line_locale)
            record.update(
                verdict=answer["verdict"],
                complete=answer["complete"],
                findings=answer["findings"],
            )
            if answer["findings_omitted"]:
                record["findings_omitted"] = answer["findings_omitted"]
            if not answer["complete"]:
                record["incomplete"] = answer["incomplete"]
            out.write(json.dumps(record) + "\n")
            worst = max(worst, EXIT_BY_VERDICT[answer["verdict"]])
            continue
        result = engine.scan(record["text"], locale=line_locale, only=only)
        record.update(
            verdict=result.verdict,
            complete=result.complete,
            findings=[f.to_dict() for f in result.findings],
        )
        if result.findings_omitted:
            record["findings_omitted"] = result.findings_omitted
        if not result.complete:
            record["incomplete"] = result.incomplete
        out.write(json.dumps(record) + "\n")
        worst = max(worst, EXIT_BY_VERDICT[result.verdict])
    out.flush()
    if bad_lines:
        print(
            f"postguard scan: {bad_lines} input line(s) could not be scanned, see "
            "the error objects in the output",
            file=sys.stderr,
        )
        if not good_lines:
            return EXIT_DATA
    return worst
