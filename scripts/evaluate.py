#!/usr/bin/env python3
"""Accuracy of the engine on JSONL files in the corpus schema.

    python scripts/evaluate.py                      # every file in ../shared/corpus
    python scripts/evaluate.py FILE... [--json]

Positive files (``pii_*``, ``secrets_*``, ``values_*``): per-type recall (a labelled
span counts as found when a finding of the same type overlaps it) and precision (a
finding counts as correct when it overlaps a labelled span of its type). Clean and
negative files: posts flagged per 1,000, by type. Nothing from the text is printed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections import defaultdict
from pathlib import Path

from postguard.engine import Engine

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
POSITIVE_PREFIXES = ("pii_", "secrets_", "values_")


def kind_of(path: Path) -> str:
    name = path.name
    if name.startswith(POSITIVE_PREFIXES):
        return "positive"
    if name.startswith("clean_"):
        return "clean"
    if name.startswith("negatives_"):
        return "negative"
    return "other"


def records(path: Path):
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


class Tally:
    def __init__(self) -> None:
        self.labelled = Counter()
        self.found = Counter()
        self.reported = Counter()
        self.correct = Counter()
        self.posts = 0
        self.flagged_posts = 0
        self.flagged_by_type = Counter()

    def positive(self, record: dict, findings) -> None:
        self.posts += 1
        spans = record.get("spans", [])
        for span in spans:
            self.labelled[span["type"]] += 1
            if any(
                f.type == span["type"]
                and overlaps(f.start, f.end, span["start"], span["end"])
                for f in findings
            ):
                self.found[span["type"]] += 1
        for f in findings:
            self.reported[f.type] += 1
            if any(
                f.type == s["type"] and overlaps(f.start, f.end, s["start"], s["end"])
                for s in spans
            ):
                self.correct[f.type] += 1

    def unlabelled(self, findings) -> None:
        self.posts += 1
        if findings:
            self.flagged_posts += 1
            for kind in {f.type for f in findings}:
                self.flagged_by_type[kind] += 1

    def summary(self, detected_types: set[str]) -> dict:
        per_type = {}
        for kind in sorted(set(self.labelled) | set(self.reported)):
            labelled, reported = self.labelled[kind], self.reported[kind]
            per_type[kind] = {
                "labelled": labelled,
                "found": self.found[kind],
                "recall": round(self.found[kind] / labelled, 4) if labelled else None,
                "reported": reported,
                "precision": round(self.correct[kind] / reported, 4)
                if reported
                else None,
                "covered": kind in detected_types,
            }
        return {
            "posts": self.posts,
            "per_type": per_type,
            "flagged_posts": self.flagged_posts,
            "flagged_per_1000": round(1000 * self.flagged_posts / self.posts, 2)
            if self.posts
            else None,
            "flagged_by_type": dict(self.flagged_by_type.most_common()),
        }


def evaluate(paths: list[Path], engine: Engine, locale: str | None) -> dict:
    tallies: dict[str, Tally] = defaultdict(Tally)
    totals = {"positive": Tally(), "clean": Tally(), "negative": Tally()}
    for path in paths:
        kind = kind_of(path)
        for record in records(path):
            findings = engine.scan(record["text"], locale=locale).findings
            for tally in (tallies[path.name], totals.get(kind)):
                if tally is None:
                    continue
                if kind == "positive":
                    tally.positive(record, findings)
                else:
                    tally.unlabelled(findings)
    detected = {r.type for r in engine.rules}
    return {
        "rules_version": engine.rules_version,
        "files": {name: t.summary(detected) for name, t in sorted(tallies.items())},
        "totals": {kind: t.summary(detected) for kind, t in totals.items() if t.posts},
    }


CHECKSUMS = {"luhn", "verhoeff", "aba_routing", "iban", "stdnum"}


def chance_passes(engine: Engine, trials: int = 2000, seed: int = 7) -> dict:
    """Per checksum rule, the share of random numbers it reports when they stand
    alone (no context word): each trial takes one of the rule's own example values
    and replaces every digit with a random one, so the written form is the rule's.
    A checksum with one check digit passes one number in ten by chance."""
    rng = random.Random(seed)
    bundle = json.loads(engine.bundle_bytes)
    rates = {}
    for rule in bundle["rules"]:
        names = {v["name"] for v in rule.get("validators", [])}
        forms = [e["value"] for e in rule["examples"]["match"] if "value" in e]
        if not names & CHECKSUMS or not forms or rule["id"] not in engine.rule_ids:
            continue
        hits = 0
        for _ in range(trials):
            form = rng.choice(forms)
            value = "".join(
                rng.choice("0123456789") if c.isdigit() else c for c in form
            )
            hits += bool(engine.scan(value, only={rule["id"]}).findings)
        rates[rule["id"]] = {"trials": trials, "rate": round(hits / trials, 4)}
    return rates


def print_report(report: dict) -> None:
    print(f"rules {report['rules_version']}\n")
    positive = report["totals"].get("positive")
    if positive:
        print("Positives: per-type recall and precision (span overlap, same type)")
        print(
            f"{'type':22}{'labelled':>9}{'found':>7}{'recall':>8}{'reported':>9}"
            f"{'precision':>10}"
        )
        for kind, row in positive["per_type"].items():
            if not row["covered"]:
                continue
            recall = "-" if row["recall"] is None else f"{row['recall']:.3f}"
            precision = "-" if row["precision"] is None else f"{row['precision']:.3f}"
            print(
                f"{kind:22}{row['labelled']:>9}{row['found']:>7}{recall:>8}"
                f"{row['reported']:>9}{precision:>10}"
            )
        uncovered = [k for k, r in positive["per_type"].items() if not r["covered"]]
        print(f"labelled types with no rule yet: {', '.join(uncovered) or 'none'}\n")
    print("Clean and negative files: posts flagged per 1,000")
    for name, summary in report["files"].items():
        if name.startswith(POSITIVE_PREFIXES):
            continue
        by_type = ", ".join(f"{k} {v}" for k, v in summary["flagged_by_type"].items())
        print(
            f"  {name:42}{summary['posts']:>7} posts {summary['flagged_per_1000']:>8}"
            f"  {by_type}"
        )
    for kind in ("clean", "negative"):
        if kind in report["totals"]:
            total = report["totals"][kind]
            print(
                f"  {'ALL ' + kind:42}{total['posts']:>7} posts "
                f"{total['flagged_per_1000']:>8}"
            )
    print(
        "\nChance passes: random digits in each checksum rule's own example forms, "
        "scanned alone"
    )
    for rule_id, row in report["chance_passes"].items():
        print(f"  {rule_id:42}{row['rate']:>8.1%}  of {row['trials']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--bundle", type=Path, help="a rule bundle (default: packaged)")
    parser.add_argument("--locale", help="request locale for every record")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    paths = args.files or sorted(
        p for p in args.corpus.glob("*.jsonl") if kind_of(p) != "other"
    )
    if not paths:
        print(f"evaluate: no JSONL files (looked in {args.corpus})", file=sys.stderr)
        return 66
    engine = Engine.load(args.bundle)
    report = evaluate(paths, engine, args.locale)
    report["chance_passes"] = chance_passes(engine)
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
