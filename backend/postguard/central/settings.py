"""Central's settings, from POSTGUARD_CENTRAL_* variables and command-line flags.

Kept apart from the local service's settings: the two run on different machines.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import config
from . import health_gate

PREFIX = "POSTGUARD_CENTRAL_"
DEFAULT_PORT = 17660
DEFAULT_MIN_DEVICES = 5  # k-anonymity of the console's reports
COOKIE_SECURE = ("auto", "1", "0")
DOCS = {
    "HOME": "folder for the SQLite database and the static bundle file; "
    "default $POSTGUARD_HOME/central",
    "DB": "database URL (SQLAlchemy), e.g. "
    "postgresql+psycopg://postguard@db.example.com/postguard; "
    "default sqlite:///HOME/central.sqlite3",
    "KEYS": "pinned Ed25519 public keys (PEM files, comma-separated) that a "
    "published bundle must verify with",
    "HOST": "address to listen on (default 127.0.0.1: put a TLS proxy in front)",
    "PORT": f"TCP port (default {DEFAULT_PORT})",
    "WORKERS": "gunicorn worker processes (default 2)",
    "HEALTH_MIN_SCANS": "scans a pilot (and the baseline) needs before the "
    "health gate judges it (default 200)",
    "HEALTH_BLOCK_JUMP": "block-rate rise, as a fraction, that pauses a pilot "
    "(default 0.05)",
    "HEALTH_ERROR_JUMP": "scan-error-rate rise that pauses a pilot (default 0.02)",
    "COOKIE_SECURE": "console cookie's Secure flag: auto (default: set unless the "
    "console is opened on a loopback address), 1 or 0",
    "REPORT_MIN_DEVICES": "reports hide every cell computed from fewer devices "
    f"than this (default {DEFAULT_MIN_DEVICES}; never below it)",
}


def load(environ: Mapping[str, str], overrides: Mapping[str, Any]) -> dict[str, Any]:
    def get(key: str) -> str | None:
        value = overrides.get(key)
        return str(value) if value is not None else environ.get(PREFIX + key)

    home = Path(get("HOME") or config.default_home(environ) / "central").expanduser()
    try:
        port, workers = int(get("PORT") or DEFAULT_PORT), int(get("WORKERS") or 2)
        health = health_gate.Thresholds(
            min_scans=int(get("HEALTH_MIN_SCANS") or 200),
            block_jump=float(get("HEALTH_BLOCK_JUMP") or 0.05),
            error_jump=float(get("HEALTH_ERROR_JUMP") or 0.02),
        )
        min_devices = int(get("REPORT_MIN_DEVICES") or DEFAULT_MIN_DEVICES)
    except ValueError:
        raise config.ConfigError(
            f"{PREFIX}PORT, WORKERS, HEALTH_* and REPORT_MIN_DEVICES must be numbers"
        ) from None
    if min_devices < DEFAULT_MIN_DEVICES:
        raise config.ConfigError(
            f"{PREFIX}REPORT_MIN_DEVICES cannot be below {DEFAULT_MIN_DEVICES}"
        )
    cookie_secure = (get("COOKIE_SECURE") or "auto").lower()
    if cookie_secure not in COOKIE_SECURE:
        raise config.ConfigError(f"{PREFIX}COOKIE_SECURE is auto, 1 or 0")
    return {
        "HOME": home,
        "DB": get("DB") or f"sqlite:///{home / 'central.sqlite3'}",
        "KEYS": [k.strip() for k in (get("KEYS") or "").split(",") if k.strip()],
        "HOST": get("HOST") or "127.0.0.1",
        "PORT": port,
        "WORKERS": workers,
        "STATIC_DIR": home / "static",
        "HEALTH": health,
        "COOKIE_SECURE": cookie_secure,
        "REPORT_MIN_DEVICES": min_devices,
    }
