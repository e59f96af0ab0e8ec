"""Helpers for signed-bundle tests: real keys, real bundles, no mocked crypto."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from importlib import resources

from postguard import bundle_signing as bs

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
CANARY_RULE = "zebra-canary-code"
CANARY_TEXT = "our code ZEBRA-123456 is out"


def packaged_bundle() -> bytes:
    return resources.files("postguard").joinpath("data/ruleset.json").read_bytes()


def bundle_with_canary_rule(version: str = "9.9.9-test") -> bytes:
    """The packaged bundle plus one rule that does not exist there."""
    bundle = json.loads(packaged_bundle())
    rule = copy.deepcopy(
        next(r for r in bundle["rules"] if r["id"] == "aws-access-key-id")
    )
    rule.update(
        id=CANARY_RULE,
        name="Zebra canary code",
        pattern="(?<![A-Za-z0-9])(?<value>ZEBRA-[0-9]{6})(?![A-Za-z0-9])",
        keywords=["zebra-"],
        validators=[],
        allow={},
        reach={"behind": 1, "ahead": 14, "keyword_first": True},
        examples={
            "match": [{"text": CANARY_TEXT, "value": "ZEBRA-123456", "why": "t"}],
            "no_match": [],
        },
    )
    bundle["rules"].append(rule)
    bundle["version"] = version
    return json.dumps(bundle, indent=1).encode()


def marker_text(n: int) -> str:
    """Text that only the rule of ``bundle_with_marker_rule(n)`` finds."""
    return f"MARK{n}-424242"


def bundle_with_marker_rule(n: int) -> bytes:
    """The packaged bundle plus rule ``marker-vN``, which only this bundle has:
    a scan then tells which of several bundles runs."""
    bundle = json.loads(packaged_bundle())
    rule = copy.deepcopy(
        next(r for r in bundle["rules"] if r["id"] == "aws-access-key-id")
    )
    rule.update(
        id=f"marker-v{n}",
        name=f"Marker of bundle {n}",
        pattern=f"(?<![A-Za-z0-9])(?<value>MARK{n}-[0-9]{{6}})(?![A-Za-z0-9])",
        keywords=[f"mark{n}-"],
        validators=[],
        allow={},
        reach={"behind": 1, "ahead": len(marker_text(n)) + 2, "keyword_first": True},
        examples={
            "match": [{"text": marker_text(n), "value": marker_text(n), "why": "t"}],
            "no_match": [],
        },
    )
    bundle["rules"].append(rule)
    bundle["version"] = f"9.{n}.0-marker"
    return json.dumps(bundle, indent=1).encode()


def signed(payload: bytes, key, version: int, created=NOW, days: float = 30) -> bytes:
    return bs.sign(payload, key, version, created, created + timedelta(days=days))


def write_pem(path, key) -> str:
    path.write_bytes(bs.public_pem(key.public_key()))
    return str(path)
