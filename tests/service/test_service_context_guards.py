"""Policy keys for the context guards (issue 14), audience-aware actions, and the
scan context through POST /api/v1/scan."""

from __future__ import annotations

import logging

import pytest
from service_support import Api

from postguard.app import create_app
from postguard.policy import Policy
from postguard.policy import PolicyError

POLICY_YAML = """\
version: 1
mode: enforce
default_action: warn
actions:
  confidential: {high: block_with_override}
  context: {high: warn, critical: block}
rules:
  email-address: warn
platforms:
  x:
    rules:
      phone-number: audit
  other:
audiences:
  public:
    actions:
      confidential: {high: block}
  dm:
    actions:
      context: {critical: warn}
    rules:
      email-address: audit
      phone-number: block
organization:
  names: [Acme, Acme Corp]
  handles: {x: ["@AcmeSupport", "@Acme"], linkedin: ["acme"]}
  disclosure: ["#AcmeEmployee"]
quiet_periods:
  - {name: Q3 earnings blackout, start: 2000-01-01, end: 2999-12-31}
  - {name: Finance close, start: 2000-01-01, end: 2999-12-31, groups: [finance]}
regulated_packs: [health]
"""


def finding(category, severity, rule_id="some-rule"):
    return {"rule_id": rule_id, "category": category, "severity": severity}


@pytest.fixture
def policy_path(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY_YAML)
    return path


@pytest.fixture
def policy(policy_path):
    return Policy.load(policy_path, {})


def test_yaml_dates_stay_iso_strings(policy):
    assert policy.data["quiet_periods"][0]["start"] == "2000-01-01"
    assert policy.data["regulated_packs"] == ["health"]


@pytest.mark.parametrize(
    "found, platform, audience, action",
    [
        # the audience's table beats the global table
        (finding("confidential", "high"), None, "public", "block"),
        (finding("confidential", "high"), None, None, "block_with_override"),
        (finding("confidential", "high"), None, "unknown", "block_with_override"),
        (finding("confidential", "high"), None, "reply", "block_with_override"),
        # the audience's rule beats the global rule and the platform's rule
        (finding("pii", "low", "email-address"), None, "dm", "audit"),
        (finding("pii", "low", "email-address"), None, "public", "warn"),
        (finding("pii", "low", "phone-number"), "x", "dm", "block"),
        (finding("pii", "low", "phone-number"), "x", "public", "audit"),
        # the audience's table beats a platform rule, too
        (finding("context", "critical", "quiet-period"), "x", "dm", "warn"),
        (finding("context", "critical", "quiet-period"), "x", None, "block"),
    ],
)
def test_audience_overrides_come_first(policy, found, platform, audience, action):
    assert policy.action_for(found, platform, audience) == action


def test_apply_uses_the_audience_for_the_verdict_and_unlisted(policy):
    held = finding("context", "critical", "quiet-period")
    assert policy.apply([held], "x", True, audience="public")[1] == "block"
    assert policy.apply([held], "x", True, audience="dm")[1] == "warn"
    assert policy.apply([], "x", True, [held], audience="dm")[1] == "warn"


@pytest.mark.parametrize(
    "old, new, line, words",
    [
        (
            "start: 2000-01-01, end: 2999-12-31}\n  - {name: F",
            "start: 2000-02-30, end: 2999-12-31}\n  - {name: F",
            29,
            "start",
        ),
        (
            "end: 2999-12-31, groups",
            "end: 1999-12-31, groups",
            30,
            "ends before it starts",
        ),
        (
            "start: 2000-01-01, end: 2999-12-31, groups",
            "start: 2000-01-01 10:00:00, end: 2999-12-31, groups",
            30,
            "start",
        ),
        ("  public:\n", "  everyone:\n", 15, "everyone"),
        ("names: [Acme, Acme Corp]", "names: Acme", 25, "names"),
        ("regulated_packs: [health]", "regulated_packs: [gambling]", 31, "gambling"),
        ('{x: ["@AcmeSupport"', '{x: ["@Acme Support"', 26, "Acme Support"),
    ],
)
def test_bad_guard_keys_name_the_line(tmp_path, old, new, line, words):
    assert old in POLICY_YAML
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY_YAML.replace(old, new, 1))
    with pytest.raises(PolicyError) as caught:
        Policy.load(path, {})
    assert f"line {line}:" in str(caught.value)
    assert words in str(caught.value)


@pytest.fixture
def api(tmp_path, policy_path):
    from service_support import PORT
    from service_support import TOKEN

    app = create_app(
        {
            "TOKEN": TOKEN,
            "HOME": str(tmp_path / "home"),
            "PORT": PORT,
            "TESTING": True,
            "POLICY_FILE": str(policy_path),
            "GROUPS": ["sales"],
        }
    )
    yield Api(app.test_client())
    app.extensions["postguard"].audit.close()


