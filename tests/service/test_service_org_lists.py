"""The organisation's lists (internal_domains, confidential_terms) from config and
the admin policy: merged, checked, run by the service and served to the
extension inside the bundle (``org``), never twice and never in ``policy``."""

from __future__ import annotations

import json

import pytest
from service_support import Api

from postguard import config
from postguard.app import create_app
from postguard.config import ConfigError

SCAN = "/api/v1/scan"
BUNDLE = "/api/v1/rules/bundle"
POLICY = """\
version: 1
mode: enforce
default_action: warn
actions:
  confidential: {medium: warn, high: block_with_override, critical: block}
platforms: {x: , other: }
internal_domains: ["jira.tailspin.io"]
confidential_terms:
  - Falcon
  - {term: Osprey, severity: medium}
"""


def make_api(settings, **extra) -> Api:
    return Api(create_app({**settings, **extra}).test_client())


def scan(api, text) -> dict:
    response = api.post(SCAN, json={"text": text, "platform": "x"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def org_findings(body) -> list[tuple[str, str, str]]:
    return [
        (f["rule_id"], f["severity"], f["action"])
        for f in body["findings"]
        if f["rule_id"].startswith(("internal-domain", "confidential-term"))
    ]


@pytest.fixture
def policy_file(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY, encoding="utf-8")
    return str(path)


def test_without_lists_nothing_changes(api, app):
    served = api.get(BUNDLE)
    assert "org" not in served.get_json()
    body = scan(api, "Falcon ships from jira.tailspin.io tomorrow")
    assert org_findings(body) == []


def test_config_lists_are_found_and_escalated(settings):
    api = make_api(
        settings,
        INTERNAL_DOMAINS=["*.corp.fabrikam.net"],
        CONFIDENTIAL_TERMS=["Falcon", {"term": "Nimbus", "severity": "medium"}],
    )
    body = scan(api, "see wiki.corp.fabrikam.net/falcon-notes")
    assert org_findings(body) == [
        ("confidential-term-high", "high", "block_with_override")
    ]
    body = scan(api, "see https://wiki.corp.fabrikam.net/x")
    assert org_findings(body) == [("internal-domain", "medium", "warn")]
    assert body["verdict"] == "warn"
    # Near a launch word the codename is critical; the default policy blocks
    # critical confidential findings with an override.
    body = scan(api, "#ProjectNimbus launches on 2026-05-01")
    assert org_findings(body) == [
        ("confidential-term-medium", "critical", "block_with_override")
    ]
    assert body["verdict"] == "block"


def test_policy_and_config_lists_are_merged_and_served_once(settings, policy_file):
    api = make_api(
        settings, POLICY_FILE=policy_file, CONFIDENTIAL_TERMS=["Project Kestrel"]
    )
    served = api.get(BUNDLE).get_json()
    assert served["org"] == {
        "internal_domains": ["jira.tailspin.io"],
        "confidential_terms": [
            "Falcon",
            {"term": "Osprey", "severity": "medium"},
            "Project Kestrel",
        ],
    }
    # The policy the extension applies has no copy of the lists.
    assert "confidential_terms" not in served["policy"]
    assert "internal_domains" not in served["policy"]
    assert served["policy"]["actions"]["confidential"]["critical"] == "block"
    body = scan(api, "ProjectKestrel pricing, see jira.tailspin.io/browse/KS-4")
    assert org_findings(body) == [
        ("confidential-term-high", "critical", "block"),
        ("internal-domain", "medium", "warn"),
    ]


def test_the_service_runs_the_bundle_it_serves(settings, policy_file):
    app = create_app({**settings, "POLICY_FILE": policy_file})
    shared = app.extensions["postguard"]
    assert shared.engine.bundle_bytes == shared.bundle_bytes
    served = Api(app.test_client()).get(BUNDLE)
    assert served.data == shared.bundle_bytes
    # The events endpoint accepts the ids of the rules the lists became.
    assert {
        "internal-domain",
        "confidential-term-high",
        "confidential-term-medium",
    } <= (shared.known_rule_ids)


def test_a_terms_file_adds_terms(settings, tmp_path):
    terms = tmp_path / "terms.yaml"
    terms.write_text(
        "confidential_terms:\n  - Bluebird\n  - {term: Heron, severity: critical}\n",
        encoding="utf-8",
    )
    api = make_api(settings, CONFIDENTIAL_TERMS_FILE=str(terms))
    assert org_findings(scan(api, "heron and BLUEBIRD")) == [
        ("confidential-term-critical", "critical", "block_with_override"),
        ("confidential-term-high", "high", "block_with_override"),
    ]
    plain = tmp_path / "plain.yaml"
    plain.write_text("- Bluebird\n", encoding="utf-8")
    api = make_api(settings, CONFIDENTIAL_TERMS_FILE=str(plain))
    assert org_findings(scan(api, "bluebird")) == [
        ("confidential-term-high", "high", "block_with_override")
    ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"INTERNAL_DOMAINS": ["intranet"]}, "config: internal_domains: 'intranet'"),
        ({"CONFIDENTIAL_TERMS": ["x"]}, "config: confidential_terms: 'x' must be 2"),
        (
            {"CONFIDENTIAL_TERMS": [{"term": "Falcon", "severity": "urgent"}]},
            "config: confidential_terms: 'Falcon' has severity 'urgent'",
        ),
        ({"CONFIDENTIAL_TERMS": "Falcon"}, "setting confidential_terms: wrong type"),
        ({"CONFIDENTIAL_TERMS_FILE": "/nonexistent/terms.yaml"}, "cannot read"),
    ],
)
def test_a_bad_entry_stops_the_start_naming_the_source(settings, extra, message):
    with pytest.raises(ConfigError, match=message):
        create_app({**settings, **extra})


def test_a_bad_entry_in_the_policy_file_names_the_file(settings, tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY.replace('"jira.tailspin.io"', '"*.io"'), encoding="utf-8")
    with pytest.raises(ConfigError, match=f"{path}: internal_domains: '\\*.io'"):
        create_app({**settings, "POLICY_FILE": str(path)})


def test_the_lists_come_from_environment_variables(tmp_path):
    environ = {
        "POSTGUARD_HOME": str(tmp_path),
        "POSTGUARD_INTERNAL_DOMAINS": "jira.tailspin.io, *.corp.fabrikam.net",
        "POSTGUARD_CONFIDENTIAL_TERMS": json.dumps(
            ["Falcon", {"term": "Osprey", "severity": "low"}]
        ),
    }
    settings = config.load(environ)
    assert settings["INTERNAL_DOMAINS"] == ["jira.tailspin.io", "*.corp.fabrikam.net"]
    assert settings["CONFIDENTIAL_TERMS"][1] == {"term": "Osprey", "severity": "low"}
    environ["POSTGUARD_CONFIDENTIAL_TERMS"] = "Falcon, Project Kestrel"
    assert config.load(environ)["CONFIDENTIAL_TERMS"] == ["Falcon", "Project Kestrel"]


def test_the_lists_come_from_the_config_file(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        "internal_domains: ['*.corp.fabrikam.net']\n"
        "confidential_terms: [Falcon, {term: Osprey, severity: low}]\n"
        "confidential_terms_file: ~/terms.yaml\n",
        encoding="utf-8",
    )
    settings = config.load({"POSTGUARD_HOME": str(tmp_path)}, str(path))
    assert settings["CONFIDENTIAL_TERMS"] == [
        "Falcon",
        {"term": "Osprey", "severity": "low"},
    ]
    assert settings["CONFIDENTIAL_TERMS_FILE"] == "~/terms.yaml"
