"""``postguard keys generate`` and ``postguard rules sign|verify``: signed bundles.

The format and the admin's steps are in docs/admin.md. ``rules sign`` and
``rules verify`` are added to the ``rules`` command by ``cli_rules``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from datetime import timezone
from pathlib import Path

EXIT_OK, EXIT_REJECTED, EXIT_NOT_FOUND, EXIT_CANTCREAT = 0, 1, 66, 73
PRIVATE_NAME, PUBLIC_NAME = "signing-key.pem", "signing-key.pub.pem"
# Beside the signed output: the last version signed into that folder, so the next
# `rules sign` without --version goes one higher (docs/admin.md).
STATE_NAME = "postguard-sign-state.json"
DEFAULT_EXPIRES_DAYS = 30


def register(subparsers) -> None:
    parser = subparsers.add_parser("keys", help="bundle signing keys")
    actions = parser.add_subparsers(
        dest="keys_command", metavar="ACTION", required=True
    )
    generate = actions.add_parser(
        "generate",
        help="write an Ed25519 key pair for signing rule bundles",
        description="Write DIR/signing-key.pem (private, mode 0600) and "
        "DIR/signing-key.pub.pem. Existing files are never overwritten.",
    )
    generate.add_argument("--out", type=Path, required=True, metavar="DIR")
    generate.set_defaults(handler=_generate)


def add_rules_actions(actions) -> None:
    sign = actions.add_parser(
        "sign",
        help="sign a compiled bundle for distribution",
        description="Wrap BUNDLE in a signed envelope (docs/admin.md).",
    )
    sign.add_argument("--key", type=Path, required=True, help="signing-key.pem")
    sign.add_argument(
        "--version",
        type=int,
        help="monotonic bundle version (default: one more than the last one "
        f"signed into the output folder, kept in {STATE_NAME})",
    )
    sign.add_argument(
        "--expires-days",
        type=float,
        default=DEFAULT_EXPIRES_DAYS,
        help=f"days until laptops refuse it (default {DEFAULT_EXPIRES_DAYS})",
    )
    sign.add_argument("bundle", type=Path, metavar="BUNDLE")
    sign.add_argument("-o", "--output", type=Path, required=True, metavar="SIGNED")
    sign.set_defaults(handler=_sign)
    verify = actions.add_parser(
        "verify",
        help="check a signed bundle against pinned public keys",
        description="Exit 0 if SIGNED verifies with one of the --pubkey keys and "
        "is valid at --at (default now); else exit 1 with the reason.",
    )
    verify.add_argument(
        "--pubkey",
        action="append",
        required=True,
        help="a pinned public key (PEM file); repeat to trust several",
    )
    verify.add_argument("--at", help="check validity at this time (ISO 8601)")
    verify.add_argument(
        "--min-version", type=int, default=0, help="refuse this version or older"
    )
    verify.add_argument("signed", type=Path, metavar="SIGNED")
    verify.set_defaults(handler=_verify)


def _fail(message: str, code: int) -> int:
    print(f"postguard: {message}", file=sys.stderr)
    return code


def _create_private(path: Path, data: bytes) -> None:
    # O_EXCL + mode 0600 at creation: the key is never readable by others, not
    # even for a moment, and an existing key is never overwritten.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), 0o600)  # in case a umask or ACL widened it
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _generate(args: argparse.Namespace) -> int:
    from . import bundle_signing as bs

    out: Path = args.out
    private, public = out / PRIVATE_NAME, out / PUBLIC_NAME
    try:
        out.mkdir(mode=0o700, parents=True, exist_ok=True)
        for path in (private, public):
            if path.exists():
                return _fail(f"{path} exists; not overwriting a key", EXIT_CANTCREAT)
        key = bs.Ed25519PrivateKey.generate()
        _create_private(private, bs.private_pem(key))
        public.write_bytes(bs.public_pem(key.public_key()))
    except OSError as exc:
        return _fail(f"cannot write keys in {out}: {exc.strerror}", EXIT_CANTCREAT)
    print(f"wrote {private} (private, mode 0600: keep it offline)")
    print(f"wrote {public} (pin this one; key id {bs.key_id(key.public_key())})")
    return EXIT_OK


def _last_version(state: Path, output: Path) -> int:
    """The highest version recorded in the state file or in the existing output."""
    from . import bundle_signing as bs

    last = 0
    try:
        last = int(json.loads(state.read_text(encoding="utf-8"))["last_version"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        outer = json.loads(bs.read_capped(output))
        last = max(last, int(json.loads(outer["header"])["version"]))
    except (OSError, ValueError, KeyError, TypeError, bs.BundleRejected):
        pass
    return last


def _sign(args: argparse.Namespace) -> int:
    from . import bundle_signing as bs
    from .atomic_file import write_atomic

    try:
        key = bs.load_private_key(args.key)
    except bs.KeyFileError as exc:
        return _fail(str(exc), EXIT_NOT_FOUND)
    try:
        payload = bs.read_capped(args.bundle, bs.MAX_PAYLOAD_BYTES)
    except OSError as exc:
        return _fail(f"cannot read {args.bundle}: {exc.strerror}", EXIT_NOT_FOUND)
    except bs.BundleRejected as exc:
        return _fail(f"{args.bundle}: {exc.message}", EXIT_REJECTED)
    try:
        bundle = json.loads(payload)
        if not isinstance(bundle, dict) or not isinstance(bundle.get("rules"), list):
            raise ValueError
    except ValueError:
        return _fail(f"{args.bundle} is not a compiled rule bundle", EXIT_REJECTED)
    state = args.output.parent / STATE_NAME
    last = _last_version(state, args.output)
    version = args.version if args.version is not None else last + 1
    if version <= last:
        return _fail(
            f"version {version} is not above {last}, the last one signed here; "
            "laptops would refuse it as a rollback",
            EXIT_REJECTED,
        )
    created = datetime.now(timezone.utc).replace(microsecond=0)
    try:
        envelope = bs.sign(
            payload,
            key,
            version,
            created,
            bs.default_expiry(created, args.expires_days),
        )
        write_atomic(args.output, envelope)
        write_atomic(state, json.dumps({"last_version": version}).encode() + b"\n")
    except ValueError as exc:
        return _fail(str(exc), EXIT_REJECTED)
    except OSError as exc:
        return _fail(f"cannot write {args.output}: {exc.strerror}", EXIT_CANTCREAT)
    print(f"wrote {args.output} (version {version}, key {bs.key_id(key.public_key())})")
    return EXIT_OK


def _at(text: str | None) -> datetime:
    if text is None:
        return datetime.now(timezone.utc)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _verify(args: argparse.Namespace) -> int:
    from . import bundle_signing as bs

    try:
        keys = [bs.load_public_key(spec) for spec in args.pubkey]
    except bs.KeyFileError as exc:
        return _fail(str(exc), EXIT_NOT_FOUND)
    try:
        now = _at(args.at)
    except ValueError:
        return _fail(f"--at: not an ISO 8601 time: {args.at}", 64)
    try:
        verified = bs.verify(bs.read_capped(args.signed), keys, now, args.min_version)
    except OSError as exc:
        return _fail(f"cannot read {args.signed}: {exc.strerror}", EXIT_NOT_FOUND)
    except bs.BundleRejected as exc:
        return _fail(f"rejected: {exc.reason}: {exc.message}", EXIT_REJECTED)
    header = verified.header
    print(
        f"ok: version {header.version}, key {header.key_id}, "
        f"created {bs.iso(header.created)}, expires {bs.iso(header.expires)}, "
        f"{header.payload_length} bytes"
    )
    return EXIT_OK
