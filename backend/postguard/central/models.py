"""The central database schema (SQLAlchemy 2). Changes need an Alembic revision
in ``migrations/versions``; ``postguard central migrate`` applies them."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timezone

from sqlalchemy import BigInteger
from sqlalchemy import Boolean
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import LargeBinary
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from .. import bundle_signing as bs


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def aware(moment: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back; everything stored is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


def iso_or_none(moment: datetime | None) -> str | None:
    """A stored time as the API shows it (UTC, whole seconds), or None."""
    return bs.iso(aware(moment)) if moment else None


class Base(DeclarativeBase):
    pass


class Admin(Base):
    """An admin; the token's secret part is stored as an argon2 hash only."""

    __tablename__ = "admins"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    token_id: Mapped[str] = mapped_column(String(32), unique=True)
    token_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Set when revoked: the token is refused from then on (the row stays for audit).
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The console password (argon2id), set by `postguard central admin password`;
    # None: this admin cannot log in to the console.
    password_hash: Mapped[str | None] = mapped_column(String(200))


class AuditEntry(Base):
    """One admin action (publish, rollback, enrolment token, revocation...)."""

    __tablename__ = "admin_audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    admin_id: Mapped[int | None] = mapped_column(ForeignKey("admins.id"))
    action: Mapped[str] = mapped_column(String(32))
    bundle_version: Mapped[int | None] = mapped_column(BigInteger)
    detail: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Bundle(Base):
    """A published signed envelope and how far it has rolled out (rollout.py)."""

    __tablename__ = "bundles"
    version: Mapped[int] = mapped_column(
        BigInteger, primary_key=True, autoincrement=False
    )
    envelope: Mapped[bytes] = mapped_column(LargeBinary)
    envelope_sha256: Mapped[str] = mapped_column(String(64))
    payload_sha256: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[int] = mapped_column(ForeignKey("admins.id"))
    # Set on a rollback: the older version whose rules this one carries again.
    restores_version: Mapped[int | None] = mapped_column(BigInteger)
    # "pilot", "paused" or "all"; a pilot is a device group and/or a share of
    # the fleet in basis points (0..10000) of the devices' rollout buckets.
    stage: Mapped[str] = mapped_column(String(16), default="all")
    pilot_group: Mapped[str | None] = mapped_column(String(64))
    pilot_basis_points: Mapped[int | None] = mapped_column(Integer)
    # Set when the health gate paused the pilot (health_gate.py): a reason code.
    held_reason: Mapped[str | None] = mapped_column(String(32))
    held_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class EnrolmentToken(Base):
    __tablename__ = "enrolment_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[str] = mapped_column(String(32), unique=True)
    token_hash: Mapped[str] = mapped_column(String(200))
    uses_left: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("admins.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Device(Base):
    """An enrolled local service and the status it last reported (metadata only)."""

    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    credential_salt: Mapped[str] = mapped_column(String(64))
    credential_hash: Mapped[str] = mapped_column(String(64))
    enrolled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    enrolment_token_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrolment_tokens.id")
    )
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    bundle_version: Mapped[int | None] = mapped_column(BigInteger)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_rejection_reason: Mapped[str | None] = mapped_column(String(32))
    last_rejection_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Drawn by central at enrolment (0..9999): a device cannot pick its cohort.
    rollout_bucket: Mapped[int] = mapped_column(Integer, default=0)
    group_name: Mapped[str | None] = mapped_column(String(64), index=True)
    # The highest version central has handed this device (pause keeps it).
    served_version: Mapped[int | None] = mapped_column(BigInteger)
    # Comma-joined, each item checked against a strict pattern on the way in.
    extension_versions: Mapped[str | None] = mapped_column(String(200))
    platforms: Mapped[str | None] = mapped_column(String(400))
    # A stolen laptop: its credential is refused from then on; it stays listed.
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Secret(Base):
    """Keys central draws for itself, e.g. the telemetry pseudonym key."""

    __tablename__ = "central_secrets"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)


class TelemetryStream(Base):
    """One device outbox: how far central holds it, and what it dropped unsent."""

    __tablename__ = "telemetry_streams"
    device_key: Mapped[str] = mapped_column(String(32), primary_key=True)
    stream: Mapped[str] = mapped_column(String(32), primary_key=True)
    through_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    dropped: Mapped[int] = mapped_column(BigInteger, default=0)
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TelemetryRow(Base):
    """A metadata-only count from a device (telemetry.py on the laptop). The
    device appears only as ``device_key``, an HMAC of its id under a key that
    central keeps: rows cannot be joined to a device without that key."""

    __tablename__ = "telemetry"
    __table_args__ = (UniqueConstraint("device_key", "stream", "seq"),)
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True
    )
    device_key: Mapped[str] = mapped_column(String(32))
    stream: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(BigInteger)
    day: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(8))  # finding | scans | images
    platform: Mapped[str] = mapped_column(String(24))
    bundle_version: Mapped[int | None] = mapped_column(BigInteger, index=True)
    # kind "finding": a rule in an event the employee's client recorded.
    rule_id: Mapped[str | None] = mapped_column(String(64))
    category: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str | None] = mapped_column(String(32))
    policy_action: Mapped[str | None] = mapped_column(String(24))
    simulated: Mapped[bool] = mapped_column(Boolean, default=False)
    # kind "scans" (typed text) and "images" (attached images): how many checks
    # ended in ``verdict``, and how many failed.
    verdict: Mapped[str | None] = mapped_column(String(8))
    scans: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)


class ConsoleSession(Base):
    """A logged-in console admin. The cookie holds the secret; this row holds its
    SHA-256 only, so a copy of the database logs nobody in."""

    __tablename__ = "console_sessions"
    secret_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    admin_id: Mapped[int] = mapped_column(ForeignKey("admins.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginFailures(Base):
    """Failed console logins per ``subject`` ("name:alice" or "client:ADDR")
    in the current window, and until when that subject is locked out."""

    __tablename__ = "console_login_failures"
    subject: Mapped[str] = mapped_column(String(160), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# The rule-authoring tables live in their own module; importing it here puts
# them on Base wherever the schema is read (migrate.differences, the Store).
from . import rule_models  # noqa: E402, F401
