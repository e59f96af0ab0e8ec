import time

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

CARD = "4111 1111 1111 1111"
INVISIBLE = "\u200b\u200c\u200d\u00ad\ufeff"


def test_card_span_covers_exactly_the_number(engine):
    text = f"card {CARD} exp 09/27"
    result = engine.scan(text)
    [finding] = result.findings
    assert finding.type == "CREDIT_CARD"
    assert text[finding.start : finding.end] == CARD
    assert finding.preview == "•••• 1111"
    assert result.verdict == "block" and result.complete


@pytest.mark.parametrize(
    "written",
    [
        "４１１１ １１１１ １１１１ １１１１",  # full-width digits
        "4111\u200b1111\u200b1111\u200b1111",  # zero-width spaces
        "41\u00ad11 1111 1111 11\u200d11",  # soft hyphen, zero-width joiner
        "4111\u20131111\u20131111\u20131111",  # en dashes
    ],
)
def test_obfuscated_cards_are_found_with_original_spans(engine, written):
    text = f"\U0001f600 card {written} thanks"
    [finding] = engine.scan(text).findings
    assert finding.type == "CREDIT_CARD"
    assert text[finding.start : finding.end] == written


def test_preview_never_shows_more_than_four_characters(engine):
    text = "key AKIAZ7QF3RTYUIOPLKJH and card 5500-0000-0000-0004"
    for finding in engine.scan(text).findings:
        shown = finding.preview.replace("•", "").strip()
        assert len(shown) <= 4
        assert shown in text[finding.start : finding.end].replace(" ", "")


def test_valid_card_is_not_also_a_phone_or_routing_number(engine):
    text = "pay with 4111-1111-1111-1111 or call +1 202-456-1414"
    types = [f.type for f in engine.scan(text).findings]
    assert types == ["CREDIT_CARD", "PHONE"]


def test_bare_digit_run_is_never_a_phone(engine):
    assert engine.scan("call 2024561414 now").findings == []
    assert [f.type for f in engine.scan("call 202-456-1414 now").findings] == ["PHONE"]


def test_locale_region_hint_finds_national_numbers(engine):
    # A Korean mobile number in national format is valid in none of the
    # configured regions, so only the request's locale can find it.
    text = "ring me on 010-1234-5678"
    assert engine.scan(text, locale="en-US").findings == []
    [finding] = engine.scan(text, locale="ko-KR").findings
    assert text[finding.start : finding.end] == "010-1234-5678"


def test_context_boosts_score(engine):
    bare = engine.scan("021000021").findings
    boosted = engine.scan("routing number 021000021").findings
    assert bare[0].score < boosted[0].score


def test_required_context(engine):
    assert engine.scan("order 536221234").findings == []
    assert [f.rule_id for f in engine.scan("SSN 536221234").findings] == [
        "us-ssn-unformatted"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "mail user@example.com",
        "key AKIAIOSFODNN7EXAMPLE",
        "password: <YOUR_PASSWORD>",
        "api_key = ${SERVICE_API_KEY_VALUE}",
        "call (415) 555-0132",
        "write to support@postguard.example",
    ],
)
def test_global_allowlist(engine, text):
    assert engine.scan(text).findings == []


def test_org_values_in_allowlist_are_case_and_punctuation_folded(bundle, engine_with):
    allow = {**bundle["allow"], "values": ["Help.Desk@Acme-Corp.com"]}
    engine = engine_with(allow=allow)
    assert engine.scan("mail help.desk@acme-corp.com").findings == []
    assert engine.scan("mail jane@acme-corp.com").findings


def test_verdict_follows_severity(engine):
    assert engine.scan("hello world").verdict == "allow"
    assert engine.scan("mail jane@acme-corp.com").verdict == "warn"
    assert engine.scan(f"card {CARD}").verdict == "block"


def test_result_has_the_documented_shape(engine):
    result = engine.scan(f"card {CARD}").to_dict()
    assert set(result) == {
        "verdict",
        "findings",
        "rules_version",
        "complete",
        "incomplete",
    }
    assert set(result["findings"][0]) == {
        "rule_id", "category", "type", "severity", "start", "end",
        "score", "preview", "message", "policy_url",
    }  # fmt: skip
    assert CARD not in str(result)


def slow_rule(bundle):
    card = next(r for r in bundle["rules"] if r["id"] == "credit-card")
    return {
        **card,
        "id": "slow-by-design",
        "pattern": "(?:a|aa)+b",
        "keywords": [],
        "min_digits": 0,
        "validators": [],
        "context": None,
        "score": 0.9,
    }


def test_slow_rule_ends_within_budget_and_is_named(bundle, engine_with):
    rules = [*bundle["rules"], slow_rule(bundle)]
    engine = engine_with(rules=rules)
    text = f"card {CARD} " + "a" * 60
    started = time.perf_counter()
    result = engine.scan(text)
    elapsed = time.perf_counter() - started
    assert not result.complete
    assert {"rule_id": "slow-by-design", "reason": "timeout"} in result.incomplete
    # Other rules still ran, and the scan did not hang (budget 200 ms; generous bound).
    assert [f.type for f in result.findings] == ["CREDIT_CARD"]
    assert elapsed < 2.0


def test_exhausted_budget_names_skipped_rules(bundle, engine_with):
    defaults = {**bundle["defaults"], "budget_ms": 0}
    result = engine_with(defaults=defaults).scan("mail jane@acme-corp.com")
    assert not result.complete
    assert {"rule_id": "email-address", "reason": "budget"} in result.incomplete
    assert result.verdict == "warn"  # an incomplete scan never says allow


def test_huge_input_is_truncated_and_says_so(bundle, engine_with):
    defaults = {**bundle["defaults"], "max_chars": 100}
    result = engine_with(defaults=defaults).scan("x" * 200 + f" card {CARD}")
    assert {"rule_id": None, "reason": "truncated"} in result.incomplete
    assert result.findings == []


def test_js_runtime_view_skips_backend_only_rules(bundle):
    import json

    from postguard.engine import Engine

    engine = Engine(json.dumps(bundle).encode(), runtime="js")
    ids = {r.id for r in engine.rules}
    assert "phone-number" not in ids and "credit-card" in ids
    assert engine.scan("call +1 202-456-1414").findings == []


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.sampled_from(INVISIBLE)),
        max_size=6,
    ),
    st.sampled_from(
        ["4111 1111 1111 1111", "jane.doe@acme-corp.com", "AKIAZ7QF3RTYUIOPLKJH"]
    ),
)
def test_invisible_characters_never_hide_a_value(engine, insertions, value):
    noisy = list(value)
    for position, char in insertions:
        noisy.insert(min(position, len(noisy) - 1) or 1, char)
    noisy_value = "".join(noisy)
    text = f"see {noisy_value} now"
    found = engine.scan(text).findings
    assert len(found) == 1
    covered = text[found[0].start : found[0].end]
    assert covered.strip(INVISIBLE) == noisy_value.strip(INVISIBLE)


@pytest.mark.parametrize(
    "raw", [b"{not json", b"\xff\xfe", b"[]", b'{"format": 1}', b'{"format": 2}']
)
def test_broken_bundle_is_a_clear_bundle_error(raw):
    from postguard.engine import BundleError
    from postguard.engine import Engine

    with pytest.raises(BundleError):
        Engine(raw)
