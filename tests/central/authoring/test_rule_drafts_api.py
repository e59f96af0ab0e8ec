"""Rule drafts over the admin API: upload, validate (the checks of
``postguard rules validate``, each error on its field), edit, history, audit.
On SQLite and PostgreSQL (see conftest)."""

from __future__ import annotations

import pytest
from authoring_support import ACME_RULE
from authoring_support import bearer
from authoring_support import line_number
from authoring_support import with_line

YAML = {"Content-Type": "application/yaml"}


def upload(client, headers, source):
    return client.post(
        "/api/v1/admin/rules", data=source.encode(), headers={**headers, **YAML}
    )


def errors_by_pointer(answer) -> dict:
    found: dict = {}
    for error in answer.get_json()["errors"]:
        found.setdefault(error["pointer"], []).append(error)
    return found


def test_an_uploaded_rule_becomes_an_audited_draft(rules_client, admin, store):
    answer = upload(rules_client, admin, ACME_RULE)
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["valid"] is True and body["errors"] == []
    assert body["draft"]["rule_id"] == "acme-key"
    assert body["draft"]["revision"] == 1
    assert body["draft"]["updated_by"] == "alice"
    listed = rules_client.get("/api/v1/admin/rules", headers=admin).get_json()
    mine = [r for r in listed["rules"] if r["rule_id"] == "acme-key"]
    assert mine[0]["packaged"] is False and mine[0]["draft"]["revision"] == 1
    assert any(r["packaged"] for r in listed["rules"])
    shown = rules_client.get("/api/v1/admin/rules/acme-key", headers=admin)
    assert shown.get_json()["draft"]["source"] == ACME_RULE
    audit = [(a["admin"], a["action"], a["detail"]) for a in store.audit()]
    assert ("alice", "rule_draft_create", "acme-key r1") in audit


def validate(client, headers, source):
    answer = client.post(
        "/api/v1/admin/rules/validate", json={"source": source}, headers=headers
    )
    assert answer.status_code == 200
    assert answer.get_json()["valid"] is False
    return errors_by_pointer(answer)


def test_pattern_errors_sit_on_their_field_with_their_line(rules_client, admin):
    source = with_line(ACME_RULE, "[a-z0-9]{16}", "[a-z0-9]{16}\\d?")
    source = with_line(
        source,
        "  values: [acme_0000000000000000]",
        "  patterns: [{pattern: 'a{', why: broken}]",
    )
    found = validate(rules_client, admin, source)
    # The portable-subset lint, on the pattern's line.
    assert [e["line"] for e in found["/pattern"]] == [line_number(source, "pattern:")]
    assert "\\d" in found["/pattern"][0]["message"]
    # The allow pattern (counted from 1 by the rulebook, from 0 in a pointer)
    # fails node's compile: the JS checks ran.
    allow = found["/allow/patterns/0/pattern"]
    assert {e["line"] for e in allow} == {line_number(source, "patterns:")}
    assert any("does not compile in JS" in e["message"] for e in allow)


def test_a_failing_example_points_at_that_example(rules_client, admin):
    source = with_line(
        ACME_RULE,
        '    - {text: "acme_short", why: too short}',
        '    - {text: "acme_short", why: too short}\n'
        '    - {text: "id acme_7f3k9q2m8x4v1z6c", why: looks like a key}',
    )
    found = validate(rules_client, admin, source)
    (example,) = found["/examples/no_match/1"]
    assert example["line"] == line_number(source, "looks like a key")
    assert example["message"] == "example should not match but did: looks like a key"


def test_schema_errors_refuse_the_upload_and_point_into_the_rule(
    rules_client, admin, store
):
    source = with_line(ACME_RULE, ", why: too short}", "}")
    answer = upload(rules_client, admin, source)
    assert answer.status_code == 422
    found = errors_by_pointer(answer)
    assert found["/examples/no_match/0"][0]["line"] == line_number(source, "acme_short")
    assert "'why' is a required property" in found["/examples/no_match/0"][0]["message"]
    assert rules_client.get("/api/v1/admin/rules/acme-key", headers=admin).status_code
    assert not [a for a in store.audit() if a["action"].startswith("rule_draft")]


def test_yaml_that_does_not_parse_names_its_line(rules_client, admin):
    source = with_line(ACME_RULE, "severity: high", "severity: [high")
    answer = upload(rules_client, admin, source)
    assert answer.status_code == 422
    (error,) = answer.get_json()["errors"]
    assert error["pointer"] == "" and error["message"].startswith("not valid YAML")
    assert error["line"] >= line_number(source, "severity: [high")


