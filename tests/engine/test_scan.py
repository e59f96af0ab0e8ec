import json
import math

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


def test_bare_digit_run_is_a_phone_only_next_to_a_phone_word(engine):
    assert engine.scan("ref 2024561414 attached").findings == []
    assert [f.type for f in engine.scan("call 2024561414 now").findings] == ["PHONE"]
    assert [f.type for f in engine.scan("call 202-456-1414 now").findings] == ["PHONE"]
    # The whole run must be one valid number, not a number inside it.
    assert engine.scan("call 20245614149999 now").findings == []


def test_bare_run_takes_the_locale_region(engine):
    text = "mein Handy 015112345678"
    assert [f.type for f in engine.scan(text, locale="de-DE").findings] == ["PHONE"]


def test_locale_region_hint_finds_national_numbers(engine):
    # A Korean mobile number in national format is valid in none of the
    # configured regions; with no phone word near, only the locale can find it.
    text = "see 010-1234-5678 tonight"
    assert engine.scan(text, locale="en-US").findings == []
    [finding] = engine.scan(text, locale="ko-KR").findings
    assert text[finding.start : finding.end] == "010-1234-5678"


def test_phone_word_tries_the_context_regions(engine):
    # Korea is not a hinted region, but it is in phone_context_regions: a phone
    # word near lets the number in, formatted or as one digit run.
    for text, number in (
        ("ring me on 010-1234-5678", "010-1234-5678"),
        ("my phone 01012345678", "01012345678"),
    ):
        [finding] = engine.scan(text, locale="en-US").findings
        assert text[finding.start : finding.end] == number
    assert engine.scan("ref 01012345678", locale="en-US").findings == []


def test_engine_without_context_regions_keeps_to_the_hinted_ones(bundle, engine_with):
    engine = engine_with(defaults={**bundle["defaults"], "phone_context_regions": []})
    assert engine.scan("ring me on 010-1234-5678", locale="en-US").findings == []


def test_context_boosts_score(engine):
    bare = engine.scan("4111 1111 1111 1111").findings
    boosted = engine.scan("card 4111 1111 1111 1111").findings
    assert bare[0].score < boosted[0].score


@pytest.mark.parametrize(
    ("bare", "with_context"),
    [
        ("021000021", "routing number 021000021"),
        ("2341 2341 2346", "aadhaar 2341 2341 2346"),
    ],
)
def test_a_one_in_ten_checksum_needs_a_context_word(engine, bare, with_context):
    """One random number in ten passes these checksums: alone, a number that
    passes is not enough (scripts/evaluate.py prints the chance-pass rates)."""
    assert engine.scan(bare).findings == []
    assert len(engine.scan(with_context).findings) == 1


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
        "findings_omitted",
        "omitted_rules",
        "not_run",
    }
    assert result["findings_omitted"] == 0 and result["omitted_rules"] == []
    assert result["not_run"] == []  # Python runs every rule of the bundle
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


def test_slow_rule_times_out_and_is_named(bundle, engine_with):
    # Exponential on 60 a's: only its regex timeout can end it. That timeout is a
    # second here, so no other rule's pattern can reach it, and the scan budget is
    # larger still, so the reason cannot be the budget.
    rules = [*bundle["rules"], slow_rule(bundle)]
    defaults = {**bundle["defaults"], "budget_ms": 600_000, "rule_timeout_ms": 1000}
    engine = engine_with(rules=rules, defaults=defaults)
    text = f"card {CARD} " + "a" * 60
    result = engine.scan(text)
    assert not result.complete
    assert result.incomplete == [{"rule_id": "slow-by-design", "reason": "timeout"}]
    # Other rules still ran.
    assert [f.type for f in result.findings] == ["CREDIT_CARD"]


def test_exhausted_budget_names_skipped_rules(bundle, engine_with):
    defaults = {**bundle["defaults"], "budget_ms": 0}
    result = engine_with(defaults=defaults).scan("mail jane@acme-corp.com")
    assert not result.complete
    assert {"rule_id": "email-address", "reason": "budget"} in result.incomplete
    assert result.verdict == "warn"  # an incomplete scan never says allow


def test_budget_ms_argument_overrides_the_bundle(engine, bundle):
    # The fixture's bundle has a 600 s budget; the argument wins.
    result = engine.scan(f"card {CARD} mail jane@acme-corp.com", budget_ms=0)
    assert result.findings == [] and result.verdict == "warn"
    assert {e["reason"] for e in result.incomplete} == {"budget"}
    named = [e["rule_id"] for e in result.incomplete]
    assert {"credit-card", "email-address"} <= set(named)
    # Rules are named in the order they run: most severe first, then by id.
    order = ("critical", "high", "medium", "low")
    severity = {r["id"]: order.index(r["severity"]) for r in bundle["rules"]}
    assert named == sorted(named, key=lambda rule_id: (severity[rule_id], rule_id))


@pytest.mark.parametrize("budget_ms", [-1, float("nan")])
def test_a_negative_budget_is_refused(engine, budget_ms):
    with pytest.raises(ValueError):
        engine.scan("hello", budget_ms=budget_ms)


def test_max_chars_is_the_bundles(engine, bundle):
    assert engine.max_chars == bundle["defaults"]["max_chars"] == 100_000


def test_a_secret_just_past_max_chars_is_too_long_never_allow(engine):
    limit = engine.max_chars
    text = "x" * (limit - 3) + f" card {CARD}"  # the card starts past the limit
    result = engine.scan(text)
    assert result.findings == []
    assert not result.complete
    assert result.incomplete == [{"rule_id": None, "reason": "too_long"}]
    assert result.verdict == "warn"


