"""Admin API for rule authoring: drafts, validation, the playground and
evaluation sets. The work is in rule_drafts, rule_workspace, playground and
eval_sets; this module reads requests and shapes answers.

The playground's sample text is read from the body and handed to the engine,
nothing else: no error message, log line or row carries it.
"""

from __future__ import annotations

import re
import threading

from flask import Blueprint
from flask import current_app
from flask import g
from flask import jsonify
from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from ..api.platforms import checked_platform
from ..errors import APIError
from . import eval_sets
from . import playground
from .auth import require_admin
from .console.session import admin_api as console_admin_api
from .rule_drafts import MAX_DRAFT_BYTES
from .rule_drafts import RuleDrafts
from .rule_fields import FieldError
from .rule_fields import line_of
from .rule_workspace import DraftError
from .rule_workspace import ParsedDraft
from .rule_workspace import RulesUnavailable
from .rule_workspace import RuleWorkspace

bp = Blueprint("central_rules", __name__, url_prefix="/api/v1/admin")
# The same routes for the console's pages: its session cookie (scoped to
# /console) and its CSRF check instead of an admin token (console/session.py).
console_bp = Blueprint("console_rules_api", __name__, url_prefix="/console/api")

# A sample is at most the bundle's max_chars (100,000) code points: 400 KB.
MAX_SAMPLE_BODY = 1024 * 1024
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}")
_PLATFORM = re.compile(r"[a-z0-9][a-z0-9-]{0,31}")
_RULE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_workspace_lock = threading.Lock()


def _route(rule: str, method: str):
    """Register a view on both blueprints, each with its own authentication."""

    def register(view):
        name = view.__name__
        bp.add_url_rule(rule, name, require_admin(view), methods=[method])
        console_bp.add_url_rule(rule, name, console_admin_api(view), methods=[method])
        return view

    return register


def _workspace() -> RuleWorkspace:
    with _workspace_lock:
        found = current_app.extensions.get("central_rules")
        if found is None:
            try:
                found = RuleWorkspace.locate(current_app.config.get("RULES_DIR"))
            except RulesUnavailable as exc:
                raise APIError(503, "rules_unavailable", str(exc)) from None
            current_app.extensions["central_rules"] = found
        return found


def _drafts() -> RuleDrafts:
    return RuleDrafts(current_app.extensions["central"])


def _sets() -> eval_sets.EvalSets:
    return eval_sets.EvalSets(current_app.extensions["central"])


def _invalid(errors: list[FieldError], message: str, rule_id: str | None = None):
    body = {
        "error": {"code": "invalid_rule", "message": message},
        "rule_id": rule_id,
        "errors": [e.to_dict() for e in errors],
    }
    return jsonify(body), 422


def _json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise APIError(400, "bad_request", "Send a JSON object.")
    return data


def _rule_id(value: object) -> str:
    if not isinstance(value, str) or not _RULE_ID.fullmatch(value) or len(value) > 64:
        raise APIError(400, "bad_rule_id", "A rule id is kebab-case, up to 64.")
    return value


