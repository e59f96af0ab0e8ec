"""One analysis per image: metadata, barcodes, then text, under one deadline.

A check that runs out of time is "timeout", one that cannot run is
"unavailable", one that breaks is "failed"; any of them makes the analysis
incomplete, and an incomplete analysis is never reported as clean.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from dataclasses import field

from . import barcodes
from . import metadata
from . import ocr
from .findings import deduplicated
from .findings import engine_finding
from .findings import public
from .findings import ranked
from .load import frame_numbers
from .load import open_image
from .load import shown_frames

DEFAULT_MAX_FINDINGS = 100
# Tesseract is not started with less time than this left.
MIN_OCR_SECONDS = 0.05
DONE_STATES = ("done", "skipped")
# An animation's frames are read as one stacked picture of at most this size.
MAX_STACKED_PIXELS = 16_000_000


@dataclass(frozen=True)
class ImageAnalysis:
    format: str
    width: int
    height: int
    findings: list[dict]
    location: bool
    checks: dict[str, str]
    complete: bool
    rules_version: str
    findings_omitted: int = 0
    incomplete: list[dict] = field(default_factory=list)
    # {rule_id, category, severity} of the findings past the cap, so a policy
    # can count them for the verdict (decide's ``unlisted``).
    unlisted: list[dict] = field(default_factory=list)


class _Run:
    """What one analysis collects."""

    def __init__(self, scanner, locale: str | None, deadline: float) -> None:
        self.scanner = scanner
        self.locale = locale
        self.deadline = deadline
        self.findings: list[dict] = []
        self.incomplete: list[dict] = []
        self.unlisted: list[dict] = []
        self.omitted = 0  # findings the engine's own cap left out
        self.engine = getattr(scanner, "engine", None)

    def left(self) -> float:
        return self.deadline - time.perf_counter()

    def gap(self, item: dict) -> None:
        if item not in self.incomplete:
            self.incomplete.append(dict(item))

    def engine_result(self, result) -> None:
        """Keep what the engine says it could not check or did not list."""
        for item in result.incomplete:
            self.gap(item)
        self.omitted += result.findings_omitted
        if result.findings_omitted and self.engine is not None:
            self.unlisted += self.engine.rule_kinds(result.omitted_rules)


def policy_base(scanner) -> str:
    """The policy page the bundle's rules link to (without a fragment)."""
    engine = getattr(scanner, "engine", None)
    for rule in getattr(getattr(engine, "compiled", None), "rules", ()):
        if getattr(rule, "policy_url", ""):
            return str(rule.policy_url).split("#", 1)[0]
    return ""


def analyze_image(
    data: bytes,
    scanner,
    *,
    locale: str | None = None,
    ocr: bool = True,  # noqa: A002 - the contract's name
    budget_ms: float = 4000.0,
) -> ImageAnalysis:
    """Analyse one image file's bytes; raises ImageError for a file that is not
    a usable image. ``scanner``: the text scan's (``.scan(text, locale)``)."""
    started = time.perf_counter()
    run = _Run(scanner, locale, started + budget_ms / 1000)
    loaded = open_image(data)
    base = policy_base(scanner)
    checks: dict[str, str] = {}
    location = False
    try:
        found, location = metadata.read(loaded.image, base)
        run.findings += found
        checks["metadata"] = "done"
    except Exception:  # noqa: BLE001 - a hostile file must not break the scan
        checks["metadata"] = "failed"
    numbers = frame_numbers(loaded.frames)
    if len(numbers) < loaded.frames:
        run.gap({"rule_id": None, "reason": "frames_skipped"})
    checks["barcodes"] = _barcodes(run, loaded, numbers, base)
    if not ocr:
        checks["text"] = "skipped"
    else:
        checks["text"] = _text(run, loaded, numbers)
    listed = ranked(deduplicated(run.findings))
    limit = getattr(scanner, "max_findings", DEFAULT_MAX_FINDINGS)
    cut = listed[limit:]
    run.unlisted += [
        {k: f[k] for k in ("rule_id", "category", "severity")} for f in cut
    ]
    width, height = loaded.size
    complete = all(s in DONE_STATES for s in checks.values()) and not run.incomplete
    return ImageAnalysis(
        format=loaded.format,
        width=width,
        height=height,
        findings=[public(f) for f in listed[:limit]],
        location=location,
        checks=checks,
        complete=complete,
        rules_version=_rules_version(scanner),
        findings_omitted=len(cut) + run.omitted,
        incomplete=run.incomplete,
        unlisted=run.unlisted,
    )


def _rules_version(scanner) -> str:
    engine = getattr(scanner, "engine", None)
    return str(getattr(engine, "rules_version", "") or "")


def _barcodes(run: _Run, loaded, numbers: list[int], base: str) -> str:
    seen: set[str] = set()
    for frame in shown_frames(loaded, numbers):
        if run.left() <= 0:
            return "timeout"
        try:
            codes = barcodes.decode(frame)
        except Exception:  # noqa: BLE001 - zxing on a hostile frame
            return "failed"
        for code in codes:
            if code.text in seen:  # the same code in several frames
                continue
            seen.add(code.text)
            found, result = barcodes.findings_for(code, run.scanner, run.locale, base)
            run.findings += found
            run.engine_result(result)
    return "done"


def _text(run: _Run, loaded, numbers: list[int]) -> str:
    status = ocr.ocr_status()
    if not status["available"]:
        return "unavailable"
    lang = ocr.languages_for(run.locale, status["languages"])
    width, height = loaded.size
    fit = max(1, MAX_STACKED_PIXELS // max(1, width * height))
    if fit < len(numbers):
        run.gap({"rule_id": None, "reason": "frames_skipped"})
    frames = list(shown_frames(loaded, numbers[:fit]))
    seconds = run.left()
    if seconds < MIN_OCR_SECONDS:
        return "timeout"
    try:
        read = ocr.read_text(frames, timeout_s=seconds, lang=lang)
    except ocr.OcrUnavailable:
        return "unavailable"
    except ocr.OcrTimeout:
        return "timeout"
    except ocr.OcrFailed:
        return "failed"
    del frames
    if not read.text:
        return "done"
    result = run.scanner.scan(read.text, run.locale)
    run.engine_result(result)
    for finding in result.findings:
        value = read.text[finding["start"] : finding["end"]]
        run.findings.append(
            engine_finding(
                finding,
                source="text",
                where="text in the image",
                value=value,
                box=read.box_for(finding["start"], finding["end"]),
            )
        )
    return "done"
