"""Enrolment and devices: the part of the Store that local services call."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import bundle_signing as bs
from . import credentials as cred
from . import rollout
from .errors import StoreError
from .models import Admin
from .models import Device
from .models import EnrolmentToken
from .models import aware
from .models import utcnow


class DeviceStore:
    """Mixed into Store, which provides ``session()`` and ``_audit()``."""

    def session(self) -> Session:
        raise NotImplementedError

    def create_enrolment_token(self, admin: Admin | None, uses: int, days: float):
        token = cred.new(cred.ENROLMENT)
        with self.session() as s, s.begin():
            s.add(
                EnrolmentToken(
                    token_id=token.id,
                    token_hash=cred.argon2_hash(token.secret),
                    uses_left=uses,
                    expires_at=utcnow() + timedelta(days=days),
                    created_at=utcnow(),
                    created_by=admin.id if admin else None,
                )
            )
            self._audit(
                s,
                admin.id if admin else None,
                "enrolment_token",
                None,
                f"{uses} use(s), {days:g} day(s)",
            )
        return str(token)

    def enrol(self, text: str | None) -> str:
        """A new device for a valid enrolment token; returns its credential."""
        token = cred.parse(text, cred.ENROLMENT)
        refused = StoreError(
            401,
            "bad_enrolment_token",
            "the enrolment token is unknown, used up or expired",
        )
        if token is None:
            raise refused
        with self.session() as s, s.begin():
            row = s.scalar(
                select(EnrolmentToken)
                .where(EnrolmentToken.token_id == token.id)
                .with_for_update()
            )
            if not cred.argon2_check(row.token_hash if row else None, token.secret):
                raise refused
            if row.uses_left < 1 or aware(row.expires_at) <= utcnow():
                raise refused
            row.uses_left -= 1
            device = cred.new(cred.DEVICE)
            salt, digest = cred.salted_hash(device.secret)
            s.add(
                Device(
                    id=device.id,
                    credential_salt=salt,
                    credential_hash=digest,
                    enrolled_at=utcnow(),
                    enrolment_token_id=row.id,
                    rollout_bucket=rollout.new_bucket(),
                )
            )
        return str(device)

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
        return device if ok else None

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
        "enrolled_at": _iso(d.enrolled_at),
        "last_seen_at": _iso(d.last_seen_at),
        "bundle_version": d.bundle_version,
        "expected_version": expected,
        "last_success_at": _iso(d.last_success_at),
        "last_rejection": None
        if not d.last_rejection_reason
        else {"reason": d.last_rejection_reason, "at": _iso(d.last_rejection_at)},
        "extension_versions": _split(d.extension_versions),
        "platforms": _split(d.platforms),
        "problems": _problems(d, expected, since),
    }


def _split(joined: str | None) -> list[str]:
    return joined.split(",") if joined else []


def _iso(moment) -> str | None:
    return bs.iso(aware(moment)) if moment else None
