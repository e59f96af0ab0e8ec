"""The console's reports: counts from telemetry metadata, k-anonymous.

Telemetry rows hold rule ids, categories, actions and a device pseudonym, never
what anyone wrote. Even so, a count that a handful of devices make up says what
those few people did. So every cell computed from telemetry is shown only when
at least ``min_devices`` distinct devices make it up (5 by default; the setting
cannot go lower); else it is None and counted in ``suppressed``. Nothing is
broken down per device or person, and no total is shown that would let a
hidden cell be worked out by subtraction.

Fleet figures (versions, stale and rejected devices) come from device status,
which the devices page lists device by device for operations anyway.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from datetime import timedelta
from typing import Any

from sqlalchemy import case
from sqlalchemy import distinct
from sqlalchemy import func
from sqlalchemy import select

from .models import TelemetryRow
from .models import utcnow

BLOCKING = ("block", "block_with_override")
TOP_RULES = 10
# What each per-rule rate counts, over a rule's enforced findings.
RATES = {
    "warn": TelemetryRow.policy_action == "warn",
    "block": TelemetryRow.policy_action.in_(BLOCKING),
    "override": TelemetryRow.action == "overridden",
    "false_positive": TelemetryRow.action == "reported_false_positive",
}
# Policy actions partition a rule's findings: if one of these is hidden, the
# other is too, or the total minus the shown one would give it away.
PARTITIONED = ("warn", "block")


@dataclass
class Report:
    days: int
    min_devices: int
    by_category_day: list[dict[str, Any]] = field(default_factory=list)
    top_rules: list[dict[str, Any]] = field(default_factory=list)
    rule_rates: list[dict[str, Any]] = field(default_factory=list)
    simulation: list[dict[str, Any]] = field(default_factory=list)
    suppressed: int = 0  # cells hidden for having too few devices

    def shown(self, count: int, devices: int) -> int | None:
        if devices >= self.min_devices:
            return count
        self.suppressed += 1
        return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "min_devices": self.min_devices,
            "suppressed_cells": self.suppressed,
            "findings_by_category_day": self.by_category_day,
            "top_rules": self.top_rules,
            "rule_rates": self.rule_rates,
            "simulation": self.simulation,
        }


def build(store, days: int, min_devices: int) -> Report:
    """The telemetry report of the last ``days`` days (today included)."""
    since = utcnow().date() - timedelta(days=days - 1)
    report = Report(days, min_devices)
    with store.session() as s:
        _by_category_day(s, since, report)
        _per_rule(s, since, report)
    return report


def _findings(since, simulated: bool):
    row = TelemetryRow
    return (row.kind == "finding", row.simulated.is_(simulated), row.day >= since)


def _by_category_day(s, since, report: Report) -> None:
    row = TelemetryRow
    rows = s.execute(
        select(
            row.day, row.category, func.count(), func.count(distinct(row.device_key))
        )
        .where(*_findings(since, False))
        .group_by(row.day, row.category)
        .order_by(row.day, row.category)
    ).all()
    for day, category, count, devices in rows:
        value = report.shown(count, devices)
        if value is not None:
            report.by_category_day.append(
                {"day": day.isoformat(), "category": category, "findings": value}
            )


def _rule_counts(s, since, simulated: bool):
    row = TelemetryRow
    columns = [
        row.rule_id,
        row.category,
        func.count(),
        func.count(distinct(row.device_key)),
    ]
    if not simulated:
        for condition in RATES.values():
            columns.append(func.count(case((condition, 1))))
            columns.append(func.count(distinct(case((condition, row.device_key)))))
    return s.execute(
        select(*columns)
        .where(*_findings(since, simulated))
        .group_by(row.rule_id, row.category)
    ).all()


def _per_rule(s, since, report: Report) -> None:
    enforced: dict[str, int | None] = {}
    for rule_id, category, hits, devices, *metrics in _rule_counts(s, since, False):
        total = report.shown(hits, devices)
        enforced[rule_id] = total
        if total is None:
            continue
        rates = _rates(report, total, metrics)
        report.rule_rates.append(
            {"rule_id": rule_id, "category": category, "findings": total, **rates}
        )
    report.rule_rates.sort(key=lambda r: (-r["findings"], r["rule_id"]))
    report.top_rules = [
        {"rule_id": r["rule_id"], "category": r["category"], "findings": r["findings"]}
        for r in report.rule_rates[:TOP_RULES]
    ]
    simulated = {
        rule_id: report.shown(hits, devices)
        for rule_id, _category, hits, devices in _rule_counts(s, since, True)
    }
    for rule_id, hits in sorted(simulated.items()):
        if hits is not None:  # else even the rule's name would say a few hit it
            enforced_hits = enforced.get(rule_id, 0)  # absent: no enforced finding
            report.simulation.append(
                {"rule_id": rule_id, "enforced": enforced_hits, "simulated": hits}
            )


def _rates(report: Report, total: int, metrics: list[int]) -> dict[str, Any]:
    counts = {}
    for i, name in enumerate(RATES):
        count, devices = metrics[2 * i], metrics[2 * i + 1]
        # A zero reveals nobody: no device did it.
        counts[name] = count if count == 0 else report.shown(count, devices)
    if any(counts[name] is None for name in PARTITIONED):
        for name in PARTITIONED:
            if counts[name] is not None:
                counts[name] = None
                report.suppressed += 1
    return {
        f"{name}_rate": None if count is None else round(count / total, 4)
        for name, count in counts.items()
    }


# --- the fleet, from device status --------------------------------------------


def fleet(devices: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts over Store.devices(): versions, stale, rejected, and per group."""
    active = [d for d in devices if d["revoked_at"] is None]
    groups: dict[str, dict[str, Any]] = {}
    for d in active:
        name = d["group"] or ""
        entry = groups.setdefault(
            name,
            {
                "group": d["group"],
                "devices": 0,
                "versions": Counter(),
                "rejections": Counter(),
            },
        )
        entry["devices"] += 1
        entry["versions"][_version(d["bundle_version"])] += 1
        if "rejected" in d["problems"]:
            entry["rejections"][d["last_rejection"]["reason"]] += 1
    return {
        "devices": len(active),
        "revoked": len(devices) - len(active),
        "by_version": _sorted(Counter(_version(d["bundle_version"]) for d in active)),
        "stale": sum("stale" in d["problems"] for d in active),
        "rejected": sum("rejected" in d["problems"] for d in active),
        "rejection_reasons": _sorted(
            Counter(
                d["last_rejection"]["reason"]
                for d in active
                if "rejected" in d["problems"]
            )
        ),
        "groups": [
            {
                "group": g["group"],
                "devices": g["devices"],
                "versions": _sorted(g["versions"]),
                "rejections": _sorted(g["rejections"]),
            }
            for _, g in sorted(groups.items())
        ],
    }