def test_text_of_exactly_max_chars_is_complete(engine):
    text = "x" * (engine.max_chars - len(CARD) - 1) + " " + CARD
    assert len(text) == engine.max_chars
    result = engine.scan(text, budget_ms=math.inf)
    assert result.complete and result.verdict == "block"


def test_cut_text_keeps_what_came_before_the_limit(bundle, engine_with):
    defaults = {**bundle["defaults"], "max_chars": 40}
    text = f"card {CARD} " + "x" * 200
    result = engine_with(defaults=defaults).scan(text, budget_ms=math.inf)
    assert [f.type for f in result.findings] == ["CREDIT_CARD"]
    assert result.incomplete == [{"rule_id": None, "reason": "too_long"}]
    assert result.verdict == "block"


def test_js_runtime_view_skips_backend_only_rules_and_lists_them(bundle):
    from postguard.engine import Engine

    engine = Engine(json.dumps(bundle).encode(), runtime="js")
    ids = {r.id for r in engine.rules}
    assert "phone-number" not in ids and "credit-card" in ids
    result = engine.scan("call +1 202-456-1414")
    assert result.findings == []
    backend_only = sorted(
        (r["id"], r["name"]) for r in bundle["rules"] if "js" not in r["runtimes"]
    )
    assert [(e["rule_id"], e["name"]) for e in result.not_run] == backend_only
    assert ("phone-number", "Phone number") in backend_only
    # Scanning some rules lists only those of them that cannot run.
    only = engine.scan("x", only=frozenset({"phone-number", "credit-card"}))
    assert only.not_run == [{"rule_id": "phone-number", "name": "Phone number"}]


def _findings_text() -> str:
    """150 email addresses (medium), then two cards (high) and an AWS key
    (critical) at the end: more findings than the cap of 100."""
    mails = " ".join(f"u{i}@acme-corp.com" for i in range(150))
    return f"{mails} card {CARD} card 5500-0000-0000-0004 key AKIAZ7QF3RTYUIOPLKJH"


def test_findings_are_capped_most_severe_first_listed_by_position(engine):
    result = engine.scan(_findings_text(), budget_ms=math.inf)
    assert result.complete
    assert len(result.findings) == 100
    assert result.findings_omitted == 53
    starts = [f.start for f in result.findings]
    assert starts == sorted(starts)
    # The three most severe are kept although they come last; then the earliest
    # 97 email addresses.
    assert [f.type for f in result.findings[-3:]] == ["CREDIT_CARD"] * 2 + ["SECRET"]
    assert result.findings[-1].severity == "critical"
    emails = [f for f in result.findings if f.type == "EMAIL"]
    assert len(emails) == 97 and emails[-1].start < result.findings[-3].start
    assert result.to_dict()["findings_omitted"] == 53
    assert result.omitted_rules == ["email-address"]  # for a policy to count them


def test_the_verdict_counts_findings_that_are_not_listed(bundle, engine_with):
    # A cap of one lists the card (high). Here medium findings block and high ones
    # only warn, so a block can come only from the email address nobody sees.
    verdicts = {**bundle["defaults"]["verdicts"], "medium": "block", "high": "warn"}
    defaults = {**bundle["defaults"], "max_findings": 1, "verdicts": verdicts}
    engine = engine_with(defaults=defaults)
    result = engine.scan(f"mail jane@acme-corp.com card {CARD}", budget_ms=math.inf)
    assert [f.type for f in result.findings] == ["CREDIT_CARD"]
    assert result.findings_omitted == 1
    assert result.omitted_rules == ["email-address"]
    assert result.verdict == "block"


@pytest.mark.parametrize("key", ["max_chars", "max_findings"])
@pytest.mark.parametrize("value", [0, -1, 1.5, "100", None])
def test_bad_limits_are_a_bundle_error(bundle, key, value):
    from postguard.engine import BundleError
    from postguard.engine import Engine

    broken = {**bundle, "defaults": {**bundle["defaults"], key: value}}
    with pytest.raises(BundleError, match=key):
        Engine(json.dumps(broken).encode())


@pytest.mark.parametrize(
    "params", [None, {}, {"countries": {}}, {"countries": {"NO": "11n"}}]
)
def test_iban_rule_without_its_country_table_is_a_bundle_error(bundle, params):
    """The IBAN countries come from the bundle (bundle.yaml): without them, or with
    a structure not in the registry's notation, the bundle is refused."""
    from postguard.engine import BundleError
    from postguard.engine import Engine

    specs = {**bundle["validators"], "iban": {"runtimes": ["python", "js"]}}
    if params is not None:
        specs["iban"]["params"] = params
    with pytest.raises(BundleError, match="rule iban: ValueError: iban: "):
        Engine(json.dumps({**bundle, "validators": specs}).encode())


@pytest.mark.parametrize(
    "params", [None, {}, {"wordlist": "abandon ability"}, {"wordlist": ["abandon"]}]
)
def test_seed_rule_without_its_wordlist_is_a_bundle_error(bundle, params):
    """The BIP-39 wordlist comes from the bundle (bundle.yaml, from
    shared_rules/data/): without 2,048 words the bundle is refused."""
    from postguard.engine import BundleError
    from postguard.engine import Engine

    specs = {**bundle["validators"], "bip39": {"runtimes": ["python", "js"]}}
    if params is not None:
        specs["bip39"]["params"] = params
    with pytest.raises(
        BundleError, match="rule bip39-seed-phrase: ValueError: bip39: "
    ):
        Engine(json.dumps({**bundle, "validators": specs}).encode())


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
