"""The long-lived objects one app instance shares between requests and threads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app


@dataclass
class Services:
    engine: Any  # postguard.engine.Engine
    policy: Any  # postguard.policy.Policy
    scanner: Any  # postguard.paragraph_cache.DraftScanner
    audit: Any  # postguard.audit.AuditStore
    limiter: Any  # postguard.rate_limit.RateLimiter
    nonces: Any  # postguard.signing.NonceLedger
    schemas: Any  # postguard.api.validate.Schemas
    known_rule_ids: frozenset[str]
    bundle_bytes: bytes  # the bundle as served: with the effective policy
    bundle_etag: str  # sha256 of bundle_bytes


def current() -> Services:
    return current_app.extensions["postguard"]


def telemetry():
    """The app's telemetry.Telemetry, or None when it is off."""
    return current_app.extensions.get("postguard_telemetry")


def bundle_version() -> int | None:
    """The running signed bundle's version; None for unsigned rules."""
    return current_app.extensions["postguard_bundle"].version or None
