"""Scan results: findings with masked previews, never raw values."""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from typing import Any

VERDICT_ORDER = ("allow", "warn", "block")
# Least to most severe; the findings cap keeps the most severe first.
SEVERITY_ORDER = ("low", "medium", "high", "critical")

# Finding types about a link the platform fetches a preview of when the post goes
# out (the internal-link rules); the extension's twin is shared/link-findings.js.
LINK_TYPES = ("INTERNAL_LINK",)
LINK_PREVIEW_NOTE = (
    "When this goes out, the site fetches a preview of each link: if the page "
    "opens for it, its title and first lines are shown with the post, to "
    "everyone who sees it."
)

# {"rule_id": id or None, "reason": "timeout" | "budget" | "too_long"}
Incomplete = dict[str, str | None]
# {"rule_id": id, "name": the rule's human name}
NotRun = dict[str, str]


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ScanResult:
    verdict: str
    findings: list[Finding]
    rules_version: str
    complete: bool = True
    incomplete: list[Incomplete] = field(default_factory=list)
    # Findings past the bundle's max_findings cap (the verdict still counts them),
    # and the ids of their rules, so a policy can count them too.
    findings_omitted: int = 0
    omitted_rules: list[str] = field(default_factory=list)
    # Bundle rules this runtime cannot run, sorted by id.
    not_run: list[NotRun] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "findings": [f.to_dict() for f in self.findings],
            "rules_version": self.rules_version,
            "complete": self.complete,
            "incomplete": [dict(item) for item in self.incomplete],
            "findings_omitted": self.findings_omitted,
            "omitted_rules": list(self.omitted_rules),
            "not_run": [dict(item) for item in self.not_run],
        }
