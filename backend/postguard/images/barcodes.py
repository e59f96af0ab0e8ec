"""Barcodes and QR codes: zxing-cpp decodes every code in a frame (any format,
turned and inverted ones too); each payload is classified (payloads.py) and
scanned by the engine, and every finding carries the code's box."""

from __future__ import annotations

from dataclasses import dataclass

import zxingcpp
from PIL import Image

from . import payloads
from .findings import box_of
from .findings import engine_finding
from .findings import rule_finding

MAX_DECODE_PIXELS = 4_000_000
# zxing's format names -> the words the banner uses.
_FORMAT_WORDS = {
    "QRCode": "QR code",
    "MicroQRCode": "QR code",
    "RMQRCode": "QR code",
    "Aztec": "Aztec code",
    "AztecCode": "Aztec code",
    "PDF417": "PDF417 barcode",
    "CompactPDF417": "PDF417 barcode",
    "MicroPDF417": "PDF417 barcode",
    "DataMatrix": "Data Matrix code",
    "MaxiCode": "MaxiCode",
}


@dataclass(frozen=True)
class Code:
    text: str
    format: str  # words: "QR code", "PDF417 barcode", "barcode"
    box: dict


def _words(barcode) -> str:
    name = getattr(barcode.format, "name", str(barcode.format))
    return _FORMAT_WORDS.get(name.replace(" ", ""), "barcode")


def decode(frame: Image.Image) -> list[Code]:
    """Every code zxing-cpp finds in the frame. A big photo is halved (or more)
    first: a code a phone photographed is large in the picture, and the full
    12 megapixels cost zxing 0.65 s against 0.25 s."""
    width, height = frame.size
    gray = frame if frame.mode == "L" else frame.convert("L")
    scale = min(1.0, (MAX_DECODE_PIXELS / (width * height)) ** 0.5)
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        gray = gray.resize(size, Image.Resampling.BOX)
    codes = []
    for barcode in zxingcpp.read_barcodes(
        gray, try_rotate=True, try_invert=True, try_downscale=True
    ):
        text = barcode.text
        if not text:
            continue
        corners = barcode.position
        points = (
            corners.top_left,
            corners.top_right,
            corners.bottom_right,
            corners.bottom_left,
        )
        xs = [p.x / scale for p in points]
        ys = [p.y / scale for p in points]
        right, bottom = max(xs) + 1 / scale, max(ys) + 1 / scale
        box = box_of(min(xs), min(ys), right, bottom, width, height)
        codes.append(Code(text, _words(barcode), box))
    return codes


def findings_for(code: Code, scanner, locale: str | None, policy_base: str = ""):
    """(findings, the engine result) for one code: the image rules" and the
    engine's on its payload. An engine finding over a value the payload's own
    classification reports (a TOTP secret that also looks like an API key) is
    left out."""
    kind, matches = payloads.classify(code.text)
    where = f"{kind} in a {code.format}" if kind else code.format
    found = [
        rule_finding(
            m.rule,
            preview=m.preview,
            source="barcode",
            where=where,
            value=m.value,
            box=code.box,
            start=m.start,
            end=m.end,
            policy_base=policy_base,
        )
        for m in matches
    ]
    result = scanner.scan(code.text, locale)
    for finding in result.findings:
        if any(finding["start"] < m.end and m.start < finding["end"] for m in matches):
            continue  # the same value, which the payload's own rule names better
        value = code.text[finding["start"] : finding["end"]]
        found.append(
            engine_finding(
                finding, source="barcode", where=where, value=value, box=code.box
            )
        )
    if kind == "payment code" and not result.findings:
        match = payloads.payment_match(code.text)
        if match is not None:
            found.append(
                rule_finding(
                    match.rule,
                    preview=match.preview,
                    source="barcode",
                    where=where,
                    value=match.value,
                    box=code.box,
                    start=match.start,
                    end=match.end,
                    policy_base=policy_base,
                )
            )
    return found, result
