"""scripts/evaluate.py: which finding types count for a labelled span."""

from __future__ import annotations


def test_credential_spans_accept_any_credential_type_as_the_negatives_do(
    evaluate_script,
):
    accepted = evaluate_script.accepted_types(
        {"type": "PASSWORD", "subtype": "password"}
    )
    assert "URL_WITH_CREDENTIALS" in accepted and "SECRET" in accepted
    assert "EMAIL" not in accepted and "PHONE" not in accepted
    # The negatives count the same family as a hit on a SECRET negative.
    assert accepted == evaluate_script.CREDENTIAL_TYPES


def test_pii_spans_stay_exact_apart_from_their_named_families(evaluate_script):
    accepted_types = evaluate_script.accepted_types
    assert accepted_types({"type": "EMAIL"}) == {"EMAIL"}
    assert accepted_types({"type": "NATIONAL_ID"}) == {"NATIONAL_ID", "TAX_ID"}
    phone = {"type": "NATIONAL_ID", "subtype": "PH_MOBILE_NUMBER"}
    assert accepted_types(phone) == {"NATIONAL_ID", "PHONE"}
    assert "SECRET" not in accepted_types({"type": "CREDIT_CARD"})
