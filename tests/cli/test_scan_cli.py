"""`postguard scan` as a user runs it: a real subprocess, stdin in, JSON out."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
CARD = "4111 1111 1111 1111"


def scan(*args, stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "postguard.cli", "scan", *args],
        input=stdin.encode("utf-8"),
        capture_output=True,
        timeout=120,
    )


def test_json_mode_reports_the_card_span_and_exit_code():
    text = f"card {CARD} exp 09/27\n"
    done = scan("--json", stdin=text)
    assert done.returncode == 2  # block
    result = json.loads(done.stdout)
    [finding] = result["findings"]
    assert finding["type"] == "CREDIT_CARD"
    assert text[finding["start"] : finding["end"]] == CARD
    assert finding["preview"] == "•••• 1111"


def test_human_output_is_masked():
    done = scan(stdin=f"card {CARD}")
    out = done.stdout.decode()
    assert "•••• 1111" in out and CARD not in out and "verdict: block" in out


@pytest.mark.parametrize(
    ("text", "code"), [("hello", 0), ("mail jane@acme-corp.com", 1)]
)
def test_exit_code_follows_verdict(text, code):
    assert scan("--json", stdin=text).returncode == code


def test_jsonl_keeps_fields_and_reports_bad_lines_without_echoing_them():
    lines = [
        json.dumps({"id": 7, "text": f"card {CARD}", "extra": [1, 2]}),
        "{not json secret-canary-123",
        json.dumps({"text": 42}),
        json.dumps({"id": 9, "text": "all clear"}),
    ]
    done = scan("--format", "jsonl", stdin="\n".join(lines))
    assert done.returncode == 2  # the worst verdict: the card's block
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert out[0]["id"] == 7 and out[0]["extra"] == [1, 2]
    assert out[0]["verdict"] == "block" and out[0]["complete"] is True
    assert out[1]["error"]["line"] == 2 and out[2]["error"]["line"] == 3
    assert out[3] == {
        "id": 9,
        "text": "all clear",
        "verdict": "allow",
        "complete": True,
        "findings": [],
    }
    assert "secret-canary-123" not in done.stdout.decode() + done.stderr.decode()


def test_not_utf8_is_a_clear_error():
    done = subprocess.run(
        [sys.executable, "-m", "postguard.cli", "scan"],
        input=b"\xff\xfe card",
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 65 and b"not UTF-8" in done.stderr


def test_missing_file_is_a_clear_error(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "postguard.cli", "scan", str(tmp_path / "nope.txt")],
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 66 and b"no such file" in done.stderr


@pytest.mark.skipif(
    not (CORPUS / "pii_presidio_tests.jsonl").is_file(),
    reason="shared corpus not present",
)
def test_jsonl_batch_over_the_presidio_corpus():
    source = (CORPUS / "pii_presidio_tests.jsonl").read_text(encoding="utf-8")
    done = scan("--format", "jsonl", stdin=source)
    assert done.returncode in (0, 1, 2), done.stderr
    inputs = [json.loads(line) for line in source.splitlines() if line.strip()]
    outputs = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(outputs) == len(inputs) == 826
    for given, got in zip(inputs, outputs, strict=True):
        assert {k: got[k] for k in given} == given
        assert {"verdict", "complete", "findings"} <= set(got)


# --- batch mode loses nothing --------------------------------------------------


def scan_bytes(*args, stdin: bytes) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "postguard.cli", "scan", *args],
        input=stdin,
        capture_output=True,
        timeout=120,
    )


def test_null_card_and_a_bad_byte_give_three_lines_in_order():
    card = "4539 1488 0343 6467"
    done = scan_bytes(
        "--format",
        "jsonl",
        stdin=b'null\n{"text":"card ' + card.encode() + b'"}\n\xff\n',
    )
    out = [json.loads(line) for line in done.stdout.decode("ascii").splitlines()]
    assert len(out) == 3
    assert out[0]["error"]["line"] == 1
    assert (
        out[1]["verdict"] == "block" and out[1]["findings"][0]["type"] == "CREDIT_CARD"
    )
    assert out[2]["error"]["line"] == 3 and "UTF-8" in out[2]["error"]["message"]
    assert done.returncode == 2


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085", "\r", "\x0b"])
def test_raw_line_separators_inside_a_record_do_not_split_it(separator):
    records = [
        {"id": 1, "text": f"first{separator}part card {CARD}"},
        {"id": 2, "text": "second"},
    ]
    stdin = "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"
    done = scan_bytes("--format", "jsonl", stdin=stdin.encode("utf-8"))
    lines = done.stdout.split(b"\n")
    assert lines[-1] == b"" and len(lines) == 3
    out = [json.loads(line) for line in lines[:-1]]
    assert [o["id"] for o in out] == [1, 2]
    assert out[0]["text"] == records[0]["text"] and out[0]["verdict"] == "block"
    assert all(byte < 0x80 for byte in done.stdout)  # no reader can split it


def test_a_lone_surrogate_escape_is_an_error_line_and_the_batch_goes_on():
    stdin = b'{"text": "x \\ud800 y"}\n{"text": "fine"}\n'
    done = scan_bytes("--format", "jsonl", stdin=stdin)
    out = [json.loads(line) for line in done.stdout.decode("ascii").splitlines()]
    assert out[0] == {"error": {"line": 1, "message": out[0]["error"]["message"]}}
    assert "surrogate" in out[0]["error"]["message"]
    assert out[1]["verdict"] == "allow"
    assert done.returncode == 1  # an unchecked line is never "allow"


def test_blank_lines_keep_their_place_and_only_a_final_newline_ends_the_input():
    done = scan_bytes("--format", "jsonl", stdin=b'{"text": "a"}\n\n{"text": "b"}')
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(out) == 3
    assert out[1]["error"] == {"line": 2, "message": "empty line"}
    assert out[2]["text"] == "b"


def test_only_bad_lines_is_bad_input():
    done = scan_bytes("--format", "jsonl", stdin=b"nope\n[]\n")
    assert done.returncode == 65
    assert len(done.stdout.splitlines()) == 2


def test_a_reader_that_goes_away_ends_the_scan_without_a_traceback():
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `| head -1` after its line
    with os.fdopen(write_end, "wb") as stdout:
        done = subprocess.run(
            [sys.executable, "-m", "postguard.cli", "scan"],
            input=b"card 4111 1111 1111 1111 " * 2000,
            stdout=stdout,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    assert done.returncode == 141
    assert b"Traceback" not in done.stderr
