"""scripts/evaluate.py: which finding types count for a labelled span."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _evaluate_module():
    spec = importlib.util.spec_from_file_location(
        "evaluate", REPO / "scripts" / "evaluate.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_credential_spans_accept_any_credential_type_as_the_negatives_do():
    evaluate = _evaluate_module()
    accepted = evaluate.accepted_types({"type": "PASSWORD", "subtype": "password"})
    assert "URL_WITH_CREDENTIALS" in accepted and "SECRET" in accepted
    assert "EMAIL" not in accepted and "PHONE" not in accepted
    # The negatives count the same family as a hit on a SECRET negative.
    assert accepted == evaluate.CREDENTIAL_TYPES


def test_pii_spans_stay_exact_apart_from_their_named_families():
    evaluate = _evaluate_module()
    assert evaluate.accepted_types({"type": "EMAIL"}) == {"EMAIL"}
    assert evaluate.accepted_types({"type": "NATIONAL_ID"}) == {"NATIONAL_ID", "TAX_ID"}
    phone = {"type": "NATIONAL_ID", "subtype": "PH_MOBILE_NUMBER"}
    assert evaluate.accepted_types(phone) == {"NATIONAL_ID", "PHONE"}
    assert "SECRET" not in evaluate.accepted_types({"type": "CREDIT_CARD"})