def test_a_redos_pattern_is_refused_as_the_cli_refuses_it(rules_client, admin):
    # The README's own example: exponential in a backtracking engine.
    source = with_line(
        ACME_RULE,
        "pattern: '(?<![A-Za-z0-9_])acme_[a-z0-9]{16}(?![A-Za-z0-9_])'",
        "pattern: 'acme_(?:a|aa)+(?![a-z])'",
    )
    messages = [e["message"] for e in validate(rules_client, admin, source)["/pattern"]]
    assert any("ReDoS" in m for m in messages), messages


def test_edits_need_the_current_revision_and_are_kept(rules_client, admin, store):
    assert upload(rules_client, admin, ACME_RULE).status_code == 201
    bob = bearer(store.create_admin("bob"))
    edited = with_line(ACME_RULE, "severity: high", "severity: critical")
    put = rules_client.put(
        "/api/v1/admin/rules/acme-key",
        json={"source": edited, "revision": 1},
        headers=bob,
    )
    assert put.status_code == 200, put.get_json()
    assert put.get_json()["draft"]["revision"] == 2
    stale = rules_client.put(
        "/api/v1/admin/rules/acme-key",
        json={"source": ACME_RULE, "revision": 1},
        headers=admin,
    )
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "draft_changed"
    history = rules_client.get(
        "/api/v1/admin/rules/acme-key/history", headers=admin
    ).get_json()["changes"]
    assert [(c["admin"], c["action"], c["revision"]) for c in history] == [
        ("alice", "create", 1),
        ("bob", "update", 2),
    ]
    assert history[1]["source"] == edited
    gone = rules_client.delete("/api/v1/admin/rules/acme-key?revision=2", headers=bob)
    assert gone.status_code == 200
    assert rules_client.get("/api/v1/admin/rules/acme-key", headers=bob).status_code
    actions = [(a["admin"], a["action"]) for a in store.audit()]
    assert actions[-3:] == [
        ("alice", "rule_draft_create"),
        ("bob", "rule_draft_update"),
        ("bob", "rule_draft_delete"),
    ]


def test_the_id_in_the_url_must_be_the_rules(rules_client, admin):
    answer = rules_client.put(
        "/api/v1/admin/rules/other-id",
        json={"source": ACME_RULE, "revision": None},
        headers=admin,
    )
    assert answer.status_code == 422
    (error,) = answer.get_json()["errors"]
    assert error["pointer"] == "/id" and error["line"] == 1


def test_a_packaged_rule_is_edited_as_a_draft_of_its_own(rules_client, admin):
    shown = rules_client.get("/api/v1/admin/rules/credit-card", headers=admin)
    body = shown.get_json()
    assert body["draft"] is None and "id: credit-card" in body["packaged_source"]
    source = body["packaged_source"].replace("severity: high", "severity: critical")
    assert source != body["packaged_source"]
    put = rules_client.put(
        "/api/v1/admin/rules/credit-card",
        json={"source": source, "revision": None},
        headers=admin,
    )
    assert put.status_code == 201, put.get_json()
    listed = rules_client.get("/api/v1/admin/rules", headers=admin).get_json()
    (card,) = [r for r in listed["rules"] if r["rule_id"] == "credit-card"]
    assert card["packaged"] is True and card["draft"]["revision"] == 1


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/v1/admin/rules"),
        ("post", "/api/v1/admin/rules"),
        ("post", "/api/v1/admin/rules/validate"),
        ("put", "/api/v1/admin/rules/acme-key"),
        ("delete", "/api/v1/admin/rules/acme-key"),
        ("get", "/api/v1/admin/rules/acme-key/history"),
        ("post", "/api/v1/admin/playground"),
        ("get", "/api/v1/admin/eval-sets"),
        ("post", "/api/v1/admin/eval-sets?name=x"),
        ("delete", "/api/v1/admin/eval-sets/x"),
        ("post", "/api/v1/admin/eval-sets/x/run"),
    ],
)
def test_every_route_needs_an_admin_token(rules_client, store, method, path):
    token = store.create_enrolment_token(None, 1, 1)
    device = rules_client.post(
        "/api/v1/device/enrol", json={"enrolment_token": token}
    ).get_json()["credential"]
    for headers in ({}, bearer(device)):
        answer = getattr(rules_client, method)(path, headers=headers, json={})
        assert answer.status_code == 401, (path, headers)
