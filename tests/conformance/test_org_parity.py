"""The rules the organisation's lists become (engine/org.py, engine/org.js) are
the same in both runtimes, character for character, and so are the scans of a
bundle carrying the lists. An entry one engine refuses, the other refuses too."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from js_engine_process import BUNDLE
from js_engine_process import JsEngineError
from js_engine_process import JsEngineProcess
from test_cross_runtime import _reference
from test_cross_runtime import assert_same

from postguard.engine.normalize import NormalizationTable
from postguard.engine.org import org_rules

BUNDLE_DATA = json.loads(BUNDLE.read_text(encoding="utf-8"))
CASES = json.loads(
    (BUNDLE.parents[2] / "tests" / "conformance" / "org_cases.json").read_text(
        encoding="utf-8"
    )
)
TABLE = NormalizationTable(BUNDLE_DATA["normalization"])
# Lists meant to find differences between the runtimes' case mappings, sorting
# and normalisation: astral letters, title-case digraphs, letters whose case
# forms are longer, full-width and compatibility characters, symbols to escape.
LISTS = [
    CASES["org"],
    {
        "confidential_terms": [
            "𐐨𐐯𐑅𐐨𐑉𐐯𐐻 Bird",  # Deseret: astral letters with case
            "ǅemal",  # a title-case digraph
            "Straße",  # ß upper-cases to SS
            "İzmir",  # lower-cases to two characters
            "Ｆａｌｃｏｎ２",  # full width
            "C++ (Next)",
            "a.b|c*",
            "~\uff5e\U0001f600 Mix",
            {"term": "ΣΊΣΥΦΟΣ", "severity": "low"},
            {"term": "blue—bird", "severity": "critical"},
        ],
        "internal_domains": [
            "XN--BCHER-KVA.corp.test",
            "*.A-B.co",
            "svc_1.internal.io",
        ],
    },
]


@pytest.fixture(scope="module")
def node():
    process = JsEngineProcess()
    yield process
    process.close()


@pytest.mark.parametrize("org", LISTS, ids=["cases", "odd characters"])
def test_the_same_rules_in_both_runtimes(node, org):
    bundle = {**BUNDLE_DATA, "org": org}
    expected = org_rules(bundle, TABLE)
    assert expected
    assert node.request({"op": "org_rules", "bundle": bundle}) == expected


@pytest.mark.parametrize(
    "case", CASES["errors"], ids=[c["why"][:40] for c in CASES["errors"]]
)
def test_both_runtimes_refuse_the_same_entries(node, case):
    bundle = {**BUNDLE_DATA, "org": case["org"]}
    with pytest.raises(ValueError, match=case["message"]):
        org_rules(bundle, TABLE)
    with pytest.raises(JsEngineError, match=case["message"]):
        node.request({"op": "org_rules", "bundle": bundle})


@pytest.fixture(scope="module")
def with_lists(tmp_path_factory):
    bundle = {**BUNDLE_DATA, "org": LISTS[0]}
    return _reference(tmp_path_factory.mktemp("org"), bundle, "org")


def test_case_texts_scan_alike(node, with_lists):
    for case in CASES["cases"]:
        assert_same(node, with_lists, case["text"])


TERM_PIECES = st.sampled_from(
    [
        "Falcon",
        "falcon",
        "FALCON",
        "#project",
        "Project",
        "kestrel",
        "-",
        "_",
        " ",
        "Osprey",
        "GA",
        "ships",
        "2026-03-14",
        "14. März",
        "Q3",
        "wiki.corp.fabrikam.net",
        "https://",
        "/x",
        ".",
        "@",
        "Nimbus",
        "X",
        "ÇELIK",
        "\u200b",
        "é",
    ]
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(pieces=st.lists(TERM_PIECES, max_size=14))
def test_mixed_texts_scan_alike(node, with_lists, pieces):
    assert_same(node, with_lists, "".join(pieces))
