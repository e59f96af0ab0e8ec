"""Rollout actions and per-device bundle selection: the Store's part that
rollout.py's rules need a database for."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from . import health_gate
from . import rollout
from .errors import StoreError
from .models import Admin
from .models import Bundle
from .models import Device

MAX_GROUP_DEVICES = 1000


class ReleaseStore:
    """Mixed into Store, which provides ``session()``, ``_audit()`` and
    ``_write_static()``."""

    def session(self) -> Session:
        raise NotImplementedError

    # --- admin actions ------------------------------------------------------

    def promote(self, admin: Admin, version: int, force: bool = False) -> None:
        """Hand a pilot (or paused) bundle to every device; one the health gate
        held only with ``force``."""
        with self.session() as s, s.begin():
            bundle = self._rolling(s, version)
            held = bundle.held_reason in health_gate.HELD
            if held and not force:
                raise _held(version, bundle.held_reason, "promote")
            bundle.stage = rollout.ALL
            detail = "to all, past the health gate" if held else "to all"
            self._audit(s, admin.id, "promote", version, detail)
            self._write_static(bundle.envelope)

    def pause(self, admin: Admin, version: int) -> None:
        """Nobody new gets it; devices already handed it keep it."""
        with self.session() as s, s.begin():
            bundle = self._rolling(s, version)
            if bundle.stage != rollout.PILOT:
                raise StoreError(409, "not_in_pilot", "That bundle is not in pilot.")
            bundle.stage = rollout.PAUSED
            self._audit(s, admin.id, "pause", version, "")

    def resume(self, admin: Admin, version: int, force: bool = False) -> None:
        """A paused pilot goes on, to the same pilot it had; one the health gate
        held only with ``force``, and the gate then leaves it alone."""
        with self.session() as s, s.begin():
            bundle = self._rolling(s, version)
            if bundle.stage != rollout.PAUSED:
                raise StoreError(409, "not_paused", "That bundle is not paused.")
            detail = describe_pilot(bundle)
            if bundle.held_reason in health_gate.HELD:
                if not force:
                    raise _held(version, bundle.held_reason, "resume")
                bundle.held_reason = health_gate.OVERRIDDEN
                detail += ", past the health gate"
            bundle.stage = rollout.PILOT
            self._audit(s, admin.id, "resume", version, detail)

    def _rolling(self, s: Session, version: int) -> Bundle:
        bundle = s.get(Bundle, version, with_for_update=True)
        if bundle is None:
            raise StoreError(404, "no_such_bundle", "No bundle has that version.")
        if bundle.stage == rollout.ALL or version < (_baseline(s) or 0):
            raise StoreError(
                409, "already_promoted", "A bundle at or above it went to all."
            )
        return bundle

    def set_group(self, admin: Admin, group: str | None, device_ids: list[str]):
        """Put devices in ``group`` (None: in no group); returns how many."""
        if group is not None and not rollout.GROUP_NAME.fullmatch(group):
            raise StoreError(400, "bad_group", "Group names are [a-z0-9_-], 1 to 64.")
        if not device_ids or len(device_ids) > MAX_GROUP_DEVICES:
            raise StoreError(
                400, "bad_request", f"Name 1 to {MAX_GROUP_DEVICES} device ids."
            )
        with self.session() as s, s.begin():
            known = set(
                s.scalars(select(Device.id).where(Device.id.in_(device_ids))).all()
            )
            missing = sorted(set(device_ids) - known)
            if missing:
                raise StoreError(404, "no_such_device", f"Unknown: {missing[0]}.")
            s.execute(
                update(Device).where(Device.id.in_(device_ids)).values(group_name=group)
            )
            detail = f"{len(known)} device(s) to {group or 'no group'}"
            self._audit(s, admin.id, "group", None, detail)
        return len(known)

    # --- serving ------------------------------------------------------------

    def candidates(self, s: Session) -> list[rollout.Candidate]:
        """The newest fully promoted bundle and every one above it."""
        rows = s.execute(
            select(
                Bundle.version,
                Bundle.stage,
                Bundle.pilot_group,
                Bundle.pilot_basis_points,
                Bundle.envelope_sha256,
            ).where(Bundle.version >= (_baseline(s) or 0))
        ).all()
        return [
            rollout.Candidate(v, stage, rollout.Pilot(group, points), sha)
            for v, stage, group, points, sha in rows
        ]

    def bundle_for(self, device: Device) -> rollout.Candidate | None:
        with self.session() as s:
            return rollout.choose(
                self.candidates(s),
                device.group_name,
                device.rollout_bucket,
                device.served_version,
            )

    def hand_out(self, device_id: str, version: int) -> bytes:
        """The envelope, remembering that this device now has it."""
        with self.session() as s, s.begin():
            device = s.get(Device, device_id)
            if (device.served_version or 0) < version:
                device.served_version = version
            return s.scalar(select(Bundle.envelope).where(Bundle.version == version))


def _held(version: int, reason: str, action: str) -> StoreError:
    return StoreError(
        409,
        "health_gate",
        f"The health gate held version {version} ({reason}); see the audit log,"
        f" and {action} with force to override.",
    )


def _baseline(s: Session) -> int | None:
    return s.scalar(select(func.max(Bundle.version)).where(Bundle.stage == rollout.ALL))


def describe_pilot(b: Bundle) -> str:
    if b.stage == rollout.ALL:
        return "to all"
    parts = [f"group {b.pilot_group}"] if b.pilot_group else []
    if b.pilot_basis_points is not None:
        parts.append(f"{b.pilot_basis_points * 100 / rollout.BUCKETS:g}%")
    return "pilot: " + " + ".join(parts)
