"""Central's operations on its database: admins, bundles, enrolment, devices.

Blueprints and the CLI call these; each opens its own short transaction.
"""

from __future__ import annotations

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
from . import credentials as cred
from .devices import DeviceStore
from .errors import StoreError
from .models import Admin
from .models import AuditEntry
from .models import Bundle
from .models import aware
from .models import utcnow

STATIC_NAME = "bundle.signed.json"


def make_engine(url: str) -> Engine:
    return create_engine(url, pool_pre_ping=True)


class Store(DeviceStore):
    def __init__(self, engine: Engine, keys: list, static_dir: Path) -> None:
        self.engine = engine
        self.keys = keys  # pinned Ed25519 public keys
        self.static_dir = static_dir

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # --- admins -------------------------------------------------------------

    def create_admin(self, name: str) -> str:
        """A new admin; returns the token, which is shown once and not kept."""
        token = cred.new(cred.ADMIN)
        with self.session() as s, s.begin():
            s.add(
                Admin(
                    name=name,
                    token_id=token.id,
                    token_hash=cred.argon2_hash(token.secret),
                    created_at=utcnow(),
                )
            )
            try:
                s.flush()
            except IntegrityError:
                raise StoreError(409, "admin_exists", "that admin exists") from None
        return str(token)

    def admin_for(self, text: str | None) -> Admin | None:
        token = cred.parse(text, cred.ADMIN)
        if token is None:
            return None
        with self.session() as s:
            admin = s.scalar(select(Admin).where(Admin.token_id == token.id))
        ok = cred.argon2_check(admin.token_hash if admin else None, token.secret)
        return admin if ok else None

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
                "at": bs.iso(aware(e.at)),
                "admin": name or "(cli)",
                "action": e.action,
                "bundle_version": e.bundle_version,
                "detail": e.detail,
            }
            for e, name in rows
        ]

    # --- bundles ------------------------------------------------------------

    def publish(self, admin: Admin, envelope: bytes, restores: int | None = None):
        """Verify and store a new current bundle; rollback when ``restores``."""
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
            )
            s.add(bundle)
            action = "publish" if restores is None else "rollback"
            detail = "" if restores is None else f"restores version {restores}"
            self._audit(s, admin.id, action, header.version, detail)
            try:
                s.flush()
            except IntegrityError:  # a concurrent publish took this version
                raise StoreError(409, "rollback", "that version exists") from None
            self._write_static(envelope)
        return describe(bundle)

    def _write_static(self, envelope: bytes) -> None:
        # Inside the transaction: a failed write publishes nothing.
        self.static_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(self.static_dir / STATIC_NAME, envelope, 0o644)

    def bundles(self) -> list[dict[str, Any]]:
        with self.session() as s:
            rows = s.scalars(select(Bundle).order_by(Bundle.version.desc())).all()
        return [describe(b) for b in rows]

    def bundle(self, version: int) -> Bundle | None:
        with self.session() as s:
            return s.get(Bundle, version)

    def current(self) -> tuple[str, bytes] | None:
        """(envelope sha256, envelope) of the highest version, or None."""
        with self.session() as s:
            row = s.execute(
                select(Bundle.envelope_sha256, Bundle.envelope)
                .order_by(Bundle.version.desc())
                .limit(1)
            ).first()
        return (row[0], row[1]) if row else None

    def current_etag(self) -> str | None:
        with self.session() as s:
            return s.scalar(
                select(Bundle.envelope_sha256).order_by(Bundle.version.desc()).limit(1)
            )


def _iso(moment) -> str | None:
    return bs.iso(aware(moment)) if moment else None


def describe(b: Bundle) -> dict[str, Any]:
    return {
        "version": b.version,
        "key_id": b.key_id,
        "created": _iso(b.created),
        "expires": _iso(b.expires),
        "published_at": _iso(b.published_at),
        "envelope_sha256": b.envelope_sha256,
        "payload_sha256": b.payload_sha256,
        "restores_version": b.restores_version,
    }
