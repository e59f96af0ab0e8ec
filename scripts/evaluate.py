#!/usr/bin/env python3
"""Accuracy of the engine on JSONL files in the corpus schema.

    python scripts/evaluate.py                      # every file in ../shared/corpus
    python scripts/evaluate.py FILE... [--json]

Positive files (``pii_*``, ``secrets_*``, ``values_*``): per-type recall (a labelled
span counts as found when a finding of the same type overlaps it) and precision (a
finding counts as correct when it overlaps a labelled span of its type). Clean and
negative files: posts flagged per 1,000, by type. Context guards: clean posts
flagged per 1,000 by each guard, with a fictional organisation configured and with
a stress configuration (brand names and @handles frequent in the corpus). Nothing
from the text is printed.

Everything runs under the bundle's default policy, where no regulated wording pack
is enabled: their findings are left out, as the service drops them. Apart, per
pack: clean posts flagged per 1,000 with that pack enabled.
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
from postguard.engine.guards import GuardData
from postguard.engine.guards import context_findings
from postguard.policy import Policy

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


# Types the corpus README calls context-only: left out of the presidio target.
CONTEXT_ONLY = {
    "DATE_TIME",
    "LOCATION",
    "ORGANIZATION",
    "TITLE",
    "AGE",
    "NRP",
    "ZIP_CODE",
    "DOMAIN_NAME",
    "URL",
    "MAC_ADDRESS",
    "CRYPTO_WALLET",
}
# Negatives: the types each negative file's `expected_absent` names, as families
# (a SECRET negative reported as a password or JWT is still that false alarm).
CREDENTIAL_TYPES = {
    "SECRET",
    "PASSWORD",
    "JWT",
    "PRIVATE_KEY",
    "URL_WITH_CREDENTIALS",
}
# (file, what it counts, target, "min" for recall or "max" for a rate)
TARGETS = [
    ("pii_presidio_tests.jsonl", "recall, types in scope", 0.95, "min"),
    ("secrets_gitleaks.jsonl", "recall", 0.95, "min"),
    ("secrets_trufflehog.jsonl", "recall", 0.85, "min"),
    ("secrets_credsweeper.jsonl", "recall", 0.85, "min"),
    ("secrets_detect_secrets.jsonl", "recall", 0.95, "min"),
    ("values_test_cards.jsonl", "recall", 0.98, "min"),
    ("values_phone_examples.jsonl", "recall, international and E.164", 0.90, "min"),
    ("clean_*", "posts per 1,000 at warn or above", 2.0, "max"),
    ("negatives_*", "share flagged with the type they are negative for", 0.02, "max"),
]


def accepted_types(span: dict) -> set[str]:
    """The finding types that count for a labelled span. presidio labels its
    Philippine and Turkish phone recognisers' spans NATIONAL_ID (subtype
    PH_MOBILE_NUMBER, TR_PHONE_NUMBER): a phone finding is the right answer. It also
    labels company and tax numbers (SG_UEN, AU_ABN, IN_GSTIN, ...) NATIONAL_ID, where
    the rules say TAX_ID: one family. Credentials are one family too, as for the
    negatives: a password inside a connection string is reported as
    URL_WITH_CREDENTIALS, a JWT-shaped API key as JWT, and it is the same leak (the
    per-type table below stays exact)."""
    subtype = span.get("subtype") or ""
    if subtype.endswith(("PHONE_NUMBER", "MOBILE_NUMBER")):
        return {span["type"], "PHONE"}
    if span["type"] == "NATIONAL_ID":
        return {"NATIONAL_ID", "TAX_ID"}
    if span["type"] in CREDENTIAL_TYPES:
        return CREDENTIAL_TYPES
    return {span["type"]}


def span_in_target(path: Path, span: dict) -> bool:
    if path.name == "pii_presidio_tests.jsonl":
        return span["type"] not in CONTEXT_ONLY
    if path.name == "values_phone_examples.jsonl":
        return span.get("subtype", "").endswith(("/E164", "/INTERNATIONAL"))
    return True


def negated_by(record: dict, finding) -> bool:
    absent = set(record.get("expected_absent") or ())
    if "ALL" in absent:
        return True
    if "SECRET" in absent:
        absent |= CREDENTIAL_TYPES
    return finding.type in absent


class TargetTally:
    """The issue's acceptance figures: per-file recall on the spans in scope, clean
    posts at warn or above, negatives flagged with the type they are negative for."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.rules: dict[str, Counter] = defaultdict(Counter)

    def add(self, path: Path, kind: str, record: dict, findings) -> None:
        name = path.name
        if kind == "positive":
            count = self.counts[name]
            for span in record.get("spans", []):
                if not span_in_target(path, span):
                    continue
                count["labelled"] += 1
                count["found"] += any(
                    f.type in accepted_types(span)
                    and overlaps(f.start, f.end, span["start"], span["end"])
                    for f in findings
                )
        elif kind == "clean":
            loud = [
                f
                for f in findings
                if self.policy.action_for(f.to_dict()) not in ("allow", "audit")
            ]
            self.counts["clean_*"]["posts"] += 1
            self.counts["clean_*"]["flagged"] += bool(loud)
            for rule in {f.rule_id for f in loud}:
                self.rules["clean_*"][rule] += 1
        elif kind == "negative":
            wrong = [f for f in findings if negated_by(record, f)]
            for key in (name, "negatives_*"):
                self.counts[key]["posts"] += 1
                self.counts[key]["flagged"] += bool(wrong)
            for rule in {f.rule_id for f in wrong}:
                self.rules["negatives_*"][rule] += 1

    def summary(self) -> list[dict]:
        rows = []
        for name, measure, target, direction in TARGETS:
            count = self.counts.get(name)
            if not count:
                continue
            if direction == "min":
                value = (
                    count["found"] / count["labelled"] if count["labelled"] else None
                )
                size = count["labelled"]
            elif name == "clean_*":
                value = 1000 * count["flagged"] / count["posts"]
                size = count["posts"]
            else:
                value = count["flagged"] / count["posts"]
                size = count["posts"]
            met = value is not None and (
                value >= target if direction == "min" else value <= target
            )
            rows.append(
                {
                    "set": name,
                    "measure": measure,
                    "size": size,
                    "value": None if value is None else round(value, 4),
                    "target": target,
                    "met": met,
                    "rules": dict(self.rules[name].most_common(12)),
                }
            )
        for name, count in sorted(self.counts.items()):
            if name.startswith("negatives_") and name != "negatives_*":
                rows.append(
                    {
                        "set": name,
                        "measure": "share flagged (detail)",
                        "size": count["posts"],
                        "value": round(count["flagged"] / count["posts"], 4),
                        "target": None,
                        "met": None,
                        "rules": {},
                    }
                )
        return rows


