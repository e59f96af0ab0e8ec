"""The JS engine returns exactly what the Python engine returns for the rules the
bundle marks for JS: ``Engine(bundle, runtime="js").scan(text).to_dict()``.

Texts: every rule example, variants of the example values written with full-width
or mathematical digits, zero-width characters, soft hyphens, emoji and Turkish
dotted/dotless i's, a sample of the evaluation corpus, and random strings.
"""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from js_engine_process import BUNDLE
from js_engine_process import REPO
from js_engine_process import JsEngineProcess

from postguard.engine import Engine

CORPUS = REPO.parent / "shared" / "corpus"
CORPUS_LINES_PER_FILE = 25
BUNDLE_DATA = json.loads(BUNDLE.read_text(encoding="utf-8"))
RULE_IDS = [rule["id"] for rule in BUNDLE_DATA["rules"]]
EXAMPLES = [
    (rule["id"], example)
    for rule in BUNDLE_DATA["rules"]
    for kind in ("match", "no_match")
    for example in rule["examples"][kind]
]
FULL_WIDTH = {c: chr(ord(c) - 0x21 + 0xFF01) for c in map(chr, range(0x21, 0x7F))}
MATH_DIGITS = {str(d): chr(0x1D7CE + d) for d in range(10)}  # astral, NFKC to ASCII


@pytest.fixture(scope="module")
def node():
    process = JsEngineProcess()
    yield process
    process.close()


def _reference(directory, bundle: dict, version: str):
    """A bundle file both engines load, and the Python engine for it.

    The time budget is lifted: a machine busy enough to stall either process
    would otherwise turn a timing difference into a false mismatch. Budgets
    are tested on their own (tests/engine-js/budget.test.js, tests/engine/).
    """
    lifted = dict(bundle["defaults"], budget_ms=600_000, rule_timeout_ms=600_000)
    bundle = dict(bundle, version=f"{bundle['version']}-{version}", defaults=lifted)
    path = directory / f"{version}.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path, Engine(path.read_bytes(), runtime="js")


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    return _reference(tmp_path_factory.mktemp("bundles"), BUNDLE_DATA, "shipped")


def assert_same(node, reference, text, only=None, budget_ms=None) -> dict:
    path, engine = reference
    # Texts reach both engines as JSON, as they reach the service: a lone high
    # and a lone low surrogate side by side decode to one astral character.
    text = json.loads(json.dumps(text))
    only_set = frozenset(only) if only is not None else None
    result = engine.scan(text, only=only_set, budget_ms=budget_ms)
    expected = json.loads(json.dumps(result.to_dict()))
    actual = node.scan(text, only=only, bundle=path, budget_ms=budget_ms)
    assert actual == expected, f"text={text!r} only={only}"
    return expected


def _variants(text: str, value: str) -> dict[str, str]:
    """The example text with its value disguised the ways employees' text is."""

    def swap(new_value: str) -> str:
        return text.replace(value, new_value, 1)

    return {
        "full-width": swap("".join(FULL_WIDTH.get(c, c) for c in value)),
        "math-digits": swap("".join(MATH_DIGITS.get(c, c) for c in value)),
        "zero-width": swap("\u200b".join(value)),
        "soft-hyphen": swap("\u00ad".join(value)),
        "emoji-before": "\U0001f600\U0001f469\u200d\U0001f4bb " + text,
        "emoji-inside": swap(value[:2] + "\U0001f511" + value[2:]),
        "emoji-after": swap(value + "\U0001f600") + "\U0001f600",
        "ligature-before": "\ufb01le \u3392 \u2460 " + text,  # fi, MHz, (1): NFKC grows
        "turkish-i": swap(value.replace("i", "\u0130").replace("I", "\u0131")),
        "turkish-i-around": "\u0130 " + text.replace(" ", " \u0131", 2),
        "nbsp-and-dashes": swap(value.replace(" ", "\u00a0").replace("-", "\u2013")),
    }


VARIANTS = [
    pytest.param(rule_id, text, id=f"{rule_id}-{name}-{n}")
    for n, (rule_id, example) in enumerate(EXAMPLES)
    if "value" in example
    for name, text in _variants(example["text"], example["value"]).items()
]


@pytest.mark.parametrize(("rule_id", "example"), EXAMPLES)
def test_rule_examples(node, shipped, rule_id, example):
    assert_same(node, shipped, example["text"])
    assert_same(node, shipped, example["text"], only=[rule_id])


@pytest.mark.parametrize(("rule_id", "text"), VARIANTS)
def test_disguised_example_values(node, shipped, rule_id, text):
    assert_same(node, shipped, text)
    assert_same(node, shipped, text, only=[rule_id])


def _corpus_sample() -> list[str]:
    texts = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        step = max(1, len(lines) // CORPUS_LINES_PER_FILE)
        texts += [json.loads(line)["text"] for line in lines[::step]][
            :CORPUS_LINES_PER_FILE
        ]
    return texts


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}")
def test_corpus_sample(node, shipped):
    texts = _corpus_sample()
    assert len(texts) >= 100
    for text in texts:
        assert_same(node, shipped, text)


