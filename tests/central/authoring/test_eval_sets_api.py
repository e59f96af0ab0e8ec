"""Evaluation sets over the admin API: upload (schema-checked, size-capped),
and a draft rule's run over a set: clean posts it flags, recall on positives,
and a run that stops at its cap."""

from __future__ import annotations

import json

from authoring_support import ACME_RULE
from authoring_support import KEY

from postguard.central import eval_sets

SETS = "/api/v1/admin/eval-sets"
OTHER_KEY = "acme_q9w8e7r6t5y4u3i2"
MAIL = "jane.doe@fabrikam-mail.com"


def jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode("utf-8")


def clean_set() -> bytes:
    return jsonl(
        [
            {"text": "lovely weather today", "source": "t", "license": "x"},
            {"text": f"oops {KEY} pasted", "source": "t", "license": "x"},
            {"text": "acme_ is our prefix", "source": "t", "license": "x"},
        ]
    )


def positive_set() -> bytes:
    first = f"key {KEY}"
    second = f"token={OTHER_KEY[:-1]}"  # too short for the rule: missed
    return jsonl(
        [
            {
                "text": first,
                "spans": [{"start": 4, "end": len(first), "type": "SECRET"}],
            },
            {
                "text": second,
                "spans": [{"start": 6, "end": len(second), "type": "SECRET"}],
            },
            {
                "text": f"mail {MAIL}",
                "spans": [{"start": 5, "end": 5 + len(MAIL), "type": "EMAIL"}],
            },
        ]
    )


def upload(client, headers, name, raw):
    return client.post(f"{SETS}?name={name}", data=raw, headers=headers)


def run(client, headers, name, **body):
    return client.post(f"{SETS}/{name}/run", json=body, headers=headers)


def test_a_clean_set_counts_the_posts_a_draft_would_flag(rules_client, admin, store):
    uploaded = upload(rules_client, admin, "tweets", clean_set())
    assert uploaded.status_code == 201, uploaded.get_json()
    assert uploaded.get_json()["kind"] == "clean"
    assert uploaded.get_json()["records"] == 3
    listed = rules_client.get(SETS, headers=admin).get_json()["eval_sets"]
    assert [(s["name"], s["uploaded_by"]) for s in listed] == [("tweets", "alice")]
    report = run(rules_client, admin, "tweets", source=ACME_RULE).get_json()
    assert report["rule_id"] == "acme-key"
    assert (report["scanned"], report["flagged"]) == (3, 1)
    assert report["flagged_rate"] == 1 / 3 and report["complete"] is True
    (shown,) = report["flagged_lines"]
    assert shown["line"] == 2 and KEY not in json.dumps(report)
    assert "recall" not in report
    audit = [(a["action"], a["detail"]) for a in store.audit()]
    assert ("eval_set_upload", "tweets: clean, 3 records") in audit


def test_a_positive_set_reports_recall_for_the_rules_type(rules_client, admin):
    assert upload(rules_client, admin, "keys", positive_set()).status_code == 201
    rules_client.post("/api/v1/admin/rules", json={"source": ACME_RULE}, headers=admin)
    report = run(rules_client, admin, "keys", rule_id="acme-key").get_json()
    # Two SECRET spans, one found; the EMAIL span is not this rule's type.
    assert (report["labelled"], report["found"], report["recall"]) == (2, 1, 0.5)
    assert report["kind"] == "positive"


def test_a_packaged_rule_runs_when_there_is_no_draft(rules_client, admin):
    assert upload(rules_client, admin, "keys", positive_set()).status_code == 201
    report = run(rules_client, admin, "keys", rule_id="email-address").get_json()
    assert report["rule_type"] == "EMAIL" and report["recall"] == 1.0


def test_a_set_over_the_cap_is_refused_with_413(rules_client, admin, store):
    line = json.dumps({"text": "x" * 1000}) + "\n"
    raw = (line * (eval_sets.MAX_SET_BYTES // len(line) + 1)).encode()
    assert len(raw) > eval_sets.MAX_SET_BYTES
    answer = upload(rules_client, admin, "big", raw)
    assert answer.status_code == 413
    assert answer.get_json()["error"]["code"] == "eval_set_too_large"
    assert rules_client.get(SETS, headers=admin).get_json()["eval_sets"] == []
    fits = (line * (eval_sets.MAX_SET_BYTES // len(line))).encode()
    assert upload(rules_client, admin, "fits", fits).status_code == 201


def test_a_bad_line_is_named_but_never_quoted(rules_client, admin):
    raw = jsonl([{"text": "fine"}]) + b'{"text": "secret-ish 12345", \n'
    answer = upload(rules_client, admin, "broken", raw)
    assert answer.status_code == 422
    message = answer.get_json()["error"]["message"]
    assert message == "line 2: not JSON"
    mixed = upload(rules_client, admin, "mixed", clean_set() + positive_set())
    assert mixed.status_code == 422 and "Mixed" in mixed.get_json()["error"]["message"]
    outside = jsonl([{"text": "ab", "spans": [{"start": 1, "end": 5, "type": "X"}]}])
    assert upload(rules_client, admin, "outside", outside).status_code == 422


def test_a_run_stops_at_its_time_cap_and_says_so(workspace):
    draft = workspace.parse(ACME_RULE)
    bundle = workspace.bundle([draft], with_packaged=False)
    engine = workspace.engine(bundle)
    records = [(n, {"text": f"{KEY} {n}"}) for n in range(1, 6)]
    described = {"name": "s", "kind": "clean"}
    full = eval_sets.evaluate(engine, bundle["rules"][0], described, records)
    assert (full["scanned"], full["flagged"], full["complete"]) == (5, 5, True)
    capped = eval_sets.evaluate(engine, bundle["rules"][0], described, records, 0.0)
    assert (capped["scanned"], capped["complete"]) == (0, False)


def test_a_set_can_be_deleted_and_is_audited(rules_client, admin, store):
    assert upload(rules_client, admin, "tweets", clean_set()).status_code == 201
    assert rules_client.delete(f"{SETS}/tweets", headers=admin).status_code == 200
    assert run(rules_client, admin, "tweets", source=ACME_RULE).status_code == 404
    assert ("alice", "eval_set_delete") in [
        (a["admin"], a["action"]) for a in store.audit()
    ]
