"""Console logins: admin passwords, sessions and lockout (the Store's part).

The console's cookie holds a random session secret; the database holds its
SHA-256 only. Failed logins are counted per admin name and per client address,
in the database, so every gunicorn worker (and every central instance on one
PostgreSQL) sees the same count.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import credentials as cred
from .errors import StoreError
from .models import Admin
from .models import ConsoleSession
from .models import LoginFailures
from .models import aware
from .models import utcnow

MIN_PASSWORD, MAX_PASSWORD = 12, 1024
IDLE = timedelta(minutes=30)  # a session unused this long is over
LIFETIME = timedelta(hours=12)  # and any session after this, used or not
TOUCH_EVERY = timedelta(minutes=1)  # fewer writes: last_seen_at is this coarse
WINDOW = timedelta(minutes=15)  # failures older than this are forgotten
LOCKOUT = timedelta(minutes=15)
MAX_FAILURES = {"name": 5, "client": 20}  # per window, before the lockout


class LoginRefused(Exception):
    """``locked``: too many failures; else a wrong name or password."""

    def __init__(self, locked: bool) -> None:
        super().__init__("locked" if locked else "wrong name or password")
        self.locked = locked


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _subjects(name: str, client: str) -> list[str]:
    return [f"name:{name[:100]}", f"client:{client[:50]}"]


class ConsoleAccountStore:
    """Mixed into Store, which provides ``session()`` and ``_audit()``."""

    def session(self) -> Session:
        raise NotImplementedError

    def set_password(self, name: str, password: str) -> None:
        """From the central host's CLI only. Ends the admin's console sessions
        and lifts a lockout on the name."""
        if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise StoreError(
                400,
                "bad_password",
                f"A console password has {MIN_PASSWORD} to {MAX_PASSWORD} characters.",
            )
        with self.session() as s, s.begin():
            admin = s.scalar(select(Admin).where(Admin.name == name))
            if admin is None or admin.revoked_at is not None:
                raise StoreError(404, "no_such_admin", "No active admin has that name.")
            admin.password_hash = cred.argon2_hash(password)
            s.execute(delete(ConsoleSession).where(ConsoleSession.admin_id == admin.id))
            s.execute(
                delete(LoginFailures).where(LoginFailures.subject == f"name:{name}")
            )
            self._audit(s, None, "console_password", None, f"admin {name}")

    def console_login(self, name: str, password: str, client: str) -> str:
        """A new session secret for the cookie, or LoginRefused."""
        now = utcnow()
        subjects = _subjects(name, client)
        try:
            secret, refused = self._try_login(name, password, subjects, now)
        except IntegrityError:  # a concurrent first failure of the same subject
            raise LoginRefused(locked=False) from None
        if refused is not None:
            raise refused
        return secret

    def _try_login(self, name, password, subjects, now):
        secret, refused = "", None
        with self.session() as s, s.begin():
            if self._locked(s, subjects, now):
                raise LoginRefused(locked=True)
            admin = s.scalar(select(Admin).where(Admin.name == name))
            stored = admin.password_hash if admin else None
            # Checked even for an unknown name: a miss costs as long as a hit.
            ok = cred.argon2_check(stored, password) and admin.revoked_at is None
            if ok:
                secret = self._new_session(s, admin, subjects[0], now)
            else:  # raised after the commit: the count must stay
                refused = LoginRefused(self._count_failure(s, subjects, now))
        return secret, refused

    def _new_session(self, s: Session, admin: Admin, subject: str, now) -> str:
        s.execute(delete(LoginFailures).where(LoginFailures.subject == subject))
        idle = ConsoleSession.last_seen_at < now - IDLE
        s.execute(delete(ConsoleSession).where(idle))  # housekeeping
        secret = secrets.token_urlsafe(32)
        s.add(
            ConsoleSession(
                secret_sha256=_sha256(secret),
                admin_id=admin.id,
                created_at=now,
                last_seen_at=now,
            )
        )
        self._audit(s, admin.id, "console_login", None, "")
        return secret

    def _locked(self, s: Session, subjects: list[str], now: datetime) -> bool:
        rows = s.scalars(
            select(LoginFailures).where(LoginFailures.subject.in_(subjects))
        ).all()
        return any(r.locked_until and aware(r.locked_until) > now for r in rows)

    def _count_failure(self, s: Session, subjects: list[str], now: datetime) -> bool:
        locked = False
        for subject in subjects:
            row = s.get(LoginFailures, subject, with_for_update=True)
            if row is None:
                row = LoginFailures(subject=subject, failures=0, window_start=now)
                s.add(row)
            if aware(row.window_start) < now - WINDOW:
                row.failures, row.window_start = 0, now
            row.failures += 1
            if row.failures >= MAX_FAILURES[subject.split(":", 1)[0]]:
                row.locked_until = now + LOCKOUT
                row.failures, row.window_start = 0, now
                locked = True
        return locked

    def console_admin(self, secret: str | None) -> Admin | None:
        """The admin whose live session ``secret`` is, else None."""
        if not secret or len(secret) > 100:
            return None
        now = utcnow()
        with self.session() as s, s.begin():
            row = s.get(ConsoleSession, _sha256(secret))
            if row is None:
                return None
            admin = s.get(Admin, row.admin_id)
            expired = (
                aware(row.last_seen_at) < now - IDLE
                or aware(row.created_at) < now - LIFETIME
            )
            if expired or admin.revoked_at is not None or not admin.password_hash:
                s.delete(row)
                return None
            if aware(row.last_seen_at) < now - TOUCH_EVERY:
                row.last_seen_at = now
            return admin

    def console_logout(self, secret: str | None) -> None:
        if not secret:
            return
        with self.session() as s, s.begin():
            s.execute(
                delete(ConsoleSession).where(
                    ConsoleSession.secret_sha256 == _sha256(secret)
                )
            )