# Random text: pieces that trigger normalisation, prefilters and validators, mixed
# with any character Python's Unicode database knows (see test_unicode_data_agrees).
SEPARATORS = "0123456789 -./()\n\t_@:='\""
ODD_CHARACTERS = [
    *"\u200b\u200d\u00ad\ufeff\u2060",  # removed: zero-width, soft hyphen, BOM
    *"\u00a0\u2013\u3000\uff14\uff11\ufb01\u2460",  # mapped: spaces, dash, NFKC
    *"\u0130\u0131\U0001d7d2\U0001f600",  # Turkish i's, astral digit and emoji
    "\U0001f469\u200d\U0001f4bb",  # an emoji sequence
    "\ud800",  # lone surrogates
    "\udc00",
]
TRIGGERS = (
    "card |iban |routing |password is |api_key=|ssn |aadhaar |AKIA|ghp_|"
    "INTERNAL ONLY|CONFIDENTIAL|-----BEGIN |PRIVATE KEY-----|4111 1111 1111 1111|"
    "GB82 WEST 1234 5698 7654 32|021000021|2341 2341 2346|jane.doe@acme-corp.com|"
    "Xy7fK2pQ9mL4vR8tZ1wB5nD3"
).split("|")
PIECES = [*SEPARATORS, *ODD_CHARACTERS, *TRIGGERS]
RANDOM_TEXT = st.lists(
    st.one_of(st.sampled_from(PIECES), st.characters(exclude_categories=("Cs", "Cn"))),
    max_size=40,
).map("".join)


# hypothesis' failure report imports mypy_extensions, which warns; keep the report.
quiet_report = pytest.mark.filterwarnings(
    "ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning"
)
fuzz = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@quiet_report
@fuzz
@given(text=RANDOM_TEXT)
def test_random_text(node, shipped, text):
    assert_same(node, shipped, text)


def _context_words(rule: dict) -> list[str]:
    body = rule["context"]["pattern"].split("(?:", 1)[1].rsplit(")(?!", 1)[0]
    return [w.replace("[ \\-_]{1,3}", " ") for w in body.split("|")]


CONTEXT_EDGES = [
    pytest.param(rule["id"], text, id=f"{rule['id']}-{n}")
    for rule in BUNDLE_DATA["rules"]
    if rule.get("context")
    for example in rule["examples"]["match"][:1]
    if "value" in example
    for word in _context_words(rule)[:3]
    for n, text in enumerate(
        f"{word}{' ' * gap}{example['value']}"
        if before
        else f"{example['value']}{' ' * gap}{word}"
        # the word ends (or starts) just inside, at, and just outside the window
        for gap in range(
            rule["context"]["window"] - len(word) - 1,
            rule["context"]["window"] - len(word) + 2,
        )
        for before in (True, False)
    )
]


@pytest.mark.parametrize(("rule_id", "text"), CONTEXT_EDGES)
def test_context_window_edges(node, shipped, rule_id, text):
    assert_same(node, shipped, text, only=[rule_id])


def test_truncation_counts_code_points(node, tmp_path):
    bundle = dict(BUNDLE_DATA, defaults=dict(BUNDLE_DATA["defaults"], max_chars=30))
    reference = _reference(tmp_path, bundle, "truncation")
    for text in [
        "\U0001f600" * 10 + " card 4111 1111 1111 1111",
        "card 4111 1111 1111 1111 " + "\U0001f600" * 40,
        "x" * 29 + "\U0001f600y",
    ]:
        result = assert_same(node, reference, text)
        assert {"rule_id": None, "reason": "too_long"} in result["incomplete"]


CARD = "4111 1111 1111 1111"
LIMIT = BUNDLE_DATA["defaults"]["max_chars"]


@pytest.mark.parametrize(
    "text",
    [
        "x" * (LIMIT - len(CARD) - 1) + " " + CARD,  # ends at the limit
        "x" * (LIMIT - 3) + " card " + CARD,  # starts past it
        "\U0001f600" * (LIMIT - 10) + " " + CARD,  # astral: code points, not units
        "\u200b" * (LIMIT - 30) + " card " + CARD,  # removed, yet counted
    ],
    ids=["at-limit", "past-limit", "emoji", "zero-width"],
)
def test_the_shipped_length_limit(node, shipped, text):
    result = assert_same(node, shipped, text)
    assert (len(text) > LIMIT) == (not result["complete"])
    assert result["verdict"] != "allow"


MAILS = " ".join(f"u{i}@acme-corp.com" for i in range(130))
MANY_FINDINGS = [
    MAILS + f" card {CARD} key AKIAZ7QF3RTYUIOPLKJH",
    f"key AKIAZ7QF3RTYUIOPLKJH {MAILS} card 5500-0000-0000-0004 password is hunter2",
    " ".join(f"card {CARD} mail u{i}@acme-corp.com" for i in range(80)),
]


