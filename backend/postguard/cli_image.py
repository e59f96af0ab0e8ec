"""``postguard scan --image FILE``: the attachment check on an image file.

The same analysis as the service's image endpoint (postguard.images): personal
metadata, barcodes and the text in the picture. The output has the text scan's
shape (``verdict``, ``findings``, ``complete``, ``incomplete``,
``findings_omitted``, ``rules_version``) plus the image's ``format``, ``width``,
``height``, ``location`` and ``checks``; each finding adds ``source``, ``where``
and ``box``. Exit codes are the text scan's; a file that is not a usable image
is 65 (bad input).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass

from .cli_scan import EXIT_BY_VERDICT
from .cli_scan import EXIT_DATA
from .cli_scan import EXIT_NO_INPUT
from .cli_scan import EXIT_SOFTWARE
from .cli_scan import EXIT_USAGE

VERDICT_RANK = {"allow": 0, "warn": 1, "block": 2}


def _fail(code: int, message: str) -> int:
    print(f"postguard scan: {message}", file=sys.stderr)
    return code


@dataclass
class EngineScanner:
    """The engine with the rules on by default, in the shape analyze_image wants
    (a DraftScanner's: ``.scan(text, locale)`` with findings as dicts)."""

    engine: object
    only: frozenset[str] | None

    @property
    def max_findings(self) -> int:
        return int(self.engine.compiled.defaults["max_findings"])  # type: ignore[attr-defined]

    def scan(self, text: str, locale: str | None = None, full_length=None):
        result = self.engine.scan(text, locale=locale, only=self.only)  # type: ignore[attr-defined]
        return _Result(
            [f.to_dict() for f in result.findings],
            result.incomplete,
            result.findings_omitted,
            result.omitted_rules,
        )


@dataclass
class _Result:
    findings: list[dict]
    incomplete: list[dict]
    findings_omitted: int
    omitted_rules: list[str]


def engine_verdict(engine, analysis) -> str:
    """What the engine alone says, as the text scan without --policy does: each
    severity's verdict from the bundle, and never allow when incomplete."""
    verdicts = engine.compiled.defaults["verdicts"]
    kinds = [*analysis.findings, *analysis.unlisted]
    verdict = max(
        (verdicts[f["severity"]] for f in kinds),
        key=VERDICT_RANK.__getitem__,
        default="allow",
    )
    if not analysis.complete and verdict == "allow":
        verdict = "warn"
    return verdict


def image_answer(analysis, verdict: str, findings: list[dict], **extra) -> dict:
    return {
        "verdict": verdict,
        "findings": findings,
        "rules_version": analysis.rules_version,
        "complete": analysis.complete,
        "incomplete": [dict(item) for item in analysis.incomplete],
        "findings_omitted": analysis.findings_omitted + extra.pop("omitted", 0),
        "format": analysis.format,
        "width": analysis.width,
        "height": analysis.height,
        "location": analysis.location,
        "checks": dict(analysis.checks),
        **extra,
    }


def run(args: argparse.Namespace) -> int:
    from .images import ImageError

    if args.file != "-":
        return _fail(EXIT_USAGE, "give either --image FILE or a text file, not both")
    if args.format == "jsonl" or args.explain:
        option = "--explain" if args.explain else "--format jsonl"
        return _fail(EXIT_USAGE, f"{option} does not combine with --image")
    try:
        with open(args.image, "rb") as stream:
            data = stream.read()
    except FileNotFoundError:
        return _fail(EXIT_NO_INPUT, f"no such file: {args.image}")
    except OSError as exc:
        return _fail(EXIT_NO_INPUT, f"cannot read {args.image}: {exc.strerror}")
    try:
        if args.policy:
            answer = _with_policy(args, data)
            if isinstance(answer, int):
                return answer
        else:
            answer = _without_policy(args, data)
            if isinstance(answer, int):
                return answer
    except ImageError as exc:
        return _fail(EXIT_DATA, f"{args.image}: {exc.message} ({exc.code})")
    if args.format == "json":
        print(json.dumps(answer, ensure_ascii=False))
    else:
        print_image_answer(answer)
    return EXIT_BY_VERDICT[answer["verdict"]]


def _without_policy(args: argparse.Namespace, data: bytes) -> dict | int:
    from .cli_scan import rules_on_by_default
    from .engine import BundleError
    from .engine import Engine
    from .images import analyze_image

    try:
        engine = Engine.load(args.bundle or os.environ.get("POSTGUARD_BUNDLE"))
    except (OSError, ValueError, BundleError) as exc:
        return _fail(EXIT_SOFTWARE, f"cannot load the rule bundle: {exc}")
    scanner = EngineScanner(engine, rules_on_by_default(engine))
    analysis = analyze_image(data, scanner, locale=args.locale, ocr=not args.no_ocr)
    return image_answer(analysis, engine_verdict(engine, analysis), analysis.findings)


def _with_policy(args: argparse.Namespace, data: bytes) -> dict | int:
    from .cli_scan import _policy_scan

    decider = _policy_scan(args)
    if isinstance(decider, int):
        return decider
    return decider.image(data, args.locale, ocr=not args.no_ocr)


def _where(finding: dict) -> str:
    box = finding.get("box")
    if not box:
        return finding["where"]
    return f"{finding['where']} at {box['x']},{box['y']} {box['width']}x{box['height']}"


def print_image_answer(answer: dict) -> None:
    for f in answer["findings"]:
        lead = f.get("action", f["severity"]).upper()
        print(f"{lead:8} {f['type']:18} {_where(f)}  {f['preview']}  ({f['rule_id']})")
        print(f"         {f['message']}")
    if answer["findings_omitted"]:
        print(f"         ... and {answer['findings_omitted']} more finding(s)")
    for gap in answer["incomplete"]:
        print(f"INCOMPLETE {gap['reason']}: {gap['rule_id'] or 'image'}")
    checks = ", ".join(f"{name} {state}" for name, state in answer["checks"].items())
    mode = f"policy mode {answer['mode']}, " if "mode" in answer else ""
    print(
        f"image: {answer['format']} {answer['width']}x{answer['height']}; "
        f"checks: {checks}"
    )
    print(
        f"verdict: {answer['verdict']} ({len(answer['findings'])} finding(s), "
        f"{mode}rules {answer['rules_version']})"
    )
