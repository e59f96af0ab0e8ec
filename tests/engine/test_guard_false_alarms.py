"""The context guards stay quiet on clean posts (docs/accuracy.md, "Context
guards"): scripts/evaluate.py's figures, held to the issue's targets. Needs the
corpus (../shared/corpus, or $POSTGUARD_CORPUS); skipped without it."""

import importlib.util
import os
from pathlib import Path

import pytest

from postguard.engine import Engine

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("POSTGUARD_CORPUS") or REPO.parent / "shared" / "corpus")


def _evaluate_module():
    spec = importlib.util.spec_from_file_location(
        "evaluate", REPO / "scripts" / "evaluate.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no corpus at ../shared/corpus")
def test_each_guard_meets_its_false_alarm_target_in_both_configurations():
    evaluate = _evaluate_module()
    report = evaluate.guard_rates(sorted(CORPUS.glob("clean_*.jsonl")), Engine.load())
    for name, rows in report.items():
        for rule_id, row in rows.items():
            assert row["posts"] > 10_000, name
            assert row["per_1000"] <= row["target"], (name, rule_id, row)
