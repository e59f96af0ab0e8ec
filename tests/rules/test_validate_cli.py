"""`postguard rules validate` rejects each broken rule, naming the file and reason."""

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from postguard import __version__
from postguard.cli import main
from postguard.rulebook import redos
from postguard.rulebook.source import RuleTree
from postguard.rulebook.validate import analysed_patterns

REPO = Path(__file__).resolve().parents[2]
CASES = Path(__file__).with_name("cases")


def rule_tree(tmp_path: Path, case: str | None) -> Path:
    root = tmp_path / "shared_rules"
    for part in (
        "bundle.yaml",
        "policy.yaml",
        "guards.yaml",
        "schema",
        "allow",
        "data",
        redos.RECORDED_FILE,
    ):
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


def test_the_recorded_verdicts_cover_exactly_the_shipped_patterns():
    tree = RuleTree(REPO / "shared_rules")
    expected = {redos.cache_key(p, f) for p, f in analysed_patterns(tree)}
    recorded = redos.read_recorded(tree.root)
    stale = "stale: run `postguard rules validate --write-verdicts` and commit it"
    assert set(recorded) == expected, f"{redos.RECORDED_FILE} is {stale}"
    assert {v["status"] for v in recorded.values()} == {"safe"}


def test_recheck_gives_the_recorded_verdicts_again(tmp_path, monkeypatch):
    # Every verdict of recheck's automaton checker (a few ms each) and a few of its
    # fuzzer's (seconds each), from an empty cache: the file is recheck's answer.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    tree = RuleTree(REPO / "shared_rules")
    by_key = {redos.cache_key(p, f): (p, f) for p, f in analysed_patterns(tree)}
    recorded = redos.read_recorded(tree.root)
    automaton = [k for k, v in recorded.items() if v.get("checker") == "automaton"]
    fuzzed = sorted(k for k, v in recorded.items() if v.get("checker") == "fuzz")
    sample = [by_key[k] for k in automaton + fuzzed[:4]]
    assert len(automaton) > 50 and len(sample) == len(automaton) + 4
    analysis = redos.Analysis(redos.locate(tree.root), sample)
    verdicts = analysis.verdicts()
    assert analysis.analysed == len(sample)
    for pattern, flags in sample:
        key = redos.cache_key(pattern, flags)
        assert verdicts[(pattern, flags)].to_json() == recorded[key], pattern


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("schema-error", "schema"),
        ("inline-flag", "inline flags"),
        ("failing-example", "should match but did not"),
        ("nested-quantifier", "nested unbounded quantifier"),
        ("slow-alternation", "ReDoS"),
        ("escalate-wrong-severity", "not critical"),
        ("escalate-empty", "schema"),
        ("gate-empty", "gate: can match empty text"),
        ("gate-misses", "only when the whole text is searched"),
    ],
)
def test_broken_rule_is_rejected_with_file_and_reason(tmp_path, capsys, case, reason):
    root = rule_tree(tmp_path, case)
    assert main(["rules", "validate", "--rules-dir", str(root)]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if case in line]
    assert errors, "no error names the rule file"
    assert any(f"{case}.yaml" in line and reason in line for line in errors), errors


@pytest.mark.parametrize(
    "case", ["redos-overlapping-alternation", "redos-dotall-repeat"]
)
def test_redos_analyser_rejects_super_linear_pattern(tmp_path, capsys, case):
    root = rule_tree(tmp_path, case)
    assert main(["rules", "validate", "--rules-dir", str(root)]) == 1
    errors = capsys.readouterr().err.splitlines()
    found = [e for e in errors if f"{case}.yaml: pattern: ReDoS: recheck" in e]
    assert len(found) == 1, errors
    complexity = r"finds (exponential|polynomial \(degree [2-9]\)) backtracking"
    assert re.search(complexity, found[0])
    # The attack string's length, never the string itself.
    assert re.search(r"attack string of [0-9,]+ characters;", found[0])
    assert len(found[0]) < 300
    assert all(case in e for e in errors if e.startswith("error:")), errors


def test_linear_pattern_passes_the_analyser(tmp_path, capsys):
    root = rule_tree(tmp_path, "linear-pattern")
    assert main(["rules", "validate", "--rules-dir", str(root)]) == 0, (
        capsys.readouterr().err
    )
    rule = yaml.safe_load((CASES / "linear-pattern.yaml").read_text())
    key = (rule["pattern"], "")
    verdicts = redos.Analysis(redos.locate(root), [key]).verdicts()  # cached now
    assert verdicts[key].status == "safe"


