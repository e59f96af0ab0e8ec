"""Codes in pictures: decoded by zxing-cpp, classified, scanned by the engine,
each finding with the code's box."""

import pytest
import zxingcpp
from image_fixtures import BCBP
from image_fixtures import EPC
from image_fixtures import OTPAUTH
from image_fixtures import WIFI
from image_fixtures import code_image
from image_fixtures import code_png
from image_fixtures import encode
from image_fixtures import overlaps
from image_fixtures import photo
from PIL import Image
from PIL import ImageOps

from postguard.images import analyze_image

QR = zxingcpp.BarcodeFormat.QRCode


def codes_only(data: bytes, scanner):
    """The analysis without OCR, so a finding can only come from the code."""
    return analyze_image(data, scanner, ocr=False)


@pytest.mark.parametrize(
    ("payload", "fmt", "scale", "rule_id", "type_"),
    [
        (WIFI, QR, 6, "image.wifi-password", "PASSWORD"),
        (OTPAUTH, QR, 6, "image.totp-secret", "TOTP_SECRET"),
        (
            BCBP,
            zxingcpp.BarcodeFormat.PDF417,
            3,
            "image.boarding-pass",
            "BOARDING_PASS",
        ),
        (BCBP, zxingcpp.BarcodeFormat.Aztec, 6, "image.boarding-pass", "BOARDING_PASS"),
        # A payment QR: the IBAN is the engine's own finding, from the code.
        (EPC, QR, 5, "iban", "IBAN"),
    ],
)
def test_a_code_gives_its_finding_with_its_box(
    scanner, payload, fmt, scale, rule_id, type_
):
    data, drawn = code_png(payload, fmt, scale)
    analysis = codes_only(data, scanner)
    assert analysis.checks == {
        "metadata": "done",
        "barcodes": "done",
        "text": "skipped",
    }
    assert analysis.complete is True
    [finding] = analysis.findings
    assert (finding["rule_id"], finding["type"]) == (rule_id, type_)
    assert finding["source"] == "barcode"
    assert overlaps(finding["box"], drawn)
    assert finding["box"]["width"] <= drawn["width"] + 2


def test_where_says_what_code_it_is(scanner):
    analysis = codes_only(code_png(BCBP, zxingcpp.BarcodeFormat.PDF417, 3)[0], scanner)
    assert analysis.findings[0]["where"] == "boarding pass in a PDF417 barcode"
    analysis = codes_only(code_png(WIFI)[0], scanner)
    assert analysis.findings[0]["where"] == "Wi-Fi login in a QR code"


def test_a_turned_and_an_inverted_code_are_read(scanner):
    code = code_image(WIFI, QR, 6)
    turned = Image.new("L", (600, 600), 255)
    turned.paste(code.rotate(90, expand=True), (120, 150))
    inverted = Image.new("L", (600, 600), 0)
    inverted.paste(ImageOps.invert(code), (120, 150))
    for picture in (turned, inverted):
        analysis = codes_only(encode(picture, "PNG"), scanner)
        assert [f["type"] for f in analysis.findings] == ["PASSWORD"]


def test_a_code_in_a_photo(scanner):
    picture = photo((1600, 1200))
    code = code_image(OTPAUTH, QR, 8).convert("RGB")
    picture.paste(code, (900, 500))
    analysis = codes_only(encode(picture, "JPEG", quality=90), scanner)
    [finding] = analysis.findings
    assert finding["type"] == "TOTP_SECRET"
    box = finding["box"]
    assert overlaps(
        box, {"x": 900, "y": 500, "width": code.width, "height": code.height}
    )


def test_the_payload_goes_through_the_engine(scanner):
    # A plain QR code with a card number in it: no image rule, the engine's.
    data, _ = code_png("call me, card 4111 1111 1111 1111 exp 09/27")
    [finding] = codes_only(data, scanner).findings
    assert finding["type"] == "CREDIT_CARD" and finding["source"] == "barcode"
    assert finding["where"] == "QR code"


@pytest.mark.parametrize(
    "payload",
    [
        "https://example.com/menu",
        "WIFI:T:nopass;S:guest-wifi;;",
        "4006381333931",
    ],
)
def test_harmless_codes_give_nothing(scanner, payload):
    analysis = codes_only(code_png(payload)[0], scanner)
    assert analysis.findings == [] and analysis.complete is True


def test_two_codes_in_one_picture(scanner):
    canvas = Image.new("L", (1000, 500), 255)
    canvas.paste(code_image(WIFI, QR, 5), (40, 60))
    canvas.paste(code_image(OTPAUTH, QR, 5), (520, 60))
    analysis = codes_only(encode(canvas, "PNG"), scanner)
    # The most severe first: the authenticator secret (critical), then the password.
    assert [f["type"] for f in analysis.findings] == ["TOTP_SECRET", "PASSWORD"]
    assert analysis.findings[0]["box"]["x"] > 500 > analysis.findings[1]["box"]["x"]
