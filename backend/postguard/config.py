"""Service settings: documented defaults, then a config file, then the environment.

The file is YAML (JSON works too) with lower-case keys, e.g. ``port: 17653``; each
environment variable is the upper-case key with the ``POSTGUARD_`` prefix, e.g.
``POSTGUARD_PORT``. Later sources win. Nothing here is secret: the per-install token
lives in its own user-only file (see ``install_token``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ENV_PREFIX = "POSTGUARD_"
DEFAULT_PORT = 17653
PINNED_EXTENSION_ORIGIN = "chrome-extension://bdjldkhffmlmhngiojpjiponmegeadcm"


class ConfigError(Exception):
    """A settings file or variable is unusable; the message says which and why."""


def _parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("expected true or false")


def _parse_list(raw: str) -> list[str]:
    raw = raw.strip()
    if raw.startswith("["):
        value = json.loads(raw)
        if not all(isinstance(item, str) for item in value):
            raise ValueError("expected a list of strings")
        return value
    return [item.strip() for item in raw.split(",") if item.strip()]


def _parse_terms(raw: str) -> list:
    """Confidential terms from the environment: a JSON array (strings or
    ``{"term", "severity"}`` objects) or comma-separated terms."""
    raw = raw.strip()
    if raw.startswith("["):
        value = json.loads(raw)
        if not isinstance(value, list):
            raise ValueError("expected a list")
        return value
    return [item.strip() for item in raw.split(",") if item.strip()]


@dataclass(frozen=True)
class Setting:
    parse: Callable[[str], Any]  # from an environment string
    default: Any
    doc: str


SETTINGS: dict[str, Setting] = {
    "HOME": Setting(
        str,
        None,
        "Folder for the token, the audit database and "
        "config.yaml; default $XDG_CONFIG_HOME/postguard or "
        "~/.config/postguard.",
    ),
    "PORT": Setting(
        int,
        DEFAULT_PORT,
        "TCP port; the service binds 127.0.0.1 only. "
        "0 picks a free port (serve prints it).",
    ),
    "ALLOWED_ORIGINS": Setting(
        _parse_list,
        [PINNED_EXTENSION_ORIGIN],
        "Extension origins allowed to call the service.",
    ),
    "TOKEN_FILE": Setting(str, None, "Per-install token file; default HOME/token."),
    "AUDIT_DB": Setting(str, None, "SQLite audit log; default HOME/audit.sqlite3."),
    "AUDIT_RETENTION_DAYS": Setting(int, 30, "Audit rows older than this are deleted."),
    "POLICY_FILE": Setting(
        str,
        None,
        "Admin policy (YAML/JSON); default: the policy inside the rule bundle.",
    ),
    "RULES_BUNDLE": Setting(str, None, "Rule bundle JSON; default: the packaged one."),
    "BUNDLE_KEYS": Setting(
        _parse_list,
        [],
        "Pinned Ed25519 public keys (PEM files or PEM text) that signed rule "
        "bundles must verify with; two during a key rotation.",
    ),
    "BUNDLE_FILE": Setting(
        str,
        None,
        "Signed rule bundle to watch (docs/admin.md); applied when it verifies "
        "with bundle_keys and is newer than the running one.",
    ),
    "BUNDLE_POLL_SECONDS": Setting(
        int, 60, "How often the service looks at bundle_file for a new bundle."
    ),
    "CENTRAL_URL": Setting(
        str,
        None,
        "Central service base URL (https://...); the service enrols once, then "
        "polls it for signed bundles, applied like bundle_file's.",
    ),
    "ENROLMENT_TOKEN": Setting(
        str,
        None,
        "Enrolment token from `postguard central enrol-token`, used once; the "
        "device credential then lives in HOME/central-device.json (0600).",
    ),
    "CENTRAL_POLL_SECONDS": Setting(
        int, 900, "How often central is asked for a new bundle (jittered ±20%)."
    ),
    "TELEMETRY": Setting(
        _parse_bool,
        True,
        "With central_url: send central metadata-only counts (rule ids, "
        "actions, verdicts, platforms; never text), queued in "
        "HOME/telemetry.sqlite3.",
    ),
    "TELEMETRY_MAX_ROWS": Setting(
        int, 50000, "Rows the telemetry queue keeps while central is unreachable."
    ),
    "TELEMETRY_FLUSH_SECONDS": Setting(
        int, 60, "How often scan counts go from memory to the telemetry queue."
    ),
    "INTERNAL_DOMAINS": Setting(
        _parse_list,
        [],
        "Internal hosts: a host or URL under one of them is a finding "
        "(jira.example.com, *.corp.example.com); added to the policy's.",
    ),
    "CONFIDENTIAL_TERMS": Setting(
        _parse_terms,
        [],
        "Codenames and unreleased product names: terms, or {term, severity}; "
        "added to the policy's.",
    ),
    "CONFIDENTIAL_TERMS_FILE": Setting(
        str,
        None,
        "YAML file of confidential terms (a list, or a mapping with "
        "confidential_terms); added to the others.",
    ),
    "GROUPS": Setting(
        _parse_list,
        [],
        "Device groups (finance, ...): a policy quiet period with groups applies "
        "only to devices in one of them; joined with the extension's managed groups.",
    ),
    "MAX_CONTENT_LENGTH": Setting(
        int,
        1024 * 1024,
        "Largest request body, bytes; must fit the rule bundle's max_chars.",
    ),
    "RATE_LIMIT_PER_SECOND": Setting(
        float, 20.0, "Sustained requests per second per client; 0 turns the limit off."
    ),
    "RATE_LIMIT_BURST": Setting(int, 40, "Requests a client may send at once."),
    "MAX_CONNECTIONS": Setting(
        int, 4096, "Open connections served at once; more wait until one closes."
    ),
    "HEADER_TIMEOUT": Setting(
        int,
        5,
        "Seconds a client has to send the request "
        "line and headers, and that an idle connection stays "
        "open.",
    ),
    "REQUEST_TIMEOUT": Setting(
        int, 10, "Seconds a client has to send the body and read the answer."
    ),
    "IMAGE_BUDGET_MS": Setting(
        int,
        4000,
        "Milliseconds an attached image's check may take (at most half of "
        "request_timeout); past it the image is reported not fully checked.",
    ),
    "PARAGRAPH_CACHE_ENTRIES": Setting(int, 4096, "Paragraph results kept in memory."),
    "PARAGRAPH_SPLIT_MIN_CHARS": Setting(
        int, 5000, "Drafts at least this long are scanned paragraph by paragraph."
    ),
    "BENCH_ENDPOINTS": Setting(
        _parse_bool,
        False,
        "Adds the no-op route used by "
        "scripts/bench_service.py; never needed otherwise.",
    ),
}


def default_home(environ: Mapping[str, str]) -> Path:
    if environ.get(ENV_PREFIX + "HOME"):
        return Path(environ[ENV_PREFIX + "HOME"]).expanduser()
    base = environ.get("XDG_CONFIG_HOME") or os.path.join("~", ".config")
    return Path(base).expanduser() / "postguard"


def defaults() -> dict[str, Any]:
    return {key: setting.default for key, setting in SETTINGS.items()}


def from_mapping(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults overlaid with ``mapping`` (used by tests and by ``serve``)."""
    settings = defaults()
    settings.update(mapping)
    return resolve_paths(settings, os.environ)


