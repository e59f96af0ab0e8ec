"""Text in pictures: Tesseract's words put back in reading order, engine
findings mapped to boxes; a missing or slow Tesseract is never "clean"."""

import pytesseract
import pytest
from image_fixtures import CARD
from image_fixtures import animated_gif
from image_fixtures import card_png
from image_fixtures import clean_screenshot_png
from image_fixtures import overlaps
from image_fixtures import screenshot_png

from postguard.images import analyze_image
from postguard.images import ocr
from postguard.images import ocr_status
from postguard.images.load import open_image
from postguard.images.load import shown_frames


def frames_of(data: bytes):
    loaded = open_image(data)
    return list(shown_frames(loaded, list(range(loaded.frames))))


def test_the_acceptance_card_in_28_px_sans(scanner, tesseract):
    data, drawn = card_png()
    analysis = analyze_image(data, scanner)
    assert analysis.checks["text"] == "done" and analysis.complete
    [finding] = analysis.findings
    assert finding["type"] == "CREDIT_CARD" and finding["source"] == "text"
    assert finding["where"] == "text in the image"
    assert finding["preview"] == "•••• 1111"
    assert overlaps(finding["box"], drawn)


@pytest.mark.parametrize("dark", [False, True])
def test_a_screenshot_with_a_key_and_a_card(scanner, tesseract, dark):
    data, drawn = screenshot_png(dark=dark)
    analysis = analyze_image(data, scanner)
    found = {f["type"]: f for f in analysis.findings}
    assert "CREDIT_CARD" in found
    assert overlaps(found["CREDIT_CARD"]["box"], drawn["card"])
    if not dark:  # dark mode's key reads as "...QW/7..." in Tesseract 5.3
        assert overlaps(found["SECRET"]["box"], drawn["aws"])
    for finding in analysis.findings:
        assert CARD not in str(finding) and "AKIA" not in str(finding)


def test_a_clean_screenshot_has_nothing(scanner, tesseract):
    analysis = analyze_image(clean_screenshot_png(), scanner)
    assert analysis.findings == [] and analysis.complete is True


def test_text_in_a_later_frame_of_an_animation(scanner, tesseract):
    analysis = analyze_image(animated_gif(3, text_frame=2), scanner)
    [finding] = analysis.findings
    assert finding["type"] == "CREDIT_CARD"
    # The box is in the frame's own pixels, not in the stacked sheet's.
    assert finding["box"]["y"] < 160 and analysis.complete is True


def test_a_long_animation_is_not_fully_checked(scanner, tesseract):
    analysis = analyze_image(animated_gif(20, text_frame=0), scanner)
    assert [f["type"] for f in analysis.findings] == ["CREDIT_CARD"]
    assert {"rule_id": None, "reason": "frames_skipped"} in analysis.incomplete
    assert analysis.complete is False


def test_words_map_back_to_their_boxes():
    data = {
        "text": ["", "card", "4111", "1111", "next", "line"],
        "conf": ["-1", "96", "95", "94", "90", "91"],
        "page_num": [1] * 6,
        "block_num": [0, 1, 1, 1, 1, 2],
        "par_num": [0, 1, 1, 1, 1, 1],
        "line_num": [0, 1, 1, 1, 2, 1],
        "left": [0, 20, 100, 180, 20, 20],
        "top": [0, 40, 40, 42, 80, 200],
        "width": [0, 60, 60, 60, 50, 40],
        "height": [0, 20, 20, 20, 20, 20],
    }
    read = ocr.assemble(data, 2.0, (400, 300))
    assert read.text == "card 4111 1111\nnext\n\nline"
    start = read.text.index("4111")
    assert read.box_for(start, start + 9) == {
        "x": 50,
        "y": 20,
        "width": 70,
        "height": 11,
    }
    assert read.box_for(0, 0) is None


def test_missing_tesseract_is_unavailable_not_clean(scanner, monkeypatch):
    # A real missing binary: pytesseract is pointed at a path that does not exist.
    monkeypatch.setattr(
        pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract"
    )
    assert ocr_status() == {"available": False, "engine": None, "languages": []}
    data, _ = card_png()
    analysis = analyze_image(data, scanner)
    assert analysis.checks == {
        "metadata": "done",
        "barcodes": "done",
        "text": "unavailable",
    }
    assert analysis.complete is False and analysis.findings == []
    with pytest.raises(ocr.OcrUnavailable):
        ocr.read_text(frames_of(data), timeout_s=5)


def test_tesseract_killed_at_its_timeout(tesseract):
    data, _ = screenshot_png()
    with pytest.raises(ocr.OcrTimeout):
        ocr.read_text(frames_of(data), timeout_s=0.01)


def test_an_analysis_out_of_time_is_incomplete(scanner, tesseract):
    data, _ = screenshot_png()
    analysis = analyze_image(data, scanner, budget_ms=1)
    assert analysis.checks["text"] == "timeout"
    assert analysis.complete is False


def test_ocr_status_names_the_engine(tesseract):
    assert tesseract["engine"].startswith("tesseract ")
    assert "eng" in tesseract["languages"]


@pytest.mark.parametrize(
    ("locale", "installed", "lang"),
    [
        (None, ["eng"], "eng"),
        ("de-DE", ["deu", "eng"], "eng+deu"),
        ("de-DE", ["eng"], "eng"),
        ("fr", ["eng", "fra"], "eng+fra"),
    ],
)
def test_languages_for_a_locale(locale, installed, lang):
    assert ocr.languages_for(locale, installed) == lang
