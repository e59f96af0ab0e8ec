#!/usr/bin/env python3
"""In-process engine latency and throughput, all figures from one run.

    python scripts/bench.py [--texts DIR] [--rounds N] [--times 1 5 10] [--json]

The figures that count are measured on the shared post texts: what
``python ../shared/bench/make_texts.py DIR`` writes (1,000 x 280, 300 x 3,000 and
3 x 100,000 characters, seed 42; hashtags, mentions, URLs, emoji, accents,
numbers, about one text or paragraph in ten carrying a planted item). Without
``--texts`` they are generated into a temporary directory. Reported: p50 and p99
per size, and the median MB/s (UTF-8 bytes / call time) over the three articles.

``--times`` repeats the measurements with the bundle's rules copied under new ids
(keywords and all): the engine's cost must stay flat as the rule count grows.

A "context guards" line gives what the guards add to a scan (impostor handles,
disclosure, quiet period) with a fictional organisation configured and a quiet
period open, on the same 280 and 3,000-character texts.

A second line, clearly labelled, gives MB/s on 100 KB of clean tweets (the
corpus's, when ../shared/corpus is present). A last section scans pathological
inputs (thousands of findings, huge runs of ignorable characters, long single
tokens, many phone candidates): each must end within twice the scan budget, or
at least say it is incomplete.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from datetime import timezone
from pathlib import Path

from postguard.engine import Engine
from postguard.engine.builtins import phone_number
from postguard.engine.guards import GuardData
from postguard.engine.guards import context_findings
from postguard.testing import percentile

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
MAKE_TEXTS = SHARED / "bench" / "make_texts.py"
TWEETS = SHARED / "corpus" / "clean_tweets_tweeteval.jsonl"
JS_BENCH = REPO / "scripts" / "bench_engine.mjs"
SIZES = (280, 3000, 100000)
# A fictional organisation, with a quiet period that is always open.
GUARD_POLICY = {
    "organization": {
        "names": ["Acme", "Acme Corp"],
        "products": ["Roadrunner"],
        "tickers": ["ACME"],
        "handles": {"x": ["@AcmeSupport", "@Acme"], "linkedin": ["acme"]},
        "disclosure": ["#AcmeEmployee", "I work at Acme"],
    },
    "quiet_periods": [
        {"name": "Always closed", "start": "2000-01-01", "end": "2999-12-31"}
    ],
}


def packaged_bundle() -> bytes:
    return (REPO / "backend" / "postguard" / "data" / "ruleset.json").read_bytes()


def multiplied(bundle: bytes, times: int, distinct: bool = False) -> bytes:
    """The bundle with every rule copied ``times - 1`` more times under new ids.
    Copies share their original's keywords and everything else, so the engine
    finds their candidates once; with ``distinct``, each copy's pattern is wrapped
    in its own number of ``(?:...)`` (same matches, another pattern), so every
    copy is searched on its own: the cost of many different rules."""
    data = json.loads(bundle)
    rules = data["rules"]
    copies = []
    for n in range(2, times + 1):
        for rule in rules:
            copy = {**rule, "id": f"{rule['id']}-copy{n}"}
            if distinct:
                copy["pattern"] = "(?:" * n + rule["pattern"] + ")" * n
            copies.append(copy)
    data["rules"] = sorted(rules + copies, key=lambda r: r["id"])
    kind = "distinct" if distinct else "copies"
    data["version"] = f"{data['version']}-x{times}-{kind}"
    return json.dumps(data).encode("utf-8")


def generated_texts() -> Path:
    """make_texts.py's texts (seed 42), written to a temporary directory."""
    if not MAKE_TEXTS.is_file():
        raise SystemExit(f"no texts: pass --texts DIR, or provide {MAKE_TEXTS}")
    directory = Path(tempfile.mkdtemp(prefix="postguard-bench-"))
    subprocess.run(
        [sys.executable, str(MAKE_TEXTS), str(directory), "--seed", "42"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return directory


def post_texts(directory: Path) -> dict[int, list[str]]:
    """Texts per size from make_texts.py's output."""
    texts = {}
    for size in SIZES:
        path = directory / f"posts-{size}.jsonl"
        with path.open(encoding="utf-8") as handle:
            texts[size] = [json.loads(line)["text"] for line in handle if line.strip()]
    return texts


def clean_text() -> tuple[str, str]:
    """100 KB of clean posts, one per line, and where they came from."""
    if TWEETS.is_file():
        with TWEETS.open(encoding="utf-8") as handle:
            posts = [json.loads(line)["text"] for line in handle if line.strip()]
        source = "clean tweets"
    else:
        rng = random.Random(20261121)
        words = "the launch went well today thanks for all the great ideas".split()
        posts = [" ".join(rng.choice(words) for _ in range(20)) for _ in range(2000)]
        source = "synthetic words"
    return "\n".join(posts)[:100_000], source


def _summary(timings: list[float]) -> dict:
    return {
        "scans": len(timings),
        "p50_ms": round(statistics.median(timings), 4),
        "p99_ms": round(percentile(timings, 99), 4),
    }


def latency(engines: dict[str, Engine], posts: list[str], rounds: int) -> dict:
    """Every post scanned ``rounds`` times by every engine after one warm-up pass
    (a draft is re-scanned on every pause in typing, so caches are warm). The
    engines take turns on each post, so a busy moment slows all of them alike."""
    timings: dict[str, list[float]] = {label: [] for label in engines}
    for post in posts:
        for engine in engines.values():
            engine.scan(post)
    for _ in range(rounds):
        for post in posts:
            for label, engine in engines.items():
                started = time.perf_counter()
                engine.scan(post)
                timings[label].append((time.perf_counter() - started) * 1000)
    return {label: _summary(values) for label, values in timings.items()}


def throughput(engines: dict[str, Engine], texts: list[str], repeats: int) -> dict:
    """Median MB/s over ``texts``, each the median of ``repeats`` scans (engines
    taking turns)."""
    rates: dict[str, list[float]] = {label: [] for label in engines}
    times: dict[str, list[float]] = {label: [] for label in engines}
    for text in texts:
        size = len(text.encode("utf-8"))
        timings: dict[str, list[float]] = {label: [] for label in engines}
        for engine in engines.values():
            engine.scan(text)
        for _ in range(repeats):
            for label, engine in engines.items():
                started = time.perf_counter()
                engine.scan(text)
                timings[label].append(time.perf_counter() - started)
        for label, values in timings.items():
            median = statistics.median(values)
            times[label].append(median * 1000)
            rates[label].append(size / median / 1e6)
    return {
        label: {
            "texts": len(texts),
            "mb_per_s": round(statistics.median(rates[label]), 2),
            "median_ms": round(statistics.median(times[label]), 2),
        }
        for label in engines
    }


def measure(
    engines: dict[str, Engine], texts: dict[int, list[str]], rounds: int
) -> dict:
    short = latency(engines, texts[280], rounds)
    long_ = latency(engines, texts[3000], rounds)
    big = throughput(engines, texts[100000], repeats=5 * rounds)
    return {
        label: {
            "rules": len(engine.rules),
            "latency_280": short[label],
            "latency_3000": long_[label],
            "throughput_100000": big[label],
        }
        for label, engine in engines.items()
    }


def guards_cost(bundle: bytes, texts: dict[int, list[str]], rounds: int) -> dict:
    """p50/p99 of the context guards alone, per text size: what they add."""
    guards = GuardData.from_bundle(json.loads(bundle))
    context = {
        "audience": "reply",
        "targets": [{"handle": "@AcmeSupp0rt", "kind": "reply_to"}],
    }
    report = {}
    for size in (280, 3000):
        timings = []
        for _ in range(rounds):
            for text in texts[size]:
                started = time.perf_counter()
                context_findings(
                    text,
                    context=context,
                    policy_data=GUARD_POLICY,
                    guard_data=guards,
                    platform="x",
                    today="2026-12-02",
                )
                timings.append((time.perf_counter() - started) * 1000)
        report[str(size)] = _summary(timings)
    return report


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


def js_figures(bundle: bytes, args: argparse.Namespace, texts_dir: Path) -> dict:
    """The JS twin (the extension's offline engine) on the same texts and bundles,
    through scripts/bench_engine.mjs; empty without node."""
    node = shutil.which("node")
    if node is None or args.no_js:
        return {}
    figures = {}
    with tempfile.TemporaryDirectory() as scratch:
        for times in args.times:
            for distinct in (False, True) if times > 1 else (False,):
                path = Path(scratch) / f"bundle-{times}-{distinct}.json"
                path.write_bytes(multiplied(bundle, times, distinct))
                label = f"{times} distinct" if distinct else str(times)
                done = subprocess.run(
                    [node, str(JS_BENCH), str(texts_dir), str(path), str(args.rounds)],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                figures[label] = json.loads(done.stdout)
    return figures


def run(args: argparse.Namespace) -> dict:
    texts_dir = args.texts or generated_texts()
    texts = post_texts(texts_dir)
    bundle = packaged_bundle()
    engine = Engine(bundle)
    report: dict = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "rules_version": engine.rules_version,
        "texts": {str(size): len(items) for size, items in texts.items()},
        "scaling": {},
    }
    engines = {}
    for times in args.times:
        engines[str(times)] = (
            engine if times == 1 else Engine(multiplied(bundle, times))
        )
    for times in args.times:
        if times > 1:
            distinct = multiplied(bundle, times, distinct=True)
            engines[f"{times} distinct"] = Engine(distinct)
    report["scaling"] = measure(engines, texts, args.rounds)
    report["guards"] = guards_cost(bundle, texts, args.rounds)
    report["js"] = js_figures(bundle, args, texts_dir)
    clean, source = clean_text()
    report["clean_100kb"] = {
        "source": source,
        **throughput({"1": engine}, [clean], repeats=5 * args.rounds)["1"],
    }
    report["pathological"] = pathological(engine, repeats=3)
    return report


def row_line(times: str, row: dict) -> str:
    """One bundle's figures: rule count, p50/p99 per size, MB/s over 100 KB."""
    short, long_ = row["latency_280"], row["latency_3000"]
    return (
        f"x{times:<12} {row['rules']:5}  "
        f"{short['p50_ms']:7.3f}ms {short['p99_ms']:7.3f}ms"
        f"  {long_['p50_ms']:7.3f}ms {long_['p99_ms']:7.3f}ms"
        f"  {row['throughput_100000']['mb_per_s']:5.1f} MB/s"
    )


def print_report(report: dict) -> None:
    m = report["machine"]
    print(f"{report['date']}  {m['cpu']}, {m['cores']} cores, Python {m['python']}")
    print(
        f"rules {report['rules_version']}; shared post texts (make_texts.py, seed 42)"
    )
    scaling = report["scaling"]
    base = scaling.get("1")
    print(
        f"\n{'bundle':13} {'rules':>5}  {'280 p50':>9} {'280 p99':>9}  "
        f"{'3,000 p50':>9} {'3,000 p99':>9}  {'100 KB':>10}"
    )
    for times, row in scaling.items():
        print(row_line(times, row))
    if base is not None:
        for times, row in scaling.items():
            if times == "1":
                continue
            ratios = [
                row["latency_280"]["p50_ms"] / base["latency_280"]["p50_ms"],
                row["latency_280"]["p99_ms"] / base["latency_280"]["p99_ms"],
                row["latency_3000"]["p50_ms"] / base["latency_3000"]["p50_ms"],
                row["latency_3000"]["p99_ms"] / base["latency_3000"]["p99_ms"],
                base["throughput_100000"]["mb_per_s"]
                / row["throughput_100000"]["mb_per_s"],
            ]
            print(f"x{times} / x1 cost: " + "  ".join(f"{r:.2f}" for r in ratios))
    guards = report["guards"]
    print(
        "\ncontext guards alone (fictional organisation, quiet period open): "
        + "  ".join(
            f"{size}: p50 {row['p50_ms']:.3f} ms, p99 {row['p99_ms']:.3f} ms"
            for size, row in guards.items()
        )
    )
    if report["js"]:
        print(f"\nJS engine (node {next(iter(report['js'].values()))['node']})")
        for times, row in report["js"].items():
            print(row_line(times, row))
    clean = report["clean_100kb"]
    print(
        f"\n(second figure) 100 KB of {clean['source']}: {clean['mb_per_s']:.1f} MB/s"
        f" (median {clean['median_ms']:.1f} ms)"
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
    parser.add_argument("--texts", type=Path, help="make_texts.py's output directory")
    parser.add_argument(
        "--rounds", type=int, default=3, help="timed passes over the post texts"
    )
    parser.add_argument("--no-js", action="store_true", help="skip the JS engine")
    parser.add_argument(
        "--times",
        type=int,
        nargs="+",
        default=[1, 5, 10],
        help="bundle multipliers (rules copied under new ids)",
    )
    args = parser.parse_args(argv)
    report = run(args)
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
