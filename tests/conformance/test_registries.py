"""The validator lists of both runtimes, the shared vectors and the schema agree.

Adding a validator takes one Python module, one JS module, one vector file and the
schema enum; each test here names what is missing where.
"""

from __future__ import annotations

import json

import pytest
from js_engine_process import REPO
from js_engine_process import JsEngineProcess

from postguard.engine import validators

SCHEMA = REPO / "shared_rules" / "schema" / "rule.schema.json"
VECTOR_DIR = REPO / "shared_rules" / "vectors"


@pytest.fixture(scope="module")
def js_validators():
    node = JsEngineProcess()
    try:
        yield node.call("validators")
    finally:
        node.close()


def _python_names(runtime: str | None = None) -> set[str]:
    return {
        name
        for name, module in validators.REGISTRY.items()
        if runtime is None or runtime in module.RUNTIMES
    }


def test_js_registry_matches_python_validators_marked_js(js_validators):
    assert set(js_validators) == _python_names("js")


def test_vector_file_for_each_js_validator():
    files = {path.stem for path in VECTOR_DIR.glob("*.json")}
    assert files == _python_names("js")


def test_schema_enum_lists_every_python_validator():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    enum = schema["properties"]["validators"]["items"]["properties"]["name"]["enum"]
    assert sorted(enum) == sorted(_python_names())


def test_default_boosts_agree(js_validators):
    for name, spec in js_validators.items():
        module = validators.REGISTRY[name]
        assert spec["default_boost"] == module.DEFAULT_BOOST, name


def test_js_index_is_alphabetised():
    index = REPO / "extension" / "src" / "engine" / "validators" / "index.js"
    imports = [
        line.split("from")[1].strip(" ';")
        for line in index.read_text(encoding="utf-8").splitlines()
        if line.startswith("import ")
    ]
    assert imports and imports == sorted(imports)
