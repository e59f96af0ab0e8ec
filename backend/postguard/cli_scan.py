"""``postguard scan``: check text from a file or stdin.

Exit codes: 0 allow, 1 warn, 2 block (the worst verdict in batch mode);
64 usage error, 65 bad input (not UTF-8, a JSONL line that is not a JSON object
with a string ``text``), 66 input file not found, 70 the rule bundle is unusable.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

EXIT_BY_VERDICT = {"allow": 0, "warn": 1, "block": 2}
EXIT_DATA, EXIT_NO_INPUT, EXIT_SOFTWARE = 65, 66, 70


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "scan",
        help="scan text for leaks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", nargs="?", default="-", help="a file, or - for stdin")
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
    parser.set_defaults(handler=run)


def _fail(code: int, message: str) -> int:
    print(f"postguard scan: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from .engine import BundleError
    from .engine import Engine

    try:
        engine = Engine.load(args.bundle or os.environ.get("POSTGUARD_BUNDLE"))
    except (OSError, ValueError, BundleError) as exc:
        return _fail(EXIT_SOFTWARE, f"cannot load the rule bundle: {exc}")
    try:
        if args.file == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(args.file, "rb") as handle:
                data = handle.read()
        text = data.decode("utf-8")
    except FileNotFoundError:
        return _fail(EXIT_NO_INPUT, f"no such file: {args.file}")
    except UnicodeDecodeError as exc:
        return _fail(EXIT_DATA, f"input is not UTF-8 (byte {exc.start})")
    if args.format == "jsonl":
        return _scan_jsonl(engine, text, args.locale)
    result = engine.scan(text, locale=args.locale)
    if args.format == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        _print_human(result)
    return EXIT_BY_VERDICT[result.verdict]


def _print_human(result) -> None:
    for f in result.findings:
        print(
            f"{f.severity.upper():8} {f.type:18} {f.start}-{f.end}  {f.preview}  "
            f"({f.rule_id}, score {f.score:.2f})"
        )
        print(f"         {f.message}")
    for gap in result.incomplete:
        print(f"INCOMPLETE {gap['reason']}: {gap['rule_id'] or 'input'}")
    print(
        f"verdict: {result.verdict} ({len(result.findings)} finding(s), "
        f"rules {result.rules_version})"
    )


def _scan_jsonl(engine, text: str, locale: str | None) -> int:
    worst, bad_lines = 0, 0
    out = sys.stdout
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            record = None
            reason = f"not JSON ({exc.msg} at column {exc.colno})"
        if record is not None and not (
            isinstance(record, dict) and isinstance(record.get("text"), str)
        ):
            record, reason = None, "not a JSON object with a string `text`"
        if record is None:
            bad_lines += 1
            error = {"error": {"line": number, "message": reason}}
            out.write(json.dumps(error) + "\n")
            continue
        own_locale = record.get("locale")
        result = engine.scan(
            record["text"], locale=own_locale if isinstance(own_locale, str) else locale
        )
        record.update(
            verdict=result.verdict,
            complete=result.complete,
            findings=[f.to_dict() for f in result.findings],
        )
        if not result.complete:
            record["incomplete"] = result.incomplete
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        worst = max(worst, EXIT_BY_VERDICT[result.verdict])
    if bad_lines:
        print(
            f"postguard scan: {bad_lines} input line(s) skipped, see the error "
            "objects in the output",
            file=sys.stderr,
        )
        return EXIT_DATA
    return worst
