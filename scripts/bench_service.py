#!/usr/bin/env python3
"""Benchmark the local check service over real HTTP (not a test; prints figures).

Starts the real ``postguard serve`` (gunicorn) on a free loopback port with a
throw-away POSTGUARD_HOME, then measures on keep-alive connections:

1. start-up: process start to the first 200 from /api/v1/health;
2. round trip p50/p99 of POST /api/v1/scan with 280- and 3,000-character posts
   next to the no-op route of the same server (POSTGUARD_BENCH_ENDPOINTS=1), which
   runs every security check and reads the body but scans nothing; plus the scan
   signed the way the extension signs it (HMAC over nonce, path and body, with the
   answer's proof checked);
3. long drafts: a ~100 KB draft scanned cold, then again after a one-character
   edit (paragraph cache), next to a single paragraph;
4. sustained load: 200 requests/s for 60 s (``--quick``: 10 s), open loop, latency
   counted from each request's scheduled send time, errors = anything but 200;
5. under attack: scan round trips while 200 sockets trickle their headers and 1,000
   sit idle (the slowloris defence), and how long the server takes to close them;
6. images: POST /api/v1/image p50/p99 for a 1-megapixel screenshot (a card number
   among lines of text) and a 12-megapixel photo, with OCR and on a second server
   with no Tesseract on its PATH (metadata and barcodes only), and the text scans'
   round trip while images are being checked.

Every scan sends a different text, so the result cache never flatters the
figures (except in step 3, where the cache is the point). The rate limiter stays on
with a limit far above the load (it is per client, and the load generator is one).

    python scripts/bench_service.py            # full run, about 3 minutes
    python scripts/bench_service.py --quick    # about 20 s
    python scripts/bench_service.py --json out.json
"""

from __future__ import annotations

import argparse
import base64
import http.client
import io
import json
import os
import platform
import random
import resource
import secrets
import selectors
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from postguard.signing import request_signature
from postguard.signing import response_proof
from postguard.testing import free_port
from postguard.testing import percentile
from postguard.testing import start_service

WORDS = (
    "launch team great quarter thanks everyone shipping today proud of "
    "what we built customers love the new dashboard join us at the meetup "
    "next week hiring engineers remote friendly coffee"
).split()
SECRETS = ["card 4111 1111 1111 1111", "call me on +1 415 555 2671", "ssn 123-45-6789"]


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


def summary(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 50), 3),
        "p99_ms": round(percentile(values, 99), 3),
        "mean_ms": round(statistics.fmean(values), 3),
    }


class Client:
    """One keep-alive connection with the token (or the extension's signature)."""

    def __init__(self, port: int, token: str, signed: bool = False):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.port, self.token, self.signed = port, token, signed
        self.headers = {"Content-Type": "application/json"}
        if not signed:
            self.headers["X-PostGuard-Token"] = token

    def _signature(self, path: str, body: bytes) -> dict:
        nonce = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
        host = f"127.0.0.1:{self.port}"
        signature = request_signature(self.token, nonce, "POST", host, path, body)
        return {"X-PostGuard-Nonce": nonce, "X-PostGuard-Signature": signature}

    def post(self, path: str, payload: dict) -> tuple[int, bytes, float]:
        body = json.dumps(payload).encode()
        started = time.perf_counter()
        headers = self.headers
        if self.signed:
            headers = {**headers, **self._signature(path, body)}
        self.conn.request("POST", path, body, headers)
        response = self.conn.getresponse()
        data = response.read()
        if self.signed:
            nonce = headers["X-PostGuard-Nonce"]
            # The extension checks the proof on every answer: so does this client.
            proof = response_proof(self.token, nonce, response.status, data)
            assert response.getheader("X-PostGuard-Proof") == proof
        return response.status, data, (time.perf_counter() - started) * 1000

    def close(self) -> None:
        self.conn.close()


ROUTES = (
    ("noop", "/api/v1/bench/noop", False),
    ("scan", "/api/v1/scan", False),
    ("scan_signed", "/api/v1/scan", True),
)
KINDS = ("clean", "secret")  # a post with nothing to find / with one secret