class PackTally:
    """Clean posts flagged at warn or above by each regulated wording pack, with
    only that pack enabled in the default policy."""

    def __init__(self, policy: Policy, bundle: dict) -> None:
        self.enabled = {
            pack: Policy.from_data(
                {**policy.data, "regulated_packs": [pack]}, bundle["rules"]
            )
            for pack in sorted(set(policy.packs.values()))
        }
        self.posts = 0
        self.flagged: Counter[str] = Counter()
        self.rules: dict[str, Counter] = defaultdict(Counter)

    def add(self, findings) -> None:
        self.posts += 1
        for pack, policy in self.enabled.items():
            loud = {
                f.rule_id
                for f in findings
                if policy.packs.get(f.rule_id) == pack
                and policy.action_for(f.to_dict()) not in ("allow", "audit")
            }
            self.flagged[pack] += bool(loud)
            self.rules[pack].update(loud)

    def summary(self) -> dict:
        return {
            pack: {
                "posts": self.posts,
                "flagged": self.flagged[pack],
                "flagged_per_1000": round(1000 * self.flagged[pack] / self.posts, 2)
                if self.posts
                else None,
                "target": PACK_TARGET,
                "rules": dict(self.rules[pack].most_common(12)),
            }
            for pack in self.enabled
        }


PACK_TARGET = 0.5  # clean posts per 1,000 flagged by one regulated pack (issue 14)


def evaluate(paths: list[Path], engine: Engine, locale: str | None) -> dict:
    tallies: dict[str, Tally] = defaultdict(Tally)
    totals = {"positive": Tally(), "clean": Tally(), "negative": Tally()}
    bundle = json.loads(engine.bundle_bytes)
    policy = Policy.load(None, bundle)
    targets = TargetTally(policy)
    packs = PackTally(policy, bundle)
    for path in paths:
        kind = kind_of(path)
        for record in records(path):
            raw = engine.scan(record["text"], locale=locale).findings
            if kind == "clean":
                packs.add(raw)
            # The default policy drops the packs it leaves off, as the service does.
            findings = [f for f in raw if not policy.drops(f.rule_id)]
            targets.add(path, kind, record, findings)
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
        "targets": targets.summary(),
        "packs": packs.summary() if packs.posts else {},
    }


# The context guards on clean posts (issue 14), inside a quiet period that covers
# GUARD_TODAY. "fictional": an organisation no post names, the everyday case.
# "stress": brand names, tickers and @handles that are frequent in the corpus, as
# if the employer were one of them: the worst case for false alarms.
GUARD_TODAY = "2026-12-02"
_WINDOW = [{"name": "Blackout", "start": "2026-11-01", "end": "2027-01-31"}]
GUARD_CONFIGS = {
    "fictional": {
        "organization": {
            "names": ["Acme", "Acme Corp"],
            "products": ["Roadrunner"],
            "tickers": ["ACME"],
            "handles": {"x": ["@AcmeSupport", "@Acme"]},
            "disclosure": ["#AcmeEmployee"],
        },
        "quiet_periods": _WINDOW,
    },
    "stress": {
        "organization": {
            "names": ["Disney", "Apple", "Amazon", "Google", "Starbucks"],
            "products": ["iPhone", "YouTube"],
            "tickers": ["DIS", "AAPL", "AMZN", "GOOGL", "SBUX"],
            "handles": {
                "x": [
                    "@user",
                    "@realDonaldTrump",
                    "@HillaryClinton",
                    "@POTUS",
                    "@SpeakerRyan",
                    "@wikileaks",
                    "@samsung",
                ]
            },
        },
        "quiet_periods": _WINDOW,
    },
}
GUARD_TARGETS = {
    "affiliation-disclosure": 2.0,
    "impostor-handle": 0.5,
    "quiet-period": 0.5,
}


