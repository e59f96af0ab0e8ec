"""Devices: the part of the Store that checks, updates, lists and revokes them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import credentials as cred
from . import rollout
from .errors import StoreError
from .models import Admin
from .models import Device
from .models import aware
from .models import iso_or_none
from .models import utcnow


class DeviceStore:
    """Mixed into Store, which provides ``session()``, ``_audit()`` and
    ``candidates()``."""

    def session(self) -> Session:
        raise NotImplementedError

    def device_for(self, text: str | None) -> Device | None:
        secret = cred.parse(text, cred.DEVICE)
        if secret is None:
            return None
        with self.session() as s:
            device = s.get(Device, secret.id)
        if device is None:
            return None
        ok = cred.salted_check(
            device.credential_salt, device.credential_hash, secret.secret
        )
        return device if ok and device.revoked_at is None else None

    def revoke_device(self, admin: Admin | None, device_id: str) -> None:
        """Refuse the device's credential from now on (a lost or stolen laptop);
        it stays listed, as revoked."""
        with self.session() as s, s.begin():
            device = s.get(Device, device_id, with_for_update=True)
            if device is None:
                raise StoreError(404, "no_such_device", "No device has that id.")
            if device.revoked_at is not None:
                raise StoreError(409, "already_revoked", "That device is revoked.")
            device.revoked_at = utcnow()
            self._audit(
                s,
                admin.id if admin else None,
                "device_revoke",
                None,
                f"device {device_id}",
            )

    def report(self, device_id: str, status: dict[str, Any]) -> None:
        with self.session() as s, s.begin():
            device = s.get(Device, device_id)
            device.last_seen_at = utcnow()
            for key, value in status.items():
                setattr(device, key, value)

    def devices(self, problem: str | None = None, stale_hours: float = 24):
        """Every device with what it runs and what it should run; ``problem``
        ("stale" or "rejected") keeps only those devices."""
        since = utcnow() - timedelta(hours=stale_hours)
        with self.session() as s:
            rows = s.scalars(select(Device).order_by(Device.enrolled_at)).all()
            candidates = self.candidates(s)
        listed = []
        for d in rows:
            should = rollout.choose(
                candidates, d.group_name, d.rollout_bucket, d.served_version
            )
            row = _describe(d, should.version if should else None, since)
            if problem is None or problem in row["problems"]:
                listed.append(row)
        return listed


def _problems(d: Device, expected: int | None, since) -> list[str]:
    if d.revoked_at is not None:
        return []  # it cannot poll any more: silence is expected, not a problem
    found = []
    behind = expected is not None and (d.bundle_version or 0) < expected
    silent = (aware(d.last_success_at) or aware(d.enrolled_at)) < since
    if behind or silent:
        found.append("stale")
    # A rejection is history once the device runs what it should.
    if d.last_rejection_reason and (expected is None or behind):
        found.append("rejected")
    return found


def _describe(d: Device, expected: int | None, since) -> dict[str, Any]:
    return {
        "device_id": d.id,
        "group": d.group_name,
        "enrolled_at": iso_or_none(d.enrolled_at),
        "last_seen_at": iso_or_none(d.last_seen_at),
        "bundle_version": d.bundle_version,
        "expected_version": expected,
        "last_success_at": iso_or_none(d.last_success_at),
        "last_rejection": None
        if not d.last_rejection_reason
        else {
            "reason": d.last_rejection_reason,
            "at": iso_or_none(d.last_rejection_at),
        },
        "extension_versions": _split(d.extension_versions),
        "platforms": _split(d.platforms),
        "problems": _problems(d, expected, since),
        "revoked_at": iso_or_none(d.revoked_at),
    }


def _split(joined: str | None) -> list[str]:
    return joined.split(",") if joined else []
