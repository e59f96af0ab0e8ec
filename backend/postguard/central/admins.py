"""Admin accounts: the part of the Store that creates, checks and revokes them."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import credentials as cred
from .errors import StoreError
from .models import Admin
from .models import iso_or_none
from .models import utcnow


class AdminStore:
    """Mixed into Store, which provides ``session()`` and ``_audit()``."""

    def session(self) -> Session:
        raise NotImplementedError

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
        # Checked even when revoked, so a revoked token costs as long as any other.
        ok = cred.argon2_check(admin.token_hash if admin else None, token.secret)
        return admin if ok and admin.revoked_at is None else None

    def revoke_admin(self, by: Admin | None, name: str) -> None:
        """Refuse ``name``'s token from now on (``by`` None: the central host's
        CLI). The last active admin stays: nobody could publish or undo this."""
        with self.session() as s, s.begin():
            # PostgreSQL: locks every active admin, so a concurrent revocation
            # waits here and then sees this one's outcome.
            active = s.scalars(
                select(Admin).where(Admin.revoked_at.is_(None)).with_for_update()
            ).all()
            target = next((a for a in active if a.name == name), None)
            if target is None:
                known = s.scalar(select(Admin.id).where(Admin.name == name))
                if known is None:
                    raise StoreError(404, "no_such_admin", "No admin has that name.")
                raise StoreError(409, "already_revoked", "That admin is revoked.")
            # SQLite ignores FOR UPDATE; one statement that counts and writes
            # is atomic there, so two admins revoking each other leave one.
            still_active = (
                select(func.count(Admin.id))
                .where(Admin.revoked_at.is_(None))
                .scalar_subquery()
            )
            done = s.execute(
                update(Admin)
                .where(Admin.id == target.id, Admin.revoked_at.is_(None))
                .where(still_active > 1)
                .values(revoked_at=utcnow())
                .execution_options(synchronize_session=False)
            )
            if done.rowcount != 1:
                raise StoreError(
                    409, "last_admin", "That is the last active admin; create another."
                )
            self._audit(s, by.id if by else None, "admin_revoke", None, f"admin {name}")

    def admins(self) -> list[dict]:
        with self.session() as s:
            rows = s.scalars(select(Admin).order_by(Admin.id)).all()
        return [
            {
                "name": a.name,
                "created_at": iso_or_none(a.created_at),
                "revoked_at": iso_or_none(a.revoked_at),
            }
            for a in rows
        ]