def _source_from(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise APIError(400, "bad_request", "`source` must be the rule's YAML text.")
    if len(value.encode("utf-8")) > MAX_DRAFT_BYTES:
        raise APIError(413, "draft_too_large", f"At most {MAX_DRAFT_BYTES} bytes.")
    return value


def _uploaded_source() -> str:
    """A rule file as the body (YAML), or JSON ``{"source": ...}``."""
    if request.is_json:
        return _source_from(_json_body().get("source"))
    if (request.content_length or 0) > MAX_DRAFT_BYTES:
        raise APIError(413, "draft_too_large", f"At most {MAX_DRAFT_BYTES} bytes.")
    try:
        return _source_from(request.get_data().decode("utf-8"))
    except UnicodeDecodeError:
        raise APIError(400, "bad_request", "A rule file must be UTF-8.") from None


def _validate(source: str) -> tuple[ParsedDraft, list[FieldError]]:
    workspace = _workspace()
    draft = workspace.parse(source)
    if draft.errors:
        return draft, draft.errors
    try:
        return draft, workspace.validate(source)
    except RulesUnavailable as exc:
        raise APIError(503, "analyser_unavailable", str(exc)) from None


# --- rules and drafts ---------------------------------------------------------


@_route("/rules", "GET")
def rules():
    """The packaged rules and the drafts; a draft with a packaged rule's id is
    an edit of that rule."""
    drafts = {d["rule_id"]: d for d in _drafts().list()}
    listed = []
    for rule_id, source in sorted(_workspace().packaged().items()):
        data = source.data
        listed.append(
            {
                "rule_id": rule_id,
                "name": data["name"],
                "category": data["category"],
                "type": data["type"],
                "severity": data["severity"],
                "packaged": True,
                "draft": drafts.pop(rule_id, None),
            }
        )
    for rule_id, draft in sorted(drafts.items()):
        listed.append({"rule_id": rule_id, "packaged": False, "draft": draft})
    return jsonify(rules=listed)


@_route("/rules/<rule_id>", "GET")
def rule(rule_id: str):
    packaged = _workspace().packaged_source(rule_id)
    draft = _drafts().get(rule_id)
    if packaged is None and draft is None:
        raise APIError(404, "no_such_rule", "No packaged rule or draft has that id.")
    return jsonify(rule_id=rule_id, packaged_source=packaged, draft=draft)


@_route("/rules/<rule_id>/history", "GET")
def history(rule_id: str):
    return jsonify(rule_id=rule_id, changes=_drafts().history(rule_id))


@_route("/rules/validate", "POST")
def validate():
    """Body: a rule file (or ``{"source"}``). Stores nothing."""
    draft, errors = _validate(_uploaded_source())
    return jsonify(
        rule_id=draft.rule_id,
        valid=not errors,
        errors=[e.to_dict() for e in errors],
    )


def _save(source: str, rule_id: str | None, revision: int | None):
    draft, errors = _validate(source)
    if draft.errors:
        return _invalid(errors, "The rule cannot be read; nothing was saved.")
    if rule_id is not None and draft.rule_id != rule_id:
        line = line_of(draft.root, "/id")
        error = FieldError("/id", line, f"id must be {rule_id!r}, as in the URL")
        return _invalid([error], "The id differs from the URL; nothing was saved.")
    saved = _drafts().save(g.admin, draft.rule_id, source, revision)
    answer = {"draft": saved, "valid": not errors}
    answer["errors"] = [e.to_dict() for e in errors]
    return jsonify(answer), 201 if revision is None else 200


@_route("/rules", "POST")
def upload():
    """Body: a rule file (YAML) or ``{"source"}``: a new draft, validated."""
    return _save(_uploaded_source(), None, None)


@_route("/rules/<rule_id>", "PUT")
def save(rule_id: str):
    """Body ``{"source", "revision"}``: ``revision`` is the draft's revision
    the edit started from, or null to create the draft (say, to edit a
    packaged rule)."""
    data = _json_body()
    revision = data.get("revision")
    if revision is not None and type(revision) is not int:
        raise APIError(400, "bad_request", "`revision` is an integer or null.")
    return _save(_source_from(data.get("source")), _rule_id(rule_id), revision)


@_route("/rules/<rule_id>", "DELETE")
def delete(rule_id: str):
    """``?revision=N`` refuses the deletion if someone saved since."""
    _drafts().delete(g.admin, rule_id, request.args.get("revision", type=int))
    return jsonify(rule_id=rule_id, deleted=True)


# --- the playground -----------------------------------------------------------


def _stored_draft(rule_id: str) -> str:
    stored = _drafts().get(rule_id)
    if stored is not None:
        return stored["source"]
    packaged = _workspace().packaged_source(rule_id)
    if packaged is None:
        raise APIError(404, "no_such_rule", "No draft or packaged rule has that id.")
    return packaged


def _playground_drafts(data: dict) -> tuple[list[ParsedDraft], bool, list[dict]]:
    """The drafts to build, whether the packaged rules join them, and the
    stored drafts left out because they no longer parse."""
    workspace = _workspace()
    scope = data.get("bundle", "drafts")
    if scope not in ("drafts", "draft"):
        raise APIError(400, "bad_request", "`bundle` is drafts or draft.")
    given = None
    if data.get("source") is not None:
        given = workspace.parse(_source_from(data["source"]))
    if scope == "draft":
        if given is None:
            given = workspace.parse(_stored_draft(_rule_id(data.get("rule_id"))))
        return [given], False, []
    drafts, left_out = {}, []
    for rule_id, source in _drafts().sources().items():
        parsed = workspace.parse(source)
        if parsed.errors:
            left_out.append({"rule_id": rule_id, "errors": len(parsed.errors)})
        else:
            drafts[rule_id] = parsed
    if given is not None:
        drafts[given.rule_id] = given
    return list(drafts.values()), True, left_out


def _build(drafts: list[ParsedDraft], with_packaged: bool):
    workspace = _workspace()
    bundle = workspace.bundle(drafts, with_packaged)
    return bundle, workspace.engine(bundle), workspace.policy(bundle)


@_route("/playground", "POST")
def run_playground():
    """Body ``{"text", "locale"?, "platform"?, "bundle": "drafts" | "draft",
    "rule_id"?, "source"?}``: ``drafts`` runs the packaged rules with every
    draft (and ``source``, an unsaved rule, over its namesake); ``draft`` runs
    one rule alone: ``source``, else the draft (or packaged rule) ``rule_id``."""
    if (request.content_length or 0) > MAX_SAMPLE_BODY:
        raise APIError(413, "payload_too_large", "The sample is too long.")
    data = _json_body()
    text, locale, platform = data.get("text"), data.get("locale"), data.get("platform")
    if not isinstance(text, str) or not text:
        raise APIError(400, "bad_request", "`text` must be a non-empty string.")
    if locale is not None and not (
        isinstance(locale, str) and _LOCALE.fullmatch(locale)
    ):
        raise APIError(400, "bad_request", "`locale` is a BCP-47 tag such as en-GB.")
    if platform is not None and not (
        isinstance(platform, str) and _PLATFORM.fullmatch(platform)
    ):
        raise APIError(400, "bad_request", "`platform` is a platform name such as x.")
    drafts, with_packaged, left_out = _playground_drafts(data)
    try:
        _, engine, policy = _build(drafts, with_packaged)
    except DraftError as exc:
        return _invalid(exc.errors, "The draft cannot be built.", exc.rule_id)
    answer = playground.run(
        engine,
        policy,
        text,
        locale=locale,
        platform=checked_platform(policy, platform),
        draft_ids={d.rule_id for d in drafts},
    )
    answer["drafts"] = sorted(d.rule_id for d in drafts)
    answer["drafts_left_out"] = left_out
    return jsonify(answer)


# --- evaluation sets ----------------------------------------------------------


@_route("/eval-sets", "GET")
def list_eval_sets():
    return jsonify(eval_sets=_sets().list())


def _capped_body(limit: int) -> bytes:
    """The body, refused (413) past ``limit`` bytes, with or without a
    Content-Length."""
    too_large = APIError(
        413,
        "eval_set_too_large",
        f"An evaluation set is at most {limit} bytes ({limit // 2**20} MiB).",
    )
    if (request.content_length or 0) > limit:
        raise too_large
    request.max_content_length = limit + 1  # over the app's cap, for this one
    try:
        raw = request.get_data()
    except RequestEntityTooLarge:
        raise too_large from None
    if len(raw) > limit:
        raise too_large
    return raw


@_route("/eval-sets", "POST")
def upload_eval_set():
    """Query ``name``; body: the JSONL file as is."""
    name = request.args.get("name", "")
    raw = _capped_body(eval_sets.MAX_SET_BYTES)
    return jsonify(_sets().upload(g.admin, name, raw)), 201


@_route("/eval-sets/<name>", "DELETE")
def delete_eval_set(name: str):
    _sets().delete(g.admin, name)
    return jsonify(name=name, deleted=True)


@_route("/eval-sets/<name>/run", "POST")
def run_eval_set(name: str):
    """Body ``{"rule_id"}`` (its draft, else the packaged rule) or
    ``{"source"}`` (an unsaved rule): that rule alone over the set."""
    data = _json_body()
    if data.get("source") is not None:
        source = _source_from(data["source"])
    else:
        source = _stored_draft(_rule_id(data.get("rule_id")))
    draft = _workspace().parse(source)
    try:
        bundle, engine, _ = _build([draft], False)
    except DraftError as exc:
        return _invalid(exc.errors, "The draft cannot be built.", exc.rule_id)
    described, records = _sets().load(name)
    rule = next(r for r in bundle["rules"] if r["id"] == draft.rule_id)
    return jsonify(eval_sets.evaluate(engine, rule, described, records))