def round_trips(port: int, token: str, rounds: int, rng: random.Random) -> dict:
    """Interleave no-op and scans, per size and kind, so all see the same machine."""
    clients = {False: Client(port, token), True: Client(port, token, signed=True)}
    times: dict[str, list[float]] = {}
    for index in range(rounds + 200):
        for size in (280, 3000):
            for kind in KINDS:
                for route, path, signed in ROUTES:
                    # A text of its own per route: the service caches results.
                    payload = {
                        "text": post_text(rng, size, kind == "secret"),
                        "platform": "linkedin",
                    }
                    status, _, ms = clients[signed].post(path, payload)
                    assert status == 200, status
                    if index >= 200:  # warm-up done
                        times.setdefault(f"{route}_{size}_{kind}", []).append(ms)
    for client in clients.values():
        client.close()
    return {key: summary(values) for key, values in times.items()}


def under_attack(
    port: int, token: str, rng: random.Random, slow: int = 200, idle: int = 1000
) -> dict:
    """Scan round trips while ``slow`` sockets trickle headers and ``idle`` wait."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < slow + idle + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    head = (
        f"POST /api/v1/scan HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Length: 20\r\n"
    ).encode()
    attackers = [
        socket.create_connection(("127.0.0.1", port)) for _ in range(slow + idle)
    ]
    opened = time.perf_counter()
    stop = threading.Event()

    def trickle() -> None:
        for position in range(len(head)):
            if stop.wait(0.5):
                return
            for sock in attackers[:slow]:
                try:
                    sock.send(head[position : position + 1])
                except OSError:
                    pass

    trickler = threading.Thread(target=trickle)
    trickler.start()
    client = Client(port, token, signed=True)
    took = [
        client.post("/api/v1/scan", {"text": post_text(rng, 280)})[2]
        for _ in range(300)
    ][20:]
    client.close()
    watch = selectors.DefaultSelector()
    for sock in attackers:
        sock.setblocking(False)
        watch.register(sock, selectors.EVENT_READ)
    left = len(attackers)
    while left and time.perf_counter() - opened < 60:
        for key, _ in watch.select(timeout=0.2):
            try:
                while key.fileobj.recv(65536):
                    pass
            except BlockingIOError:
                continue
            except OSError:
                pass
            watch.unregister(key.fileobj)
            left -= 1
    stop.set()
    trickler.join()
    for sock in attackers:
        sock.close()
    return {
        "slow_sockets": slow,
        "idle_sockets": idle,
        "scan": summary(took),
        "all_closed_after_s": round(time.perf_counter() - opened, 1),
        "left_open": left,
    }


def long_draft(client: Client, rng: random.Random) -> dict:
    # Just under max_chars (100,000), so every scan of it is complete.
    paragraphs = [post_text(rng, 800) for _ in range(124)]
    draft = "\n\n".join(paragraphs)
    out = {"draft_chars": len(draft)}
    status, body, out["cold_ms"] = client.post("/api/v1/scan", {"text": draft})
    out["cold_server_ms"] = json.loads(body)["elapsed_ms"]
    edits = []
    for _ in range(20):
        at = rng.randrange(len(draft))
        draft = draft[:at] + rng.choice("abcdefgh") + draft[at + 1 :]
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
        statistics.median(s for _, s in singles), 3
    )
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
            payload = {
                "text": post_text(rng, rng.choice((280, 3000)), rng.random() < 0.5),
                "platform": "x",
            }
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
    return {
        "target_rps": rate,
        "seconds": seconds,
        "sent": total,
        "achieved_rps": round(total / elapsed, 1),
        "errors": len(errors),
        **summary(latencies),
        "p999_ms": round(percentile(latencies, 99.9), 3),
        "max_ms": round(max(latencies), 3),
        "server_elapsed": summary(server_ms),
    }


def screenshot_png() -> bytes:
    """1280 x 800, dark text on white in Pillow's sans-serif, a card among lines."""
    from PIL import Image
    from PIL import ImageDraw
    from PIL import ImageFont

    image = Image.new("RGB", (1280, 800), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=24)
    lines = [*(" ".join(WORDS[n : n + 9]) for n in range(0, 27, 3)), SECRETS[0]]
    for n, line in enumerate(lines):
        draw.text((40, 40 + 60 * n), line, fill=(30, 30, 30), font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def photo_jpeg() -> bytes:
    """4000 x 3000 (12 MP): smooth colour blocks with a little noise."""
    from PIL import Image

    rng = random.Random(3)
    small = Image.new("RGB", (40, 30))
    small.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(1200)])
    big = small.resize((4000, 3000), Image.Resampling.BICUBIC)
    noise = Image.effect_noise((4000, 3000), 12).convert("RGB")
    out = io.BytesIO()
    Image.blend(big, noise, 0.15).save(out, "JPEG", quality=90)
    return out.getvalue()