@pytest.mark.parametrize("text", MANY_FINDINGS)
def test_the_findings_cap(node, shipped, text):
    result = assert_same(node, shipped, text)
    assert len(result["findings"]) == BUNDLE_DATA["defaults"]["max_findings"]
    assert result["findings_omitted"] > 0


@pytest.fixture(scope="module")
def capped(tmp_path_factory):
    bundle = dict(BUNDLE_DATA, defaults=dict(BUNDLE_DATA["defaults"], max_findings=3))
    return _reference(tmp_path_factory.mktemp("bundles"), bundle, "capped")


@pytest.mark.parametrize(("rule_id", "example"), EXAMPLES[::3])
def test_a_small_cap_on_rule_examples(node, capped, rule_id, example):
    text = " / ".join([example["text"], *MANY_FINDINGS[1].split(" ")[-12:]])
    assert_same(node, capped, text)


@pytest.mark.parametrize(
    "only",
    [None, ["phone-number"], ["phone-number", "credit-card"], ["us-ssn", "iban"]],
)
def test_rules_not_run_are_listed(node, shipped, only):
    result = assert_same(node, shipped, "call +1 202-456-1414, SSN 536-22-1234", only)
    backend_only = {r["id"] for r in BUNDLE_DATA["rules"] if "js" not in r["runtimes"]}
    wanted = backend_only if only is None else backend_only & set(only)
    assert [e["rule_id"] for e in result["not_run"]] == sorted(wanted)


@pytest.mark.parametrize(("rule_id", "example"), EXAMPLES[::2])
def test_a_spent_budget(node, shipped, rule_id, example):
    # No time left: both name the same rules (those past the prefilters) the same
    # way, and neither says allow.
    result = assert_same(node, shipped, example["text"], budget_ms=0)
    assert result["findings"] == []
    assert {e["reason"] for e in result["incomplete"]} <= {"budget"}
    if result["incomplete"]:
        assert result["verdict"] == "warn"


def test_unicode_data_agrees(node):
    """Both runtimes' NFKC agree on every character Python's Unicode knows.

    Node's ICU is usually newer than Python's unicodedata; characters assigned
    since then (category Cn for Python) may normalise in node only. That is the
    one known difference, and the random texts above stay clear of it.
    """
    js_changes = {int(k): v for k, v in node.call("nfkc_changes").items()}
    differing = []
    for code in range(0x80, 0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        python = unicodedata.normalize("NFKC", char)
        if python != js_changes.get(code, char):
            differing.append(code)
    known_to_python = [c for c in differing if unicodedata.category(chr(c)) != "Cn"]
    assert known_to_python == []


def _synthetic_rule(rule_id: str, pattern: str, flags: str = "") -> dict:
    return {
        "id": rule_id,
        "name": rule_id,
        "category": "confidential",
        "type": "CONFIDENTIAL_TERM",
        "severity": "medium",
        "pattern": pattern,
        "flags": flags,
        "score": 0.9,
        "message": "synthetic rule for the conformance tests",
        "runtimes": ["python", "js"],
        "examples": {"match": [], "no_match": []},
        "references": [],
    }


# Regex corners the starter rules do not reach: Turkish i's under the i flag
# (Python's `regex` folds them unlike JS), and empty matches (after one, Python
# retries a non-empty match at the same position, JS moves on).
SYNTHETIC_RULES = [
    _synthetic_rule("turkic-literals", "gizli|kimlik|INTERNAL|iI", "i"),
    _synthetic_rule("turkic-classes", "(?<value>[a-k]+[^a-hj-z0-9 ]?[H-J]+)", "i"),
    _synthetic_rule("turkic-negated", "x[^i ][^I ]x", "i"),
    _synthetic_rule("turkic-escapes", "\\x69\\u0049[\\x41-\\x4a]", "i"),
    _synthetic_rule("empty-alternatives", "(?<value>x*|ab|)"),
    _synthetic_rule("empty-then-backref", "(?<value>|([a-z])\\2)"),
]
SYNTHETIC_TEXT = st.text(alphabet="iI\u0130\u0131xabgzlkmnrtAHJK 0-\u200b\U0001f600")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    bundle = dict(BUNDLE_DATA, rules=SYNTHETIC_RULES)
    return _reference(tmp_path_factory.mktemp("bundles"), bundle, "synthetic")


@pytest.mark.parametrize(
    "text",
    [
        "G\u0130ZL\u0130 gizli GIZLI g\u0131zl\u0131 \u0130NTERNAL \u0131nternal",
        "\u0130\u0131 i\u0130 \u0131I II \u0130\u0130 x\u0130\u0131x x\u0131\u0130x",
        "abc\u0130\u0131HIJ k\u0130I a\u0131j iI\u0130",
        "xaab aa b ab xx\U0001f600aa",
        "",
    ],
)
def test_synthetic_corners(node, synthetic, text):
    assert_same(node, synthetic, text)


@quiet_report
@fuzz
@given(text=SYNTHETIC_TEXT)
def test_synthetic_random(node, synthetic, text):
    assert_same(node, synthetic, text)
