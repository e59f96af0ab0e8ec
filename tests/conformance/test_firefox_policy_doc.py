"""docs/firefox.md's policies.json example stays true to the extension: its
3rdparty settings fit managed_schema.json (the Chromium policy schema, which
Firefox does not read), under the add-on id the Firefox build gives."""

from __future__ import annotations

import json
import re

import jsonschema
from js_engine_process import REPO

DOC = REPO / "docs" / "firefox.md"
SCHEMA = REPO / "extension" / "managed_schema.json"
BUILD_SCRIPT = REPO / "scripts" / "build-firefox.mjs"
UUID = re.compile(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")


def _policies() -> dict:
    blocks = re.findall(r"```json\n(.*?)```", DOC.read_text(), re.S)
    found = [json.loads(b) for b in blocks if '"3rdparty"' in b]
    assert len(found) == 1, "one policies.json example in docs/firefox.md"
    return found[0]["policies"]


def _gecko_id() -> str:
    return re.search(r"id: '([^']+)'", BUILD_SCRIPT.read_text()).group(1)


def test_the_example_settings_fit_the_managed_schema():
    extensions = _policies()["3rdparty"]["Extensions"]
    assert list(extensions) == [_gecko_id()]
    settings = extensions[_gecko_id()]
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(settings, {**schema, "additionalProperties": False})


def test_the_example_pins_a_uuid_for_the_same_id():
    pref = _policies()["Preferences"]["extensions.webextensions.uuids"]
    assert pref["Status"] == "default"  # Firefox must still add other add-ons
    uuids = json.loads(pref["Value"])
    assert list(uuids) == [_gecko_id()]
    assert UUID.fullmatch(uuids[_gecko_id()])
    assert f"moz-extension://{uuids[_gecko_id()]}" in DOC.read_text()
