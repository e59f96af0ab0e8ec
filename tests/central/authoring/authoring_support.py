"""Rules and helpers shared by the rule-authoring tests."""

from __future__ import annotations

KEY = "acme_7f3k9q2m8x4v1z6b"  # what ACME_RULE finds

ACME_RULE = """\
id: acme-key
name: Acme key
category: credential
type: SECRET
severity: high
pattern: '(?<![A-Za-z0-9_])acme_[a-z0-9]{16}(?![A-Za-z0-9_])'
keywords: [acme_]
allow:
  values: [acme_0000000000000000]
message: This is an Acme key.
examples:
  match:
    - {text: "key acme_7f3k9q2m8x4v1z6b here", value: acme_7f3k9q2m8x4v1z6b, why: a key}
  no_match:
    - {text: "acme_short", why: too short}
references: [https://example.com/acme-keys]
"""


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def with_line(source: str, old: str, new: str) -> str:
    assert old in source
    return source.replace(old, new, 1)


def line_number(source: str, needle: str) -> int:
    """1-based line of the first line holding ``needle``."""
    for number, line in enumerate(source.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the source")
