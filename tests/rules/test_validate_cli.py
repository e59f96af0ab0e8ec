"""`postguard rules validate` rejects each broken rule, naming the file and reason."""

import shutil
from pathlib import Path

import pytest
import yaml

from postguard.cli import main

REPO = Path(__file__).resolve().parents[2]
CASES = Path(__file__).with_name("cases")


def rule_tree(tmp_path: Path, case: str | None) -> Path:
    root = tmp_path / "shared_rules"
    for part in ("bundle.yaml", "schema", "allow"):
        source = REPO / "shared_rules" / part
        if source.is_dir():
            shutil.copytree(source, root / part)
        else:
            root.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, root / part)
    shutil.copytree(REPO / "shared_rules" / "rules", root / "rules")
    if case:
        data = yaml.safe_load((CASES / f"{case}.yaml").read_text())
        target = root / "rules" / data["category"] / f"{case}.yaml"
        shutil.copy(CASES / f"{case}.yaml", target)
    return root


def test_the_shipped_rules_validate(tmp_path, capsys):
    assert (
        main(["rules", "validate", "--rules-dir", str(rule_tree(tmp_path, None))]) == 0
    )


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("schema-error", "schema"),
        ("inline-flag", "inline flags"),
        ("failing-example", "should match but did not"),
        ("nested-quantifier", "nested unbounded quantifier"),
        ("slow-alternation", "ReDoS"),
    ],
)
def test_broken_rule_is_rejected_with_file_and_reason(tmp_path, capsys, case, reason):
    root = rule_tree(tmp_path, case)
    assert main(["rules", "validate", "--rules-dir", str(root)]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if case in line]
    assert errors, "no error names the rule file"
    assert any(f"{case}.yaml" in line and reason in line for line in errors), errors


def test_build_check_detects_stale_bundle(tmp_path, capsys):
    root = rule_tree(tmp_path, None)
    args = ["rules", "build", "--rules-dir", str(root)]
    assert main(args) == 0
    assert main([*args, "--check"]) == 0
    rule = root / "rules" / "pii" / "email-address.yaml"
    rule.write_text(rule.read_text().replace("severity: medium", "severity: high"))
    assert main([*args, "--check"]) == 1
    assert "stale" in capsys.readouterr().err


def test_committed_bundle_is_fresh(capsys):
    assert main(["rules", "build", "--check"]) == 0, capsys.readouterr().err


def test_rules_test_prints_pass_per_rule(capsys):
    assert main(["rules", "test"]) == 0
    out = capsys.readouterr().out
    assert "PASS credit-card" in out and " 0 failed" in out
