#!/usr/bin/env python3
"""In-process engine latency and throughput, all figures from one run.

    python scripts/bench.py [--json] [--rounds N]

Posts are cut from the corpus's clean tweets when ../shared/corpus is present (a
realistic mix of mentions, emoji, digits and URLs), else from a fixed synthetic
vocabulary. One post in ten carries a sensitive value, as drafts that trigger a
warning do. Reports p50/p99 for 280- and 3,000-character posts and MB/s over a
100 KB clean text.

A last section scans pathological inputs (thousands of findings, huge runs of
ignorable characters, long single tokens, many phone candidates): each must end
within twice the scan budget, or at least say it is incomplete.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import datetime
from datetime import timezone
from pathlib import Path

from postguard.engine import Engine
from postguard.engine.builtins import phone_number
from postguard.testing import percentile

REPO = Path(__file__).resolve().parents[1]
TWEETS = REPO.parent / "shared" / "corpus" / "clean_tweets_tweeteval.jsonl"
SENSITIVE = (
    "card 4111 1111 1111 1111 exp 09/27",
    "mail me at jane.doe@acme-corp.com",
    "call +44 20 7946 0958 tonight",
    "my password is hunter2!",
    "key AKIAZ7QF3RTYUIOPLKJH",
    "IBAN GB82 WEST 1234 5698 7654 32",
)
WORDS = (
    "the launch went well today thanks @user for 12 great ideas #ship it "
    "see you at 9:30 on 2024-05-01 lol 😂 new blog post https://t.co/x1 "
    "Q3 numbers look good, 3 of 5 teams done"
).split()


def clean_sentences(rng: random.Random) -> list[str]:
    if TWEETS.is_file():
        with TWEETS.open(encoding="utf-8") as handle:
            return [json.loads(line)["text"] for line in handle if line.strip()]
    return [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 25)))
        for _ in range(2000)
    ]


def make_post(rng, sentences, length: int, sensitive: bool) -> str:
    parts, size = [], 0
    if sensitive:
        parts.append(rng.choice(SENSITIVE))
        size = len(parts[0])
    while size < length:
        parts.append(rng.choice(sentences))
        size += len(parts[-1]) + 1
    rng.shuffle(parts)
    return " ".join(parts)[:length]


def latency(engine: Engine, posts: list[str], cold: bool = False) -> dict:
    """``cold`` empties the phone matcher's per-candidate cache before each scan:
    a first scan of a new draft, rather than a re-scan while typing."""
    for post in posts[:50]:
        engine.scan(post)  # warm caches
    timings = []
    for post in posts:
        if cold:
            phone_number.clear_cache()
        started = time.perf_counter()
        engine.scan(post)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "posts": len(posts),
        "p50_ms": round(statistics.median(timings), 4),
        "p99_ms": round(percentile(timings, 99), 4),
        "max_ms": round(timings[-1], 4),
    }


def throughput(engine: Engine, text: str, repeats: int) -> dict:
    size = len(text.encode("utf-8"))
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        engine.scan(text)
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    return {
        "bytes": size,
        "median_ms": round(median * 1000, 2),
        "mb_per_s": round(size / median / 1e6, 2),
    }


def pathological_cases() -> dict[str, str]:
    """Inputs built to be slow, each within the bundle's 100,000-character limit."""
    rng = random.Random(7)
    alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

    def token(length: int) -> str:
        return "".join(rng.choice(alnum) for _ in range(length))

    card = "4111 1111 1111 1111"
    distinct = [*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000), *range(0xAC00, 0xD7A4)]
    distinct += range(0x20000, 0x20000 + 100_000 - len(distinct))
    return {
        "5,000 email addresses": " ".join(f"u{i}@acme-corp.com" for i in range(5000)),
        "4,000 api_key= assignments": "\n".join(
            f"api_key={token(16)}" for _ in range(4000)
        ),
        "3,000 card numbers": " ".join([f"card {card}"] * 3000),
        "3,000 phone numbers": " ".join(f"+1 202-555-{i:04d}" for i in range(3000)),
        "99,970 zero-width chars, then a card": "\u200b" * 99_970 + f" card {card}",
        "50,000 zero-width chars between letters": "a\u200b" * 50_000,
        "50,000 ligatures (each grows), then a card": "\ufb01" * 50_000 + f" {card}",
        "90,000 full-width digits": "\uff11" * 90_000,
        "one 99,000-character token": "x" + token(98_999),
        "100,000 distinct characters": "".join(map(chr, distinct)),
    }


