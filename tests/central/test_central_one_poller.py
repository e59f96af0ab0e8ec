"""One process of a service polls central; the others follow what it applies.

In-process: two apps on one HOME stand for two gunicorn workers (flock locks
taken through separate open files conflict even inside one process), against a
real central app on a loopback port. The lock's takeover when its holder dies
runs with a real second process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime
from datetime import timezone

import pytest
from bundle_support import CANARY_RULE
from bundle_support import CANARY_TEXT
from bundle_support import bundle_with_canary_rule
from bundle_support import packaged_bundle
from bundle_support import signed
from bundle_support import write_pem

from postguard.app import create_app
from postguard.bundle_updates import LKG_NAME
from postguard.central_client import LOCK_NAME
from postguard.poll_lock import PollLock

TOKEN = "t" * 43
BASE_URL = "http://127.0.0.1:17653"
BUNDLE = "GET /api/v1/device/bundle"
STATUS = "POST /api/v1/device/status"


def now():
    return datetime.now(timezone.utc).replace(microsecond=0)


def test_one_lock_holder_at_a_time_and_the_pid_is_in_the_file(tmp_path):
    first, second = PollLock(tmp_path / "x.lock"), PollLock(tmp_path / "x.lock")
    assert first.acquire() and first.acquire()  # held: asking again is fine
    assert not second.acquire()
    assert (tmp_path / "x.lock").read_text() == f"{os.getpid()}\n"
    first.release()
    assert second.acquire() and not first.acquire()
    second.release()


def test_the_lock_passes_on_when_its_holder_is_killed(tmp_path):
    path = tmp_path / "home" / LOCK_NAME
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from postguard.poll_lock import PollLock\n"
            f"assert PollLock({str(path)!r}).acquire()\n"
            "print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "held\n"
        waiting = PollLock(path)
        assert not waiting.acquire()
        assert path.read_text() == f"{holder.pid}\n"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        holder.stdout.close()
    assert waiting.acquire()  # no clean-up ran: the kernel dropped the lock
    assert path.read_text() == f"{os.getpid()}\n"
    waiting.release()


@pytest.fixture
def workers(tmp_path, key, store, central_server):
    """Two apps ("workers") of one local service, enrolled with central."""
    settings = {
        "TOKEN": TOKEN,
        "HOME": str(tmp_path / "home"),
        "TESTING": True,
        "PORT": 17653,
        "BUNDLE_KEYS": [write_pem(tmp_path / "pinned.pub.pem", key)],
        "CENTRAL_URL": central_server.url,
        "ENROLMENT_TOKEN": store.create_enrolment_token(None, 2, 1),
        "CENTRAL_POLL_SECONDS": 900,
        "BUNDLE_POLL_SECONDS": 5,
    }
    apps = [create_app(settings), create_app(settings)]
    yield apps
    for app in apps:
        app.extensions["postguard_central"].lock.release()
        app.extensions["postguard"].audit.close()


def rule_ids(app) -> set[str]:
    answer = app.test_client().post(
        "/api/v1/scan",
        json={"text": CANARY_TEXT, "platform": "x"},
        headers={"X-PostGuard-Token": TOKEN},
        base_url=BASE_URL,
    )
    return {f["rule_id"] for f in answer.get_json()["findings"]}


def test_the_lock_holder_polls_and_the_other_worker_follows(
    workers, store, central_server, key
):
    polling, following = (app.extensions["postguard_central"] for app in workers)
    admin = store.admin_for(store.create_admin("alice"))
    store.publish(admin, signed(bundle_with_canary_rule(), key, 1, now()))

    assert 0.8 * 900 <= polling.run_round() <= 1.2 * 900  # the poll interval
    assert central_server.hits[BUNDLE] == 1
    assert CANARY_RULE in rule_ids(workers[0])
    lkg = workers[0].extensions["postguard_bundle"].lkg
    written = os.stat(lkg)

    assert following.run_round() == following.follow_seconds == 5
    assert central_server.hits[BUNDLE] == 1  # it did not ask central
    assert CANARY_RULE in rule_ids(workers[1])
    follower_bundle = workers[1].extensions["postguard_bundle"].status()
    assert (follower_bundle["version"], follower_bundle["source"]) == (1, "signed")
    assert follower_bundle["last_rejection"] is None
    # Followed, not written back: the copy is the polling worker's file.
    again = os.stat(lkg)
    assert (again.st_ino, again.st_mtime_ns) == (written.st_ino, written.st_mtime_ns)
    assert len(store.devices()) == 1  # one enrolment, by the polling worker

    following.run_round()  # nothing new on disk: nothing read, nothing asked
    assert central_server.hits[BUNDLE] == 1 and central_server.hits[STATUS] == 1

    # The polling worker goes; the other one takes over on its next round.
    polling.lock.release()
    following.run_round()
    assert central_server.hits[BUNDLE] == 2
    assert central_server.hits[STATUS] == 2
    assert following.status()["last_success"] is not None


def test_a_follower_refuses_a_copy_that_does_not_verify(
    workers, store, central_server, key, other_key
):
    polling, following = (app.extensions["postguard_central"] for app in workers)
    admin = store.admin_for(store.create_admin("alice"))
    store.publish(admin, signed(packaged_bundle(), key, 1, now()))
    polling.run_round()
    following.run_round()
    lkg = workers[0].extensions["postguard_bundle"].lkg
    assert lkg.name == LKG_NAME
    # A copy put there by something else: signed, but not by a pinned key.
    lkg.write_bytes(signed(bundle_with_canary_rule(), other_key, 2, now()))
    following.run_round()
    status = workers[1].extensions["postguard_bundle"].status()
    assert status["version"] == 1
    assert status["last_rejection"]["reason"] == "unknown_key"
    assert CANARY_RULE not in rule_ids(workers[1])


def test_after_poll_tasks_run_in_the_polling_process_only_and_one_failing_is_contained(
    workers, central_server, caplog
):
    polling, following = (app.extensions["postguard_central"] for app in workers)
    ran = []

    def broken():
        raise RuntimeError("my secret post text")

    for poller, name in ((polling, "polling"), (following, "following")):
        poller.after_poll += [broken, lambda name=name: ran.append(name)]
    polling.run_round()
    following.run_round()
    assert ran == ["polling"]
    assert central_server.hits[STATUS] == 1  # the status report ran before them
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "after-poll task failed: RuntimeError" in messages
    assert "secret" not in messages

    central_server.hits.clear()
    polling.poll_once()  # poll_once is one round of the polling process
    assert ran == ["polling", "polling"] and central_server.hits[STATUS] == 1


def test_a_failed_poll_runs_no_after_poll_task(workers, central_server):
    polling = workers[0].extensions["postguard_central"]
    ran = []
    polling.after_poll.append(lambda: ran.append(1))
    polling.base = "http://127.0.0.1:9"  # nothing listens there
    assert polling.poll_once() == "error"
    assert ran == [] and central_server.hits[STATUS] == 0
