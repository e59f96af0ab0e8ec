"""`postguard scan --policy`: an admin tries a policy on sample posts and gets
what the service would decide (issue 14's acceptance, with the contract's policy)."""

import datetime
import json
import subprocess
import sys
from pathlib import Path

import pytest

from postguard.cli import main

POLICY = """\
version: 1
mode: enforce
default_action: warn
actions:
  context: {low: warn, medium: warn, high: warn, critical: block}
  pii: {medium: warn}
platforms:
  x:
  linkedin:
  other:
organization:
  names: [Acme, Acme Corp]
  handles: {x: ["@AcmeSupport", "@Acme"], linkedin: ["acme"]}
  disclosure: ["#AcmeEmployee", "#employee", "I work at Acme"]
quiet_periods:
  - {name: Q3 earnings blackout, start: 2026-11-01, end: 2027-01-31}
"""


@pytest.fixture
def policy(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY, encoding="utf-8")
    return path


def run(tmp_path, capsys, text, *options):
    draft = tmp_path / "draft.txt"
    draft.write_text(text, encoding="utf-8")
    code = main(["scan", "--json", str(draft), *options])
    out = capsys.readouterr().out
    return code, (json.loads(out) if out else None)


@pytest.mark.parametrize(
    ("text", "verdict", "code", "rule_ids"),
    [
        (
            "Acme Q3 revenue numbers look great, we beat guidance",
            "block",
            2,
            ["quiet-period", "affiliation-disclosure"],
        ),
        (
            "I love the new Acme phone, best camera ever",
            "warn",
            1,
            ["affiliation-disclosure"],
        ),
        ("@AcmeSupp0rt my order never arrived", "warn", 1, ["impostor-handle"]),
        ("lunch at noon with the team", "allow", 0, []),
    ],
)
def test_contract_examples_inside_the_blackout(
    tmp_path, capsys, policy, text, verdict, code, rule_ids
):
    got, answer = run(
        tmp_path, capsys, text, "--policy", str(policy), "--date", "2026-12-02"
    )
    assert (got, answer["verdict"]) == (code, verdict)
    assert [f["rule_id"] for f in answer["findings"]] == rule_ids
    for finding in answer["findings"]:
        assert finding["action"] in ("warn", "block")
        assert text not in finding["preview"]


def test_each_message_says_what_to_do(tmp_path, capsys, policy):
    options = ("--policy", str(policy), "--date", "2026-12-02")
    _, impostor = run(tmp_path, capsys, "@AcmeSupp0rt my order never arrived", *options)
    assert "@AcmeSupport" in impostor["findings"][0]["message"]
    _, praise = run(
        tmp_path, capsys, "I love the new Acme phone, best camera ever", *options
    )
    [reminder] = praise["findings"]
    assert reminder["suggestion"] == {"kind": "append", "text": "#AcmeEmployee"}
    assert "Acme" in reminder["message"] and reminder["action"] == "warn"
    _, results = run(tmp_path, capsys, "Acme Q3 revenue numbers look great", *options)
    held = results["findings"][0]
    assert "Q3 earnings blackout" in held["message"] and "2027-01-31" in held["message"]


def test_after_the_blackout_a_results_post_is_only_a_reminder(tmp_path, capsys, policy):
    text = "Acme Q3 revenue numbers look great, we beat guidance"
    code, answer = run(
        tmp_path, capsys, text, "--policy", str(policy), "--date", "2027-02-01"
    )
    assert code == 1
    assert [f["rule_id"] for f in answer["findings"]] == ["affiliation-disclosure"]