def image_trips(port: int, token: str, rounds: int) -> dict:
    """p50/p99 of POST /api/v1/image per picture, and scans meanwhile."""
    pictures = {"screenshot_1mp": screenshot_png(), "photo_12mp": photo_jpeg()}
    out: dict = {}
    scans: list[float] = []
    done = threading.Event()

    def scan_meanwhile() -> None:
        client, rng = Client(port, token), random.Random(9)
        while not done.is_set():
            _, _, elapsed = client.post("/api/v1/scan", {"text": post_text(rng, 280)})
            scans.append(elapsed)
            time.sleep(0.02)
        client.close()

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"X-PostGuard-Token": token, "Content-Type": "application/octet-stream"}
    thread = threading.Thread(target=scan_meanwhile)
    thread.start()
    try:
        for name, data in pictures.items():
            times, states = [], set()
            for n in range(rounds + 1):
                started = time.perf_counter()
                conn.request("POST", "/api/v1/image?platform=x", data, headers)
                response = conn.getresponse()
                answer = json.loads(response.read())
                if n:  # the first warms Tesseract up
                    times.append((time.perf_counter() - started) * 1000)
                states.add(answer.get("checks", {}).get("text", answer.get("error")))
            out[name] = {**summary(times), "bytes": len(data), "text": sorted(states)}
    finally:
        done.set()
        thread.join()
        conn.close()
    out["text_scans_meanwhile"] = summary(scans)
    return out


def images(port: int, token: str, rounds: int) -> dict:
    """image_trips on the server, then on one with no Tesseract on its PATH."""
    figures = {"with_ocr": image_trips(port, token, rounds)}
    with tempfile.TemporaryDirectory() as home:
        empty = Path(home) / "bin"
        empty.mkdir()
        service = start_service(
            Path(home) / "home",
            Path(home) / "serve.log",
            port=free_port(),
            PATH=str(empty),
            POSTGUARD_RATE_LIMIT_PER_SECOND="100000",
            POSTGUARD_RATE_LIMIT_BURST="100000",
        )
        try:
            figures["without_ocr"] = image_trips(service.port, service.token, rounds)
        finally:
            service.stop()
    return figures


def machine() -> dict:
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "loadavg_1m": load and load[0],
        "python": platform.python_version(),
        "os": platform.platform(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 s load, fewer rounds")
    parser.add_argument("--json", metavar="FILE", help="also write the figures here")
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as home:
        started = time.perf_counter()
        service = start_service(
            Path(home) / "home",
            Path(home) / "serve.log",
            port=free_port(),
            POSTGUARD_BENCH_ENDPOINTS="1",
            POSTGUARD_RATE_LIMIT_PER_SECOND="100000",
            POSTGUARD_RATE_LIMIT_BURST="100000",
        )
        startup = time.perf_counter() - started
        try:
            port, token = service.port, service.token
            results = {
                "date": time.strftime("%Y-%m-%d"),
                "machine": machine(),
                "startup_s": round(startup, 3),
                "round_trip": round_trips(
                    port, token, 300 if args.quick else 1000, rng
                ),
            }
            client = Client(port, token)
            results["long_draft"] = long_draft(client, rng)
            client.close()
            results["sustained"] = sustained(port, token, 200, 10 if args.quick else 60)
            results["under_attack"] = under_attack(port, token, rng)
            results["images"] = images(port, token, 5 if args.quick else 20)
            results["loadavg_1m_after"] = machine()["loadavg_1m"]
        finally:
            service.stop()
    trips = results["round_trip"]
    results["scan_over_noop_p50"] = {
        f"{size}_{kind}": round(
            trips[f"scan_{size}_{kind}"]["p50_ms"]
            / trips[f"noop_{size}_{kind}"]["p50_ms"],
            2,
        )
        for size in (280, 3000)
        for kind in KINDS
    }
    print(json.dumps(results, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
