"""Hashed confidential terms: each listed obfuscation of a term is found, with
the right span in the original text, by both runtimes alike; without the key
neither finds anything, and both say so."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from js_engine_process import BUNDLE
from js_engine_process import JsEngineProcess

from postguard.engine import Engine
from postguard.term_lists import add_to_bundle
from postguard.term_lists import checked_entries
from postguard.term_lists import hashed_section

KEY = bytes(range(32))
TERMS = [
    "Project Falcon",
    {"term": "Bluebird", "severity": "critical", "proximity": False},
    {"term": "Nightjar X", "severity": "medium"},
    "Émeraude",  # outside the fold table: lower-cased by each runtime
]
# (text, the exact text the finding must cover, its severity)
OBFUSCATIONS = [
    ("#ProjectFa1con ships 3 March", "ProjectFa1con", "critical"),
    ("see Project Falcon today", "Project Falcon", "high"),
    ("see project falcon today", "project falcon", "high"),
    ("PROJECT FALCON", "PROJECT FALCON", "high"),
    ("see project-falcon, and", "project-falcon", "high"),
    ("project_falcon.txt", "project_falcon", "high"),
    ("Project. Falcon", "Project. Falcon", "high"),
    ("#ProjectFalcon", "ProjectFalcon", "high"),
    ("#projectfalcon", "projectfalcon", "high"),
    ("Project Fa1con", "Project Fa1con", "high"),
    ("Project F4lcon", "Project F4lcon", "high"),
    ("Pr0ject Falc0n", "Pr0ject Falc0n", "high"),
    ("Proj3ct Falcon", "Proj3ct Falcon", "high"),
    ("Pro7ect? no: Projec7 Falcon", "Projec7 Falcon", "high"),
    ("Project F@lcon", "Project F@lcon", "high"),
    ("Project Fa|con", None, None),  # a bar splits the word: not a swap we fold
    ("Blu3bird8", None, None),  # a trailing digit makes another word
    ("8luebird", "8luebird", "critical"),
    ("Blue$bird", None, None),  # $ folds to s: "bluesbird"
    ("Proj\u200bect Fal\u200dcon", "Proj\u200bect Fal\u200dcon", "high"),
    ("Project\u00adFalcon", "Project\u00adFalcon", "high"),
    # Cyrillic о, а, е and Greek ο, Α look-alikes
    ("Pr\u043eject F\u0430lcon", "Pr\u043eject F\u0430lcon", "high"),
    ("Proj\u0435ct Falc\u03bfn", "Proj\u0435ct Falc\u03bfn", "high"),
    ("PROJECT F\u0391LCON", "PROJECT F\u0391LCON", "high"),
    ("\U0001f600 #ProjectFalcon", "ProjectFalcon", "high"),
    ("Ｐｒｏｊｅｃｔ Ｆａｌｃｏｎ", "Ｐｒｏｊｅｃｔ Ｆａｌｃｏｎ", "high"),
    ("Bluebird launches 3 March", "Bluebird", "critical"),
    ("nightjar-x pricing", "nightjar-x", "critical"),
    ("ÉMERAUDE", "ÉMERAUDE", "high"),
    ("#ÉmeraudeLaunch", "Émeraude", "high"),  # a glued word is no launch word
    ("falcons and projects", None, None),
    ("Project\n\nFalcon", None, None),
    ("Project       Falcon", None, None),
]


@pytest.fixture(scope="module")
def node():
    process = JsEngineProcess()
    yield process
    process.close()


@pytest.fixture(scope="module")
def bundle_path(tmp_path_factory):
    bundle = json.loads(BUNDLE.read_text(encoding="utf-8"))
    section = hashed_section(checked_entries(TERMS), KEY, 1)
    hashed = add_to_bundle(bundle, section)
    # No budget: a busy machine must not turn into a mismatch.
    hashed["defaults"] = dict(
        hashed["defaults"], budget_ms=600_000, rule_timeout_ms=600_000
    )
    path = tmp_path_factory.mktemp("hashed") / "bundle.json"
    path.write_text(json.dumps(hashed), encoding="utf-8")
    return path, section["key_id"]


def both(node, bundle_path, text, keyed=True):
    path, key_id = bundle_path
    keys = {key_id: KEY} if keyed else None
    expected = Engine(path.read_bytes(), runtime="js", term_keys=keys).scan(text)
    expected = json.loads(json.dumps(expected.to_dict()))
    js_keys = {key_id: base64.b64encode(KEY).decode()} if keyed else None
    actual = node.scan(text, bundle=path, term_keys=js_keys)
    assert actual == expected, f"text={text!r}"
    return expected


def hashed_findings(result):
    return [f for f in result["findings"] if f["rule_id"].startswith("confidential-")]


@pytest.mark.parametrize(("text", "covered", "severity"), OBFUSCATIONS)
def test_each_obfuscation_in_both_runtimes(node, bundle_path, text, covered, severity):
    found = hashed_findings(both(node, bundle_path, text))
    if covered is None:
        assert found == []
        return
    assert len(found) == 1, found
    finding = found[0]
    assert text[finding["start"] : finding["end"]] == covered
    assert finding["severity"] == severity
    assert finding["category"] == "confidential"
    assert "falcon" not in json.dumps(finding).lower()
    assert "bluebird" not in json.dumps(finding).lower()


def test_without_the_key_nothing_is_found_and_it_says_so(node, bundle_path):
    result = both(node, bundle_path, "#ProjectFa1con ships 3 March", keyed=False)
    assert hashed_findings(result) == []
    unkeyed = [item for item in result["not_run"] if item.get("reason") == "no_key"]
    assert {item["rule_id"] for item in unkeyed} == {
        "confidential-hashed-critical",
        "confidential-hashed-high-near",
        "confidential-hashed-medium-near",
    }


def test_a_wrong_key_is_no_key(node, bundle_path):
    path, key_id = bundle_path
    wrong = base64.b64encode(bytes(32)).decode()
    result = node.scan("Project Falcon", bundle=path, term_keys={key_id: wrong})
    assert hashed_findings(result) == []
    assert any(item.get("reason") == "no_key" for item in result["not_run"])


PIECES = st.sampled_from(
    [
        "Project",
        "Falcon",
        "fa1con",
        "#",
        " ",
        "-",
        "\u200b",
        "\u043e",
        "Bluebird",
        "ships",
        "3 March",
        "x",
        "\n",
        "ÉTÉ",
        "\U0001f600",
        "Σ",
        "İ",
    ]
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(PIECES, max_size=12).map("".join))
def test_generated_texts_agree(node, bundle_path, text):
    both(node, bundle_path, text)