def test_without_date_today_is_the_local_date(tmp_path, capsys):
    # The window is drawn around the real today, so the test holds on any day
    # (on 2026-12-02 the contract's own window also holds it).
    today = datetime.date.today()
    window = (today - datetime.timedelta(days=1), today + datetime.timedelta(days=1))
    path = tmp_path / "policy.yaml"
    path.write_text(
        POLICY.replace("2026-11-01", window[0].isoformat()).replace(
            "2027-01-31", window[1].isoformat()
        ),
        encoding="utf-8",
    )
    code, answer = run(
        tmp_path, capsys, "Acme Q3 revenue numbers", "--policy", str(path)
    )
    assert (code, answer["verdict"]) == (2, "block")
    code, _ = run(
        tmp_path, capsys, "lunch at noon with the team", "--policy", str(path)
    )
    assert code == 0


def test_reply_target_warns_before_anything_is_typed(tmp_path, capsys, policy):
    code, answer = run(
        tmp_path, capsys, "", "--policy", str(policy), "--reply-to", "@Acme_Help"
    )
    assert code == 1
    [finding] = answer["findings"]
    assert (finding["start"], finding["end"], finding["target"]) == (0, 0, "reply_to")
    assert "@Acme " in finding["message"]


def test_official_reply_target_and_audience_are_quiet(tmp_path, capsys, policy):
    options = (
        "--policy",
        str(policy),
        "--reply-to",
        "@acmesupport",
        "--audience",
        "dm",
    )
    code, answer = run(tmp_path, capsys, "thanks!", *options)
    assert (code, answer["findings"]) == (0, [])


def test_an_audience_override_changes_the_action(tmp_path, capsys):
    path = tmp_path / "policy.yaml"
    path.write_text(
        POLICY + "audiences:\n  dm: {actions: {context: {critical: warn}}}\n",
        encoding="utf-8",
    )
    text = "Acme Q3 revenue numbers"
    base = ("--policy", str(path), "--date", "2026-12-02")
    assert run(tmp_path, capsys, text, *base, "--audience", "public")[0] == 2
    assert run(tmp_path, capsys, text, *base, "--audience", "dm")[0] == 1


def test_a_group_window_needs_the_group(tmp_path, capsys):
    path = tmp_path / "policy.yaml"
    path.write_text(
        POLICY.replace("end: 2027-01-31}", "end: 2027-01-31, groups: [finance]}"),
        encoding="utf-8",
    )
    base = ("--policy", str(path), "--date", "2026-12-02")
    assert run(tmp_path, capsys, "Acme revenue", *base)[0] == 0
    assert (
        run(tmp_path, capsys, "Acme revenue", *base, "--groups", "sales,finance")[0]
        == 2
    )


@pytest.mark.parametrize(
    ("options", "code", "says"),
    [
        (("--date", "2026-12-02"), 64, "--date needs --policy"),
        (("--policy", "{policy}", "--date", "2026-13-01"), 64, "YYYY-MM-DD"),
        (("--policy", "{policy}", "--platform", "myspace"), 0, ""),
        (("--policy", "{missing}"), 70, "cannot read policy file"),
    ],
)
def test_option_errors(tmp_path, capsys, policy, options, code, says):
    options = [o.format(policy=policy, missing=tmp_path / "none.yaml") for o in options]
    draft = tmp_path / "draft.txt"
    draft.write_text("hello", encoding="utf-8")
    assert main(["scan", str(draft), *options]) == code
    assert says in capsys.readouterr().err


def test_a_bad_quiet_period_names_the_line(tmp_path, capsys):
    path = tmp_path / "policy.yaml"
    path.write_text(
        POLICY.replace("end: 2027-01-31", "end: 2026-10-01"), encoding="utf-8"
    )
    draft = tmp_path / "draft.txt"
    draft.write_text("hello", encoding="utf-8")
    assert main(["scan", str(draft), "--policy", str(path)]) == 70
    assert "line 16" in capsys.readouterr().err


