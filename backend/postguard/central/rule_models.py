"""Tables of rule authoring: draft rules, their change history, evaluation sets.

Kept apart from models.py (models.py imports this module, so the tables are on
``Base`` whenever the schema is); revision 0006 creates them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import LargeBinary
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from .models import Base


class RuleDraft(Base):
    """An admin's rule as YAML (the shared_rules format), not yet published.
    The text is kept as written, so errors can point at its lines."""

    __tablename__ = "rule_drafts"
    rule_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    # Bumped on each save: an edit names the revision it started from, so two
    # admins editing the same draft cannot overwrite each other unseen.
    revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("admins.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("admins.id"))


class RuleDraftChange(Base):
    """Who changed which draft how: every saved revision, and deletions."""

    __tablename__ = "rule_draft_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(64), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))  # create | update | delete
    source: Mapped[str | None] = mapped_column(Text)  # None for a deletion
    admin_id: Mapped[int | None] = mapped_column(ForeignKey("admins.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EvalSet(Base):
    """A corpus-style JSONL file an admin uploaded, zlib-compressed."""

    __tablename__ = "eval_sets"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(8))  # positive | clean
    records: Mapped[int] = mapped_column(Integer)
    spans: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("admins.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
