"""The context guards stay quiet on clean posts (docs/accuracy.md, "Context
guards"): scripts/evaluate.py's figures, held to the issue's targets. Needs the
corpus (../shared/corpus, or $POSTGUARD_CORPUS); skipped without it."""

import os
from pathlib import Path

import pytest

from postguard.engine import Engine

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("POSTGUARD_CORPUS") or REPO.parent / "shared" / "corpus")


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no corpus at ../shared/corpus")
def test_each_guard_meets_its_false_alarm_target_in_both_configurations(
    evaluate_script,
):
    clean = sorted(CORPUS.glob("clean_*.jsonl"))
    report = evaluate_script.guard_rates(clean, Engine.load())
    for name, rows in report.items():
        for rule_id, row in rows.items():
            assert row["posts"] > 10_000, name
            assert row["per_1000"] <= row["target"], (name, rule_id, row)