def _version(version: int | None) -> str:
    return "none" if version is None else str(version)


def _sorted(counts: Counter) -> list[dict[str, Any]]:
    def order(name: str):  # versions by number, "none" last, reasons by name
        return (not name.isdigit(), int(name) if name.isdigit() else 0, name)

    return [{"name": k, "count": counts[k]} for k in sorted(counts, key=order)]


# --- export -------------------------------------------------------------------

CSV_HEADER = ["table", "day", "category", "rule_id", "measure", "value"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> str:
    """A cell a spreadsheet shows as text: a leading quote defuses =, +, -, @."""
    text = "hidden" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_rows(report: Report, fleet_summary: dict[str, Any]) -> list[list[str]]:
    """One row per shown number (hidden ones say "hidden"), long format."""
    rows: list[list[Any]] = []
    for c in report.by_category_day:
        rows.append(
            [
                "findings_by_category_day",
                c["day"],
                c["category"],
                "",
                "findings",
                c["findings"],
            ]
        )
    for r in report.rule_rates:
        for measure, value in r.items():
            if measure not in ("rule_id", "category"):
                rows.append(
                    ["rule_rates", "", r["category"], r["rule_id"], measure, value]
                )
    for r in report.simulation:
        for measure in ("enforced", "simulated"):
            rows.append(["simulation", "", "", r["rule_id"], measure, r[measure]])
    for v in fleet_summary["by_version"]:
        rows.append(["devices_by_bundle_version", "", "", "", v["name"], v["count"]])
    for measure in ("devices", "stale", "rejected", "revoked"):
        rows.append(["fleet", "", "", "", measure, fleet_summary[measure]])
    rows.append(["report", "", "", "", "hidden_cells", report.suppressed])
    rows.append(["report", "", "", "", "min_devices", report.min_devices])
    return [CSV_HEADER] + [[spreadsheet_safe(cell) for cell in row] for row in rows]
