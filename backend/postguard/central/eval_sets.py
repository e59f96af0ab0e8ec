"""Evaluation sets: corpus-style JSONL an admin uploads (the schema of
shared/corpus/README.md), and runs of one draft rule over a set.

A set is either positive (every record has ``spans``: labelled values) or clean
(no record has ``spans``: real posts, where every finding is a false positive).
A run reports how many records the rule flags and, on a positive set, how many
labelled values of the rule's type it finds. Each text gets the laptops' scan
budget (regex timeouts included) and the whole run a wall-clock cap, so a slow
pattern costs at most that: the answer then says how far it got.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from ..engine import Engine
from .errors import StoreError
from .models import Admin
from .models import iso_or_none
from .models import utcnow
from .rule_models import EvalSet

MAX_SET_BYTES = 20 * 1024 * 1024
MAX_RECORDS = 200_000
MAX_SETS = 50
RUN_SECONDS = 30.0
FLAGGED_SHOWN = 10
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


class BadRecord(ValueError):
    """A line that is not a corpus record; the message says why, never what."""


@dataclass(frozen=True)
class Summary:
    kind: str  # positive | clean
    records: int
    spans: int


def _record(raw: bytes) -> dict:
    try:
        record = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadRecord("not UTF-8") from None
    except (json.JSONDecodeError, RecursionError):
        raise BadRecord("not JSON") from None
    if not isinstance(record, dict):
        raise BadRecord("not a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text:
        raise BadRecord("`text` must be a non-empty string")
    spans = record.get("spans")
    if spans is None and "spans" not in record:
        return record
    if not isinstance(spans, list):
        raise BadRecord("`spans` must be a list")
    for n, span in enumerate(spans):
        if not isinstance(span, dict) or not isinstance(span.get("type"), str):
            raise BadRecord(f"spans[{n}] must be an object with a string `type`")
        start, end = span.get("start"), span.get("end")
        if type(start) is not int or type(end) is not int:
            raise BadRecord(f"spans[{n}]: `start` and `end` must be integers")
        if not 0 <= start < end <= len(text):
            raise BadRecord(f"spans[{n}]: not a range inside `text`")
    return record


def lines(raw: bytes) -> Iterator[tuple[int, bytes]]:
    """(line number, line) of each non-blank line; lines end at \\n only."""
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if line.strip():
            yield number, line


def summarise(raw: bytes) -> Summary:
    """Check every line; raises StoreError (422) naming the first bad line."""
    kinds, records, spans = set(), 0, 0
    for number, line in lines(raw):
        try:
            record = _record(line)
        except BadRecord as problem:
            raise StoreError(422, "bad_eval_set", f"line {number}: {problem}") from None
        records += 1
        if records > MAX_RECORDS:
            raise StoreError(
                413, "eval_set_too_large", f"A set holds at most {MAX_RECORDS} records."
            )
        kinds.add("positive" if "spans" in record else "clean")
        spans += len(record.get("spans") or ())
    if not records:
        raise StoreError(422, "bad_eval_set", "The set holds no records.")
    if len(kinds) > 1:
        raise StoreError(
            422,
            "bad_eval_set",
            "Mixed set: either every record has `spans` (positives) or none "
            "does (clean posts). Upload them as two sets.",
        )
    return Summary(kinds.pop(), records, spans)


class EvalSets:
    """Set operations over a Store (its ``session()`` and ``_audit()``)."""

    def __init__(self, store) -> None:
        self.store = store

    def list(self) -> list[dict[str, Any]]:
        with self.store.session() as s:
            rows = s.execute(
                select(EvalSet, Admin.name)
                .join(Admin, isouter=True)
                .order_by(EvalSet.name)
                # Not the content: listing 50 sets must not read 1 GB.
                .options(defer(EvalSet.content))
            ).all()
        return [_describe(row, name) for row, name in rows]

    def upload(self, admin: Admin, name: str, raw: bytes) -> dict[str, Any]:
        if not NAME.fullmatch(name):
            raise StoreError(
                400, "bad_name", "A set name is 1-100 of A-Z a-z 0-9 . _ - "
            )
        summary = summarise(raw)
        row = EvalSet(
            name=name,
            kind=summary.kind,
            records=summary.records,
            spans=summary.spans,
            size_bytes=len(raw),
            sha256=hashlib.sha256(raw).hexdigest(),
            content=zlib.compress(raw, 6),
            uploaded_by=admin.id,
            uploaded_at=utcnow(),
        )
        with self.store.session() as s, s.begin():
            if s.scalar(select(func.count()).select_from(EvalSet)) >= MAX_SETS:
                raise StoreError(409, "too_many_sets", f"At most {MAX_SETS} sets.")
            s.add(row)
            detail = f"{name}: {summary.kind}, {summary.records} records"
            self.store._audit(s, admin.id, "eval_set_upload", None, detail)
            try:
                s.flush()
            except IntegrityError:
                raise StoreError(
                    409, "eval_set_exists", "A set has that name; delete it first."
                ) from None
        return _describe(row, admin.name)

    def delete(self, admin: Admin, name: str) -> None:
        with self.store.session() as s, s.begin():
            row = s.scalar(select(EvalSet).where(EvalSet.name == name))
            if row is None:
                raise _missing()
            s.delete(row)
            self.store._audit(s, admin.id, "eval_set_delete", None, name)

    def load(self, name: str) -> tuple[dict[str, Any], list[tuple[int, dict]]]:
        """The set's description and its records, each with its line number."""
        with self.store.session() as s:
            row = s.scalar(select(EvalSet).where(EvalSet.name == name))
        if row is None:
            raise _missing()
        raw = zlib.decompress(row.content)
        return _describe(row, None), [(n, json.loads(line)) for n, line in lines(raw)]


