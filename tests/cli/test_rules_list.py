"""`postguard rules list`: what a bundle holds, as an admin asks for it."""

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUNDLE = REPO / "backend" / "postguard" / "data" / "ruleset.json"


def rules_list(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "postguard.cli", "rules", "list", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def shipped() -> list[dict]:
    return json.loads(BUNDLE.read_text(encoding="utf-8"))["rules"]


def test_the_summary_counts_what_the_bundle_holds():
    done = rules_list("--summary", "--json")
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout)
    rules = shipped()
    assert counts["rules"]["total"] == len(rules)
    assert sum(counts["category"].values()) == len(rules)
    assert counts["category"]["credential"] == sum(
        r["category"] == "credential" for r in rules
    )
    assert counts["runtime"]["python"] == sum("python" in r["runtimes"] for r in rules)
    assert counts["country"]["US"] == sum("US" in r["countries"] for r in rules)
    # Regulated wording packs, each counted with its rules (off by default).
    assert set(counts["pack"]) == {"financial-promotion", "health", "legal"}
    assert counts["pack"]["health"] == sum(r.get("pack") == "health" for r in rules)
    assert sum(counts["pack"].values()) == counts["category"]["regulated"]


def test_the_human_summary_names_every_heading():
    out = rules_list("--summary").stdout
    for heading in ("category:", "type:", "country:", "runtime:", "(international)"):
        assert heading in out
    assert "\npack:\n" in out and "financial-promotion" in out


def test_filters_by_country_and_category():
    done = rules_list("--country", "in", "--json")
    ids = [r["id"] for r in json.loads(done.stdout)]
    # Listed by category, then id.
    indian = [r for r in shipped() if "IN" in r["countries"]]
    assert ids == [
        r["id"] for r in sorted(indian, key=lambda r: (r["category"], r["id"]))
    ]
    assert {"in-aadhaar", "in-ifsc-account"} <= set(ids)
    assert ids  # the default pack has Indian formats
    done = rules_list("--category", "pii")
    lines = done.stdout.splitlines()[1:]
    assert lines and all(" pii " in line for line in lines)


def test_a_bundle_that_cannot_be_read_is_a_clear_error(tmp_path):
    broken = tmp_path / "bundle.json"
    broken.write_text("{not json", encoding="utf-8")
    done = rules_list("--bundle", str(broken))
    assert done.returncode == 66
    assert "cannot read the bundle" in done.stderr
    assert "{not json" not in done.stderr


def test_lists_what_sources_build(tmp_path):
    done = rules_list("--rules-dir", str(REPO / "shared_rules"), "--json")
    assert done.returncode == 0, done.stderr
    assert {r["id"] for r in json.loads(done.stdout)} == {r["id"] for r in shipped()}
