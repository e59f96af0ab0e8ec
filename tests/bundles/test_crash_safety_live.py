"""Kill -9 the running service (gunicorn's master and worker: the whole process
group) while it applies a signed bundle, at many points, then start it again.

Each round offers a newer bundle, through ``bundle_file`` or through a live
central, waits until the worker has begun to take it up (its ``/proc/PID/io``
read count grows by the file's size, or, from central, by the credential's: the
poll has begun) and kills the group at a seeded random moment:

- ``build``: a random fraction (0 to 1.2) of the apply time measured on a first,
  unkilled update: in the fetch, verify or engine build, or around the swap;
- ``write``: at the first sign of the last-known-good copy being written (a new
  file named after it in HOME, or the copy changing): inside the write;
- ``fsync``: within 2 ms of the worker having written the copy's bytes (its
  write count): while they are fsynced and renamed;
- ``late``: up to 0.2 s after the service logged that it applied the bundle.

After each kill, ``HOME/signed-bundle.json`` is the old or the new envelope byte
for byte and verifies, and the new one if the service had said it applied it.
The older one goes back into ``bundle_file`` and the service starts again: it
runs exactly the copy's version (health, and the marker rule only that bundle has
fires, the other's does not), never zero rules (a packaged rule fires), refuses
the older bundle as a rollback when it kept the new one, and leaves no temp file
of a cut-short write behind. Across rounds both outcomes must occur.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sys
import time
from datetime import datetime
from datetime import timezone
from pathlib import Path

import pytest
from bundle_support import bundle_with_marker_rule
from bundle_support import marker_text
from bundle_support import signed
from bundle_support import write_pem

from postguard import bundle_signing as bs
from postguard.bundle_updates import LKG_NAME
from postguard.central_client import CREDENTIAL_NAME
from postguard.testing import cli_env
from postguard.testing import start_central
from postguard.testing import start_service

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads /proc/PID/io"
)

# Eight rounds of 3 to 4.5 s each (a service start, a poll, an apply); each mode
# and source occurs more than once, in a seeded order.
MODES = ["build"] * 3 + ["write"] * 2 + ["fsync", "late", "late"]
SOURCES = ["central"] * 3 + ["bundle_file"] * 5
SEED = 11
AWS_TEXT = "aws_access_key_id = AKIAZ7QF3RTYUIOPLKJH"  # a packaged rule's example


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text[text.rindex(")") + 2 :].split()  # state, ppid, ...


def worker_of(master: int) -> int:
    """gunicorn's one worker: the live process whose parent is the master."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat_fields(int(entry))
            if fields and int(fields[1]) == master and fields[0] not in "ZX":
                return int(entry)
    raise AssertionError("the service has no worker")


def io_counts(pid: int) -> tuple[int, int]:
    """Bytes the process has read and written so far (rchar, wchar)."""
    text = Path(f"/proc/{pid}/io").read_text()
    counts = dict(line.split(": ") for line in text.splitlines())
    return int(counts["rchar"]), int(counts["wchar"])


def wait_io(pid: int, index: int, floor: int, timeout: float = 20) -> float:
    """Wait until counter ``index`` of ``io_counts`` reaches ``floor``."""
    deadline = time.monotonic() + timeout
    while io_counts(pid)[index] < floor:
        assert time.monotonic() < deadline, "the worker never took up the bundle"
        time.sleep(0.0005)
    return time.monotonic()


