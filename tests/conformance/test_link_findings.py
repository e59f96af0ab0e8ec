"""Link findings (issue 13, item 5): one finding type for every internal-link
rule, and one preview note, the same in both runtimes (the service's CLI and
the extension's banner)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from postguard.engine.result import LINK_PREVIEW_NOTE
from postguard.engine.result import LINK_TYPES

ROOT = Path(__file__).resolve().parents[2]
JS = (ROOT / "extension/src/shared/link-findings.js").read_text()
LINK_RULES = {
    "jira-issue-link",
    "confluence-page-link",
    "microsoft-share-link",
    "google-drive-link",
    "dropbox-link",
    "box-link",
}


def _js_string(name: str) -> str:
    match = re.search(rf"export const {name} =\s*((?:\s*'[^']*'\s*\+?)+);", JS)
    assert match, name
    return "".join(re.findall(r"'([^']*)'", match.group(1)))


def test_the_note_and_the_types_are_the_same_in_both_runtimes():
    assert _js_string("LINK_PREVIEW_NOTE") == LINK_PREVIEW_NOTE
    js_types = re.search(r"LINK_TYPES = Object\.freeze\(\[([^\]]*)\]\)", JS).group(1)
    assert tuple(re.findall(r"'([A-Z_]+)'", js_types)) == LINK_TYPES


def test_every_link_rule_has_the_link_type_and_nothing_else_does():
    bundle = json.loads((ROOT / "shared_rules/dist/ruleset.json").read_text())
    typed = {r["id"] for r in bundle["rules"] if r["type"] in LINK_TYPES}
    assert typed == LINK_RULES
    org = yaml.safe_load((ROOT / "shared_rules/bundle.yaml").read_text())["org_rules"]
    assert org["internal_domains"]["type"] in LINK_TYPES
