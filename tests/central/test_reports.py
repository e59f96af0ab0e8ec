"""The console's reports (central/reports.py) on SQLite and PostgreSQL: counts
from telemetry rows sent through the real intake, and k-anonymity."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from postguard.central import reports
from postguard.central.models import utcnow

K = 5


def finding(rule="pii-email", category="pii", action="edited", policy="warn", **more):
    return {
        "kind": "finding",
        "day": more.pop("day", utcnow().date()).isoformat(),
        "platform": "x",
        "bundle_version": 1,
        "rule_id": rule,
        "category": category,
        "action": action,
        "policy_action": policy,
        "simulated": more.pop("simulated", False),
    }


def send(store, device: str, *items: dict) -> None:
    """As a device's outbox does: one stream, items in seq order."""
    body = {
        "stream": uuid.uuid4().hex,
        "dropped": 0,
        "items": [{"seq": i + 1, **item} for i, item in enumerate(items)],
    }
    assert store.take_telemetry(device, body)["stored"] == len(items)


def on_devices(store, count: int, *items: dict, prefix="dev") -> None:
    for n in range(count):
        send(store, f"{prefix}{n}", *items)


def test_a_category_day_shows_from_five_devices_and_hides_below(store):
    on_devices(store, K, finding(category="pii"), finding(category="pii"))
    on_devices(store, K - 1, finding(rule="aws-key", category="credential"))
    report = reports.build(store, 30, K)
    today = utcnow().date().isoformat()
    assert report.by_category_day == [
        {"day": today, "category": "pii", "findings": 2 * K}
    ]
    assert report.suppressed >= 1
    assert "credential" not in json.dumps(report.as_dict()["findings_by_category_day"])


def test_many_rows_from_few_devices_stay_hidden(store):
    """k counts devices, not rows: 4 devices with 50 findings each is 4."""
    on_devices(store, K - 1, *[finding()] * 50)
    report = reports.build(store, 30, K)
    assert report.by_category_day == [] and report.rule_rates == []
    assert report.top_rules == [] and report.simulation == []


def test_rates_per_rule_hide_each_rate_made_by_few_devices(store):
    # 6 devices warn on the rule; 5 of them overrode; 1 reported a false positive.
    on_devices(store, K, finding(action="overridden"), prefix="over")
    send(store, "lonely", finding(action="reported_false_positive"))
    report = reports.build(store, 30, K)
    (row,) = report.rule_rates
    assert row["findings"] == K + 1
    assert row["override_rate"] == round(K / (K + 1), 4)
    assert row["false_positive_rate"] is None  # one device: hidden
    assert row["warn_rate"] == 1.0 and row["block_rate"] == 0.0
    assert report.top_rules == [
        {"rule_id": "pii-email", "category": "pii", "findings": K + 1}
    ]


def test_a_hidden_policy_rate_hides_its_partner(store):
    """warn + block + audit = all: showing block would give a hidden warn away."""
    on_devices(store, K, finding(policy="block"), prefix="blk")
    send(store, "one", finding(policy="warn"))
    (row,) = reports.build(store, 30, K).rule_rates
    assert row["warn_rate"] is None and row["block_rate"] is None


def test_simulated_hits_next_to_enforced_ones(store):
    on_devices(store, K, finding(rule="new-rule", simulated=True), prefix="sim")
    on_devices(store, 2, finding(rule="new-rule"), prefix="enf")
    on_devices(store, 3, finding(rule="rare", simulated=True), prefix="rare")
    on_devices(store, K, finding(rule="other-new", simulated=True), prefix="oth")
    on_devices(store, K, finding(rule="enforced-only"), prefix="eo")
    report = reports.build(store, 30, K)
    assert report.simulation == [
        {"rule_id": "new-rule", "enforced": None, "simulated": K},
        {"rule_id": "other-new", "enforced": 0, "simulated": K},
    ]
    # Simulated findings are not enforced ones: the chart counts 2 + 5 only.
    assert [c["findings"] for c in report.by_category_day] == [2 + K]


def test_only_the_window_counts(store):
    old = utcnow().date() - timedelta(days=10)
    on_devices(store, K, finding(day=old))
    assert reports.build(store, 7, K).by_category_day == []
    (cell,) = reports.build(store, 11, K).by_category_day
    assert cell["day"] == old.isoformat()


def test_no_device_pseudonym_or_id_reaches_the_report(store):
    on_devices(store, K, finding())
    dumped = json.dumps(reports.build(store, 30, K).as_dict())
    keys = {row.device_key for row in store.telemetry_rows()}
    assert keys and not any(key in dumped for key in keys)
    assert "dev0" not in dumped


def device(version, group=None, problems=(), reason=None, revoked=False):
    return {
        "group": group,
        "bundle_version": version,
        "problems": list(problems),
        "last_rejection": {"reason": reason} if reason else None,
        "revoked_at": "2026-12-01T00:00:00Z" if revoked else None,
    }


def test_fleet_counts_versions_groups_and_problems():
    summary = reports.fleet(
        [
            device(10, "canary"),
            device(9, "canary", ["stale", "rejected"], "unknown_key"),
            device(9),
            device(None, problems=["stale"]),
            device(9, revoked=True),
        ]
    )
    assert summary["devices"] == 4 and summary["revoked"] == 1
    assert summary["by_version"] == [
        {"name": "9", "count": 2},
        {"name": "10", "count": 1},
        {"name": "none", "count": 1},
    ]
    assert summary["stale"] == 2 and summary["rejected"] == 1
    assert summary["rejection_reasons"] == [{"name": "unknown_key", "count": 1}]
    canary = next(g for g in summary["groups"] if g["group"] == "canary")
    assert canary["versions"] == [{"name": "9", "count": 1}, {"name": "10", "count": 1}]
    assert canary["rejections"] == [{"name": "unknown_key", "count": 1}]
