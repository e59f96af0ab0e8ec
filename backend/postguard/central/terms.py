"""Central's confidential-term lists: each upload is a new list version with a
key of its own. Central keeps the plain list and the key; bundles get only the
hashes (``hashed``), devices get only the key (``key_for``)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import LargeBinary
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from .. import term_lists
from ..engine.hashed_terms import key_id
from .errors import StoreError
from .models import Admin
from .models import Base
from .models import iso_or_none
from .models import utcnow


class TermList(Base):
    """One version of the term list. ``terms`` is the checked list as JSON: the
    only place a term is kept in plain text."""

    __tablename__ = "term_lists"
    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    terms: Mapped[str] = mapped_column(Text)
    term_count: Mapped[int]
    key: Mapped[bytes] = mapped_column(LargeBinary)
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("admins.id"))


class TermsStore:
    """Mixed into Store (it provides ``session`` and ``_audit``)."""

    def upload_terms(self, by: Admin | None, entries: Any) -> dict[str, Any]:
        try:
            checked = term_lists.checked_entries(entries)
        except term_lists.TermListError as exc:
            raise StoreError(400, "bad_terms", str(exc)) from None
        key = term_lists.new_key()
        with self.session() as s, s.begin():
            latest = s.scalar(select(func.max(TermList.version))) or 0
            row = TermList(
                version=latest + 1,
                terms=json.dumps(checked, ensure_ascii=False),
                term_count=len(checked),
                key=key,
                key_id=key_id(key),
                created_at=utcnow(),
                created_by=by.id if by else None,
            )
            s.add(row)
            # Counts only: the audit log never holds a term.
            detail = f"term list version {row.version}, {row.term_count} term(s)"
            self._audit(s, by.id if by else None, "terms_upload", None, detail)
        return _summary(row)

    def term_lists(self) -> list[dict[str, Any]]:
        with self.session() as s:
            rows = s.scalars(select(TermList).order_by(TermList.version)).all()
        return [_summary(row) for row in rows]

    def _term_list(self, version: int | None) -> TermList:
        with self.session() as s:
            query = select(TermList).order_by(TermList.version.desc())
            if version is not None:
                query = select(TermList).where(TermList.version == version)
            row = s.scalars(query.limit(1)).first()
        if row is None:
            raise StoreError(404, "no_terms", "No such term list version.")
        return row

    def hashed_terms(self, version: int | None = None) -> dict[str, Any]:
        """The bundle's ``hashed_terms`` for a list version (default: newest)."""
        row = self._term_list(version)
        return term_lists.hashed_section(json.loads(row.terms), row.key, row.version)

    def term_key(self, wanted_key_id: str) -> dict[str, Any] | None:
        with self.session() as s:
            row = s.scalars(
                select(TermList).where(TermList.key_id == wanted_key_id)
            ).first()
        if row is None:
            return None
        return {"list_version": row.version, "key_id": row.key_id, "key": row.key}


def _summary(row: TermList) -> dict[str, Any]:
    return {
        "version": row.version,
        "terms": row.term_count,
        "key_id": row.key_id,
        "created_at": iso_or_none(row.created_at),
    }