def pathological(engine: Engine, repeats: int) -> dict:
    """Per case: median and max time against the budget, and what the scan said.
    The phone matcher's cache is emptied before each scan: a first scan."""
    budget = engine.compiled.defaults["budget_ms"]
    rows = {}
    for name, text in pathological_cases().items():
        timings, results = [], []
        for _ in range(repeats):
            phone_number.clear_cache()
            started = time.perf_counter()
            results.append(engine.scan(text))
            timings.append((time.perf_counter() - started) * 1000)
        reasons = sorted({e["reason"] for r in results for e in r.incomplete})
        rows[name] = {
            "chars": len(text),
            "median_ms": round(statistics.median(timings), 1),
            "max_ms": round(max(timings), 1),
            "budget_ms": budget,
            "within_2x": max(timings) <= 2 * budget,
            "complete": all(r.complete for r in results),
            "incomplete_reasons": reasons,
            "findings": len(results[-1].findings),
            "findings_omitted": results[-1].findings_omitted,
        }
    return rows


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def run(rounds: int) -> dict:
    rng = random.Random(20261121)
    sentences = clean_sentences(rng)
    engine = Engine.load()
    report = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "rules_version": engine.rules_version,
        "rules": len(engine.rules),
        "corpus": "clean tweets" if TWEETS.is_file() else "synthetic",
    }
    for length, count in ((280, 20 * rounds), (3000, 2 * rounds)):
        posts = [make_post(rng, sentences, length, i % 10 == 0) for i in range(count)]
        clean = [make_post(rng, sentences, length, False) for _ in range(count)]
        report[f"latency_{length}"] = latency(engine, posts)
        report[f"latency_{length}_cold"] = latency(engine, posts, cold=True)
        report[f"latency_{length}_clean"] = latency(engine, clean)
    big = "\n".join(make_post(rng, sentences, 280, False) for _ in range(360))[:100_000]
    report["throughput_100kb"] = throughput(engine, big, repeats=max(5, rounds // 50))
    report["pathological"] = pathological(engine, repeats=max(3, rounds // 100))
    return report


def print_report(report: dict) -> None:
    m = report["machine"]
    print(f"{report['date']}  {m['cpu']}, {m['cores']} cores, Python {m['python']}")
    print(
        f"rules {report['rules_version']} ({report['rules']} rules), posts from "
        f"{report['corpus']}\n"
    )
    for key, label in (
        ("latency_280", "280 chars, 1 in 10 sensitive"),
        ("latency_280_cold", "  same, phone cache emptied"),
        ("latency_280_clean", "280 chars, clean"),
        ("latency_3000", "3,000 chars, 1 in 10 sensitive"),
        ("latency_3000_cold", "  same, phone cache emptied"),
        ("latency_3000_clean", "3,000 chars, clean"),
    ):
        row = report[key]
        print(
            f"{label:34} p50 {row['p50_ms']:.3f} ms   p99 {row['p99_ms']:.3f} ms"
            f"   ({row['posts']} posts)"
        )
    row = report["throughput_100kb"]
    print(
        f"{'100 KB clean text':34} {row['mb_per_s']:.1f} MB/s "
        f"(median {row['median_ms']:.1f} ms)"
    )
    print("\nPathological inputs (must end within 2x the budget or say incomplete)")
    for label, row in report["pathological"].items():
        said = (
            "complete"
            if row["complete"]
            else "incomplete: " + ", ".join(row["incomplete_reasons"])
        )
        print(
            f"{label:44} median {row['median_ms']:6.1f} ms  max {row['max_ms']:6.1f} ms"
            f"  ({row['max_ms'] / row['budget_ms']:.1f}x budget)  {said}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--rounds",
        type=int,
        default=500,
        help="280-char posts = 20 x rounds, 3,000-char = 2 x rounds",
    )
    args = parser.parse_args(argv)
    report = run(args.rounds)
    print(json.dumps(report, indent=1) if args.json else "", end="")
    if not args.json:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
