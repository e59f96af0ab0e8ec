"""The whole analysis: clean pictures stay clean, one value seen twice is one
finding, the most severe come first, and the cap counts what it leaves out."""

import pytest
import zxingcpp
from image_fixtures import PHOTO
from image_fixtures import SCREEN
from image_fixtures import clean_jpeg
from image_fixtures import clean_screenshot_png
from image_fixtures import code_image
from image_fixtures import encode
from image_fixtures import font
from image_fixtures import gps_jpeg
from image_fixtures import photo
from PIL import Image
from PIL import ImageDraw

from postguard.images import ImageAnalysis
from postguard.images import analyze_image

CONTRACT_KEYS = {
    "rule_id",
    "category",
    "type",
    "severity",
    "start",
    "end",
    "score",
    "preview",
    "message",
    "policy_url",
    "source",
    "where",
    "box",
}


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("size", [PHOTO, SCREEN, (640, 480)])
def test_clean_photos_have_nothing_and_are_complete(scanner, tesseract, seed, size):
    analysis = analyze_image(clean_jpeg(size, seed), scanner)
    assert analysis.findings == [], [f["type"] for f in analysis.findings]
    assert analysis.complete is True and analysis.location is False
    assert analysis.checks == {"metadata": "done", "barcodes": "done", "text": "done"}
    assert (analysis.width, analysis.height) == size


def test_a_clean_screenshot_of_the_same_size(scanner, tesseract):
    analysis = analyze_image(clean_screenshot_png(), scanner)
    assert analysis.findings == [] and analysis.complete is True


def test_gps_photo(scanner, tesseract):
    analysis = analyze_image(gps_jpeg(), scanner)
    assert isinstance(analysis, ImageAnalysis)
    assert analysis.format == "jpeg" and (analysis.width, analysis.height) == PHOTO
    assert [f["type"] for f in analysis.findings] == ["GPS_LOCATION"]
    assert analysis.location is True and analysis.complete is True
    assert set(analysis.findings[0]) == CONTRACT_KEYS
    assert analysis.rules_version == scanner.engine.rules_version


def test_the_same_value_in_a_code_and_in_text_is_one_finding(scanner, tesseract):
    text = "card 4111 1111 1111 1111"
    canvas = Image.new("RGB", (900, 520), "white")
    canvas.paste(code_image(text, zxingcpp.BarcodeFormat.QRCode, 5), (40, 40))
    ImageDraw.Draw(canvas).text((40, 440), text, font=font(28), fill="black")
    analysis = analyze_image(encode(canvas, "PNG"), scanner)
    cards = [f for f in analysis.findings if f["type"] == "CREDIT_CARD"]
    assert len(cards) == 1 and cards[0]["source"] == "barcode"
    # Without the code, the text alone still finds it.
    canvas.paste((255, 255, 255), (0, 0, 900, 420))
    analysis = analyze_image(encode(canvas, "PNG"), scanner)
    assert [f["source"] for f in analysis.findings] == ["text"]


def test_most_severe_first_and_ocr_can_be_skipped(scanner):
    picture = photo((900, 500))
    picture.paste(
        code_image(
            "otpauth://totp/a?secret=GEZDGNBVGY3TQOJQ", zxingcpp.BarcodeFormat.QRCode, 5
        ),
        (500, 60),
    )
    data = encode(picture, "JPEG", quality=92, exif=_gps_exif())
    analysis = analyze_image(data, scanner, ocr=False)
    assert [f["type"] for f in analysis.findings] == ["TOTP_SECRET", "GPS_LOCATION"]
    assert analysis.checks["text"] == "skipped" and analysis.complete is True


def _gps_exif():
    from image_fixtures import gps_exif

    return gps_exif()


class FewFindings:
    """The service's scanner with a cap of one finding."""

    def __init__(self, scanner):
        self.inner, self.engine, self.max_findings = scanner, scanner.engine, 1

    def scan(self, text, locale=None, full_length=None):
        return self.inner.scan(text, locale, full_length)


def test_the_cap_counts_what_it_leaves_out(scanner):
    picture = Image.new("L", (1000, 500), 255)
    picture.paste(
        code_image("WIFI:T:WPA;S:a;P:Summer2026!;;", zxingcpp.BarcodeFormat.QRCode, 5),
        (40, 60),
    )
    picture.paste(
        code_image(
            "otpauth://totp/a?secret=GEZDGNBVGY3TQOJQ", zxingcpp.BarcodeFormat.QRCode, 5
        ),
        (520, 60),
    )
    analysis = analyze_image(encode(picture, "PNG"), FewFindings(scanner), ocr=False)
    assert [f["type"] for f in analysis.findings] == ["TOTP_SECRET"]
    assert analysis.findings_omitted == 1
    assert analysis.unlisted == [
        {"rule_id": "image.wifi-password", "category": "credential", "severity": "high"}
    ]
