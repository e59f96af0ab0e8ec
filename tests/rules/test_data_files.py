"""The published data under shared_rules/data/ is kept byte for byte, and the
build carries it into the bundle (bundle.yaml's `<key>_file` params)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from postguard.rulebook.build import validator_specs

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "shared_rules" / "data"
# The SHA-256 of bip-0039/english.txt in the BIP repository.
BIP39_ENGLISH_SHA256 = (
    "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda"
)


def test_bip39_wordlist_is_the_published_file():
    data = (DATA / "bip39-english.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == BIP39_ENGLISH_SHA256
    words = data.decode("ascii").split("\n")
    assert words[-1] == "" and len(words[:-1]) == 2048
    assert words[0] == "abandon" and words[2047] == "zoo"


def test_every_data_file_has_its_provenance_in_the_readme():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for path in DATA.iterdir():
        if path.name != "README.md":
            assert f"`{path.name}`" in readme, path.name


@pytest.mark.parametrize("copy", ["shared_rules/dist", "extension/rules"])
def test_the_bundle_carries_the_wordlist(copy):
    bundle = json.loads((REPO / copy / "ruleset.json").read_text(encoding="utf-8"))
    words = (DATA / "bip39-english.txt").read_text(encoding="ascii").split()
    assert bundle["validators"]["bip39"]["params"]["wordlist"] == " ".join(words)


def test_a_file_param_becomes_the_words(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "words.txt").write_text("alpha\nbeta\n", encoding="utf-8")
    specs = validator_specs({"bip39": {"wordlist_file": "data/words.txt"}}, tmp_path)
    assert specs["bip39"]["params"] == {"wordlist": "alpha beta"}


@pytest.mark.parametrize(
    ("relative", "content"),
    [
        ("data/missing.txt", None),
        ("../outside.txt", "alpha\n"),
        ("data/words.txt", "alpha beta\n"),
        ("data/words.txt", "alpha\n\nbeta\n"),
    ],
)
def test_a_bad_file_param_names_the_validator(tmp_path, relative, content):
    root = tmp_path / "shared_rules"
    (root / "data").mkdir(parents=True)
    if content is not None:
        (root / relative).write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match="validators: bip39: wordlist_file"):
        validator_specs({"bip39": {"wordlist_file": relative}}, root)