def _missing() -> StoreError:
    return StoreError(404, "no_such_eval_set", "No evaluation set has that name.")


def _describe(row: EvalSet, uploaded_by: str | None) -> dict[str, Any]:
    described = {
        "name": row.name,
        "kind": row.kind,
        "records": row.records,
        "spans": row.spans,
        "size_bytes": row.size_bytes,
        "sha256": row.sha256,
        "uploaded_at": iso_or_none(row.uploaded_at),
    }
    if uploaded_by is not None:
        described["uploaded_by"] = uploaded_by
    return described


def _overlaps(span: dict, finding) -> bool:
    return finding.start < span["end"] and span["start"] < finding.end


def evaluate(
    engine: Engine,
    rule: dict,
    described: dict,
    records: list[tuple[int, dict]],
    seconds: float = RUN_SECONDS,
) -> dict[str, Any]:
    """Run ``rule`` (a compiled bundle rule ``engine`` holds) over ``records``.
    Each text gets the bundle's scan budget; the run stops after ``seconds``."""
    started = engine.clock()
    only = (rule["id"],)
    scanned = flagged = incomplete = labelled = found = 0
    shown: list[dict] = []
    for line, record in records:
        if engine.clock() - started >= seconds:
            break
        result = engine.scan(record["text"], only=only)
        scanned += 1
        incomplete += not result.complete
        if result.findings:
            flagged += 1
            if len(shown) < FLAGGED_SHOWN:
                first = result.findings[0]
                shown.append(
                    {
                        "line": line,
                        "start": first.start,
                        "end": first.end,
                        "preview": first.preview,
                    }
                )
        for span in record.get("spans") or ():
            if span["type"] == rule["type"]:
                labelled += 1
                found += any(_overlaps(span, f) for f in result.findings)
    report: dict[str, Any] = {
        "set": described["name"],
        "kind": described["kind"],
        "rule_id": rule["id"],
        "rule_type": rule["type"],
        "records": len(records),
        "scanned": scanned,
        "complete": scanned == len(records),
        "flagged": flagged,
        "flagged_rate": flagged / scanned if scanned else None,
        "incomplete_scans": incomplete,
        "flagged_lines": shown,
        "elapsed_ms": round((engine.clock() - started) * 1000, 1),
    }
    if described["kind"] == "positive":
        report["labelled"] = labelled
        report["found"] = found
        report["recall"] = found / labelled if labelled else None
    return report
