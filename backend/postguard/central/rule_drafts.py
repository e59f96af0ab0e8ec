"""Draft rules in central's database: saved, edited and deleted by admins, each
change kept (who, when, the YAML) and audited.

Drafts belong to the organisation, not to one admin: any admin can open and
edit any draft. A save names the revision it started from, so a second admin's
save over an edit they have not seen is refused (409) instead of lost.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from .errors import StoreError
from .models import Admin
from .models import iso_or_none
from .models import utcnow
from .rule_models import RuleDraft
from .rule_models import RuleDraftChange

MAX_DRAFT_BYTES = 256 * 1024
MAX_DRAFTS = 500


class RuleDrafts:
    """Draft operations over a Store (its ``session()`` and ``_audit()``)."""

    def __init__(self, store) -> None:
        self.store = store

    def list(self) -> list[dict[str, Any]]:
        editor = aliased(Admin)
        with self.store.session() as s:
            rows = s.execute(
                select(RuleDraft, editor.name)
                .join(editor, RuleDraft.updated_by == editor.id, isouter=True)
                .order_by(RuleDraft.rule_id)
            ).all()
        return [_describe(draft, name) for draft, name in rows]

    def get(self, rule_id: str) -> dict[str, Any] | None:
        with self.store.session() as s:
            draft = s.get(RuleDraft, rule_id)
            if draft is None:
                return None
            name = s.scalar(select(Admin.name).where(Admin.id == draft.updated_by))
        return {**_describe(draft, name), "source": draft.source}

    def sources(self) -> dict[str, str]:
        """rule id -> YAML of every draft (what the playground builds)."""
        with self.store.session() as s:
            rows = s.execute(select(RuleDraft.rule_id, RuleDraft.source)).all()
        return dict(rows)

    def save(
        self, admin: Admin, rule_id: str, source: str, revision: int | None
    ) -> dict[str, Any]:
        """Create (``revision`` None) or update (``revision`` = the one edited)."""
        if len(source.encode("utf-8")) > MAX_DRAFT_BYTES:
            raise StoreError(
                413, "draft_too_large", f"A draft is at most {MAX_DRAFT_BYTES} bytes."
            )
        now = utcnow()
        with self.store.session() as s, s.begin():
            draft = s.get(RuleDraft, rule_id, with_for_update=True)
            if revision is None:
                if draft is not None:
                    raise _stale(draft.revision)
                count = s.scalar(select(func.count()).select_from(RuleDraft))
                if count >= MAX_DRAFTS:
                    raise StoreError(
                        409, "too_many_drafts", f"At most {MAX_DRAFTS} drafts."
                    )
                draft = RuleDraft(
                    rule_id=rule_id,
                    source=source,
                    revision=1,
                    created_at=now,
                    created_by=admin.id,
                    updated_at=now,
                    updated_by=admin.id,
                )
                s.add(draft)
                action = "create"
            else:
                if draft is None or draft.revision != revision:
                    raise _stale(None if draft is None else draft.revision)
                draft.source, draft.revision = source, draft.revision + 1
                draft.updated_at, draft.updated_by = now, admin.id
                action = "update"
            self._record(s, admin, draft.rule_id, draft.revision, action, source)
            try:
                s.flush()
            except IntegrityError:  # a concurrent create of the same id
                raise _stale(None) from None
        return {**_describe(draft, admin.name), "source": source}

    def delete(self, admin: Admin, rule_id: str, revision: int | None) -> None:
        with self.store.session() as s, s.begin():
            draft = s.get(RuleDraft, rule_id, with_for_update=True)
            if draft is None:
                raise StoreError(404, "no_such_draft", "No draft has that rule id.")
            if revision is not None and draft.revision != revision:
                raise _stale(draft.revision)
            self._record(s, admin, rule_id, draft.revision, "delete", None)
            s.delete(draft)

    def history(self, rule_id: str) -> list[dict[str, Any]]:
        with self.store.session() as s:
            rows = s.execute(
                select(RuleDraftChange, Admin.name)
                .join(Admin, isouter=True)
                .where(RuleDraftChange.rule_id == rule_id)
                .order_by(RuleDraftChange.id)
            ).all()
        return [
            {
                "revision": change.revision,
                "action": change.action,
                "admin": name,
                "at": iso_or_none(change.at),
                "source": change.source,
            }
            for change, name in rows
        ]

    def _record(self, s, admin, rule_id, revision, action, source) -> None:
        s.add(
            RuleDraftChange(
                rule_id=rule_id,
                revision=revision,
                action=action,
                source=source,
                admin_id=admin.id,
                at=utcnow(),
            )
        )
        self.store._audit(
            s, admin.id, f"rule_draft_{action}", None, f"{rule_id} r{revision}"
        )


def _stale(current: int | None) -> StoreError:
    if current is None:
        detail = "the draft does not exist (or was deleted); reload it"
    else:
        detail = f"the draft is at revision {current}; reload it and edit again"
    return StoreError(409, "draft_changed", f"Another save came first: {detail}.")


def _describe(draft: RuleDraft, updated_by: str | None) -> dict[str, Any]:
    return {
        "rule_id": draft.rule_id,
        "revision": draft.revision,
        "created_at": iso_or_none(draft.created_at),
        "updated_at": iso_or_none(draft.updated_at),
        "updated_by": updated_by,
    }
