"""One version: postguard.__version__ is the package's (pyproject reads it, see
test_installed_wheel), the extension's and the base of the bundle's."""

import json
import re
from pathlib import Path

from postguard import __version__

REPO = Path(__file__).resolve().parents[2]
BUNDLES = [
    REPO / "shared_rules" / "dist" / "ruleset.json",
    REPO / "backend" / "postguard" / "data" / "ruleset.json",
    REPO / "extension" / "rules" / "ruleset.json",
]


def test_extension_manifest_has_the_package_version():
    manifest = json.loads((REPO / "extension" / "manifest.json").read_text())
    assert manifest["version"] == __version__


def test_the_api_description_has_the_package_version():
    from postguard.api.validate import load_openapi

    assert load_openapi()["info"]["version"] == __version__


def test_bundle_version_is_the_package_version_plus_a_content_hash():
    for path in BUNDLES:
        version = json.loads(path.read_text(encoding="utf-8"))["version"]
        assert re.fullmatch(re.escape(__version__) + r"\+[0-9a-f]{12}", version), path


def test_pyproject_has_no_version_of_its_own():
    text = (REPO / "pyproject.toml").read_text()
    assert re.search(r'^dynamic = \["version"\]$', text, re.MULTILINE)
    assert 'version = { attr = "postguard.__version__" }' in text
    assert not re.search(r'^version = "', text, re.MULTILINE)  # no static one
