"""Small parts of the service: rate limiter, install token, settings."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from postguard import config
from postguard.install_token import TokenError
from postguard.install_token import ensure_token
from postguard.rate_limit import RateLimiter


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


# --- rate limiter ---------------------------------------------------------------


def test_bucket_allows_the_burst_then_refills_at_the_rate():
    clock = Clock()
    limiter = RateLimiter(per_second=2, burst=3, clock=clock)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    clock.now += 0.5  # one token back
    assert [limiter.allow("a") for _ in range(2)] == [True, False]


def test_clients_have_separate_buckets():
    limiter = RateLimiter(per_second=1, burst=1, clock=Clock())
    assert limiter.allow("a") and not limiter.allow("a")
    assert limiter.allow("b")


def test_zero_rate_turns_the_limit_off():
    limiter = RateLimiter(per_second=0, burst=1, clock=Clock())
    assert all(limiter.allow("a") for _ in range(1000))


# --- install token -----------------------------------------------------------------


def test_token_file_is_created_user_only_and_reused(tmp_path):
    path = tmp_path / "home" / "token"
    token, created = ensure_token(path)
    assert created and len(token) >= 43  # 32 random bytes, url-safe base64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert ensure_token(path) == (token, False)


def test_tokens_differ_between_installs(tmp_path):
    assert ensure_token(tmp_path / "a")[0] != ensure_token(tmp_path / "b")[0]


def test_a_readable_token_file_is_tightened(tmp_path):
    path = tmp_path / "token"
    token, _ = ensure_token(path)
    os.chmod(path, 0o644)
    assert ensure_token(path) == (token, False)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_damaged_token_file_is_a_clear_error(tmp_path):
    path = tmp_path / "token"
    path.write_text("short\n")
    with pytest.raises(TokenError, match="delete it"):
        ensure_token(path)


# --- settings ------------------------------------------------------------------------


def test_defaults_bind_the_documented_port_and_pin_the_extension(tmp_path):
    settings = config.load({"POSTGUARD_HOME": str(tmp_path)})
    assert settings["PORT"] == 17653
    assert settings["ALLOWED_ORIGINS"] == [config.PINNED_EXTENSION_ORIGIN]
    assert settings["TOKEN_FILE"] == str(tmp_path / "token")
    assert settings["AUDIT_DB"] == str(tmp_path / "audit.sqlite3")


def test_file_then_environment_then_overrides(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("port: 18000\naudit_retention_days: 7\nrate_limit_burst: 5\n")
    env = {
        "POSTGUARD_HOME": str(tmp_path),
        "POSTGUARD_PORT": "18001",
        "POSTGUARD_ALLOWED_ORIGINS": "chrome-extension://a, chrome-extension://b",
    }
    settings = config.load(env, overrides={"RATE_LIMIT_BURST": 9})
    assert settings["PORT"] == 18001  # environment beats the file
    assert settings["AUDIT_RETENTION_DAYS"] == 7  # from $POSTGUARD_HOME/config.yaml
    assert settings["RATE_LIMIT_BURST"] == 9  # command line beats both
    assert settings["ALLOWED_ORIGINS"] == [
        "chrome-extension://a",
        "chrome-extension://b",
    ]


def test_explicit_config_file_and_json_list_in_env(tmp_path):
    path = tmp_path / "elsewhere.yaml"
    path.write_text("bench_endpoints: true\n")
    env = {
        "POSTGUARD_HOME": str(tmp_path),
        "POSTGUARD_ALLOWED_ORIGINS": '["chrome-extension://c"]',
    }
    settings = config.load(env, config_file=str(path))
    assert settings["BENCH_ENDPOINTS"] is True
    assert settings["ALLOWED_ORIGINS"] == ["chrome-extension://c"]


@pytest.mark.parametrize(
    "text, words",
    [
        ("prot: 1\n", "unknown setting 'prot'"),
        ("port: [1\n", "line 2"),
        ("port: eighty\n", "setting port: wrong type"),
        ("- 1\n", "mapping"),
    ],
)
def test_bad_config_file_is_a_clear_error(tmp_path, text, words):
    path = tmp_path / "config.yaml"
    path.write_text(text)
    with pytest.raises(config.ConfigError, match=words):
        config.load({"POSTGUARD_HOME": str(tmp_path)}, config_file=str(path))


def test_bad_environment_value_names_the_variable(tmp_path):
    with pytest.raises(config.ConfigError, match="POSTGUARD_PORT"):
        config.load({"POSTGUARD_HOME": str(tmp_path), "POSTGUARD_PORT": "x"})


def test_every_setting_is_documented():
    docs = (Path(__file__).parents[2] / "docs" / "service.md").read_text()
    for key in config.SETTINGS:
        assert f"`{key.lower()}`" in docs and f"`POSTGUARD_{key}`" in docs, key