def _check_types(settings: Mapping[str, Any]) -> None:
    for key, setting in SETTINGS.items():
        value, default = settings[key], setting.default
        if default is None:
            ok = value is None or isinstance(value, str)
        elif isinstance(default, bool):
            ok = isinstance(value, bool)
        elif key == "CONFIDENTIAL_TERMS":  # checked entry by entry on load
            ok = isinstance(value, list)
        elif isinstance(default, list):
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        elif isinstance(default, float):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        else:
            ok = isinstance(value, type(default)) and not isinstance(value, bool)
        if not ok:
            example = "a path" if default is None else repr(default)
            raise ConfigError(
                f"setting {key.lower()}: wrong type, expected a value like {example}"
            )


# Settings that must be in a range: key -> (lowest, highest).
RANGES = {
    "PORT": (0, 65535),
    "MAX_CONNECTIONS": (16, 65536),
    "HEADER_TIMEOUT": (1, 300),
    "REQUEST_TIMEOUT": (1, 600),
    "IMAGE_BUDGET_MS": (100, 300_000),
    "MAX_CONTENT_LENGTH": (1024, 64 * 1024 * 1024),
    "BUNDLE_POLL_SECONDS": (1, 86400),
    "CENTRAL_POLL_SECONDS": (1, 86400),
    "TELEMETRY_MAX_ROWS": (100, 10_000_000),
    "TELEMETRY_FLUSH_SECONDS": (1, 3600),
}


def _check_ranges(settings: Mapping[str, Any]) -> None:
    for key, (low, high) in RANGES.items():
        if not low <= settings[key] <= high:
            raise ConfigError(
                f"setting {key.lower()}: {settings[key]} is out of "
                f"range; use {low} to {high}"
            )


def resolve_paths(settings: dict[str, Any], environ: Mapping[str, str]) -> dict:
    _check_types(settings)
    _check_ranges(settings)
    home = Path(settings["HOME"]).expanduser() if settings["HOME"] else None
    home = home or default_home(environ)
    settings["HOME"] = str(home)
    settings["TOKEN_FILE"] = settings["TOKEN_FILE"] or str(home / "token")
    settings["AUDIT_DB"] = settings["AUDIT_DB"] or str(home / "audit.sqlite3")
    return settings


def read_file(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else "?"
        raise ConfigError(f"{path}, line {line}: {exc.problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of settings")
    settings = {}
    for key, value in data.items():
        name = str(key).upper()
        if name not in SETTINGS:
            known = ", ".join(k.lower() for k in SETTINGS)
            raise ConfigError(f"{path}: unknown setting {key!r}; known: {known}")
        settings[name] = value
    return settings


def load(
    environ: Mapping[str, str],
    config_file: str | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Settings from defaults, then the config file, then POSTGUARD_* variables."""
    settings = defaults()
    explicit = config_file or environ.get(ENV_PREFIX + "CONFIG")
    path = Path(explicit).expanduser() if explicit else None
    if path is None and (default_home(environ) / "config.yaml").is_file():
        path = default_home(environ) / "config.yaml"
    if path is not None:
        settings.update(read_file(path))
    for key, setting in SETTINGS.items():
        raw = environ.get(ENV_PREFIX + key)
        if raw is None:
            continue
        try:
            settings[key] = setting.parse(raw)
        except ValueError as exc:
            raise ConfigError(f"{ENV_PREFIX}{key}: {exc}") from None
    settings.update(overrides or {})
    return resolve_paths(settings, environ)
