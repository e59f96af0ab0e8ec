"""Fixtures for central: every store test runs on SQLite and on a real
PostgreSQL server, started here in a throwaway cluster.

The PostgreSQL tests skip only when the server binaries are missing on a dev
box; with ``CI`` set they fail instead (scripts/test installs them).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid
from collections import Counter
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, str(Path(__file__).parents[1] / "bundles"))

from postguard.testing import free_port  # noqa: E402


def _pg_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _missing(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"no PostgreSQL here ({reason}); scripts/test installs it")


@pytest.fixture(scope="session")
def postgres_url():
    """A server URL without a database name; the cluster lives for the session."""
    initdb, pg_ctl = _pg_binary("initdb"), _pg_binary("pg_ctl")
    if not initdb or not pg_ctl:
        _missing("initdb / pg_ctl not found")
    run_as: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="postguard-pg-"))
    if os.geteuid() == 0:  # postgres refuses to run as root
        if subprocess.run(["id", "postgres"], capture_output=True).returncode:
            _missing("running as root and there is no postgres user")
        shutil.chown(base, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    data, port = base / "data", free_port()
    try:
        subprocess.run(
            [
                *run_as,
                initdb,
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
        )
        options = (
            f"-p {port} -k {base} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"
        )
        subprocess.run(
            [
                *run_as,
                pg_ctl,
                "-D",
                str(data),
                "-l",
                str(base / "log"),
                "-w",
                "-o",
                options,
                "start",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        log = (base / "log").read_text() if (base / "log").exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"cannot start PostgreSQL: {exc}\n{exc.stderr!r}\n{log}")
    yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    subprocess.run(
        [*run_as, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
        capture_output=True,
    )
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'central.sqlite3'}"
        return
    import psycopg

    server = request.getfixturevalue("postgres_url")
    name = f"t_{uuid.uuid4().hex[:12]}"
    plain = server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(f"{plain}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield f"{server}/{name}"
    with psycopg.connect(f"{plain}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def key():
    return Ed25519PrivateKey.generate()


@pytest.fixture
def other_key():
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory):
    """Databases migrated to head once per session, copied for each ``store``:
    seven migrations per test would cost more than most tests. The migrations
    themselves are tested from empty databases (``db_url``)."""
    return {}


def _from_template(db_url: str, templates: dict, root: Path) -> None:
    """Make the empty database at ``db_url`` a copy of one migrated to head."""
    from postguard.central import migrate
    from postguard.central.store import make_engine

    if db_url.startswith("sqlite:///"):
        if "sqlite" not in templates:
            template = root / "template.sqlite3"
            engine = make_engine(f"sqlite:///{template}")
            migrate.upgrade(engine)
            engine.dispose()
            templates["sqlite"] = template
        shutil.copyfile(templates["sqlite"], db_url.removeprefix("sqlite:///"))
        return
    import psycopg

    server, name = db_url.rsplit("/", 1)
    plain = server.replace("postgresql+psycopg://", "postgresql://")
    if "postgresql" not in templates:
        with psycopg.connect(f"{plain}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE migrated_template")
        engine = make_engine(f"{server}/migrated_template")
        migrate.upgrade(engine)
        engine.dispose()
        templates["postgresql"] = "migrated_template"
    with psycopg.connect(f"{plain}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name}")
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {templates['postgresql']}")


@pytest.fixture
def store(db_url, key, tmp_path, migrated_templates, tmp_path_factory):
    from postguard.central.store import Store
    from postguard.central.store import make_engine

    _from_template(db_url, migrated_templates, tmp_path_factory.getbasetemp())
    engine = make_engine(db_url)
    yield Store(engine, [key.public_key()], tmp_path / "static")
    engine.dispose()


@pytest.fixture
def client(store):
    from postguard.central.app import create_central_app

    return create_central_app({}, store).test_client()


@pytest.fixture
def central_server(store):
    """The central app served over HTTP on a loopback port (a thread), for
    clients that speak HTTP: the CLI and the local service's poller.
    ``hits`` counts the requests it answered, by "METHOD /path"."""
    from werkzeug.serving import make_server

    from postguard.central.app import create_central_app

    app = create_central_app({}, store)
    hits: Counter = Counter()
    counted = threading.Lock()

    def counting(environ, start_response):
        with counted:
            hits[f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}"] += 1
        return app(environ, start_response)

    server = make_server("127.0.0.1", 0, counting, threaded=True)
    server.url = f"http://127.0.0.1:{server.server_port}"
    server.hits = hits
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