def test_as_a_subprocess_the_human_output_is_masked(policy):
    text = "@AcmeSupp0rt my order never arrived"
    done = subprocess.run(
        [sys.executable, "-m", "postguard.cli", "scan", "--policy", str(policy)],
        input=text.encode(),
        capture_output=True,
        timeout=120,
    )
    out = done.stdout.decode()
    assert done.returncode == 1
    assert "looks like @AcmeSupport" in out and "AcmeSupp0rt" not in out


SAME_AS_SERVICE = [
    "Acme Q3 revenue numbers look great, we beat guidance",
    "card 4111 1111 1111 1111 and mail jane@acme-corp.com",
    "@AcmeSupp0rt my order never arrived",
    "lunch at noon with the team",
]


@pytest.mark.parametrize("text", SAME_AS_SERVICE)
def test_the_cli_answers_what_the_service_answers(tmp_path, capsys, text):
    from postguard.app import create_app

    sys.path.insert(0, str(Path(__file__).parents[1] / "service"))
    from service_support import TOKEN
    from service_support import Api

    path = tmp_path / "policy.yaml"
    today = datetime.date.today()
    path.write_text(
        POLICY.replace(
            "2026-11-01", (today - datetime.timedelta(days=1)).isoformat()
        ).replace("2027-01-31", (today + datetime.timedelta(days=1)).isoformat())
        # The audience matters: both must pass it on.
        + "audiences:\n  public: {actions: {pii: {medium: block}}}\n",
        encoding="utf-8",
    )
    app = create_app(
        {
            "TOKEN": TOKEN,
            "HOME": str(tmp_path / "home"),
            "TESTING": True,
            "POLICY_FILE": str(path),
        }
    )
    try:
        body = {"text": text, "platform": "x", "context": {"audience": "public"}}
        served = Api(app.test_client()).post("/api/v1/scan", json=body).get_json()
    finally:
        app.extensions["postguard"].audit.close()
    code, answer = run(
        tmp_path,
        capsys,
        text,
        "--policy",
        str(path),
        "--platform",
        "x",
        "--audience",
        "public",
    )
    keys = ("verdict", "findings", "findings_omitted", "complete", "incomplete")
    assert {k: answer[k] for k in keys} == {k: served[k] for k in keys}
    assert code == {"allow": 0, "warn": 1, "block": 2}[served["verdict"]]
    if "jane@" in text:  # an e-mail address: pii, medium, blocked in public only
        assert answer["verdict"] == "block"


def test_jsonl_applies_the_policy_per_line(tmp_path, capsys, policy):
    lines = [
        json.dumps({"id": 1, "text": "I love the new Acme phone"}),
        "not json",
        json.dumps({"id": 3, "text": "lunch at noon"}),
    ]
    batch = tmp_path / "posts.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    options = ["--policy", str(policy), "--date", "2026-12-02", "--format", "jsonl"]
    assert main(["scan", str(batch), *options]) == 1
    first, bad, third = (
        json.loads(line) for line in capsys.readouterr().out.splitlines()
    )
    assert first["id"] == 1 and first["verdict"] == "warn"
    assert first["findings"][0]["action"] == "warn"
    assert bad["error"]["line"] == 2
    assert (third["verdict"], third["findings"], third["complete"]) == (
        "allow",
        [],
        True,
    )


PROMISE = "Guaranteed returns of 20% a month, completely risk-free!"


def test_without_a_policy_the_regulated_packs_stay_off(tmp_path, capsys):
    """A regulated wording pack is on only where a policy lists it, so the
    plain scan answers as a service with no policy file would."""
    code, answer = run(tmp_path, capsys, PROMISE)
    assert (code, answer["findings"]) == (0, [])


def test_a_policy_that_lists_a_pack_turns_it_on(tmp_path, capsys):
    path = tmp_path / "packs.yaml"
    path.write_text(POLICY + "regulated_packs: [financial-promotion]\n", "utf-8")
    code, answer = run(tmp_path, capsys, PROMISE, "--policy", str(path))
    assert code != 0
    assert {f["category"] for f in answer["findings"]} == {"regulated"}
