"""``postguard central terms upload|list|export``: confidential-term lists over
the admin API (admin token from POSTGUARD_ADMIN_TOKEN). ``export`` writes the
hashed form that ``postguard rules add-terms`` puts into a bundle before it is
signed; no command prints a term."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from ..atomic_file import write_atomic
from .cli_admin import Refused
from .cli_admin import _call
from .cli_admin import _reported
from .cli_admin import _url_parent


def _read_terms(path: Path) -> list:
    """A YAML or JSON list of terms, or a mapping with ``terms: [...]``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise Refused(f"cannot read {path}: {exc.strerror}", 66) from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise Refused(f"{path}: not YAML or JSON ({type(exc).__name__})", 65) from None
    if isinstance(data, dict):
        data = data.get("terms")
    if not isinstance(data, list):
        raise Refused(f"{path}: expected a list of terms, or terms: [...]", 65)
    return data


@_reported
def upload(args) -> str:
    body = json.dumps({"terms": _read_terms(args.file)}).encode()
    answer = _call(args, "POST", "/api/v1/admin/terms", body)
    return (
        f"term list version {answer['version']}: {answer['terms']} term(s), "
        f"key {answer['key_id']}"
    )


@_reported
def listing(args) -> str:
    rows = _call(args, "GET", "/api/v1/admin/terms")["versions"]
    lines = [
        f"{r['version']}  {r['terms']} term(s)  key {r['key_id']}  {r['created_at']}"
        for r in rows
    ]
    return "\n".join(lines) or "no term list yet"


@_reported
def export(args) -> str:
    query = f"?version={args.version}" if args.version else ""
    section = _call(args, "GET", "/api/v1/admin/terms/hashed" + query)
    text = json.dumps(section, indent=1) + "\n"
    write_atomic(args.out, text.encode(), 0o644)
    hashes = sum(len(g["hashes"]) for g in section["groups"])
    return (
        f"wrote {args.out} (term list version {section['list_version']}, "
        f"{hashes} hash(es), key {section['key_id']}; no terms, no key)"
    )


def register(actions) -> None:
    url = _url_parent()
    terms = actions.add_parser("terms", help="confidential-term lists (hashed)")
    sub = terms.add_subparsers(dest="terms_action", required=True)
    action = sub.add_parser(
        "upload", parents=[url], help="a new list version, with a new key"
    )
    action.add_argument("file", type=Path, metavar="FILE")
    action.set_defaults(handler=upload)
    action = sub.add_parser("list", parents=[url], help="list versions (no terms)")
    action.set_defaults(handler=listing)
    action = sub.add_parser(
        "export", parents=[url], help="the hashed list, for `rules add-terms`"
    )
    action.add_argument("--version", type=int, metavar="N", help="default: newest")
    action.add_argument("-o", "--out", type=Path, required=True, metavar="FILE")
    action.set_defaults(handler=export)
