"""``postguard serve``, ``postguard token`` and ``postguard events export``.

Flask and gunicorn are imported inside the handlers, so ``postguard scan`` does not
pay for them.
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys
from pathlib import Path

from . import config

EXIT_USAGE = 64  # sysexits EX_USAGE, as in cli.py
EXIT_UNAVAILABLE = 69  # sysexits EX_UNAVAILABLE: the port is taken
EXIT_CONFIG = 78  # sysexits EX_CONFIG: a settings or policy file is wrong


def _settings(args, overrides=None) -> dict:
    return config.load(os.environ, config_file=args.config, overrides=overrides)


def _fail(message: str, code: int) -> int:
    print(f"postguard: {message}", file=sys.stderr)
    return code


def _port_is_free(port: int) -> bool:
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind(("127.0.0.1", port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            return False
        raise
    finally:
        probe.close()
    return True


def _gunicorn_options(settings: dict) -> dict:
    return {
        "bind": f"127.0.0.1:{settings['PORT']}",  # loopback only, never 0.0.0.0
        # One process: the rate limiter and the paragraph cache live in its memory.
        "workers": 1,
        "worker_class": "gthread",
        "threads": settings["THREADS"],
        "keepalive": 30,  # the extension calls again on the next pause in typing
        "timeout": 30,
        "graceful_timeout": 5,
        "forwarded_allow_ips": "",  # trust no X-Forwarded-* header
        "accesslog": None,  # request lines are not needed and could carry data
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "postguard",
        "control_socket_disable": True,
    }


def run_server(app, options: dict) -> None:
    from gunicorn.app.base import BaseApplication

    class PostGuardServer(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                if key in self.cfg.settings:  # older gunicorns lack some settings
                    self.cfg.set(key, value)

        def load(self):
            return app

    PostGuardServer().run()


def _apply_retention(settings: dict) -> None:
    from .audit import AuditStore

    # Done here, before gunicorn forks; the worker then purges once an hour.
    if Path(settings["AUDIT_DB"]).exists():
        store = AuditStore(settings["AUDIT_DB"], settings["AUDIT_RETENTION_DAYS"])
        store.purge()
        store.close()


def serve(args) -> int:
    from .app import create_app
    from .install_token import TokenError
    from .install_token import ensure_token
    from .policy import PolicyError

    overrides = {"PORT": args.port} if args.port else {}
    try:
        settings = _settings(args, overrides)
        token, created = ensure_token(settings["TOKEN_FILE"])
        app = create_app({**settings, "TOKEN": token})
    except (config.ConfigError, PolicyError, TokenError, OSError) as exc:
        return _fail(str(exc), EXIT_CONFIG)
    port = settings["PORT"]
    if not _port_is_free(port):
        return _fail(f"port {port} on 127.0.0.1 is in use (is another `postguard "
                     "serve` running?); choose another with --port or "
                     "POSTGUARD_PORT", EXIT_UNAVAILABLE)
    _apply_retention(settings)
    if created:
        print(f"Created the per-install token in {settings['TOKEN_FILE']}.")
    print(f"PostGuard listens on http://127.0.0.1:{port}/api/v1/ "
          f"(policy mode: {app.extensions['postguard'].policy.mode}).\n"
          "To pair the extension, run `postguard token` and paste the token into "
          "the extension's options page.", flush=True)
    run_server(app, _gunicorn_options(settings))
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
    from .audit import AuditStore
    from .audit import write_export

    try:
        settings = _settings(args)
    except config.ConfigError as exc:
        return _fail(str(exc), EXIT_CONFIG)
    path = Path(settings["AUDIT_DB"])
    rows = AuditStore(path, settings["AUDIT_RETENTION_DAYS"]).rows() \
        if path.exists() else []
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as stream:
            write_export(rows, args.format, stream)
    else:
        write_export(rows, args.format, sys.stdout)
    return 0


def _usage(parser):
    def show(args) -> int:
        parser.print_help(sys.stderr)
        return EXIT_USAGE

    return show


def register(subparsers) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="FILE",
                        help="settings file (default: $POSTGUARD_HOME/config.yaml)")

    parser = subparsers.add_parser("serve", parents=[common],
                                   help="run the local check service on 127.0.0.1")
    parser.add_argument("--port", type=int, metavar="N",
                        help=f"TCP port (default {config.DEFAULT_PORT})")
    parser.set_defaults(handler=serve)

    parser = subparsers.add_parser("token", parents=[common],
                                   help="print the token that pairs the extension")
    parser.set_defaults(handler=token)

    parser = subparsers.add_parser("events", help="the local audit log")
    parser.set_defaults(handler=_usage(parser))
    actions = parser.add_subparsers(dest="events_command", metavar="ACTION")
    export = actions.add_parser("export", parents=[common],
                                help="write all events as CSV or JSON")
    export.add_argument("--format", choices=("csv", "json"), default="json")
    export.add_argument("--output", metavar="FILE", help="default: standard output")
    export.set_defaults(handler=export_events)
