"""``postguard serve``, ``postguard token`` and ``postguard events export|verify``.

Flask and gunicorn are imported inside the handlers, so ``postguard scan`` does not
pay for them.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import config

EXIT_USAGE = 64  # sysexits EX_USAGE, as in cli.py
EXIT_UNAVAILABLE = 69  # sysexits EX_UNAVAILABLE: the port is taken
EXIT_TAMPERED = 1  # `events verify`: the chain is broken
EXIT_CANTCREAT = 73  # sysexits EX_CANTCREAT: an output file cannot be written
EXIT_CONFIG = 78  # sysexits EX_CONFIG: a settings or policy file is wrong


def _settings(args, overrides=None) -> dict:
    return config.load(os.environ, config_file=args.config, overrides=overrides)


def _fail(message: str, code: int) -> int:
    print(f"postguard: {message}", file=sys.stderr)
    return code


def _existing_audit(settings: dict):
    """The audit log, or None while the service has recorded nothing yet."""
    from .audit import AuditStore

    path = Path(settings["AUDIT_DB"])
    if not path.exists():
        return None
    return AuditStore(path, settings["AUDIT_RETENTION_DAYS"])


def _apply_retention(settings: dict) -> None:
    # Done here, before gunicorn forks; the worker then purges once an hour.
    store = _existing_audit(settings)
    if store is not None:
        store.purge()
        store.close()


def _announce(settings: dict, app, token: str, created: bool) -> None:
    port = settings["PORT"]
    print(
        f"PostGuard listens on http://127.0.0.1:{port}/api/v1/ "
        f"(policy mode: {app.extensions['postguard'].policy.mode})."
    )
    # The token is the user's own pairing secret: shown in their terminal, or when
    # it was just made, never to a log a service manager keeps on every start.
    if created or sys.stdout.isatty():
        note = "created in" if created else "stored in"
        print(
            f"Pairing token ({note} {settings['TOKEN_FILE']}):\n  {token}\n"
            "Paste it into the extension's options page.",
            flush=True,
        )
    else:
        print(
            "To pair the extension, run `postguard token` and paste the token "
            "into the extension's options page.",
            flush=True,
        )


def serve(args) -> int:
    from .app import create_app
    from .install_token import TokenError
    from .install_token import ensure_token
    from .policy import PolicyError
    from .server import PortInUse
    from .server import bind_loopback
    from .server import gunicorn_options
    from .server import run

    overrides = {"PORT": args.port} if args.port is not None else {}
    try:
        settings = _settings(args, overrides)
        token, created = ensure_token(settings["TOKEN_FILE"])
        listener = bind_loopback(settings["PORT"])
    except (config.ConfigError, TokenError) as exc:
        return _fail(str(exc), EXIT_CONFIG)
    except PortInUse:
        return _fail(
            f"port {settings['PORT']} on 127.0.0.1 is in use (is another "
            "`postguard serve` running?); choose another with --port or "
            "POSTGUARD_PORT, or --port 0 for a free one",
            EXIT_UNAVAILABLE,
        )
    except OSError as exc:
        return _fail(
            f"cannot use {settings.get('TOKEN_FILE')} or the port: "
            f"{exc.strerror or exc}",
            EXIT_CONFIG,
        )
    settings["PORT"] = listener.getsockname()[1]  # the real one when 0 was asked
    try:
        app = create_app({**settings, "TOKEN": token})
        _apply_retention(settings)
    except (config.ConfigError, PolicyError, OSError) as exc:
        listener.close()
        return _fail(str(exc), EXIT_CONFIG)
    _announce(settings, app, token, created)
    run(app, gunicorn_options(settings, listener))
    return 0


def token(args) -> int:
    from .install_token import TokenError
    from .install_token import ensure_token

    try:
        settings = _settings(args)
        install_token, created = ensure_token(settings["TOKEN_FILE"])
    except (config.ConfigError, TokenError, OSError) as exc:
        return _fail(str(exc), EXIT_CONFIG)
    if created:
        print(f"Created a new token in {settings['TOKEN_FILE']}.", file=sys.stderr)
    print(install_token)  # the user asked for it: this is the command's output
    return 0


def export_events(args) -> int:
    from .audit import write_export

    try:
        settings = _settings(args)
    except config.ConfigError as exc:
        return _fail(str(exc), EXIT_CONFIG)
    store = _existing_audit(settings)
    rows = [] if store is None else store.rows()
    if not args.output:
        write_export(rows, args.format, sys.stdout)
        return 0
    try:
        with open(args.output, "w", encoding="utf-8", newline="") as stream:
            write_export(rows, args.format, stream)
    except OSError as exc:
        return _fail(
            f"cannot write {args.output}: {exc.strerror or exc}", EXIT_CANTCREAT
        )
    return 0


def verify_events(args) -> int:
    try:
        settings = _settings(args)
    except config.ConfigError as exc:
        return _fail(str(exc), EXIT_CONFIG)
    store = _existing_audit(settings)
    if store is None:
        print(f"ok: no audit log yet ({settings['AUDIT_DB']})")
        return 0
    try:
        report = store.verify()
    finally:
        store.close()
    if report.intact:
        print(f"ok: {report.rows} event(s), the hash chain is intact")
        return 0
    where = f"event {report.broken_at}" if report.broken_at else "the chain"
    print(f"broken at {where}: {report.problem} ({report.rows} event(s) checked)")
    return EXIT_TAMPERED


def port_number(raw: str) -> int:
    """``--port``: 0 (any free port) to 65535; anything else is a usage error."""
    try:
        port = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {raw!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port; use 0 to 65535")
    return port


def _usage(parser):
    def show(args) -> int:
        parser.print_help(sys.stderr)
        return EXIT_USAGE

    return show


def register(subparsers) -> None:
    common = argparse.ArgumentParser(add_help=False)  # only lends its arguments
    common.add_argument(
        "--config",
        metavar="FILE",
        help="settings file (default: $POSTGUARD_HOME/config.yaml)",
    )

    parser = subparsers.add_parser(
        "serve", parents=[common], help="run the local check service on 127.0.0.1"
    )
    parser.add_argument(
        "--port",
        type=port_number,
        metavar="N",
        help=f"TCP port (default {config.DEFAULT_PORT}; 0 picks a "
        "free one and prints it)",
    )
    parser.set_defaults(handler=serve)

    parser = subparsers.add_parser(
        "token", parents=[common], help="print the token that pairs the extension"
    )
    parser.set_defaults(handler=token)

    parser = subparsers.add_parser("events", help="the local audit log")
    parser.set_defaults(handler=_usage(parser))
    actions = parser.add_subparsers(dest="events_command", metavar="ACTION")
    export = actions.add_parser(
        "export", parents=[common], help="write all events as CSV or JSON"
    )
    export.add_argument("--format", choices=("csv", "json"), default="json")
    export.add_argument("--output", metavar="FILE", help="default: standard output")
    export.set_defaults(handler=export_events)
    verify = actions.add_parser(
        "verify",
        parents=[common],
        help="check the audit log's hash chain; names the "
        "first row that was edited, inserted or deleted",
    )
    verify.set_defaults(handler=verify_events)