def wait_gone(pid: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while (fields := _stat_fields(pid)) is not None and fields[0] not in "ZX":
        assert time.monotonic() < deadline, f"process {pid} outlived SIGKILL"
        time.sleep(0.005)


def copy_files(home: Path) -> set[str]:
    """The names in ``home`` that are about the copy (a temp file beside it)."""
    return {name for name in os.listdir(home) if LKG_NAME in name}


def wait_write(home: Path, before: set[str], copy: tuple | None) -> None:
    """Wait for the first sign of the copy being written: a new file named after
    it, or its inode, size or mtime changing."""
    deadline = time.monotonic() + 20
    while copy_files(home) <= before and stamp(home / LKG_NAME) == copy:
        assert time.monotonic() < deadline, "the worker never wrote the copy"
        time.sleep(0.0002)


def stamp(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def put(path: Path, data: bytes) -> None:
    """Publish ``bundle_file`` whole, by rename (as a sync tool should)."""
    temp = path.with_name(path.name + ".part")
    temp.write_bytes(data)
    os.replace(temp, path)


def health(server) -> dict:
    status, _, body = server.request("GET", "/api/v1/health")
    assert status == 200
    return json.loads(body)


def firing(server, versions) -> set[str]:
    text = " ".join([AWS_TEXT, *(marker_text(v) for v in versions)])
    status, _, body = server.request(
        "POST", "/api/v1/scan", {"text": text, "platform": "x"}
    )
    assert status == 200
    return {finding["rule_id"] for finding in json.loads(body)["findings"]}


def make_central(tmp_path, pinned: str):
    """Central's database with an admin and an enrolment token, then central."""
    from postguard.central import migrate
    from postguard.central import settings
    from postguard.central.store import Store
    from postguard.central.store import make_engine

    env = cli_env(
        tmp_path / "home-unused",
        POSTGUARD_CENTRAL_HOME=str(tmp_path / "central"),
        POSTGUARD_CENTRAL_KEYS=pinned,
        POSTGUARD_CENTRAL_WORKERS="1",
    )
    conf = settings.load(env, {})
    conf["HOME"].mkdir(mode=0o700, parents=True)
    engine = make_engine(conf["DB"])
    migrate.upgrade(engine)
    store = Store(engine, [bs.load_public_key(pinned)], conf["STATIC_DIR"])
    admin = store.create_admin("alice")
    enrolment = store.create_enrolment_token(None, 1, 1)
    engine.dispose()
    return start_central(env, tmp_path / "central.log"), admin, enrolment


def test_kill_9_during_updates_leaves_old_or_new_and_the_restart_runs_it(tmp_path, key):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    pinned = write_pem(tmp_path / "pinned.pub.pem", key)
    published = tmp_path / "cdn" / "bundle.signed.json"
    published.parent.mkdir()
    home, log = tmp_path / "home", tmp_path / "serve.log"
    lkg, credential = home / LKG_NAME, home / CREDENTIAL_NAME
    parked = home / "parked-credential.json"
    keys = [key.public_key()]
    chance = random.Random(SEED)
    rounds: list[dict] = []

    central, admin, enrolment = make_central(tmp_path, pinned)
    env = {
        "POSTGUARD_BUNDLE_KEYS": pinned,
        "POSTGUARD_BUNDLE_FILE": str(published),
        "POSTGUARD_BUNDLE_POLL_SECONDS": "1",
        "POSTGUARD_CENTRAL_URL": central.url,
        "POSTGUARD_CENTRAL_POLL_SECONDS": "1",
        "POSTGUARD_RATE_LIMIT_PER_SECOND": "0",
    }
    server = None
    try:
        # Version 1 waits in bundle_file and runs from the start; the service
        # enrols with central (nothing is published there yet). Version 2 is
        # applied by the poller, unkilled: how long an apply takes.
        first = signed(bundle_with_marker_rule(1), key, 1, now)
        put(published, first)
        server = start_service(home, log, POSTGUARD_ENROLMENT_TOKEN=enrolment, **env)
        deadline = time.monotonic() + 20
        while not credential.is_file():
            assert time.monotonic() < deadline, "the service never enrolled"
            time.sleep(0.02)
        old = signed(bundle_with_marker_rule(2), key, 2, now)
        worker = worker_of(server.process.pid)
        read0, _ = io_counts(worker)
        put(published, old)
        began = wait_io(worker, 0, read0 + len(old))
        while health(server)["bundle"]["version"] != 2:
            assert time.monotonic() < began + 20, "version 2 never ran"
            time.sleep(0.01)
        apply_seconds = time.monotonic() - began
        assert lkg.read_bytes() == old
        running = 2
        # Central stays out while a restarted service is checked: without its
        # credential (and no enrolment token) it cannot fetch. A central round
        # puts the credential back after publishing.
        os.replace(credential, parked)

        modes, sources = MODES[:], SOURCES[:]
        chance.shuffle(modes)
        chance.shuffle(sources)
        for n, mode, source in zip(
            range(3, 3 + len(modes)), modes, sources, strict=True
        ):
            fraction, jitter = chance.uniform(0.0, 1.2), chance.random()
            new = signed(bundle_with_marker_rule(n), key, n, now)
            worker = worker_of(server.process.pid)
            read0, wrote0 = io_counts(worker)
            if source == "central":
                status, _, body = central.request(
                    "POST", "/api/v1/admin/bundles?to=all", new, token=admin
                )
                assert status == 201, body
                # The poll begins with reading the credential (a socket's bytes
                # are not in rchar); the fetch and the apply follow.
                start_marker = parked.stat().st_size
                os.replace(parked, credential)
            else:
                start_marker = len(new)  # the apply begins with reading the file
                put(published, new)
            files, copy = copy_files(home), stamp(lkg)
            began = wait_io(worker, 0, read0 + start_marker)
            applied = f"applied signed rule bundle version {n} from {source}"
            if mode == "build":
                time.sleep(
                    max(0.0, began + fraction * apply_seconds - time.monotonic())
                )
            elif mode == "write":
                wait_write(home, files, copy)
            elif mode == "fsync":
                wait_io(worker, 1, wrote0 + len(new))
                time.sleep(jitter * 0.002)
            else:  # late: the service said it applied the bundle
                deadline = time.monotonic() + 20
                while applied not in log.read_text():
                    assert time.monotonic() < deadline, f"round {n}: never applied"
                    time.sleep(0.005)
                time.sleep(jitter * 0.2)
            server.stop(signal.SIGKILL)
            wait_gone(worker)
            if source == "central":
                os.replace(credential, parked)

            data = lkg.read_bytes()
            assert data in (old, new), f"round {n}: a torn copy of {len(data)} bytes"
            on_disk = bs.verify(data, keys, now, 0).header.version
            leftovers = list(home.glob(f".{LKG_NAME}.*.tmp"))
            rounds.append(
                {
                    "version": n,
                    "source": source,
                    "mode": mode,
                    "at": round(fraction, 2) if mode == "build" else None,
                    "outcome": "new" if on_disk == n else "old",
                    "temp_left": len(leftovers),
                    "logged": applied in log.read_text(),
                }
            )
            if rounds[-1]["logged"]:  # it ran: then it was on disk first
                assert on_disk == n, rounds[-1]

            put(published, old)  # refused as a rollback if the copy is the new one
            server = start_service(home, log, **env)
            status = health(server)
            bundle = status["bundle"]
            assert (bundle["version"], bundle["source"]) == (on_disk, "last_known_good")
            assert status["rules_version"] == f"9.{on_disk}.0-marker"
            other = running if on_disk == n else n
            rules = firing(server, [on_disk, other])
            assert f"marker-v{on_disk}" in rules, f"round {n}: {rules}"
            assert f"marker-v{other}" not in rules, f"round {n}: {rules}"
            assert "aws-access-key-id" in rules, "the service runs no packaged rules"
            rejection = bundle["last_rejection"]
            if on_disk == n:
                assert rejection["reason"] == "rollback", rounds[-1]
            else:
                assert rejection is None, rounds[-1]
            assert not list(home.glob(f".{LKG_NAME}.*.tmp")), "temp file left"
            removed = re.findall(r"removed (\d+) temp file", log.read_text())
            assert sum(map(int, removed)) == sum(r["temp_left"] for r in rounds)
            running, old = on_disk, data
    finally:
        if server is not None:
            server.stop(signal.SIGKILL)
        central.stop()

    print(f"\napply: {apply_seconds:.2f} s")
    for row in rounds:
        print(row)
    # Late kills find the new copy (asserted above); some earlier ones must
    # have fallen inside the apply, before the copy was replaced.
    assert any(r["outcome"] == "old" for r in rounds), rounds
    assert any(r["outcome"] == "new" for r in rounds), rounds
    text = log.read_text()
    assert "Traceback" not in text
    assert "MARK" not in text and admin not in text
