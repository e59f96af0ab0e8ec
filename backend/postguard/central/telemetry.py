"""Telemetry intake: closed-shape counts from devices, each (stream, seq) once.

A device sends its outbox in ``seq`` order. Central stores the rows above the
stream's ``through_seq`` and answers the new ``through_seq``; the device deletes
only what that covers, so a batch sent again after a crash is recognised, not
counted twice. A row of the wrong shape is refused on its own (counted in the
answer) so one bad row cannot wedge a device's queue. Devices appear only as an
HMAC of their id under central's own key (``device_key``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import date
from datetime import timedelta
from typing import Any

from sqlalchemy import distinct
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import bundle_signing as bs
from .errors import StoreError
from .models import Secret
from .models import TelemetryRow
from .models import TelemetryStream
from .models import utcnow

MAX_ITEMS = 1000
MAX_COUNT = 10**9
OLDEST_DAYS = 400
STREAM = re.compile(r"^[0-9a-f]{32}$")
# The bundle's rule ids, and the image checks' (image.gps-location, image_rules.py).
RULE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$|^image\.[a-z0-9][a-z0-9-]{0,57}$")
PLATFORM = re.compile(r"^[a-z0-9][a-z0-9.-]{0,23}$")
CATEGORIES = frozenset(
    {"credential", "account_number", "pii", "confidential", "context", "regulated"}
)
EMPLOYEE_ACTIONS = frozenset(
    {"edited", "masked", "overridden", "cancelled", "posted", "reported_false_positive"}
)
POLICY_ACTIONS = frozenset({"audit", "warn", "block_with_override", "block"})
VERDICTS = frozenset({"allow", "warn", "block", "error"})
PSEUDONYM_KEY = "telemetry-pseudonym"


def _int(value, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high


def _day(value) -> date | None:
    try:
        day = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    today = utcnow().date()
    if day is None or not today - timedelta(days=OLDEST_DAYS) <= day <= today + (
        timedelta(days=1)
    ):
        return None
    return day


def checked_row(item: Any) -> dict | None:
    """The columns of one item, or None when it is not one of the shapes."""
    if not isinstance(item, dict):
        return None
    day = _day(item.get("day"))
    version = item.get("bundle_version")
    common_ok = (
        day is not None
        and isinstance(item.get("platform"), str)
        and PLATFORM.fullmatch(item["platform"])
        and (version is None or _int(version, 0, bs.MAX_VERSION))
    )
    if not common_ok:
        return None
    row = {
        "day": day,
        "kind": item.get("kind"),
        "platform": item["platform"],
        "bundle_version": version,
    }
    if item.get("kind") == "finding" and set(item) == FINDING_KEYS:
        ok = (
            isinstance(item["rule_id"], str)
            and RULE_ID.fullmatch(item["rule_id"])
            and item["category"] in CATEGORIES
            and item["action"] in EMPLOYEE_ACTIONS
            and item["policy_action"] in POLICY_ACTIONS
            and type(item["simulated"]) is bool
        )
        if ok:
            return row | {k: item[k] for k in FINDING_KEYS - COMMON_KEYS}
    # "images": an attached image's check, counted apart from typed text.
    if item.get("kind") in ("scans", "images") and set(item) == SCANS_KEYS:
        ok = (
            item["verdict"] in VERDICTS
            and _int(item["scans"], 1, MAX_COUNT)
            and _int(item["failed"], 0, item["scans"])
        )
        if ok:
            return row | {k: item[k] for k in ("verdict", "scans", "failed")}
    return None


COMMON_KEYS = frozenset({"seq", "kind", "day", "platform", "bundle_version"})
FINDING_KEYS = COMMON_KEYS | {
    "rule_id",
    "category",
    "action",
    "policy_action",
    "simulated",
}
SCANS_KEYS = COMMON_KEYS | {"verdict", "scans", "failed"}


class TelemetryStore:
    """Mixed into Store, which provides ``session()``."""

    def session(self) -> Session:
        raise NotImplementedError

    def device_key(self, s: Session, device_id: str) -> str:
        key = s.get(Secret, PSEUDONYM_KEY)
        if key is None:
            try:  # the first upload draws the key; a concurrent one may win
                with s.begin_nested():
                    s.add(Secret(name=PSEUDONYM_KEY, value=secrets.token_bytes(32)))
            except IntegrityError:
                pass
            key = s.get(Secret, PSEUDONYM_KEY)
        digest = hmac.new(key.value, device_id.encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def take_telemetry(self, device_id: str, body: Any) -> dict[str, Any]:
        stream, items = _checked_batch(body)
        try:
            answer = self._store_batch(device_id, stream, items, body)
        except IntegrityError:  # two first uploads of one stream at once
            raise StoreError(409, "busy", "Send the batch again.") from None
        self.after_telemetry({i.get("bundle_version") for i in items} - {None})
        return answer

    def _store_batch(self, device_id, stream, items, body) -> dict[str, Any]:
        stored = refused = 0
        with self.session() as s, s.begin():
            key = self.device_key(s, device_id)
            held = s.get(
                TelemetryStream, (key, stream), with_for_update=True
            ) or TelemetryStream(device_key=key, stream=stream, through_seq=0)
            s.add(held)
            for item in items:
                if item["seq"] <= held.through_seq:
                    continue  # sent before a crash; central holds it
                row = checked_row(item)
                if row is None:
                    refused += 1
                else:
                    s.add(
                        TelemetryRow(
                            device_key=key, stream=stream, seq=item["seq"], **row
                        )
                    )
                    stored += 1
                held.through_seq = item["seq"]
            held.dropped = max(held.dropped or 0, body.get("dropped") or 0)
            held.last_at = utcnow()
        return {"through_seq": held.through_seq, "stored": stored, "refused": refused}

    def after_telemetry(self, versions: set) -> None:
        """Hook for the health gate (Store overrides it)."""

    def simulation_report(self, days: int = 30, min_devices: int = 5):
        """Per simulated rule: how many posts it would have acted on, with which
        action, on how many devices, over the last ``days``. Like every report,
        a figure made up by fewer than ``min_devices`` devices is left out."""
        since = utcnow().date() - timedelta(days=days)
        row = TelemetryRow
        simulated = (row.kind == "finding", row.simulated.is_(True), row.day >= since)
        with self.session() as s:
            by_action = s.execute(
                select(
                    row.rule_id,
                    row.category,
                    row.policy_action,
                    func.count(),
                    func.count(distinct(row.device_key)),
                )
                .where(*simulated)
                .group_by(row.rule_id, row.category, row.policy_action)
            ).all()
            devices = dict(
                s.execute(
                    select(row.rule_id, func.count(distinct(row.device_key)))
                    .where(*simulated)
                    .group_by(row.rule_id)
                ).all()
            )
        report: dict[str, dict[str, Any]] = {}
        suppressed = 0
        for rule_id, category, action, hits, action_devices in sorted(by_action):
            if devices[rule_id] < min_devices:
                suppressed += 1
                continue
            entry = report.setdefault(
                rule_id,
                {
                    "rule_id": rule_id,
                    "category": category,
                    "hits": 0,
                    "devices": devices[rule_id],
                    "would": {},
                },
            )
            entry["hits"] += hits
            if action_devices >= min_devices:
                entry["would"][action] = hits
            else:
                suppressed += 1
        rules = sorted(report.values(), key=lambda e: (-e["hits"], e["rule_id"]))
        return {"rules": rules, "suppressed_cells": suppressed}


def _checked_batch(body: Any) -> tuple[str, list[dict]]:
    bad = StoreError(
        400,
        "bad_request",
        f'Send {{"stream", "dropped", "items"}} with 1 to {MAX_ITEMS} items '
        "in seq order.",
    )
    if not isinstance(body, dict) or not isinstance(body.get("stream"), str):
        raise bad
    items = body.get("items")
    if (
        not STREAM.fullmatch(body["stream"])
        or not _int(body.get("dropped", 0), 0, 2**62)
        or not isinstance(items, list)
        or not 1 <= len(items) <= MAX_ITEMS
        or not all(isinstance(i, dict) and _int(i.get("seq"), 1, 2**62) for i in items)
    ):
        raise bad
    seqs = [i["seq"] for i in items]
    if any(b <= a for a, b in zip(seqs, seqs[1:], strict=False)):
        raise bad
    return body["stream"], items
