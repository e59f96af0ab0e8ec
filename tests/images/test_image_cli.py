"""`postguard scan --image FILE`: the issue's acceptance lines as a user runs
them (a real subprocess), and the policy path through the CLI's main."""

import json
import subprocess
import sys

import pytest
from image_fixtures import CARD
from image_fixtures import WIFI
from image_fixtures import card_png
from image_fixtures import clean_jpeg
from image_fixtures import code_png
from image_fixtures import gps_jpeg
from image_fixtures import png_bomb

from postguard.cli import main


def scan(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "postguard.cli", "scan", *map(str, args)],
        capture_output=True,
        timeout=120,
    )


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "make", "types", "code"),
    [
        ("shot.png", lambda: card_png()[0], ["CREDIT_CARD"], 2),
        ("photo.jpg", gps_jpeg, ["GPS_LOCATION"], 1),
        ("wifi.png", lambda: code_png(WIFI)[0], ["PASSWORD"], 2),
        ("plain.jpg", clean_jpeg, [], 0),
    ],
)
def test_the_acceptance_lines(tmp_path, tesseract, name, make, types, code):
    done = scan("--image", write(tmp_path, name, make()), "--json")
    assert done.returncode == code, done.stderr.decode()
    answer = json.loads(done.stdout)
    assert [f["type"] for f in answer["findings"]] == types
    assert answer["complete"] is True
    assert answer["verdict"] == ["allow", "warn", "block"][code]
    for key in ("rules_version", "incomplete", "findings_omitted", "checks", "format"):
        assert key in answer
    for finding in answer["findings"]:
        assert {"type", "preview", "source", "where", "box"} <= set(finding)


def test_human_output_is_masked(tmp_path, tesseract):
    done = scan("--image", write(tmp_path, "shot.png", card_png()[0]))
    out = done.stdout.decode()
    assert done.returncode == 2
    assert "CREDIT_CARD" in out and "text in the image at " in out
    assert "•••• 1111" in out and CARD not in out and "verdict: block" in out


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (b"just text, named like a picture", 65, "not_an_image"),
        (png_bomb(), 65, "too_many_pixels"),
    ],
)
def test_bad_images_are_bad_input(tmp_path, data, code, words):
    done = scan("--image", write(tmp_path, "x.png", data))
    assert done.returncode == code and words in done.stderr.decode()
    assert b"just text" not in done.stderr


def test_missing_file_and_usage_errors(tmp_path):
    assert scan("--image", tmp_path / "none.png").returncode == 66
    image = write(tmp_path, "shot.png", card_png()[0])
    assert scan("--image", image, "--format", "jsonl").returncode == 64
    assert scan("--image", image, image).returncode == 64
    assert scan("--no-ocr", "-").returncode == 64


def test_no_ocr_is_reported_as_skipped(tmp_path):
    done = scan(
        "--image", write(tmp_path, "wifi.png", code_png(WIFI)[0]), "--no-ocr", "--json"
    )
    answer = json.loads(done.stdout)
    assert answer["checks"]["text"] == "skipped" and answer["complete"] is True
    assert done.returncode == 2


POLICY = """\
version: 1
mode: enforce
default_action: warn
actions:
  pii: {low: audit, medium: block}
  credential: {high: warn, critical: block}
platforms:
  x:
  other:
"""


def test_policy_actions_apply_to_image_findings(tmp_path, capsys):
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    photo = write(tmp_path, "photo.jpg", gps_jpeg())
    code = main(
        ["scan", "--image", str(photo), "--policy", str(policy), "--no-ocr", "--json"]
    )
    answer = json.loads(capsys.readouterr().out)
    assert code == 2 and answer["verdict"] == "block" and answer["mode"] == "enforce"
    [finding] = answer["findings"]
    assert finding["type"] == "GPS_LOCATION" and finding["action"] == "block"
    wifi = write(tmp_path, "wifi.png", code_png(WIFI)[0])
    code = main(["scan", "--image", str(wifi), "--policy", str(policy), "--no-ocr"])
    out = capsys.readouterr().out
    assert code == 1 and "WARN" in out and "verdict: warn" in out
