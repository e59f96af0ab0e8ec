"""``postguard central serve|migrate|enrol-token|admin create|password|revoke``,
and the admin API commands of cli_admin.py.

These run on the central host and open its database
directly: whoever can run them can read the database anyway.
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager
from pathlib import Path

EXIT_FAIL, EXIT_UNAVAILABLE, EXIT_CONFIG = 1, 69, 78
LISTENING = "PostGuard central listens on"


def _fail(message: str, code: int) -> int:
    print(f"postguard central: {message}", file=sys.stderr)
    return code


def _settings(args) -> dict:
    from . import settings

    overrides = {
        "DB": getattr(args, "db", None),
        "PORT": getattr(args, "port", None),
        "HOST": getattr(args, "host", None),
    }
    return settings.load(os.environ, overrides)


def _store(conf: dict, migrate: bool = True):
    from .. import bundle_signing as bs
    from . import migrate as migrations
    from .store import Store
    from .store import make_engine

    Path(conf["HOME"]).mkdir(mode=0o700, parents=True, exist_ok=True)
    engine = make_engine(conf["DB"])
    if migrate:
        migrations.upgrade(engine)
    keys = [bs.load_public_key(spec) for spec in conf["KEYS"]]
    return Store(engine, keys, conf["STATIC_DIR"], conf.get("HEALTH"))


@contextmanager
def _opened_store(args):
    store = _store(_settings(args))
    try:
        yield store
    finally:
        store.engine.dispose()  # close pooled connections now, not at exit


def _guarded(handler):
    def run(args) -> int:
        from sqlalchemy.exc import SQLAlchemyError

        from ..bundle_signing import KeyFileError
        from ..config import ConfigError
        from .store import StoreError

        try:
            return handler(args)
        except (ConfigError, KeyFileError) as exc:
            return _fail(str(exc), EXIT_CONFIG)
        except StoreError as exc:
            return _fail(f"{exc.code}: {exc.message}", EXIT_FAIL)
        except SQLAlchemyError as exc:  # the URL may hold a password: not shown
            return _fail(f"database error ({type(exc).__name__})", EXIT_UNAVAILABLE)

    return run


def serve(args) -> int:
    from ..server import PortInUse
    from .app import create_central_app
    from .server import bind
    from .server import run

    conf = _settings(args)
    if not conf["KEYS"]:
        return _fail(
            "set POSTGUARD_CENTRAL_KEYS to the pinned public key(s)", EXIT_CONFIG
        )
    _store(conf).engine.dispose()  # migrate before the workers start
    try:
        listener = bind(conf["HOST"], conf["PORT"])
    except PortInUse:
        return _fail(
            f"cannot listen on {conf['HOST']}:{conf['PORT']}", EXIT_UNAVAILABLE
        )
    port = listener.getsockname()[1]
    print(f"{LISTENING} http://{conf['HOST']}:{port}/", flush=True)
    run(lambda: create_central_app(conf), listener, conf["WORKERS"])
    return 0


def migrate(args) -> int:
    from . import migrate as migrations

    with _opened_store(args) as store:
        print(f"database at revision {migrations.revision(store.engine)}")
    return 0


def admin_create(args) -> int:
    with _opened_store(args) as store:
        token = store.create_admin(args.name)
    print(f"Admin {args.name!r} created. Its token, shown only now:", file=sys.stderr)
    print(token)
    return 0


def _read_password(from_stdin: bool) -> str | None:
    if from_stdin:  # one line, for scripts and tests; never an argument (ps shows it)
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("New console password: ")
    if getpass.getpass("Again: ") != first:
        return None
    return first


def admin_password(args) -> int:
    password = _read_password(args.stdin)
    if password is None:
        return _fail("the two passwords differ; nothing changed", EXIT_FAIL)
    with _opened_store(args) as store:
        store.set_password(args.name, password)
    print(
        f"Console password of {args.name!r} set; its console sessions are ended.",
        file=sys.stderr,
    )
    return 0


def admin_revoke(args) -> int:
    with _opened_store(args) as store:
        store.revoke_admin(None, args.name)
    print(f"Admin {args.name!r} revoked: its token is refused from now on.")
    return 0


def enrol_token(args) -> int:
    with _opened_store(args) as store:
        token = store.create_enrolment_token(None, args.uses, args.expires_days)
    print(token)
    return 0


def register(subparsers) -> None:
    from ..service_cli import port_number

    parser = subparsers.add_parser(
        "central", help="the central service that publishes signed bundles"
    )
    actions = parser.add_subparsers(
        dest="central_command", metavar="ACTION", required=True
    )
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument(
        "--db",
        metavar="URL",
        help="database URL (default: SQLite in "
        "$POSTGUARD_CENTRAL_HOME; or POSTGUARD_CENTRAL_DB)",
    )

    action = actions.add_parser("serve", parents=[db], help="run central (gunicorn)")
    action.add_argument("--port", type=port_number, metavar="N")
    action.add_argument("--host", metavar="ADDR", help="default 127.0.0.1")
    action.set_defaults(handler=_guarded(serve))

    action = actions.add_parser("migrate", parents=[db], help="upgrade the schema")
    action.set_defaults(handler=_guarded(migrate))

    admin = actions.add_parser("admin", help="admin accounts")
    admin_actions = admin.add_subparsers(
        dest="admin_command", metavar="ACTION", required=True
    )
    action = admin_actions.add_parser(
        "create", parents=[db], help="create an admin; prints its token once"
    )
    action.add_argument("name")
    action.set_defaults(handler=_guarded(admin_create))
    action = admin_actions.add_parser(
        "password",
        parents=[db],
        help="set an admin's console password (prompts); lifts a lockout",
    )
    action.add_argument("name")
    action.add_argument(
        "--stdin", action="store_true", help="read the password from standard input"
    )
    action.set_defaults(handler=_guarded(admin_password))
    action = admin_actions.add_parser(
        "revoke", parents=[db], help="refuse an admin's token from now on"
    )
    action.add_argument("name")
    action.set_defaults(handler=_guarded(admin_revoke))

    action = actions.add_parser(
        "enrol-token", parents=[db], help="print a token that local services enrol with"
    )
    action.add_argument("--uses", type=int, default=1, help="devices it enrols")
    action.add_argument("--expires-days", type=float, default=7)
    action.set_defaults(handler=_guarded(enrol_token))

    from . import cli_admin
    from . import cli_terms

    cli_admin.register(actions)
    cli_terms.register(actions)
