#!/usr/bin/env python3
"""Benchmark the local check service over real HTTP (not a test; prints figures).

Starts the real ``postguard serve`` (gunicorn) on a free loopback port with a
throw-away POSTGUARD_HOME, then measures on keep-alive connections:

1. start-up: process start to the first 200 from /api/v1/health;
2. round trip p50/p99 of POST /api/v1/scan with 280- and 3,000-character posts
   next to the no-op route of the same server (POSTGUARD_BENCH_ENDPOINTS=1), which
   runs every security check and reads the body but scans nothing;
3. long drafts: a ~100 KB draft scanned cold, then again after a one-character
   edit (paragraph cache), next to a single paragraph;
4. sustained load: 200 requests/s for 60 s (``--quick``: 10 s), open loop, latency
   counted from each request's scheduled send time, errors = anything but 200.

Every scan sends a different text, so the result cache never flatters the
figures (except in step 3, where the cache is the point). The rate limiter stays on
with a limit far above the load (it is per client, and the load generator is one).

    python scripts/bench_service.py            # full run, about 75 s
    python scripts/bench_service.py --quick    # about 20 s
    python scripts/bench_service.py --json out.json
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

WORDS = ("launch team great quarter thanks everyone shipping today proud of "
         "what we built customers love the new dashboard join us at the meetup "
         "next week hiring engineers remote friendly coffee").split()
SECRETS = ["card 4111 1111 1111 1111", "call me on +1 415 555 2671",
           "ssn 123-45-6789"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def post_text(rng: random.Random, length: int, with_secret: bool = True) -> str:
    """A post of ``length`` characters, with one secret in the middle (or none)."""
    words, size = [], 0
    secret = rng.choice(SECRETS) if with_secret else ""
    while size < length - len(secret) - 1:
        word = rng.choice(WORDS)
        words.append(word)
        size += len(word) + 1
    text = " ".join(words)
    cut = rng.randrange(len(text) // 2)
    return (text[:cut] + " " + secret + " " + text[cut:])[:length]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict:
    return {"n": len(values), "p50_ms": round(percentile(values, 50), 3),
            "p99_ms": round(percentile(values, 99), 3),
            "mean_ms": round(statistics.fmean(values), 3)}


class Client:
    """One keep-alive connection with the token and JSON headers."""

    def __init__(self, port: int, token: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.headers = {"X-PostGuard-Token": token, "Content-Type": "application/json"}

    def post(self, path: str, payload: dict) -> tuple[int, bytes, float]:
        body = json.dumps(payload)
        started = time.perf_counter()
        self.conn.request("POST", path, body, self.headers)
        response = self.conn.getresponse()
        data = response.read()
        return response.status, data, (time.perf_counter() - started) * 1000

    def close(self) -> None:
        self.conn.close()


def start_server(home: Path, port: int) -> tuple[subprocess.Popen, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTGUARD_")}
    env.update(POSTGUARD_HOME=str(home), POSTGUARD_BENCH_ENDPOINTS="1",
               POSTGUARD_RATE_LIMIT_PER_SECOND="100000",
               POSTGUARD_RATE_LIMIT_BURST="100000")
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "postguard.cli", "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    while time.perf_counter() - started < 20:
        try:
            token = (home / "token").read_text().strip()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/api/v1/health", headers={"X-PostGuard-Token": token})
            if conn.getresponse().status == 200:
                conn.close()
                return process, time.perf_counter() - started
        except (OSError, http.client.HTTPException):
            time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    raise SystemExit("postguard serve did not start")


ROUTES = (("noop", "/api/v1/bench/noop"), ("scan", "/api/v1/scan"))
KINDS = ("clean", "secret")  # a post with nothing to find / with one secret


def round_trips(client: Client, rounds: int, rng: random.Random) -> dict:
    """Interleave no-op and scan, per size and kind, so all see the same machine."""
    times: dict[str, list[float]] = {}
    for index in range(rounds + 200):
        for size in (280, 3000):
            for kind in KINDS:
                payload = {"text": post_text(rng, size, kind == "secret"),
                           "platform": "linkedin"}
                for route, path in ROUTES:
                    status, _, ms = client.post(path, payload)
                    assert status == 200, status
                    if index >= 200:  # warm-up done
                        times.setdefault(f"{route}_{size}_{kind}", []).append(ms)
    return {key: summary(values) for key, values in times.items()}


def long_draft(client: Client, rng: random.Random) -> dict:
    paragraphs = [post_text(rng, 800) for _ in range(128)]
    draft = "\n\n".join(paragraphs)
    out = {"draft_chars": len(draft)}
    status, body, out["cold_ms"] = client.post("/api/v1/scan", {"text": draft})
    out["cold_server_ms"] = json.loads(body)["elapsed_ms"]
    edits = []
    for _ in range(20):
        at = rng.randrange(len(draft))
        draft = draft[:at] + rng.choice("abcdefgh") + draft[at + 1:]
        status, body, ms = client.post("/api/v1/scan", {"text": draft})
        edits.append((ms, json.loads(body)["elapsed_ms"]))
    out["edit_p50_ms"] = round(statistics.median(ms for ms, _ in edits), 3)
    out["edit_server_p50_ms"] = round(statistics.median(s for _, s in edits), 3)
    singles = []
    for _ in range(20):
        _, body, ms = client.post("/api/v1/scan", {"text": post_text(rng, 800)})
        singles.append((ms, json.loads(body)["elapsed_ms"]))
    out["one_paragraph_p50_ms"] = round(statistics.median(ms for ms, _ in singles), 3)
    out["one_paragraph_server_p50_ms"] = round(
        statistics.median(s for _, s in singles), 3)
    out["cold_ms"] = round(out["cold_ms"], 3)
    return out


def sustained(port: int, token: str, rate: int, seconds: int, workers: int = 4):
    """Open loop: request i is due at start + i/rate, whoever is free sends it."""
    total = rate * seconds
    due = iter(range(total))
    lock = threading.Lock()
    latencies, server_ms, errors = [], [], []
    start = time.perf_counter() + 0.2

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        client = Client(port, token)
        while True:
            with lock:
                index = next(due, None)
            if index is None:
                break
            scheduled = start + index / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            payload = {"text": post_text(rng, rng.choice((280, 3000)),
                                         rng.random() < 0.5),
                       "platform": "x"}
            try:
                status, body, _ = client.post("/api/v1/scan", payload)
            except (OSError, http.client.HTTPException) as exc:
                errors.append(type(exc).__name__)
                client.close()
                client = Client(port, token)
                continue
            done = time.perf_counter()
            with lock:
                latencies.append((done - scheduled) * 1000)
                if status != 200:
                    errors.append(status)
                else:
                    server_ms.append(json.loads(body)["elapsed_ms"])
        client.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return {"target_rps": rate, "seconds": seconds, "sent": total,
            "achieved_rps": round(total / elapsed, 1), "errors": len(errors),
            **summary(latencies), "p999_ms": round(percentile(latencies, 99.9), 3),
            "max_ms": round(max(latencies), 3),
            "server_elapsed": summary(server_ms)}


def machine() -> dict:
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"nproc": os.cpu_count(), "cpu": model, "loadavg_1m": load and load[0],
            "python": platform.python_version(), "os": platform.platform()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 s load, fewer rounds")
    parser.add_argument("--json", metavar="FILE", help="also write the figures here")
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as home:
        port = free_port()
        process, startup = start_server(Path(home), port)
        try:
            token = (Path(home) / "token").read_text().strip()
            client = Client(port, token)
            results = {"date": time.strftime("%Y-%m-%d"), "machine": machine(),
                       "startup_s": round(startup, 3),
                       "round_trip": round_trips(client, 300 if args.quick else 1000,
                                                 rng),
                       "long_draft": long_draft(client, rng)}
            client.close()
            results["sustained"] = sustained(port, token, 200, 10 if args.quick else 60)
            results["loadavg_1m_after"] = machine()["loadavg_1m"]
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
    trips = results["round_trip"]
    results["scan_over_noop_p50"] = {
        f"{size}_{kind}": round(trips[f"scan_{size}_{kind}"]["p50_ms"]
                                / trips[f"noop_{size}_{kind}"]["p50_ms"], 2)
        for size in (280, 3000) for kind in KINDS}
    print(json.dumps(results, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