def scan(api, **body):
    return api.post("/api/v1/scan", json={"platform": "x", **body})


def test_scan_runs_the_guards_with_the_context(api, caplog):
    caplog.set_level(logging.DEBUG)
    context = {
        "audience": "reply",
        "targets": [{"handle": "@AcmeSupp0rt", "kind": "reply_to"}],
    }
    response = scan(api, text="", context=context)
    assert response.status_code == 200
    [found] = response.get_json()["findings"]
    assert found["rule_id"] == "impostor-handle"
    assert (found["start"], found["end"], found["target"]) == (0, 0, "reply_to")
    assert found["action"] == "warn"
    assert response.get_json()["verdict"] == "warn"
    assert "AcmeSupp0rt" not in caplog.text


def test_scan_quiet_period_blocks_in_public_and_warns_in_a_dm(api):
    text = "Acme revenue beat the forecast"
    public = scan(api, text=text, context={"audience": "public"}).get_json()
    dm = scan(api, text=text, context={"audience": "dm"}).get_json()
    assert (public["verdict"], dm["verdict"]) == ("block", "warn")
    assert [f["rule_id"] for f in public["findings"]] == ["quiet-period"]


def test_groups_join_the_config_and_the_context(tmp_path, policy_path):
    from service_support import PORT
    from service_support import TOKEN

    # Only the finance window is left; the device is in "sales" by config.
    text = policy_path.read_text().replace(
        "  - {name: Q3 earnings blackout, start: 2000-01-01, end: 2999-12-31}\n", ""
    )
    policy_path.write_text(text)
    for groups, context, verdict in [
        (["sales"], {}, "allow"),
        (["sales"], {"groups": ["finance"]}, "block"),
        (["finance"], {}, "block"),
    ]:
        app = create_app(
            {
                "TOKEN": TOKEN,
                "HOME": str(tmp_path / "home"),
                "PORT": PORT,
                "TESTING": True,
                "POLICY_FILE": str(policy_path),
                "GROUPS": groups,
            }
        )
        try:
            answer = scan(Api(app.test_client()), text="Acme revenue", context=context)
            assert answer.get_json()["verdict"] == verdict, (groups, context)
        finally:
            app.extensions["postguard"].audit.close()


def test_the_disclosure_reminder_carries_its_suggestion(api):
    found = scan(api, text="I love Acme").get_json()["findings"]
    assert found[0]["suggestion"] == {"kind": "append", "text": "#AcmeEmployee"}


@pytest.mark.parametrize(
    "context, field",
    [
        ({"audience": "everyone"}, "audience"),
        ({"targets": [{"handle": "@a", "kind": "reply_to"}] * 21}, "targets"),
        ({"targets": [{"handle": "@" + "a" * 100, "kind": "dm"}]}, "handle"),
        ({"targets": [{"handle": "@a", "kind": "follow"}]}, "kind"),
        ({"who": "me"}, "context"),
    ],
)
def test_a_bad_context_is_refused_without_echoing_it(api, context, field):
    response = scan(api, text="hello", context=context)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert field in body
    assert "a" * 100 not in body and "everyone" not in body


def test_events_accept_the_guards_rule_ids(api):
    version = api.get("/api/v1/health").get_json()["rules_version"]
    event = {
        "rule_ids": ["quiet-period", "impostor-handle"],
        "categories": ["context"],
        "action": "overridden",
        "platform": "x",
        "rules_version": version,
    }
    response = api.post("/api/v1/events", json=event)
    assert response.status_code == 201, response.get_json()


def test_a_guard_may_be_put_in_simulation(tmp_path, policy_path):
    policy_path.write_text(POLICY_YAML + "simulate: [quiet-period]\n")
    policy = Policy.load(policy_path, {})
    held = finding("context", "critical", "quiet-period")
    decided, verdict = policy.apply([held], "x", True)
    assert (decided[0]["action"], verdict) == ("audit", "allow")


def test_guard_findings_keep_to_max_findings_most_severe_first(policy):
    from postguard.decide import decide
    from postguard.decide import guard_data
    from postguard.engine import Engine

    low = [
        {**finding("pii", "low", "email-address"), "start": n, "end": n + 1}
        for n in range(3)
    ]
    decision = decide(
        "Acme revenue up",
        low,
        complete=True,
        policy=policy,
        guards=guard_data(Engine.load()),
        platform="x",
        max_findings=3,
    )
    kept = sorted(f["rule_id"] for f in decision.findings)
    assert kept == ["email-address", "email-address", "quiet-period"]
    assert (decision.omitted, decision.verdict) == (1, "block")
