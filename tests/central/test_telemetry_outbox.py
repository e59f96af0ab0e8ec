"""The laptop's telemetry outbox and uploader, against the real central app (in
process, on SQLite and PostgreSQL): bounded, retried, each row counted once."""

from __future__ import annotations

import os
import stat

import pytest
from test_central_rollout import add_devices
from test_central_rollout import bearer

from postguard import telemetry
from postguard.central_client import CentralError
from postguard.policy import Policy

ROUTE = "/api/v1/device/telemetry"


def row(n: int) -> dict:
    return {
        "kind": "scans",
        "day": telemetry.today(),
        "platform": "x",
        "bundle_version": 1,
        "verdict": "allow",
        "scans": n,
        "failed": 0,
    }


class CentralLink:
    """``send`` for the uploader: posts to central; can fail before or after."""

    def __init__(self, client, credential):
        self.client, self.credential = client, credential
        self.calls, self.down, self.lose_answer = 0, False, False

    def __call__(self, body: dict) -> dict:
        self.calls += 1
        if self.down:
            raise CentralError("unreachable", "connection refused")
        answer = self.client.post(ROUTE, json=body, headers=bearer(self.credential))
        assert answer.status_code == 200, answer.get_json()
        if self.lose_answer:  # central stored it; the laptop never heard
            raise TimeoutError
        return answer.get_json()


@pytest.fixture
def link(store, client):
    (device,) = add_devices(store, 1)
    return CentralLink(client, device)


def central_counts(store) -> list[int]:
    return sorted(r.scans for r in store.telemetry_rows())


def test_the_outbox_is_private_and_names_itself_once(tmp_path):
    outbox = telemetry.Outbox(tmp_path / "home" / telemetry.OUTBOX_NAME)
    outbox.add([row(1)])
    mode = stat.S_IMODE(os.stat(outbox.path).st_mode)
    assert mode == 0o600
    stream = outbox.batch()["stream"]
    outbox.close()
    reopened = telemetry.Outbox(outbox.path)
    assert reopened.batch()["stream"] == stream
    assert [i["seq"] for i in reopened.batch()["items"]] == [1]


def test_past_its_cap_the_outbox_drops_the_oldest_and_says_how_many(tmp_path):
    outbox = telemetry.Outbox(tmp_path / "t.sqlite3", max_rows=100)
    for start in range(0, 250, 50):
        outbox.add([row(n) for n in range(start + 1, start + 51)])
    batch = outbox.batch(limit=1000)
    assert batch["dropped"] == 150
    assert [i["scans"] for i in batch["items"]] == list(range(151, 251))


def test_everything_queued_arrives_once(store, link, tmp_path):
    outbox = telemetry.Outbox(tmp_path / "t.sqlite3")
    outbox.add([row(n) for n in range(1, 1201)])
    uploader = telemetry.Uploader(outbox)
    assert uploader.upload(link) == 1200
    assert link.calls == 3  # batches of 500
    assert outbox.pending() == 0
    assert central_counts(store) == list(range(1, 1201))


def test_a_lost_answer_sends_the_batch_again_and_central_counts_it_once(
    store, link, tmp_path
):
    outbox = telemetry.Outbox(tmp_path / "t.sqlite3")
    outbox.add([row(n) for n in range(1, 11)])
    uploader = telemetry.Uploader(outbox)
    link.lose_answer = True
    assert uploader.upload(link) == 0
    assert outbox.pending() == 10  # not acknowledged: kept
    link.lose_answer = False
    uploader._skip = 0  # the backoff is tested below
    assert uploader.upload(link) == 10
    assert central_counts(store) == list(range(1, 11))


def test_while_central_is_down_rows_wait_and_rounds_back_off(store, link, tmp_path):
    outbox = telemetry.Outbox(tmp_path / "t.sqlite3")
    outbox.add([row(1)])
    uploader = telemetry.Uploader(outbox)
    link.down = True
    tried = []
    for _ in range(16):
        before = link.calls
        uploader.upload(link)
        tried.append(link.calls - before)
    # Waits of 1, 3, 7 rounds between tries: doubling, not every round.
    assert tried == [1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0]
    assert uploader.last_error == "unreachable"
    assert outbox.pending() == 1
    link.down = False
    while not uploader.upload(link):
        pass
    assert central_counts(store) == [1]
    assert uploader.last_error is None


def test_an_answer_that_acknowledges_rows_never_sent_keeps_them(tmp_path):
    outbox = telemetry.Outbox(tmp_path / "t.sqlite3")
    outbox.add([row(1), row(2)])
    uploader = telemetry.Uploader(outbox)
    assert uploader.upload(lambda body: {"through_seq": 99}) == 0
    assert outbox.pending() == 2


def test_scans_are_counted_in_memory_and_flushed_as_totals(tmp_path):
    outbox = telemetry.Outbox(tmp_path / "t.sqlite3")
    counter = telemetry.ScanCounter(outbox, flush_seconds=3600)
    for _ in range(5):
        counter.count("x", "allow", False, 3)
    counter.count("x", "block", False, 3)
    counter.count("x", "allow", True, 3)
    assert outbox.pending() == 0  # nothing written per scan
    counter.flush()
    items = {i["verdict"]: i for i in outbox.batch()["items"]}
    assert (items["allow"]["scans"], items["allow"]["failed"]) == (6, 1)
    assert (items["block"]["scans"], items["block"]["failed"]) == (1, 0)
    assert {i["bundle_version"] for i in items.values()} == {3}


def test_a_finding_row_says_what_the_policy_would_have_done(tmp_path):
    policy = Policy.from_data(
        {
            "mode": "enforce",
            "default_action": "warn",
            "actions": {"credential": {"high": "block"}},
            "platforms": {
                "x": {"actions": {"credential": {"high": "warn"}}},
                "other": {},
            },
        }
    )
    kinds = [{"rule_id": "aws-key", "category": "credential", "severity": "high"}]
    (on_x,) = telemetry.finding_rows(kinds, "overridden", "x", policy, 4)
    assert on_x["policy_action"] == "warn"
    assert (on_x["action"], on_x["bundle_version"], on_x["simulated"]) == (
        "overridden",
        4,
        False,
    )
    (other,) = telemetry.finding_rows(kinds, "edited", "other", policy, None)
    assert other["policy_action"] == "block"
    silent = Policy.from_data({**policy.data, "simulate": ["aws-key"]})
    (simulated,) = telemetry.finding_rows(kinds, "posted", "x", silent, 4)
    assert (simulated["simulated"], simulated["policy_action"]) == (True, "warn")