def test_a_rule_with_escalate_validates_and_builds(tmp_path, capsys):
    root = rule_tree(tmp_path, "escalate-rule")
    assert main(["rules", "validate", "--rules-dir", str(root)]) == 0, (
        capsys.readouterr().err
    )
    assert main(["rules", "build", "--rules-dir", str(root)]) == 0
    bundle = json.loads((root / "dist" / "ruleset.json").read_text(encoding="utf-8"))
    [rule] = [r for r in bundle["rules"] if r["id"] == "escalate-rule"]
    escalate = rule["escalate"]
    assert escalate["severity"] == "critical" and escalate["window"] == 40
    assert "[sS][hH][iI][pP][sS]" in escalate["pattern"]  # any case
    assert "GA" in escalate["pattern"]  # capitals only
    assert escalate["max_match"] > 0


def test_org_rule_templates_are_checked(tmp_path, capsys):
    root = rule_tree(tmp_path, None)
    bundle = root / "bundle.yaml"
    data = yaml.safe_load(bundle.read_text(encoding="utf-8"))
    data["org_rules"]["confidential_terms"]["severity"] = "urgent"
    data["org_rules"]["secret_lists"] = {"id": "x"}
    bundle.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["rules", "validate", "--no-node", "--rules-dir", str(root)]) == 1
    errors = capsys.readouterr().err
    assert "bundle.yaml: org_rules.confidential_terms: schema: at severity" in errors
    assert "bundle.yaml: org_rules.secret_lists: unknown list" in errors


def test_bundle_wide_patterns_are_analysed(tmp_path, capsys):
    root = rule_tree(tmp_path, None)
    allow = root / "allow" / "global.yaml"
    data = yaml.safe_load(allow.read_text())
    data["patterns"].append({"pattern": "AKIA[0-9A-Z]*EXAMPLE", "why": "quadratic"})
    allow.write_text(yaml.safe_dump(data))
    bundle = root / "bundle.yaml"
    digit_run = yaml.safe_load(bundle.read_text())["prefilter"]["digit_run"]
    slow_run = digit_run + "(?:[ ]*[ ]*x)?"  # two runs of blanks side by side
    bundle.write_text(bundle.read_text().replace(digit_run, slow_run))
    assert main(["rules", "validate", "--rules-dir", str(root)]) == 1
    errors = capsys.readouterr().err
    last = len(data["patterns"])
    assert f"allow/global.yaml: allow pattern {last}: ReDoS: recheck finds" in errors
    assert "bundle.yaml: prefilter digit_run: ReDoS: recheck finds" in errors


def test_missing_analyser_is_one_line_saying_what_to_install(
    tmp_path, capsys, monkeypatch
):
    root = rule_tree(tmp_path, None)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(redos, "_EDITABLE_REPO", tmp_path)
    assert main(["rules", "validate", "--rules-dir", str(root)]) == 69
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "npm ci" in err[0] and "--no-node" in err[0], err
    assert main(["rules", "validate", "--no-node", "--rules-dir", str(root)]) == 0
    monkeypatch.setattr(redos.shutil, "which", lambda name: None)
    assert main(["rules", "validate", "--rules-dir", str(root)]) == 69
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "install Node.js" in err[0], err


def test_build_check_detects_stale_bundle(tmp_path, capsys):
    root = rule_tree(tmp_path, None)
    args = ["rules", "build", "--rules-dir", str(root)]
    assert main(args) == 0
    assert main([*args, "--check"]) == 0
    rule = root / "rules" / "pii" / "email-address.yaml"
    rule.write_text(rule.read_text().replace("severity: medium", "severity: high"))
    assert main([*args, "--check"]) == 1
    assert "stale" in capsys.readouterr().err


def test_build_stamps_the_package_version_into_the_manifest(tmp_path, capsys):
    root = rule_tree(tmp_path, None)
    manifest = tmp_path / "extension" / "manifest.json"
    manifest.parent.mkdir()
    original = (REPO / "extension" / "manifest.json").read_text()
    old = original.replace(f'"version": "{__version__}"', '"version": "0.0.1"', 1)
    assert old != original
    manifest.write_text(old)
    args = ["rules", "build", "--rules-dir", str(root)]
    assert main([*args, "--check"]) == 1
    assert f"stale: {manifest}" in capsys.readouterr().err
    assert main(args) == 0
    assert manifest.read_text() == original  # only the version line changes
    assert main([*args, "--check"]) == 0


def test_committed_bundle_is_fresh(capsys):
    assert main(["rules", "build", "--check"]) == 0, capsys.readouterr().err


def test_rules_test_prints_pass_per_rule(capsys):
    assert main(["rules", "test"]) == 0
    out = capsys.readouterr().out
    assert "PASS credit-card" in out and " 0 failed" in out
