"""`postguard central admin password NAME`: the first console login is made on
the central host, never a default password."""

from __future__ import annotations

import subprocess

import pytest

from postguard.central.console_accounts import LoginRefused
from postguard.testing import central_command
from postguard.testing import cli_env


def run(tmp_path, db_url, *args, stdin=""):
    env = cli_env(tmp_path / "home", POSTGUARD_CENTRAL_DB=db_url)
    return subprocess.run(
        central_command(*args),
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_admin_password_sets_the_console_login(tmp_path, store, db_url):
    store.create_admin("alice")
    with pytest.raises(LoginRefused):
        store.console_login("alice", "", "127.0.0.1")
    done = run(
        tmp_path,
        db_url,
        "admin",
        "password",
        "alice",
        "--stdin",
        stdin="a long enough password\n",
    )
    assert done.returncode == 0, done.stderr
    assert "a long enough password" not in done.stdout + done.stderr
    assert store.console_login("alice", "a long enough password", "127.0.0.1")


def test_short_passwords_and_unknown_admins_are_refused(tmp_path, store, db_url):
    store.create_admin("alice")
    short = run(
        tmp_path, db_url, "admin", "password", "alice", "--stdin", stdin="short\n"
    )
    assert short.returncode == 1 and "bad_password" in short.stderr
    nobody = run(
        tmp_path,
        db_url,
        "admin",
        "password",
        "bob",
        "--stdin",
        stdin="a long enough password\n",
    )
    assert nobody.returncode == 1 and "no_such_admin" in nobody.stderr
