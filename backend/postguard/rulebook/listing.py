"""``postguard rules list``: what a bundle holds, one line per rule or in counts.

Reads a compiled bundle (the packaged one by default), so an admin sees exactly
what the engines run, including where each rule runs (``python``, ``js``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

INTERNATIONAL = "-"  # the country column of a rule without countries


def select(
    rules: Iterable[dict],
    *,
    category: str | None = None,
    country: str | None = None,
    rule_type: str | None = None,
) -> list[dict]:
    chosen = []
    for rule in rules:
        if category is not None and rule["category"] != category:
            continue
        if rule_type is not None and rule["type"] != rule_type.upper():
            continue
        if country is not None and country.upper() not in rule.get("countries", []):
            continue
        chosen.append(rule)
    return sorted(chosen, key=lambda r: (r["category"], r["id"]))


def summary(rules: list[dict]) -> dict[str, dict[str, int]]:
    """Counts per category, type, country (a rule counts once per country),
    runtime and regulated wording pack (rules without a pack are not counted)."""
    countries: Counter[str] = Counter()
    runtimes: Counter[str] = Counter()
    for rule in rules:
        countries.update(rule.get("countries") or [INTERNATIONAL])
        runtimes.update(rule.get("runtimes", ["python", "js"]))
    return {
        "rules": {"total": len(rules)},
        "category": dict(sorted(Counter(r["category"] for r in rules).items())),
        "type": dict(sorted(Counter(r["type"] for r in rules).items())),
        "country": dict(sorted(countries.items())),
        "runtime": dict(sorted(runtimes.items())),
        "pack": dict(
            sorted(Counter(r["pack"] for r in rules if r.get("pack")).items())
        ),
    }


def summary_lines(counts: dict[str, dict[str, int]]) -> list[str]:
    national = {k: v for k, v in counts["country"].items() if k != INTERNATIONAL}
    lines = [
        f"{counts['rules']['total']} rules; country-specific ones in "
        f"{len(national)} countries"
    ]
    for heading in ("category", "type", "country", "runtime", "pack"):
        if heading not in counts:
            continue
        lines.append(f"\n{heading}:")
        width = max((len(k) for k in counts[heading]), default=0)
        for key, count in counts[heading].items():
            label = "(international)" if key == INTERNATIONAL else key
            lines.append(f"  {label:{max(width, 15)}} {count:5}")
    return lines


def rule_lines(rules: list[dict]) -> list[str]:
    rows = [("id", "category", "type", "severity", "countries", "runtimes")]
    for rule in rules:
        rows.append(
            (
                rule["id"],
                rule["category"],
                rule["type"],
                rule["severity"],
                ",".join(rule.get("countries") or [INTERNATIONAL]),
                ",".join(rule.get("runtimes", ["python", "js"])),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    ]
