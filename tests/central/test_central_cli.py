"""`postguard central` commands' refusals, and the local setting's guard."""

from __future__ import annotations

import pytest

from postguard import config
from postguard.app import create_app
from postguard.central.cli import EXIT_CONFIG
from postguard.central.cli import EXIT_FAIL
from postguard.cli import main


@pytest.fixture
def central_home(tmp_path, monkeypatch):
    for name in ("KEYS", "DB", "HOME"):
        monkeypatch.delenv(f"POSTGUARD_CENTRAL_{name}", raising=False)
    monkeypatch.delenv("POSTGUARD_ADMIN_TOKEN", raising=False)
    monkeypatch.setenv("POSTGUARD_CENTRAL_HOME", str(tmp_path / "central"))
    return tmp_path / "central"


def test_serve_without_pinned_keys_refuses_to_start(central_home, capsys):
    assert main(["central", "serve", "--port", "0"]) == EXIT_CONFIG
    assert "POSTGUARD_CENTRAL_KEYS" in capsys.readouterr().err


def test_admin_names_are_unique_and_the_token_goes_to_stdout(central_home, capsys):
    assert main(["central", "admin", "create", "alice"]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("pgadmin_") and "pgadmin_" not in out.err
    assert main(["central", "admin", "create", "alice"]) == EXIT_FAIL
    assert "admin_exists" in capsys.readouterr().err
    assert (central_home / "central.sqlite3").is_file()


def test_publish_needs_an_admin_token(central_home, tmp_path, capsys):
    signed = tmp_path / "b.json"
    signed.write_text("{}")
    url = ["--url", "http://127.0.0.1:9"]
    code = main(["central", "publish", *url, "--all", str(signed)])
    assert code == EXIT_CONFIG
    assert "POSTGUARD_ADMIN_TOKEN" in capsys.readouterr().err


def test_publish_names_a_pilot_or_all(central_home, tmp_path, capsys):
    signed = tmp_path / "b.json"
    signed.write_text("{}")
    assert main(["central", "publish", "--url", "http://x", str(signed)]) == 2
    assert "--pilot-group" in capsys.readouterr().err


def test_the_local_service_will_not_poll_central_without_pinned_keys(tmp_path):
    settings = {"HOME": str(tmp_path), "CENTRAL_URL": "http://127.0.0.1:9"}
    with pytest.raises(config.ConfigError, match="central_url needs bundle_keys"):
        create_app(settings)
