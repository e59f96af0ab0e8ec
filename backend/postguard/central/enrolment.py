"""Enrolment tokens: create, list and revoke them, and enrol a device with one."""

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
from .models import EnrolmentToken
from .models import aware
from .models import iso_or_none
from .models import utcnow


class EnrolmentStore:
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
                f"{token.id}: {uses} use(s), {days:g} day(s)",
            )
        return str(token)

    def enrol(self, text: str | None) -> str:
        """A new device for a valid enrolment token; returns its credential."""
        token = cred.parse(text, cred.ENROLMENT)
        refused = StoreError(
            401,
            "bad_enrolment_token",
            "the enrolment token is unknown, used up, expired or revoked",
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
            if _state(row) != "active":
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

    def enrolment_tokens(self) -> list[dict[str, Any]]:
        """Every enrolment token by its id, never its secret (central has only
        the secret's hash anyway)."""
        with self.session() as s:
            rows = s.execute(
                select(EnrolmentToken, Admin.name)
                .join(Admin, EnrolmentToken.created_by == Admin.id, isouter=True)
                .order_by(EnrolmentToken.id)
            ).all()
        return [
            {
                "id": t.token_id,
                "state": _state(t),
                "uses_left": t.uses_left,
                "expires_at": iso_or_none(t.expires_at),
                "created_at": iso_or_none(t.created_at),
                "created_by": name or "(cli)",
                "revoked_at": iso_or_none(t.revoked_at),
            }
            for t, name in rows
        ]

    def revoke_enrolment_token(self, admin: Admin | None, token_id: str) -> None:
        """No device enrols with it from now on; devices it enrolled stay."""
        with self.session() as s, s.begin():
            row = s.scalar(
                select(EnrolmentToken)
                .where(EnrolmentToken.token_id == token_id)
                .with_for_update()
            )
            if row is None:
                raise StoreError(
                    404, "no_such_enrolment_token", "No enrolment token has that id."
                )
            if row.revoked_at is not None:
                raise StoreError(409, "already_revoked", "That token is revoked.")
            row.revoked_at = utcnow()
            self._audit(
                s,
                admin.id if admin else None,
                "enrolment_token_revoke",
                None,
                f"token {token_id}",
            )


def _state(t: EnrolmentToken) -> str:
    if t.revoked_at is not None:
        return "revoked"
    if aware(t.expires_at) <= utcnow():
        return "expired"
    return "active" if t.uses_left >= 1 else "used_up"
