"""``postguard rules add-terms HASHED BUNDLE -o OUT``: put the hashed term list
(from ``postguard central terms export``) into a built bundle, on the offline
machine, before ``postguard rules sign``. It never sees a term or a key, and
checks that the bundle's engines can load the result."""

from __future__ import annotations

import json
from pathlib import Path

from .atomic_file import write_atomic
from .term_lists import TermListError
from .term_lists import add_to_bundle


def _read_json(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object")
    return data


def _add_terms(args) -> int:
    from .engine import BundleError
    from .engine import Engine

    try:
        section = _read_json(args.hashed)
        bundle = _read_json(args.bundle)
        combined = add_to_bundle(bundle, section)
        text = json.dumps(combined, ensure_ascii=False, indent=1) + "\n"
        Engine(text.encode("utf-8"))  # loads, hashed terms and all (no key needed)
    except OSError as exc:
        print(f"postguard: cannot read: {exc.strerror}: {exc.filename}")
        return 66
    except (ValueError, TermListError, BundleError) as exc:
        print(f"postguard: {exc}")
        return 65
    write_atomic(args.out, text.encode("utf-8"), 0o644)
    hashes = sum(len(group["hashes"]) for group in section["groups"])
    print(
        f"wrote {args.out} (version {combined['version']}, term list version "
        f"{section['list_version']}, {hashes} hash(es), key {section['key_id']})"
    )
    return 0


def add_rules_action(actions) -> None:
    text = "put a hashed term list (central terms export) into a bundle to sign"
    action = actions.add_parser("add-terms", help=text, description=text)
    action.add_argument("hashed", type=Path, metavar="HASHED")
    action.add_argument("bundle", type=Path, metavar="BUNDLE")
    action.add_argument("-o", "--out", type=Path, required=True, metavar="OUT")
    action.set_defaults(handler=_add_terms)
