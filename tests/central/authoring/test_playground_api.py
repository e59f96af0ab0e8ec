"""The playground over the admin API: spans, masked previews, verdict and the
kept/dropped trace, from the laptops' engine and policy; the sample text never
reaches a row, a log line or an answer; a slow pattern cannot hold a worker."""

from __future__ import annotations

import logging

from authoring_support import ACME_RULE
from authoring_support import KEY
from authoring_support import with_line
from sqlalchemy import inspect
from sqlalchemy import text as sql

PLAYGROUND = "/api/v1/admin/playground"


def save(client, headers, source=ACME_RULE):
    answer = client.post(
        "/api/v1/admin/rules", json={"source": source}, headers=headers
    )
    assert answer.status_code == 201, answer.get_json()


def test_a_draft_finding_has_its_span_a_masked_preview_and_a_verdict(
    rules_client, admin
):
    save(rules_client, admin)
    sample = f"deploy with {KEY} tonight"
    answer = rules_client.post(
        PLAYGROUND, json={"text": sample, "platform": "x"}, headers=admin
    )
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    (finding,) = body["findings"]
    assert finding["rule_id"] == "acme-key"
    assert sample[finding["start"] : finding["end"]] == KEY
    assert KEY not in finding["preview"] and finding["preview"].endswith(KEY[-4:])
    # The default policy: a high credential blocks.
    assert finding["action"] == "block" and body["verdict"] == "block"
    assert body["drafts"] == ["acme-key"]
    (candidate,) = [c for c in body["trace"]["candidates"] if c["draft"]]
    assert (candidate["start"], candidate["end"]) == (finding["start"], finding["end"])
    assert candidate["outcome"] == "reported"
    assert KEY not in answer.get_data(as_text=True)


def test_the_trace_says_why_a_candidate_was_dropped(rules_client, admin):
    sample = "placeholder acme_0000000000000000 and card 4111 1111 1111 1112"
    answer = rules_client.post(
        PLAYGROUND,
        json={"text": sample, "bundle": "draft", "source": ACME_RULE},
        headers=admin,
    )
    body = answer.get_json()
    assert body["findings"] == [] and body["verdict"] == "allow"
    assert body["drafts"] == ["acme-key"]  # the draft alone: no card rule
    (candidate,) = body["trace"]["candidates"]
    assert candidate["outcome"] == "dropped" and candidate["decided_by"] == "allow"
    assert "allowlist" in candidate["why"]
    (rule,) = body["trace"]["rules"]
    assert rule["rule_id"] == "acme-key" and rule["steps"][0]["stage"] == "anchors"


def test_packaged_rules_drop_candidates_too(rules_client, admin):
    sample = "card 4111 1111 1111 1112"  # fails the Luhn check
    body = rules_client.post(PLAYGROUND, json={"text": sample}, headers=admin)
    card = [
        c
        for c in body.get_json()["trace"]["candidates"]
        if c["rule_id"] == "credit-card"
    ]
    assert card and card[0]["outcome"] == "dropped"
    assert card[0]["decided_by"] == "validator"


def test_a_draft_rule_that_did_not_run_says_why(rules_client, admin):
    save(rules_client, admin)
    body = rules_client.post(
        PLAYGROUND, json={"text": "nothing to see"}, headers=admin
    ).get_json()
    (rule,) = [r for r in body["trace"]["rules"] if r["rule_id"] == "acme-key"]
    assert rule["steps"] == [
        {
            "stage": "anchors",
            "outcome": "skipped",
            "detail": "none of its keywords occurs",
        }
    ]
    # The other rules that did not run are counted, not listed one by one.
    assert sum(n["rules"] for n in body["trace"]["not_run"]) > 100


def test_a_catastrophic_pattern_times_out_instead_of_hanging(rules_client, admin):
    # Exponential backtracking: without the regex timeout this scan takes
    # seconds (minutes a few characters later).
    slow = with_line(
        ACME_RULE,
        "pattern: '(?<![A-Za-z0-9_])acme_[a-z0-9]{16}(?![A-Za-z0-9_])'",
        "pattern: '(?<![a-z])(?:a|aa)+(?![a-z!])'",
    )
    slow = with_line(slow, "keywords: [acme_]\n", "")
    answer = rules_client.post(
        PLAYGROUND,
        json={"text": "a" * 36 + "!", "bundle": "draft", "source": slow},
        headers=admin,
    )
    body = answer.get_json()
    assert answer.status_code == 200
    assert body["complete"] is False
    assert {"rule_id": "acme-key", "reason": "timeout"} in body["incomplete"]
    assert body["verdict"] == "warn"  # the policy's on_incomplete


def test_an_unbuildable_draft_is_refused_on_its_field(rules_client, admin):
    broken = with_line(ACME_RULE, "severity: high", "severity: extreme")
    answer = rules_client.post(
        PLAYGROUND,
        json={"text": "x", "bundle": "draft", "source": broken},
        headers=admin,
    )
    assert answer.status_code == 422
    (error,) = answer.get_json()["errors"]
    assert error["pointer"] == "/severity" and error["line"] == 5


def all_cells(store) -> str:
    cells = []
    with store.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            rows = conn.execute(sql(f"SELECT * FROM {table}")).all()
            cells += [str(cell) for row in rows for cell in row]
    return " ".join(cells)


def test_the_sample_text_is_never_stored_logged_or_echoed(
    rules_client, admin, store, caplog
):
    save(rules_client, admin)
    canary = "canary-7c1e9 call me"
    sample = f"{canary} {KEY}"
    requests = [
        {"text": sample, "platform": "x", "locale": "en-GB"},
        {"text": sample, "bundle": "draft", "rule_id": "acme-key"},
        # Refused: each error must still not quote the text.
        {"text": sample, "platform": "No Such Platform"},
        {"text": sample, "locale": sample},
        {"text": sample, "bundle": "draft", "rule_id": "no-such-rule"},
        {"text": sample, "bundle": "everything"},
        {"text": sample, "source": "id: [broken"},
    ]
    statuses = []
    with caplog.at_level(logging.DEBUG):
        for body in requests:
            answer = rules_client.post(PLAYGROUND, json=body, headers=admin)
            statuses.append(answer.status_code)
            shown = answer.get_data(as_text=True)
            assert canary not in shown and KEY not in shown
    assert statuses == [200, 200, 400, 400, 404, 400, 422]
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    assert canary not in logged and KEY[5:] not in logged
    stored = all_cells(store)
    assert canary not in stored
    # The key is in the stored draft's examples, never from the sample: the
    # only row holding the sample's other words would be a leak.
    assert "call me" not in stored
