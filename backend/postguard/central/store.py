"""Central's operations on its database: admins, bundles, enrolment, devices.

Blueprints and the CLI call these; each opens its own short transaction.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import bundle_signing as bs
from ..atomic_file import write_atomic
from . import health_gate
from . import rollout
from .admins import AdminStore
from .console_accounts import ConsoleAccountStore
from .devices import DeviceStore
from .enrolment import EnrolmentStore
from .errors import StoreError
from .models import Admin
from .models import AuditEntry
from .models import Bundle
from .models import TelemetryRow
from .models import iso_or_none
from .models import utcnow
from .releases import ReleaseStore
from .releases import describe_pilot
from .telemetry import TelemetryStore
from .terms import TermsStore

STATIC_NAME = "bundle.signed.json"
log = logging.getLogger("postguard.central")


def make_engine(url: str) -> Engine:
    return create_engine(url, pool_pre_ping=True)


class Store(
    AdminStore,
    ConsoleAccountStore,
    EnrolmentStore,
    ReleaseStore,
    DeviceStore,
    TelemetryStore,
    TermsStore,
):
    def __init__(
        self,
        engine: Engine,
        keys: list,
        static_dir: Path,
        health: health_gate.Thresholds | None = None,
    ) -> None:
        self.engine = engine
        self.keys = keys  # pinned Ed25519 public keys
        self.static_dir = static_dir
        self.health = health or health_gate.Thresholds()

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def _audit(self, s: Session, admin_id, action, version=None, detail="") -> None:
        s.add(
            AuditEntry(
                admin_id=admin_id,
                action=action,
                bundle_version=version,
                detail=detail,
                at=utcnow(),
            )
        )

    def audit(self) -> list[dict[str, Any]]:
        with self.session() as s:
            rows = s.execute(
                select(AuditEntry, Admin.name)
                .join(Admin, isouter=True)
                .order_by(AuditEntry.id)
            ).all()
        return [
            {
                "at": iso_or_none(e.at),
                "admin": name or "(cli)",
                "action": e.action,
                "bundle_version": e.bundle_version,
                "detail": e.detail,
            }
            for e, name in rows
        ]

    def telemetry_rows(self) -> list[TelemetryRow]:
        """Every stored row (reports build on this; tests read it)."""
        with self.session() as s:
            return list(s.scalars(select(TelemetryRow).order_by(TelemetryRow.id)))

    # --- bundles ------------------------------------------------------------

    def publish(
        self,
        admin: Admin,
        envelope: bytes,
        restores: int | None = None,
        pilot: rollout.Pilot | None = None,
    ):
        """Verify and store a new bundle: to ``pilot`` first, else to all.
        A rollback (``restores``) always goes to all: it must not wait."""
        if restores is not None:
            pilot = None
        with self.session() as s, s.begin():
            current = s.scalar(select(func.max(Bundle.version))) or 0
            try:
                verified = bs.verify(envelope, self.keys, utcnow(), current)
            except bs.BundleRejected as exc:
                raise StoreError(422, exc.reason, exc.message) from None
            header = verified.header
            if restores is not None:
                old = s.get(Bundle, restores)
                if old is None or restores >= current:
                    raise StoreError(
                        404,
                        "no_such_bundle",
                        "restores must name an older published version",
                    )
                if old.payload_sha256 != header.payload_sha256:
                    raise StoreError(
                        422,
                        "payload_differs",
                        f"the rules differ from version {restores}'s",
                    )
            bundle = Bundle(
                version=header.version,
                envelope=envelope,
                envelope_sha256=verified.envelope_sha256,
                payload_sha256=header.payload_sha256,
                key_id=header.key_id,
                created=header.created,
                expires=header.expires,
                published_at=utcnow(),
                published_by=admin.id,
                restores_version=restores,
                stage=rollout.ALL if pilot is None else rollout.PILOT,
                pilot_group=pilot and pilot.group,
                pilot_basis_points=pilot and pilot.basis_points,
            )
            s.add(bundle)
            action = "publish" if restores is None else "rollback"
            detail = describe_pilot(bundle)
            if restores is not None:
                detail = f"restores version {restores}"
            self._audit(s, admin.id, action, header.version, detail)
            try:
                s.flush()
            except IntegrityError:  # a concurrent publish took this version
                raise StoreError(409, "rollback", "that version exists") from None
            if pilot is None:
                self._write_static(envelope)
        return describe(bundle)

    def _write_static(self, envelope: bytes) -> None:
        # The static copy is the fully promoted bundle, for any web server or CDN.
        # Inside the transaction: a failed write publishes nothing.
        self.static_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(self.static_dir / STATIC_NAME, envelope, 0o644)

    def bundles(self) -> list[dict[str, Any]]:
        with self.session() as s:
            rows = s.scalars(select(Bundle).order_by(Bundle.version.desc())).all()
            listed = [describe(b) for b in rows]
            baseline = None
            for row, b in zip(listed, rows, strict=True):
                if b.stage != rollout.ALL:
                    if baseline is None:
                        baseline = health_gate.rates(s, self._baseline_version(s))
                    pilot = health_gate.rates(s, b.version)
                    row["health"] = {
                        "pilot": pilot.describe(),
                        "baseline": baseline.describe(),
                    }
        return listed

    # --- health gate --------------------------------------------------------

    def _baseline_version(self, s: Session) -> int | None:
        return s.scalar(
            select(func.max(Bundle.version)).where(Bundle.stage == rollout.ALL)
        )

    def after_telemetry(self, versions: set) -> None:
        """Hold any pilot among ``versions`` whose rates jumped (health_gate.py)."""
        if not versions:
            return
        with self.session() as s, s.begin():
            pilots = s.scalars(
                select(Bundle)
                .where(
                    Bundle.version.in_(versions),
                    Bundle.stage == rollout.PILOT,
                    Bundle.held_reason.is_(None),  # not one an admin resumed
                )
                .with_for_update()
            ).all()
            if not pilots:
                return
            baseline = health_gate.rates(s, self._baseline_version(s))
            for bundle in pilots:
                pilot = health_gate.rates(s, bundle.version)
                reason = health_gate.judge(pilot, baseline, self.health)
                if reason is None:
                    continue
                bundle.stage = rollout.PAUSED
                bundle.held_reason, bundle.held_at = reason, utcnow()
                detail = health_gate.explain(reason, pilot, baseline)
                self._audit(s, None, "health_gate", bundle.version, detail)
                log.warning(
                    "postguard central: health gate paused version %d: %s",
                    bundle.version,
                    detail,
                )

    def bundle(self, version: int) -> Bundle | None:
        with self.session() as s:
            return s.get(Bundle, version)


def describe(b: Bundle) -> dict[str, Any]:
    return {
        "version": b.version,
        "key_id": b.key_id,
        "created": iso_or_none(b.created),
        "expires": iso_or_none(b.expires),
        "published_at": iso_or_none(b.published_at),
        "envelope_sha256": b.envelope_sha256,
        "payload_sha256": b.payload_sha256,
        "restores_version": b.restores_version,
        "stage": b.stage,
        "held": {"reason": b.held_reason, "at": iso_or_none(b.held_at)}
        if b.held_reason in health_gate.HELD
        else None,
        "gate_overridden": b.held_reason == health_gate.OVERRIDDEN,
        "pilot": None
        if b.pilot_group is None and b.pilot_basis_points is None
        else {
            "group": b.pilot_group,
            "percent": None
            if b.pilot_basis_points is None
            else b.pilot_basis_points * 100 / rollout.BUCKETS,
        },
    }
