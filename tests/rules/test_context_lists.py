"""Shared context word lists (bundle.yaml ``context_words``): a rule's
``context: {lists: [identity]}`` gets the list's words after its own, the bundle
carries only the merged words, and a national ID named in everyday words
("My national ID number is ...", "Mi número de identificación es ...") is found
with its checksum still applied, while a bare "ID" (order, user, tracking) is no
identity word."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from postguard.engine import Engine
from postguard.rulebook.build import compile_rule
from postguard.rulebook.build import context_words
from postguard.rulebook.source import RuleTree

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / "shared_rules"
SETTINGS = yaml.safe_load((SHARED / "bundle.yaml").read_text(encoding="utf-8"))
ID_TYPES = {"NATIONAL_ID", "TAX_ID"}

GENERIC = [
    "My national ID number is {v}, please keep it safe.",
    "Mi número de identificación es {v}",
    "Ma carte d’identité porte le numéro {v}.",
    "Meine Ausweisnummer ist {v}",
    "Il mio numero di documento è {v}",
    "meu número de identidade é {v}",
    "Mijn identiteitsnummer is {v}",
    "mera ID number {v} hai",
]
# (za-idnr lists "id:" among its own words, so no colon here.)
NOT_PERSONAL = ["order ID {v}", "user ID {v}", "Discord ID {v}", "tracking ID {v}"]
UNBOUNDED = float("inf")  # a cold engine loads stdnum data (cn.ric) on first use


def _sources() -> list[dict]:
    return [
        yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((SHARED / "rules").glob("*/*.yaml"))
    ]


def _listing(name: str) -> list[dict]:
    return [
        d for d in _sources() if name in ((d.get("context") or {}).get("lists") or [])
    ]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load(None)


def test_lists_merge_after_own_words_once():
    spec = {"words": ["pesel", "National ID"], "lists": ["identity"]}
    words = context_words(spec, SETTINGS)
    assert words[:2] == ["pesel", "National ID"]
    assert len(words) == len({w.lower() for w in words})
    assert "identiteitsnummer" in words and "Ausweisnummer" in words


def test_no_bare_id_in_any_list():
    for name, words in SETTINGS["context_words"].items():
        assert not {"id", "ids", "id #"} & {w.lower() for w in words}, name


def test_bundle_carries_merged_words_only():
    data = next(d for d in _sources() if d["id"] == "tr-tckimlik")
    rule = compile_rule(data, SETTINGS)
    assert "lists" not in rule["context"]
    assert "national id" in rule["context"]["words"]
    assert "kimlik" in rule["context"]["pattern"].lower()


def test_unknown_list_is_an_error(tmp_path):
    data = next(d for d in _sources() if d["id"] == "pl-pesel")
    data["context"]["lists"] = ["identiy"]
    with pytest.raises(ValueError, match="identiy"):
        compile_rule(data, SETTINGS)
    # validate names the file
    root = tmp_path / "shared_rules"
    for part in ("bundle.yaml", "schema", "allow", "policy.yaml", "guards.yaml"):
        src = SHARED / part
        if src.is_dir():
            (root / part).mkdir(parents=True)
            for f in src.iterdir():
                (root / part / f.name).write_bytes(f.read_bytes())
        elif src.exists():
            root.mkdir(parents=True, exist_ok=True)
            (root / part).write_bytes(src.read_bytes())
    (root / "rules" / "pii").mkdir(parents=True)
    (root / "rules" / "pii" / "pl-pesel.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    sources, errors = RuleTree(root).load()
    assert not sources
    assert any("identiy" in str(e) for e in errors)


def _example_values(data: dict) -> list[str]:
    return [e["value"] for e in data["examples"]["match"] if "value" in e][:2]


@pytest.mark.parametrize("data", _listing("identity"), ids=lambda d: d["id"])
def test_generic_identity_words_find_the_rules_values(engine, data):
    """Each rule's own valid example values, named only in everyday words."""
    for value in _example_values(data):
        for template in GENERIC:
            text = template.format(v=value)
            start = text.index(value)
            end = start + len(value)
            found = engine.scan(text, budget_ms=UNBOUNDED).findings
            assert any(
                f.type in ID_TYPES and f.start < end and start < f.end for f in found
            ), (data["id"], template)


@pytest.mark.parametrize(
    "data",
    [d for d in _listing("identity") if d["context"]["mode"] == "required"],
    ids=lambda d: d["id"],
)
def test_bare_id_is_no_identity_word(engine, data):
    for value in _example_values(data):
        for template in NOT_PERSONAL:
            found = engine.scan(template.format(v=value), budget_ms=UNBOUNDED).findings
            assert not [f for f in found if f.rule_id == data["id"]], template


def test_checksum_still_applies(engine):
    # PESEL 53051851750 is valid; the last digit changed is not, nor any rule's.
    ok = engine.scan(
        "My national ID number is 53051851750", budget_ms=UNBOUNDED
    ).findings
    bad = engine.scan(
        "My national ID number is 53051851751", budget_ms=UNBOUNDED
    ).findings
    assert [f.type for f in ok] == ["NATIONAL_ID"]
    assert not [f for f in bad if f.type in ID_TYPES]


def test_bundle_json_has_no_lists():
    bundle = json.loads((SHARED / "dist" / "ruleset.json").read_text(encoding="utf-8"))
    assert all("lists" not in (r.get("context") or {}) for r in bundle["rules"])
