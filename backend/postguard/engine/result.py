"""Scan results: findings with masked previews, never raw values."""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field

VERDICT_ORDER = ("allow", "warn", "block")


@dataclass(frozen=True)
class Finding:
    rule_id: str
    category: str
    type: str
    severity: str
    start: int
    end: int
    score: float
    preview: str
    message: str
    policy_url: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class ScanResult:
    verdict: str
    findings: list[Finding]
    rules_version: str
    complete: bool = True
    incomplete: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "findings": [f.to_dict() for f in self.findings],
            "rules_version": self.rules_version,
            "complete": self.complete,
            "incomplete": list(self.incomplete),
        }