def guard_rates(paths: list[Path], engine: Engine) -> dict:
    """Per configuration and guard: clean posts flagged, per 1,000."""
    guards = GuardData.from_bundle(json.loads(engine.bundle_bytes))
    clean = [p for p in paths if kind_of(p) == "clean"]
    texts = [record["text"] for path in clean for record in records(path)]
    report = {}
    for name, policy_data in GUARD_CONFIGS.items():
        flagged: Counter = Counter()
        for text in texts:
            found = context_findings(
                text,
                context=None,
                policy_data=policy_data,
                guard_data=guards,
                platform="x",
                today=GUARD_TODAY,
            )
            flagged.update({f["rule_id"] for f in found})
        report[name] = {
            rule_id: {
                "posts": len(texts),
                "flagged": flagged[rule_id],
                "per_1000": round(1000 * flagged[rule_id] / len(texts), 2)
                if texts
                else None,
                "target": target,
            }
            for rule_id, target in GUARD_TARGETS.items()
        }
    return report


def print_guards(report: dict) -> None:
    print("\nContext guards: clean posts flagged per 1,000 (targets: the fictional")
    print("organisation; stress: brand names and handles frequent in the corpus)")
    for name, rows in report.items():
        for rule_id, row in rows.items():
            mark = "met" if row["per_1000"] <= row["target"] else "over target"
            print(
                f"  {name:10}{rule_id:24}{row['posts']:>7} posts "
                f"{row['flagged']:>5} flagged {row['per_1000']:>7}  target "
                f"{row['target']:<4} {mark}"
            )


CHECKSUMS = {"luhn", "verhoeff", "aba_routing", "iban", "stdnum", "clabe"}


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


def print_targets(rows: list[dict]) -> None:
    print("Targets (issue 9)")
    for row in rows:
        value = "-" if row["value"] is None else f"{row['value']:.3f}"
        if row["target"] is None:
            print(f"  {row['set']:34}{row['size']:>6}  {value:>8}")
            continue
        mark = "met" if row["met"] else "NOT MET"
        print(
            f"  {row['set']:34}{row['size']:>6}  {value:>8}  target "
            f"{row['target']:<5} {mark:8} {row['measure']}"
        )
        if row["rules"]:
            fired = ", ".join(f"{k} {v}" for k, v in row["rules"].items())
            print(f"      rules: {fired}")
    print()


def print_report(report: dict) -> None:
    print(f"rules {report['rules_version']}\n")
    print_targets(report["targets"])
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
    if report["packs"]:
        print("\nRegulated wording packs: clean posts flagged per 1,000, pack enabled")
        for pack, row in report["packs"].items():
            mark = "met" if row["flagged_per_1000"] <= row["target"] else "NOT MET"
            fired = ", ".join(f"{k} {v}" for k, v in row["rules"].items())
            print(
                f"  {pack:42}{row['posts']:>7} posts {row['flagged_per_1000']:>8}"
                f"  target {row['target']} {mark}  {fired}"
            )
    print(
        "\nChance passes: random digits in each checksum rule's own example forms, "
        "scanned alone"
    )
    for rule_id, row in report["chance_passes"].items():
        print(f"  {rule_id:42}{row['rate']:>8.1%}  of {row['trials']}")
    if report.get("guards"):
        print_guards(report["guards"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--bundle", type=Path, help="a rule bundle (default: packaged)")
    parser.add_argument("--locale", help="request locale for every record")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--guards-only",
        action="store_true",
        help="only the context guards' figures (fast)",
    )
    args = parser.parse_args(argv)
    paths = args.files or sorted(
        p for p in args.corpus.glob("*.jsonl") if kind_of(p) != "other"
    )
    if not paths:
        print(f"evaluate: no JSONL files (looked in {args.corpus})", file=sys.stderr)
        return 66
    engine = Engine.load(args.bundle)
    if args.guards_only:
        report = {"guards": guard_rates(paths, engine)}
        if args.json:
            print(json.dumps(report, indent=1))
        else:
            print_guards(report["guards"])
        return 0
    report = evaluate(paths, engine, args.locale)
    report["chance_passes"] = chance_passes(engine)
    report["guards"] = guard_rates(paths, engine)
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
